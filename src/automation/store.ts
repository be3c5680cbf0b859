// Every query about rules, their runs, time triggers and round-robin turns.
import { type Selectable, sql } from 'kysely';
import { QueryShapes } from '../platform/db/database.ts';
import { explainQuery, lockRows } from '../platform/db/dialect.ts';
import type { AutomationRunsTable, AutomationTimersTable, Db, RulesTable, RuleStatsTable } from '../platform/db/schema.ts';

export type RuleRow = Selectable<RulesTable>;
export type RunRow = Selectable<AutomationRunsTable>;
export type TimerRow = Selectable<AutomationTimersTable>;

/** The worker's statements run for every rule run and every task event (run slots, run logs, timers), compiled once per shape. */
const hot = new QueryShapes();

// --- rules ----------------------------------------------------------------

export async function insertRule(db: Db, row: RuleRow): Promise<void> {
  await db.insertInto('rules').values(row).execute();
}

export function findRule(db: Db, orgId: string, id: string) {
  return db.selectFrom('rules').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findRuleByPlaybookKey(db: Db, orgId: string, key: string) {
  return db.selectFrom('rules').selectAll().where('org_id', '=', orgId).where('playbook_key', '=', key).executeTakeFirst();
}

/** Whether any of the organisation's rules came from a playbook. */
export async function hasPlaybookRule(db: Db, orgId: string): Promise<boolean> {
  const row = await db.selectFrom('rules').select('id').where('org_id', '=', orgId).where('playbook_key', 'is not', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

export function listRules(db: Db, orgId: string, page: { limit: number; after?: string }) {
  let query = db.selectFrom('rules').selectAll().where('org_id', '=', orgId);
  if (page.after) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
}

/** Every enabled rule of an organisation: the worker matches an event against them. */
export function enabledRules(db: Db, orgId: string) {
  return db.selectFrom('rules').selectAll().where('org_id', '=', orgId).where('enabled', '=', 1).orderBy('id').execute();
}

export async function updateRule(db: Db, orgId: string, id: string, version: number, set: Partial<RuleRow>): Promise<boolean> {
  const result = await db.updateTable('rules').set(set).where('org_id', '=', orgId).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteRule(db: Db, orgId: string, id: string): Promise<void> {
  await db.deleteFrom('automation_timers').where('org_id', '=', orgId).where('rule_id', '=', id).where('fired_at', 'is', null).execute();
  await db
    .updateTable('automation_runs')
    .set({ outcome: 'skipped', detail: 'the rule was deleted before it ran' })
    .where('org_id', '=', orgId)
    .where('rule_id', '=', id)
    .where('outcome', '=', 'scheduled')
    .execute();
  await db.deleteFrom('rule_stats').where('org_id', '=', orgId).where('rule_id', '=', id).execute();
  await db.deleteFrom('rules').where('org_id', '=', orgId).where('id', '=', id).execute();
}

// --- per-rule counters --------------------------------------------------------

export type RuleStatsRow = Selectable<RuleStatsTable>;

/** What one worker batch adds to each rule's counters. */
export interface RuleTally {
  orgId: string;
  ruleId: string;
  evaluated: number;
  missed: number;
  lastEvaluatedAt: number;
  lastFiredAt: number | null;
}

const later = (column: 'last_evaluated_at' | 'last_fired_at') =>
  sql<number | null>`case when ${sql.ref(`rule_stats.${column}`)} is null or ${sql.ref(`excluded.${column}`)} > ${sql.ref(`rule_stats.${column}`)} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`rule_stats.${column}`)} end`;

/** Adds a batch's tallies to the counters: one statement for every rule the batch touched. */
export async function addRuleStats(db: Db, tallies: RuleTally[]): Promise<void> {
  for (let i = 0; i < tallies.length; i += 500) {
    await db
      .insertInto('rule_stats')
      .values(
        tallies.slice(i, i + 500).map((t) => ({
          org_id: t.orgId,
          rule_id: t.ruleId,
          evaluated: t.evaluated,
          missed: t.missed,
          last_evaluated_at: t.lastEvaluatedAt,
          last_fired_at: t.lastFiredAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['org_id', 'rule_id']).doUpdateSet({
          evaluated: sql`${sql.ref('rule_stats.evaluated')} + ${sql.ref('excluded.evaluated')}`,
          missed: sql`${sql.ref('rule_stats.missed')} + ${sql.ref('excluded.missed')}`,
          last_evaluated_at: later('last_evaluated_at'),
          last_fired_at: later('last_fired_at'),
        }),
      )
      .execute();
  }
}

/** The counters of these rules (all of the organisation's when no ids are given). */
export function ruleStats(db: Db, orgId: string, ruleIds?: string[]): Promise<RuleStatsRow[]> {
  let query = db.selectFrom('rule_stats').selectAll().where('org_id', '=', orgId);
  if (ruleIds) {
    if (ruleIds.length === 0) return Promise.resolve([]);
    query = query.where('rule_id', 'in', ruleIds);
  }
  return query.execute();
}

/** Runs per rule and outcome for one organisation, optionally only those logged inside [from, to). */
export function runCountsByRule(db: Db, orgId: string, window?: { from: number; to: number }) {
  let query = db
    .selectFrom('automation_runs')
    .select(['rule_id', 'outcome', (eb) => eb.fn.countAll<number>().as('count')])
    .where('org_id', '=', orgId);
  if (window) query = query.where('at', '>=', window.from).where('at', '<', window.to);
  return query.groupBy(['rule_id', 'outcome']).execute();
}

// --- runs -----------------------------------------------------------------

/**
 * Takes the (event, rule) slot for a run; false when another delivery of the
 * event already has it. Inside the run's transaction, so a run that rolls
 * back frees the slot with everything else it did.
 */
export async function claimRun(db: Db, row: RunRow): Promise<boolean> {
  const taken = await hot.run(db, `claimRun:${Object.keys(row).join(',')}`, Object.values(row), () =>
    db
      .insertInto('automation_runs')
      .values(row)
      .onConflict((oc) => oc.columns(['event_id', 'rule_id']).doNothing())
      .returning('id'),
  );
  return taken.length === 1;
}

/** Gives back a slot claimed for a run that did nothing worth logging (its conditions did not hold). */
export async function dropRun(db: Db, id: string): Promise<void> {
  await db.deleteFrom('automation_runs').where('id', '=', id).execute();
}

export function findRunOf(db: Db, eventId: string, ruleId: string) {
  return db.selectFrom('automation_runs').selectAll().where('event_id', '=', eventId).where('rule_id', '=', ruleId).executeTakeFirst();
}

export async function finishRun(db: Db, id: string, set: Partial<RunRow>): Promise<void> {
  await hot.run(db, `finishRun:${Object.keys(set).join(',')}`, [...Object.values(set), id], () => db.updateTable('automation_runs').set(set).where('id', '=', id));
}

export interface RunFilter {
  ruleId?: string;
  eventId?: string;
  outcome?: string;
}

/** Newest first, keyset on the (time-sortable) id. */
export function listRuns(db: Db, orgId: string, filter: RunFilter, page: { limit: number; before?: string }) {
  let query = db.selectFrom('automation_runs').selectAll().where('org_id', '=', orgId);
  if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId);
  if (filter.eventId) query = query.where('event_id', '=', filter.eventId);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (page.before) query = query.where('id', '<', page.before);
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}

// --- time triggers --------------------------------------------------------

export interface PlannedTimer {
  orgId: string;
  key: string;
  kind: string;
  subject: { type: string; id: string };
  ruleId?: string;
  eventId?: string;
  basis: number | null;
  fireAt: number;
}

/**
 * Plans (or re-plans) a timer. Planned again from the same basis it stays as
 * it is — fired or not — so a timer fires once per due date however often the
 * subject changes in other ways; a new basis re-arms it.
 */
export async function planTimer(db: Db, timer: PlannedTimer, id: string): Promise<void> {
  const row = {
    id,
    org_id: timer.orgId,
    key: timer.key,
    kind: timer.kind,
    subject_type: timer.subject.type,
    subject_id: timer.subject.id,
    rule_id: timer.ruleId ?? null,
    event_id: timer.eventId ?? null,
    basis: timer.basis,
    fire_at: timer.fireAt,
    fired_at: null,
  };
  await hot.run(db, 'planTimer', Object.values(row), () =>
    db
      .insertInto('automation_timers')
      .values(row)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          fire_at: sql`case when ${sql.ref('automation_timers.basis')} = ${sql.ref('excluded.basis')} then ${sql.ref('automation_timers.fire_at')} else ${sql.ref('excluded.fire_at')} end`,
          fired_at: sql`case when ${sql.ref('automation_timers.basis')} = ${sql.ref('excluded.basis')} then ${sql.ref('automation_timers.fired_at')} else null end`,
          basis: sql.ref('excluded.basis'),
        }),
      ),
  );
}

/** Drops a subject's timers that have not fired (optionally only some kinds). */
export async function cancelTimers(db: Db, orgId: string, subject: { type: string; id: string }, kinds?: string[]): Promise<void> {
  let query = db
    .deleteFrom('automation_timers')
    .where('org_id', '=', orgId)
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .where('fired_at', 'is', null);
  if (kinds) query = query.where('kind', 'in', kinds);
  await query.execute();
}

/** The due-scan: one range of the partial index on fire_at, whatever the number of timers that are not due. */
export function dueTimersQuery(db: Db, now: number, limit: number) {
  return db
    .selectFrom('automation_timers')
    .selectAll()
    .where('fired_at', 'is', null)
    .where('fire_at', '<=', now)
    .orderBy('fire_at')
    .limit(limit);
}

export function dueTimers(db: Db, now: number, limit: number) {
  return dueTimersQuery(db, now, limit).execute();
}

/** Locks one due timer for firing; undefined when it fired already or another process holds it. */
export async function lockTimer(db: Db, id: string) {
  const query = db.selectFrom('automation_timers').selectAll().where('id', '=', id).where('fired_at', 'is', null);
  return lockRows(db, query, { skipLocked: true }).executeTakeFirst();
}

export async function markFired(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('automation_timers').set({ fired_at: now }).where('id', '=', id).execute();
}

/** The plan the engine makes for the due-scan, as text. */
export function explainDueScan(db: Db, now: number): Promise<string> {
  return explainQuery(db, dueTimersQuery(db, now, 500));
}

// --- round-robin turns ------------------------------------------------------

/** The team's next turn number; the row lock makes the count fair across processes. */
export async function nextTurn(db: Db, orgId: string, teamId: string): Promise<number> {
  const row = await db
    .insertInto('automation_turns')
    .values({ org_id: orgId, team_id: teamId, turn: 0 })
    .onConflict((oc) => oc.columns(['org_id', 'team_id']).doUpdateSet({ turn: sql`${sql.ref('automation_turns.turn')} + 1` }))
    .returning('turn')
    .executeTakeFirstOrThrow();
  return Number(row.turn);
}

/**
 * @deprecated Notices are notifications now (0006): call notifications/service.ts
 * notifyIn, which honours preferences and tells the person live. This writes a
 * plain in-app notification of kind rule, for callers written before it.
 */
export async function insertNotice(
  db: Db,
  row: { id: string; org_id: string; user_id: string; message: string; task_id: string | null; rule_id: string | null; event_id: string | null; created_at: number },
): Promise<void> {
  await db
    .insertInto('notifications')
    .values({
      id: row.id,
      org_id: row.org_id,
      user_id: row.user_id,
      kind: 'rule',
      source_key: `${row.event_id ?? row.id}:${row.rule_id ?? ''}`,
      task_id: row.task_id,
      message: row.message,
      created_at: row.created_at,
    })
    .onConflict((oc) => oc.columns(['source_key', 'user_id', 'kind']).doNothing())
    .execute();
}

// --- health -----------------------------------------------------------------

/** Runs per outcome for one organisation. */
export async function countRunsByOutcome(db: Db, orgId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('automation_runs')
    .select(['outcome', (eb) => eb.fn.countAll<number>().as('count')])
    .where('org_id', '=', orgId)
    .groupBy('outcome')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.count)]));
}

/** Timers of this organisation planned and not yet fired. */
export async function countPendingTimers(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('automation_timers')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('org_id', '=', orgId)
    .where('fired_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The turn a team's round robin last handed out, or null before its first. */
export async function currentTurn(db: Db, orgId: string, teamId: string): Promise<number | null> {
  const row = await db.selectFrom('automation_turns').select('turn').where('org_id', '=', orgId).where('team_id', '=', teamId).executeTakeFirst();
  return row ? Number(row.turn) : null;
}

/** When rules made the tasks given to a team since an instant (each took a turn of its round robin, when it used one). */
export async function ruleTaskTimesOfTeam(db: Db, orgId: string, teamId: string, since: number): Promise<number[]> {
  const rows = await db
    .selectFrom('tasks')
    .select('created_at')
    .where('org_id', '=', orgId)
    .where('team_id', '=', teamId)
    .where('source_kind', '=', 'rule')
    .where('created_at', '>=', since)
    .execute();
  return rows.map((r) => Number(r.created_at));
}
