// The bottlenecks report: where tasks wait, per status, team and record type,
// from the status-flow rollup and the history at the window's edges.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { iso } from '../platform/pagination.ts';
import * as records from '../records/service.ts';
import { DAY, type DwellFigures, dwellFigures, type DwellStatus, groupBy, type StatusFlow, type Window } from './report.ts';
import * as store from './store.ts';
import type { BottlenecksView, WindowQuery } from './views.ts';
import { setting, windowOf, windowView, nameOf, byWeightThenName } from './setting.ts';

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

/** Leads looked up in one read: bounded lists, however many leads have open work. */
const LEAD_LOOKUP_BATCH = 2_000;

/** Where lead follow-ups pile up: unresolved tasks by their lead's current stage, read through the records service; a task linked to two leads at one stage counts once. Every lead with open work counts. */
async function leadStagesOf(deps: Deps, actor: Actor, scope: store.TaskScope, now: number) {
  const tasks = await store.openTasksOfLeads(deps.db, scope, now);
  const ids = [...new Set(tasks.map((row) => row.record_id))];
  const leads = new Map<string, { pipelineId: string; stage: string }>();
  for (let i = 0; i < ids.length; i += LEAD_LOOKUP_BATCH) {
    for (const [id, lead] of await records.leadStages(deps.db, actor.orgId, ids.slice(i, i + LEAD_LOOKUP_BATCH))) leads.set(id, lead);
  }
  const stages = new Map<string, { pipelineId: string; stage: string; leads: Set<string>; open: Set<string>; overdue: Set<string> }>();
  for (const row of tasks) {
    const lead = leads.get(row.record_id);
    if (!lead) continue;
    const key = `${lead.pipelineId}\u0000${lead.stage}`;
    const entry = stages.get(key) ?? { pipelineId: lead.pipelineId, stage: lead.stage, leads: new Set(), open: new Set(), overdue: new Set() };
    entry.leads.add(row.record_id);
    entry.open.add(row.task_id);
    if (Number(row.overdue) === 1) entry.overdue.add(row.task_id);
    stages.set(key, entry);
  }
  return [...stages.values()]
    .map((s) => ({ pipelineId: s.pipelineId, stage: s.stage, leads: s.leads.size, openTasks: s.open.size, overdueTasks: s.overdue.size }))
    .sort((a, b) => b.overdueTasks - a.overdueTasks || b.openTasks - a.openTasks || a.stage.localeCompare(b.stage));
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
