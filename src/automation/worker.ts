// The automation worker: claims outbox events in order and hands each one to
// what takes it — its subject's timers, the features that keep themselves in
// step (unblocking dependent tasks, advancing a service plan), the enabled
// rules, then what delivers (notifications, webhooks) — one logged run
// per (event, rule) whose conditions hold, so a re-delivered event changes
// nothing. On SQLite events are handled in groups: each group of events is
// one transaction (every run in a savepoint of its own, so one failing run
// undoes only itself) that reads them, also marks them processed and adds to
// the counters (rule_stats) of the rules it evaluated; a group closes after
// GROUP_MS, so the write lock and the connection are never held for long. On
// PostgreSQL a batch is claimed, every run is a transaction of its own, and
// the batch is marked processed and counted in one more.
import type { Deps } from '../platform/context.ts';
import { inTransaction } from '../platform/db/database.ts';
import { hasSingleWriter } from '../platform/db/dialect.ts';
import { anyClaimable, BatchMemo, claimEvents, eventsAppendedIn, holdEvents, markProcessed, releaseClaims, type StoredEvent, takeEvents } from '../platform/outbox.ts';
import { type Consumer, takes } from '../events.ts';
import { scopeOf } from './actions.ts';
import type { Rule } from './rule.ts';
import { OrgCache } from './ruleIndex.ts';
import { executeRun, subjectFields } from './run.ts';
import * as store from './store.ts';
import { keepTimersInStep } from './timers.ts';

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
  /** What else acts on the events it takes, before or after the rules as it says (tasks, plans, notifications, webhooks). */
  consumers: Consumer[];
}

/**
 * What a batch found for each rule, event by event: counted into rule_stats
 * only for the events the batch itself marks processed, so an event handled
 * twice (a claim taken over) is counted once.
 */
export class RuleTallies {
  private byEvent = new Map<number, { rules: readonly Rule[]; held: boolean[]; at: number }[]>();
  /** True when no rule was checked. */
  get empty(): boolean {
    return this.byEvent.size === 0;
  }
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

/** Handles one batch of events. Returns how many events it handled (0: nothing pending). */
export async function runWorkerOnce(deps: Deps, options: WorkerOptions): Promise<number> {
  return hasSingleWriter(deps.db) ? runGroups(deps, options) : runClaimed(deps, options);
}

/**
 * On PostgreSQL, how many events of one claimed batch are handled at once:
 * each on a connection of its own, those of one subject one after another.
 */
export const CLAIMED_LANES = 8;

/**
 * PostgreSQL: claims a batch, then every run is a transaction of its own (a
 * transaction holding rows across many runs would make processes wait on each
 * other, and deadlock), and the batch is marked processed in one more. Each
 * run waits on the database for most of its time, so the batch is handled in
 * CLAIMED_LANES lanes at once: a lane takes the next subject nobody has begun
 * as soon as it is free and handles that subject's events in their order, so
 * the events of one task or record are handled in order, as in one lane, no
 * two lanes touch the same subject's events, and no lane sits idle while
 * another still has subjects waiting behind a slow one.
 */
async function runClaimed(deps: Deps, options: WorkerOptions): Promise<number> {
  const now = deps.clock.now();
  const events = await claimEvents(deps.db, { worker: options.workerId, now, until: now + options.claimMs, limit: options.batchSize });
  if (events.length === 0) return 0;
  const batch: EventBatch = { options, cache: new OrgCache(deps), memo: new BatchMemo(), tallies: new RuleTallies() };
  // Stop well before the claim runs out, so no other process takes over events this one is still handling.
  const stopAt = Date.now() + options.claimMs * 0.75;
  const handled = new Set<number>();
  await inLanes(
    eventsBySubject(events),
    CLAIMED_LANES,
    () => handled.size === 0 || Date.now() <= stopAt,
    async (event) => {
      await handleEvent(deps, event, batch);
      handled.add(event.seq);
    },
  );
  await finishBatch(deps, [...handled], batch.tallies!);
  await releaseClaims(deps.db, options.workerId, events.filter((e) => !handled.has(e.seq)).map((e) => e.seq));
  return handled.size;
}

/** `events` by subject: each subject's events in their order, the subjects in the order of their first event. */
export function eventsBySubject(events: readonly StoredEvent[]): StoredEvent[][] {
  const bySubject = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const subject = `${event.orgId} ${event.subject.type} ${event.subject.id}`;
    let group = bySubject.get(subject);
    if (!group) bySubject.set(subject, (group = []));
    group.push(event);
  }
  return [...bySubject.values()];
}

/**
 * Handles `groups` in at most `count` lanes at once: a free lane takes the
 * next group nobody has begun and handles its items one after another, in
 * order. Before each item a lane asks `goOn`: once it says no, every lane
 * stops (what is left is not handled).
 */
export async function inLanes<T>(groups: readonly (readonly T[])[], count: number, goOn: () => boolean, handle: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && next < groups.length) {
      const group = groups[next++]!;
      for (const item of group) {
        if (!goOn()) {
          stopped = true;
          break;
        }
        await handle(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, groups.length) }, lane));
}

/**
 * SQLite: one writer at a time, and every commit costs a write of each page it
 * changed, so a group of events shares one transaction, which reads the
 * oldest pending events, handles them and marks them processed: the write lock
 * it holds from its start keeps every other writer out until it commits, so
 * the events need no claim (and no commit of their own to take one). Events
 * the group itself appends (a notification's) are taken in the same
 * transaction while it has time. What the group reads once (rules, calendars,
 * subscriptions) is read inside it, so nothing can change under it but its
 * own writes.
 */
async function runGroups(deps: Deps, options: WorkerOptions): Promise<number> {
  // Most rounds find nothing (every write wakes the loop): a plain read says so without taking the write lock.
  if (!(await anyClaimable(deps.db, deps.clock.now()))) return 0;
  const stopAt = Date.now() + options.claimMs * 0.75;
  let done = 0;
  while (done < options.batchSize && (done === 0 || Date.now() <= stopAt)) {
    const now = deps.clock.now();
    const taken: number[] = [];
    const closeAt = Math.min(stopAt, Date.now() + GROUP_MS);
    let group: { handled: number; rest: boolean };
    try {
      group = await deps.db.transaction().execute(async (trx) => {
        const scoped: Deps = { ...deps, db: trx };
        const batch: EventBatch = { options, cache: new OrgCache(scoped), tallies: new RuleTallies(), memo: new BatchMemo() };
        const seqs: number[] = [];
        const limit = options.batchSize - done;
        let after = 0;
        let appended = 0;
        // Whether events may be left for another group: the last read filled its limit, time ran out, or appends wait.
        let rest = false;
        for (;;) {
          const asked = limit - seqs.length;
          const events = await takeEvents(trx, { now, limit: asked, after });
          taken.push(...events.map((e) => e.seq));
          for (const event of events) {
            if (seqs.length > 0 && Date.now() > closeAt) break;
            await handleEvent(scoped, event, batch);
            seqs.push(event.seq);
            after = event.seq;
          }
          // Again only for what this group appended since it last looked, while it has room and time.
          const more = eventsAppendedIn(trx) > appended;
          appended = eventsAppendedIn(trx);
          rest = events.length === asked || seqs.length < taken.length || more;
          if (!more || seqs.length < taken.length || seqs.length >= limit || Date.now() > closeAt) break;
        }
        await finishBatch(scoped, seqs, batch.tallies!);
        return { handled: seqs.length, rest };
      });
    } catch (error) {
      // What the failed group took waits out a claim, as a claimed batch would, rather than failing again at once.
      // The group's error is the one the round reports: a hold that fails too (the database is gone) only means
      // the events are tried again at the next round.
      await holdEvents(deps.db, { worker: options.workerId, now, until: now + options.claimMs, seqs: taken }).catch(() => undefined);
      throw error;
    }
    done += group.handled;
    if (group.handled === 0 || !group.rest) break;
  }
  return done;
}

/**
 * Marks handled events processed and adds their tallies to the counters, in
 * one transaction (the group's, when `deps.db` is one): an event another
 * process finished first adds nothing.
 */
export async function finishBatch(deps: Deps, handled: number[], tallies: RuleTallies): Promise<void> {
  // Nothing to count: the mark alone is one statement, atomic by itself.
  if (tallies.empty) {
    await markProcessed(deps.db, handled, deps.clock.now());
    return;
  }
  await inTransaction(deps.db, async (trx) => {
    const marked = await markProcessed(trx, handled, deps.clock.now());
    await store.addRuleStats(trx, tallies.of(marked));
  });
}

/** What the events of one batch share: the worker's options, what it read once per batch, and what it counts. */
export interface EventBatch {
  options: WorkerOptions;
  cache: OrgCache;
  tallies?: RuleTallies;
  memo?: BatchMemo;
}

/**
 * Everything one event asks of the worker, in this order: its subject's
 * timers, the consumers that take it before the rules, the rules, then those
 * that take it after. Inside the worker's transaction (`deps.db` is one) every read and write
 * goes through it.
 */
export async function handleEvent(deps: Deps, event: StoredEvent, batch: EventBatch): Promise<void> {
  const { options, cache } = batch;
  const memo = batch.memo ?? new BatchMemo();
  await keepTimersInStep(deps, event, () => cache.timingOf(event.orgId, options, deps));
  for (const consumer of options.consumers) if (consumer.runs === 'before rules' && takes(consumer, event.type)) await consumer.handle(deps, event, memo);
  await runRules(deps, cache, event, batch.tallies);
  for (const consumer of options.consumers) if (consumer.runs === 'after rules' && takes(consumer, event.type)) await consumer.handle(deps, event, memo);
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
  for (const rule of acting) await executeRun(deps, { rule, event, mode: { mode: 'live' }, cache });
}
