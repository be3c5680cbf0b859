// Use cases of CRM records: each write is one transaction that stores the row,
// the lead's history when it moves, and the record's domain events.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, type FieldError, Forbidden, Invalid, NotFound, Stale } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent, type EventType, type NewEvent } from '../platform/outbox.ts';
import { checkVersion, decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import { roleAtLeast } from '../people/person.ts';
import { checkAssignable } from '../people/service.ts';
import './events.ts';
import { presentRecord, type ViewOf } from './present.ts';
import {
  checkSchedule,
  type CreateClientInput,
  type CreateContactInput,
  type CreateJobInput,
  type CreateLeadInput,
  type CreatePipelineInput,
  type CreateServiceInput,
  DEFAULT_PIPELINE,
  jobChange,
  type JobStatus,
  type LinkableType,
  type LinkSummary,
  NO_DATE,
  type RecordListQuery,
  type RecordType,
  type Stage,
  stageIn,
  type UpdateClientInput,
  type UpdateContactInput,
  type UpdateJobInput,
  type UpdateLeadInput,
  type UpdatePipelineInput,
  type UpdateServiceInput,
} from './records.ts';
import * as store from './store.ts';

const LABEL: Record<RecordType, string> = { contact: 'Contact', client: 'Client', pipeline: 'Pipeline', lead: 'Lead', job: 'Job', service: 'Service' };

export interface RecordLink {
  type: LinkableType;
  id: string;
}

// --- reading ----------------------------------------------------------------

export async function getRecord<T extends RecordType>(deps: Deps, actor: Actor, type: T, id: string): Promise<ViewOf[T]> {
  return presentRecord(type, await loadRecord(deps.db, type, actor.orgId, id));
}

/** A record's current fields, or undefined when this organisation has no such record (rule conditions, templates). */
export async function findRecordView<T extends RecordType>(db: Db, orgId: string, type: T, id: string): Promise<ViewOf[T] | undefined> {
  const row = await store.findRecord(db, type, orgId, id);
  return row ? presentRecord(type, row) : undefined;
}

/** The pipeline and stage of each lead of `ids` that exists in the organisation, by id. */
export async function leadStages(db: Db, orgId: string, ids: string[]): Promise<Map<string, { pipelineId: string; stage: string }>> {
  const rows = await store.leadStages(db, orgId, ids);
  return new Map(rows.map((r) => [r.id, { pipelineId: r.pipeline_id, stage: r.stage }]));
}

async function loadRecord<T extends RecordType>(db: Db, type: T, orgId: string, id: string): Promise<store.RowOf[T]> {
  const row = await store.findRecord(db, type, orgId, id);
  if (!row) throw new NotFound(LABEL[type]);
  return row;
}

export async function listRecords<T extends RecordType>(deps: Deps, actor: Actor, type: T, query: RecordListQuery) {
  if (type === 'pipeline') await deps.db.transaction().execute((trx) => ensureDefaultPipeline(trx, actor, deps.clock.now()));
  const sort = store.sortColumn(query.sort);
  const after = query.cursor ? cursorAfter(query.cursor, query.sort, sort.column) : undefined;
  const rows = await store.listRecords(deps.db, type, actor.orgId, filterOf(actor, type, query), sort, { limit: query.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, query.limit, (row) => encodeCursor([query.sort, (row as unknown as Record<string, string | number>)[sort.column]!, row.id]));
  return { items: items.map((row) => presentRecord(type, row)), nextCursor };
}

/** The (sort value, id) a cursor continues after; a cursor handed out for another order is refused, not misread. */
function cursorAfter(cursor: string, sort: string, column: string): (string | number)[] {
  const [cursorSort, value, id] = decodeCursor(cursor, 3);
  const textual = column === 'name' || column === 'title';
  if (cursorSort !== sort || typeof id !== 'string' || typeof value !== (textual ? 'string' : 'number')) {
    throw Invalid.field('cursor', `is not a cursor this list handed out for sort=${sort}`);
  }
  return [value as string | number, id];
}

function filterOf(actor: Actor, type: RecordType, query: RecordListQuery): store.RecordFilter {
  const filter: store.RecordFilter = { archived: query.archived, ownerId: query.owner, text: query.q, equals: {} };
  const equals = (column: string, value: string | undefined) => {
    if (value !== undefined) filter.equals[column] = value;
  };
  if (type === 'lead') {
    equals('pipeline_id', query.pipeline);
    equals('stage', query.stage);
    equals('contact_id', query.contact);
    equals('source', query.source);
  }
  if (type === 'client' && query.contact) filter.contains = { column: 'contact_ids', id: query.contact };
  if (type === 'job') {
    equals('client_id', query.client);
    equals('status', query.status);
    if (query.technician) filter.contains = { column: 'technician_ids', id: query.technician === 'me' ? actor.userId : query.technician };
    filter.range = { column: 'scheduled_start', after: query.scheduledAfter, before: query.scheduledBefore };
  }
  if (type === 'service') {
    equals('client_id', query.client);
    equals('job_id', query.job);
    equals('kind', query.kind);
    filter.range = { column: 'next_due_at', before: query.dueBefore };
  }
  return filter;
}

export async function leadHistory(deps: Deps, actor: Actor, leadId: string) {
  const lead = await loadRecord(deps.db, 'lead', actor.orgId, leadId);
  const rows = await store.listLeadHistory(deps.db, actor.orgId, lead.id);
  return {
    items: rows.map((r) => ({ id: r.id, at: iso(r.at), actorId: r.actor_id, field: r.field, from: r.from_value, to: r.to_value })),
    nextCursor: null,
  };
}

// --- links from tasks -------------------------------------------------------

/**
 * Checks the records a task is about to link to: each must exist in this
 * organisation (else 404) and not be archived (else 400), named `links.N`.
 * Links the task already had are kept as they are, archived or not.
 */
export async function checkLinks(db: Db, orgId: string, links: RecordLink[], alreadyLinked: RecordLink[] = []): Promise<void> {
  const kept = new Set(alreadyLinked.map(linkKey));
  const fresh = links.map((link, index) => ({ link, index })).filter(({ link }) => !kept.has(linkKey(link)));
  if (fresh.length === 0) return;
  const found = new Map((await store.linkedRecords(db, orgId, fresh.map((f) => f.link))).map((r) => [`${r.type}:${r.id}`, r]));
  const missing: FieldError[] = [];
  const archived: FieldError[] = [];
  for (const { link, index } of fresh) {
    const row = found.get(linkKey(link));
    if (!row) missing.push({ path: `links.${index}`, message: `no such ${link.type}` });
    else if (row.archived_at !== null) archived.push({ path: `links.${index}`, message: `the ${link.type} is archived` });
  }
  if (missing.length > 0) throw new NotFound('Linked record', missing);
  if (archived.length > 0) throw new Invalid(archived.map((e) => `${e.path}: ${e.message}`).join('; '), archived);
}

/** What a page of tasks shows of the records it links to: one query for the whole page. */
export async function linkSummaries(db: Db, orgId: string, links: RecordLink[]): Promise<Map<string, LinkSummary>> {
  if (links.length === 0) return new Map();
  const rows = await store.linkedRecords(db, orgId, links);
  return new Map(
    rows.map((r) => {
      const summary: LinkSummary = { type: r.type as LinkableType, id: r.id, name: r.name, archived: r.archived_at !== null };
      if (r.phone) summary.phone = r.phone;
      if (r.address) summary.address = r.address;
      return [`${r.type}:${r.id}`, summary];
    }),
  );
}

export function linkKey(link: RecordLink): string {
  return `${link.type}:${link.id}`;
}

// --- writing: shared steps --------------------------------------------------

function inTransaction<R>(deps: Deps, work: (trx: Db, now: number) => Promise<R>): Promise<R> {
  const now = deps.clock.now();
  return deps.db.transaction().execute((trx) => work(trx, now));
}

function newRow(actor: Actor, ownerId: string | undefined, now: number) {
  return { id: newId(), org_id: actor.orgId, owner_id: ownerId ?? actor.userId, created_at: now, updated_at: now, version: 1, archived_at: null };
}

async function emit<T extends EventType>(trx: Db, actor: Actor, subject: { type: RecordType; id: string }, type: T, data: NewEvent<T>['data'], now: number) {
  await appendEvent(trx, { orgId: actor.orgId, type, subject, data, actorId: actor.userId, occurredAt: now });
}

/** The person a record is given to must be in this organisation. */
async function checkOwner(trx: Db, orgId: string, ownerId: string | undefined): Promise<void> {
  if (ownerId === undefined) return;
  await checkPeople(trx, orgId, 'ownerId', [ownerId]);
}

async function checkPeople(trx: Db, orgId: string, path: string, userIds: string[]): Promise<void> {
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
function refTo(type: RecordType, path: string, value: string | null | undefined, current: string | null = null): Ref {
  return { type, items: value !== undefined && value !== null && value !== current ? [{ id: value, path }] : [] };
}

/** A list of references (path.N), leaving out those already held. */
function refsTo(type: RecordType, path: string, ids: string[], held: string[] = []): Ref {
  const kept = new Set(held);
  return { type, items: ids.flatMap((id, i) => (kept.has(id) ? [] : [{ id, path: `${path}.${i}` }])) };
}

/** Each referenced record must exist in this organisation (else 404) and not be archived (else 400). */
async function checkRefs(trx: Db, orgId: string, refs: Ref[]): Promise<void> {
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

/** Loads a live record for a change, honouring If-Match. */
async function loadForChange<T extends RecordType>(trx: Db, actor: Actor, type: T, id: string, ifVersion: number | undefined): Promise<store.RowOf[T]> {
  const row = await loadRecord(trx, type, actor.orgId, id);
  checkVersion(row.version, ifVersion);
  if (row.archived_at !== null) throw new Conflict(`The ${type} is archived; restore it before changing it`);
  return row;
}

/** The API fields whose value differs between two presentations of a record. */
function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return Object.keys(b).filter((k) => k !== 'updatedAt' && k !== 'version' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

interface Saved<T extends RecordType> {
  row: store.RowOf[T];
  fields: string[];
}

/** Writes a change with version+1 when it changes anything; a change that changes nothing writes nothing. */
async function saveChange<T extends RecordType>(trx: Db, actor: Actor, type: T, row: store.RowOf[T], set: Partial<store.RowOf[T]>, now: number): Promise<Saved<T>> {
  const candidate = { ...row, ...set } as store.RowOf[T];
  const fields = changedFields(presentRecord(type, row), presentRecord(type, candidate));
  if (fields.length === 0) return { row, fields };
  const updated = { ...candidate, updated_at: now, version: row.version + 1 };
  const written = await store.updateRecord(trx, type, actor.orgId, row.id, row.version, { ...set, updated_at: now, version: updated.version } as Partial<store.RowOf[T]>);
  if (!written) throw new Stale(row.version + 1);
  return { row: updated, fields };
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// --- contacts ---------------------------------------------------------------

export function createContact(deps: Deps, actor: Actor, input: CreateContactInput) {
  return inTransaction(deps, (trx, now) => createContactIn(trx, actor, input, now));
}

/** Creates a contact inside the caller's transaction (a CSV import creates many in one). */
export async function createContactIn(trx: Db, actor: Actor, input: CreateContactInput, now: number) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  const row: store.ContactRow = { ...newRow(actor, input.ownerId, now), name: input.name, phone: input.phone, email: input.email, address: input.address, notes: input.notes };
  await store.insertRecord(trx, 'contact', row);
  await emit(trx, actor, { type: 'contact', id: row.id }, 'contact.created', { name: row.name, ownerId: row.owner_id }, now);
  return presentRecord('contact', row);
}

export function updateContact(deps: Deps, actor: Actor, id: string, input: UpdateContactInput, ifVersion?: number) {
  return inTransaction(deps, async (trx, now) => presentRecord('contact', await changeContact(trx, actor, id, input, now, ifVersion)));
}

async function changeContact(trx: Db, actor: Actor, id: string, input: UpdateContactInput, now: number, ifVersion?: number) {
  const row = await loadForChange(trx, actor, 'contact', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  const { ownerId, ...fields } = input;
  const saved = await saveChange(trx, actor, 'contact', row, defined({ ...fields, owner_id: ownerId }), now);
  if (saved.fields.length > 0) await emit(trx, actor, { type: 'contact', id }, 'contact.updated', { fields: saved.fields, version: saved.row.version }, now);
  return saved.row;
}

// --- clients ----------------------------------------------------------------

export function createClient(deps: Deps, actor: Actor, input: CreateClientInput) {
  return inTransaction(deps, (trx, now) => createClientIn(trx, actor, input, now));
}

/** Creates a client inside the caller's transaction. */
export async function createClientIn(trx: Db, actor: Actor, input: CreateClientInput, now: number) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refsTo('contact', 'contactIds', input.contactIds)]);
  const row: store.ClientRow = { ...newRow(actor, input.ownerId, now), name: input.name, contact_ids: JSON.stringify(input.contactIds), address: input.address, notes: input.notes };
  await store.insertRecord(trx, 'client', row);
  await emit(trx, actor, { type: 'client', id: row.id }, 'client.created', { name: row.name, ownerId: row.owner_id, contactIds: input.contactIds }, now);
  return presentRecord('client', row);
}

export function updateClient(deps: Deps, actor: Actor, id: string, input: UpdateClientInput, ifVersion?: number) {
  return inTransaction(deps, async (trx, now) => presentRecord('client', await changeClient(trx, actor, id, input, now, ifVersion)));
}

async function changeClient(trx: Db, actor: Actor, id: string, input: UpdateClientInput, now: number, ifVersion?: number) {
  const row = await loadForChange(trx, actor, 'client', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  if (input.contactIds) await checkRefs(trx, actor.orgId, [refsTo('contact', 'contactIds', input.contactIds, JSON.parse(row.contact_ids) as string[])]);
  const { ownerId, contactIds, ...fields } = input;
  const set = defined({ ...fields, owner_id: ownerId, contact_ids: contactIds ? JSON.stringify(contactIds) : undefined });
  const saved = await saveChange(trx, actor, 'client', row, set, now);
  if (saved.fields.length > 0) await emit(trx, actor, { type: 'client', id }, 'client.updated', { fields: saved.fields, version: saved.row.version }, now);
  return saved.row;
}

// --- pipelines --------------------------------------------------------------

function requireManager(actor: Actor, doing: string): void {
  if (!roleAtLeast(actor.role, 'manager')) throw new Forbidden(`${doing} needs the manager role or above`);
}

export function createPipeline(deps: Deps, actor: Actor, input: CreatePipelineInput) {
  requireManager(actor, 'Creating a pipeline');
  return inTransaction(deps, async (trx, now) => {
    await checkOwner(trx, actor.orgId, input.ownerId);
    await ensureDefaultPipeline(trx, actor, now);
    const row: store.PipelineRow = { ...newRow(actor, input.ownerId, now), name: input.name, stages: JSON.stringify(input.stages), is_default: null };
    await store.insertRecord(trx, 'pipeline', row);
    await emit(trx, actor, { type: 'pipeline', id: row.id }, 'pipeline.created', { name: row.name, stages: input.stages.map((s) => s.key) }, now);
    return presentRecord('pipeline', row);
  });
}

export function updatePipeline(deps: Deps, actor: Actor, id: string, input: UpdatePipelineInput, ifVersion?: number) {
  requireManager(actor, 'Changing a pipeline');
  return inTransaction(deps, async (trx, now) => {
    const row = await loadForChange(trx, actor, 'pipeline', id, ifVersion);
    await checkOwner(trx, actor.orgId, input.ownerId);
    if (input.stages) {
      const stranded = await store.leadsOutsideStages(trx, actor.orgId, id, input.stages.map((s) => s.key));
      if (stranded.length > 0) {
        const which = stranded.map((s) => `${s.count} in ${s.stage}`).join(', ');
        throw new Conflict(`Leads still sit in stages this change removes (${which}); move them first`, [{ path: 'stages', message: `would remove stages that hold leads: ${which}` }]);
      }
    }
    const set = defined({ name: input.name, owner_id: input.ownerId, stages: input.stages ? JSON.stringify(input.stages) : undefined });
    const saved = await saveChange(trx, actor, 'pipeline', row, set, now);
    if (saved.fields.length > 0) await emit(trx, actor, { type: 'pipeline', id }, 'pipeline.updated', { fields: saved.fields, version: saved.row.version }, now);
    return presentRecord('pipeline', saved.row);
  });
}

/**
 * The organisation's default pipeline, created on first need (the first lead
 * without a pipeline, or the first look at the pipelines) rather than at
 * sign-up: organisations created before records existed get it too, and
 * sign-up stays the people feature's business. Two creators racing are
 * settled by the partial unique index; the loser reads the winner's row.
 */
export async function ensureDefaultPipeline(trx: Db, actor: Actor, now: number): Promise<store.PipelineRow> {
  const existing = await store.findDefaultPipeline(trx, actor.orgId);
  if (existing) return existing;
  const row: store.PipelineRow = { ...newRow(actor, undefined, now), name: DEFAULT_PIPELINE.name, stages: JSON.stringify(DEFAULT_PIPELINE.stages), is_default: 1 };
  if (await store.insertDefaultPipeline(trx, row)) {
    await emit(trx, actor, { type: 'pipeline', id: row.id }, 'pipeline.created', { name: row.name, stages: DEFAULT_PIPELINE.stages.map((s) => s.key) }, now);
    return row;
  }
  return (await store.findDefaultPipeline(trx, actor.orgId))!;
}

async function pipelineFor(trx: Db, actor: Actor, pipelineId: string | undefined, now: number): Promise<store.PipelineRow> {
  if (pipelineId === undefined) return ensureDefaultPipeline(trx, actor, now);
  const pipeline = await store.findRecord(trx, 'pipeline', actor.orgId, pipelineId);
  if (!pipeline) throw new NotFound('Pipeline', [{ path: 'pipelineId', message: 'no such pipeline' }]);
  if (pipeline.archived_at !== null) throw Invalid.field('pipelineId', 'the pipeline is archived');
  return pipeline;
}

// --- leads ------------------------------------------------------------------

export function createLead(deps: Deps, actor: Actor, input: CreateLeadInput) {
  return inTransaction(deps, (trx, now) => createLeadIn(trx, actor, input, now));
}

/** Creates a lead inside the caller's transaction. */
export async function createLeadIn(trx: Db, actor: Actor, input: CreateLeadInput, now: number) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refTo('contact', 'contactId', input.contactId)]);
  const pipeline = await pipelineFor(trx, actor, input.pipelineId, now);
  const stage = stageIn(JSON.parse(pipeline.stages) as Stage[], input.stage);
  const row: store.LeadRow = {
    ...newRow(actor, input.ownerId, now),
    title: input.title,
    contact_id: input.contactId,
    pipeline_id: pipeline.id,
    stage,
    value: input.value,
    source: input.source,
  };
  await store.insertRecord(trx, 'lead', row);
  await store.insertLeadHistory(trx, [leadHistoryRow(row, actor, now, 'stage', null, stage)]);
  await emit(trx, actor, { type: 'lead', id: row.id }, 'lead.created', {
    title: row.title,
    pipelineId: row.pipeline_id,
    stage,
    source: row.source,
    value: row.value,
    contactId: row.contact_id,
    ownerId: row.owner_id,
  }, now);
  return presentRecord('lead', row);
}

export function updateLead(deps: Deps, actor: Actor, id: string, input: UpdateLeadInput, ifVersion?: number) {
  return inTransaction(deps, async (trx, now) => presentRecord('lead', await changeLead(trx, actor, id, input, now, ifVersion)));
}

/** Changes a lead inside the caller's transaction (automation's update_record acts through this). */
export async function changeLead(trx: Db, actor: Actor, id: string, input: UpdateLeadInput, now: number, ifVersion?: number): Promise<store.LeadRow> {
  const row = await loadForChange(trx, actor, 'lead', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refTo('contact', 'contactId', input.contactId, row.contact_id)]);
  const pipeline = input.pipelineId !== undefined && input.pipelineId !== row.pipeline_id ? await pipelineFor(trx, actor, input.pipelineId, now) : null;
  let stage = row.stage;
  if (pipeline) {
    const stages = JSON.parse(pipeline.stages) as Stage[];
    stage = stageIn(stages, input.stage ?? (stages.some((s) => s.key === row.stage) ? row.stage : undefined));
  } else if (input.stage !== undefined && input.stage !== row.stage) {
    const current = await store.findRecord(trx, 'pipeline', actor.orgId, row.pipeline_id);
    stage = stageIn(current ? (JSON.parse(current.stages) as Stage[]) : [], input.stage);
  }
  const { ownerId, contactId, pipelineId: _pipelineId, stage: _stage, ...fields } = input;
  const set = defined({ ...fields, owner_id: ownerId, contact_id: contactId, pipeline_id: pipeline?.id, stage });
  const saved = await saveChange(trx, actor, 'lead', row, set, now);
  if (saved.fields.length === 0) return saved.row;

  const after = saved.row;
  const tracked = (['stage', 'pipeline_id', 'owner_id', 'value'] as const)
    .filter((column) => row[column] !== after[column])
    .map((column) => leadHistoryRow(after, actor, now, HISTORY_FIELD[column], stringOrNull(row[column]), stringOrNull(after[column])));
  await store.insertLeadHistory(trx, tracked);

  const subject = { type: 'lead' as const, id };
  const moved = row.stage !== after.stage || row.pipeline_id !== after.pipeline_id;
  if (moved) {
    await emit(trx, actor, subject, 'lead.stage_changed', { pipelineId: after.pipeline_id, fromPipelineId: row.pipeline_id, fromStage: row.stage, toStage: after.stage }, now);
  }
  const others = saved.fields.filter((f) => !moved || (f !== 'stage' && f !== 'pipelineId'));
  if (others.length > 0) await emit(trx, actor, subject, 'lead.updated', { fields: others, version: after.version }, now);
  return after;
}

const HISTORY_FIELD = { stage: 'stage', pipeline_id: 'pipelineId', owner_id: 'ownerId', value: 'value' } as const;

function stringOrNull(value: string | number | null): string | null {
  return value === null ? null : String(value);
}

function leadHistoryRow(lead: store.LeadRow, actor: Actor, now: number, field: string, from: string | null, to: string | null): store.LeadHistoryRow {
  return { id: newId(), org_id: lead.org_id, lead_id: lead.id, actor_id: actor.userId, at: now, field, from_value: from, to_value: to };
}

// --- jobs -------------------------------------------------------------------

export function createJob(deps: Deps, actor: Actor, input: CreateJobInput) {
  return inTransaction(deps, async (trx, now) => {
    await checkOwner(trx, actor.orgId, input.ownerId);
    await checkPeople(trx, actor.orgId, 'technicianIds', input.technicianIds);
    await checkRefs(trx, actor.orgId, [refTo('client', 'clientId', input.clientId)]);
    checkSchedule(input.scheduledStart, input.scheduledEnd);
    const row: store.JobRow = {
      ...newRow(actor, input.ownerId, now),
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
  });
}

export function updateJob(deps: Deps, actor: Actor, id: string, input: UpdateJobInput, ifVersion?: number) {
  return inTransaction(deps, async (trx, now) => presentRecord('job', await changeJob(trx, actor, id, input, now, ifVersion)));
}

/** Changes a job inside the caller's transaction (automation and the missed-appointment scan act through this). */
export async function changeJob(trx: Db, actor: Actor, id: string, input: UpdateJobInput, now: number, ifVersion?: number): Promise<store.JobRow> {
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
  const { ownerId, clientId, scheduledStart, scheduledEnd, technicianIds, ...fields } = input;
  const set = defined({
    ...fields,
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

// --- services ---------------------------------------------------------------

export function createService(deps: Deps, actor: Actor, input: CreateServiceInput) {
  return inTransaction(deps, async (trx, now) => {
    await checkOwner(trx, actor.orgId, input.ownerId);
    await checkRefs(trx, actor.orgId, [refTo('client', 'clientId', input.clientId), refTo('job', 'jobId', input.jobId)]);
    const row: store.ServiceRow = {
      ...newRow(actor, input.ownerId, now),
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
  });
}

export function updateService(deps: Deps, actor: Actor, id: string, input: UpdateServiceInput, ifVersion?: number) {
  return inTransaction(deps, async (trx, now) => presentRecord('service', await changeService(trx, actor, id, input, now, ifVersion)));
}

export async function changeService(trx: Db, actor: Actor, id: string, input: UpdateServiceInput, now: number, ifVersion?: number): Promise<store.ServiceRow> {
  const row = await loadForChange(trx, actor, 'service', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refTo('client', 'clientId', input.clientId, row.client_id), refTo('job', 'jobId', input.jobId, row.job_id)]);
  const { ownerId, clientId, jobId, nextDueAt, ...fields } = input;
  const set = defined({
    ...fields,
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

// --- archive and restore ----------------------------------------------------

/** Archives a record (managers and above): it leaves the lists, its tasks keep their links, marked archived. */
export function archiveRecord<T extends RecordType>(deps: Deps, actor: Actor, type: T, id: string, ifVersion?: number): Promise<ViewOf[T]> {
  requireManager(actor, 'Archiving a record');
  return inTransaction(deps, async (trx, now) => {
    const row = await loadRecord(trx, type, actor.orgId, id);
    checkVersion(row.version, ifVersion);
    if (row.archived_at !== null) return presentRecord(type, row);
    if (type === 'pipeline' && (row as store.PipelineRow).is_default === 1) throw new Conflict('The default pipeline cannot be archived');
    return presentRecord(type, await setArchived(trx, actor, type, row, now, now));
  });
}

export function restoreRecord<T extends RecordType>(deps: Deps, actor: Actor, type: T, id: string, ifVersion?: number): Promise<ViewOf[T]> {
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
