// Every query of the audit log: it is only ever appended to and read, never updated or deleted.
import type { Insertable, Selectable } from 'kysely';
import type { AuditLogTable, Db } from '../platform/db/schema.ts';

export type AuditRow = Selectable<AuditLogTable>;

export async function appendAuditRow(db: Db, row: Insertable<AuditLogTable>): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** Newest first, paged by id (ULIDs sort by time). */
export function listAuditRows(db: Db, orgId: string, page: { limit: number; before?: string; action?: string; actorId?: string }) {
  let query = db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
  if (page.before) query = query.where('id', '<', page.before);
  if (page.action) query = query.where('action', '=', page.action);
  if (page.actorId) query = query.where('actor_id', '=', page.actorId);
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}
