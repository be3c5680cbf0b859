// Two-factor sign-in, the pure part: TOTP (RFC 6238: SHA-1, 6 digits, 30-second
// steps, one step either side accepted) through the otpauth library, the replay
// rule (a step once used, or any before it, is never accepted again), and the
// single-use recovery codes, which are stored only as hashes.
import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { sha256 } from '../platform/ids.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

function totp(secretBase32: string, label = 'Finishline', issuer = 'Finishline'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** A new random 160-bit secret, base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function otpauthUrl(secretBase32: string, account: string, issuer: string): string {
  return totp(secretBase32, account, issuer).toString();
}

/** The code an authenticator shows at `now` (tests, and nothing else, need it). */
export function totpCodeAt(secretBase32: string, now: number): string {
  return totp(secretBase32).generate({ timestamp: now });
}

/** The 30-second step `now` falls in. */
export function stepAt(now: number): number {
  return Math.floor(now / (TOTP_PERIOD_SECONDS * 1000));
}

/**
 * The step a code belongs to when it is right for `now` (±1 step) and its step is
 * later than `lastUsedStep` (so a code, once used, cannot be used again, nor an
 * older one); null otherwise.
 */
export function acceptTotp(secretBase32: string, code: string, now: number, lastUsedStep: number | null): number | null {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return null;
  const delta = totp(secretBase32).validate({ token: digits, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = stepAt(now) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return null;
  return step;
}

// Recovery codes: 10 characters from an alphabet without look-alikes (50 bits each), shown as xxxxx-xxxxx.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What a recovery code is stored and looked up as: the hash of its characters, whatever case or separators were typed. */
export function recoveryCodeHash(code: string): string {
  return sha256(`recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`);
}
