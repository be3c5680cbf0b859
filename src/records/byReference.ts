// Records found by their id in another system: the upsert an integration
// mirrors its records with, and the light record an event or a task link
// about an outside record creates. Two requests about the same new reference
// at once make one record: the reference's unique index decides, and the
// request that loses it goes on with the record the other made.
import type { Actor, Deps } from '../platform/context.ts';
import { isUniqueViolation, withSavepoint } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, type FieldError, NotFound, Stale } from '../platform/errors.ts';
import { checkPathRef, type ExternalRecord, lightName, outsideRecord, type RecordRefInput, withRef } from './external.ts';
import { changeJob, createJobIn } from './jobs.ts';
import { changeLead, createLeadIn } from './leads.ts';
import { changeClient, changeContact, createClientIn, createContactIn } from './parties.ts';
import { presentRecord, type ViewOf } from './present.ts';
import {
  createClientBody,
  createContactBody,
  createJobBody,
  createLeadBody,
  createServiceBody,
  type ExternalRef,
  type LinkableType,
} from './records.ts';
import { changeService, createServiceIn } from './services.ts';
import { inTransaction } from './steps.ts';
import * as store from './store.ts';

type AnyInput = Record<string, unknown> & { externalRefs?: ExternalRef[] };
type Writer = {
  create: (trx: Db, input: { actor: Actor; input: never; now: number }) => Promise<{ id: string }>;
  change: (trx: Db, input: { actor: Actor; id: string; input: never; now: number; ifVersion?: number }) => Promise<unknown>;
};

const WRITERS: Record<LinkableType, Writer> = {
  contact: { create: createContactIn, change: changeContact },
  client: { create: createClientIn, change: changeClient },
  lead: { create: createLeadIn, change: changeLead },
  job: { create: createJobIn, change: changeJob },
  service: { create: createServiceIn, change: changeService },
};

export interface Upsert<T extends LinkableType> {
  type: T;
  ref: { source: string; id: string };
  /** The body, parsed by the type's create schema (so defaults are filled in). */
  input: AnyInput;
  /** The fields the body sent: an existing record changes only these. */
  sent: string[];
  ifVersion?: number;
  /** The body's references join the record's (each replacing the one of its source, keeping its url when the id is the same) instead of replacing them: how a CSV import takes them. */
  mergeRefs?: boolean;
}

export interface Upserted<T extends LinkableType> {
  record: ViewOf[T];
  created: boolean;
  /** Whether the record was created or an existing one changed (false: the same values again). */
  changed: boolean;
}

/**
 * Creates (created: true) or updates the record of the type that carries the
 * reference. An update changes only the fields sent; the same body again
 * changes nothing. With If-Match, a record that does not exist yet is a 412.
 */
export function upsertByReference<T extends LinkableType>(deps: Deps, actor: Actor, upsert: Upsert<T>): Promise<{ record: ViewOf[T]; created: boolean }> {
  return inTransaction(deps, async (trx, now) => {
    const { record, created } = await upsertByReferenceIn(trx, actor, upsert, now);
    return { record, created };
  });
}

/** The upsert inside the caller's transaction (a CSV import makes many in one). */
export async function upsertByReferenceIn<T extends LinkableType>(trx: Db, actor: Actor, upsert: Upsert<T>, now: number): Promise<Upserted<T>> {
  const { type, ref, input, ifVersion } = upsert;
  checkPathRef(ref, input.externalRefs);
  const url = input.externalRefs?.find((r) => r.source === ref.source)?.url;
  const path: ExternalRef = url === undefined ? { source: ref.source, id: ref.id } : { source: ref.source, id: ref.id, url };
  const existing = await store.findByExternalRef(trx, actor.orgId, type, ref.source, ref.id);
  if (existing === undefined) {
    if (ifVersion !== undefined) throw new Stale(0);
    const fresh = { ...input, externalRefs: withRef(input.externalRefs ?? [], path) };
    const made = await createOnce(trx, actor.orgId, type, ref, () => WRITERS[type].create(trx, { actor, input: fresh as never, now }));
    if (made.created) return { record: (await load(trx, actor, type, made.id)) as ViewOf[T], created: true, changed: true };
    return { ...(await change(trx, actor, upsert, made.id, path, now)), created: false };
  }
  return { ...(await change(trx, actor, upsert, existing, path, now)), created: false };
}

/** A record named by Finishline's id (a CSV row's id column) and changed the way an upsert changes it. */
export interface ChangeById<T extends LinkableType> {
  type: T;
  id: string;
  input: AnyInput;
  /** The fields sent: only these change; the input's references join the record's. */
  sent: string[];
}

/**
 * Changes this organisation's record with the id as an upsert would — only the
 * fields sent, the references joining its own — and says whether anything
 * changed (the same values again change nothing: no new version). Another
 * organisation's id is not found, like one that never existed.
 */
export async function changeByIdIn<T extends LinkableType>(trx: Db, actor: Actor, update: ChangeById<T>, now: number): Promise<{ record: ViewOf[T]; changed: boolean }> {
  const { type, id } = update;
  const found = await store.existingRecords(trx, type, actor.orgId, [id]);
  if (!found.has(id)) throw new NotFound(type, [{ path: 'id', message: `no ${type} with this id in this organisation (leave the id empty to create one)` }]);
  return change(trx, actor, { type, input: update.input, sent: update.sent, mergeRefs: true }, id, null, now);
}

async function change<T extends LinkableType>(trx: Db, actor: Actor, upsert: Omit<Upsert<T>, 'ref'>, id: string, path: ExternalRef | null, now: number): Promise<{ record: ViewOf[T]; changed: boolean }> {
  const { type, input, sent, ifVersion, mergeRefs = false } = upsert;
  const fields: AnyInput = Object.fromEntries(sent.filter((key) => key !== 'externalRefs').map((key) => [key, input[key]]));
  // Without If-Match the caller says "make it so", not "if nobody changed it": take turns with other writers.
  await store.lockRecord(trx, type, actor.orgId, id);
  const current = await load(trx, actor, type, id);
  const held = mergeRefs ? (input.externalRefs ?? []).reduce(withRef, current.externalRefs) : sent.includes('externalRefs') ? (input.externalRefs ?? []) : current.externalRefs;
  fields.externalRefs = path ? withRef(held, path) : held;
  await WRITERS[type].change(trx, { actor, id, input: fields as never, now, ifVersion });
  const record = (await load(trx, actor, type, id)) as ViewOf[T];
  return { record, changed: record.version !== current.version };
}

async function load(trx: Db, actor: Actor, type: LinkableType, id: string) {
  const row = await store.findRecord(trx, type, actor.orgId, id);
  if (!row) throw new NotFound(type);
  return presentRecord(type, row) as ViewOf[LinkableType];
}

/**
 * Runs `create` (which writes the reference) in a savepoint. When another
 * transaction took the reference first, the unique index refuses ours (on
 * PostgreSQL after waiting for that transaction to commit): what `create` wrote
 * is undone and the other's record is returned instead.
 */
async function createOnce(trx: Db, orgId: string, type: LinkableType, ref: { source: string; id: string }, create: () => Promise<{ id: string }>): Promise<{ id: string; created: boolean }> {
  try {
    return { id: (await withSavepoint(trx, 'external_ref', create)).id, created: true };
  } catch (error) {
    // Refused by the index, or by the check before it once the other transaction had committed.
    if (!isUniqueViolation(error) && !(error instanceof Conflict)) throw error;
    const winner = await store.findByExternalRef(trx, orgId, type, ref.source, ref.id);
    if (winner === undefined) throw error;
    return { id: winner, created: false };
  }
}

// --- events and task links about outside records ------------------------------

/** What a record created from a reference alone holds: its name, and the reference (for a lead, the source too). */
const LIGHT: Record<LinkableType, { schema: { parse(input: unknown): unknown }; fields: (name: string, record: ExternalRecord) => Record<string, unknown> }> = {
  contact: { schema: createContactBody, fields: (name) => ({ name }) },
  client: { schema: createClientBody, fields: (name) => ({ name }) },
  lead: { schema: createLeadBody, fields: (title, record) => ({ title, source: record.source }) },
  job: { schema: createJobBody, fields: (title) => ({ title }) },
  service: { schema: createServiceBody, fields: (title) => ({ title }) },
};

/** The record of the type carrying the reference, created light (named from the reference or the data) when there is none yet. */
export async function recordForReference(trx: Db, actor: Actor, record: ExternalRecord, data: Record<string, unknown>, now: number): Promise<string> {
  const { type, source, externalId } = record;
  const existing = await store.findByExternalRef(trx, actor.orgId, type, source, externalId);
  if (existing !== undefined) return existing;
  const light = LIGHT[type];
  const input = light.schema.parse({ ...light.fields(lightName(record, data), record), externalRefs: [{ source, id: externalId }] });
  const made = await createOnce(trx, actor.orgId, type, { source, id: externalId }, () => WRITERS[type].create(trx, { actor, input: input as never, now }));
  return made.id;
}

export interface RecordRefs {
  actor: Actor;
  now: number;
  refs: RecordRefInput[];
  /** The field each ref was sent in (subject, links.0 …), for errors. */
  paths: string[];
  /** The event's data, where a light record's name may come from. */
  data?: Record<string, unknown>;
  /** Whether refs by Finishline's id must name a record of this organisation (task and event links); an event's subject need not. */
  checkIds?: (index: number) => boolean;
}

/**
 * Each ref as Finishline's { type, id }: outside records found by their
 * reference or created light, in the caller's transaction; a CRM record named
 * by Finishline's id must exist in this organisation (404 naming its field).
 */
export async function resolveRecordRefs(trx: Db, { actor, now, refs, paths, data = {}, checkIds = () => true }: RecordRefs): Promise<{ type: string; id: string }[]> {
  const resolved: { type: string; id: string }[] = [];
  const missing: FieldError[] = [];
  for (const [index, ref] of refs.entries()) {
    const outside = outsideRecord(ref);
    if (outside) {
      resolved.push({ type: ref.type, id: await recordForReference(trx, actor, outside, data, now) });
      continue;
    }
    const id = ref.id!;
    if (checkIds(index) && ref.type in WRITERS) {
      const found = await store.existingRecords(trx, ref.type as LinkableType, actor.orgId, [id]);
      if (!found.has(id)) missing.push({ path: paths[index] ?? `${index}`, message: `no such ${ref.type}` });
    }
    resolved.push({ type: ref.type, id });
  }
  if (missing.length > 0) throw new NotFound('Record', missing);
  return resolved;
}
