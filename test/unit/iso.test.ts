import { describe, expect, it } from 'vitest';
import { iso } from '../../src/platform/pagination.ts';

describe('iso', () => {
  it('writes every instant exactly as Date#toISOString does', () => {
    const edges = [0, 1, 999, 1000, 59_999, 60_000, 3_599_999, 86_399_999, 86_400_000, Date.parse('2026-03-02T09:00:00Z'), Date.parse('2024-02-29T23:59:59.999Z'), 253_402_300_799_999, -1, -86_400_001, 253_402_300_800_000, 1.5, 8_640_000_000_000_000];
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const samples = [...edges, ...Array.from({ length: 5000 }, () => Math.floor(random() * 4_102_444_800_000))];
    for (const instant of samples) expect(iso(instant), String(instant)).toBe(new Date(instant).toISOString());
  });

  it('keeps null as null', () => {
    expect(iso(null)).toBeNull();
  });
});
