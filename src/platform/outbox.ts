// Domain events, appended inside the caller's transaction (the outbox), then
// claimed in order by whoever consumes them. Features declare their events by
// augmenting DomainEvents, so every append is typed by its name.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { InsertQueryBuilder } from 'kysely';
import { QueryShapes } from './db/database.ts';
import { amongPicked, dialectOfHandle, lockRows } from './db/dialect.ts';
import { newId } from './ids.ts';
import type { Database, Db } from './db/schema.ts';
import type { Deps } from './context.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

export type EventType = keyof DomainEvents & string;

export interface Subject {
  type: string;
  id: string;
}

export interface NewEvent<T extends string = EventType> {
  orgId: string;
  type: T;
  subject: Subject;
  data: T extends EventType ? DomainEvents[T] : Record<string, unknown>;
  actorId: string | null;
  occurredAt: number;
  /** Given by an integration posting its own event; generated otherwise. */
  id?: string;
  /** Records the event concerns besides its subject (an integration's event about a customer and their job). */
  links?: Subject[];
}

export interface StoredEvent {
  seq: number;
  id: string;
  orgId: string;
  type: string;
  subject: Subject;
  data: Record<string, unknown>;
  actorId: string | null;
  occurredAt: number;
  depth: number;
  /** Records the event concerns besides its subject. */
  links: Subject[];
}

/**
 * What the events of one worker batch share: a value read once per batch
 * (an organisation's webhook subscriptions) instead of once per event. It
 * lives for one batch only, so what it holds is at most that old.
 */
export class BatchMemo {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string, load: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = load();
    this.values.set(key, value);
    return value;
  }
}

/**
 * Something besides the rules that acts on events (notifications, webhooks).
 * The automation worker calls `handle` once per event it claims, after the
 * rules, and `tick` every round. `handle` runs inside the worker's
 * transaction (`deps.db` is it: every query must go through it). An event
 * whose batch fails is claimed again, so `handle` must be idempotent (key
 * what it writes on the event id).
 */
export interface EventConsumer {
  name: string;
  handle(deps: Deps, event: StoredEvent, memo?: BatchMemo): Promise<void>;
  /** Work of its own that comes due with time (retries, digests); returns how much it did (0: nothing due). */
  tick?(deps: Deps): Promise<number>;
}

/**
 * How many automated steps led to the events appended inside `work`: the
 * automation worker runs a rule's actions at its event's depth + 1, so every
 * event those actions cause carries it, and chains can be bounded.
 */
const chainDepth = new AsyncLocalStorage<number>();

export function withChainDepth<T>(depth: number, work: () => Promise<T>): Promise<T> {
  return chainDepth.run(depth, work);
}

export async function appendEvent<T extends string>(db: Db, event: NewEvent<T>): Promise<string> {
  const [id] = await appendEvents(db, [event]);
  return id!;
}

/**
 * Appends several events in one statement, in the order given (their seqs
 * follow it): what one write says in more than one event costs one insert.
 * Returns their ids, in that order.
 */
export async function appendEvents<T extends string>(db: Db, events: readonly NewEvent<T>[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = eventRows(events);
  await pending.insert(db, 'events', rows, () => db.insertInto('events').values(rows));
  noteAppended(db, rows.length);
  return rows.map((row) => row.id);
}

function eventRows<T extends string>(events: readonly NewEvent<T>[]) {
  const depth = chainDepth.getStore() ?? 0;
  return events.map((event) => ({
    id: event.id ?? newId(),
    org_id: event.orgId,
    type: event.type,
    subject_type: event.subject.type,
    subject_id: event.subject.id,
    data: JSON.stringify(event.data),
    actor_id: event.actorId,
    occurred_at: event.occurredAt,
    depth,
    // Every row names the same columns, so events with and without links share one statement (null is the column's default).
    links: event.links && event.links.length > 0 ? JSON.stringify(event.links) : null,
  }));
}

function noteAppended(db: Db, count: number): void {
  if (db.isTransaction) appended.set(db, (appended.get(db) ?? 0) + count);
}

/**
 * Runs `insert` (an insert … returning that may insert nothing: on conflict
 * do nothing) and appends `event` only when it inserted a row: on PostgreSQL
 * in one statement, the insert a WITH part that the event's insert selects
 * from (no row inserted, nothing to select, no event); on SQLite in two. `key`
 * names the insert's shape and `params` are its values in order, as for
 * QueryShapes. True when the insert inserted a row.
 */
export async function appendEventOnInsert<T extends string, TB extends keyof Database>(db: Db, key: string, params: readonly unknown[], insert: () => InsertQueryBuilder<Database, TB, object>, event: NewEvent<T>): Promise<boolean> {
  if (dialectOfHandle(db) === 'sqlite') {
    const inserted = (await pending.run(db, `${key}:alone`, params, insert)).length > 0;
    if (inserted) await appendEvents(db, [event]);
    return inserted;
  }
  const [row] = eventRows([event]);
  const columns = Object.keys(row!) as (keyof typeof row & string)[];
  // The WITH part's values come first, then the event's, in column order: the parameters QueryShapes is given.
  const statement = () =>
    db
      .with('inserted', () => insert())
      .insertInto('events')
      .columns(columns)
      .expression((eb) => eb.selectFrom('inserted').select((s) => columns.map((column) => s.val(row![column]).as(column))))
      .returning('id');
  const rows = await pending.run(db, `${key}:then event`, [...params, ...columns.map((column) => row![column])], statement);
  if (rows.length > 0) noteAppended(db, 1);
  return rows.length > 0;
}

/** Per transaction handle: how many events were appended through it. */
const appended = new WeakMap<Db, number>();

/** How many events have been appended through the transaction `trx` so far (the worker asks whether handling added any). */
export function eventsAppendedIn(trx: Db): number {
  return appended.get(trx) ?? 0;
}

// The outbox's hot statements (append, the empty claim), compiled once per shape.
const pending = new QueryShapes();

/** The oldest pending events nobody holds a live claim on: one short range of the pending index. */
export function claimableEvents(db: Db, now: number, max: number) {
  return db
    .selectFrom('events')
    .select('seq as key')
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('seq')
    .limit(max);
}

/**
 * Claims up to `limit` pending events, oldest first, for `worker` until
 * `until`, in one statement that picks, leases and returns them (on
 * PostgreSQL its pick locks the rows it takes, skipping those another process
 * is claiming at this moment; on SQLite a statement holds the write lock from
 * its start). An expired claim (its worker died) is taken over.
 */
export async function claimEvents(db: Db, options: { worker: string; now: number; until: number; limit: number }): Promise<StoredEvent[]> {
  const { worker, now, until, limit } = options;
  const rows = await pending.run(db, 'claim', [worker, until, now, limit], () =>
    db
      .updateTable('events')
      .set({ claimed_by: worker, claimed_until: until })
      .where(amongPicked(db, 'seq', lockRows(db, claimableEvents(db, now, limit), { skipLocked: true })))
      .returningAll(),
  );
  // RETURNING promises no order.
  return rows.map(toStoredEvent).sort((a, b) => a.seq - b.seq);
}

/**
 * Whether any event is claimable now: a plain read, so a round that finds
 * nothing (most rounds: every write wakes the loop) takes no write lock.
 */
export async function anyClaimable(db: Db, now: number): Promise<boolean> {
  return (await pending.run(db, 'claimable', [now, 1], () => claimableEvents(db, now, 1))).length > 0;
}

/**
 * The oldest claimable events after `after`, read inside a SQLite write
 * transaction that handles them and marks them processed before it commits:
 * no other writer can take them in between, so they need no claim.
 */
export async function takeEvents(trx: Db, options: { now: number; limit: number; after: number }): Promise<StoredEvent[]> {
  const { now, limit, after } = options;
  const rows = await pending.run(trx, 'take', [now, after, limit], () => takeableEvents(trx, now, limit, after));
  return rows.map(toStoredEvent);
}

/** The oldest claimable events after `after`, whole: the same short range of the pending index as claimableEvents. */
export function takeableEvents(db: Db, now: number, limit: number, after: number) {
  return db
    .selectFrom('events')
    .selectAll()
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit);
}

/** Holds events for `worker` until `until` (what a failed transaction had taken), unless another process holds them. */
export async function holdEvents(db: Db, options: { worker: string; now: number; until: number; seqs: number[] }): Promise<void> {
  const { worker, now, until, seqs } = options;
  if (seqs.length === 0) return;
  await db
    .updateTable('events')
    .set({ claimed_by: worker, claimed_until: until })
    .where('seq', 'in', seqs)
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .execute();
}

/**
 * Marks events processed; returns the seqs this call marked (not those another
 * process marked first), so what is counted alongside it is counted once.
 */
export async function markProcessed(db: Db, seqs: number[], now: number): Promise<number[]> {
  if (seqs.length === 0) return [];
  const rows = await db
    .updateTable('events')
    .set({ processed_at: now, claimed_by: null, claimed_until: null })
    .where('seq', 'in', seqs)
    .where('processed_at', 'is', null)
    .returning('seq')
    .execute();
  return rows.map((r) => Number(r.seq));
}

/** Hands claimed events back (a worker that stopped early), so the next claim takes them at once. */
export async function releaseClaims(db: Db, worker: string, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db.updateTable('events').set({ claimed_by: null, claimed_until: null }).where('seq', 'in', seqs).where('claimed_by', '=', worker).where('processed_at', 'is', null).execute();
}

export async function eventsForSubject(db: Db, orgId: string, subject: Subject): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .orderBy('seq')
    .execute();
  return rows.map(toStoredEvent);
}

function toStoredEvent(row: {
  seq: number;
  id: string;
  org_id: string;
  type: string;
  subject_type: string;
  subject_id: string;
  data: string;
  actor_id: string | null;
  occurred_at: number;
  depth: number;
  links: string | null;
}): StoredEvent {
  return {
    seq: row.seq,
    id: row.id,
    orgId: row.org_id,
    type: row.type,
    subject: { type: row.subject_type, id: row.subject_id },
    data: JSON.parse(row.data) as Record<string, unknown>,
    actorId: row.actor_id,
    occurredAt: row.occurred_at,
    depth: row.depth,
    links: row.links ? (JSON.parse(row.links) as Subject[]) : [],
  };
}

/** Events appended after `seq`, oldest first, optionally for one organisation. */
export async function eventsAfter(db: Db, seq: number, limit: number, orgId?: string): Promise<StoredEvent[]> {
  let query = db.selectFrom('events').selectAll().where('seq', '>', seq);
  if (orgId) query = query.where('org_id', '=', orgId);
  const rows = await query.orderBy('seq').limit(limit).execute();
  return rows.map(toStoredEvent);
}

export async function lastEventSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** One organisation's event, by id (an integration's own id, or ours). */
export async function findEvent(db: Db, orgId: string, id: string): Promise<StoredEvent | undefined> {
  const row = await db.selectFrom('events').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row && toStoredEvent(row);
}

/** An organisation's events of these types since an instant, oldest first. */
export async function eventsOfTypes(db: Db, orgId: string, types: string[], since: number, limit: number): Promise<StoredEvent[]> {
  if (types.length === 0) return [];
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('type', 'in', types)
    .where('occurred_at', '>=', since)
    .orderBy('occurred_at')
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toStoredEvent);
}

/** How many of an organisation's events no consumer has finished with yet. */
export async function countPendingEvents(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('processed_at', 'is', null)
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Which of these event ids one organisation has already (ids are unique per organisation only). */
export async function existingEventIds(db: Db, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('events').select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
