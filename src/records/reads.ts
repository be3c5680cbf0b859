// Reading CRM records: one record, or a filtered, sorted page of one type.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid } from '../platform/errors.ts';
import { decodeCursor, encodeCursor, pageOf } from '../platform/pagination.ts';
import { ensureDefaultPipeline } from './leads.ts';
import { presentRecord, type ViewOf } from './present.ts';
import type { RecordListQuery, RecordType } from './records.ts';
import { loadRecord } from './steps.ts';
import * as store from './store.ts';

export async function getRecord<T extends RecordType>(deps: Deps, actor: Actor, type: T, id: string): Promise<ViewOf[T]> {
  return presentRecord(type, await loadRecord(deps.db, type, actor.orgId, id));
}

/** A record's current fields, or undefined when this organisation has no such record (rule conditions, templates). */
export async function findRecordView<T extends RecordType>(db: Db, orgId: string, type: T, id: string): Promise<ViewOf[T] | undefined> {
  const row = await store.findRecord(db, type, orgId, id);
  return row ? presentRecord(type, row) : undefined;
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
  const textual = column === 'name' || column === 'title';
  const [cursorSort, value, id] = decodeCursor(cursor, ['text', textual ? 'text' : 'integer', 'text']);
  if (cursorSort !== sort || typeof id !== 'string' || typeof value !== (textual ? 'string' : 'number')) {
    throw Invalid.field('cursor', `is not a cursor this list handed out for sort=${sort}`);
  }
  return [value as string | number, id];
}

function filterOf(actor: Actor, type: RecordType, query: RecordListQuery): store.RecordFilter {
  const filter: store.RecordFilter = { archived: query.archived, ownerId: query.owner, text: query.q, equals: {} };
  if (query.externalRef) filter.externalRef = query.externalRef;
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
    if (query.technician === 'none') filter.equals.technician_ids = '[]';
    else if (query.technician) filter.contains = { column: 'technician_ids', id: query.technician === 'me' ? actor.userId : query.technician };
    filter.range = { column: 'scheduled_start', after: query.scheduledAfter, before: query.scheduledBefore };
    filter.window = scheduleWindow(query);
    if (query.scheduled !== undefined) filter.present = { column: 'scheduled_start', present: query.scheduled === 'true' };
  }
  if (type === 'service') {
    equals('client_id', query.client);
    equals('job_id', query.job);
    equals('kind', query.kind);
    filter.range = { column: 'next_due_at', before: query.dueBefore };
  }
  return filter;
}

/** The jobs' time window a dispatch board asks for: both ends or neither, the end after the start, and only scheduled jobs. */
function scheduleWindow(query: RecordListQuery): store.RecordFilter['window'] {
  const { scheduledFrom: from, scheduledTo: to } = query;
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined) throw Invalid.field('scheduledFrom', 'is required with scheduledTo');
  if (to === undefined) throw Invalid.field('scheduledTo', 'is required with scheduledFrom');
  if (to <= from) throw Invalid.field('scheduledTo', 'must come after scheduledFrom');
  if (query.scheduled === 'false') throw Invalid.field('scheduled', 'cannot be false with a scheduledFrom–scheduledTo window: unscheduled jobs have no time');
  return { from, to };
}
