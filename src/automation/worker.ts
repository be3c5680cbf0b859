// The automation worker: claims outbox events in order, keeps each task's
// timers and dependencies in step, matches enabled rules and runs them — one
// logged run per (event, rule) whose conditions hold, so a re-delivered event
// changes nothing. On SQLite a claimed batch is handled in groups: each group
// of events is one transaction (every run in a savepoint of its own, so one
// failing run undoes only itself) that also marks its events processed and
// adds to the counters (rule_stats) of the rules it evaluated; a group closes
// after GROUP_MS, so the write lock and the connection are never held for
// long. On PostgreSQL every run is a transaction of its own, and the batch is
// marked processed and counted in one more.
import { performance } from 'node:perf_hooks';
import type { Deps } from '../platform/context.ts';
import { inTransaction, isUniqueViolation, withSavepoint } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { BatchMemo, claimEvents, type EventConsumer, markProcessed, releaseClaims, type StoredEvent, withChainDepth } from '../platform/outbox.ts';
import * as people from '../people/service.ts';
import * as tasks from '../tasks/service.ts';
import { automationActor, resolveTasks, type RunContext, runAction, scopeOf } from './actions.ts';
import type { Calendar } from './businessHours.ts';
import { durationMs } from './businessHours.ts';
import { recordFields } from './records.ts';
import { allHold, chainTooDeep, compileConditions, MAX_CHAIN_DEPTH, needsRecord, type Rule, type RunOutcome, type RuleDefinition, type Scope } from './rule.ts';
import { keepServicePlanInStep, planJobTimers, planRuleTimer, planTaskTimers } from './scheduler.ts';
import * as store from './store.ts';

export interface WorkerOptions {
  /** Names this process in event claims. */
  workerId: string;
  /** How long a claim holds before another process may take the events over. */
  claimMs: number;
  batchSize: number;
  /** task.due_soon fires this long before a task's due date, in an organisation that has not set its own (dueSoonMinutes). */
  dueSoonLeadMs: number;
  /** A scheduled job not started this long after its start is a missed appointment, in an organisation that has not set its own (missedGraceMinutes). */
  appointmentGraceMs: number;
  /** Called for every event after the rules (notifications, webhooks). */
  consumers: EventConsumer[];
}

export function ruleOf(row: store.RuleRow): Rule {
  const definition = JSON.parse(row.definition) as RuleDefinition;
  return { id: row.id, orgId: row.org_id, name: row.name, enabled: row.enabled === 1, playbook: row.playbook_key, ...definition };
}

/**
 * The rules the worker parsed last, by id: a rule read again unchanged is the
 * same object, so its definition is parsed and its conditions compiled once,
 * not once per batch. Any change to the row (a new version) parses it afresh.
 */
const parsedRules = new Map<string, { row: store.RuleRow; rule: Rule }>();
const PARSED_RULES_MAX = 20_000;

function sameRuleRow(a: store.RuleRow, b: store.RuleRow): boolean {
  return a.version === b.version && a.org_id === b.org_id && a.enabled === b.enabled && a.name === b.name && a.playbook_key === b.playbook_key && a.definition === b.definition;
}

function parsedRule(row: store.RuleRow): Rule {
  const known = parsedRules.get(row.id);
  if (known && sameRuleRow(known.row, row)) return known.rule;
  if (parsedRules.size >= PARSED_RULES_MAX) parsedRules.clear();
  const rule = ruleOf(row);
  parsedRules.set(row.id, { row, rule });
  return rule;
}

/** An organisation's automation timing, in milliseconds: its own settings, or the worker's defaults. */
export interface OrgTiming {
  dueSoonLeadMs: number;
  appointmentGraceMs: number;
}

/**
 * Per-batch caches: an organisation's enabled rules, calendar and timing are
 * read once per batch. A read goes through the `deps` it is asked with (inside
 * the worker's transaction, its own), or those the cache was made with.
 */
export class OrgCache {
  private rules = new Map<string, Promise<Map<string, EventRules>>>();
  private calendars = new Map<string, Promise<Calendar>>();
  private orgs = new Map<string, ReturnType<typeof people.getOrg>>();
  constructor(private readonly deps: Deps) {}
  private orgOf(orgId: string, deps: Deps) {
    let org = this.orgs.get(orgId);
    if (!org) this.orgs.set(orgId, (org = people.getOrg(deps, automationActor(orgId))));
    return org;
  }
  /** When task.due_soon and a missed appointment fire in this organisation: its settings, else `defaults`. */
  async timingOf(orgId: string, defaults: OrgTiming, deps: Deps = this.deps): Promise<OrgTiming> {
    const org = await this.orgOf(orgId, deps);
    return {
      dueSoonLeadMs: org.dueSoonMinutes === null ? defaults.dueSoonLeadMs : org.dueSoonMinutes * 60_000,
      appointmentGraceMs: org.missedGraceMinutes === null ? defaults.appointmentGraceMs : org.missedGraceMinutes * 60_000,
    };
  }
  /** The enabled rules an event of this type triggers or resolves, in a stable order, with what is checked of each. */
  async rulesFor(orgId: string, eventType: string, deps: Deps = this.deps): Promise<EventRules> {
    let byType = this.rules.get(orgId);
    if (!byType) this.rules.set(orgId, (byType = store.enabledRules(deps.db, orgId).then(indexByEvent)));
    return (await byType).get(eventType) ?? NO_RULES;
  }
  calendarOf(orgId: string, deps: Deps = this.deps): Promise<Calendar> {
    let calendar = this.calendars.get(orgId);
    if (!calendar) {
      calendar = this.orgOf(orgId, deps).then((org) => ({ timezone: org.timezone, hours: org.businessHours, holidays: org.holidays }));
      this.calendars.set(orgId, calendar);
    }
    return calendar;
  }
}

/** What the worker asks of a rule for every event of its type, worked out once per batch. */
interface RuleFacts {
  holds: (scope: Scope) => boolean;
  needsRecord: boolean;
  /** Event types on which one of its steps may close the tasks it made (resolveWhen). */
  resolvesOn: Set<string>;
}

const factsOf = new WeakMap<Rule, RuleFacts>();

function ruleFacts(rule: Rule): RuleFacts {
  let facts = factsOf.get(rule);
  if (!facts) {
    const resolvesOn = new Set(rule.actions.flatMap((a) => (a.type === 'create_task' && a.resolveWhen ? [a.resolveWhen.event] : [])));
    facts = { holds: compileConditions(rule.trigger.where), needsRecord: needsRecord(rule.trigger.where, []), resolvesOn };
    factsOf.set(rule, facts);
  }
  return facts;
}

/**
 * The rules of one event type, worked out once per batch: `facts[i]` is what
 * is checked of `rules[i]` when the type triggers it (null when it only
 * resolves on it), `resolves[i]` whether one of its steps may close tasks on
 * it; `checked` lists the triggered ones, in order, for the counters.
 */
interface EventRules {
  rules: readonly Rule[];
  facts: readonly (RuleFacts | null)[];
  resolves: readonly boolean[];
  checked: readonly Rule[];
}

const NO_RULES: EventRules = { rules: [], facts: [], resolves: [], checked: [] };

function indexByEvent(rows: store.RuleRow[]): Map<string, EventRules> {
  const byType = new Map<string, Rule[]>();
  for (const rule of rows.map(parsedRule)) {
    const types = new Set([rule.trigger.event, ...rule.actions.flatMap((a) => (a.type === 'create_task' && a.resolveWhen ? [a.resolveWhen.event] : []))]);
    for (const type of types) {
      let rules = byType.get(type);
      if (!rules) byType.set(type, (rules = []));
      rules.push(rule);
    }
  }
  return new Map(
    [...byType].map(([type, rules]) => [
      type,
      {
        rules,
        facts: rules.map((rule) => (rule.trigger.event === type ? ruleFacts(rule) : null)),
        resolves: rules.map((rule) => ruleFacts(rule).resolvesOn.has(type)),
        checked: rules.filter((rule) => rule.trigger.event === type),
      },
    ]),
  );
}

/**
 * What a batch found for each rule, event by event: counted into rule_stats
 * only for the events the batch itself marks processed, so an event handled
 * twice (a claim taken over) is counted once.
 */
export class RuleTallies {
  private byEvent = new Map<number, { rules: readonly Rule[]; held: boolean[]; at: number }[]>();
  note(event: StoredEvent, rule: Rule, held: boolean, at: number): void {
    this.noteAll(event, [rule], [held], at);
  }
  /** Rules checked against one event, with whether each one's conditions held. */
  noteAll(event: StoredEvent, rules: readonly Rule[], held: boolean[], at: number): void {
    let checks = this.byEvent.get(event.seq);
    if (!checks) this.byEvent.set(event.seq, (checks = []));
    checks.push({ rules, held, at });
  }
  /** The sums per rule over these events, ordered by organisation and rule. */
  of(seqs: readonly number[]): store.RuleTally[] {
    const byRule = new Map<string, store.RuleTally>();
    // Events of one type share one list of rules: its tallies are looked up once.
    const slotsOf = new Map<readonly Rule[], store.RuleTally[]>();
    for (const seq of seqs) {
      for (const { rules, held, at } of this.byEvent.get(seq) ?? []) {
        let slots = slotsOf.get(rules);
        if (!slots) {
          slots = rules.map((rule) => {
            let tally = byRule.get(rule.id);
            if (!tally) byRule.set(rule.id, (tally = { orgId: rule.orgId, ruleId: rule.id, evaluated: 0, missed: 0, lastEvaluatedAt: at, lastFiredAt: null }));
            return tally;
          });
          slotsOf.set(rules, slots);
        }
        for (let i = 0; i < rules.length; i++) {
          const tally = slots[i]!;
          tally.evaluated += 1;
          if (at > tally.lastEvaluatedAt) tally.lastEvaluatedAt = at;
          if (held[i]) tally.lastFiredAt = tally.lastFiredAt === null || at > tally.lastFiredAt ? at : tally.lastFiredAt;
          else tally.missed += 1;
        }
      }
    }
    // One order for every process, so two batches adding to the same rules never wait on each other in a cycle.
    return [...byRule.values()].sort((a, b) => (a.orgId === b.orgId ? (a.ruleId < b.ruleId ? -1 : 1) : a.orgId < b.orgId ? -1 : 1));
  }
}

/** On SQLite, how long one group of events may keep its transaction open before it commits and the next group begins. */
export const GROUP_MS = 25;

/** Claims one batch of events and handles it. Returns how many events it handled (0: nothing pending). */
export async function runWorkerOnce(deps: Deps, options: WorkerOptions): Promise<number> {
  const now = deps.clock.now();
  const events = await claimEvents(deps.db, { worker: options.workerId, now, until: now + options.claimMs, limit: options.batchSize, postgres: deps.dialect === 'postgres' });
  if (events.length === 0) return 0;
  const cache = new OrgCache(deps);
  const memo = new BatchMemo();
  // Stop well before the claim runs out, so no other process takes over events this one is still handling.
  const stopAt = Date.now() + options.claimMs * 0.75;
  const handleFrom = async (scoped: Deps, from: number, closeAt: number): Promise<number> => {
    const tallies = new RuleTallies();
    const handled: number[] = [];
    for (const event of events.slice(from)) {
      if (handled.length > 0 && Date.now() > closeAt) break;
      await handleEvent(scoped, options, cache, event, tallies, memo);
      handled.push(event.seq);
    }
    await finishBatch(scoped, handled, tallies);
    return from + handled.length;
  };
  let next = 0;
  if (deps.dialect === 'sqlite') {
    // One writer at a time, and every commit costs a write of each page it changed: a group of events shares one
    // transaction. (PostgreSQL locks rows instead: a transaction holding them across many runs would make processes
    // wait on each other, and deadlock, so there every run commits on its own.)
    while (next < events.length && (next === 0 || Date.now() <= stopAt)) {
      const from = next;
      next = await deps.db.transaction().execute((trx) => handleFrom({ ...deps, db: trx }, from, Math.min(stopAt, Date.now() + GROUP_MS)));
    }
  } else {
    next = await handleFrom(deps, 0, stopAt);
  }
  await releaseClaims(deps.db, options.workerId, events.slice(next).map((e) => e.seq));
  return next;
}

/**
 * Marks handled events processed and adds their tallies to the counters, in
 * one transaction (the group's, when `deps.db` is one): an event another
 * process finished first adds nothing.
 */
export async function finishBatch(deps: Deps, handled: number[], tallies: RuleTallies): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const marked = await markProcessed(trx, handled, deps.clock.now());
    await store.addRuleStats(trx, tallies.of(marked));
  });
}

/**
 * Everything one event asks of the worker: its subject's timers and
 * dependents, the rules, then the consumers. Inside the worker's transaction
 * (`deps.db` is one) every read and write goes through it.
 */
export async function handleEvent(deps: Deps, options: WorkerOptions, cache: OrgCache, event: StoredEvent, tallies?: RuleTallies, memo = new BatchMemo()): Promise<void> {
  await keepSubjectInStep(deps, options, cache, event);
  await runRules(deps, cache, event, tallies);
  for (const consumer of options.consumers) await consumer.handle(deps, event, memo);
}

async function runRules(deps: Deps, cache: OrgCache, event: StoredEvent, tallies?: RuleTallies): Promise<void> {
  const { rules, facts, resolves, checked } = await cache.rulesFor(event.orgId, event.type, deps);
  if (rules.length === 0) return;
  // Most rules an event triggers do not meet its conditions: those are decided here, counted, and cost no write.
  let record: Record<string, unknown> | null | undefined;
  let scope = scopeOf(event, null);
  const now = deps.clock.now();
  const acting: Rule[] = [];
  const held: boolean[] = [];
  for (let i = 0; i < rules.length; i++) {
    const ruleFacts = facts[i];
    if (ruleFacts) {
      if (record === undefined && ruleFacts.needsRecord) {
        record = await subjectFields(deps.db, deps, event);
        scope = scopeOf(event, record);
      }
      const holds = ruleFacts.holds(scope);
      held.push(holds);
      if (!holds && !resolves[i]) continue;
    }
    acting.push(rules[i]!);
  }
  if (checked.length > 0) tallies?.noteAll(event, checked, held, now);
  for (const rule of acting) await executeRun(deps, cache, rule, event, { mode: 'live' });
}

function runRow(rule: Rule, event: StoredEvent, id: string, now: number): store.RunRow {
  return { id, org_id: event.orgId, rule_id: rule.id, event_id: event.id, event_type: event.type, depth: event.depth, outcome: 'running', at: now, duration_ms: 0, created_task_ids: '[]', changed_task_ids: '[]', error: null, detail: null };
}

/**
 * What every event means for its subject's timers and dependents, whatever
 * the rules say. Idempotent. Timers follow the organisation's timing as it is
 * when they are planned (a task's when its due date is set, a job's when it is
 * scheduled): changing the timing does not move timers already planned.
 */
async function keepSubjectInStep(deps: Deps, options: WorkerOptions, cache: OrgCache, event: StoredEvent): Promise<void> {
  const { subject } = event;
  await keepServicePlanInStep(deps, event);
  if (subject.type === 'task' && (event.type === 'task.created' || event.type === 'task.updated' || event.type === 'task.deleted')) {
    const { dueSoonLeadMs } = await cache.timingOf(event.orgId, options, deps);
    await planTaskTimers(deps.db, event.orgId, subject.id, dueSoonLeadMs, event.type === 'task.created');
  }
  if (subject.type === 'task' && event.type === 'task.completed') {
    await inTransaction(deps.db, (trx) =>
      withChainDepth(event.depth, () => tasks.openUnblockedDependents(trx, automationActor(event.orgId), subject.id, deps.clock.now())),
    );
  }
  if (subject.type === 'job' && (event.type === 'job.scheduled' || event.type === 'job.created' || event.type === 'job.status_changed')) {
    const { appointmentGraceMs } = await cache.timingOf(event.orgId, options, deps);
    await planJobTimers(deps.db, event.orgId, subject.id, appointmentGraceMs);
  }
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
}

type RunMode = { mode: 'live' } | { mode: 'delayed'; timerId: string } | { mode: 'dry' };

/**
 * One rule on one event, in one transaction with its log entry — a savepoint
 * when `deps.db` is already a transaction (the worker's group), so a failing
 * run undoes only itself. Live, it first takes the (event, rule) slot — a
 * second delivery finds it taken and does nothing; delayed (its timer fired),
 * it resumes the slot it left scheduled.
 */
export async function executeRun(deps: Deps, cache: OrgCache, rule: Rule, event: StoredEvent, mode: RunMode, attempt = 1): Promise<RunResult | null> {
  const started = performance.now();
  const runId = newId();
  const calendar = await cache.calendarOf(event.orgId, deps);
  // A dry run is already inside the transaction it will roll back.
  if (mode.mode === 'dry') return withChainDepth(event.depth + 1, () => decide(deps.db, deps, calendar, rule, event, mode, deps.clock.now()));
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
          const resumed = await resumeDelayed(trx, deps, event, rule, mode.timerId);
          if (!resumed) return null;
          id = resumed;
        }
        const result = await decide(trx, deps, calendar, rule, event, mode, now);
        // A live run that found nothing to do (a resolve event that closed nothing) leaves no entry: the counters have it.
        if (mode.mode === 'live' && result.outcome === 'skipped' && result.changed.length === 0) await store.dropRun(trx, id);
        else await store.finishRun(trx, id, logOf(result, started));
        return result;
      }),
    );
  } catch (error) {
    // Two processes creating the same (rule, record) task at once: the loser retries and finds the winner's task.
    if (isUniqueViolation(error) && attempt < 3) return executeRun(deps, cache, rule, event, mode, attempt + 1);
    const failed: RunResult = { outcome: 'failed', created: [], changed: [], notices: [], notes: [], error: describe(error) };
    await recordFailure(deps, rule, event, runId, failed, started);
    return failed;
  }
}

async function resumeDelayed(trx: Db, deps: Deps, event: StoredEvent, rule: Rule, timerId: string): Promise<string | null> {
  const timer = await store.lockTimer(trx, deps.dialect, timerId);
  if (!timer) return null;
  await store.markFired(trx, timerId, deps.clock.now());
  const run = await store.findRunOf(trx, event.id, rule.id);
  if (!run || run.outcome !== 'scheduled') return null;
  return run.id;
}

async function decide(trx: Db, deps: Deps, calendar: Calendar, rule: Rule, event: StoredEvent, mode: RunMode, now: number): Promise<RunResult> {
  const record = await subjectFields(trx, deps, event);
  const ctx: RunContext = {
    trx,
    deps: { ...deps, db: trx },
    actor: automationActor(event.orgId),
    now,
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
  const result = (outcome: RunOutcome): RunResult => ({ outcome, created: ctx.created, changed: ctx.changed, notices: ctx.notices, notes: ctx.notes, error: null });

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
    await planRuleTimer(trx, rule, event, event.occurredAt + delay);
    ctx.notes.push(`runs at ${new Date(event.occurredAt + delay).toISOString()}`);
    return result('scheduled');
  }
  if (delay > 0 && mode.mode === 'dry') ctx.notes.push(`would run ${rule.trigger.delay} after the event`);
  for (const [index, action] of rule.actions.entries()) await runAction(ctx, action, index);
  const didSomething = ctx.created.length + ctx.changed.length + ctx.notices.length > 0;
  return result(!didSomething && ctx.duplicates > 0 ? 'duplicate' : 'success');
}

/** The subject's current fields for record.* — a task as the API shows it, a CRM record, or nothing for an outside subject. */
async function subjectFields(trx: Db, deps: Deps, event: StoredEvent): Promise<Record<string, unknown> | null> {
  const { subject } = event;
  if (subject.type === 'task') {
    const task = await tasks.getTask({ ...deps, db: trx }, automationActor(event.orgId), subject.id).catch(() => null);
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
async function recordFailure(deps: Deps, rule: Rule, event: StoredEvent, runId: string, result: RunResult, started: number): Promise<void> {
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
