// How a task is shown: its row as the API's TaskView, with what each linked
// record is called and where a repeating task stands in its series.
import type { Db } from '../platform/db/schema.ts';
import { iso } from '../platform/pagination.ts';
import { linkKey, linkSummaries, summariesOf, type SummaryRow } from '../records/service.ts';
import type { LinkSummary } from '../records/records.ts';
import * as recurrence from '../recurrence/service.ts';
import type * as store from './store.ts';
import { type BulkPrevious, type ChecklistItem, isOverdue, type Link, type Priority, type SourceKind, type Status, type TaskView, taskKey } from './task.ts';
import { slaOf } from './change.ts';

/** A task's API shape; `summaries` (from presentTasks) tells what each linked record is called. */
export function presentTask(
  row: store.TaskRow,
  now: number,
  summaries: Map<string, LinkSummary> = new Map(),
  series: Map<string, recurrence.SeriesView> = new Map(),
  links: Link[] = jsonList(row.links),
): TaskView {
  const source: TaskView['source'] = { kind: row.source_kind as SourceKind };
  if (row.source_rule_id) source.ruleId = row.source_rule_id;
  if (row.source_event_id) source.eventId = row.source_event_id;
  const place = series.get(row.id) ?? null;
  if (row.source_kind === 'recurrence' && place?.previousTaskId) source.previousTaskId = place.previousTaskId;
  const status = row.status as Status;
  return {
    id: row.id,
    key: taskKey(row.number),
    title: row.title,
    description: row.description,
    status,
    overdue: isOverdue({ status, dueAt: row.due_at }, now),
    priority: row.priority as Priority,
    dueAt: iso(row.due_at),
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    links: links.map((l) => summaries.get(linkKey(l)) ?? { ...l, name: null, archived: false, externalRefs: [] }),
    checklist: jsonList<ChecklistItem>(row.checklist),
    waitingOn: row.waiting_on,
    blockedReason: row.blocked_reason,
    source,
    recurrence: row.recurrence,
    series: place,
    waitingUntil: iso(row.waiting_until),
    blockedBy: jsonList<string>(row.blocked_by),
    sla: presentSla(row, status, now),
    createdById: row.created_by_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    completedAt: iso(row.completed_at),
    version: row.version,
  };
}

function presentSla(row: store.TaskRow, status: Status, now: number): TaskView['sla'] {
  const sla = slaOf({ status, dueAt: row.due_at, waitingSince: row.waiting_since }, now);
  return sla && { dueAt: iso(sla.dueAt), remainingMs: sla.remainingMs, paused: sla.paused };
}

/**
 * Tasks with a summary of each record they link to, fetched for all of them in
 * one query (no N+1), unless the rows came with them (a list page on
 * PostgreSQL selects them beside each row); where a repeating task stands in
 * its series is read too, unless the rows came with it (a list page joins it in).
 */
export async function presentTasks(db: Db, orgId: string, rows: (store.TaskRow & Partial<store.PlaceColumns> & { linked?: SummaryRow[] | null })[], now: number): Promise<TaskView[]> {
  const links = rows.map((row) => jsonList<Link>(row.links));
  const summaries = rows.every((r) => r.linked !== undefined) ? summariesOf(rows.flatMap((r) => r.linked ?? [])) : await linkSummaries(db, orgId, links.flat());
  const repeating = rows.filter((r) => r.recurrence !== null || r.source_kind === 'recurrence');
  const series = repeating.every((r) => r.series_id !== undefined) ? placesOf(repeating) : await recurrence.seriesViews(db, orgId, repeating.map((r) => r.id));
  return rows.map((row, i) => presentTask(row, now, summaries, series, links[i]));
}

/** The series places rows were read with (what recurrence.seriesViews would answer for them). */
function placesOf(rows: (store.TaskRow & Partial<store.PlaceColumns>)[]): Map<string, recurrence.SeriesView> {
  const places = new Map<string, recurrence.SeriesView>();
  for (const row of rows) {
    if (row.series_id == null) continue;
    places.set(row.id, { id: row.series_id, previousTaskId: row.series_previous_id ?? null, nextDueAt: iso(row.series_next_at ?? null) });
  }
  return places;
}

/** A JSON array column (links, checklist, blocked_by); most are empty, and those need no parsing. */
export function jsonList<T>(text: string): T[] {
  return text === '[]' ? [] : (JSON.parse(text) as T[]);
}

export async function presentOne(db: Db, row: store.TaskRow, now: number): Promise<TaskView> {
  return (await presentTasks(db, row.org_id, [row], now))[0]!;
}

export function presentPrevious(row: store.TaskRow): BulkPrevious {
  return {
    id: row.id,
    key: taskKey(row.number),
    status: row.status as Status,
    priority: row.priority as Priority,
    dueAt: iso(row.due_at),
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    waitingOn: row.waiting_on,
    blockedReason: row.blocked_reason,
  };
}
