// The reports of work moving through time: the summary, completion (how fast
// tasks get done) and throughput (done and created per interval).
import type { Actor, Deps } from '../platform/context.ts';
import { iso } from '../platform/pagination.ts';
import { calendarBuckets, calendarEdges, completionStats, countsPerBucket, defaultInterval, type Interval, TimingTable, timingStats, bucketIndex, rate } from './report.ts';
import * as store from './store.ts';
import type { CompletionView, SummaryView, ThroughputView, WindowQuery } from './views.ts';
import { type SourceKind, setting, windowOf, windowView, nameOf, byWeightThenName, statsView, sum } from './setting.ts';

export async function summaryReport(deps: Deps, actor: Actor, query: WindowQuery): Promise<SummaryView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  const { endOfToday } = calendarEdges(s.now, s.timezone);
  const [counts, times, overdueDue] = await Promise.all([
    store.openCounts(deps.db, s.scope, s.now, endOfToday),
    store.completionTimes(deps.db, s.scope, window),
    store.overdueDueIn(deps.db, s.scope, window, s.now),
  ]);
  const timings = times.map((t) => ({ ms: Number(t.ms), onTime: t.on_time === null ? null : Number(t.on_time) === 1 }));
  const stats = timingStats(timings);
  return {
    ...s.header,
    window: windowView(window),
    ...counts,
    ...statsView(stats),
    overdueDueInWindow: overdueDue,
    onTimeRateWithOverdue: rate(stats.onTime, stats.withDueDate + overdueDue),
  };
}

export async function completionReport(deps: Deps, actor: Actor, query: WindowQuery): Promise<CompletionView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  const rows = await store.completions(deps.db, s.scope, window);
  const weeks = calendarBuckets(window, s.timezone, 'week');
  // Every duration is sorted once; each grouping then reads its groups' durations already in order.
  const timings = new TimingTable(rows.map((r) => Number(r.ms)), rows.map((r) => (r.on_time === null ? null : Number(r.on_time) === 1)));
  const byCompleted = byWeightThenName<{ name: string | null; completed: number }>((r) => r.completed);
  const sources = timings.statsBy((i) => `${rows[i]!.source_kind}\u0000${rows[i]!.source_rule_id ?? ''}`);
  const weekly = timings.statsBy((i) => bucketIndex(weeks, Number(rows[i]!.completed_at)));
  const none = statsView(completionStats([]));
  return {
    ...s.header,
    window: windowView(window),
    overall: statsView(timings.statsBy(() => 0).get(0) ?? completionStats([])),
    byPerson: [...timings.statsBy((i) => rows[i]!.assignee_id)].map(([id, stats]) => ({ assigneeId: id, name: nameOf(s.names, id), ...statsView(stats) })).sort(byCompleted),
    byTeam: [...timings.statsBy((i) => rows[i]!.team_id)].map(([id, stats]) => ({ teamId: id, name: nameOf(s.names, id), ...statsView(stats) })).sort(byCompleted),
    bySource: [...sources]
      .map(([key, stats]) => {
        const [source, ruleId] = key.split('\u0000') as [string, string];
        return { source: source as SourceKind, ruleId: ruleId === '' ? null : ruleId, ...statsView(stats) };
      })
      .sort((a, b) => b.completed - a.completed || a.source.localeCompare(b.source) || (a.ruleId ?? '').localeCompare(b.ruleId ?? '')),
    byWeek: weeks.map((week, i) => ({ week: week.label, start: iso(week.start), ...(weekly.has(i) ? statsView(weekly.get(i)!) : none) })),
  };
}

export async function throughputReport(deps: Deps, actor: Actor, query: WindowQuery & { interval?: Interval }): Promise<ThroughputView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  const interval = query.interval ?? defaultInterval(window);
  const buckets = calendarBuckets(window, s.timezone, interval);
  const [created, completed] = await Promise.all([store.createdPerSlot(deps.db, s.scope, window), store.completedPerSlot(deps.db, s.scope, window)]);
  const asSlots = (rows: { slot: number; count: number }[]) => rows.map((r) => ({ slot: Number(r.slot), count: Number(r.count) }));
  const createdCounts = countsPerBucket(buckets, asSlots(created));
  const completedCounts = countsPerBucket(buckets, asSlots(completed));
  let cumulativeNet = 0;
  const rows = buckets.map((bucket, i) => {
    const net = createdCounts[i]! - completedCounts[i]!;
    cumulativeNet += net;
    return {
      label: bucket.label,
      start: iso(Math.max(bucket.start, window.from)),
      end: iso(Math.min(bucket.end, window.to)),
      created: createdCounts[i]!,
      completed: completedCounts[i]!,
      net,
      cumulativeNet,
    };
  });
  const totals = { created: sum(createdCounts), completed: sum(completedCounts) };
  return { ...s.header, window: windowView(window), interval, buckets: rows, totals: { ...totals, net: totals.created - totals.completed } };
}
