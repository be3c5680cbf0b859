// Planning time triggers: each is a timer row planned from its subject (a
// task's due date, a waiting task's wake-up, a job's start, a service plan's
// next date, a delayed rule run) and planned again by the events that move
// it. The scheduler fires them.
import type { Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import type { StoredEvent } from '../platform/outbox.ts';
import * as plans from '../plans/service.ts';
import * as tasks from '../tasks/service.ts';
import { jobSchedule } from './records.ts';
import type { Rule } from './rule.ts';
import type { OrgTiming } from './ruleIndex.ts';
import * as store from './store.ts';

export const TIMER_KINDS = ['task.due_soon', 'task.overdue', 'task.wake', 'job.missed', 'rule.delayed', 'service.plan_task'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

function timerKey(kind: TimerKind, subjectId: string, extra = ''): string {
  return `${kind}|${subjectId}${extra ? `|${extra}` : ''}`;
}

/** The events after which a task's, a job's or a service's timers are planned again. */
const TASK_TIMER_EVENTS = new Set(['task.created', 'task.updated', 'task.deleted']);
const JOB_TIMER_EVENTS = new Set(['job.scheduled', 'job.created', 'job.status_changed']);
/** A service's plan timer follows its date, its plan, and whether it is live. */
const SERVICE_PLAN_EVENTS = new Set(['service.created', 'service.updated', 'service.archived', 'service.restored', 'service.plan_changed']);

/**
 * What an event means for its subject's timers, whatever the rules say.
 * Idempotent. Timers follow the organisation's timing as it is when they are
 * planned (a task's when its due date is set, a job's when it is scheduled):
 * changing the timing does not move timers already planned.
 */
export async function keepTimersInStep(deps: Deps, event: StoredEvent, timing: () => Promise<OrgTiming>): Promise<void> {
  const { subject, orgId } = event;
  if (subject.type === 'service' && SERVICE_PLAN_EVENTS.has(event.type)) await planServiceTimer(deps.db, event);
  if (subject.type === 'task' && TASK_TIMER_EVENTS.has(event.type)) {
    if (createdUntimed(event)) return;
    const { dueSoonLeadMs } = await timing();
    await planTaskTimers(deps.db, { orgId, taskId: subject.id, dueSoonLeadMs, isNew: event.type === 'task.created' });
  }
  if (subject.type === 'job' && JOB_TIMER_EVENTS.has(event.type)) {
    const { appointmentGraceMs } = await timing();
    await planJobTimers(deps.db, { orgId, jobId: subject.id, graceMs: appointmentGraceMs });
  }
}

/**
 * A task created with no due date and not waiting has no timers to plan, and
 * (being new) none to drop: its task.created needs no read. A due date or a
 * wait given to it since was a change, whose task.updated plans them from the
 * task as it is then. An event that does not say (written before these fields
 * were added) is planned from the task.
 */
function createdUntimed(event: StoredEvent): boolean {
  return event.type === 'task.created' && event.data.dueAt === null && event.data.waitingUntil === null;
}

/** Re-plans a task's timers from its current due date, status and wake-up time. */
export async function planTaskTimers(db: Db, input: { orgId: string; taskId: string; dueSoonLeadMs: number; isNew?: boolean }): Promise<void> {
  const { orgId, taskId, dueSoonLeadMs } = input;
  const subject = { type: 'task', id: taskId };
  const task = await tasks.taskTimes(db, orgId, taskId);
  const live = task && task.status !== 'done' && task.status !== 'cancelled' ? task : null;
  const dueAt = live?.dueAt ?? null;
  const wakeAt = live?.status === 'waiting' ? live.waitingUntil : null;
  const wanted: [TimerKind, number | null, number | null][] = [
    ['task.due_soon', dueAt, dueAt === null ? null : dueAt - dueSoonLeadMs],
    // Overdue means strictly past the due date.
    ['task.overdue', dueAt, dueAt === null ? null : dueAt + 1],
    ['task.wake', wakeAt, wakeAt],
  ];
  const drop = wanted.filter(([, basis]) => basis === null).map(([kind]) => kind);
  // A task just created has no timers to drop: the common case costs one read.
  if (drop.length > 0 && !input.isNew) await store.cancelTimers(db, orgId, subject, drop);
  for (const [kind, basis, fireAt] of wanted) {
    if (basis !== null && fireAt !== null) await store.planTimer(db, { orgId, key: timerKey(kind, taskId), kind, subject, basis, fireAt }, newId());
  }
}

/** A scheduled job gets a missed-appointment timer at its start plus the grace period. */
export async function planJobTimers(db: Db, input: { orgId: string; jobId: string; graceMs: number }): Promise<void> {
  const { orgId, jobId, graceMs } = input;
  const subject = { type: 'job', id: jobId };
  const job = await jobSchedule(db, orgId, jobId);
  if (!job || job.status !== 'scheduled' || job.scheduledStart === null) return store.cancelTimers(db, orgId, subject, ['job.missed']);
  await store.planTimer(db, { orgId, key: timerKey('job.missed', jobId), kind: 'job.missed', subject, basis: job.scheduledStart, fireAt: job.scheduledStart + graceMs }, newId());
}

/** A maintenance plan's task is made at the service's nextDueAt less the plan's lead time, once per date: its timer follows the service. */
async function planServiceTimer(db: Db, event: StoredEvent): Promise<void> {
  const subject = { type: 'service', id: event.subject.id };
  // A changed plan may have a new lead time for the same date: its unfired timer is planned afresh.
  if (event.type === 'service.plan_changed') await store.cancelTimers(db, event.orgId, subject, ['service.plan_task']);
  const time = await plans.planTaskTime(db, event.orgId, subject.id);
  if (!time) return store.cancelTimers(db, event.orgId, subject, ['service.plan_task']);
  await store.planTimer(db, { orgId: event.orgId, key: timerKey('service.plan_task', subject.id), kind: 'service.plan_task', subject, basis: time.dueAt, fireAt: time.makeAt }, newId());
}

/** A rule with a delay runs when this timer fires. */
export async function planRuleTimer(db: Db, input: { rule: Rule; event: StoredEvent; fireAt: number }): Promise<void> {
  const { rule, event, fireAt } = input;
  await store.planTimer(
    db,
    { orgId: event.orgId, key: timerKey('rule.delayed', event.id, rule.id), kind: 'rule.delayed', subject: event.subject, ruleId: rule.id, eventId: event.id, basis: event.occurredAt, fireAt },
    newId(),
  );
}
