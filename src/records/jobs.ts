// Jobs: work booked for a client, scheduled, given to technicians. Each write is
// one transaction that stores the row and the job's events (scheduled, status, missed).
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { iso } from '../platform/pagination.ts';
import { presentRecord } from './present.ts';
import { checkSchedule, type CreateJobInput, jobChange, type JobStatus, NO_DATE, type UpdateJobInput } from './records.ts';
import { checkExternalRefs, checkOwner, checkPeople, checkRefs, defined, emit, inTransaction, loadForChange, newRow, type NewRecordIn, type RecordChange, type RecordChangeIn, refTo, saveChange } from './steps.ts';
import * as store from './store.ts';

// --- jobs -------------------------------------------------------------------

export function createJob(deps: Deps, actor: Actor, input: CreateJobInput) {
  return inTransaction(deps, (trx, now) => createJobIn(trx, { actor, input, now }));
}

/** Creates a job inside the caller's transaction (an upsert or an event about an outside job). */
export async function createJobIn(trx: Db, { actor, input, now }: NewRecordIn<CreateJobInput>) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkPeople(trx, actor.orgId, 'technicianIds', input.technicianIds);
  await checkRefs(trx, actor.orgId, [refTo('client', 'clientId', input.clientId)]);
  checkSchedule(input.scheduledStart, input.scheduledEnd);
  const base = newRow(actor, input.ownerId, now);
  const row: store.JobRow = {
    ...base,
    external_refs: await checkExternalRefs(trx, actor.orgId, 'job', null, input.externalRefs),
    title: input.title,
    client_id: input.clientId,
    address: input.address,
    scheduled_start: input.scheduledStart,
    scheduled_end: input.scheduledEnd,
    start_sort: input.scheduledStart ?? NO_DATE,
    status: input.status,
    technician_ids: JSON.stringify(input.technicianIds),
  };
  await store.insertRecord(trx, 'job', row);
  await emit(trx, actor, { type: 'job', id: row.id }, 'job.created', { title: row.title, clientId: row.client_id, status: row.status, ownerId: row.owner_id }, now);
  const blank = { start: null, status: 'scheduled' as JobStatus };
  await emitJobChange(trx, actor, row, jobChange(blank, { start: row.scheduled_start, status: input.status }), null, now);
  return presentRecord('job', row);
}

export function updateJob(deps: Deps, actor: Actor, change: RecordChange<UpdateJobInput>) {
  return inTransaction(deps, async (trx, now) => presentRecord('job', await changeJob(trx, { ...change, actor, now })));
}

/** Changes a job inside the caller's transaction (automation and the missed-appointment scan act through this). */
export async function changeJob(trx: Db, { actor, id, input, now, ifVersion }: RecordChangeIn<UpdateJobInput>): Promise<store.JobRow> {
  const row = await loadForChange(trx, actor, 'job', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  if (input.technicianIds) {
    const current = new Set(JSON.parse(row.technician_ids) as string[]);
    await checkPeople(trx, actor.orgId, 'technicianIds', input.technicianIds.filter((t) => !current.has(t)));
  }
  await checkRefs(trx, actor.orgId, [refTo('client', 'clientId', input.clientId, row.client_id)]);
  const start = input.scheduledStart !== undefined ? input.scheduledStart : row.scheduled_start;
  const end = input.scheduledEnd !== undefined ? input.scheduledEnd : row.scheduled_end;
  checkSchedule(start, end);
  const { ownerId, clientId, scheduledStart, scheduledEnd, technicianIds, externalRefs, ...fields } = input;
  const set = defined({
    ...fields,
    external_refs: externalRefs && (await checkExternalRefs(trx, actor.orgId, 'job', id, externalRefs)),
    owner_id: ownerId,
    client_id: clientId,
    scheduled_start: scheduledStart,
    scheduled_end: scheduledEnd,
    start_sort: scheduledStart !== undefined ? (scheduledStart ?? NO_DATE) : undefined,
    technician_ids: technicianIds ? JSON.stringify(technicianIds) : undefined,
  });
  const saved = await saveChange(trx, actor, 'job', row, set, now);
  if (saved.fields.length === 0) return saved.row;
  const change = jobChange({ start: row.scheduled_start, status: row.status as JobStatus }, { start: saved.row.scheduled_start, status: saved.row.status as JobStatus });
  await emitJobChange(trx, actor, saved.row, change, row.scheduled_start, now);
  const handled = new Set([...(change.scheduled ? ['scheduledStart', 'scheduledEnd'] : []), ...(change.status ? ['status'] : [])]);
  const others = saved.fields.filter((f) => !handled.has(f));
  if (others.length > 0) await emit(trx, actor, { type: 'job', id }, 'job.updated', { fields: others, version: saved.row.version }, now);
  return saved.row;
}

async function emitJobChange(trx: Db, actor: Actor, job: store.JobRow, change: ReturnType<typeof jobChange>, previousStart: number | null, now: number) {
  const subject = { type: 'job' as const, id: job.id };
  const technicianIds = JSON.parse(job.technician_ids) as string[];
  if (change.scheduled) {
    await emit(trx, actor, subject, 'job.scheduled', { scheduledStart: iso(job.scheduled_start!), scheduledEnd: iso(job.scheduled_end), previousStart: iso(previousStart), technicianIds }, now);
  }
  if (change.status) {
    await emit(trx, actor, subject, 'job.status_changed', change.status, now);
    if (change.status.to === 'missed') {
      await emit(trx, actor, subject, 'appointment.missed', { jobId: job.id, clientId: job.client_id, scheduledStart: iso(job.scheduled_start), technicianIds }, now);
    }
  }
}
