// The task: its shape, its schemas, its key, and when it is overdue (what a change does is in change.ts).
import { DateTime } from 'luxon';
import { z } from 'zod';
import { recordRefOf } from '../records/external.ts';
import { linkSummary } from '../records/records.ts';
import { recurrenceRule } from '../recurrence/recurrence.ts';
import { reportListFilters, SOURCE_KINDS } from './listFilters.ts';

export { SOURCE_KINDS };

export const STATUSES = ['open', 'in_progress', 'waiting', 'blocked', 'done', 'cancelled'] as const;
export const FINAL_STATUSES = ['done', 'cancelled'] as const;
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const LINK_TYPES = ['contact', 'client', 'lead', 'job', 'service'] as const;

export type Status = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type LinkType = (typeof LINK_TYPES)[number];
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Where a task came from: made by hand, through the API, by a rule (which, on which event), or as a series' next occurrence. */
export interface TaskSource {
  kind: SourceKind;
  ruleId?: string;
  eventId?: string;
}

export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
/** due_sort for a task without a due date: after every real instant. */
export const NO_DUE_DATE = 8_640_000_000_000_000;

export function isFinal(status: Status): boolean {
  return status === 'done' || status === 'cancelled';
}

/** Every status a task is still open in (active = 1). */
export const OPEN_STATUSES: readonly Status[] = STATUSES.filter((status) => !isFinal(status));

export interface ChecklistItem {
  id: string;
  text: string;
  done: boolean;
  /** Cannot be ticked until a photo attached to the task names this item. */
  photoRequired?: boolean;
}

export interface Link {
  type: LinkType;
  id: string;
}

export interface TaskState {
  status: Status;
  priority: Priority;
  dueAt: number | null;
  assigneeId: string | null;
  teamId: string | null;
  waitingOn: string | null;
  blockedReason: string | null;
  completedAt: number | null;
  /** A waiting task returns to open then (automation/scheduler). */
  waitingUntil?: number | null;
  /** Since when the task waits: its SLA clock is paused, and resumes (due date pushed back) when it leaves waiting. */
  waitingSince?: number | null;
}

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const title = z.string().trim().min(1, 'must not be empty').max(200);
const reason = z.string().trim().min(1, 'must not be empty').max(500);
export const link = z.strictObject({ type: z.enum(LINK_TYPES), id: z.string().min(1).max(100) });
const links = z
  .array(link)
  .max(20)
  .refine((ls) => new Set(ls.map((l) => `${l.type}:${l.id}`)).size === ls.length, 'must not repeat a link');
/** A link as a request may send it: Finishline's id, or the record's id in another system (found, or created light). */
const linkRefs = z
  .array(recordRefOf(z.enum(LINK_TYPES)))
  .max(20)
  .refine((ls) => new Set(ls.map((l) => (l.id !== undefined ? `${l.type}:${l.id}` : `${l.type}:${l.source}:${l.externalId}`))).size === ls.length, 'must not repeat a link')
  .describe('{ type, id }, or { type, source, externalId, name? } for a record named by your own id: found, or created light');
const checklistItem = z.union([
  z.string().trim().min(1).max(500),
  z.strictObject({
    id: z.string().min(1).max(40).optional(),
    text: z.string().trim().min(1).max(500),
    done: z.boolean().default(false),
    photoRequired: z.boolean().optional().describe('the item cannot be ticked until a photo attached to the task names it (409 otherwise)'),
  }),
]);
const checklist = z.array(checklistItem).max(100);

export const createTaskBody = z.strictObject({
  title,
  description: z.string().max(20_000).default(''),
  status: z.enum(STATUSES).default('open'),
  priority: z.enum(PRIORITIES).default('normal'),
  dueAt: instant.nullable().default(null),
  assigneeId: z
    .string()
    .min(1)
    .nullable()
    .optional()
    .describe('the person who owns it; left out (and no teamId), the task is its creator\'s; null leaves it unowned, for a manager to give out'),
  teamId: z.string().min(1).nullable().default(null),
  links: links.default([]),
  checklist: checklist.default([]),
  waitingOn: reason.nullable().default(null),
  blockedReason: reason.nullable().default(null),
  waitingUntil: instant.nullable().default(null),
  blockedBy: z.array(z.string().min(1).max(100)).max(20).default([]),
  recurrence: recurrenceRule.nullable().optional(),
});

export const updateTaskBody = z.strictObject({
  title: title.optional(),
  description: z.string().max(20_000).optional(),
  status: z.enum(STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  dueAt: instant.nullable().optional(),
  assigneeId: z.string().min(1).nullable().optional(),
  teamId: z.string().min(1).nullable().optional(),
  links: links.optional(),
  checklist: checklist.optional(),
  waitingOn: reason.nullable().optional(),
  blockedReason: reason.nullable().optional(),
  waitingUntil: instant.nullable().optional(),
  recurrence: recurrenceRule.nullable().optional(),
});

/** What POST /tasks and PATCH /tasks/:id take: links may name records by their id in another system. */
export const createTaskRequest = createTaskBody.extend({ links: linkRefs.default([]) });
export const updateTaskRequest = updateTaskBody.extend({ links: linkRefs.optional() });
export type CreateTaskRequest = z.infer<typeof createTaskRequest>;
export type UpdateTaskRequest = z.infer<typeof updateTaskRequest>;

export const bulkSet = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    dueAt: instant.nullable().optional(),
    assigneeId: z.string().min(1).nullable().optional(),
    teamId: z.string().min(1).nullable().optional(),
    waitingOn: reason.nullable().optional(),
    blockedReason: reason.nullable().optional(),
  })
  .refine((set) => Object.keys(set).length > 0, 'must change at least one field');

/** The most tasks one bulk change takes: a "select all matching" of a busy team's backlog, in one transaction. */
export const BULK_MAX = 2000;


export const commentBody = z.strictObject({
  body: z.string().trim().min(1, 'must not be empty').max(10_000),
  attachmentIds: z.array(z.string().min(1).max(100)).max(20).default([]).describe('files of this task (uploaded first) that this comment carries'),
});

export type CreateTaskInput = z.infer<typeof createTaskBody>;

/**
 * SPEC §1: a task a person creates without an assignee or a team is theirs, so
 * it lands in their own My work; only an explicit `assigneeId: null` leaves it unowned.
 */
export function ownedByCreator<T extends { assigneeId?: string | null; teamId: string | null }>(input: T, creatorId: string): T {
  if (input.assigneeId !== undefined || input.teamId !== null) return input;
  return { ...input, assigneeId: creatorId };
}
export type UpdateTaskInput = z.infer<typeof updateTaskBody>;

const SORTS = ['due', 'priority', 'created', 'updated'] as const;
export type SortKey = (typeof SORTS)[number];

/** A comma-separated list of allowed values, e.g. `open,waiting`; `all` too when allowed. */
function csvOf<T extends string, All extends boolean = false>(values: readonly [T, ...T[]], name: string, allowAll?: All) {
  return z.string().transform((s, ctx): All extends true ? T[] | 'all' : T[] => {
    if (allowAll && s === 'all') return 'all' as never;
    const items = s.split(',').map((v) => v.trim()).filter(Boolean);
    const unknown = items.filter((v) => !(values as readonly string[]).includes(v));
    if (items.length === 0 || unknown.length > 0) {
      const allowed = `${values.join(', ')}${allowAll ? ' (or all)' : ''}`;
      ctx.addIssue({ code: 'custom', message: `each ${name} must be one of ${allowed}${unknown.length ? `; got ${unknown.join(', ')}` : ''}` });
      return z.NEVER;
    }
    return items as never;
  });
}

export const listQuery = z.strictObject({
  assignee: z.string().min(1).optional().describe('me, none (no person owns it) or a person\'s id'),
  team: z.string().min(1).optional().describe('a team\'s id, or none (no team owns it); assignee=none&team=none is the unassigned queue'),
  status: csvOf(STATUSES, 'status', true).optional().describe('comma-separated statuses, or all; default: every status that is not done or cancelled'),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  priority: csvOf(PRIORITIES, 'priority').optional(),
  dueBefore: instant.optional(),
  dueAfter: instant.optional(),
  link: z
    .string()
    .regex(new RegExp(`^(${LINK_TYPES.join('|')}):.+$`), `must be <type>:<id> with type one of ${LINK_TYPES.join(', ')}`)
    .transform((s) => {
      const at = s.indexOf(':');
      return { type: s.slice(0, at) as LinkType, id: s.slice(at + 1) };
    })
    .optional(),
  q: z.string().trim().min(1).max(200).optional(),
  ...reportListFilters,
  sort: z
    .string()
    .regex(new RegExp(`^-?(${SORTS.join('|')})$`), `must be one of ${SORTS.join(', ')}, optionally prefixed with - for descending`)
    .transform((s) => ({ key: s.replace('-', '') as SortKey, descending: s.startsWith('-') }))
    .default({ key: 'due', descending: false })
    .describe('due, priority (then due), created or updated; prefixed with - for descending. Tasks that tie come in key order (T-1 before T-2), reversed when descending'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type ListQuery = z.infer<typeof listQuery>;

/** The list's filters, as the list takes them (strings), naming the tasks of a bulk change instead of their ids. */
export const bulkFilter = listQuery.omit({ sort: true, limit: true, cursor: true, format: true });
export type BulkFilter = z.infer<typeof bulkFilter>;

// One object rather than a union of four, so that a bad field is named where it is (filter.status, set.priority).
export const bulkBody = z
  .strictObject({
    ids: z.array(z.string().min(1)).min(1).max(BULK_MAX).optional().describe('the tasks, by id or key; or give filter and expected instead'),
    filter: bulkFilter.optional().describe('every task the list with these filters shows (the same values as GET /api/v1/tasks takes, as strings; status defaults to every status not done or cancelled)'),
    expected: z.number().int().min(0).optional().describe('with filter: how many tasks it matched when the user chose them; a different number at write time is a 409 and nothing changes'),
    set: bulkSet.optional(),
    delete: z.literal(true).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.ids === undefined) === (body.filter === undefined)) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or filter (with expected), not both' });
    if (body.filter !== undefined && body.expected === undefined) ctx.addIssue({ code: 'custom', path: ['expected'], message: 'is required with filter: how many tasks it matched when they were chosen' });
    if (body.ids !== undefined && body.filter === undefined && body.expected !== undefined) ctx.addIssue({ code: 'custom', path: ['expected'], message: 'goes with filter, not with ids' });
    if ((body.set === undefined) === (body.delete === undefined)) ctx.addIssue({ code: 'custom', path: ['set'], message: 'give either set or delete: true' });
  });
export type BulkInput = z.infer<typeof bulkBody>;
/** What a bulk change does to each of its tasks. */
export type BulkAction = { set: z.infer<typeof bulkSet> } | { delete: true };


/** The list's filters (status too, with the same default), counted instead of listed. */
export const countsQuery = listQuery
  .omit({ sort: true, limit: true, cursor: true, format: true })
  .extend({ groupBy: z.enum(['status']).default('status').describe('what to count by; status is the only grouping so far') });
export type CountsQuery = z.infer<typeof countsQuery>;

export const countsView = z.object({
  groupBy: z.literal('status'),
  counts: z.record(z.enum(STATUSES), z.number().int()).describe('every status, 0 when none match'),
  total: z.number().int(),
});

// --- output ---------------------------------------------------------------

export const taskView = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string(),
  description: z.string(),
  status: z.enum(STATUSES),
  overdue: z.boolean(),
  priority: z.enum(PRIORITIES),
  dueAt: z.string().nullable(),
  assigneeId: z.string().nullable(),
  teamId: z.string().nullable(),
  links: z.array(linkSummary).describe('the linked records, each with its name, phone and address when known, and whether it is archived'),
  checklist: z.array(z.object({ id: z.string(), text: z.string(), done: z.boolean(), photoRequired: z.boolean().optional().describe('true: ticking it needs a photo attached to this item') })),
  waitingOn: z.string().nullable(),
  blockedReason: z.string().nullable(),
  source: z.object({
    kind: z.enum(SOURCE_KINDS),
    ruleId: z.string().optional(),
    eventId: z.string().optional(),
    previousTaskId: z.string().optional().describe('for a task made by recurrence: the occurrence whose completion made it'),
  }),
  recurrence: z.string().nullable().describe('the RRULE it repeats by: completing it (done) makes the next occurrence; cancelling it ends the series'),
  series: z
    .object({ id: z.string(), previousTaskId: z.string().nullable(), nextDueAt: z.string().nullable() })
    .nullable()
    .describe('for a repeating task: its series (the first task’s id), the occurrence before it, and when the next occurrence will be due — null when the rule has none left, so this one ends the series'),
  waitingUntil: z.string().nullable(),
  blockedBy: z.array(z.string()),
  sla: z.object({ dueAt: z.string(), remainingMs: z.number(), paused: z.boolean() }).nullable().describe('time left to the due date; paused while the task is waiting'),
  createdById: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  version: z.number(),
});
export type TaskView = z.infer<typeof taskView>;

/** A task's bulk-changeable fields as they were before a bulk change: what Undo puts back. */
export const bulkPreviousView = z.object({
  id: z.string(),
  key: z.string(),
  status: z.enum(STATUSES),
  priority: z.enum(PRIORITIES),
  dueAt: z.string().nullable(),
  assigneeId: z.string().nullable(),
  teamId: z.string().nullable(),
  waitingOn: z.string().nullable(),
  blockedReason: z.string().nullable(),
});

export type BulkPrevious = z.infer<typeof bulkPreviousView>;

export const bulkView = z.object({
  items: z.array(taskView).describe('the changed tasks, as they are now'),
  deleted: z.number(),
  previous: z.array(bulkPreviousView).describe('each changed task’s fields as they were before (empty for a delete): what undoing the change puts back'),
});

export { historyEntryView as historyView } from '../platform/http/schemas.ts';

export const commentView = z.object({
  id: z.string(),
  taskId: z.string(),
  authorId: z.string(),
  body: z.string(),
  attachmentIds: z.array(z.string()).describe('the files this comment carries'),
  createdAt: z.string(),
});

// --- rules ----------------------------------------------------------------

export function isOverdue(task: Pick<TaskState, 'status' | 'dueAt'>, now: number): boolean {
  return task.dueAt !== null && task.dueAt < now && !isFinal(task.status);
}

export type DueBucket = 'none' | 'overdue' | 'today' | 'upcoming';

/** Where a task falls in someone's day, judged on the organisation's calendar (not UTC's). */
export function dueBucket(task: Pick<TaskState, 'status' | 'dueAt'>, now: number, timezone: string): DueBucket {
  if (task.dueAt === null) return 'none';
  if (isOverdue(task, now)) return 'overdue';
  const today = DateTime.fromMillis(now, { zone: timezone }).startOf('day');
  const due = DateTime.fromMillis(task.dueAt, { zone: timezone }).startOf('day');
  return due.equals(today) ? 'today' : 'upcoming';
}

export function taskKey(number: number): string {
  return `T-${number}`;
}

/** `T-12` → 12; anything else is an id. */
export function parseTaskKey(idOrKey: string): number | null {
  const match = /^T-(\d{1,15})$/i.exec(idOrKey);
  return match ? Number(match[1]) : null;
}

export function normaliseChecklist(items: z.infer<typeof checklist>, newItemId: () => string): ChecklistItem[] {
  return items.map((item) =>
    typeof item === 'string'
      ? { id: newItemId(), text: item, done: false }
      : { id: item.id ?? newItemId(), text: item.text, done: item.done, ...(item.photoRequired !== undefined && { photoRequired: item.photoRequired }) },
  );
}
