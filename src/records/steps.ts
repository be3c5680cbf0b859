// The steps every record write shares: one transaction, a new row, the checks
// of owners, people and referenced records, a versioned change, the events.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, type FieldError, Forbidden, Invalid, NotFound, Stale } from '../platform/errors.ts';
import { newKey } from '../platform/ids.ts';
import { appendEvent, type EventType, type NewEvent } from '../platform/outbox.ts';
import { checkVersion } from '../platform/pagination.ts';
import { roleAtLeast } from '../people/person.ts';
import { checkAssignable } from '../people/service.ts';
import './events.ts';
import { presentRecord } from './present.ts';
import type { ExternalRef, LinkableType, RecordType } from './records.ts';
import * as store from './store.ts';

const LABEL: Record<RecordType, string> = { contact: 'Contact', client: 'Client', pipeline: 'Pipeline', lead: 'Lead', job: 'Job', service: 'Service' };

/** A record to create inside the caller's transaction: who asks, what they sent, when. */
export interface NewRecordIn<I> {
  actor: Actor;
  input: I;
  now: number;
}

/** A change to one record: which, what to set, and the version the caller saw (If-Match), if it sent one. */
export interface RecordChange<I> {
  id: string;
  input: I;
  ifVersion?: number;
}

/** A change to one record inside the caller's transaction: who asks and when. */
export interface RecordChangeIn<I> extends RecordChange<I> {
  actor: Actor;
  now: number;
}

export async function loadRecord<T extends RecordType>(db: Db, type: T, orgId: string, id: string): Promise<store.RowOf[T]> {
  const row = await store.findRecord(db, type, orgId, id);
  if (!row) throw new NotFound(LABEL[type]);
  return row;
}

export function inTransaction<R>(deps: Deps, work: (trx: Db, now: number) => Promise<R>): Promise<R> {
  const now = deps.clock.now();
  return deps.db.transaction().execute((trx) => work(trx, now));
}

export function newRow(actor: Actor, ownerId: string | undefined, now: number) {
  return { id: newKey(), org_id: actor.orgId, owner_id: ownerId ?? actor.userId, created_at: now, updated_at: now, version: 1, archived_at: null };
}

export async function emit<T extends EventType>(trx: Db, actor: Actor, subject: { type: RecordType; id: string }, type: T, data: NewEvent<T>['data'], now: number) {
  await appendEvent(trx, { orgId: actor.orgId, type, subject, data, actorId: actor.userId, occurredAt: now });
}

/** The person a record is given to must be in this organisation. */
export async function checkOwner(trx: Db, orgId: string, ownerId: string | undefined): Promise<void> {
  if (ownerId === undefined) return;
  await checkPeople(trx, orgId, 'ownerId', [ownerId]);
}

export async function checkPeople(trx: Db, orgId: string, path: string, userIds: string[]): Promise<void> {
  const errors: FieldError[] = [];
  for (const [i, userId] of userIds.entries()) {
    try {
      await checkAssignable({ db: trx }, orgId, { assigneeId: userId });
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      errors.push({ path: path === 'ownerId' ? path : `${path}.${i}`, message: 'no such user' });
    }
  }
  if (errors.length > 0) throw new NotFound('User', errors);
}

/** Records a record points to (a lead's contact, a job's client…), each with the field it was sent in. */
interface Ref {
  type: RecordType;
  items: { id: string; path: string }[];
}

/** A single reference being set: not cleared, not left as it was. */
export function refTo(type: RecordType, path: string, value: string | null | undefined, current: string | null = null): Ref {
  return { type, items: value !== undefined && value !== null && value !== current ? [{ id: value, path }] : [] };
}

/** A list of references (path.N), leaving out those already held. */
export function refsTo(type: RecordType, path: string, ids: string[], held: string[] = []): Ref {
  const kept = new Set(held);
  return { type, items: ids.flatMap((id, i) => (kept.has(id) ? [] : [{ id, path: `${path}.${i}` }])) };
}

/** Each referenced record must exist in this organisation (else 404) and not be archived (else 400). */
export async function checkRefs(trx: Db, orgId: string, refs: Ref[]): Promise<void> {
  const missing: FieldError[] = [];
  const archived: FieldError[] = [];
  for (const ref of refs) {
    if (ref.items.length === 0) continue;
    const found = await store.existingRecords(trx, ref.type, orgId, ref.items.map((item) => item.id));
    for (const { id, path } of ref.items) {
      if (!found.has(id)) missing.push({ path, message: `no such ${ref.type}` });
      else if (found.get(id)) archived.push({ path, message: `the ${ref.type} is archived` });
    }
  }
  if (missing.length > 0) throw new NotFound('Referenced record', missing);
  if (archived.length > 0) throw new Invalid(archived.map((e) => `${e.path}: ${e.message}`).join('; '), archived);
}

/**
 * The references in other systems a record is to carry, as its JSON column:
 * none may be on another record of the type in this organisation (409 naming
 * externalRefs.N). A race past this check ends on the unique index instead.
 */
export async function checkExternalRefs(trx: Db, orgId: string, type: LinkableType, recordId: string | null, refs: ExternalRef[]): Promise<string> {
  const owners = await store.externalRefOwners(trx, orgId, type, refs);
  const taken: FieldError[] = [];
  for (const [i, ref] of refs.entries()) {
    const owner = owners.find((o) => o.source === ref.source && o.external_id === ref.id);
    if (owner && owner.record_id !== recordId) taken.push({ path: `externalRefs.${i}`, message: `${ref.source} ${ref.id} is already on another ${type}` });
  }
  if (taken.length > 0) throw new Conflict(`Another ${type} already carries this reference`, taken);
  return JSON.stringify(refs);
}

/** Loads a live record for a change, honouring If-Match. */
export async function loadForChange<T extends RecordType>(trx: Db, actor: Actor, type: T, id: string, ifVersion: number | undefined): Promise<store.RowOf[T]> {
  const row = await loadRecord(trx, type, actor.orgId, id);
  checkVersion(row.version, ifVersion);
  if (row.archived_at !== null) throw new Conflict(`The ${type} is archived; restore it before changing it`);
  return row;
}

/** The API fields whose value differs between two presentations of a record. */
export function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return Object.keys(b).filter((k) => k !== 'updatedAt' && k !== 'version' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export interface Saved<T extends RecordType> {
  row: store.RowOf[T];
  fields: string[];
}

/** Writes a change with version+1 when it changes anything; a change that changes nothing writes nothing. */
export async function saveChange<T extends RecordType>(trx: Db, actor: Actor, type: T, row: store.RowOf[T], set: Partial<store.RowOf[T]>, now: number): Promise<Saved<T>> {
  const candidate = { ...row, ...set } as store.RowOf[T];
  const fields = changedFields(presentRecord(type, row), presentRecord(type, candidate));
  if (fields.length === 0) return { row, fields };
  const updated = { ...candidate, updated_at: now, version: row.version + 1 };
  const written = await store.updateRecord(trx, type, actor.orgId, row.id, row.version, { ...set, updated_at: now, version: updated.version } as Partial<store.RowOf[T]>);
  if (!written) throw new Stale(row.version + 1);
  return { row: updated, fields };
}

export function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function requireManager(actor: Actor, doing: string): void {
  if (!roleAtLeast(actor.role, 'manager')) throw new Forbidden(`${doing} needs the manager role or above`);
}
