// Migration 0019_notifications_resolved (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A notice about a task's deadline (overdue, due soon) resolves itself when the
 * task is finished, given to someone else or given another due date: it keeps
 * the due date it was about, records when and why it resolved, and leaves the
 * unread count. Unresolved notices are found by their task.
 */
export function notificationsResolved(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s.alterTable('notifications').addColumn('due_at', 'bigint').execute();
      await s.alterTable('notifications').addColumn('resolved_at', 'bigint').execute();
      await s.alterTable('notifications').addColumn('resolved_reason', 'text').execute();
      await s.createIndex('notifications_task_unresolved').on('notifications').columns(['org_id', 'task_id']).where(sql.ref('resolved_at'), 'is', null).execute();
    },
  };
}
