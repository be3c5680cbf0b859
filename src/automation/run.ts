// One rule on one event: the run, logged once per (event, rule) — live when
// the worker hands it an event, delayed when its timer fires, or dry inside a
// transaction that is rolled back — and what it decides to do.
import { performance } from 'node:perf_hooks';
import type { Deps } from '../platform/context.ts';
import { isUniqueViolation, withSavepoint } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { DomainError, NotFound } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { type StoredEvent, withChainDepth } from '../platform/outbox.ts';
import * as tasks from '../tasks/service.ts';
import { automationActor } from '../events.ts';
import { resolveTasks, type RunContext, runAction, scopeOf } from './actions.ts';
import { type Calendar, durationMs } from './businessHours.ts';
import { recordFields } from './records.ts';
import { allHold, chainTooDeep, MAX_CHAIN_DEPTH, type Rule, type RunOutcome } from './rule.ts';
import type { PastTurns } from './pastTurns.ts';
import type { OrgCache } from './ruleIndex.ts';
import * as store from './store.ts';
import { planRuleTimer } from './timers.ts';

function runRow(rule: Rule, event: StoredEvent, id: string, now: number): store.RunRow {
  return { id, org_id: event.orgId, rule_id: rule.id, event_id: event.id, event_type: event.type, depth: event.depth, outcome: 'running', at: now, duration_ms: 0, created_task_ids: '[]', changed_task_ids: '[]', error: null, detail: null };
}

function resolvingSteps(rule: Rule, eventType: string): number[] {
  return rule.actions.flatMap((a, i) => (a.type === 'create_task' && a.resolveWhen?.event === eventType ? [i] : []));
}

export interface RunResult {
  outcome: RunOutcome;
  created: RunContext['created'];
  changed: RunContext['changed'];
  notices: RunContext['notices'];
  notes: string[];
  error: string | null;
  /** A dry run's would-be tasks by id: what it could not work out as of the event's time. */
  unknowns: Map<string, string[]>;
}

/** Dry: as of the event's own time (and its delay), taking round-robin turns from `turns`. */
export type RunMode = { mode: 'live' } | { mode: 'delayed'; timerId: string } | { mode: 'dry'; turns: PastTurns };

/** One rule on one event, and how it runs. */
export interface RunInput {
  rule: Rule;
  event: StoredEvent;
  mode: RunMode;
  /** The batch's cache the organisation's calendar is read through. */
  cache: OrgCache;
}

/**
 * One rule on one event, in one transaction with its log entry — a savepoint
 * when `deps.db` is already a transaction (the worker's group), so a failing
 * run undoes only itself. Live, it first takes the (event, rule) slot — a
 * second delivery finds it taken and does nothing; delayed (its timer fired),
 * it resumes the slot it left scheduled.
 */
export async function executeRun(deps: Deps, input: RunInput, attempt = 1): Promise<RunResult | null> {
  const { rule, event, mode, cache } = input;
  const started = performance.now();
  const runId = newId();
  const calendar = await cache.calendarOf(event.orgId, deps);
  // A dry run is already inside the transaction it will roll back, and acts as of when the rule would have acted.
  const asOf = event.occurredAt + durationMs(rule.trigger.delay);
  if (mode.mode === 'dry') return withChainDepth(event.depth + 1, () => decide(deps.db, deps, { calendar, rule, event, mode, now: asOf }));
  const db = deps.db;
  const inRun = <T>(work: (trx: Db) => Promise<T>): Promise<T> => (db.isTransaction ? withSavepoint(db, 'automation_run', () => work(db)) : db.transaction().execute(work));
  try {
    return await inRun((trx) =>
      withChainDepth(event.depth + 1, async () => {
        const now = deps.clock.now();
        const slot = runRow(rule, event, runId, now);
        let id = runId;
        if (mode.mode === 'live' && !(await store.claimRun(trx, slot))) return null;
        if (mode.mode === 'delayed') {
          const resumed = await resumeDelayed(trx, deps, { event, rule, timerId: mode.timerId });
          if (!resumed) return null;
          id = resumed;
        }
        const result = await decide(trx, deps, { calendar, rule, event, mode, now });
        // A live run that found nothing to do (a resolve event that closed nothing) leaves no entry: the counters have it.
        if (mode.mode === 'live' && result.outcome === 'skipped' && result.changed.length === 0) await store.dropRun(trx, id);
        else await store.finishRun(trx, id, logOf(result, started));
        return result;
      }),
    );
  } catch (error) {
    // Two processes creating the same (rule, record) task at once: the loser retries and finds the winner's task.
    if (isUniqueViolation(error) && attempt < 3) return executeRun(deps, input, attempt + 1);
    const failed: RunResult = { outcome: 'failed', created: [], changed: [], notices: [], notes: [], error: describe(error), unknowns: new Map() };
    await recordFailure(deps, { rule, event, runId, result: failed, started });
    return failed;
  }
}

async function resumeDelayed(trx: Db, deps: Deps, input: { event: StoredEvent; rule: Rule; timerId: string }): Promise<string | null> {
  const { event, rule, timerId } = input;
  const timer = await store.lockTimer(trx, timerId);
  if (!timer) return null;
  await store.markFired(trx, timerId, deps.clock.now());
  const run = await store.findRunOf(trx, event.id, rule.id);
  if (!run || run.outcome !== 'scheduled') return null;
  return run.id;
}

async function decide(trx: Db, deps: Deps, input: { calendar: Calendar; rule: Rule; event: StoredEvent; mode: RunMode; now: number }): Promise<RunResult> {
  const { calendar, rule, event, mode, now } = input;
  const record = await subjectFields(trx, deps, event);
  const ctx: RunContext = {
    trx,
    deps: { ...deps, db: trx },
    actor: automationActor(event.orgId),
    now,
    dry: mode.mode === 'dry' ? { turns: mode.turns, unknowns: new Map() } : null,
    calendar,
    rule,
    event,
    scope: scopeOf(event, record),
    created: [],
    changed: [],
    notices: [],
    notes: [],
    duplicates: 0,
    steps: new Map(),
  };
  const result = (outcome: RunOutcome): RunResult => ({ outcome, created: ctx.created, changed: ctx.changed, notices: ctx.notices, notes: ctx.notes, error: null, unknowns: ctx.dry?.unknowns ?? new Map() });

  for (const index of resolvingSteps(rule, event.type)) {
    const resolveWhen = (rule.actions[index] as { resolveWhen: { where: Parameters<typeof allHold>[0] } }).resolveWhen;
    if (allHold(resolveWhen.where, ctx.scope)) await resolveTasks(ctx, index);
  }
  if (rule.trigger.event !== event.type) return result(ctx.changed.length > 0 ? 'success' : 'skipped');
  if (!allHold(rule.trigger.where, ctx.scope)) {
    ctx.notes.push(mode.mode === 'delayed' ? 'the conditions no longer hold' : 'the conditions do not hold');
    return result(ctx.changed.length > 0 ? 'success' : 'skipped');
  }
  if (mode.mode !== 'dry' && chainTooDeep(event.depth)) {
    return { ...result('stopped'), error: `Stopped: this event is ${event.depth} automated steps deep (limit ${MAX_CHAIN_DEPTH}); the rules probably form a cycle` };
  }
  const delay = durationMs(rule.trigger.delay);
  if (delay > 0 && mode.mode === 'live') {
    await planRuleTimer(trx, { rule, event, fireAt: event.occurredAt + delay });
    ctx.notes.push(`runs at ${new Date(event.occurredAt + delay).toISOString()}`);
    return result('scheduled');
  }
  if (delay > 0 && mode.mode === 'dry') ctx.notes.push(`would run ${rule.trigger.delay} after the event`);
  for (const [index, action] of rule.actions.entries()) await runAction(ctx, action, index);
  const didSomething = ctx.created.length + ctx.changed.length + ctx.notices.length > 0;
  return result(!didSomething && ctx.duplicates > 0 ? 'duplicate' : 'success');
}

/** The subject's current fields for record.* — a task as the API shows it, a CRM record, or nothing for an outside subject. */
export async function subjectFields(trx: Db, deps: Deps, event: StoredEvent): Promise<Record<string, unknown> | null> {
  const { subject } = event;
  if (subject.type === 'task') {
    // A task deleted since its event has no fields; any other failure (the database, a bug) is the run's, not "no record".
    const task = await tasks.getTask({ ...deps, db: trx }, automationActor(event.orgId), subject.id).catch((error: unknown) => {
      if (error instanceof NotFound) return null;
      throw error;
    });
    return task as Record<string, unknown> | null;
  }
  return recordFields(trx, event.orgId, subject.type, subject.id);
}

function logOf(result: RunResult, started: number): Partial<store.RunRow> {
  return {
    outcome: result.outcome,
    duration_ms: Math.round(performance.now() - started),
    created_task_ids: JSON.stringify(result.created.map((t) => t.id)),
    changed_task_ids: JSON.stringify([...new Set(result.changed.map((c) => c.taskId))]),
    error: result.error,
    detail: result.notes.length > 0 ? result.notes.join('; ').slice(0, 2000) : null,
  };
}

/** A failed run's effects rolled back; its log entry is written on its own. */
async function recordFailure(deps: Deps, input: { rule: Rule; event: StoredEvent; runId: string; result: RunResult; started: number }): Promise<void> {
  const { rule, event, runId, result, started } = input;
  const db = deps.db;
  const row: store.RunRow = { id: runId, org_id: event.orgId, rule_id: rule.id, event_id: event.id, event_type: event.type, depth: event.depth, outcome: 'failed', at: deps.clock.now(), duration_ms: 0, created_task_ids: '[]', changed_task_ids: '[]', error: null, detail: null };
  const log = logOf(result, started);
  if (!(await store.claimRun(db, { ...row, ...log } as store.RunRow))) {
    const existing = await store.findRunOf(db, event.id, rule.id);
    if (existing && existing.outcome === 'scheduled') await store.finishRun(db, existing.id, log);
  }
}

/** A rule mistake (a user that no longer exists, an invalid update) reads as what it is; anything else is a bug, kept whole. */
function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.message}${error.errors?.length ? ` (${error.errors.map((e) => `${e.path}: ${e.message}`).join(', ')})` : ''}`;
  return `Internal error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}
