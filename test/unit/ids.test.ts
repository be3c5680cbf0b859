import { encodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { keyFactory, newId, newKey } from '../../src/platform/ids.ts';

const CROCKFORD = /^[0-9a-hjkmnp-tv-z]+$/;
const AT = Date.parse('2026-03-02T09:00:00Z');

describe('ids', () => {
  it('makes keys of 14 characters for what people make: a ULID time, then four rising characters', () => {
    const key = newKey();
    expect(key).toHaveLength(14);
    expect(key).toMatch(CROCKFORD);
    expect(newId()).toHaveLength(26);
    let n = 0;
    const keys = keyFactory(() => (n++ % 7) / 7);
    const sameMs = Array.from({ length: 1000 }, () => keys(AT));
    expect(new Set(sameMs).size).toBe(1000);
    expect([...sameMs].sort()).toEqual(sameMs);
    for (const k of sameMs) expect(k.slice(0, 10)).toBe(encodeTime(AT, 10).toLowerCase());
    const later = keys(AT + 1);
    expect(later > sameMs.at(-1)!).toBe(true);
    // A clock that steps back keeps the keys rising: the last time goes on.
    expect(keys(AT - 5) > later).toBe(true);
  });
});
