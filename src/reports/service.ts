// The reports' use cases: each checks the role, resolves the window and the
// filters, runs its queries and shapes the answer. Nothing here writes.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import { iso } from '../platform/pagination.ts';
import { AUTOMATION_ACTOR_ID } from '../automation/actions.ts';
import * as automation from '../automation/service.ts';
import * as people from '../people/service.ts';
import * as records from '../records/service.ts';
import { type Priority, type SOURCE_KINDS, taskKey } from '../tasks/task.ts';
import {
  AGE_BUCKETS,
  type AgeBucketKey,
  calendarBuckets,
  calendarEdges,
  completionStats,
  type CompletionStats,
  countsPerBucket,
  DAY,
  type DwellFigures,
  dwellFigures,
  type DwellStatus,
  groupBy,
  type Interval,
  TimingTable,
  timingStats,
  bucketIndex,
  PRIORITY_WEIGHT,
  rate,
  type StatusFlow,
  USUAL_LOAD_WEEKS,
  type Window,
} from './report.ts';
import * as store from './store.ts';
import type {
  AgingView,
  AutomationView,
  BottlenecksView,
  CompletionView,
  OverdueView,
  ReportFilters,
  SummaryView,
  ThroughputView,
  WindowQuery,
  WorkloadView,
} from './views.ts';

type SourceKind = (typeof SOURCE_KINDS)[number];

const DEFAULT_WINDOW_MS = 30 * DAY;
/** Reports read every change inside the window: a year bounds what one request may cost (and keeps daily buckets under 400). */
const MAX_WINDOW_MS = 366 * DAY;

/** What every report starts from: who may see it, now, the org's calendar, the tasks in scope, and names. */
interface Setting {
  now: number;
  timezone: string;
  scope: store.TaskScope;
  names: Map<string, string>;
  header: { timezone: string; generatedAt: string };
}

async function setting(deps: Deps, actor: Actor, filters: ReportFilters): Promise<Setting> {
  people.requireRole(actor, 'manager');
  const now = deps.clock.now();
  const [org, scope, names] = await Promise.all([people.getOrg(deps, actor), scopeOf(deps, actor, filters), directory(deps, actor)]);
  return { now, timezone: org.timezone, scope, names, header: { timezone: org.timezone, generatedAt: iso(now) } };
}

/** The filters as a task scope; a team or person that is not in this organisation is a 404 naming the field. */
async function scopeOf(deps: Deps, actor: Actor, filters: ReportFilters): Promise<store.TaskScope> {
  const scope: store.TaskScope = { orgId: actor.orgId, linkType: filters.linkType, source: filters.source };
  if (filters.team !== undefined) {
    await people.getTeam(deps, actor, filters.team).catch(() => {
      throw new NotFound('Team', [{ path: 'team', message: 'no such team in this organisation' }]);
    });
    scope.teamId = filters.team;
  }
  if (filters.assignee === 'none') scope.assigneeId = null;
  else if (filters.assignee === 'me') scope.assigneeId = actor.userId;
  else if (filters.assignee !== undefined) {
    await people.getUser(deps, actor, filters.assignee).catch(() => {
      throw new NotFound('Assignee', [{ path: 'assignee', message: 'no such user in this organisation' }]);
    });
    scope.assigneeId = filters.assignee;
  }
  return scope;
}

/** Names of the organisation's people and teams, by id. */
async function directory(deps: Deps, actor: Actor): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const list of [people.listUsers, people.listTeams]) {
    let cursor: string | undefined;
    do {
      const page = await list(deps, actor, { limit: 200, cursor });
      for (const item of page.items) names.set(item.id, item.name);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return names;
}

function windowOf(query: WindowQuery, now: number): Window {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_WINDOW_MS;
  if (from >= to) throw new Invalid('from must be before to', [{ path: 'from', message: 'must be before to' }]);
  if (to - from > MAX_WINDOW_MS) throw new Invalid('The window may span at most 366 days', [{ path: 'from', message: 'must be at most 366 days before to' }]);
  return { from, to };
}

const windowView = (w: Window) => ({ from: iso(w.from), to: iso(w.to) });
const nameOf = (names: Map<string, string>, id: string | null) => (id === null ? null : (names.get(id) ?? null));

/** Largest first, then by name, unowned last — the order a manager scans a table in. */
function byWeightThenName<T extends { name: string | null }>(weight: (row: T) => number) {
  return (a: T, b: T) => weight(b) - weight(a) || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff');
}

function statsView(stats: CompletionStats) {
  const { count, ...rest } = stats;
  return { completed: count, ...rest };
}

// --- 1. summary --------------------------------------------------------------------------

export async function summaryReport(deps: Deps, actor: Actor, query: WindowQuery): Promise<SummaryView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  const { endOfToday } = calendarEdges(s.now, s.timezone);
  const [counts, times] = await Promise.all([store.openCounts(deps.db, s.scope, s.now, endOfToday), store.completionTimes(deps.db, s.scope, window)]);
  const timings = times.map((t) => ({ ms: Number(t.ms), onTime: t.on_time === null ? null : Number(t.on_time) === 1 }));
  return { ...s.header, window: windowView(window), ...counts, ...statsView(timingStats(timings)) };
}

// --- 2. overdue ----------------------------------------------------------------------------

export async function overdueReport(deps: Deps, actor: Actor, query: ReportFilters & { limit: number }): Promise<OverdueView> {
  const s = await setting(deps, actor, query);
  const [cells, byLink, unlinked, oldest] = await Promise.all([
    store.overdueByAssigneeAndTeam(deps.db, s.scope, s.now),
    store.overdueByLinkType(deps.db, s.scope, s.now),
    // Narrowed to a link type, every task in scope is linked.
    s.scope.linkType === undefined ? store.overdueUnlinked(deps.db, s.scope, s.now) : 0,
    store.oldestOverdue(deps.db, s.scope, s.now, query.limit),
  ]);
  const byAssignee = new Map<string | null, number>();
  const byTeam = new Map<string | null, number>();
  for (const cell of cells) {
    byAssignee.set(cell.assignee_id, (byAssignee.get(cell.assignee_id) ?? 0) + Number(cell.count));
    byTeam.set(cell.team_id, (byTeam.get(cell.team_id) ?? 0) + Number(cell.count));
  }
  const byCount = byWeightThenName<{ name: string | null; count: number }>((r) => r.count);
  const linkTypes = [...byLink.map((r) => ({ linkType: r.key, count: Number(r.count) })), ...(unlinked > 0 ? [{ linkType: 'none', count: unlinked }] : [])];
  return {
    ...s.header,
    total: cells.reduce((sum, r) => sum + Number(r.count), 0),
    byPerson: [...byAssignee].map(([key, count]) => ({ assigneeId: key, name: nameOf(s.names, key), count })).sort(byCount),
    byTeam: [...byTeam].map(([key, count]) => ({ teamId: key, name: nameOf(s.names, key), count })).sort(byCount),
    byLinkType: linkTypes.sort((a, b) => b.count - a.count || a.linkType.localeCompare(b.linkType)),
    oldest: oldest.map((t) => ({
      id: t.id,
      key: taskKey(t.number),
      title: t.title,
      priority: t.priority,
      dueAt: iso(t.due_at!),
      overdueMs: s.now - t.due_at!,
      assigneeId: t.assignee_id,
      teamId: t.team_id,
    })),
  };
}

// --- 3. completion ---------------------------------------------------------------------------

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

// --- 4. workload -----------------------------------------------------------------------------

interface Load {
  open: number;
  overdue: number;
  dueThisWeek: number;
  weightedLoad: number;
}

const emptyLoad = (): Load => ({ open: 0, overdue: 0, dueThisWeek: 0, weightedLoad: 0 });

export async function workloadReport(deps: Deps, actor: Actor, query: ReportFilters): Promise<WorkloadView> {
  const s = await setting(deps, actor, query);
  const { endOfWeek } = calendarEdges(s.now, s.timezone);
  const thisWeek = calendarBuckets({ from: s.now, to: s.now + 1 }, s.timezone, 'week')[0]!;
  const usualWindow = { from: thisWeek.start - USUAL_LOAD_WEEKS * 7 * DAY, to: thisWeek.start };
  const [open, completed, roster] = await Promise.all([
    store.openLoad(deps.db, s.scope, s.now, endOfWeek),
    store.completedLoad(deps.db, s.scope, usualWindow),
    rosterOf(deps, actor, s.scope),
  ]);
  const loads = new Map<string | null, Load>(roster.map((id) => [id, emptyLoad()]));
  for (const row of open) {
    const load = loads.get(row.assignee_id) ?? emptyLoad();
    load.open += Number(row.open);
    load.overdue += Number(row.overdue);
    load.dueThisWeek += Number(row.due_this_week);
    load.weightedLoad += Number(row.open) * PRIORITY_WEIGHT[row.priority as Priority];
    loads.set(row.assignee_id, load);
  }
  const usual = new Map<string, number>();
  for (const row of completed) {
    if (row.assignee_id === null) continue;
    usual.set(row.assignee_id, (usual.get(row.assignee_id) ?? 0) + (Number(row.completed) * PRIORITY_WEIGHT[row.priority as Priority]) / USUAL_LOAD_WEEKS);
  }
  const peopleRows = [...loads]
    .filter((entry): entry is [string, Load] => entry[0] !== null)
    .map(([id, load]) => {
      const usualLoad = usual.get(id) ?? 0;
      return { assigneeId: id, name: nameOf(s.names, id), ...load, usualLoad, overloaded: load.weightedLoad > usualLoad };
    })
    .sort(byWeightThenName((r) => r.weightedLoad));
  return { ...s.header, weekEndsAt: iso(endOfWeek), people: peopleRows, unassigned: loads.get(null) ?? emptyLoad() };
}

/** The people a workload lists even when they have nothing open: the team's members, the one person asked about, or every active user. */
async function rosterOf(deps: Deps, actor: Actor, scope: store.TaskScope): Promise<string[]> {
  if (scope.assigneeId !== undefined) return scope.assigneeId === null ? [] : [scope.assigneeId];
  if (scope.teamId !== undefined) return (await people.getTeam(deps, actor, scope.teamId)).memberIds;
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await people.listUsers(deps, actor, { limit: 200, cursor });
    ids.push(...page.items.filter((u) => u.active).map((u) => u.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

// --- 5. aging ----------------------------------------------------------------------------------

type AgeCounts = Record<AgeBucketKey, number>;
const emptyAges = (): AgeCounts => Object.fromEntries(AGE_BUCKETS.map((b) => [b.key, 0])) as AgeCounts;

export async function agingReport(deps: Deps, actor: Actor, query: ReportFilters): Promise<AgingView> {
  const s = await setting(deps, actor, query);
  const rows = await store.openByAge(deps.db, s.scope, s.now);
  const overall = emptyAges();
  const byPerson = new Map<string | null, AgeCounts>();
  const byTeam = new Map<string | null, AgeCounts>();
  for (const row of rows) {
    for (const counts of [overall, entry(byPerson, row.assignee_id), entry(byTeam, row.team_id)]) {
      for (const { key } of AGE_BUCKETS) counts[key] += Number(row[key]);
    }
  }
  const total = (c: AgeCounts) => AGE_BUCKETS.reduce((sum, b) => sum + c[b.key], 0);
  const rowsOf = <K extends string>(map: Map<string | null, AgeCounts>, idKey: K) =>
    [...map]
      .map(([id, buckets]) => ({ [idKey]: id, name: nameOf(s.names, id), total: total(buckets), buckets }) as { [P in K]: string | null } & { name: string | null; total: number; buckets: AgeCounts })
      .sort(byWeightThenName((r) => r.total));
  return {
    ...s.header,
    total: total(overall),
    buckets: AGE_BUCKETS.map((b) => ({ bucket: b.key, label: b.label, count: overall[b.key] })),
    byPerson: rowsOf(byPerson, 'assigneeId'),
    byTeam: rowsOf(byTeam, 'teamId'),
  };
}

function entry(map: Map<string | null, AgeCounts>, key: string | null): AgeCounts {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = emptyAges()));
  return counts;
}

// --- 6. bottlenecks --------------------------------------------------------------------------------

export async function bottlenecksReport(deps: Deps, actor: Actor, query: WindowQuery): Promise<BottlenecksView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  // Nothing has happened after now: the current status runs until now, not until the window's end.
  const walked = { from: Math.min(window.from, s.now), to: Math.min(window.to, s.now) };
  const [byTeamNow, byLinkTypeNow, { byTeam: teamFlows, byLinkType: linkFlows }] = await Promise.all([
    store.pileUps(deps.db, s.scope, s.now),
    store.openByStatusAndLinkType(deps.db, s.scope),
    statusFlows(deps.db, s.scope, walked, s.now),
  ]);
  const leadStages = await leadStagesOf(deps, actor, s.scope, s.now);
  const teams = dwellByKey(byTeamNow.map((r) => ({ key: r.team_id, status: r.status, count: r.count })), teamFlows, walked);
  const linkTypes = dwellByKey(byLinkTypeNow.map((r) => ({ key: r.record_type, status: r.status, count: r.count })), linkFlows, walked);
  return {
    ...s.header,
    window: windowView(window),
    statuses: dwellFigures(
      countsByStatus(byTeamNow.map((r) => ({ status: r.status, count: r.count }))),
      teamFlows.map(flowOf),
      walked,
    ),
    byTeam: [...teams].map(([id, statuses]) => ({ teamId: id, name: nameOf(s.names, id), statuses })).sort(byWeightThenName(() => 0)),
    byLinkType: [...linkTypes].map(([type, statuses]) => ({ linkType: type as string, statuses })).sort((a, b) => a.linkType.localeCompare(b.linkType)),
    pileUps: byTeamNow
      .map((p) => ({ teamId: p.team_id, name: nameOf(s.names, p.team_id), status: p.status as DwellStatus, count: Number(p.count), overdue: Number(p.overdue), oldestCreatedAt: iso(Number(p.oldest)) }))
      .sort((a, b) => b.overdue - a.overdue || b.count - a.count || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.status.localeCompare(b.status)),
    leadStages,
  };
}

const LEAD_STAGE_LOOKUPS = 500;

/** Where lead follow-ups pile up: unresolved tasks by their lead's current stage, read through the records service. */
async function leadStagesOf(deps: Deps, actor: Actor, scope: store.TaskScope, now: number) {
  const work = await store.openWorkByLead(deps.db, scope, now, LEAD_STAGE_LOOKUPS);
  const leads = await records.leadStages(deps.db, actor.orgId, work.map((row) => row.record_id));
  const stages = new Map<string, { pipelineId: string; stage: string; leads: number; openTasks: number; overdueTasks: number }>();
  for (const row of work) {
    const lead = leads.get(row.record_id);
    if (!lead) continue;
    const key = `${lead.pipelineId}\u0000${lead.stage}`;
    const entry = stages.get(key) ?? { pipelineId: lead.pipelineId, stage: lead.stage, leads: 0, openTasks: 0, overdueTasks: 0 };
    entry.leads += 1;
    entry.openTasks += Number(row.open);
    entry.overdueTasks += Number(row.overdue);
    stages.set(key, entry);
  }
  return [...stages.values()].sort((a, b) => b.overdueTasks - a.overdueTasks || b.openTasks - a.openTasks || a.stage.localeCompare(b.stage));
}

type FlowRow = { from_value: string | null; to_value: string | null; key: string | null; since_start: number; in_window: number; remaining_ms: number };

/**
 * The status changes since the window began, per team and per linked record
 * type. Whole UTC days come from the rollup (report_status_flows), the partial
 * days at either edge from the history, so the figures are exact for any
 * window and time zone. The rollup is kept per team, source and record type:
 * a person filter reads the history for the whole window (the person's tasks
 * drive that read). Narrowed to a record type, byLinkType holds that type
 * alone.
 */
async function statusFlows(db: Db, scope: store.TaskScope, walked: Window, now: number): Promise<{ byTeam: FlowRow[]; byLinkType: FlowRow[] }> {
  if (scope.assigneeId !== undefined) {
    const [byTeam, byLinkType] = await Promise.all([store.statusFlowsByTeam(db, scope, walked, now), store.statusFlowsByLinkType(db, scope, walked, now)]);
    return { byTeam, byLinkType };
  }
  const sinceStart = await changesIn(db, scope, { from: walked.from, to: now });
  const inWindow = walked.to === now ? sinceStart : await changesIn(db, scope, walked);
  const rows = (dimension: 'team' | 'link'): FlowRow[] =>
    [...new Set([...sinceStart.keys(), ...inWindow.keys()])]
      .filter((k) => k.startsWith(`${dimension}\u0000`))
      .map((k) => {
        const counted = (sinceStart.get(k) ?? inWindow.get(k))!;
        const inside = inWindow.get(k);
        return { key: counted.key, from_value: counted.from, to_value: counted.to, since_start: sinceStart.get(k)?.changes ?? 0, in_window: inside?.changes ?? 0, remaining_ms: inside?.remainingMs ?? 0 };
      });
  return { byTeam: rows('team'), byLinkType: rows('link') };
}

type Changes = { key: string | null; from: string | null; to: string | null; changes: number; remainingMs: number };

/** Status changes at instants [from, to), per team and per record type: how many, and Σ (to − instant). */
async function changesIn(db: Db, scope: store.TaskScope, range: Window): Promise<Map<string, Changes>> {
  const totals = new Map<string, Changes>();
  const add = (dimension: 'team' | 'link', key: string | null, from: string | null, to: string | null, changes: number, remainingMs: number) => {
    const id = `${dimension}\u0000${key ?? ''}\u0000${from ?? ''}\u0000${to ?? ''}`;
    const entry = totals.get(id) ?? { key, from, to, changes: 0, remainingMs: 0 };
    entry.changes += changes;
    entry.remainingMs += remainingMs;
    totals.set(id, entry);
  };
  const fromHistory = async (part: Window) => {
    if (part.from >= part.to) return;
    // Walking [from, to) with the window ending at `range.to`: every change counts, and Σ is to range.to.
    const window = { from: part.from, to: range.to };
    const [byTeam, byLinkType] = await Promise.all([store.statusFlowsByTeam(db, scope, window, part.to), store.statusFlowsByLinkType(db, scope, window, part.to)]);
    for (const r of byTeam) add('team', r.key, r.from_value, r.to_value, Number(r.since_start), Number(r.remaining_ms));
    for (const r of byLinkType) if (scope.linkType === undefined || r.key === scope.linkType) add('link', r.key, r.from_value, r.to_value, Number(r.since_start), Number(r.remaining_ms));
  };
  const fromDay = Math.ceil(range.from / DAY);
  const toDay = Math.floor(range.to / DAY);
  if (fromDay >= toDay) {
    await fromHistory(range);
    return totals;
  }
  await fromHistory({ from: range.from, to: fromDay * DAY });
  await fromHistory({ from: toDay * DAY, to: range.to });
  for (const r of await store.rolledUpFlows(db, scope, { fromDay, toDay }, range.to)) {
    const from = r.from_status === '' ? null : r.from_status;
    const to = r.to_status === '' ? null : r.to_status;
    const team = r.team_key === '' ? null : r.team_key;
    if (scope.linkType !== undefined) {
      // Narrowed to a record type: its rows are the changes of the tasks linked to one, per team.
      add('team', team, from, to, Number(r.changes), Number(r.remaining_ms));
      add('link', r.link_type, from, to, Number(r.changes), Number(r.remaining_ms));
    } else if (r.link_type === '') add('team', team, from, to, Number(r.changes), Number(r.remaining_ms));
    else add('link', r.link_type, from, to, Number(r.changes), Number(r.remaining_ms));
  }
  return totals;
}

function flowOf(row: FlowRow): StatusFlow {
  return { from: row.from_value, to: row.to_value, sinceStart: Number(row.since_start), inWindow: Number(row.in_window), remainingMs: Number(row.remaining_ms) };
}

function countsByStatus(rows: { status: string; count: number }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + Number(row.count));
  return counts;
}

/** Dwell figures per group (a team, a link type), from its open tasks now and its status flows. */
function dwellByKey(now: { key: string | null; status: string; count: number }[], flows: FlowRow[], window: Window): Map<string | null, DwellFigures[]> {
  const nowByKey = groupBy(now, (r) => r.key);
  const flowsByKey = groupBy(flows, (f) => f.key);
  const keys = new Set([...nowByKey.keys(), ...flowsByKey.keys()]);
  return new Map(
    [...keys].map((key) => [key, dwellFigures(countsByStatus(nowByKey.get(key) ?? []), (flowsByKey.get(key) ?? []).map(flowOf), window)]),
  );
}

// --- 7. automation ------------------------------------------------------------------------------------

type RuleSummary = { name: string; enabled: boolean; createsTasks: boolean; stats: { evaluated: number; matched: number; missed: number } };

export async function automationReport(deps: Deps, actor: Actor, query: WindowQuery): Promise<AutomationView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  const [sources, outcomes, autoClosed, rules, runs] = await Promise.all([
    store.createdBySource(deps.db, s.scope, window),
    store.ruleOutcomes(deps.db, s.scope, window),
    store.autoClosedByRule(deps.db, s.scope, window, AUTOMATION_ACTOR_ID),
    rulesOf(deps, actor),
    automation.runCountsByRule(deps, actor, window),
  ]);
  const autoClosedOf = new Map(autoClosed.map((r) => [r.source_rule_id, Number(r.count)]));
  const outcomeOf = new Map(outcomes.map((r) => [r.source_rule_id, r]));
  const ruleIds = new Set([...rules.keys(), ...outcomeOf.keys(), ...runs.keys()]);
  const rows = [...ruleIds].map((ruleId) => {
    const r = outcomeOf.get(ruleId);
    const [created, open, completed, cancelled, withDueDate, onTime] = (r ? [r.created, r.open, r.completed, r.cancelled, r.with_due_date, r.on_time] : [0, 0, 0, 0, 0, 0]).map(Number) as [number, number, number, number, number, number];
    const auto = autoClosedOf.get(ruleId) ?? 0;
    const rule = rules.get(ruleId);
    const stats = rule?.stats ?? { evaluated: 0, matched: 0, missed: 0 };
    const run = runs.get(ruleId);
    const [succeeded, duplicates, scheduled, failed, stopped] = [run?.success ?? 0, run?.duplicate ?? 0, run?.scheduled ?? 0, run?.failed ?? 0, run?.stopped ?? 0];
    return {
      ruleId,
      name: rule?.name ?? null,
      enabled: rule?.enabled ?? null,
      created,
      open,
      completed,
      cancelled,
      autoClosed: auto,
      completionRate: rate(completed, created),
      autoCloseRate: rate(auto, completed + cancelled),
      withDueDate,
      onTime,
      onTimeRate: rate(onTime, withDueDate),
      alwaysLate: withDueDate > 0 && onTime === 0,
      silent: rule !== undefined && rule.enabled && rule.createsTasks && created === 0,
      evaluated: stats.evaluated,
      matched: stats.matched,
      missed: stats.missed,
      fired: succeeded + duplicates + scheduled + failed + stopped,
      succeeded,
      duplicates,
      failed,
      neverFired: rule !== undefined && rule.enabled && stats.matched === 0,
      alwaysMisses: stats.evaluated > 0 && stats.missed === stats.evaluated,
    };
  });
  return {
    ...s.header,
    window: windowView(window),
    bySource: sources
      .map((r) => ({ source: r.source_kind as SourceKind, created: Number(r.created), completed: Number(r.completed) }))
      .sort((a, b) => b.created - a.created || a.source.localeCompare(b.source)),
    rules: rows.sort((a, b) => b.created - a.created || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.ruleId.localeCompare(b.ruleId)),
    notes: [
      'Figures come from the tasks each rule created inside the window (source.ruleId); silent marks an enabled rule with a create_task action that created none.',
      'evaluated, matched and missed count every event of the rule\'s trigger type since the rule was created (neverFired and alwaysMisses read them); fired, succeeded, duplicates and failed count the runs logged inside the window (GET /api/v1/automation/runs); neither depends on the team or person filter.',
    ],
  };
}

/** Every rule of the organisation, by id, through the automation service. */
async function rulesOf(deps: Deps, actor: Actor): Promise<Map<string, RuleSummary>> {
  const rules = new Map<string, RuleSummary>();
  let cursor: string | undefined;
  do {
    const page = await automation.listRules(deps, actor, { limit: 200, cursor });
    for (const rule of page.items) {
      rules.set(rule.id, { name: rule.name, enabled: rule.enabled, createsTasks: rule.actions.some((a) => a.type === 'create_task'), stats: rule.stats });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rules;
}

// --- 8. throughput -------------------------------------------------------------------------------------

export async function throughputReport(deps: Deps, actor: Actor, query: WindowQuery & { interval: Interval }): Promise<ThroughputView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  const buckets = calendarBuckets(window, s.timezone, query.interval);
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
  return { ...s.header, window: windowView(window), interval: query.interval, buckets: rows, totals: { ...totals, net: totals.created - totals.completed } };
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
