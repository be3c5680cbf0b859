// Every query about notifications, their email delivery, preferences and digests.
import type { Insertable, Selectable } from 'kysely';
import { QueryShapes, rowsShape } from '../platform/db/database.ts';
import { claimRows } from '../platform/db/dialect.ts';
import { appendEvent, appendEventOnInsert, type NewEvent } from '../platform/outbox.ts';
import type { Db, NotificationDigestsTable, NotificationsTable } from '../platform/db/schema.ts';

export type NotificationRow = Selectable<NotificationsTable>;
export type DigestRow = Selectable<NotificationDigestsTable>;

// --- notifications ------------------------------------------------------------

/**
 * What a notice was written as (in the app, by email): `chosen`, when given, is
 * the person's preference it assumed, and the row is written only if they saved
 * none other for its kind (the check is part of the insert).
 */
export interface AssumedPreference {
  inApp: boolean;
  email: boolean;
}

/**
 * Inserts unless this (source, person, kind) is there already, or (`assumed`
 * given) the person chose otherwise for its kind; true when it was new.
 */
export async function insertNotification(db: Db, row: Insertable<NotificationsTable>, assumed?: AssumedPreference): Promise<boolean> {
  const build = () => notificationInsert(db, row, assumed);
  const shape = rowsShape([row]);
  const inserted = shape ? await shapes.run(db, `insert:${assumed ? 'assumed:' : ''}${shape.key}`, [...shape.params, ...assumedParams(row, assumed)], build) : await build().execute();
  return inserted.length > 0;
}

/** insertNotification, and `event` appended only when the notification is new (appendEventOnInsert). */
export async function insertNotificationThen(db: Db, row: Insertable<NotificationsTable>, event: NewEvent, assumed?: AssumedPreference): Promise<boolean> {
  const shape = rowsShape([row]);
  if (!shape) {
    const inserted = await insertNotification(db, row, assumed);
    if (inserted) await appendEvent(db, event);
    return inserted;
  }
  const key = `notification:${assumed ? 'assumed:' : ''}${shape.key}`;
  return appendEventOnInsert(db, key, [...shape.params, ...assumedParams(row, assumed)], () => notificationInsert(db, row, assumed), event);
}

function notificationInsert(db: Db, row: Insertable<NotificationsTable>, assumed?: AssumedPreference) {
  const into = db.insertInto('notifications');
  const values = assumed ? into.columns(Object.keys(row) as (keyof typeof row)[]).expression(rowIfAssumed(db, row, assumed)) : into.values(row);
  return values.onConflict((oc) => oc.columns(['source_key', 'user_id', 'kind']).doNothing()).returning('id');
}

/** The row, selected only while the person has saved no preference for its kind other than `assumed`. */
function rowIfAssumed(db: Db, row: Insertable<NotificationsTable>, assumed: AssumedPreference) {
  const [orgId, userId, kind, inApp, email] = assumedParams(row, assumed);
  return db
    .selectNoFrom((eb) => Object.entries(row).map(([column, value]) => eb.val(value).as(column)))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification_preferences')
            .select('kind')
            .where('org_id', '=', orgId as string)
            .where('user_id', '=', userId as string)
            .where('kind', '=', kind as string)
            .where((saved) => saved.or([saved('in_app', '<>', inApp as number), saved('email', '<>', email as number)])),
        ),
      ),
    );
}

/** The check's parameters, in the order the statement takes them after the row's. */
function assumedParams(row: Insertable<NotificationsTable>, assumed?: AssumedPreference): unknown[] {
  return assumed ? [row.org_id, row.user_id, row.kind, assumed.inApp ? 1 : 0, assumed.email ? 1 : 0] : [];
}

// What the worker runs for every task event that tells someone something, compiled once per shape.
const shapes = new QueryShapes();

export function listNotifications(db: Db, orgId: string, userId: string, page: { limit: number; before?: string; unread?: boolean }) {
  let query = db.selectFrom('notifications').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId);
  // A notification kept only for its email is read from the start, so "unread" alone implies in_app, and the partial index notifications_unread serves it.
  query = page.unread ? query.where('read_at', 'is', null) : query.where('in_app', '=', 1);
  if (page.before) query = query.where('id', '<', page.before);
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}

export function listNotificationsOfKinds(db: Db, orgId: string, userId: string, kinds: string[], page: { limit: number; before?: string }) {
  let query = db.selectFrom('notifications').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).where('kind', 'in', kinds);
  if (page.before) query = query.where('id', '<', page.before);
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}

export async function countUnread(db: Db, orgId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function findNotification(db: Db, orgId: string, userId: string, id: string) {
  return db.selectFrom('notifications').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

export async function markRead(db: Db, orgId: string, userId: string, id: string, now: number): Promise<void> {
  await db.updateTable('notifications').set({ read_at: now }).where('org_id', '=', orgId).where('user_id', '=', userId).where('id', '=', id).where('read_at', 'is', null).execute();
}

export async function markAllRead(db: Db, orgId: string, userId: string, now: number): Promise<number> {
  const result = await db.updateTable('notifications').set({ read_at: now }).where('org_id', '=', orgId).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A deadline notice not yet resolved. */
export type UnresolvedNotice = Awaited<ReturnType<typeof unresolvedDeadlineNotices>>[number];

/** A task's deadline notices (overdue, due soon) that have not resolved yet. */
export function unresolvedDeadlineNotices(db: Db, orgId: string, taskId: string, kinds: readonly string[]) {
  return shapes.run(db, `unresolved:${kinds.length}`, [orgId, taskId, ...kinds], () =>
    db
      .selectFrom('notifications')
      .select(['id', 'user_id', 'due_at', 'read_at'])
      .where('org_id', '=', orgId)
      .where('task_id', '=', taskId)
      .where('resolved_at', 'is', null)
      .where('kind', 'in', kinds),
  );
}

/** Marks notices resolved: read from now if they were not, and their email, if not sent yet, no longer sent. */
export async function resolveNotices(db: Db, orgId: string, ids: string[], reason: string, now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('notifications').set({ email_state: 'skipped' }).where('org_id', '=', orgId).where('id', 'in', ids).where('email_state', '=', 'pending').execute();
  await db
    .updateTable('notifications')
    .set((eb) => ({ resolved_at: now, resolved_reason: reason, read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
}

/** A person's unread notifications, newest first, for their digest. */
export function unreadOf(db: Db, orgId: string, userId: string, limit: number) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

// --- email of single notifications ---------------------------------------------

export function dueEmails(db: Db, now: number, limit: number) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('email_state', '=', 'pending')
    .where('email_next_at', '<=', now)
    .where((eb) => eb.or([eb('email_claimed_until', 'is', null), eb('email_claimed_until', '<', now)]))
    .orderBy('email_next_at')
    .limit(limit)
    .execute();
}

/** Takes a pending email for `until`; false when another process holds it or it is no longer pending. */
export async function claimEmail(db: Db, id: string, now: number, until: number): Promise<boolean> {
  const claimed = await claimRows(
    db,
    (trx) =>
      trx
        .selectFrom('notifications')
        .select('id as key')
        .where('id', '=', id)
        .where('email_state', '=', 'pending')
        .where((eb) => eb.or([eb('email_claimed_until', 'is', null), eb('email_claimed_until', '<', now)])),
    (trx, keys) => trx.updateTable('notifications').set({ email_claimed_until: until }).where('id', 'in', keys).execute(),
  );
  return claimed.length === 1;
}

export async function settleEmail(db: Db, id: string, set: Partial<Pick<NotificationRow, 'email_state' | 'email_attempts' | 'email_next_at' | 'email_sent_at' | 'email_error'>>): Promise<void> {
  await db.updateTable('notifications').set({ ...set, email_claimed_until: null }).where('id', '=', id).execute();
}

// --- preferences ------------------------------------------------------------------

export function savedPreferences(db: Db, orgId: string, userId: string) {
  return shapes.run(db, 'preferences', [orgId, userId], () =>
    db.selectFrom('notification_preferences').select(['kind', 'in_app', 'email']).where('org_id', '=', orgId).where('user_id', '=', userId),
  );
}

export async function savePreference(db: Db, row: { org_id: string; user_id: string; kind: string; in_app: number; email: number; updated_at: number }): Promise<void> {
  await db
    .insertInto('notification_preferences')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ in_app: row.in_app, email: row.email, updated_at: row.updated_at }))
    .execute();
}

// --- digests ------------------------------------------------------------------------

/** Who in an organisation already has a digest row for this date. */
export async function digestedUsers(db: Db, orgId: string, localDate: string): Promise<Set<string>> {
  const rows = await db.selectFrom('notification_digests').select('user_id').where('org_id', '=', orgId).where('local_date', '=', localDate).execute();
  return new Set(rows.map((r) => r.user_id));
}

export async function insertDigest(db: Db, row: Insertable<NotificationDigestsTable>): Promise<void> {
  await db
    .insertInto('notification_digests')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'local_date']).doNothing())
    .execute();
}

export function dueDigests(db: Db, now: number, limit: number) {
  return db
    .selectFrom('notification_digests')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('next_at')
    .limit(limit)
    .execute();
}

/** Takes a pending digest for `until`; false when another process holds it or it is no longer pending. */
export async function claimDigest(db: Db, userId: string, localDate: string, now: number, until: number): Promise<boolean> {
  const claimed = await claimRows(
    db,
    (trx) =>
      trx
        .selectFrom('notification_digests')
        .select('local_date as key')
        .where('user_id', '=', userId)
        .where('local_date', '=', localDate)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)])),
    (trx) => trx.updateTable('notification_digests').set({ claimed_until: until }).where('user_id', '=', userId).where('local_date', '=', localDate).execute(),
  );
  return claimed.length === 1;
}

export async function settleDigest(db: Db, userId: string, localDate: string, set: Partial<Pick<DigestRow, 'state' | 'attempts' | 'next_at' | 'sent_at' | 'error'>>): Promise<void> {
  await db.updateTable('notification_digests').set({ ...set, claimed_until: null }).where('user_id', '=', userId).where('local_date', '=', localDate).execute();
}
