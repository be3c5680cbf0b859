// The common-password check (OWASP ASVS 2.1.7) against zxcvbn's list of the 49,000
// most used passwords: the password itself, or a listed word with digits and
// symbols tacked on ("password2024!"), ignoring case; and runs like "aaaa…" or "1234…".
import { createRequire } from 'node:module';

/** Read with the first password checked, not at every start: the list is large. */
const load = createRequire(import.meta.url);

let common: Set<string> | undefined;

const RUNS = ['1234567890'.repeat(4), '0987654321'.repeat(4), 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];

function commonList(): Set<string> {
  const { dictionary } = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  return new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
}

export function isCommonPassword(password: string): boolean {
  common ??= commonList();
  const candidate = password.trim().toLowerCase();
  const base = candidate.replace(/[\d\W_]+$/u, '');
  return (
    common.has(candidate) ||
    (base.length >= 4 && common.has(base)) ||
    /^(.)\1*$/su.test(candidate) ||
    RUNS.some((run) => run.includes(candidate))
  );
}
