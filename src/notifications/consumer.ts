// Turns task events into notifications for the people they concern, and —
// every worker round, outside any transaction — sends the email they ask for
// and each person's morning digest.
import type { Actor, Deps } from '../platform/context.ts';
import { inTransaction } from '../platform/db/database.ts';
import { dialectOfHandle } from '../platform/db/dialect.ts';
import { NotFound } from '../platform/errors.ts';
import { BatchMemo, type EventConsumer, type StoredEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import * as people from '../people/service.ts';
import { ROLES } from '../people/person.ts';
import * as tasks from '../tasks/service.ts';
import { findComment } from '../tasks/comments.ts';
import { listQuery, type TaskView } from '../tasks/task.ts';
import { digestEmail, type MailConfig, type Mailer, notificationEmail, smtpMailer } from './mail.ts';
import { DEADLINE_KINDS, digestDateAt, endOfLocalDay, type Mentionable, mentionedPeople, type NotificationKind, preferencesWith, retryDelayMs } from './notification.ts';
import { type NewNotification, notifyIn, resolveDeadlineNoticesIn } from './service.ts';
import * as store from './store.ts';

/** Reads made on behalf of notifications see the whole organisation. */
function readerOf(orgId: string, userId = 'notifications'): Actor {
  return { userId, orgId, role: 'owner' };
}

const FINAL = new Set(['done', 'cancelled']);
/** Email not sent within a day (mail was off or down) is dropped: the digest and the app have it. */
const EMAIL_EXPIRY_MS = 24 * 3600_000;
const LEASE_MS = 5 * 60_000;
const BATCH = 50;
const QUARTER_HOUR = 15 * 60_000;

/** The people this process already gave a digest row, by id, with their local date; and the quarter-hour it last looked in. */
interface Planned {
  people: Map<string, string>;
  slot: number;
}

export interface NotificationConsumerOptions {
  /** Email is off when absent. */
  mail?: MailConfig;
  /** The mailer to send through (shared with the weekly summary); one is opened for `mail` when absent. */
  mailer?: Mailer;
}

export function notificationConsumer(options: NotificationConsumerOptions = {}): EventConsumer {
  const mail = options.mail;
  const mailer = options.mailer ?? (mail ? smtpMailer(mail) : undefined);
  const planned: Planned = { people: new Map(), slot: -1 };
  return {
    name: 'notifications',
    handle: (deps, event, memo) => handleEvent(deps, event, memo ?? new BatchMemo()),
    async tick(deps) {
      if (!mail || !mailer) return 0;
      const sent = await sendDueEmails(deps, mail, mailer);
      await planDigests(deps, planned);
      return sent + (await sendDueDigests(deps, mail, mailer));
    },
  };
}

// --- events → notifications ---------------------------------------------------

/**
 * The task events after which a deadline notice may no longer be true. A
 * change that hands a task on or moves its status also appends task.updated,
 * after task.assigned and task.status_changed, in the same write
 * (appendChangeEvents): the task's notices are looked at there, once per
 * change, against the task as it is then; a new task's task.assigned finds
 * none, so it reads none.
 */
const CHANGES_OF_TASK = new Set(['task.updated', 'task.deleted']);

/**
 * What one event asks of notifications: the deadline notices it ends are
 * resolved, then what it tells people is written. Most tasks have no deadline
 * notices: a read says so first, and only a task that has some is handled in
 * one transaction (resolving and telling together). Otherwise what it tells
 * is written in a transaction only when that takes more than one statement:
 * on PostgreSQL, outside a transaction (the worker's lanes), one notice is one
 * insert, atomic by itself, so it costs no begin and commit. The task is read
 * at most once for both (nothing here changes it in between), and only when
 * one of them needs it.
 */
async function handleEvent(deps: Deps, event: StoredEvent, memo: BatchMemo): Promise<void> {
  if (event.subject.type !== 'task') return;
  const changes = CHANGES_OF_TASK.has(event.type);
  if (!changes && !Object.hasOwn(TELLERS, event.type)) return;
  const notify = async (trx: Deps['db'], notices: NewNotification[]) => {
    for (const notice of notices) await notifyIn(trx, notice, event.occurredAt);
  };
  const aboutIn = (scoped: Deps): About => {
    let task: Promise<TaskView | null> | undefined;
    return { event, memo, task: () => (task ??= taskOf(scoped, event)) };
  };
  const unresolved = changes ? await store.unresolvedDeadlineNotices(deps.db, event.orgId, event.subject.id, DEADLINE_KINDS) : [];
  if (unresolved.length > 0) {
    await inTransaction(deps.db, async (trx) => {
      const scoped: Deps = { ...deps, db: trx };
      const about = aboutIn(scoped);
      await resolveEndedNotices(scoped, about, unresolved);
      await notify(trx, await noticesFor(scoped, about));
    });
    return;
  }
  const notices = await noticesFor(deps, aboutIn(deps));
  if (notices.length === 0) return;
  if (notices.length === 1 && !deps.db.isTransaction && dialectOfHandle(deps.db) === 'postgres') await notify(deps.db, notices);
  else await inTransaction(deps.db, (trx) => notify(trx, notices));
}

/** The event being handled, its task (read once, when first asked for), and what the worker's batch shares. */
interface About {
  event: StoredEvent;
  memo: BatchMemo;
  task: () => Promise<TaskView | null>;
}

/** What each task event that may tell someone something tells, and whom. */
const TELLERS: Record<string, (deps: Deps, about: About) => Promise<NewNotification[]>> = {
  'task.assigned': assigned,
  'task.commented': mentioned,
  'task.due_soon': (_deps, about) => aboutAssignee(about, 'due_soon', (t) => `${t.key} ${t.title} is due soon`),
  'task.overdue': (_deps, about) => aboutAssignee(about, 'overdue', (t) => `${t.key} ${t.title} is overdue`),
  'task.completed': unblocked,
};

function noticesFor(deps: Deps, about: About): Promise<NewNotification[]> {
  const tell = Object.hasOwn(TELLERS, about.event.type) ? TELLERS[about.event.type] : undefined;
  return tell ? tell(deps, about) : Promise.resolve([]);
}

/** Overdue and due-soon notices about a task resolve once it is finished, handed on, rescheduled or deleted. */
async function resolveEndedNotices(deps: Deps, about: About, unresolved: store.UnresolvedNotice[]): Promise<void> {
  const taskNow = async () => {
    const task = await about.task();
    return task && { status: task.status, assigneeId: task.assigneeId, dueAt: task.dueAt === null ? null : Date.parse(task.dueAt) };
  };
  await resolveDeadlineNoticesIn(deps.db, about.event.orgId, about.event.subject.id, taskNow, deps.clock.now(), unresolved);
}

async function taskOf(deps: Deps, event: StoredEvent): Promise<TaskView | null> {
  return tasks.getTask(deps, readerOf(event.orgId), event.subject.id).catch((error: unknown) => {
    if (error instanceof NotFound) return null;
    throw error;
  });
}

/** A person by id, or null when the organisation has no such person (any other failure is passed on). */
async function userOf(deps: Deps, orgId: string, userId: string) {
  return people.getUser(deps, readerOf(orgId), userId).catch((error: unknown) => {
    if (error instanceof NotFound) return null;
    throw error;
  });
}

/** A person's name as messages say it; read once per worker batch. */
async function nameOf(deps: Deps, memo: BatchMemo, orgId: string, userId: string | null): Promise<string> {
  if (!userId) return 'Someone';
  if (userId === 'automation') return 'Automation';
  const user = await memo.get(`notifications:user:${orgId}:${userId}`, () => userOf(deps, orgId, userId));
  return user?.name ?? 'Someone';
}

function notice(event: StoredEvent, task: TaskView, userId: string, kind: NotificationKind, message: string, sourceKey = event.id): NewNotification {
  return { orgId: event.orgId, userId, kind, sourceKey, task: { id: task.id, key: task.key }, actorId: event.actorId, message };
}

/** Assigned to you, by someone else. */
async function assigned(deps: Deps, { event, memo, task: taskNow }: About): Promise<NewNotification[]> {
  const to = event.data.toAssigneeId as string | null;
  if (!to || to === event.actorId || to === event.data.fromAssigneeId) return [];
  const task = await taskNow();
  if (!task) return [];
  return [notice(event, task, to, 'assigned', `${await nameOf(deps, memo, event.orgId, event.actorId)} assigned you ${task.key} ${task.title}`)];
}

/** @name in a comment: the organisation's active people it names, never its author. */
async function mentioned(deps: Deps, { event, memo, task: taskNow }: About): Promise<NewNotification[]> {
  const comment = await findComment(deps.db, event.orgId, event.data.commentId as string);
  if (!comment || !comment.body.includes('@')) return [];
  const ids = mentionedPeople(comment.body, await everyone(deps, event.orgId), comment.authorId);
  if (ids.length === 0) return [];
  const task = await taskNow();
  if (!task) return [];
  const author = await nameOf(deps, memo, event.orgId, comment.authorId);
  const quote = comment.body.length > 140 ? `${comment.body.slice(0, 139)}…` : comment.body;
  return ids.map((id) => notice(event, task, id, 'mentioned', `${author} mentioned you on ${task.key} ${task.title}: “${quote}”`));
}

async function everyone(deps: Deps, orgId: string): Promise<Mentionable[]> {
  const found: Mentionable[] = [];
  let cursor: string | undefined;
  do {
    const page = await people.listUsers(deps, readerOf(orgId), { limit: 200, cursor });
    found.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

/** Told only while still true: a task finished or rescheduled since the timer fired says nothing. */
async function aboutAssignee({ event, task: taskNow }: About, kind: NotificationKind, message: (task: TaskView) => string): Promise<NewNotification[]> {
  const task = await taskNow();
  if (!task?.assigneeId || FINAL.has(task.status)) return [];
  const dueAt = typeof event.data.dueAt === 'string' ? Date.parse(event.data.dueAt) : null;
  if (dueAt !== null && task.dueAt !== null && Date.parse(task.dueAt) !== dueAt) return [];
  return [{ ...notice(event, task, task.assigneeId, kind, message(task)), dueAt }];
}

/** A task you wait on was done: the assignees of the tasks that list it in blockedBy. */
async function unblocked(deps: Deps, { event, task: taskNow }: About): Promise<NewNotification[]> {
  const task = await taskNow();
  if (!task) return [];
  const waiting = await tasks.tasksWaitingOn(deps.db, event.orgId, task.id, deps.clock.now());
  return waiting
    .filter((d) => d.assigneeId && d.assigneeId !== event.actorId && !FINAL.has(d.status))
    .map((d) => ({
      ...notice(event, d, d.assigneeId!, 'unblocked', `${task.key} ${task.title} is done: ${d.key} ${d.title} no longer waits on it`, `${event.id}:${d.id}`),
    }));
}

// --- email of single notifications ------------------------------------------------

async function sendDueEmails(deps: Deps, mail: MailConfig, mailer: Mailer): Promise<number> {
  const now = deps.clock.now();
  let settled = 0;
  for (const row of await store.dueEmails(deps.db, now, BATCH)) {
    if (!(await store.claimEmail(deps.db, row.id, now, now + LEASE_MS))) continue;
    if (now - row.created_at > EMAIL_EXPIRY_MS) {
      await store.settleEmail(deps.db, row.id, { email_state: 'expired' });
      settled++;
      continue;
    }
    const user = await userOf(deps, row.org_id, row.user_id);
    if (!user?.active) {
      await store.settleEmail(deps.db, row.id, { email_state: 'skipped' });
      settled++;
      continue;
    }
    try {
      await mailer.send(notificationEmail(mail, user, { kind: row.kind as NotificationKind, message: row.message, taskKey: row.task_key }));
      await store.settleEmail(deps.db, row.id, { email_state: 'sent', email_sent_at: deps.clock.now(), email_error: null });
      settled++;
    } catch (error) {
      const attempts = row.email_attempts + 1;
      await store.settleEmail(deps.db, row.id, { email_attempts: attempts, email_next_at: now + retryDelayMs(attempts), email_error: describe(error) });
      // The server is likely down or slow: leave the rest for the next round rather than hold the worker on timeouts.
      break;
    }
  }
  return settled;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

// --- the morning digest -------------------------------------------------------------

/**
 * Once a person's morning has come in the zone they live by (their own, else
 * their organisation's), gives them a digest row for their local date (pending,
 * or skipped when they turned it off). Every zone's offset is a whole number of
 * quarter-hours, so 07:00 anywhere begins a UTC quarter-hour: people are looked
 * at once per quarter-hour. `planned` remembers whom this process already gave
 * a row for their date.
 */
async function planDigests(deps: Deps, planned: Planned): Promise<void> {
  const now = deps.clock.now();
  const slot = Math.floor(now / QUARTER_HOUR);
  if (slot === planned.slot) return;
  const due = new Map<string, { orgId: string; date: string; ids: string[] }>();
  for (const person of await people.activePeopleInRoles(deps, ROLES)) {
    const date = digestDateAt(now, person.timezone);
    if (!date || planned.people.get(person.id) === date) continue;
    const key = `${person.orgId} ${date}`;
    const group = due.get(key) ?? { orgId: person.orgId, date, ids: [] };
    group.ids.push(person.id);
    due.set(key, group);
  }
  for (const { orgId, date, ids } of due.values()) {
    const done = await store.digestedUsers(deps.db, orgId, date);
    for (const id of ids) {
      if (!done.has(id)) {
        const wants = preferencesWith(await store.savedPreferences(deps.db, orgId, id)).digest.email;
        await store.insertDigest(deps.db, { org_id: orgId, user_id: id, local_date: date, state: wants ? 'pending' : 'skipped', attempts: 0, next_at: now, created_at: now });
      }
      planned.people.set(id, date);
    }
  }
  planned.slot = slot;
}

async function sendDueDigests(deps: Deps, mail: MailConfig, mailer: Mailer): Promise<number> {
  const now = deps.clock.now();
  let settled = 0;
  for (const row of await store.dueDigests(deps.db, now, BATCH)) {
    if (!(await store.claimDigest(deps.db, row.user_id, row.local_date, now, now + LEASE_MS))) continue;
    const user = await userOf(deps, row.org_id, row.user_id);
    const content = user?.active ? await digestOf(deps, row.org_id, user, row.local_date) : null;
    if (!user || !content) {
      await store.settleDigest(deps.db, row.user_id, row.local_date, { state: user?.active ? 'empty' : 'skipped' });
      settled++;
      continue;
    }
    try {
      await mailer.send(digestEmail(mail, user, content));
      await store.settleDigest(deps.db, row.user_id, row.local_date, { state: 'sent', sent_at: deps.clock.now(), error: null });
      settled++;
    } catch (error) {
      const attempts = row.attempts + 1;
      await store.settleDigest(deps.db, row.user_id, row.local_date, { attempts, next_at: now + retryDelayMs(attempts), error: describe(error) });
      break;
    }
  }
  return settled;
}

/** A person's overdue work, what is due by the end of their day (in the zone they live by), and their unread notifications; null when all are empty. */
async function digestOf(deps: Deps, orgId: string, user: { id: string; timezone: string | null }, localDate: string) {
  const now = deps.clock.now();
  const userId = user.id;
  const org = await people.getOrg(deps, readerOf(orgId));
  const zone = people.zoneOfPerson(user.timezone, org.timezone);
  const query = listQuery.parse({ assignee: userId, dueBefore: iso(endOfLocalDay(now, zone)), limit: '100' });
  const { items } = await tasks.listTasks(deps, readerOf(orgId, userId), query);
  const brief = (t: TaskView) => ({ key: t.key, title: t.title, dueAt: t.dueAt });
  const overdue = items.filter((t) => t.dueAt !== null && Date.parse(t.dueAt) < now).map(brief);
  const dueToday = items.filter((t) => t.dueAt !== null && Date.parse(t.dueAt) >= now).map(brief);
  const unread = (await store.unreadOf(deps.db, orgId, userId, 20)).map((n) => ({ message: n.message, taskKey: n.task_key }));
  if (overdue.length + dueToday.length + unread.length === 0) return null;
  return { localDate, overdue, dueToday, unread };
}
