// Archiving and restoring a record of any type (managers and above).
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, Stale } from '../platform/errors.ts';
import { checkVersion } from '../platform/pagination.ts';
import { presentRecord, type ViewOf } from './present.ts';
import type { RecordType } from './records.ts';
import { emit, inTransaction, loadRecord, requireManager } from './steps.ts';
import * as store from './store.ts';

/** Which record, and the version the caller saw (If-Match), if it sent one. */
export interface RecordRef<T extends RecordType> {
  type: T;
  id: string;
  ifVersion?: number;
}

/** Archives a record (managers and above): it leaves the lists, its tasks keep their links, marked archived. */
export function archiveRecord<T extends RecordType>(deps: Deps, actor: Actor, { type, id, ifVersion }: RecordRef<T>): Promise<ViewOf[T]> {
  requireManager(actor, 'Archiving a record');
  return inTransaction(deps, async (trx, now) => {
    const row = await loadRecord(trx, type, actor.orgId, id);
    checkVersion(row.version, ifVersion);
    if (row.archived_at !== null) return presentRecord(type, row);
    if (type === 'pipeline' && (row as store.PipelineRow).is_default === 1) throw new Conflict('The default pipeline cannot be archived');
    return presentRecord(type, await setArchived(trx, actor, type, row, now, now));
  });
}

export function restoreRecord<T extends RecordType>(deps: Deps, actor: Actor, { type, id, ifVersion }: RecordRef<T>): Promise<ViewOf[T]> {
  requireManager(actor, 'Restoring a record');
  return inTransaction(deps, async (trx, now) => {
    const row = await loadRecord(trx, type, actor.orgId, id);
    checkVersion(row.version, ifVersion);
    if (row.archived_at === null) return presentRecord(type, row);
    return presentRecord(type, await setArchived(trx, actor, type, row, null, now));
  });
}

async function setArchived<T extends RecordType>(trx: Db, actor: Actor, type: T, row: store.RowOf[T], archivedAt: number | null, now: number) {
  const version = row.version + 1;
  const written = await store.updateRecord(trx, type, actor.orgId, row.id, row.version, { archived_at: archivedAt, updated_at: now, version } as Partial<store.RowOf[T]>);
  if (!written) throw new Stale(version);
  const event = `${type}.${archivedAt === null ? 'restored' : 'archived'}` as `${RecordType}.archived`;
  await emit(trx, actor, { type, id: row.id }, event, { version }, now);
  return { ...row, archived_at: archivedAt, updated_at: now, version };
}
