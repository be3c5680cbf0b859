// Migration 0032_lean_task_indexes (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The indexes on tasks hold what their queries read, not every task, and
 * break ties with the task's number instead of its id.
 * - Every list sorts by its columns then the task's number (unique in the
 *   organisation) instead of its id: an integer of a few bytes where a
 *   26-character id was, in each of the nine indexes that serve a list order.
 *   tasks_report_open keeps the id after the number: the reports join the
 *   open tasks to their links by it, from the index alone.
 * - tasks_report_open holds the open tasks only (active = 1; every query of it
 *   says so, as a literal). Everyone's closed tasks of one status by due date
 *   are read from tasks_counts_status instead, now (org, status, active,
 *   due_sort, number, priority, due_at): one range in due order, and the
 *   counts per status still one range each, in status order, from the index
 *   alone. Everyone's done and cancelled tasks together by due date are
 *   sorted (the web app asks for one status at a time; one range for both
 *   would take an index of its own). Its team and assignee are
 *   gone: the counts narrowed to either read tasks_counts_team or
 *   tasks_counts_assignee.
 * - tasks_counts_assignee is (org, assignee, status, active, due_sort, number,
 *   priority, due_at, team), the shape tasks_counts_team has: a person's
 *   tasks of one closed status in due order, and their counts per status. On
 *   SQLite tasks_assignee_due then holds the open tasks only (My work), as
 *   tasks_team_due did since 0030; a person's done and cancelled tasks together are
 *   sorted (0.8 ms for the busiest person at 100,000 tasks). PostgreSQL keeps
 *   it whole, for the reason 0030 gives: its planner took so small an index
 *   for the open-work reports, reading each row, over tasks_report_open.
 * - SQLite: tasks_team_due holds every task again, as on PostgreSQL, (org,
 *   team, active, due_sort, number): a team's closed tasks by due date were
 *   found in tasks_report_open's closed range; without it they would be all
 *   read and sorted (3.7 ms instead of 0.3 at 100,000 tasks).
 * - tasks_report_completed holds the completed tasks only (completed_at is
 *   not null; every query of it bounds completed_at, which says as much).
 * - SQLite only: tasks_report_team is dropped. Each status change finds its
 *   task by the primary key and reads the team and source from the row; no
 *   other index covers both any more, so SQLite without statistics cannot
 *   take a whole organisation's range for that lookup (what 0029 guarded
 *   against). PostgreSQL dropped it in 0024.
 * On SQLite the planner's statistics of the rebuilt indexes are written from
 * the old ones (scaled to the entries each now holds; a number is as unique
 * as the id it replaces), as 0030 does: a database analyzed before keeps
 * planning with figures, not defaults.
 */
export function leanTaskIndexes(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const old = dialect === 'sqlite' ? await statisticsOf(db) : null;
      const sqlite = dialect === 'sqlite';
      const rebuild = async (index: string, definition: RawBuilder<unknown>) => {
        await db.schema.dropIndex(index).execute();
        await definition.execute(db);
      };
      await rebuild(
        'tasks_report_open',
        sql`create index tasks_report_open on tasks (org_id, due_sort, number, id, assignee_id, team_id, priority, status, created_at, updated_at, source_kind) where active = 1`,
      );
      await rebuild('tasks_counts_status', sql`create index tasks_counts_status on tasks (org_id, status, active, due_sort, number, priority, due_at)`);
      await rebuild(
        'tasks_assignee_due',
        sqlite
          ? sql`create index tasks_assignee_due on tasks (org_id, assignee_id, due_sort, number) where active = 1`
          : sql`create index tasks_assignee_due on tasks (org_id, assignee_id, active, due_sort, number)`,
      );
      await rebuild('tasks_counts_assignee', sql`create index tasks_counts_assignee on tasks (org_id, assignee_id, status, active, due_sort, number, priority, due_at, team_id)`);
      await rebuild('tasks_team_due', sql`create index tasks_team_due on tasks (org_id, team_id, active, due_sort, number)`);
      await rebuild(
        'tasks_counts_team',
        sql`create index tasks_counts_team on tasks (org_id, team_id, status, active, priority_rank, due_sort, number, priority, due_at, assignee_id)`,
      );
      await rebuild('tasks_team_done', sql`create index tasks_team_done on tasks (org_id, team_id, updated_at, number) where status = 'done'`);
      await rebuild('tasks_org_created', sql`create index tasks_org_created on tasks (org_id, created_at, number)`);
      await rebuild('tasks_org_updated', sql`create index tasks_org_updated on tasks (org_id, updated_at, number)`);
      await rebuild(
        'tasks_report_completed',
        sql`create index tasks_report_completed on tasks (org_id, completed_at, created_at, due_at, assignee_id, team_id, priority, source_kind, source_rule_id)
          where completed_at is not null`,
      );
      if (sqlite) await db.schema.dropIndex('tasks_report_team').execute();
      if (old) await writeStatistics(db, old);
    },
  };
}

const REBUILT = [
  'tasks_report_open',
  'tasks_counts_status',
  'tasks_assignee_due',
  'tasks_counts_assignee',
  'tasks_team_due',
  'tasks_counts_team',
  'tasks_team_done',
  'tasks_org_created',
  'tasks_org_updated',
  'tasks_report_completed',
  'tasks_report_team',
] as const;

type Figures = Record<(typeof REBUILT)[number], number[]>;

/** The old indexes' statistics (null when the database was never analyzed): each a row count, then entries per value of the leading columns. */
async function statisticsOf(db: Kysely<unknown>): Promise<Figures | null> {
  const present = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(present.rows[0]!.n) === 0) return null;
  const rows = await sql<{ idx: string; stat: string }>`select idx, stat from sqlite_stat1 where tbl = 'tasks'`.execute(db);
  const figures = (index: string) => (rows.rows.find((row) => row.idx === index)?.stat ?? '').split(' ').filter((n) => /^\d+$/.test(n)).map(Number);
  const old = Object.fromEntries(REBUILT.map((index) => [index, figures(index)])) as Figures;
  if (old.tasks_counts_status.length === 0 || old.tasks_counts_status[0] === 0) return null;
  // Dropping an index drops its row too; this says so whatever the version.
  await sql`delete from sqlite_stat1 where tbl = 'tasks' and idx in (${sql.join([...REBUILT])})`.execute(db);
  return old;
}

/**
 * New figures from the old: an index's entries, then entries per value of
 * each leading column. A partial index's leading figures are the old ones
 * scaled to the entries it holds; a due date is as selective as it was in the
 * old index that had it after the same equalities; from the number on, one.
 * An index whose columns only traded the id for the number keeps its figures.
 */
async function writeStatistics(db: Kysely<unknown>, old: Figures): Promise<void> {
  const tasks = old.tasks_counts_status[0]!;
  const open = await entriesOf(db, sql`select count(*) as n from tasks where active = 1`);
  const completed = await entriesOf(db, sql`select count(*) as n from tasks where completed_at is not null`);
  const scaled = (entries: number, figures: (number | undefined)[]) => figures.map((n) => Math.max(1, Math.round(((n ?? tasks) * entries) / tasks)));
  const ones = (n: number) => Array<number>(n).fill(1);
  const at = (figures: number[], i: number) => figures[i] ?? 1;
  const { tasks_report_open: reportOpen, tasks_assignee_due: assigneeDue, tasks_counts_assignee: countsAssignee, tasks_report_completed: reportCompleted } = old;
  const rows: [string, number[]][] = [];
  // (org, due_sort, number, id, …): the old (org, active, due_sort, id, …) without active.
  if (reportOpen.length >= 4) rows.push(['tasks_report_open', [open, ...scaled(open, [reportOpen[1]]), at(reportOpen, 3), ...ones(9)]]);
  // (org, status, active, due_sort, number, priority, due_at): a due date per status as selective as it was per open or closed.
  rows.push(['tasks_counts_status', [...old.tasks_counts_status.slice(0, 4), at(reportOpen, 3), ...ones(3)]]);
  // SQLite's (org, assignee, due_sort, number): the old (org, assignee, active, due_sort, id) without active.
  if (assigneeDue.length >= 5) rows.push(['tasks_assignee_due', [open, ...scaled(open, [assigneeDue[1], assigneeDue[2]]), at(assigneeDue, 4), 1]]);
  // (org, assignee, status, active, due_sort, number, …): a due date per person as selective as it was per person and open or closed.
  if (countsAssignee.length >= 5) rows.push(['tasks_counts_assignee', [...countsAssignee.slice(0, 5), at(assigneeDue, 4), ...ones(4)]]);
  // (org, team, active, due_sort, number), every task: the team's figures of tasks_counts_team, divided by open or closed as the organisation's were.
  const team = old.tasks_counts_team;
  const perActive = at(reportOpen, 2) / Math.max(1, at(reportOpen, 1));
  if (team.length >= 3 && reportOpen.length >= 4 && old.tasks_team_due.length >= 4) {
    rows.push(['tasks_team_due', [tasks, at(team, 1), at(team, 2), Math.max(1, Math.round(at(team, 2) * perActive)), at(old.tasks_team_due, 3), 1]]);
  }
  if (reportCompleted.length >= 3) rows.push(['tasks_report_completed', [completed, ...scaled(completed, [reportCompleted[1], reportCompleted[2]]), ...ones(7)]]);
  for (const index of ['tasks_counts_team', 'tasks_team_done', 'tasks_org_created', 'tasks_org_updated'] as const) {
    if (old[index].length > 0) rows.push([index, old[index]]);
  }
  for (const [index, figures] of rows) await sql`insert into sqlite_stat1 (tbl, idx, stat) values ('tasks', ${index}, ${figures.join(' ')})`.execute(db);
  // Reloads the statistics into the planner without analyzing anything.
  await sql`analyze sqlite_schema`.execute(db);
}

async function entriesOf(db: Kysely<unknown>, query: RawBuilder<{ n: number }>): Promise<number> {
  const result = await query.execute(db);
  return Number(result.rows[0]!.n);
}
