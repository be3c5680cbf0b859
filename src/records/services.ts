// Services: maintenance plans, warranties and inspections with a next due date.
// Each write is one transaction; service.due is signalled once per due date.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { appendEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import { presentRecord } from './present.ts';
import { type CreateServiceInput, NO_DATE, type UpdateServiceInput } from './records.ts';
import { checkExternalRefs, checkOwner, checkRefs, defined, emit, inTransaction, loadForChange, newRow, type NewRecordIn, type RecordChange, type RecordChangeIn, refTo, saveChange } from './steps.ts';
import * as store from './store.ts';

// --- services ---------------------------------------------------------------

export function createService(deps: Deps, actor: Actor, input: CreateServiceInput) {
  return inTransaction(deps, (trx, now) => createServiceIn(trx, { actor, input, now }));
}

/** Creates a service inside the caller's transaction (an upsert or an event about an outside service). */
export async function createServiceIn(trx: Db, { actor, input, now }: NewRecordIn<CreateServiceInput>) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refTo('client', 'clientId', input.clientId), refTo('job', 'jobId', input.jobId)]);
  const base = newRow(actor, input.ownerId, now);
  const row: store.ServiceRow = {
    ...base,
    external_refs: await checkExternalRefs(trx, actor.orgId, 'service', null, input.externalRefs),
    title: input.title,
    client_id: input.clientId,
    job_id: input.jobId,
    kind: input.kind,
    next_due_at: input.nextDueAt,
    due_sort: input.nextDueAt ?? NO_DATE,
    due_signalled_for: null,
  };
  await store.insertRecord(trx, 'service', row);
  await emit(trx, actor, { type: 'service', id: row.id }, 'service.created', { title: row.title, kind: row.kind, clientId: row.client_id, nextDueAt: iso(row.next_due_at), ownerId: row.owner_id }, now);
  await signalIfDue(trx, actor, row, now);
  return presentRecord('service', row);
}

export function updateService(deps: Deps, actor: Actor, change: RecordChange<UpdateServiceInput>) {
  return inTransaction(deps, async (trx, now) => presentRecord('service', await changeService(trx, { ...change, actor, now })));
}

export async function changeService(trx: Db, { actor, id, input, now, ifVersion }: RecordChangeIn<UpdateServiceInput>): Promise<store.ServiceRow> {
  const row = await loadForChange(trx, actor, 'service', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refTo('client', 'clientId', input.clientId, row.client_id), refTo('job', 'jobId', input.jobId, row.job_id)]);
  const { ownerId, clientId, jobId, nextDueAt, externalRefs, ...fields } = input;
  const set = defined({
    ...fields,
    external_refs: externalRefs && (await checkExternalRefs(trx, actor.orgId, 'service', id, externalRefs)),
    owner_id: ownerId,
    client_id: clientId,
    job_id: jobId,
    next_due_at: nextDueAt,
    due_sort: nextDueAt !== undefined ? (nextDueAt ?? NO_DATE) : undefined,
  });
  const saved = await saveChange(trx, actor, 'service', row, set, now);
  if (saved.fields.length === 0) return saved.row;
  await emit(trx, actor, { type: 'service', id }, 'service.updated', { fields: saved.fields, version: saved.row.version }, now);
  return (await signalIfDue(trx, actor, saved.row, now)) ?? saved.row;
}

/** service.due, once per due date, as soon as a live service's date has come. */
async function signalIfDue(trx: Db, actor: Pick<Actor, 'orgId'> & { userId: string | null }, service: store.ServiceRow, now: number): Promise<store.ServiceRow | null> {
  const due = service.next_due_at;
  if (due === null || due > now || service.due_signalled_for === due || service.archived_at !== null) return null;
  await store.markServiceSignalled(trx, service.org_id, service.id, due);
  await appendEvent(trx, {
    orgId: service.org_id,
    type: 'service.due',
    subject: { type: 'service', id: service.id },
    data: { title: service.title, kind: service.kind, clientId: service.client_id, jobId: service.job_id, nextDueAt: iso(due) },
    actorId: actor.userId,
    occurredAt: now,
  });
  return { ...service, due_signalled_for: due };
}

/**
 * Emits service.due for every live service whose date has come since the last
 * scan, across organisations; the scheduler calls this on each tick. Returns
 * how many it signalled.
 */
export async function signalDueServices(deps: Deps, limit = 500): Promise<number> {
  return inTransaction(deps, async (trx, now) => {
    const due = await store.servicesComingDue(trx, now, limit);
    for (const service of due) await signalIfDue(trx, { orgId: service.org_id, userId: null }, service, now);
    return due.length;
  });
}
