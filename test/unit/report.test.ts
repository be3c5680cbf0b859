import { describe, expect, it } from 'vitest';
import { ageBucket, bucketIndex, calendarBuckets, completionStats, countsPerBucket, DAY, DWELL_STATUSES, dwellFigures, HOUR, percentile, SLOT_MS, type StatusFlow, TimingTable, type Window } from '../../src/reports/report.ts';

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

type Change = { at: number; from: string | null; to: string };

/** The obvious way, one task at a time: each status runs until the next change, or until now. */
function walkedDwell(tasks: Change[][], window: Window): Map<string, number> {
  const dwell = new Map<string, number>();
  for (const changes of tasks) {
    changes.forEach((change, i) => {
      const start = Math.max(change.at, window.from);
      const end = Math.min(changes[i + 1]?.at ?? window.to, window.to);
      if (end > start) dwell.set(change.to, (dwell.get(change.to) ?? 0) + end - start);
    });
  }
  return dwell;
}

/** What the SQL aggregates hand over: today's counts and the flows since the window began. */
function aggregates(tasks: Change[][], window: Window, now: number) {
  const current = new Map<string, number>();
  const flows = new Map<string, StatusFlow>();
  for (const changes of tasks) {
    const status = changes[changes.length - 1]!.to;
    current.set(status, (current.get(status) ?? 0) + 1);
    for (const c of changes.filter((c) => c.at >= window.from && c.at < now)) {
      const flow = flows.get(`${c.from}>${c.to}`) ?? { from: c.from, to: c.to, sinceStart: 0, inWindow: 0, remainingMs: 0 };
      flow.sinceStart += 1;
      if (c.at < window.to) {
        flow.inWindow += 1;
        flow.remainingMs += window.to - c.at;
      }
      flows.set(`${c.from}>${c.to}`, flow);
    }
  }
  return { current, flows: [...flows.values()] };
}

describe('dwellFigures', () => {
  const task: Change[] = [
    { at: 0, from: null, to: 'open' },
    { at: 10, from: 'open', to: 'waiting' },
    { at: 40, from: 'waiting', to: 'blocked' },
    { at: 50, from: 'blocked', to: 'open' },
    { at: 60, from: 'open', to: 'done' },
    { at: 70, from: 'done', to: 'open' },
  ];

  it('clips each stay to the window and counts no time in done', () => {
    const window = { from: 20, to: 65 };
    const { current, flows } = aggregates([task], window, 100);
    expect(dwellFigures(current, flows, window)).toEqual([
      { status: 'open', totalMs: 10, entered: 1, stays: 1, averageStayMs: 10 },
      { status: 'in_progress', totalMs: 0, entered: 0, stays: 0, averageStayMs: null },
      { status: 'waiting', totalMs: 20, entered: 0, stays: 1, averageStayMs: 20 },
      { status: 'blocked', totalMs: 10, entered: 1, stays: 1, averageStayMs: 10 },
    ]);
  });

  it('agrees with walking every history, for many random histories and windows', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const statuses = ['open', 'in_progress', 'waiting', 'blocked', 'done', 'cancelled'];
    for (let round = 0; round < 50; round++) {
      const now = 1000;
      const tasks: Change[][] = Array.from({ length: 20 }, () => {
        let at = Math.floor(rand() * 900);
        const changes: Change[] = [{ at, from: null, to: 'open' }];
        while (rand() < 0.7 && at < now - 1) {
          at += 1 + Math.floor(rand() * Math.min(200, now - 1 - at));
          const to = statuses.filter((st) => st !== changes[changes.length - 1]!.to)[Math.floor(rand() * 5)]!;
          changes.push({ at, from: changes[changes.length - 1]!.to, to });
        }
        return changes;
      });
      const from = Math.floor(rand() * now);
      const window = { from, to: from + Math.floor(rand() * (now - from)) + 1 };
      const { current, flows } = aggregates(tasks, window, now);
      const walked = walkedDwell(tasks, window);
      for (const figures of dwellFigures(current, flows, window)) expect(figures.totalMs, `round ${round} ${figures.status}`).toBe(walked.get(figures.status) ?? 0);
      expect(DWELL_STATUSES).toHaveLength(4);
    }
  });
});

describe('TimingTable', () => {
  it('gives every group the figures completionStats gives its completions, from one sort', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const rows = Array.from({ length: 500 }, () => {
      const createdAt = Math.floor(next() * 1e9);
      const completedAt = createdAt + Math.floor(next() * 1e7);
      const dueAt = next() < 0.3 ? null : createdAt + Math.floor(next() * 1e7);
      return { group: Math.floor(next() * 7), createdAt, completedAt, dueAt };
    });
    const table = new TimingTable(
      rows.map((r) => r.completedAt - r.createdAt),
      rows.map((r) => (r.dueAt === null ? null : r.completedAt <= r.dueAt)),
    );
    const byGroup = table.statsBy((i) => rows[i]!.group);
    expect(byGroup.size).toBe(7);
    for (const [group, stats] of byGroup) expect(stats).toEqual(completionStats(rows.filter((r) => r.group === group)));
    expect(table.statsBy(() => 'all').get('all')).toEqual(completionStats(rows));
    expect(new TimingTable([], []).statsBy(() => 0).size).toBe(0);
  });
});
