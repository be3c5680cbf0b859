// Use cases of automation: rules (managers and above) and the run log. Dry
// runs, playbooks and events an integration posts (inbound.ts) have files of their own.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid, NotFound, Stale } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { countPendingEvents } from '../platform/outbox.ts';
import { decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import { recordAudit } from '../audit/service.ts';
import * as notifications from '../notifications/service.ts';
import * as people from '../people/service.ts';
import * as webhooks from '../webhooks/service.ts';
import { type Action, type RuleInput, type RuleView, type UpdateRuleInput, RUN_OUTCOMES } from './rule.ts';
import * as store from './store.ts';
import { ruleOf } from './ruleIndex.ts';

export const requireManager = (actor: Actor) => people.requireRole(actor, 'manager');

export function presentStats(stats: store.RuleStatsRow | undefined): RuleView['stats'] {
  const evaluated = Number(stats?.evaluated ?? 0);
  const missed = Number(stats?.missed ?? 0);
  const at = (instant: number | null | undefined) => (instant === null || instant === undefined ? null : iso(Number(instant)));
  return { evaluated, matched: evaluated - missed, missed, lastEvaluatedAt: at(stats?.last_evaluated_at), lastFiredAt: at(stats?.last_fired_at) };
}

export function presentRule(row: store.RuleRow, stats?: store.RuleStatsRow): RuleView {
  const rule = ruleOf(row);
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    trigger: rule.trigger,
    actions: rule.actions as unknown as Record<string, unknown>[],
    playbook: row.playbook_key,
    createdById: row.created_by_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
    stats: presentStats(stats),
  };
}

// --- rules ----------------------------------------------------------------

/** Whether a playbook is installed here (its rules may have been edited since). */
export function hasPlaybookInstalled(deps: Pick<Deps, 'db'>, orgId: string): Promise<boolean> {
  return store.hasPlaybookRule(deps.db, orgId);
}

export async function listRules(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  requireManager(actor);
  const after = page.cursor ? String(decodeCursor(page.cursor, ['text'])[0]) : undefined;
  const rows = await store.listRules(deps.db, actor.orgId, { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  const stats = new Map((await store.ruleStats(deps.db, actor.orgId, items.map((r) => r.id))).map((s) => [s.rule_id, s]));
  return { items: items.map((r) => presentRule(r, stats.get(r.id))), nextCursor };
}

export async function getRule(deps: Deps, actor: Actor, id: string) {
  requireManager(actor);
  const row = await loadRule(deps.db, actor.orgId, id);
  const [stats] = await store.ruleStats(deps.db, actor.orgId, [id]);
  return presentRule(row, stats);
}

export async function loadRule(db: Db, orgId: string, id: string): Promise<store.RuleRow> {
  const row = await store.findRule(db, orgId, id);
  if (!row) throw new NotFound('Rule');
  return row;
}

/** A rule as the API takes it; `playbookKey` names the playbook rule it was installed from. */
export async function createRule(deps: Deps, actor: Actor, input: RuleInput & { playbookKey?: string | null }) {
  const playbookKey = input.playbookKey ?? null;
  requireManager(actor);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    await checkReferences(trx, deps, actor, input.actions);
    const row: store.RuleRow = {
      id: newId(),
      org_id: actor.orgId,
      name: input.name,
      enabled: input.enabled ? 1 : 0,
      event_type: input.trigger.event,
      definition: JSON.stringify({ trigger: input.trigger, actions: input.actions }),
      playbook_key: playbookKey,
      created_by_id: actor.userId,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await store.insertRule(trx, row);
    const data = { name: input.name, event: input.trigger.event, enabled: input.enabled, playbook: playbookKey };
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'rule.created', subject: { type: 'rule', id: row.id }, data }, now);
    return presentRule(row);
  });
}

export async function updateRule(deps: Deps, actor: Actor, change: { id: string; input: UpdateRuleInput; ifVersion?: number }) {
  const { id, input, ifVersion } = change;
  requireManager(actor);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await loadRule(trx, actor.orgId, id);
    if (ifVersion !== undefined && ifVersion !== row.version) throw new Stale(row.version);
    const current = ruleOf(row);
    const trigger = input.trigger ?? current.trigger;
    const actions = input.actions ?? current.actions;
    if (input.actions) await checkReferences(trx, deps, actor, input.actions);
    const set = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.enabled !== undefined && { enabled: input.enabled ? 1 : 0 }),
      event_type: trigger.event,
      definition: JSON.stringify({ trigger, actions }),
      updated_at: now,
      version: row.version + 1,
    };
    if (!(await store.updateRule(trx, actor.orgId, id, row.version, set))) throw new Stale(row.version + 1);
    const fields = Object.keys(input).filter((k) => input[k as keyof UpdateRuleInput] !== undefined);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'rule.changed', subject: { type: 'rule', id }, data: { name: row.name, fields } }, now);
    const [stats] = await store.ruleStats(trx, actor.orgId, [id]);
    return presentRule({ ...row, ...set }, stats);
  });
}

export async function deleteRule(deps: Deps, actor: Actor, target: { id: string; ifVersion?: number }): Promise<void> {
  const { id, ifVersion } = target;
  requireManager(actor);
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadRule(trx, actor.orgId, id);
    if (ifVersion !== undefined && ifVersion !== row.version) throw new Stale(row.version);
    await store.deleteRule(trx, actor.orgId, id);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'rule.deleted', subject: { type: 'rule', id }, data: { name: row.name } }, deps.clock.now());
  });
}

/** Users and teams a rule names must be this organisation's: a 400 naming the field otherwise. */
/** The people, teams and webhooks a rule's actions name exist in the organisation; a 400 names each that does not (under `prefix`). */
export async function checkReferences(db: Db, deps: Deps, actor: Actor, actions: Action[], prefix = ''): Promise<void> {
  const scoped = { ...deps, db };
  const refs: { path: string; kind: 'user' | 'team' | 'webhook'; id: string }[] = [];
  actions.forEach((a, i) => {
    const at = `${prefix}actions.${i}`;
    if ((a.type === 'create_task' || a.type === 'assign') && a.assign) {
      if (a.assign.strategy === 'user') refs.push({ path: `${at}.assign.userId`, kind: 'user', id: a.assign.userId });
      if (a.assign.strategy === 'round_robin' || a.assign.strategy === 'least_loaded') refs.push({ path: `${at}.assign.teamId`, kind: 'team', id: a.assign.teamId });
    }
    if (a.type === 'create_task' && a.teamId) refs.push({ path: `${at}.teamId`, kind: 'team', id: a.teamId });
    if (a.type === 'escalate' && a.to !== 'team_manager') refs.push({ path: `${at}.to.userId`, kind: 'user', id: a.to.userId });
    if (a.type === 'notify' && typeof a.to === 'object') {
      if ('userId' in a.to) refs.push({ path: `${at}.to.userId`, kind: 'user', id: a.to.userId });
      else refs.push({ path: `${at}.to.teamId`, kind: 'team', id: a.to.teamId });
    }
    if (a.type === 'webhook') refs.push({ path: `${at}.webhookId`, kind: 'webhook', id: a.webhookId });
  });
  const errors: { path: string; message: string }[] = [];
  for (const ref of refs) {
    try {
      if (ref.kind === 'user') await people.getUser(scoped, actor, ref.id);
      else if (ref.kind === 'team') await people.getTeam(scoped, actor, ref.id);
      else if (!(await webhooks.webhookExists(db, actor.orgId, ref.id))) throw new NotFound('Webhook');
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      errors.push({ path: ref.path, message: `no such ${ref.kind}` });
    }
  }
  if (errors.length > 0) throw new Invalid(`The rule names ${errors.length === 1 ? 'a user or team' : 'users or teams'} this organisation does not have: ${errors.map((e) => e.path).join(', ')}`, errors);
}

// --- runs -----------------------------------------------------------------

export function presentRun(row: store.RunRow) {
  return {
    id: row.id,
    ruleId: row.rule_id,
    eventId: row.event_id,
    eventType: row.event_type,
    depth: row.depth,
    outcome: row.outcome as (typeof RUN_OUTCOMES)[number],
    at: iso(row.at),
    durationMs: row.duration_ms,
    createdTaskIds: JSON.parse(row.created_task_ids) as string[],
    changedTaskIds: JSON.parse(row.changed_task_ids) as string[],
    error: row.error,
    detail: row.detail,
  };
}

export async function listRuns(deps: Deps, actor: Actor, query: store.RunFilter & { limit: number; cursor?: string }) {
  requireManager(actor);
  const before = query.cursor ? String(decodeCursor(query.cursor, ['text'])[0]) : undefined;
  const rows = await store.listRuns(deps.db, actor.orgId, query, { limit: query.limit + 1, before });
  const { items, nextCursor } = pageOf(rows, query.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentRun), nextCursor };
}

/** How automation is keeping up: events not yet handled, timers not yet fired, runs by outcome, rule checks and misses (rules existing now). */
export async function automationStatus(deps: Deps, actor: Actor) {
  requireManager(actor);
  const [pendingEvents, pendingTimers, runs, stats] = await Promise.all([
    countPendingEvents(deps.db, actor.orgId),
    store.countPendingTimers(deps.db, actor.orgId),
    store.countRunsByOutcome(deps.db, actor.orgId),
    store.ruleStats(deps.db, actor.orgId),
  ]);
  const sum = (column: 'evaluated' | 'missed') => stats.reduce((n, s) => n + Number(s[column]), 0);
  return {
    pendingEvents,
    pendingTimers,
    runs: Object.fromEntries(RUN_OUTCOMES.map((o) => [o, runs[o] ?? 0])) as Record<(typeof RUN_OUTCOMES)[number], number>,
    evaluated: sum('evaluated'),
    missed: sum('missed'),
  };
}

/** Runs per rule and outcome logged inside [from, to) (the automation report counts them beside the tasks). */
export async function runCountsByRule(deps: Deps, actor: Actor, window: { from: number; to: number }): Promise<Map<string, Record<(typeof RUN_OUTCOMES)[number], number>>> {
  requireManager(actor);
  const byRule = new Map<string, Record<(typeof RUN_OUTCOMES)[number], number>>();
  for (const row of await store.runCountsByRule(deps.db, actor.orgId, window)) {
    let counts = byRule.get(row.rule_id);
    if (!counts) byRule.set(row.rule_id, (counts = Object.fromEntries(RUN_OUTCOMES.map((o) => [o, 0])) as Record<(typeof RUN_OUTCOMES)[number], number>));
    counts[row.outcome as (typeof RUN_OUTCOMES)[number]] = Number(row.count);
  }
  return byRule;
}

/** What rules told me (notify, escalate): my notifications of kinds rule and escalated, as they always read here. */
export async function listNotices(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  const { items, nextCursor } = await notifications.listRuleNotices(deps, actor, page);
  return {
    items: items.map((r) => {
      const [eventId, ruleId] = r.source_key.split(':');
      return { id: r.id, userId: r.user_id, message: r.message, taskId: r.task_id, ruleId: ruleId || null, eventId: eventId || null, createdAt: iso(r.created_at) };
    }),
    nextCursor,
  };
}
