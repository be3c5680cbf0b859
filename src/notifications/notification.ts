// What a notification is: its kinds, everyone's default choices, who a comment
// mentions, and when a person's daily digest is due. Pure: no I/O.
import { DateTime } from 'luxon';
import { z } from 'zod';

export const NOTIFICATION_KINDS = ['assigned', 'mentioned', 'due_soon', 'overdue', 'escalated', 'rule', 'unblocked'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The kinds about a task's deadline: they stop being true when the task is finished, handed on or rescheduled. */
export const DEADLINE_KINDS = ['due_soon', 'overdue'] as const satisfies readonly NotificationKind[];

export const RESOLUTIONS = ['completed', 'cancelled', 'deleted', 'reassigned', 'rescheduled'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** What a deadline notice said: to whom, about which due date. */
export interface DeadlineNotice {
  userId: string;
  dueAt: number | null;
}

/** What the task is now; null once it is deleted. */
export interface TaskNow {
  status: string;
  assigneeId: string | null;
  dueAt: number | null;
}

/** Why a deadline notice is no longer true of its task, or null while it still is. */
export function deadlineNoticeEnded(notice: DeadlineNotice, task: TaskNow | null): Resolution | null {
  if (!task) return 'deleted';
  if (task.status === 'done') return 'completed';
  if (task.status === 'cancelled') return 'cancelled';
  if (task.assigneeId !== notice.userId) return 'reassigned';
  if (notice.dueAt !== null && task.dueAt !== notice.dueAt) return 'rescheduled';
  return null;
}

/** A preference may also be set for the daily digest and the weekly summary (managers and above), which are only ever emails. */
export const PREFERENCE_KINDS = [...NOTIFICATION_KINDS, 'digest', 'weekly'] as const;
/** The kinds that are only an email, never a notice in the app. */
export const EMAIL_ONLY_KINDS = ['digest', 'weekly'] as const satisfies readonly PreferenceKind[];
export type PreferenceKind = (typeof PREFERENCE_KINDS)[number];

export interface Preference {
  inApp: boolean;
  email: boolean;
}

/** Email is on for what someone did to you; off for the kinds that come often (the digest covers them). */
export const DEFAULT_PREFERENCES: Record<PreferenceKind, Preference> = {
  assigned: { inApp: true, email: true },
  mentioned: { inApp: true, email: true },
  escalated: { inApp: true, email: true },
  due_soon: { inApp: true, email: false },
  overdue: { inApp: true, email: false },
  rule: { inApp: true, email: false },
  unblocked: { inApp: true, email: false },
  digest: { inApp: false, email: true },
  weekly: { inApp: false, email: true },
};

export function preferencesWith(saved: { kind: string; in_app: number; email: number }[]): Record<PreferenceKind, Preference> {
  // A copy of each default (plain objects of two flags): structuredClone cost ten times as much, once per notice.
  const result = {} as Record<PreferenceKind, Preference>;
  for (const kind in DEFAULT_PREFERENCES) result[kind as PreferenceKind] = { ...DEFAULT_PREFERENCES[kind as PreferenceKind] };
  for (const row of saved) {
    if ((PREFERENCE_KINDS as readonly string[]).includes(row.kind)) result[row.kind as PreferenceKind] = { inApp: row.in_app === 1, email: row.email === 1 };
  }
  for (const kind of EMAIL_ONLY_KINDS) result[kind].inApp = false;
  return result;
}

// --- mentions ---------------------------------------------------------------

export interface Mentionable {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

/** The handles a person answers to: first name, full name without spaces, email local part — all lower case. */
export function handlesOf(person: Mentionable): string[] {
  const words = person.name.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return [...new Set([words[0], words.join(''), person.email.toLowerCase().split('@')[0]].filter((h): h is string => !!h))];
}

/** The @handles written in a comment, lower case (an email address's @ is not a mention). */
export function mentionsIn(body: string): string[] {
  const found = new Set<string>();
  for (const match of body.matchAll(/(^|[^\p{L}\p{N}._%+-])@([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu)) {
    found.add(match[2]!.replace(/[._-]+$/, '').toLowerCase());
  }
  return [...found];
}

/** Who a comment mentions, among the organisation's active people, never its author. */
export function mentionedPeople(body: string, people: Mentionable[], authorId: string | null): string[] {
  const handles = new Set(mentionsIn(body));
  if (handles.size === 0) return [];
  return people.filter((p) => p.active && p.id !== authorId && handlesOf(p).some((h) => handles.has(h))).map((p) => p.id);
}

// --- the daily digest -----------------------------------------------------------

export const DIGEST_HOUR = 7;

/** The date today in `timezone` (the zone the person lives by), when its digest hour has come; null before that hour. */
export function digestDateAt(now: number, timezone: string): string | null {
  const local = DateTime.fromMillis(now, { zone: timezone });
  if (!local.isValid || local.hour < DIGEST_HOUR) return null;
  return local.toISODate();
}

/** The end of the day in `timezone` (its next midnight), as an instant. */
export function endOfLocalDay(now: number, timezone: string): number {
  return DateTime.fromMillis(now, { zone: timezone }).endOf('day').toMillis() + 1;
}

/** How long to wait before trying a failed email again: 1, 2, 4 … minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

// --- the API's shapes -------------------------------------------------------------

export const notificationView = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  message: z.string(),
  taskId: z.string().nullable(),
  taskKey: z.string().nullable(),
  actorId: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  resolvedAt: z.string().nullable().describe('when a notice about the task\'s deadline stopped being true (it leaves the unread count then)'),
  resolution: z.enum(RESOLUTIONS).nullable().describe('why: the task was completed, cancelled, deleted, given to someone else, or given another due date'),
});
export type NotificationView = z.infer<typeof notificationView>;

export const listNotificationsQuery = z.strictObject({
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
});

const preferenceSchema = z.object({ inApp: z.boolean(), email: z.boolean() });
export const preferencesView = z.object(Object.fromEntries(PREFERENCE_KINDS.map((k) => [k, preferenceSchema])) as Record<PreferenceKind, typeof preferenceSchema>);

export const preferencesBody = z.strictObject(
  Object.fromEntries(PREFERENCE_KINDS.map((k) => [k, z.strictObject({ inApp: z.boolean().optional(), email: z.boolean().optional() }).optional()])) as Record<
    PreferenceKind,
    z.ZodOptional<z.ZodObject<{ inApp: z.ZodOptional<z.ZodBoolean>; email: z.ZodOptional<z.ZodBoolean> }, z.core.$strict>>
  >,
);
export type PreferencesInput = z.infer<typeof preferencesBody>;
