// Every query about CRM records. The record tables share their first columns
// (id, org_id, owner_id, created_at, updated_at, version, archived_at), so one
// set of queries serves all six; what differs per type is named in the maps below.
import { type Expression, type Insertable, type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { type DialectName, QueryShapes } from '../platform/db/database.ts';
import { dialectOfHandle, lockRows } from '../platform/db/dialect.ts';
import type {
  ClientsTable,
  ContactsTable,
  Database,
  Db,
  JobsTable,
  LeadHistoryTable,
  LeadsTable,
  PipelinesTable,
  ServicesTable,
} from '../platform/db/schema.ts';
import { containsText, escapeLike } from '../platform/db/text.ts';
import type { LinkableType, RecordType } from './records.ts';

export type ContactRow = Selectable<ContactsTable>;
export type ClientRow = Selectable<ClientsTable>;
export type PipelineRow = Selectable<PipelinesTable>;
export type LeadRow = Selectable<LeadsTable>;
export type JobRow = Selectable<JobsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type LeadHistoryRow = Insertable<LeadHistoryTable>;

export interface RowOf {
  contact: ContactRow;
  client: ClientRow;
  pipeline: PipelineRow;
  lead: LeadRow;
  job: JobRow;
  service: ServiceRow;
}
export type AnyRow = RowOf[RecordType];

export const TABLE = {
  contact: 'contacts',
  client: 'clients',
  pipeline: 'pipelines',
  lead: 'leads',
  job: 'jobs',
  service: 'services',
} as const satisfies Record<RecordType, string>;
type RecordTable = (typeof TABLE)[RecordType];

/** The table of a record type, typed as the union so the shared columns can be queried. */
function tableOf(type: RecordType): RecordTable {
  return TABLE[type];
}

/** The column that names a record, and those a text search looks in. */
const NAME_COLUMN: Record<RecordType, string> = { contact: 'name', client: 'name', pipeline: 'name', lead: 'title', job: 'title', service: 'title' };
const SEARCH_COLUMNS: Record<RecordType, string[]> = {
  contact: ['name', 'phone', 'email', 'address'],
  client: ['name', 'address'],
  pipeline: ['name'],
  lead: ['title', 'source'],
  job: ['title', 'address'],
  service: ['title'],
};
const SORT_COLUMN: Record<string, string> = {
  name: 'name',
  title: 'title',
  created: 'created_at',
  updated: 'updated_at',
  scheduled: 'start_sort',
  due: 'due_sort',
};

export function sortColumn(sort: string): { column: string; descending: boolean } {
  const descending = sort.startsWith('-');
  return { column: SORT_COLUMN[sort.replace('-', '')]!, descending };
}

/** Inserts a record, and the rows that find it by its references in other systems. */
export async function insertRecord<T extends RecordType>(db: Db, type: T, row: RowOf[T]): Promise<void> {
  await db.insertInto(tableOf(type)).values(row as never).execute();
  const refs = (row as { external_refs?: string }).external_refs;
  if (refs !== undefined) await insertExternalRefs(db, type, row, refs, row.created_at);
}

export async function findRecord<T extends RecordType>(db: Db, type: T, orgId: string, id: string): Promise<RowOf[T] | undefined> {
  const row = await db.selectFrom(tableOf(type)).selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row as RowOf[T] | undefined;
}

/** Holds the record until the transaction ends, so writes that did not read it first (an upsert) take turns. */
export async function lockRecord(db: Db, type: RecordType, orgId: string, id: string): Promise<void> {
  await lockRows(db, db.selectFrom(tableOf(type)).select('id').where('org_id', '=', orgId).where('id', '=', id)).execute();
}

/** Writes the change only if nobody changed the record since `version` was read. */
export async function updateRecord<T extends RecordType>(db: Db, type: T, orgId: string, id: string, version: number, set: Partial<RowOf[T]>): Promise<boolean> {
  const result = await db
    .updateTable(tableOf(type))
    .set(set as never)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  const refs = (set as { external_refs?: string }).external_refs;
  if (refs !== undefined) {
    await db.deleteFrom('external_refs').where('org_id', '=', orgId).where('record_type', '=', type).where('record_id', '=', id).execute();
    await insertExternalRefs(db, type, { id, org_id: orgId }, refs, (set as { updated_at?: number }).updated_at ?? 0);
  }
  return true;
}

/** id → archived, for those of `ids` that exist in this organisation. */
export async function existingRecords(db: Db, type: RecordType, orgId: string, ids: string[]): Promise<Map<string, boolean>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom(tableOf(type)).select(['id', 'archived_at']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.archived_at !== null]));
}

/** Each of these leads' pipeline and stage, in one read (those that exist in this organisation). */
export function leadStages(db: Db, orgId: string, ids: string[]): Promise<{ id: string; pipeline_id: string; stage: string }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('leads').select(['id', 'pipeline_id', 'stage']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
}

export interface RecordFilter {
  archived: 'false' | 'true' | 'all';
  ownerId?: string;
  text?: string;
  /** column = value, for the type's own reference and status columns. */
  equals: Record<string, string>;
  /** A JSON id array column that must contain this id (a job's technicians, a client's contacts). */
  contains?: { column: string; id: string };
  range?: { column: string; after?: number; before?: number };
  /** Jobs whose time overlaps [from, to): started before `to` and not yet over at `from` (a job with no end is a moment). */
  window?: { from: number; to: number };
  /** A column that must be set (present) or empty. */
  present?: { column: string; present: boolean };
  /** The record carrying this reference in another system. */
  externalRef?: { source: string; id: string };
}

export function listRecords<T extends RecordType>(
  db: Db,
  type: T,
  orgId: string,
  filter: RecordFilter,
  sort: { column: string; descending: boolean },
  page: { limit: number; after?: (string | number | null)[] },
): Promise<RowOf[T][]> {
  let query = db.selectFrom(tableOf(type)).selectAll().where('org_id', '=', orgId);
  if (filter.archived === 'false') query = query.where('archived_at', 'is', null);
  if (filter.archived === 'true') query = query.where('archived_at', 'is not', null);
  if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
  for (const [column, value] of Object.entries(filter.equals)) query = query.where(sql.ref(column), '=', value);
  if (filter.contains) {
    const pattern = `%${escapeLike(JSON.stringify(filter.contains.id))}%`;
    query = query.where(sql<boolean>`${sql.ref(filter.contains.column)} like ${pattern} escape '\\'`);
  }
  if (filter.externalRef) {
    const { source, id } = filter.externalRef;
    query = query.where('id', 'in', refOwner(db, orgId, type, source, id));
  }
  if (filter.range?.after !== undefined) query = query.where(sql.ref(filter.range.column), '>=', filter.range.after);
  if (filter.range?.before !== undefined) query = query.where(sql.ref(filter.range.column), '<', filter.range.before);
  if (filter.window) {
    const { from, to } = filter.window;
    // The first condition is the one jobs_org_schedule_end (migration 0020) indexes: the expression must stay as written there.
    query = query
      .where(sql<boolean>`coalesce(scheduled_end, scheduled_start) >= ${from}`)
      .where(sql<boolean>`(scheduled_end is null or scheduled_end > ${from})`)
      .where(sql.ref('scheduled_start'), '<', to);
  }
  if (filter.present) query = query.where(sql.ref(filter.present.column), filter.present.present ? 'is not' : 'is', null);
  if (filter.text) {
    const text = filter.text;
    query = query.where((eb) => eb.or(SEARCH_COLUMNS[type].map((column) => containsText(db, eb, column, text))));
  }
  const direction = sort.descending ? 'desc' : 'asc';
  if (page.after) {
    // Row-value comparison (a, id) > (x, y): one index range on both engines.
    query = query.where(sql<boolean>`(${sql.ref(sort.column)}, id) ${sql.raw(sort.descending ? '<' : '>')} (${sql.join(page.after)})`);
  }
  return query
    .orderBy(sql.ref(sort.column), direction)
    .orderBy('id', direction)
    .limit(page.limit)
    .execute() as Promise<RowOf[T][]>;
}

export interface SummaryRow {
  type: string;
  id: string;
  name: string;
  phone: string | null;
  address: string | null;
  archived_at: number | null;
  /** JSON: the record's references in other systems. */
  external_refs: string;
}

/**
 * The name, phone, address and archived flag of every linked record, in one
 * query (a UNION ALL of one branch per record type): a lead shows its
 * contact's phone and address, a service its client's address.
 *
 * Each type's ids are bound as one value (see idsValue), so the statement's
 * text is the same for any set of links and is compiled and planned once. The
 * organisation is compared as cast(? as text): on SQLite a value bound to a
 * plain `?` beside an index with sqlite_stat4 samples makes it plan the
 * statement again at every run (to look the value up in the samples), and
 * planning this union cost about as much as running it. The lookups are by
 * id, so the samples could not change the plan anyway.
 */
export async function linkedRecords(db: Db, orgId: string, links: readonly { type: LinkableType; id: string }[]): Promise<SummaryRow[]> {
  if (links.length === 0) return [];
  const dialect = dialectOfHandle(db);
  const params: unknown[] = [];
  for (const type of SUMMARY_TYPES) params.push(idsValue(dialect, [...new Set(links.filter((l) => l.type === type).map((l) => l.id))]), orgId);
  const build = () => unionOf(SUMMARY_TYPES.map((type, i) => summaryBranch(db, type, sql<string>`cast(${orgId} as text)`, { among: params[2 * i] as IdsValue })));
  return summaryShapes.run<SummaryRow>(db, 'linkedRecords', params, build);
}

/**
 * What linkedRecords answers for one task's `links` column (a JSON array of
 * { type, id }), as a JSON array of its rows (null when it names none): an
 * expression a page of tasks selects beside each row on PostgreSQL, so the
 * page and its records come in one statement. It binds no values (the
 * organisation is the row's), so the page's SQL keeps its parameters.
 */
export function linkedRecordsBeside(db: Db, links: Expression<string>, orgId: Expression<string>): RawBuilder<SummaryRow[] | null> {
  // One branch per type, each behind a test of the link's type: a link costs one index lookup, in its own table.
  const branches = SUMMARY_TYPES.map((type) =>
    summaryBranch(db, type, orgId, sql<string>`each_link.link ->> 'id'`).where(sql<string>`each_link.link ->> 'type'`, '=', sql.lit(type)),
  );
  return sql<SummaryRow[] | null>`case when ${links} = '[]' then null else (select json_agg(summary) from json_array_elements(cast(${links} as json)) as each_link(link) cross join lateral (${unionOf(branches)}) as summary) end`;
}

const SUMMARY_TYPES = ['contact', 'client', 'lead', 'job', 'service'] as const satisfies readonly LinkableType[];
type SummaryType = (typeof SUMMARY_TYPES)[number];
type SummaryTable = 'contacts' | 'clients' | 'leads' | 'jobs' | 'services';

/**
 * A set of ids bound as one value: on SQLite a JSON array, whose elements
 * json_each turns into rows that drive the lookups (an IN list would make a
 * temporary b-tree per list, and a new text per length); on PostgreSQL an
 * array, compared with = any (an index scan whatever its length).
 */
type IdsValue = string | readonly string[];

function idsValue(dialect: DialectName, ids: readonly string[]): IdsValue {
  return dialect === 'sqlite' ? JSON.stringify(ids) : ids;
}

/** Which ids a summary branch looks up: those of a bound set, or the one id an outer query supplies. */
type SummaryIds = { among: IdsValue } | Expression<string>;

/** One type's branch of a summary query: its records in the organisation `orgId` whose id is among `ids`, as the same seven columns. */
function summaryBranch(db: Db, type: SummaryType, orgId: Expression<string>, ids: SummaryIds) {
  const none = sql<string | null>`cast(null as text)`;
  // Every column is named with its table: json_each's own columns include id and type.
  const from = <T extends SummaryTable>(table: T) => {
    // Typed loosely while the FROM is built (Kysely cannot follow a table named by a type parameter), then as the table's.
    const loose = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const name: string = table;
    const found = !('among' in ids)
      ? loose.selectFrom(name).where(`${name}.id`, '=', ids)
      : dialectOfHandle(db) === 'sqlite'
        // CROSS JOIN keeps json_each outside: each element is one primary-key lookup.
        ? loose.selectFrom(sql`json_each(${ids.among})`.as('asked')).crossJoin(name).whereRef(`${name}.id`, '=', 'asked.value')
        : loose.selectFrom(name).where(`${name}.id`, '=', sql<string>`any(cast(${ids.among} as text[]))`);
    return found.where(`${name}.org_id`, '=', orgId) as unknown as SelectQueryBuilder<Database, T, object>;
  };
  const branch = (() => {
    switch (type) {
      case 'contact':
        return from('contacts').select([sql.lit('contact').as('type'), 'contacts.id', 'contacts.name', 'contacts.phone', 'contacts.address', 'contacts.archived_at', 'contacts.external_refs']);
      case 'client':
        return from('clients').select([sql.lit('client').as('type'), 'clients.id', 'clients.name', none.as('phone'), 'clients.address', 'clients.archived_at', 'clients.external_refs']);
      case 'lead':
        return from('leads')
          .leftJoin('contacts', (join) => join.onRef('contacts.id', '=', 'leads.contact_id').onRef('contacts.org_id', '=', 'leads.org_id'))
          .select([sql.lit('lead').as('type'), 'leads.id', 'leads.title as name', 'contacts.phone', 'contacts.address', 'leads.archived_at', 'leads.external_refs']);
      case 'job':
        return from('jobs').select([sql.lit('job').as('type'), 'jobs.id', 'jobs.title as name', none.as('phone'), 'jobs.address', 'jobs.archived_at', 'jobs.external_refs']);
      case 'service':
        return from('services')
          .leftJoin('clients', (join) => join.onRef('clients.id', '=', 'services.client_id').onRef('clients.org_id', '=', 'services.org_id'))
          .select([sql.lit('service').as('type'), 'services.id', 'services.title as name', none.as('phone'), 'clients.address', 'services.archived_at', 'services.external_refs']);
    }
  })();
  // Each branch selects the same seven columns; Kysely is told so, so it lets them be unioned.
  return branch as unknown as SelectQueryBuilder<Database, 'contacts', SummaryRow>;
}

function unionOf(branches: SelectQueryBuilder<Database, 'contacts', SummaryRow>[]) {
  const [first, ...rest] = branches;
  let query = first!;
  for (const branch of rest) query = query.unionAll(branch);
  return query;
}

const summaryShapes = new QueryShapes();

export function nameColumn(type: RecordType): string {
  return NAME_COLUMN[type];
}

// --- pipelines --------------------------------------------------------------

export function findDefaultPipeline(db: Db, orgId: string) {
  return db.selectFrom('pipelines').selectAll().where('org_id', '=', orgId).where('is_default', '=', 1).executeTakeFirst();
}

/** Inserts the default pipeline unless another transaction just did (the partial unique index decides). */
export async function insertDefaultPipeline(db: Db, row: PipelineRow): Promise<boolean> {
  const result = await db.insertInto('pipelines').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** How many leads of the pipeline sit in a stage other than `keys`. */
export async function leadsOutsideStages(db: Db, orgId: string, pipelineId: string, keys: string[]): Promise<{ stage: string; count: number }[]> {
  return db
    .selectFrom('leads')
    .select(['stage', (eb) => eb.fn.countAll<number>().as('count')])
    .where('org_id', '=', orgId)
    .where('pipeline_id', '=', pipelineId)
    .where('stage', 'not in', keys)
    .groupBy('stage')
    .execute();
}

// --- lead history -----------------------------------------------------------

export async function insertLeadHistory(db: Db, rows: LeadHistoryRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('lead_history').values(rows).execute();
}

export function listLeadHistory(db: Db, orgId: string, leadId: string) {
  return db.selectFrom('lead_history').selectAll().where('org_id', '=', orgId).where('lead_id', '=', leadId).orderBy('at').orderBy('id').execute();
}

// --- services coming due ----------------------------------------------------

/** Live services whose due date has come and not yet been signalled, across organisations. */
export function servicesComingDue(db: Db, now: number, limit: number) {
  return db
    .selectFrom('services')
    .selectAll()
    .where('archived_at', 'is', null)
    .where('next_due_at', '<=', now)
    .where((eb) => eb.or([eb('due_signalled_for', 'is', null), eb('due_signalled_for', '<>', eb.ref('next_due_at'))]))
    .orderBy('next_due_at')
    .limit(limit)
    .execute();
}

export async function markServiceSignalled(db: Db, orgId: string, id: string, dueAt: number): Promise<void> {
  await db.updateTable('services').set({ due_signalled_for: dueAt }).where('org_id', '=', orgId).where('id', '=', id).execute();
}

// --- references in other systems ---------------------------------------------

function refOwner(db: Db, orgId: string, type: RecordType, source: string, externalId: string) {
  return db
    .selectFrom('external_refs')
    .select('record_id')
    .where('org_id', '=', orgId)
    .where('record_type', '=', type)
    .where('source', '=', source)
    .where('external_id', '=', externalId);
}

/** The id of the record of this type that carries the reference, in this organisation. */
export async function findByExternalRef(db: Db, orgId: string, type: LinkableType, source: string, externalId: string): Promise<string | undefined> {
  return (await refOwner(db, orgId, type, source, externalId).executeTakeFirst())?.record_id;
}

/** Which records of the type carry which of these references (source and id), in this organisation. */
export async function externalRefOwners(db: Db, orgId: string, type: LinkableType, refs: { source: string; id: string }[]): Promise<{ source: string; external_id: string; record_id: string }[]> {
  if (refs.length === 0) return [];
  return db
    .selectFrom('external_refs')
    .select(['source', 'external_id', 'record_id'])
    .where('org_id', '=', orgId)
    .where('record_type', '=', type)
    .where((eb) => eb.or(refs.map((r) => eb.and([eb('source', '=', r.source), eb('external_id', '=', r.id)]))))
    .execute();
}

async function insertExternalRefs(db: Db, type: RecordType, record: { id: string; org_id: string }, json: string, now: number): Promise<void> {
  const refs = JSON.parse(json) as { source: string; id: string; url?: string }[];
  if (refs.length === 0) return;
  const rows = refs.map((r) => ({ org_id: record.org_id, record_type: type, source: r.source, external_id: r.id, record_id: record.id, url: r.url ?? null, created_at: now }));
  await db.insertInto('external_refs').values(rows).execute();
}
