import { describe, expect, it } from 'vitest';
import { defaultFilter, filterFromSearch, formatDuration, formatRate, searchWithFilter, windowOf } from './format.ts';

describe('report figures', () => {
  it('reads durations in minutes, hours or days', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(20 * 60_000)).toBe('20 min');
    expect(formatDuration(5.5 * 3_600_000)).toBe('5.5 h');
    expect(formatDuration(30 * 3_600_000)).toBe('30 h');
    expect(formatDuration(3 * 86_400_000)).toBe('3.0 d');
  });

  it('reads a rate as a whole percentage, and a missing one as a dash', () => {
    expect(formatRate(0.876)).toBe('88%');
    expect(formatRate(null)).toBe('—');
  });

  it('counts a preset back in whole local days and leaves the end at now', () => {
    const now = new Date(2026, 2, 15, 14, 30);
    const w = windowOf({ ...defaultFilter(now), range: '7' }, now);
    expect(new Date(w.from!)).toEqual(new Date(2026, 2, 9));
    expect(w.to).toBeUndefined();
  });

  it('ends a custom range after its last day, but never past now', () => {
    const now = new Date(2026, 2, 15, 14, 30);
    const past = windowOf({ ...defaultFilter(now), range: 'custom', fromDate: '2026-02-01', toDate: '2026-02-28' }, now);
    expect(new Date(past.from!)).toEqual(new Date(2026, 1, 1));
    expect(new Date(past.to!)).toEqual(new Date(2026, 2, 1));
    const today = windowOf({ ...defaultFilter(now), range: 'custom', fromDate: '2026-03-01', toDate: '2026-03-15' }, now);
    expect(today.to).toBeUndefined();
  });

  it('keeps the filters in the page address, leaving out the defaults and keeping an open task', () => {
    const now = new Date(2026, 2, 15, 14, 30);
    expect(filterFromSearch('', now)).toEqual(defaultFilter(now));
    const custom = { ...defaultFilter(now), range: 'custom' as const, fromDate: '2026-01-01', toDate: '2026-01-31', team: 't1', assignee: 'u1' };
    const search = searchWithFilter('task=T-4', custom, now);
    expect(Object.fromEntries(new URLSearchParams(search))).toEqual({ task: 'T-4', range: 'custom', from: '2026-01-01', to: '2026-01-31', team: 't1', person: 'u1' });
    expect(filterFromSearch(search, now)).toEqual(custom);
    expect(searchWithFilter(search, defaultFilter(now), now)).toBe('task=T-4');
    // A hand-edited address falls back to the defaults rather than breaking the page.
    expect(filterFromSearch('range=forever&from=yesterday', now)).toEqual(defaultFilter(now));
  });
});
