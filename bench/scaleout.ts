// Scale-out figures on the "my open tasks" list: SQLite served by one process
// against `serve --workers 2` over the same WAL file, and PostgreSQL served by
// one process against two processes on two ports with the load spread over
// both. Each pair runs side by side and is measured in alternating rounds, so
// the machine's drifting load falls on both sides of each ratio alike.
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { BenchDataset } from './dataset.ts';
import { alternate, type Child, type Figures, ratio, startProcess } from './measure.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrations.ts';

const LIST = '/api/v1/tasks?assignee=me&limit=50';
const SERVER_ENV = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', FINISHLINE_TICK_MS: '1000' };
/** What the list pages and their link summaries read; history, events and reports are left behind. */
const COPIED_TABLES = ['orgs', 'users', 'teams', 'team_members', 'tokens', 'contacts', 'clients', 'pipelines', 'leads', 'jobs', 'services', 'tasks', 'task_links'];

export interface ScaleOutOptions {
  dataset: BenchDataset;
  seconds: number;
  connections: number;
  /** The PostgreSQL server to create a throwaway database on, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  postgresAdminUrl: string;
  freePort: () => Promise<number>;
  workDir: string;
}

export async function benchScaleOut(options: ScaleOutOptions, figures: Record<string, number>): Promise<void> {
  const headers = { authorization: `Bearer ${options.dataset.token}` };
  const children: Child[] = [];
  const files: string[] = [];
  let postgres: { url: string; drop(): Promise<void> } | null = null;
  try {
    // SQLite: one process against two, each over its own copy of the data.
    const one = `${options.workDir}/scale-1-${process.pid}.db`;
    const two = `${options.workDir}/scale-2-${process.pid}.db`;
    files.push(one, two);
    copyFileSync(options.dataset.path, one);
    copyFileSync(options.dataset.path, two);
    const [portOne, portTwo] = [await options.freePort(), await options.freePort()];
    children.push(await startProcess(['bin/finishline.js', 'serve', '--workers', '1'], { ...SERVER_ENV, PORT: String(portOne), DATABASE_URL: `sqlite:${one}` }, `http://127.0.0.1:${portOne}/healthz`));
    children.push(await startProcess(['bin/finishline.js', 'serve', '--workers', '2'], { ...SERVER_ENV, PORT: String(portTwo), DATABASE_URL: `sqlite:${two}` }, `http://127.0.0.1:${portTwo}/healthz`));
    await everyProcessAnswers(`http://127.0.0.1:${portTwo}/healthz`, 2);
    const [sqliteOne, sqliteTwo] = await alternate([{ url: `http://127.0.0.1:${portOne}${LIST}`, headers }, { url: `http://127.0.0.1:${portTwo}${LIST}`, headers }], options.seconds, options.connections);
    report(figures, 'sqlite', sqliteOne!, sqliteTwo!, 'serve --workers 1', 'serve --workers 2');
    while (children.length) await children.pop()!.stop();

    // PostgreSQL: a fresh database with the same data; one process against two on two ports.
    const made = await copyToPostgres(options.dataset.path, options.postgresAdminUrl);
    if (typeof made === 'string') {
      console.log(`PostgreSQL scale-out skipped: ${made}`);
      return;
    }
    postgres = made;
    const [portA, portB] = [await options.freePort(), await options.freePort()];
    children.push(await startProcess(['bin/finishline.js', 'serve'], { ...SERVER_ENV, PORT: String(portA), DATABASE_URL: postgres.url }, `http://127.0.0.1:${portA}/healthz`));
    children.push(await startProcess(['bin/finishline.js', 'serve'], { ...SERVER_ENV, PORT: String(portB), DATABASE_URL: postgres.url }, `http://127.0.0.1:${portB}/healthz`));
    const [pgOne, pgTwo] = await alternate(
      [{ url: `http://127.0.0.1:${portA}${LIST}`, headers }, { url: [`http://127.0.0.1:${portA}${LIST}`, `http://127.0.0.1:${portB}${LIST}`], headers }],
      options.seconds,
      options.connections,
    );
    report(figures, 'postgres', pgOne!, pgTwo!, 'one process', 'two processes, load alternating');
  } finally {
    while (children.length) await children.pop()!.stop();
    for (const file of files) for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) rmSync(file + suffix);
    await postgres?.drop();
  }
}

function report(figures: Record<string, number>, engine: string, one: Figures, two: Figures, oneLabel: string, twoLabel: string): void {
  figures[`scaleout_${engine}_1_rps`] = one.rps;
  figures[`scaleout_${engine}_2_rps`] = two.rps;
  figures[`scaleout_${engine}_ratio`] = ratio(two.rps, one.rps);
  figures[`scaleout_${engine}_1_p99_ms`] = one.p99;
  figures[`scaleout_${engine}_2_p99_ms`] = two.p99;
  figures[`scaleout_${engine}_errors`] = one.errors + one.non2xx + two.errors + two.non2xx;
  console.log(
    `list my tasks on ${engine}: ${oneLabel} ${one.rps} req/s (p99 ${one.p99} ms), ${twoLabel} ${two.rps} req/s (p99 ${two.p99} ms): ×${ratio(two.rps, one.rps)}` +
      (figures[`scaleout_${engine}_errors`] ? `, ${figures[`scaleout_${engine}_errors`]} errors` : ''),
  );
}

/** `serve --workers N` answers from one process or another per connection: wait until every one of them does. */
async function everyProcessAnswers(url: string, count: number): Promise<void> {
  const pids = new Set<number>();
  for (let i = 0; i < 300 && pids.size < count; i++) {
    try {
      const res = await fetch(url, { headers: { connection: 'close' } });
      pids.add(((await res.json()) as { pid: number }).pid);
    } catch {
      // a process is still starting
    }
    if (pids.size < count) await new Promise((r) => setTimeout(r, 100));
  }
}

/** A fresh PostgreSQL database, migrated, holding the SQLite dataset's people, records and tasks. */
export async function copyToPostgres(sqlitePath: string, adminUrl: string): Promise<{ url: string; seconds: number; drop(): Promise<void> } | string> {
  const name = `finishline_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  } catch (error) {
    await admin.end().catch(() => {});
    return `cannot create a database at ${adminUrl}: ${(error as Error).message}`;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  try {
    return { url: url.toString(), seconds: await fill(url.toString(), sqlitePath), drop };
  } catch (error) {
    // A half-made database is not left behind.
    await drop().catch(() => {});
    throw error;
  }
}

/** Migrates the fresh database at `url` and copies the SQLite dataset's tables into it; returns the seconds taken. */
async function fill(url: string, sqlitePath: string): Promise<number> {
  const started = performance.now();
  const database = openDatabase(url);
  await migrateToLatest(database.db);
  await database.close();
  const source = new SqliteDatabase(sqlitePath, { readonly: true });
  const target = new pg.Client({ connectionString: url });
  await target.connect();
  try {
    let rows = 0;
    // Secondary indexes are dropped for the copy and built once after it, from the sorted whole, like the dataset's own.
    const indexes = await dropIndexes(target, COPIED_TABLES);
    for (const table of COPIED_TABLES) rows += await copyTable(source, target, table);
    await target.query(`set maintenance_work_mem = '256MB'`);
    for (const definition of indexes) await target.query(definition);
    // Vacuumed too, not only analyzed: a bulk-loaded table's visibility map is empty until a vacuum, so every
    // index-only read (the board's counts) would visit each row's page as well, until autovacuum came by mid-run.
    await target.query('vacuum analyze');
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    console.log(`PostgreSQL: copied ${rows.toLocaleString()} rows into ${new URL(url).pathname.slice(1)} in ${seconds.toFixed(1)} s`);
    return seconds;
  } finally {
    source.close();
    await target.end();
  }
}

/** Drops the tables' indexes that no constraint owns (a primary key's stays) and returns the statements that build them again. */
async function dropIndexes(target: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await target.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes i
      where schemaname = current_schema() and tablename = any($1) and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    [tables],
  );
  for (const row of rows) await target.query(`drop index "${row.name}"`);
  return rows.map((row) => row.definition);
}

/** Copies a table in batches of 10,000 rows, each one statement with one array per column (unnest): PostgreSQL parses one short statement per batch, not a parameter per value. */
async function copyTable(source: SqliteDatabase.Database, target: pg.Client, table: string): Promise<number> {
  const sourceColumns = new Set((source.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name));
  if (sourceColumns.size === 0) return 0;
  const targetColumns = (await target.query<{ name: string; type: string }>('select column_name as name, udt_name as type from information_schema.columns where table_name = $1 order by ordinal_position', [table])).rows;
  const columns = targetColumns.filter((c) => sourceColumns.has(c.name));
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const insert = `insert into "${table}" (${names}) select * from unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
  const select = source.prepare(`select ${names} from "${table}"`).raw(true);
  let batch: unknown[][] = columns.map(() => []);
  let rows = 0;
  let copied = 0;
  const flush = async () => {
    if (rows === 0) return;
    await target.query(insert, batch);
    copied += rows;
    rows = 0;
    batch = columns.map(() => []);
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    for (let i = 0; i < row.length; i++) batch[i]!.push(row[i]);
    rows += 1;
    if (rows >= 10_000) await flush();
  }
  await flush();
  return copied;
}
