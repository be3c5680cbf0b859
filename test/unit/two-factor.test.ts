// The pure part of two-factor sign-in: RFC 6238 codes, the ±1 step window, no
// replay, and recovery codes.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acceptTotp, newRecoveryCodes, newTotpSecret, otpauthUrl, recoveryCodeHash, stepAt, totpCodeAt } from '../../src/accounts/twoFactor.ts';

const NOW = Date.parse('2026-03-02T09:00:10Z');

/** RFC 6238 by hand (HMAC-SHA1, dynamic truncation), to check the library against. */
function rfc6238(secretBase32: string, at: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('TOTP codes', () => {
  const secret = newTotpSecret();

  it('are 160-bit base32 secrets whose codes follow RFC 6238', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totpCodeAt(secret, NOW)).toBe(rfc6238(secret, NOW));
  });

  it('are accepted one step early or late, not two', () => {
    const code = totpCodeAt(secret, NOW);
    expect(acceptTotp(secret, code, NOW, null)).toBe(stepAt(NOW));
    expect(acceptTotp(secret, code, NOW + 30_000, null)).toBe(stepAt(NOW));
    expect(acceptTotp(secret, code, NOW - 30_000, null)).toBe(stepAt(NOW));
    expect(acceptTotp(secret, code, NOW + 60_000, null)).toBeNull();
    expect(acceptTotp(secret, code, NOW - 60_000, null)).toBeNull();
  });

  it('are never accepted twice, nor a code older than the last one used', () => {
    const code = totpCodeAt(secret, NOW);
    const used = acceptTotp(secret, code, NOW, null)!;
    expect(acceptTotp(secret, code, NOW, used)).toBeNull();
    expect(acceptTotp(secret, totpCodeAt(secret, NOW - 30_000), NOW, used)).toBeNull();
    expect(acceptTotp(secret, totpCodeAt(secret, NOW + 30_000), NOW, used)).toBe(used + 1);
  });

  it('refuse anything but six digits, and a wrong code', () => {
    const code = totpCodeAt(secret, NOW);
    expect(acceptTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, NOW, null)).toBe(stepAt(NOW));
    expect(acceptTotp(secret, code.slice(1), NOW, null)).toBeNull();
    expect(acceptTotp(secret, 'abcdef', NOW, null)).toBeNull();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const neighbours = [-30_000, 0, 30_000].map((d) => totpCodeAt(secret, NOW + d));
    if (!neighbours.includes(wrong)) expect(acceptTotp(secret, wrong, NOW, null)).toBeNull();
  });

  it('are offered to authenticator apps as an otpauth address naming the business and the person', () => {
    const url = new URL(otpauthUrl(secret, 'olive@example.test', 'Acme Plumbing'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Acme Plumbing:olive@example.test');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });
});

describe('recovery codes', () => {
  it('are ten different codes of 10 characters without look-alikes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
  });

  it('hash the same whatever case and separators are typed, and differently from each other', () => {
    const [a, b] = newRecoveryCodes(2) as [string, string];
    expect(recoveryCodeHash(a)).toBe(recoveryCodeHash(` ${a.toUpperCase().replace('-', ' ')} `));
    expect(recoveryCodeHash(a)).not.toBe(recoveryCodeHash(b));
    expect(recoveryCodeHash(a)).not.toContain(a.replace('-', ''));
  });
});
