// Notifications: telling one person something (inside the caller's
// transaction), and each person reading, counting, marking and choosing theirs.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { NotFound } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent } from '../platform/outbox.ts';
import { decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import './events.ts';
import {
  DEADLINE_KINDS,
  DEFAULT_PREFERENCES,
  deadlineNoticeEnded,
  type NotificationKind,
  type NotificationView,
  type Preference,
  PREFERENCE_KINDS,
  preferencesWith,
  type PreferencesInput,
  type Resolution,
  type TaskNow,
} from './notification.ts';
import * as store from './store.ts';

export interface NewNotification {
  orgId: string;
  userId: string;
  kind: NotificationKind;
  /** What caused it: the event's id (with a rule's or task's id when one event tells a person several things). */
  sourceKey: string;
  task: { id: string; key: string } | null;
  actorId: string | null;
  message: string;
  /** The due date a deadline notice (overdue, due soon) is about. */
  dueAt?: number | null;
}

/**
 * Tells a person something, inside the caller's transaction, as their
 * preferences say: in the app (and live, through notification.created), by
 * email later (the consumer's tick sends it), or not at all. A second call for
 * the same (source, person, kind) changes nothing. Returns the new notification's id, or null.
 *
 * Most people keep the default for a kind: the notice is written as the
 * default says, by an insert that checks they saved nothing else for it, so
 * their preferences cost no read of their own. Only when that wrote nothing
 * (they chose otherwise, or were told already) are they read.
 */
export async function notifyIn(trx: Db, input: NewNotification, now: number): Promise<string | null> {
  const assumed = DEFAULT_PREFERENCES[input.kind];
  const id = await writeNotice(trx, input, now, assumed, assumed);
  if (id) return id;
  const preference = preferencesWith(await store.savedPreferences(trx, input.orgId, input.userId))[input.kind];
  if (!preference.inApp && !preference.email) return null;
  return writeNotice(trx, input, now, preference);
}

/** The notice written as `preference` says (only while the person's saved one is `assumed`, when given); its id, or null when nothing was written. */
async function writeNotice(trx: Db, input: NewNotification, now: number, preference: Preference, assumed?: Preference): Promise<string | null> {
  const id = newId();
  const row = {
    id,
    org_id: input.orgId,
    user_id: input.userId,
    kind: input.kind,
    source_key: input.sourceKey,
    task_id: input.task?.id ?? null,
    task_key: input.task?.key ?? null,
    actor_id: input.actorId,
    message: input.message.slice(0, 1000),
    due_at: input.dueAt ?? null,
    in_app: preference.inApp ? 1 : 0,
    created_at: now,
    // Kept only for its email: nothing to read in the app.
    read_at: preference.inApp ? null : now,
    email_state: preference.email ? 'pending' : null,
    email_attempts: 0,
    email_next_at: preference.email ? now : null,
  };
  if (!preference.inApp) return (await store.insertNotification(trx, row, assumed)) ? id : null;
  // Told live through notification.created, appended only when the notification is new: on PostgreSQL in the same statement.
  const event = {
    orgId: input.orgId,
    type: 'notification.created' as const,
    subject: { type: 'user', id: input.userId },
    data: { notificationId: id, kind: input.kind, message: input.message, taskId: input.task?.id ?? null, taskKey: input.task?.key ?? null },
    actorId: input.actorId,
    occurredAt: now,
  };
  return (await store.insertNotificationThen(trx, row, event, assumed)) ? id : null;
}

export function presentNotification(row: store.NotificationRow): NotificationView {
  return {
    id: row.id,
    kind: row.kind as NotificationKind,
    message: row.message,
    taskId: row.task_id,
    taskKey: row.task_key,
    actorId: row.actor_id,
    createdAt: iso(row.created_at),
    readAt: iso(row.read_at),
    resolvedAt: iso(row.resolved_at),
    resolution: row.resolved_reason as Resolution | null,
  };
}

/**
 * Resolves, inside the caller's transaction, the deadline notices of a task
 * that are no longer true of it (`task` null: it was deleted). Each person whose
 * unread count went down hears it, as when they mark notices read. `task` is
 * asked for only when the task has unresolved deadline notices (most have none).
 * `unresolved`: those notices, when the caller has just read them.
 */
export async function resolveDeadlineNoticesIn(trx: Db, orgId: string, taskId: string, taskNow: () => Promise<TaskNow | null>, now: number, unresolved?: store.UnresolvedNotice[]): Promise<number> {
  const notices = unresolved ?? (await store.unresolvedDeadlineNotices(trx, orgId, taskId, DEADLINE_KINDS));
  if (notices.length === 0) return 0;
  const task = await taskNow();
  const ended = notices.flatMap((n) => {
    const reason = deadlineNoticeEnded({ userId: n.user_id, dueAt: n.due_at }, task);
    return reason ? [{ ...n, reason }] : [];
  });
  for (const reason of new Set(ended.map((n) => n.reason))) {
    await store.resolveNotices(trx, orgId, ended.filter((n) => n.reason === reason).map((n) => n.id), reason, now);
  }
  const unreadBefore = ended.filter((n) => n.read_at === null);
  for (const userId of new Set(unreadBefore.map((n) => n.user_id))) {
    const ids = unreadBefore.filter((n) => n.user_id === userId).map((n) => n.id);
    await appendEvent(trx, { orgId, type: 'notification.read', subject: { type: 'user', id: userId }, data: { notificationIds: ids }, actorId: null, occurredAt: now });
  }
  return ended.length;
}

export async function listNotifications(deps: Deps, actor: Actor, query: { unread?: boolean; limit: number; cursor?: string }) {
  const before = query.cursor ? String(decodeCursor(query.cursor, ['text'])[0]) : undefined;
  const rows = await store.listNotifications(deps.db, actor.orgId, actor.userId, { limit: query.limit + 1, before, unread: query.unread });
  const { items, nextCursor } = pageOf(rows, query.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentNotification), nextCursor };
}

/** What rules left for a person (kinds rule and escalated), as GET /automation/notices has always shown them. */
export async function listRuleNotices(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  const before = page.cursor ? String(decodeCursor(page.cursor, ['text'])[0]) : undefined;
  const rows = await store.listNotificationsOfKinds(deps.db, actor.orgId, actor.userId, ['rule', 'escalated'], { limit: page.limit + 1, before });
  return pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
}

export async function unreadCount(deps: Deps, actor: Actor) {
  return { unread: await store.countUnread(deps.db, actor.orgId, actor.userId) };
}

export async function markRead(deps: Deps, actor: Actor, id: string) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.findNotification(trx, actor.orgId, actor.userId, id);
    if (!row || row.in_app !== 1) throw new NotFound('Notification');
    if (row.read_at === null) {
      await store.markRead(trx, actor.orgId, actor.userId, id, now);
      await announceRead(trx, actor, [id], now);
    }
    return presentNotification({ ...row, read_at: row.read_at ?? now });
  });
}

export async function markAllRead(deps: Deps, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const marked = await store.markAllRead(trx, actor.orgId, actor.userId, now);
    if (marked > 0) await announceRead(trx, actor, [], now);
    return { marked };
  });
}

/** The person's other open tabs hear that their count went down (ids empty: all of them). */
async function announceRead(trx: Db, actor: Actor, ids: string[], now: number): Promise<void> {
  await appendEvent(trx, { orgId: actor.orgId, type: 'notification.read', subject: { type: 'user', id: actor.userId }, data: { notificationIds: ids }, actorId: actor.userId, occurredAt: now });
}

export async function getPreferences(deps: Pick<Deps, 'db'>, actor: Actor) {
  return preferencesWith(await store.savedPreferences(deps.db, actor.orgId, actor.userId));
}

export async function updatePreferences(deps: Deps, actor: Actor, input: PreferencesInput) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const current = preferencesWith(await store.savedPreferences(trx, actor.orgId, actor.userId));
    for (const kind of PREFERENCE_KINDS) {
      const change = input[kind];
      if (!change) continue;
      const next = { inApp: change.inApp ?? current[kind].inApp, email: change.email ?? current[kind].email };
      await store.savePreference(trx, { org_id: actor.orgId, user_id: actor.userId, kind, in_app: next.inApp ? 1 : 0, email: next.email ? 1 : 0, updated_at: now });
    }
    return preferencesWith(await store.savedPreferences(trx, actor.orgId, actor.userId));
  });
}
