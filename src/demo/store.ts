// Bulk loads for the demo (and benchmarks): many tasks at once, straight into
// the task tables in one transaction per batch (see platform/db/bulk.ts for
// how each engine takes them). Rows are built in full by the caller; no events
// are appended for them.
import type { Insertable } from 'kysely';
import { bulkInsert, withoutSecondaryIndexes } from '../platform/db/bulk.ts';
import type { OpenDatabase } from '../platform/db/database.ts';
import type { Db, TaskHistoryTable, TaskLinksTable, TasksTable } from '../platform/db/schema.ts';

export type BulkTask = Insertable<TasksTable>;
export type BulkLink = Insertable<TaskLinksTable>;
export type BulkHistory = Insertable<TaskHistoryTable>;

export interface TaskBatch {
  tasks: BulkTask[];
  links: BulkLink[];
  history: BulkHistory[];
}

const TABLES = ['tasks', 'task_links', 'task_history'] as const;

/** Inserts one batch: in its own transaction, or inside `within` when the caller holds one (withoutTaskIndexes). */
export function insertTaskBatch(database: OpenDatabase, batch: TaskBatch, within?: Db): Promise<void> {
  return bulkInsert(database, { tasks: batch.tasks, task_links: batch.links, task_history: batch.history }, within);
}

/** Runs a big load with the task tables' secondary indexes dropped, and built again once at the end (one transaction). */
export function withoutTaskIndexes<T>(database: OpenDatabase, load: (trx: Db) => Promise<T>): Promise<T> {
  return withoutSecondaryIndexes(database, TABLES, load);
}
