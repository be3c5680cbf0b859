// The dry run: a rule replayed over the events of the last days inside one
// transaction that is always rolled back — what it would have done, with
// nothing written.
import type { Actor, Deps } from '../platform/context.ts';
import { isUniqueViolation, withSavepoint } from '../platform/db/database.ts';
import { eventsOfTypes, type StoredEvent } from '../platform/outbox.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/pagination.ts';
import { durationMs } from './businessHours.ts';
import { PastTurns } from './pastTurns.ts';
import type { Action, Rule, RuleInput } from './rule.ts';
import { OrgCache, ruleOf } from './ruleIndex.ts';
import { executeRun, type RunResult } from './run.ts';
import { checkReferences, loadRule, requireManager } from './service.ts';

type DryRunEntry = ReturnType<typeof entryOf>;

class DryRunDone extends Error {
  constructor(readonly results: DryRunEntry[]) {
    super('dry run rolled back');
  }
}

const DRY_RUN_MAX_EVENTS = 500;

/**
 * Replays the last `days` of the rule's trigger events through it inside one
 * transaction that is always rolled back: what it would have created or
 * changed, with nothing written — each event as of its own time.
 */
export async function dryRun(deps: Deps, actor: Actor, input: { ruleId: string; days: number }) {
  requireManager(actor);
  const rule = ruleOf(await loadRule(deps.db, actor.orgId, input.ruleId));
  return replayRule(deps, actor, { rule, days: input.days });
}

/** The same for a rule not saved yet (the form's definition), checked as a create would check it. */
export async function dryRunDraft(deps: Deps, actor: Actor, input: { rule: RuleInput; days: number }) {
  requireManager(actor);
  await checkReferences(deps.db, deps, actor, input.rule.actions, 'rule.');
  const { trigger, actions, name } = input.rule;
  const rule: Rule = { id: newId(), orgId: actor.orgId, name, enabled: true, playbook: null, trigger, actions };
  return { ...(await replayRule(deps, actor, { rule, days: input.days })), ruleId: null };
}

async function replayRule(deps: Deps, actor: Actor, input: { rule: Rule; days: number }) {
  const { rule, days } = input;
  const now = deps.clock.now();
  const events = await eventsOfTypes(deps.db, actor.orgId, [...new Set([rule.trigger.event, ...resolveEvents(rule)])], now - days * 86_400_000, DRY_RUN_MAX_EVENTS + 1);
  const truncated = events.length > DRY_RUN_MAX_EVENTS;
  const turns = await PastTurns.load(deps.db, { orgId: actor.orgId, actions: rule.actions, since: events[0]?.occurredAt ?? now });
  let results: DryRunEntry[] = [];
  try {
    await deps.db.transaction().execute(async (trx) => {
      const scoped: Deps = { ...deps, db: trx };
      const cache = new OrgCache(scoped);
      const entries: DryRunEntry[] = [];
      for (const event of events.slice(0, DRY_RUN_MAX_EVENTS)) {
        const result = await replay(scoped, { rule: { ...rule, enabled: true }, event, cache, turns });
        if (result) entries.push(entryOf(rule, event, result));
      }
      throw new DryRunDone(entries);
    });
  } catch (error) {
    if (!(error instanceof DryRunDone)) throw error;
    results = error.results;
  }
  return {
    ruleId: rule.id,
    days,
    eventsConsidered: Math.min(events.length, DRY_RUN_MAX_EVENTS),
    truncated,
    wouldCreate: results.reduce((n, r) => n + r.wouldCreate.length, 0),
    wouldChange: results.reduce((n, r) => n + r.wouldChange.length, 0),
    results,
  };
}

function entryOf(rule: Rule, event: StoredEvent, result: RunResult) {
  return {
    eventId: event.id,
    eventType: event.type,
    occurredAt: iso(event.occurredAt),
    asOf: iso(event.occurredAt + durationMs(rule.trigger.delay)),
    subject: event.subject,
    outcome: result.outcome,
    wouldCreate: result.created.map((t) => ({
      title: t.title,
      priority: t.priority,
      dueAt: t.dueAt,
      assigneeId: t.assigneeId,
      teamId: t.teamId,
      status: t.status,
      links: t.links,
      checklist: t.checklist.map((c) => c.text),
      cannotReconstruct: result.unknowns.get(t.id) ?? [],
    })),
    wouldChange: result.changed,
    wouldNotify: result.notices,
    notes: result.notes,
  };
}

/**
 * One event replayed in its own savepoint. The worker may make the rule's task for the same record while
 * this run looks (on PostgreSQL the insert then waits for the worker's commit and fails on the one-open-task
 * index): the savepoint keeps the dry run's transaction usable, and looking again finds the worker's task.
 */
async function replay(deps: Deps, input: { rule: Rule; event: StoredEvent; cache: OrgCache; turns: PastTurns }, attempt = 1): Promise<RunResult | null> {
  const { turns, ...run } = input;
  try {
    return await withSavepoint(deps.db, 'dry_run_event', () => executeRun(deps, { ...run, mode: { mode: 'dry', turns } }));
  } catch (error) {
    if (isUniqueViolation(error) && attempt < 3) return replay(deps, input, attempt + 1);
    throw error;
  }
}

function resolveEvents(rule: { actions: Action[] }): string[] {
  return rule.actions.flatMap((a) => (a.type === 'create_task' && a.resolveWhen ? [a.resolveWhen.event] : []));
}
