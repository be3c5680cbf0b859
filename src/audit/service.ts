// Use cases of the audit log: record an action inside the caller's transaction, and read the log (admins).
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Forbidden } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import type { AuditEntry, AuditEntryView, AuditQuery } from './audit.ts';
import * as store from './store.ts';

/**
 * Appends one entry. Call it with the transaction that makes the change, so the
 * entry exists exactly when the change does.
 */
export async function recordAudit(trx: Db, entry: AuditEntry, now: number): Promise<void> {
  await store.appendAuditRow(trx, {
    id: newId(),
    org_id: entry.orgId,
    actor_id: entry.actorId,
    action: entry.action,
    subject_type: entry.subject?.type ?? null,
    subject_id: entry.subject?.id ?? null,
    data: JSON.stringify(entry.data ?? {}),
    ip: entry.ip ?? null,
    at: now,
  });
}

export async function listAudit(deps: Deps, actor: Actor, query: AuditQuery) {
  if (actor.role !== 'owner' && actor.role !== 'admin') throw new Forbidden('The audit log is for admins');
  const before = query.cursor ? String(decodeCursor(query.cursor, ['text'])[0]) : undefined;
  const rows = await store.listAuditRows(deps.db, actor.orgId, { limit: query.limit + 1, before, action: query.action, actorId: query.actorId });
  const { items, nextCursor } = pageOf(rows, query.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentAuditEntry), nextCursor };
}

function presentAuditEntry(row: store.AuditRow): AuditEntryView {
  return {
    id: row.id,
    action: row.action as AuditEntryView['action'],
    actorId: row.actor_id,
    subject: row.subject_type && row.subject_id ? { type: row.subject_type, id: row.subject_id } : null,
    data: JSON.parse(row.data) as Record<string, unknown>,
    ip: row.ip,
    at: iso(row.at),
  };
}
