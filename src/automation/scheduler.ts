// Time triggers fired. Each timer (planned in timers.ts) is fired once: the
// tick reads one index range of what is due and fires each timer in the same
// transaction that marks it fired.
import type { Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { appendEvent, findEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import * as plans from '../plans/service.ts';
import { signalDueServices } from '../records/service.ts';
import * as tasks from '../tasks/service.ts';
import { automationActor } from '../events.ts';
import './events.ts';
import { jobSchedule, markJobMissed } from './records.ts';
import { OrgCache, ruleOf } from './ruleIndex.ts';
import { executeRun } from './run.ts';
import * as store from './store.ts';

export interface SchedulerOptions {
  batchSize: number;
}

/** Fires every timer that is due. Returns how many it looked at (0: nothing due). */
export async function tickScheduler(deps: Deps, options: SchedulerOptions): Promise<number> {
  const due = await store.dueTimers(deps.db, deps.clock.now(), options.batchSize);
  const cache = new OrgCache(deps);
  for (const timer of due) await fireTimer(deps, cache, timer);
  // Service plans coming due: service.due once per due date, from the services' own indexed scan.
  const services = await signalDueServices(deps, options.batchSize);
  return due.length + services;
}

async function fireTimer(deps: Deps, cache: OrgCache, timer: store.TimerRow): Promise<void> {
  if (timer.kind === 'rule.delayed') return fireDelayedRule(deps, cache, timer);
  await deps.db.transaction().execute(async (trx) => {
    const locked = await store.lockTimer(trx, timer.id);
    if (!locked || locked.fire_at !== timer.fire_at) return;
    const now = deps.clock.now();
    await store.markFired(trx, timer.id, now);
    if (timer.kind === 'task.due_soon' || timer.kind === 'task.overdue') await signalTaskTime(trx, locked, now);
    if (timer.kind === 'task.wake') await wakeTask(trx, locked, now);
    if (timer.kind === 'job.missed') await markMissed(trx, locked, now);
    if (timer.kind === 'service.plan_task') await plans.makePlanTask(trx, automationActor(timer.org_id), { serviceId: timer.subject_id, dueAt: locked.basis ?? -1, now });
  });
}

/** task.due_soon / task.overdue, if the task is still open with the due date the timer was planned for (and not paused waiting). */
async function signalTaskTime(trx: Db, timer: store.TimerRow, now: number): Promise<void> {
  const task = await tasks.taskTimes(trx, timer.org_id, timer.subject_id);
  if (!task || task.dueAt === null || task.dueAt !== timer.basis || task.status === 'done' || task.status === 'cancelled' || task.status === 'waiting') return;
  if (timer.kind === 'task.due_soon' && now >= task.dueAt) return;
  const type = timer.kind as 'task.due_soon' | 'task.overdue';
  await appendEvent(trx, { orgId: timer.org_id, type, subject: { type: 'task', id: timer.subject_id }, data: { dueAt: iso(task.dueAt) }, actorId: null, occurredAt: timer.fire_at });
}

async function wakeTask(trx: Db, timer: store.TimerRow, now: number): Promise<void> {
  const task = await tasks.taskTimes(trx, timer.org_id, timer.subject_id);
  if (!task || task.status !== 'waiting' || task.waitingUntil !== timer.basis) return;
  await tasks.changeTaskIn(trx, automationActor(timer.org_id), timer.subject_id, { status: 'open' }, now);
}

async function markMissed(trx: Db, timer: store.TimerRow, now: number): Promise<void> {
  const job = await jobSchedule(trx, timer.org_id, timer.subject_id);
  if (!job || job.status !== 'scheduled' || job.scheduledStart !== timer.basis) return;
  await markJobMissed(trx, automationActor(timer.org_id), timer.subject_id, now);
}

async function fireDelayedRule(deps: Deps, cache: OrgCache, timer: store.TimerRow): Promise<void> {
  const [ruleRow, event] = await Promise.all([store.findRule(deps.db, timer.org_id, timer.rule_id ?? ''), findEvent(deps.db, timer.org_id, timer.event_id ?? '')]);
  if (!ruleRow || !event || ruleRow.enabled !== 1) {
    // The rule was disabled (or the event is gone) while the run waited: it ends as skipped, and says why.
    await deps.db.transaction().execute(async (trx) => {
      if (!(await store.lockTimer(trx, timer.id))) return;
      await store.markFired(trx, timer.id, deps.clock.now());
      const run = timer.event_id && timer.rule_id ? await store.findRunOf(trx, timer.event_id, timer.rule_id) : undefined;
      if (run?.outcome === 'scheduled') await store.finishRun(trx, run.id, { outcome: 'skipped', detail: ruleRow ? 'the rule was disabled before it ran' : 'the event is gone' });
    });
    return;
  }
  await executeRun(deps, { rule: ruleOf(ruleRow), event, mode: { mode: 'delayed', timerId: timer.id }, cache });
}
