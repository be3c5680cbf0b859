// What a change does to a task's state (SPEC §1): which status may follow
// which, who may assign whom, the SLA clock that stops while a task waits, and
// which changes the history keeps.
import type { Actor } from '../platform/context.ts';
import { Conflict, type FieldError, Forbidden, Invalid } from '../platform/errors.ts';
import { roleAtLeast } from '../people/person.ts';
import { isFinal, type TaskState } from './task.ts';

export interface FieldChange {
  field: 'status' | 'assigneeId' | 'teamId' | 'dueAt' | 'priority';
  from: string | null;
  to: string | null;
}

export interface TaskChange {
  next: TaskState;
  /** The changes the history keeps (status, ownership, due date, priority). */
  tracked: FieldChange[];
}

type StateChange = Partial<Pick<TaskState, 'status' | 'priority' | 'dueAt' | 'assigneeId' | 'teamId' | 'waitingOn' | 'blockedReason' | 'waitingUntil'>>;

/**
 * Applies a change of state to a task, enforcing the rules of SPEC §1:
 * any non-final status may move to any other; a final one may only be
 * reopened (to open), by a manager or the assignee; waiting and blocked need
 * their reason; members may only take a task or give it up, not hand it to
 * someone else.
 */
export function applyChange(current: TaskState, change: StateChange, actor: Actor, now: number): TaskChange {
  const next: TaskState = { ...current };
  const errors: FieldError[] = [];
  const to = change.status ?? current.status;

  if (change.status !== undefined && change.status !== current.status) {
    if (isFinal(current.status)) {
      if (change.status !== 'open') throw new Conflict(`A ${current.status} task can only be reopened (to open), not moved to ${change.status}`, [{ path: 'status', message: `cannot go from ${current.status} to ${change.status}` }]);
      if (!roleAtLeast(actor.role, 'manager') && current.assigneeId !== actor.userId) {
        throw new Forbidden('Only a manager or the assignee may reopen a task');
      }
    }
    next.status = change.status;
    next.completedAt = change.status === 'done' ? now : null;
  }

  next.waitingOn = to === 'waiting' ? (change.waitingOn !== undefined ? change.waitingOn : current.waitingOn) : null;
  next.blockedReason = to === 'blocked' ? (change.blockedReason !== undefined ? change.blockedReason : current.blockedReason) : null;
  if (to === 'waiting' && !next.waitingOn) errors.push({ path: 'waitingOn', message: 'is required when the status is waiting' });
  if (to === 'blocked' && !next.blockedReason) errors.push({ path: 'blockedReason', message: 'is required when the status is blocked' });
  if (change.waitingOn && to !== 'waiting') errors.push({ path: 'waitingOn', message: 'can only be set while the status is waiting' });
  if (change.blockedReason && to !== 'blocked') errors.push({ path: 'blockedReason', message: 'can only be set while the status is blocked' });
  next.waitingUntil = to === 'waiting' ? (change.waitingUntil !== undefined ? change.waitingUntil : (current.waitingUntil ?? null)) : null;
  if (change.waitingUntil && to !== 'waiting') errors.push({ path: 'waitingUntil', message: 'can only be set while the status is waiting' });
  if (errors.length > 0) throw new Invalid(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);

  if (change.priority !== undefined) next.priority = change.priority;
  pauseSla(current, next, now);
  if (change.dueAt !== undefined) next.dueAt = change.dueAt;
  if (change.teamId !== undefined) next.teamId = change.teamId;
  if (change.assigneeId !== undefined && change.assigneeId !== current.assigneeId) {
    if (!mayAssign(actor, current.assigneeId, change.assigneeId)) {
      throw new Forbidden('Members may take a task or give it up; only a manager may assign it to someone else');
    }
    next.assigneeId = change.assigneeId;
  }
  return { next, tracked: trackedChanges(current, next) };
}

/** The SLA clock stops while a task waits: leaving waiting pushes the due date back by the time spent waiting. */
function pauseSla(current: TaskState, next: TaskState, now: number): void {
  const wasWaiting = current.status === 'waiting';
  const isWaiting = next.status === 'waiting';
  if (!wasWaiting && isWaiting) next.waitingSince = now;
  if (wasWaiting && !isWaiting) {
    if (current.waitingSince != null && next.dueAt !== null && !isFinal(next.status)) next.dueAt += Math.max(0, now - current.waitingSince);
    next.waitingSince = null;
  }
}

/** Time left to the due date, frozen while the task waits; null without a due date or once it is finished. */
export function slaOf(task: Pick<TaskState, 'status' | 'dueAt' | 'waitingSince'>, now: number): { dueAt: number; remainingMs: number; paused: boolean } | null {
  if (task.dueAt === null || isFinal(task.status)) return null;
  const since = task.status === 'waiting' ? (task.waitingSince ?? null) : null;
  return { dueAt: task.dueAt, remainingMs: task.dueAt - (since ?? now), paused: since !== null };
}

export function mayAssign(actor: Actor, from: string | null, to: string | null): boolean {
  if (roleAtLeast(actor.role, 'manager')) return true;
  return to === actor.userId || (to === null && from === actor.userId);
}

function trackedChanges(before: TaskState, after: TaskState): FieldChange[] {
  const changes: FieldChange[] = [];
  const track = (field: FieldChange['field'], from: string | null, to: string | null) => {
    if (from !== to) changes.push({ field, from, to });
  };
  track('status', before.status, after.status);
  track('assigneeId', before.assigneeId, after.assigneeId);
  track('teamId', before.teamId, after.teamId);
  track('dueAt', isoOrNull(before.dueAt), isoOrNull(after.dueAt));
  track('priority', before.priority, after.priority);
  return changes;
}

function isoOrNull(instant: number | null): string | null {
  return instant === null ? null : new Date(instant).toISOString();
}
