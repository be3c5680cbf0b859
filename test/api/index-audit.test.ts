// Every index on tasks, task_history, task_links and events, each with the
// query that needs it, checked with EXPLAIN on both engines. An index added
// without a query here fails the first test; one no query uses any more fails
// its own. PostgreSQL is told to avoid sequential and bitmap scans and sorts
// (in the checking transaction only), so a table of a few rows is planned as
// a large one would be; SQLite plans an empty table as it plans any without
// statistics, which is the harder case.
import { type Compilable, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { explainQuery, dialectOfHandle } from '../../src/platform/db/dialect.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { claimableEvents, takeableEvents } from '../../src/platform/outbox.ts';
import { summariesBeside } from '../../src/records/service.ts';
import { countByStatusQuery, listPageQuery, listTasksQuery, mergedClosedPagesQuery } from '../../src/tasks/store.ts';
import { forEachDatabase } from '../support/harness.ts';

const OPEN = ['open', 'in_progress', 'waiting', 'blocked'] as const;
/** Open, as the queries write it: a literal, so both engines see that an index of open tasks only applies (migration 0032). */
const ACTIVE = sql.lit(1);

interface Need {
  /** The index's name on each engine (a primary key's differs). */
  index: string | { sqlite: string; postgres: string };
  why: string;
  query: (db: Db, org: string) => Compilable<unknown>;
  /** The index exists on this engine only. */
  only?: 'sqlite' | 'postgres';
  /** What else SQLite's plan must say (e.g. how much of the index is one range). */
  sqlitePlan?: RegExp;
  /** Another index that answers the query as well: which of the two the planner takes depends on its figures. */
  or?: string;
  /** The query merges this many pages, each read from one range in index order: the only sorts allowed are of those pages' rows. */
  merges?: number;
  /** An index the plan must not read (one that answers the query too, but reads more of it as the organisation grows). */
  avoid?: string;
}

const NEEDS: Need[] = [
  // tasks
  { index: { sqlite: 'sqlite_autoindex_tasks_1', postgres: 'tasks_pkey' }, why: 'a task by id (findTask)', query: (db, org) => db.selectFrom('tasks').selectAll().where('org_id', '=', org).where('id', '=', 't_1') },
  { index: 'tasks_org_number', why: 'a task by its number, and numbers unique per organisation (findTaskByNumber)', query: (db, org) => db.selectFrom('tasks').selectAll().where('org_id', '=', org).where('number', '=', 42) },
  {
    index: 'tasks_assignee_due',
    why: "My work: a person's open tasks by due date, 50 a page; on SQLite the index holds the open tasks only (listTasks, migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_assignee_due \(org_id=\? AND assignee_id=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { assigneeId: 'u_1', statuses: [...OPEN] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_assignee_due',
    avoid: 'tasks_report_open',
    why: "My work as the API reads it: on PostgreSQL the page with each row's linked records selected beside it, the page still the person's range of the index, not every open task of the organisation (listPageQuery)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_assignee_due \(org_id=\? AND assignee_id=\?\)/,
    query: (db, org) => listPageQuery(db, org, { assigneeId: 'u_1', statuses: [...OPEN] }, { key: 'due', descending: false }, { limit: 51 }, summariesBeside(db)),
  },
  {
    index: 'tasks_counts_assignee',
    why: "a person's tasks of one closed status by due date: one range in due order, no sort (migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_counts_assignee \(org_id=\? AND assignee_id=\? AND status=\? AND active=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { assigneeId: 'u_1', statuses: ['done'] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_team_due',
    why: "a team's open tasks by due date (listTasks): one range in due order",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_team_due \(org_id=\? AND team_id=\? AND active=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { teamId: 'team_1', statuses: [...OPEN] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_counts_team',
    why: "the team board's column of an open status, by priority then due date: its first 50 entries, no sort (migration 0030)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_counts_team \(org_id=\? AND team_id=\? AND status=\? AND active=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { teamId: 'team_1', statuses: ['open'] }, { key: 'priority', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_counts_team',
    why: "the team board's next page of a column: one range from the cursor on",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_counts_team \(org_id=\? AND team_id=\? AND status=\? AND active=\? AND \(priority_rank,due_sort,number\)>\(\?,\?,\?\)\)/,
    query: (db, org) => listTasksQuery(db, org, { teamId: 'team_1', statuses: ['in_progress'] }, { key: 'priority', descending: false }, { limit: 50, after: [1, 2, 3] }),
  },
  {
    index: 'tasks_team_done',
    why: "the team board's done column, last changed first: the team's last 50 done entries, whatever the backlog (migration 0030)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_team_done \(org_id=\? AND team_id=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { teamId: 'team_1', statuses: ['done'] }, { key: 'updated', descending: true }, { limit: 50 }),
  },
  {
    index: 'tasks_report_open',
    why: "everyone's open tasks by due date (listTasks without a person or team): the index holds the open tasks only, in due order (migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_report_open \(org_id=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { statuses: [...OPEN] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_counts_status',
    merges: 2,
    why: "everyone's done and cancelled tasks by due date: a page of each status's range, merged; not every closed task sorted (migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_counts_status \(org_id=\? AND status=\? AND active=\?\)[\s\S]*SEARCH tasks USING INDEX tasks_counts_status \(org_id=\? AND status=\? AND active=\?\)/,
    query: (db, org) => mergedClosedPagesQuery(db, org, { statuses: ['done', 'cancelled'] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_counts_assignee',
    merges: 2,
    why: "a person's done and cancelled tasks by due date: a page of each status's range, merged (migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_counts_assignee \(org_id=\? AND assignee_id=\? AND status=\? AND active=\?\)[\s\S]*SEARCH tasks USING INDEX tasks_counts_assignee/,
    query: (db, org) => mergedClosedPagesQuery(db, org, { assigneeId: 'u_1', statuses: ['done', 'cancelled'] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_counts_status',
    why: "everyone's tasks of one closed status by due date (the list's status filter): one range in due order, no sort (migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_counts_status \(org_id=\? AND status=\? AND active=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { statuses: ['done'] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  {
    index: 'tasks_team_due',
    why: "a team's closed tasks by due date, of one status or both: one range in due order, no sort of the team's whole history (on SQLite the index holds every task again, migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX tasks_team_due \(org_id=\? AND team_id=\? AND active=\?\)/,
    query: (db, org) => listTasksQuery(db, org, { teamId: 'team_1', statuses: ['done', 'cancelled'] }, { key: 'due', descending: false }, { limit: 50 }),
  },
  { index: 'tasks_org_created', why: 'the list sorted by creation (sort=created)', query: (db, org) => db.selectFrom('tasks').selectAll().where('tasks.org_id', '=', org).orderBy('created_at').orderBy('id').limit(50) },
  { index: 'tasks_org_updated', why: 'the list sorted by last change (sort=updated; sync clients)', query: (db, org) => db.selectFrom('tasks').selectAll().where('tasks.org_id', '=', org).orderBy('updated_at').orderBy('id').limit(50) },
  { index: 'tasks_org_dedupe', why: "a rule's task made once per subject: the unique key a second insert fails on", query: (db, org) => db.selectFrom('tasks').select('id').where('org_id', '=', org).where('dedupe_key', '=', 'rule:subject') },
  {
    index: 'tasks_org_automation',
    why: "the open tasks a rule made for a subject, to close or change them (findOpenByAutomationKey)",
    query: (db, org) => db.selectFrom('tasks').selectAll().where('org_id', '=', org).where('automation_key', '=', 'rule:subject').where('active', '=', 1),
  },
  {
    index: 'tasks_report_completed',
    why: 'reports: the tasks completed in a window, from the index alone',
    query: (db, org) =>
      db.selectFrom('tasks').select(['created_at', 'due_at', 'assignee_id', 'team_id', 'priority', 'source_kind', 'source_rule_id']).where('org_id', '=', org).where('completed_at', '>=', 1).where('completed_at', '<', 2),
  },
  {
    index: 'tasks_report_open',
    why: 'reports: unresolved work per team and status, from the index alone (pileUps)',
    query: (db, org) =>
      db.selectFrom('tasks').select([sql`team_id || ''`.as('team'), sql`status || ''`.as('status'), sql`count(*)`.as('n'), sql`min(created_at)`.as('oldest')]).where('org_id', '=', org).where('active', '=', ACTIVE).groupBy([sql`team_id || ''`, sql`status || ''`]),
  },
  {
    index: 'tasks_report_open',
    why: 'reports narrowed to a source: unresolved work per team and status, from the index alone too (its last column, source_kind, migration 0029)',
    sqlitePlan: /COVERING INDEX tasks_report_open \(org_id=\?\)/,
    query: (db, org) =>
      db
        .selectFrom('tasks')
        .select([sql`team_id || ''`.as('team'), sql`status || ''`.as('status'), sql`count(*)`.as('n'), sql`min(created_at)`.as('oldest')])
        .where('org_id', '=', org)
        .where('source_kind', '=', 'manual')
        .where('active', '=', ACTIVE)
        .groupBy([sql`team_id || ''`, sql`status || ''`]),
  },
  {
    index: 'sqlite_autoindex_tasks_1',
    only: 'sqlite',
    why: "reports: each status change's task found by its id, its team read from the row (tasks_report_team is gone, migration 0032)",
    sqlitePlan: /SEARCH tasks USING INDEX sqlite_autoindex_tasks_1 \(id=\?\)/,
    query: (db, org) =>
      db
        .selectFrom('task_history')
        .crossJoin('tasks')
        .select(['tasks.team_id', sql`count(*)`.as('n')])
        .whereRef('tasks.id', '=', 'task_history.task_id')
        .where('tasks.org_id', '=', org)
        .where('task_history.org_id', '=', org)
        .where('task_history.field', '=', sql.lit('status'))
        .where('task_history.at', '>=', 1)
        .groupBy('tasks.team_id'),
  },
  {
    index: 'sqlite_autoindex_tasks_1',
    only: 'sqlite',
    why: "filling the status-flow rollup (bulk loads, before any statistics): each change's task found by its id, never an organisation's range of another index (migration 0032)",
    sqlitePlan: /SEARCH t USING INDEX sqlite_autoindex_tasks_1 \(id=\?\)/,
    query: (db, org) =>
      db
        .selectFrom('task_history as h')
        .innerJoin('tasks as t', (join) => join.onRef('t.id', '=', 'h.task_id').onRef('t.org_id', '=', 'h.org_id'))
        .select([sql`coalesce(t.team_id, '')`.as('team'), 't.source_kind', sql`count(*)`.as('n')])
        .where('h.field', '=', sql.lit('status'))
        .where('h.org_id', '=', org)
        .groupBy([sql`coalesce(t.team_id, '')`, 't.source_kind']),
  },
  {
    index: 'tasks_counts_status',
    only: 'sqlite',
    why: "counts per status for the organisation, every status (GET /tasks/counts?status=all), from the index alone (PostgreSQL, with this test's few unvacuumed rows, reads them by tasks_org_updated instead)",
    query: (db, org) => countByStatusQuery(db, org, {}),
  },
  {
    index: 'tasks_counts_status',
    or: 'tasks_report_open',
    why: 'counts per open status for the organisation (GET /tasks/counts): a range per status, from the index alone (PostgreSQL may read the open tasks of tasks_report_open instead, as small)',
    sqlitePlan: /SEARCH tasks USING COVERING INDEX tasks_counts_status \(org_id=\? AND status=\? AND active=\?\)/,
    query: (db, org) => countByStatusQuery(db, org, { statuses: [...OPEN] }),
  },
  { index: 'tasks_counts_team', why: "counts per status of a team's tasks (the board's column counts)", query: (db, org) => countByStatusQuery(db, org, { teamId: 'team_1', statuses: [...OPEN] }) },
  {
    index: 'tasks_report_completed',
    why: "a report figure's tasks: those completed in its period, on time or late (counts with completedFrom/completedTo/timing)",
    query: (db, org) => countByStatusQuery(db, org, { statuses: ['done'], completedFrom: 1, completedTo: 2, timing: 'late' }),
  },
  {
    index: 'tasks_org_created',
    why: "a report figure's tasks: those a rule created in its period (counts with createdFrom/createdTo/rule)",
    query: (db, org) => countByStatusQuery(db, org, { createdFrom: 1, createdTo: 2, ruleId: 'rule_1' }),
  },
  { index: 'tasks_counts_assignee', why: "counts per status of a person's tasks (My work's counts)", query: (db, org) => countByStatusQuery(db, org, { assigneeId: 'u_1', statuses: [...OPEN] }) },
  // task_history
  {
    index: { sqlite: 'task_history', postgres: 'task_history_pk' },
    why: "a task's history in order (listHistory), and one person's tasks' status changes: the key is (task_id, at, id)",
    query: (db, org) => db.selectFrom('task_history').selectAll().where('org_id', '=', org).where('task_id', '=', 't_1').orderBy('at').orderBy('id'),
  },
  {
    index: 'task_history_status',
    why: "reports: the organisation's status changes in a window, from the index alone",
    query: (db, org) => db.selectFrom('task_history').select(['task_id', 'from_value', 'to_value', 'at']).where('org_id', '=', org).where('field', '=', sql.lit('status')).where('at', '>=', 1).where('at', '<', 2),
  },
  // task_links
  { index: { sqlite: 'task_links', postgres: 'task_links_pk' }, why: "a task's links, replaced on a change (replaceLinks); one link once per task", query: (db) => db.selectFrom('task_links').selectAll().where('task_id', '=', 't_1') },
  { index: 'task_links_record', why: "a record's tasks (?link=type:id)", query: (db, org) => db.selectFrom('task_links').select('task_id').where('org_id', '=', org).where('record_type', '=', 'job').where('record_id', '=', 'rec_1') },
  // events
  { index: { sqlite: 'events', postgres: 'events_pkey' }, why: 'the live stream from a Last-Event-ID (eventsAfter)', query: (db) => db.selectFrom('events').selectAll().where('seq', '>', 10).orderBy('seq').limit(100) },
  { index: 'events_pending', why: 'the worker claims the oldest unhandled events (claimEvents)', query: (db) => claimableEvents(db, 5, 100) },
  {
    index: 'events_pending',
    why: "a SQLite worker group reads the oldest unhandled events after the last it handled, not the table's whole rowid range past it (takeEvents)",
    only: 'sqlite',
    sqlitePlan: /SEARCH events USING INDEX events_pending \(seq>\?\)/,
    query: (db) => takeableEvents(db, 5, 100, 10),
  },
  { index: 'events_org_event_id', why: "an organisation's event by its id; ids unique per organisation (findEvent)", query: (db, org) => db.selectFrom('events').selectAll().where('org_id', '=', org).where('id', '=', 'inv-1') },
  {
    index: 'events_org_type',
    why: "a rule's dry run over an organisation's past events of its types (eventsOfTypes)",
    query: (db, org) => db.selectFrom('events').selectAll().where('org_id', '=', org).where('type', 'in', ['invoice.overdue']).where('occurred_at', '>=', 1).orderBy('occurred_at').orderBy('seq').limit(51),
  },
];

/** On SQLite, the tables stored as their key's b-tree (events by its rowid, the others WITHOUT ROWID, migration 0028). */
const KEYED_TABLES = ['events', 'task_history', 'task_links'];

const nameOn = (need: Need, dialect: 'sqlite' | 'postgres') => (typeof need.index === 'string' ? need.index : need.index[dialect]);

/** The plan, on PostgreSQL with sequential and bitmap scans and sorts made a last resort for this transaction only. */
async function planOf(db: Db, need: Need, org: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    if (dialectOfHandle(trx) === 'postgres') {
      for (const setting of ['enable_seqscan', 'enable_bitmapscan', 'enable_sort']) await sql.raw(`set local ${setting} = off`).execute(trx);
    }
    return explainQuery(trx, need.query(trx, org));
  });
}

async function indexesOf(db: Db): Promise<string[]> {
  const tables = ['tasks', 'task_history', 'task_links', 'events'];
  if (dialectOfHandle(db) === 'postgres') {
    const rows = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename in (${sql.join(tables)})`.execute(db);
    return rows.rows.map((r) => r.name).sort();
  }
  const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name in (${sql.join(tables)})`.execute(db);
  // These tables are their own key's b-tree on SQLite (events: its rowid, seq): no index is listed for the key, the plan names the table.
  return [...rows.rows.map((r) => r.name), ...KEYED_TABLES].sort();
}

forEachDatabase('every index on tasks, task_history, task_links and events pays for itself', (ctx) => {
  let org = '';
  // A few dozen tasks with their history, links and events, so PostgreSQL's statistics tell one index from another.
  beforeAll(async () => {
    const owner = await ctx.signup();
    org = owner.id;
    const job = await ctx.createRecord(owner.api, 'jobs');
    for (let i = 0; i < 40; i++) {
      const task = await ctx.createTask(owner.api, { title: `Task ${i}`, assigneeId: i % 2 === 0 ? owner.user.id : null, dueAt: new Date(ctx.clock.now() + i * 3600_000).toISOString(), ...(i % 5 === 0 ? { links: [{ type: 'job', id: job.id }] } : {}) });
      if (i % 3 === 0) await owner.api.patch(`/api/v1/tasks/${task.id}`, { status: 'done' });
    }
    if (ctx.dialect === 'postgres') await sql`analyze`.execute(ctx.server.deps.db);
  });

  it('lists a query for every index there is, and no index that is not there', async () => {
    const names = [...new Set(NEEDS.filter((need) => (need.only ?? ctx.dialect) === ctx.dialect).map((need) => nameOn(need, ctx.dialect)))].sort();
    expect(await indexesOf(ctx.server.deps.db)).toEqual(names);
  });

  for (const need of NEEDS) {
    it(`${typeof need.index === 'string' ? need.index : `the primary key of ${need.index.postgres.replace(/_(pkey|pk)$/, '')}`}: ${need.why}`, async () => {
      if (need.only !== undefined && need.only !== ctx.dialect) return;
      const plan = await planOf(ctx.server.deps.db, need, org);
      const name = nameOn(need, ctx.dialect);
      const uses = ctx.dialect === 'sqlite' && KEYED_TABLES.includes(name) ? new RegExp(`SEARCH ${name} USING (INTEGER )?PRIMARY KEY`) : new RegExp(`\\b(${name}|${need.or ?? name})\\b`);
      expect(plan, plan).toMatch(uses);
      // No sort of the rows the index hands over, where the query has an order.
      // (PostgreSQL's incremental sort of ties on seq in a range already in time order is allowed.)
      const sorts = plan.match(/USE TEMP B-TREE FOR ORDER BY|^\s*(->\s+)?Sort\s+\(/gm) ?? [];
      expect(sorts.length, plan).toBeLessThanOrEqual(need.merges ?? 0);
      // Nothing reads all the tasks (SQLite's SCAN of the table or one of its indexes; PostgreSQL's sequential scan, which it takes even when told not to if no index answers).
      expect(plan, plan).not.toMatch(/\bSCAN (tasks|t)\b|Seq Scan on tasks/);
      if (ctx.dialect === 'sqlite' && need.sqlitePlan) expect(plan, plan).toMatch(need.sqlitePlan);
      if (need.avoid) expect(plan, plan).not.toMatch(new RegExp(`\\b${need.avoid}\\b`));
    });
  }
});
