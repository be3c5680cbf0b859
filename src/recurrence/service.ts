// Where each repeating task stands in its series. The tasks feature creates the
// occurrences; this keeps the series' start, the unique (series, occurrence)
// key that makes each next occurrence once, and when the next one will be due.
import type { Db } from '../platform/db/schema.ts';
import { iso } from '../platform/pagination.ts';
import { nextOccurrence } from './recurrence.ts';
import * as store from './store.ts';

export interface SeriesPlace {
  seriesId: string;
  previousId: string | null;
  anchorAt: number;
  nextAt: number | null;
}

export interface SeriesView {
  id: string;
  previousTaskId: string | null;
  nextDueAt: string | null;
}

/** A repeating task to place: its rule, due date (null: none) and the org's zone. */
export interface Repeating {
  orgId: string;
  taskId: string;
  rule: string;
  dueAt: number | null;
  zone: string;
}

function placeOf(row: store.SeriesRow): SeriesPlace {
  return { seriesId: row.series_id, previousId: row.previous_id, anchorAt: row.anchor_at, nextAt: row.next_at };
}

export async function findPlace(db: Db, orgId: string, taskId: string): Promise<SeriesPlace | undefined> {
  const row = await store.findPlace(db, orgId, taskId);
  return row && placeOf(row);
}

/** Each task's place in its series, for presenting them (one query; none when no task repeats or came from a series). */
export async function seriesViews(db: Db, orgId: string, taskIds: string[]): Promise<Map<string, SeriesView>> {
  if (taskIds.length === 0) return new Map();
  const rows = await store.findPlaces(db, orgId, taskIds);
  return new Map(rows.map((r) => [r.task_id, { id: r.series_id, previousTaskId: r.previous_id, nextDueAt: iso(r.next_at) }]));
}

/** Whether the series already has its occurrence due at this instant (completing twice makes one next task). */
export function occurrenceExists(db: Db, orgId: string, seriesId: string, occurrenceAt: number): Promise<boolean> {
  return store.occurrenceExists(db, orgId, seriesId, occurrenceAt);
}

/**
 * Places a task that has just started repeating, or an occurrence just made
 * (`previous` given): a first task starts its own series at its due date (or
 * now, without one); an occurrence continues its predecessor's series.
 */
export async function placeNewTask(db: Db, task: Repeating, now: number, previous?: { seriesId: string; previousId: string; anchorAt: number }): Promise<void> {
  const anchorAt = previous?.anchorAt ?? task.dueAt ?? now;
  await store.insertPlace(db, {
    task_id: task.taskId,
    org_id: task.orgId,
    series_id: previous?.seriesId ?? task.taskId,
    previous_id: previous?.previousId ?? null,
    occurrence_at: task.dueAt,
    anchor_at: anchorAt,
    next_at: nextOccurrence({ rule: task.rule, anchor: anchorAt }, task.dueAt ?? now, task.zone),
  });
}

/**
 * Keeps a task's place in step after its rule or due date changed: a new or
 * changed rule starts the series afresh from the task's due date (its next
 * occurrences follow the new rule); a moved due date only moves the next one;
 * no rule any more leaves the place (the task stays where it came from) with
 * no next occurrence.
 */
export async function replace(db: Db, task: Omit<Repeating, 'rule'> & { rule: string | null }, ruleChanged: boolean, now: number): Promise<void> {
  const place = await findPlace(db, task.orgId, task.taskId);
  if (!task.rule) {
    if (place) await store.updatePlace(db, task.orgId, task.taskId, { next_at: null });
    return;
  }
  if (!place) return placeNewTask(db, { ...task, rule: task.rule }, now);
  const anchorAt = ruleChanged ? (task.dueAt ?? now) : place.anchorAt;
  const nextAt = nextOccurrence({ rule: task.rule, anchor: anchorAt }, task.dueAt ?? now, task.zone);
  await store.updatePlace(db, task.orgId, task.taskId, { anchor_at: anchorAt, next_at: nextAt });
}
