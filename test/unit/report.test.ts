import { describe, expect, it } from 'vitest';
import { ageBucket, bucketIndex, calendarBuckets, completionStats, countsPerBucket, DAY, HOUR, percentile, SLOT_MS, statusDwell, statusEntries } from '../../src/reports/report.ts';

describe('percentile', () => {
  it('interpolates between the two nearest ranks, like percentile_cont', () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(percentile([10, 20, 30, 40], 0.9)).toBe(37);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('completionStats', () => {
  it('leaves tasks without a due date out of the on-time rate, and counts completing at the due instant as on time', () => {
    const stats = completionStats([
      { createdAt: 0, completedAt: 10, dueAt: 10 },
      { createdAt: 0, completedAt: 20, dueAt: 15 },
      { createdAt: 0, completedAt: 30, dueAt: null },
    ]);
    expect(stats).toEqual({ count: 3, medianMs: 20, p90Ms: 28, withDueDate: 2, onTime: 1, onTimeRate: 0.5 });
  });
});

describe('calendarBuckets', () => {
  it("cuts days at the organisation's midnight, with a 23-hour day when the clocks go forward", () => {
    const days = calendarBuckets({ from: Date.parse('2026-03-28T12:00:00Z'), to: Date.parse('2026-03-30T12:00:00Z') }, 'Europe/London', 'day');
    expect(days.map((d) => [d.label, new Date(d.start).toISOString(), (d.end - d.start) / HOUR])).toEqual([
      ['2026-03-28', '2026-03-28T00:00:00.000Z', 24],
      ['2026-03-29', '2026-03-29T00:00:00.000Z', 23],
      ['2026-03-30', '2026-03-29T23:00:00.000Z', 24],
    ]);
  });

  it('starts weeks on Monday and makes the autumn week an hour longer', () => {
    const weeks = calendarBuckets({ from: Date.parse('2026-10-21T00:00:00Z'), to: Date.parse('2026-10-28T00:00:00Z') }, 'Europe/London', 'week');
    expect(weeks.map((w) => [w.label, (w.end - w.start) / HOUR])).toEqual([
      ['2026-10-19', 168 + 1],
      ['2026-10-26', 168],
    ]);
  });

  it('finds the bucket of an instant, and none outside them', () => {
    const days = calendarBuckets({ from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-03-04T00:00:00Z') }, 'America/New_York', 'day');
    expect(days[0]!.label).toBe('2026-02-28');
    expect(bucketIndex(days, Date.parse('2026-03-02T04:59:59Z'))).toBe(1);
    expect(bucketIndex(days, Date.parse('2026-03-02T05:00:00Z'))).toBe(2);
    expect(bucketIndex(days, Date.parse('2020-01-01T00:00:00Z'))).toBe(-1);
  });

  it('sums quarter-hour slots into half-hour-offset zones exactly', () => {
    const days = calendarBuckets({ from: Date.parse('2026-03-02T00:00:00Z'), to: Date.parse('2026-03-04T00:00:00Z') }, 'Asia/Kolkata', 'day');
    // Midnight in Kolkata is 18:30 UTC: the slot starting 18:15 is the day before, 18:30 the day after.
    const slot = (iso: string) => Date.parse(iso) / SLOT_MS;
    const counts = countsPerBucket(days, [
      { slot: slot('2026-03-02T18:15:00Z'), count: 2 },
      { slot: slot('2026-03-02T18:30:00Z'), count: 3 },
    ]);
    expect(days.map((d) => d.label)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect(counts).toEqual([2, 3, 0]);
  });
});

describe('ageBucket', () => {
  it('includes each lower bound', () => {
    const now = 100 * DAY;
    expect(ageBucket(now - DAY + 1, now)).toBe('under1d');
    expect(ageBucket(now - DAY, now)).toBe('d1to3');
    expect(ageBucket(now - 3 * DAY, now)).toBe('d3to7');
    expect(ageBucket(now - 7 * DAY, now)).toBe('d7to30');
    expect(ageBucket(now - 30 * DAY, now)).toBe('over30d');
  });
});

describe('statusDwell', () => {
  const changes = [
    { at: 0, to: 'open' },
    { at: 10, to: 'waiting' },
    { at: 40, to: 'blocked' },
    { at: 50, to: 'open' },
    { at: 60, to: 'done' },
    { at: 70, to: 'open' },
  ];

  it('runs each status until the next change, the last one until the window ends', () => {
    expect(Object.fromEntries(statusDwell(changes, { from: 0, to: 100 }))).toEqual({ open: 10 + 10 + 30, waiting: 30, blocked: 10 });
  });

  it('clips to the window and counts no time in done', () => {
    expect(Object.fromEntries(statusDwell(changes, { from: 20, to: 65 }))).toEqual({ waiting: 20, blocked: 10, open: 10 });
    expect(Object.fromEntries(statusEntries(changes, { from: 20, to: 65 }))).toEqual({ blocked: 1, open: 1 });
  });
});
