// The arithmetic of the reports, free of I/O: percentiles, on-time rates,
// calendar buckets in the organisation's time zone, age buckets, status dwell.
import { DateTime } from 'luxon';
import { AGE_BUCKETS, type AgeBucketKey } from '../tasks/listFilters.ts';
import type { Priority, Status } from '../tasks/task.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A half-open window [from, to) of instants (epoch ms). */
export interface Window {
  from: number;
  to: number;
}

// --- percentiles and rates ---------------------------------------------------

/**
 * The p-quantile (0..1) of ascending values, interpolating linearly between
 * the two nearest ranks (what PostgreSQL's percentile_cont does), rounded to
 * the millisecond; null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return Math.round(low + (high - low) * (rank - below));
}

export interface DurationStats {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export function durationStats(durations: readonly number[]): DurationStats {
  const sorted = [...durations].sort((a, b) => a - b);
  return { count: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
}

/** A finished task, as the completion figures need it. */
export interface Completion {
  createdAt: number;
  completedAt: number;
  dueAt: number | null;
}

export interface CompletionStats extends DurationStats {
  /** Completed tasks that had a due date: the only ones the on-time rate counts. */
  withDueDate: number;
  onTime: number;
  /** onTime / withDueDate, or null when no completed task had a due date. */
  onTimeRate: number | null;
}

/** Time to complete is completedAt − createdAt; on time is completedAt ≤ dueAt. */
export function completionStats(completions: readonly Completion[]): CompletionStats {
  return timingStats(completions.map((c) => ({ ms: c.completedAt - c.createdAt, onTime: c.dueAt === null ? null : c.completedAt <= c.dueAt })));
}

/** The same figures from each completion's duration and on-time flag (null: it had no due date). */
export function timingStats(timings: readonly { ms: number; onTime: boolean | null }[]): CompletionStats {
  const dated = timings.filter((t) => t.onTime !== null);
  const onTime = dated.filter((t) => t.onTime).length;
  return { ...durationStats(timings.map((t) => t.ms)), withDueDate: dated.length, onTime, onTimeRate: rate(onTime, dated.length) };
}

/**
 * Completion figures for many groupings of the same completions: the
 * durations are sorted once, and each grouping walks them in that order, so
 * every group's durations arrive sorted and no group is sorted again.
 */
export class TimingTable {
  private readonly order: Uint32Array;

  constructor(
    private readonly ms: readonly number[],
    private readonly onTime: readonly (boolean | null)[],
  ) {
    this.order = new Uint32Array(ms.length).map((_, i) => i).sort((a, b) => ms[a]! - ms[b]!);
  }

  /** Each group's figures, keyed by keyOf(row index). */
  statsBy<K>(keyOf: (index: number) => K): Map<K, CompletionStats> {
    const groups = new Map<K, { sorted: number[]; withDueDate: number; onTime: number }>();
    for (const i of this.order) {
      const key = keyOf(i);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { sorted: [], withDueDate: 0, onTime: 0 }));
      group.sorted.push(this.ms[i]!);
      const onTime = this.onTime[i];
      if (onTime !== null && onTime !== undefined) {
        group.withDueDate += 1;
        if (onTime) group.onTime += 1;
      }
    }
    return new Map(
      [...groups].map(([key, g]) => [
        key,
        { count: g.sorted.length, medianMs: percentile(g.sorted, 0.5), p90Ms: percentile(g.sorted, 0.9), withDueDate: g.withDueDate, onTime: g.onTime, onTimeRate: rate(g.onTime, g.withDueDate) },
      ]),
    );
  }
}

/** part / whole rounded to 4 decimals, or null when there is no whole. */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

// --- calendar buckets ----------------------------------------------------------

export type Interval = 'day' | 'week' | 'month';

/** The bucket a window gets when none is asked for: days up to five weeks, weeks up to half a year, then months. */
export function defaultInterval(window: Window): Interval {
  const span = window.to - window.from;
  return span <= 35 * DAY ? 'day' : span <= 183 * DAY ? 'week' : 'month';
}

export interface Bucket {
  /** The local calendar date the bucket starts on, e.g. 2026-03-30 (weeks start on Monday, months on the 1st). */
  label: string;
  start: number;
  end: number;
}

/**
 * The organisation's calendar days (or Monday-based weeks) that cover the
 * window, each with its true UTC bounds — so a day across a DST change is 23
 * or 25 hours long, as the people in that time zone lived it.
 */
export function calendarBuckets(window: Window, zone: string, interval: Interval): Bucket[] {
  const buckets: Bucket[] = [];
  let start = DateTime.fromMillis(window.from, { zone }).startOf(interval);
  while (start.toMillis() < window.to) {
    const next = start.plus(interval === 'day' ? { days: 1 } : interval === 'week' ? { weeks: 1 } : { months: 1 });
    buckets.push({ label: start.toISODate()!, start: start.toMillis(), end: next.toMillis() });
    start = next;
  }
  return buckets;
}

/** The index of the bucket holding the instant, or -1 (binary search; buckets are contiguous and ascending). */
export function bucketIndex(buckets: readonly Bucket[], instant: number): number {
  let low = 0;
  let high = buckets.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const bucket = buckets[mid]!;
    if (instant < bucket.start) high = mid - 1;
    else if (instant >= bucket.end) low = mid + 1;
    else return mid;
  }
  return -1;
}

/** The instant today ends (next local midnight) and the one this week ends (next local Monday 00:00). */
export function calendarEdges(now: number, zone: string): { endOfToday: number; endOfWeek: number; startOfToday: number } {
  const local = DateTime.fromMillis(now, { zone });
  return {
    startOfToday: local.startOf('day').toMillis(),
    endOfToday: local.startOf('day').plus({ days: 1 }).toMillis(),
    endOfWeek: local.startOf('week').plus({ weeks: 1 }).toMillis(),
  };
}

/**
 * Every time zone's offset is a whole number of quarter hours, so counts
 * grouped by UTC quarter-hour slot (cheap in SQL) can be summed into local
 * calendar buckets exactly.
 */
export const SLOT_MS = 15 * 60_000;

export function countsPerBucket(buckets: readonly Bucket[], slots: readonly { slot: number; count: number }[]): number[] {
  const counts = buckets.map(() => 0);
  for (const { slot, count } of slots) {
    const index = bucketIndex(buckets, slot * SLOT_MS);
    if (index >= 0) counts[index]! += count;
  }
  return counts;
}

// --- links -----------------------------------------------------------------------

export { AGE_BUCKETS, type AgeBucketKey, PRIMARY_LINK_ORDER } from '../tasks/listFilters.ts';

/** The age bucket of a task created at `createdAt`, seen at `now`; each bucket includes its lower bound. */
export function ageBucket(createdAt: number, now: number): AgeBucketKey {
  const age = now - createdAt;
  let key: AgeBucketKey = 'under1d';
  for (const bucket of AGE_BUCKETS) if (age >= bucket.minMs) key = bucket.key;
  return key;
}

/** How much one open task weighs in someone's load: urgent work counts for more. */
export const PRIORITY_WEIGHT: Record<Priority, number> = { urgent: 3, high: 2, normal: 1, low: 0.5 };

// --- status dwell ----------------------------------------------------------------

export const DWELL_STATUSES = ['open', 'in_progress', 'waiting', 'blocked'] as const satisfies readonly Status[];
export type DwellStatus = (typeof DWELL_STATUSES)[number];

/** Status changes of one kind (from → to) since the window began, summed over a group of tasks. */
export interface StatusFlow {
  from: string | null;
  to: string | null;
  /** Changes from the window's start until now. */
  sinceStart: number;
  /** Changes inside the window. */
  inWindow: number;
  /** Σ (window end − change instant) over the changes inside the window. */
  remainingMs: number;
}

export interface DwellFigures {
  status: DwellStatus;
  totalMs: number;
  entered: number;
  stays: number;
  averageStayMs: number | null;
}

/**
 * Exact time spent in each status inside the window, from aggregates alone.
 * Every change at instant a ends a stay in `from` and starts one in `to`, so
 * inside [start, end) it adds (end − a) to `to` and takes (end − a) from
 * `from`; the tasks already in a status when the window began add the whole
 * window. That count is today's count with the changes since then undone.
 * No task's history has to leave the database, however many there are.
 */
export function dwellFigures(current: ReadonlyMap<string, number>, flows: readonly StatusFlow[], window: Window): DwellFigures[] {
  // A window with no time in it (wholly after now) holds no stays at all.
  if (window.to <= window.from) return DWELL_STATUSES.map((status) => ({ status, totalMs: 0, entered: 0, stays: 0, averageStayMs: null }));
  return DWELL_STATUSES.map((status) => {
    const into = flows.filter((f) => f.to === status);
    const outOf = flows.filter((f) => f.from === status);
    const atStart = (current.get(status) ?? 0) - sumOf(into, (f) => f.sinceStart) + sumOf(outOf, (f) => f.sinceStart);
    const totalMs = atStart * (window.to - window.from) + sumOf(into, (f) => f.remainingMs) - sumOf(outOf, (f) => f.remainingMs);
    const entered = sumOf(into, (f) => f.inWindow);
    const stays = atStart + entered;
    return { status, totalMs, entered, stays, averageStayMs: stays > 0 ? Math.round(totalMs / stays) : null };
  });
}

function sumOf<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
