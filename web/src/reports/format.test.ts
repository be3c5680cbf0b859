import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  describe('a viewer in Los Angeles looking at a London business', () => {
    // The browser's zone is another than the business's: the days counted must be London's all the same.
    const browserZone = process.env.TZ;
    beforeAll(() => {
      process.env.TZ = 'America/Los_Angeles';
    });
    afterAll(() => {
      if (browserZone === undefined) delete process.env.TZ;
      else process.env.TZ = browserZone;
    });
    const zone = 'Europe/London';
    // 17:30 in Los Angeles on 14 March is already 00:30 on 15 March in London (before either changes its clocks).
    const now = new Date('2026-03-15T00:30:00Z');

    it('runs in the browser zone the test names', () => {
      expect(now.getDate()).toBe(14);
      expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/Los_Angeles');
    });

    it('counts a preset back in whole London days and leaves the end at now', () => {
      const week = windowOf({ ...defaultFilter(zone, now), range: '7' }, now);
      expect(week).toEqual({ from: '2026-03-09T00:00:00.000Z' });
      expect(windowOf(defaultFilter(zone, now), now)).toEqual({ from: '2026-02-14T00:00:00.000Z' });
      // The summer: London midnight is 23:00 UTC the evening before.
      const summer = new Date('2026-07-20T18:00:00Z');
      expect(windowOf({ ...defaultFilter(zone, summer), range: '7' }, summer)).toEqual({ from: '2026-07-13T23:00:00.000Z' });
      // Across the change of clocks (29 March): every day starts at London's midnight, whatever its offset.
      const after = new Date('2026-04-01T12:00:00Z');
      expect(windowOf({ ...defaultFilter(zone, after), range: '7' }, after)).toEqual({ from: '2026-03-26T00:00:00.000Z' });
    });

    it('ends a custom range after its last London day, but never past now', () => {
      const past = windowOf({ ...defaultFilter(zone, now), range: 'custom', fromDate: '2026-02-01', toDate: '2026-02-28' }, now);
      expect(past).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
      const summer = windowOf({ ...defaultFilter(zone, now), range: 'custom', fromDate: '2025-06-01', toDate: '2025-06-30' }, now);
      expect(summer).toEqual({ from: '2025-05-31T23:00:00.000Z', to: '2025-06-30T23:00:00.000Z' });
      // Today in London is the 15th, though it is still the 14th in the browser.
      const today = windowOf({ ...defaultFilter(zone, now), range: 'custom', fromDate: '2026-03-01', toDate: '2026-03-15' }, now);
      expect(today).toEqual({ from: '2026-03-01T00:00:00.000Z' });
      const yesterday = windowOf({ ...defaultFilter(zone, now), range: 'custom', fromDate: '2026-03-14', toDate: '2026-03-14' }, now);
      expect(yesterday).toEqual({ from: '2026-03-14T00:00:00.000Z', to: '2026-03-15T00:00:00.000Z' });
    });

    it('offers London’s dates as the default custom range', () => {
      expect(defaultFilter(zone, now)).toEqual({ range: '30', fromDate: '2026-02-14', toDate: '2026-03-15', team: '', assignee: '', zone });
      // A business east of the date line is already a day further on.
      expect(defaultFilter('Pacific/Auckland', now).toDate).toBe('2026-03-15');
      expect(defaultFilter('Pacific/Honolulu', now).toDate).toBe('2026-03-14');
    });
  });

  it('keeps the filters in the page address, leaving out the defaults and keeping an open task', () => {
    const zone = 'Europe/London';
    const now = new Date('2026-03-15T14:30:00Z');
    expect(filterFromSearch('', zone, now)).toEqual(defaultFilter(zone, now));
    const custom = { ...defaultFilter(zone, now), range: 'custom' as const, fromDate: '2026-01-01', toDate: '2026-01-31', team: 't1', assignee: 'u1' };
    const search = searchWithFilter('task=T-4', custom, now);
    expect(Object.fromEntries(new URLSearchParams(search))).toEqual({ task: 'T-4', range: 'custom', from: '2026-01-01', to: '2026-01-31', team: 't1', person: 'u1' });
    expect(filterFromSearch(search, zone, now)).toEqual(custom);
    expect(searchWithFilter(search, defaultFilter(zone, now), now)).toBe('task=T-4');
    // A hand-edited address falls back to the defaults rather than breaking the page.
    expect(filterFromSearch('range=forever&from=yesterday', zone, now)).toEqual(defaultFilter(zone, now));
    expect(filterFromSearch('range=custom&from=2026-02-31', zone, now).fromDate).toBe(defaultFilter(zone, now).fromDate);
  });
});
