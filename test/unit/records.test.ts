import { describe, expect, it } from 'vitest';
import { Dice } from '../../src/demo/business.ts';
import { Invalid } from '../../src/platform/errors.ts';
import { checkSchedule, DEFAULT_PIPELINE, jobChange, stageIn } from '../../src/records/records.ts';

describe('lead stages', () => {
  it("puts a lead in its pipeline's first stage unless told, and only in one of its stages", () => {
    expect(stageIn(DEFAULT_PIPELINE.stages, undefined)).toBe('new');
    expect(stageIn(DEFAULT_PIPELINE.stages, 'quoted')).toBe('quoted');
    expect(() => stageIn(DEFAULT_PIPELINE.stages, 'negotiating')).toThrow(Invalid);
    try {
      stageIn(DEFAULT_PIPELINE.stages, 'negotiating');
    } catch (error) {
      expect((error as Invalid).errors).toEqual([{ path: 'stage', message: "must be one of the pipeline's stages: new, contacted, quoted, won, lost" }]);
    }
  });
});

describe('job schedules and changes', () => {
  it('refuses a window that ends before it starts, or an end without a start', () => {
    expect(() => checkSchedule(2, 1)).toThrow(/scheduledEnd/);
    expect(() => checkSchedule(null, 1)).toThrow(/scheduledStart/);
    expect(() => checkSchedule(1, 1)).not.toThrow();
    expect(() => checkSchedule(null, null)).not.toThrow();
  });

  it('calls a new or moved start a scheduling, and a moved status a status change', () => {
    expect(jobChange({ start: null, status: 'scheduled' }, { start: 10, status: 'scheduled' })).toEqual({ scheduled: true, status: null });
    expect(jobChange({ start: 10, status: 'scheduled' }, { start: 10, status: 'missed' })).toEqual({ scheduled: false, status: { from: 'scheduled', to: 'missed' } });
    expect(jobChange({ start: 10, status: 'scheduled' }, { start: null, status: 'scheduled' })).toEqual({ scheduled: false, status: null });
  });
});

describe('the demo dice', () => {
  it('rolls the same numbers for the same seed, within the asked range', () => {
    const rolls = (seed: number) => {
      const dice = new Dice(seed);
      return Array.from({ length: 50 }, () => dice.int(1, 6));
    };
    expect(rolls(42)).toEqual(rolls(42));
    expect(rolls(42)).not.toEqual(rolls(43));
    expect(rolls(42).every((n) => n >= 1 && n <= 6)).toBe(true);
  });

  it('draws weighted choices in proportion, and never a zero-weight one', () => {
    const dice = new Dice(1);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 4000; i++) counts[dice.weighted({ a: 3, b: 1, never: 0 })]++;
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.4);
    expect(counts.a / counts.b).toBeLessThan(3.6);
  });
});
