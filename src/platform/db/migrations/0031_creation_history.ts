// Migration 0031_creation_history (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * A task's creation wrote five history rows — its status, and the assignee,
 * team, due date and priority it had — and they were over two thirds of the
 * history's rows (≈ 580 of ≈ 3,000 bytes per task). Now only the status row
 * is stored; the history endpoint derives the others (tasks/creationHistory.ts):
 * the status row's instant and actor, from nothing, to the `from` of the
 * field's first later change or else the task's value, with the status row's
 * id plus its place as id. This deletes the stored ones where that gives back
 * exactly what is stored, so every history answers as before. Of a task whose
 * status row from nothing is its creation's (its status is never null):
 * - each field's row from nothing at that instant, by that actor, is its
 *   creation row: it has the status row's id plus its place (the generator
 *   counts up within a millisecond; ids that crossed one, or a carry past the
 *   last two characters, do not match), is the field's first, and holds what
 *   the field's next row changed from (or the task's value, if none);
 * - a field without one had no value at creation (no first row from a value,
 *   nor a value now if it never changed).
 * A task where one of them does not hold keeps all its rows (a stored priority
 * row from nothing tells the endpoint to derive nothing): so does one changed
 * from nothing in the instant it was created, which cannot be told from a
 * creation row whose id crossed a millisecond. Set-based: each status row from
 * nothing finds its task's rows in short ranges of the history's key (task,
 * at, id), with no sort of the history; the status rows, which the reports and
 * the rollup read, are not touched. On SQLite the planner's figures for the
 * history's key are scaled to the rows left (its status index keeps every row
 * it had). The pages given back are reused by the rows written next.
 */
export function creationHistory(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`delete from task_history where (task_id, at, id) in (${creationRows(dialect)})`.execute(db);
        return;
      }
      const statistics = await statisticsOf(db);
      await db.transaction().execute(async (trx) => {
        const before = await rowsOf(trx);
        const deleted = await sql`delete from task_history where (task_id, at, id) in (${creationRows(dialect)})`.execute(trx);
        const after = before - Number(deleted.numAffectedRows ?? 0);
        if (!statistics || before === 0) return;
        // Rows in total and per task (and per instant of a task) fall by the same share; the last figure (one row per key) stays.
        const figures = statistics.map((n, i) => (i === statistics.length - 1 ? n : Math.max(1, Math.round((n * after) / before))));
        await sql`update sqlite_stat1 set stat = ${figures.join(' ')} where tbl = 'task_history' and idx = 'task_history'`.execute(trx);
      });
      // Reloads the statistics into the planner without analyzing anything.
      if (statistics) await sql`analyze sqlite_schema`.execute(db);
    },
  };
}

/** The fields a creation wrote besides its status, in the order it wrote them, each with the task's value as the history writes it. */
function fields(dialect: DialectName): { field: string; now: RawBuilder<string | null> }[] {
  return [
    { field: 'assigneeId', now: sql`t.assignee_id` },
    { field: 'teamId', now: sql`t.team_id` },
    { field: 'dueAt', now: isoOf(dialect, sql`t.due_at`) },
    { field: 'priority', now: sql`t.priority` },
  ];
}

/** (task_id, at, id) of every creation row that is now derived. */
function creationRows(dialect: DialectName): RawBuilder<unknown> {
  const all = fields(dialect);
  const ref = (name: string, i: number) => sql.ref(`${name}${i}`);
  // Each task's status row from nothing (its status is never null: that is its creation's), its values now, and each field's row from
  // nothing at that instant by that actor, with how far its id is after the status row's.
  const joins = all.map(
    (f, i) =>
      sql`left join task_history ${ref('c', i)} on ${ref('c', i)}.task_id = s.task_id and ${ref('c', i)}.at = s.at and ${ref('c', i)}.field = ${sql.lit(f.field)}
        and ${ref('c', i)}.from_value is null and ${sameActor(dialect, sql`${ref('c', i)}.actor_id`, sql`s.actor_id`)}`,
  );
  const candidates = sql`
    select s.task_id, s.at, ${sql.join(
      all.map((f, i) => sql`${f.now} as ${ref('now', i)}, ${ref('c', i)}.id as ${ref('id', i)}, ${ref('c', i)}.to_value as ${ref('to', i)}, ${idsAfter(dialect, sql`${ref('c', i)}.id`, sql`s.id`)} as ${ref('after', i)}`),
    )}
    from task_history s join tasks t on t.id = s.task_id
    ${sql.join(joins, sql`\n`)}
    where s.field = 'status' and s.from_value is null`;
  // A field's row is its creation row if its id is the status row's plus its place (1 + the fields before it with one).
  const created = all.map((_, i) => sql`case when ${ref('after', i)} = 1${sql.join(all.slice(0, i).map((_, j) => sql` + case when ${ref('id', j)} is null then 0 else 1 end`), sql``)} then 1 else 0 end`);
  // A field's first row (after its creation row, if given): one short range of the history's key, the task's.
  const first = (field: string, value: RawBuilder<unknown>, after?: number) =>
    sql`(select ${value} from task_history h where h.task_id = c.task_id and h.field = ${sql.lit(field)}${after === undefined ? sql`` : sql` and (h.at, h.id) > (c.at, ${ref('id', after)})`} order by h.at, h.id limit 1)`;
  const fromOf = sql`coalesce(h.from_value, '')`;
  // A creation row is its field's first and holds what the next row changed from (or the task's value). A field without one had no
  // value at creation; a row from nothing at that instant that is not one (its id crossed a millisecond) keeps the task's rows as they are.
  const derivable = all.map(
    (f, i) => sql`(${created[i]!} = 1 and ${first(f.field, sql`h.id`)} = ${ref('id', i)} and coalesce(${first(f.field, fromOf, i)}, ${ref('now', i)}) = ${ref('to', i)}
      or ${ref('id', i)} is null and coalesce(${first(f.field, fromOf)}, ${ref('now', i)}, '') = '')`,
  );
  // In a task that passes, every field's row from nothing is its creation row.
  const derived = sql`select c.task_id, c.at, ${sql.join(all.map((_, i) => ref('id', i)))} from (${candidates}) c where ${sql.join(derivable, sql` and `)}`;
  return sql`
    with derived as materialized (${derived})
    ${sql.join(
      all.map((_, i) => sql`select task_id, at, ${ref('id', i)} from derived where ${ref('id', i)} is not null`),
      sql` union all `,
    )}`;
}

/** Two actors are the same, null included. */
function sameActor(dialect: DialectName, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<boolean> {
  return dialect === 'postgres' ? sql`${a} is not distinct from ${b}` : sql`${a} is ${b}`;
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** How far `id` is after `status` (26-character ids, counted on the last two characters, the rest the same); null if not. */
function idsAfter(dialect: DialectName, id: RawBuilder<unknown>, status: RawBuilder<unknown>): RawBuilder<number | null> {
  const digit = (of: RawBuilder<unknown>, at: number) => (dialect === 'postgres' ? sql`strpos(${sql.lit(BASE32)}, substr(${of}, ${sql.lit(at)}, 1))` : sql`instr(${sql.lit(BASE32)}, substr(${of}, ${sql.lit(at)}, 1))`);
  const lastTwo = (of: RawBuilder<unknown>) => sql`(${digit(of, 25)} * 32 + ${digit(of, 26)})`;
  return sql`case when length(${id}) = 26 and length(${status}) = 26 and substr(${id}, 1, 24) = substr(${status}, 1, 24)
    and ${digit(id, 25)} > 0 and ${digit(id, 26)} > 0 and ${digit(status, 25)} > 0 and ${digit(status, 26)} > 0
    then ${lastTwo(id)} - ${lastTwo(status)} end`;
}

/** An instant (ms) as the history writes it: 2026-03-09T12:00:00.000Z. */
function isoOf(dialect: DialectName, ms: RawBuilder<unknown>): RawBuilder<string | null> {
  return dialect === 'postgres'
    ? sql`to_char(to_timestamp(${ms} / 1000) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad((${ms} % 1000)::text, 3, '0') || 'Z'`
    : sql`strftime('%Y-%m-%dT%H:%M:%S', ${ms} / 1000, 'unixepoch') || '.' || substr('00' || (${ms} % 1000), -3) || 'Z'`;
}

async function rowsOf(db: Kysely<unknown>): Promise<number> {
  const result = await sql<{ n: number }>`select count(*) as n from task_history`.execute(db);
  return Number(result.rows[0]!.n);
}

/** The planner's figures for the history's key (null when the database was never analyzed). */
async function statisticsOf(db: Kysely<unknown>): Promise<number[] | null> {
  const present = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(present.rows[0]!.n) === 0) return null;
  const rows = await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'task_history' and idx = 'task_history'`.execute(db);
  const figures = (rows.rows[0]?.stat ?? '').split(' ').filter((n) => /^\d+$/.test(n)).map(Number);
  return figures.length > 1 && figures[0]! > 0 ? figures : null;
}
