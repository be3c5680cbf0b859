// Every query of recurring-task series (task_series).
import type { Selectable } from 'kysely';
import { QueryShapes } from '../platform/db/database.ts';
import type { Db, TaskSeriesTable } from '../platform/db/schema.ts';

export type SeriesRow = Selectable<TaskSeriesTable>;

export function findPlace(db: Db, orgId: string, taskId: string) {
  return db.selectFrom('task_series').selectAll().where('org_id', '=', orgId).where('task_id', '=', taskId).executeTakeFirst();
}

// Every list page looks up the series of its repeating tasks: compiled once per number of tasks.
const places = new QueryShapes();

export function findPlaces(db: Db, orgId: string, taskIds: string[]): Promise<SeriesRow[]> {
  return places.run(db, `places:${taskIds.length}`, [orgId, ...taskIds], () =>
    db.selectFrom('task_series').selectAll().where('org_id', '=', orgId).where('task_id', 'in', taskIds),
  );
}

export async function occurrenceExists(db: Db, orgId: string, seriesId: string, occurrenceAt: number): Promise<boolean> {
  const row = await db
    .selectFrom('task_series')
    .select('task_id')
    .where('org_id', '=', orgId)
    .where('series_id', '=', seriesId)
    .where('occurrence_at', '=', occurrenceAt)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertPlace(db: Db, row: SeriesRow): Promise<void> {
  await places.insert(db, 'task_series', [row], () => db.insertInto('task_series').values(row));
}

export async function updatePlace(db: Db, orgId: string, taskId: string, set: Partial<Pick<SeriesRow, 'anchor_at' | 'next_at'>>): Promise<void> {
  await db.updateTable('task_series').set(set).where('org_id', '=', orgId).where('task_id', '=', taskId).execute();
}
