// What automation needs from CRM records: a record's current fields (for
// record.* conditions, templates and its owner) and changing one (update_record),
// both through the records service, validated by its own schemas.
import type { Actor } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid } from '../platform/errors.ts';
import * as records from '../records/service.ts';
import { RECORD_TYPES, type RecordType, updateJobBody, updateLeadBody, updateServiceBody } from '../records/records.ts';

export function isRecordType(type: string): type is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(type);
}

export async function recordFields(db: Db, orgId: string, type: string, id: string): Promise<Record<string, unknown> | null> {
  if (!isRecordType(type)) return null;
  const view = await records.findRecordView(db, orgId, type, id);
  return (view as Record<string, unknown> | undefined) ?? null;
}

const CHANGERS = {
  lead: { schema: updateLeadBody, change: records.changeLead },
  job: { schema: updateJobBody, change: records.changeJob },
  service: { schema: updateServiceBody, change: records.changeService },
} as const;

/** Sets fields of a lead, job or service inside the caller's transaction; the records service checks and records the change. */
export async function updateRecordIn(trx: Db, actor: Actor, type: string, id: string, set: Record<string, unknown>, now: number): Promise<void> {
  const changer = CHANGERS[type as keyof typeof CHANGERS];
  if (!changer) throw Invalid.field('record', `update_record can change a lead, a job or a service, not a ${type}`);
  const parsed = changer.schema.safeParse(set);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: ['set', ...i.path].join('.'), message: i.message }));
    throw new Invalid(`update_record: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  }
  await (changer.change as (trx: Db, change: { actor: Actor; id: string; input: unknown; now: number }) => Promise<unknown>)(trx, { actor, id, input: parsed.data, now });
}

/** The jobs the missed-appointment scan looks at: status and scheduled start. */
export async function jobSchedule(db: Db, orgId: string, id: string): Promise<{ status: string; scheduledStart: number | null } | null> {
  const job = await records.findRecordView(db, orgId, 'job', id);
  if (!job) return null;
  const view = job as unknown as { status: string; scheduledStart: string | null };
  return { status: view.status, scheduledStart: view.scheduledStart ? Date.parse(view.scheduledStart) : null };
}

export async function markJobMissed(trx: Db, actor: Actor, id: string, now: number): Promise<void> {
  await records.changeJob(trx, { actor, id, input: { status: 'missed' }, now });
}
