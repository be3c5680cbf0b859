// Migration 0030_board_columns (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The team board's columns read one page of index entries, however many tasks
 * the team has. Each column is one status: open, in progress, waiting and
 * blocked by priority then due date, done most recently changed first. Before,
 * each read every task of its team and status and sorted them (at 1,000,000
 * tasks a team's done column was 85,000 tasks and 0.5 s).
 * - tasks_counts_team is (org, team, status, active, priority_rank, due_sort,
 *   id) and then what the counts also filter on (priority, due_at, assignee):
 *   a column's first page by priority is its first 50 entries (active follows
 *   from the status, so it does not break the order), and the counts per
 *   status stay index-only.
 * - tasks_team_done (org, team, updated_at, id) holds the done tasks only: the
 *   done column by last change is its team's last 50 entries.
 * - SQLite only: tasks_team_due (org, team, due_sort, id) holds the open
 *   tasks only (every query of it asks for active = 1). It held every task,
 *   most of them done; what that gives back pays for most of the two above.
 *   PostgreSQL keeps it whole: its planner took so small an index for the
 *   open-work reports too, reading the rows instead of tasks_report_open alone.
 * On SQLite the planner's statistics are written for the three (the old
 * indexes' figures, scaled to the entries each now holds), so a database
 * analyzed before keeps planning with figures instead of defaults.
 */
export function boardColumns(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const statistics = dialect === 'sqlite' ? await statisticsOf(db) : null;
      const s = db.schema;
      await s.dropIndex('tasks_counts_team').execute();
      await s
        .createIndex('tasks_counts_team')
        .on('tasks')
        .columns(['org_id', 'team_id', 'status', 'active', 'priority_rank', 'due_sort', 'id', 'priority', 'due_at', 'assignee_id'])
        .execute();
      if (dialect === 'sqlite') {
        await s.dropIndex('tasks_team_due').execute();
        await sql`create index tasks_team_due on tasks (org_id, team_id, due_sort, id) where active = 1`.execute(db);
      }
      await sql`create index tasks_team_done on tasks (org_id, team_id, updated_at, id) where status = 'done'`.execute(db);
      if (!statistics) return;
      const { tasks, counts, due, updated } = statistics;
      // Entries per organisation and per team, scaled from the whole table's to the part an index holds.
      const scaled = (entries: number, old: number[]) => [entries, ...[old[1], old[2]].map((n) => Math.max(1, Math.round(((n ?? tasks) * entries) / tasks)))];
      const open = await entriesOf(db, sql`select count(*) as n from tasks where active = 1`);
      const done = await entriesOf(db, sql`select count(*) as n from tasks where status = 'done'`);
      const rows: [string, number[]][] = [];
      // Per priority and due date as the old index's (status, active, priority, due_at); one per id from there on.
      if (counts.length >= 7) rows.push(['tasks_counts_team', [...counts.slice(0, 5), counts[5]!, counts[6]!, 1, 1, 1, 1]]);
      if (due.length >= 5) rows.push(['tasks_team_due', [...scaled(open, due), due[4]!, 1]]);
      if (due.length >= 3) rows.push(['tasks_team_done', [...scaled(done, due), updated[2] ?? 1, 1]]);
      for (const [index, figures] of rows) {
        await sql`delete from sqlite_stat1 where tbl = 'tasks' and idx = ${index}`.execute(db);
        await sql`insert into sqlite_stat1 (tbl, idx, stat) values ('tasks', ${index}, ${figures.join(' ')})`.execute(db);
      }
      // Reloads the statistics into the planner without analyzing anything.
      await sql`analyze sqlite_schema`.execute(db);
    },
  };
}

/** The old indexes' statistics (null when the database was never analyzed): each a row count, then entries per value of the leading columns. */
async function statisticsOf(db: Kysely<unknown>): Promise<{ tasks: number; counts: number[]; due: number[]; updated: number[] } | null> {
  const present = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(present.rows[0]!.n) === 0) return null;
  const rows = await sql<{ idx: string; stat: string }>`
    select idx, stat from sqlite_stat1 where tbl = 'tasks' and idx in ('tasks_counts_team', 'tasks_team_due', 'tasks_org_updated')`.execute(db);
  const figures = (index: string) => (rows.rows.find((row) => row.idx === index)?.stat ?? '').split(' ').filter((n) => /^\d+$/.test(n)).map(Number);
  const counts = figures('tasks_counts_team');
  if (counts.length === 0 || counts[0] === 0) return null;
  // Dropping an index drops its row too; this says so whatever the version.
  await sql`delete from sqlite_stat1 where tbl = 'tasks' and idx in ('tasks_counts_team', 'tasks_team_due')`.execute(db);
  return { tasks: counts[0]!, counts, due: figures('tasks_team_due'), updated: figures('tasks_org_updated') };
}

async function entriesOf(db: Kysely<unknown>, query: RawBuilder<{ n: number }>): Promise<number> {
  const result = await query.execute(db);
  return Number(result.rows[0]!.n);
}
