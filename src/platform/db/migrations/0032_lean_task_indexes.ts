// Migration 0032_lean_task_indexes (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The indexes on tasks hold what their queries read, not every task: most
 * tasks are closed, and the widest indexes were there for the open ones.
 * - tasks_report_open holds the open tasks only (active = 1; every query of it
 *   says so, as a literal). Everyone's closed tasks by due date are read from
 *   tasks_counts_status instead, now (org, status, active, due_sort, id,
 *   priority, due_at): one status's tasks in due order, and the counts per
 *   status still index-only. Its team and assignee are gone: the counts
 *   narrowed to either read tasks_counts_team or tasks_counts_assignee.
 * - A person's closed tasks by due date are read from tasks_counts_assignee,
 *   now (org, assignee, status, active, due_sort, id, priority, due_at, team),
 *   the shape tasks_counts_team has; on SQLite tasks_assignee_due then holds
 *   the open tasks only, as tasks_team_due does (0030). PostgreSQL keeps it
 *   whole, for the reason 0030 gives: its planner took so small an index for
 *   the open-work reports, reading each row, over tasks_report_open alone.
 * - tasks_report_completed holds the completed tasks only (completed_at is
 *   not null; every query of it bounds completed_at, which says as much).
 * - SQLite only: tasks_report_team is dropped. Each status change finds its
 *   task by the primary key and reads the team and source from the row; no
 *   other index covers both any more, so SQLite without statistics cannot
 *   take a whole organisation's range for that lookup (what 0029 guarded
 *   against). PostgreSQL dropped it in 0024.
 * On SQLite the planner's statistics of the rebuilt indexes are written from
 * the old ones (scaled to the entries each now holds), as 0030 does: a
 * database analyzed before keeps planning with figures, not defaults.
 */
export function leanTaskIndexes(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const old = dialect === 'sqlite' ? await statisticsOf(db) : null;
      const s = db.schema;
      await s.dropIndex('tasks_report_open').execute();
      await sql`
        create index tasks_report_open on tasks (org_id, due_sort, id, assignee_id, team_id, priority, status, created_at, updated_at, source_kind)
        where active = 1`.execute(db);
      await s.dropIndex('tasks_counts_status').execute();
      await s.createIndex('tasks_counts_status').on('tasks').columns(['org_id', 'status', 'active', 'due_sort', 'id', 'priority', 'due_at']).execute();
      if (dialect === 'sqlite') {
        await s.dropIndex('tasks_assignee_due').execute();
        await sql`create index tasks_assignee_due on tasks (org_id, assignee_id, due_sort, id) where active = 1`.execute(db);
      }
      await s.dropIndex('tasks_counts_assignee').execute();
      await s
        .createIndex('tasks_counts_assignee')
        .on('tasks')
        .columns(['org_id', 'assignee_id', 'status', 'active', 'due_sort', 'id', 'priority', 'due_at', 'team_id'])
        .execute();
      await s.dropIndex('tasks_report_completed').execute();
      await sql`
        create index tasks_report_completed on tasks (org_id, completed_at, created_at, due_at, assignee_id, team_id, priority, source_kind, source_rule_id)
        where completed_at is not null`.execute(db);
      if (dialect === 'sqlite') await s.dropIndex('tasks_report_team').execute();
      if (old) await writeStatistics(db, old);
    },
  };
}

type Figures = Record<'open' | 'counts' | 'assigneeDue' | 'countsAssignee' | 'completed', number[]>;

const REBUILT = ['tasks_report_open', 'tasks_counts_status', 'tasks_assignee_due', 'tasks_counts_assignee', 'tasks_report_completed', 'tasks_report_team'];

/** The old indexes' statistics (null when the database was never analyzed): each a row count, then entries per value of the leading columns. */
async function statisticsOf(db: Kysely<unknown>): Promise<Figures | null> {
  const present = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(present.rows[0]!.n) === 0) return null;
  const rows = await sql<{ idx: string; stat: string }>`select idx, stat from sqlite_stat1 where tbl = 'tasks'`.execute(db);
  const figures = (index: string) => (rows.rows.find((row) => row.idx === index)?.stat ?? '').split(' ').filter((n) => /^\d+$/.test(n)).map(Number);
  const old: Figures = {
    open: figures('tasks_report_open'),
    counts: figures('tasks_counts_status'),
    assigneeDue: figures('tasks_assignee_due'),
    countsAssignee: figures('tasks_counts_assignee'),
    completed: figures('tasks_report_completed'),
  };
  if (old.counts.length === 0 || old.counts[0] === 0) return null;
  // Dropping an index drops its row too; this says so whatever the version.
  await sql`delete from sqlite_stat1 where tbl = 'tasks' and idx in (${sql.join(REBUILT)})`.execute(db);
  return old;
}

/**
 * New figures from the old: an index's entries, then entries per value of
 * each leading column. A partial index's leading figures are the old ones
 * scaled to the entries it holds; a due date is as selective as it was in the
 * old index that had it after the same equalities; from the task's id on, one.
 */
async function writeStatistics(db: Kysely<unknown>, old: Figures): Promise<void> {
  const tasks = old.counts[0]!;
  const open = await entriesOf(db, sql`select count(*) as n from tasks where active = 1`);
  const completed = await entriesOf(db, sql`select count(*) as n from tasks where completed_at is not null`);
  const scaled = (entries: number, figures: (number | undefined)[]) => figures.map((n) => Math.max(1, Math.round(((n ?? tasks) * entries) / tasks)));
  const ones = (n: number) => Array<number>(n).fill(1);
  const at = (figures: number[], i: number) => figures[i] ?? 1;
  const rows: [string, number[]][] = [];
  // (org, due_sort, id, …): the old (org, active, due_sort, id, …) without active.
  if (old.open.length >= 4) rows.push(['tasks_report_open', [open, ...scaled(open, [old.open[1]]), at(old.open, 3), ...ones(8)]]);
  // (org, status, active, due_sort, id, priority, due_at): a due date per status as selective as it was per open or closed.
  rows.push(['tasks_counts_status', [...old.counts.slice(0, 4), at(old.open, 3), ...ones(3)]]);
  // (org, assignee, due_sort, id): the old (org, assignee, active, due_sort, id) without active.
  if (old.assigneeDue.length >= 5) rows.push(['tasks_assignee_due', [open, ...scaled(open, [old.assigneeDue[1], old.assigneeDue[2]]), at(old.assigneeDue, 4), 1]]);
  // (org, assignee, status, active, due_sort, id, …): a due date per person and status as the old index had a due date per priority.
  if (old.countsAssignee.length >= 5) rows.push(['tasks_counts_assignee', [...old.countsAssignee.slice(0, 5), at(old.countsAssignee, 6), ...ones(4)]]);
  if (old.completed.length >= 3) rows.push(['tasks_report_completed', [completed, ...scaled(completed, [old.completed[1], old.completed[2]]), ...ones(7)]]);
  for (const [index, figures] of rows) await sql`insert into sqlite_stat1 (tbl, idx, stat) values ('tasks', ${index}, ${figures.join(' ')})`.execute(db);
  // Reloads the statistics into the planner without analyzing anything.
  await sql`analyze sqlite_schema`.execute(db);
}

async function entriesOf(db: Kysely<unknown>, query: RawBuilder<{ n: number }>): Promise<number> {
  const result = await query.execute(db);
  return Number(result.rows[0]!.n);
}
