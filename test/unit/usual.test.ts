import { describe, expect, it } from 'vitest';
import { SLOT_MS } from '../../src/reports/report.ts';
import { loadsAt, type Spell } from '../../src/reports/usual.ts';

/** The definition, spell by spell and instant by instant: open at a slot while createdSlot < slot ≤ closedSlot. */
function naive(spells: Spell[], instants: number[]): number[] {
  return instants.map((instant) => {
    const slot = instant / SLOT_MS;
    return spells.reduce((sum, s) => (s.createdSlot < slot && (s.closedSlot === null || slot <= s.closedSlot) ? sum + s.weight : sum), 0);
  });
}

describe('loadsAt', () => {
  it('gives the weighted open work at each instant, in the order asked, as the definition does', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const spells: Spell[] = Array.from({ length: next(40) }, () => {
        const created = 1_000 + next(60);
        return { createdSlot: created, closedSlot: next(4) === 0 ? null : created - 3 + next(30), weight: (1 + next(6)) / 2 };
      });
      // Unsorted, with repeats, before, among and after the spells.
      const instants = Array.from({ length: next(12) }, () => (990 + next(110)) * SLOT_MS);
      expect(loadsAt(spells, instants)).toEqual(naive(spells, instants));
    }
  });

  it('never counts a spell closed in or before the slot it was created in', () => {
    const spells: Spell[] = [
      { createdSlot: 10, closedSlot: 10, weight: 1 },
      { createdSlot: 10, closedSlot: 8, weight: 2 },
      { createdSlot: 5, closedSlot: null, weight: 0.5 },
    ];
    expect(loadsAt(spells, [9 * SLOT_MS, 11 * SLOT_MS])).toEqual([0.5, 0.5]);
  });
});
