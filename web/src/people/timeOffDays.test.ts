import { describe, expect, it } from 'vitest';
import { dayStart, stretch } from './timeOffDays.ts';

describe('time off days', () => {
  it('starts a day at midnight on the away person\'s calendar, not the browser\'s', () => {
    expect(dayStart('2026-12-10', 'Pacific/Auckland')).toBe('2026-12-09T11:00:00.000Z');
    expect(dayStart('2026-12-10', 'America/Los_Angeles')).toBe('2026-12-10T08:00:00.000Z');
    expect(dayStart('2026-12-10', 'Europe/London', 1)).toBe('2026-12-11T00:00:00.000Z');
  });

  it('keeps whole days across a clock change (a 23-hour day in London)', () => {
    const from = dayStart('2026-03-29', 'Europe/London');
    const to = dayStart('2026-03-29', 'Europe/London', 1);
    expect([from, to]).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z']);
    expect(stretch({ from, to }, 'Europe/London', 'en-GB')).toBe('29 Mar 2026');
  });

  it('shows the first and last day away in the person\'s zone', () => {
    const entry = { from: dayStart('2026-12-10', 'Pacific/Auckland'), to: dayStart('2026-12-12', 'Pacific/Auckland', 1) };
    expect(stretch(entry, 'Pacific/Auckland', 'en-GB')).toBe('10 Dec 2026 – 12 Dec 2026');
    // Read in London the same stretch starts the evening before.
    expect(stretch(entry, 'Europe/London', 'en-GB')).toBe('9 Dec 2026 – 12 Dec 2026');
  });
});
