// The common-password check (OWASP ASVS 2.1.7) against zxcvbn's list of the 49,000
// most used passwords: the password itself, or a listed word with digits and
// symbols tacked on ("password2024!"), ignoring case; and runs like "aaaa…" or "1234…".
import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | undefined;

const RUNS = ['1234567890'.repeat(4), '0987654321'.repeat(4), 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];

export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  const candidate = password.trim().toLowerCase();
  const base = candidate.replace(/[\d\W_]+$/u, '');
  return (
    common.has(candidate) ||
    (base.length >= 4 && common.has(base)) ||
    /^(.)\1*$/su.test(candidate) ||
    RUNS.some((run) => run.includes(candidate))
  );
}
