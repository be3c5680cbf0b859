// The API's shapes, taken from the same zod schemas the server validates and
// serialises with (and builds /api/v1/openapi.json from). Type-only imports:
// nothing of the server ends up in the bundle, and `npm run typecheck` fails
// the moment a server shape changes in a way this app does not handle.
import type { z } from 'zod';
import type { orgView, rightsView, teamView, userView } from '../../../src/people/person.ts';
import type { bulkPreviousView, bulkSet, bulkView, commentView, createTaskBody, historyView, taskView, updateTaskBody } from '../../../src/tasks/task.ts';

export type Task = z.infer<typeof taskView>;
export type TaskHistoryEntry = z.infer<typeof historyView>;
export type TaskComment = z.infer<typeof commentView>;
export type NewTask = z.input<typeof createTaskBody>;
export type TaskChanges = z.input<typeof updateTaskBody>;
export type BulkChanges = z.input<typeof bulkSet>;
export type BulkResult = z.infer<typeof bulkView>;
export type BulkPrevious = z.infer<typeof bulkPreviousView>;
export type User = z.infer<typeof userView>;
export type Team = z.infer<typeof teamView>;
export type Org = z.infer<typeof orgView>;
export type Rights = z.infer<typeof rightsView>;
export type Status = Task['status'];
export type Priority = Task['priority'];
export type ChecklistItem = Task['checklist'][number];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  /** Signing in: the token of the second step (two-factor code or setup). */
  pendingToken?: string;
}

export const STATUSES: Status[] = ['open', 'in_progress', 'waiting', 'blocked', 'done', 'cancelled'];
export const ACTIVE_STATUSES: Status[] = ['open', 'in_progress', 'waiting', 'blocked'];
export const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
export const LINK_TYPES = ['contact', 'client', 'lead', 'job', 'service'] as const;

export const STATUS_LABEL: Record<Status, string> = {
  open: 'Open',
  in_progress: 'In progress',
  waiting: 'Waiting',
  blocked: 'Blocked',
  done: 'Done',
  cancelled: 'Cancelled',
};

export const PRIORITY_LABEL: Record<Priority, string> = { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' };
