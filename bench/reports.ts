// Times every report on a 1,000,000-task SQLite database, through the real
// HTTP stack (in-process inject: auth, validation, serialisation), against a
// bare better-sqlite3 query measured in the same run on the same data.
//
//   node bench/reports.ts [--tasks 1000000] [--fresh] [--runs 5]
//
// The database is generated once into bench/.cache/ (bulk inserts in large
// transactions, secondary indexes built after the load) and reused.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type SqliteDatabase from 'better-sqlite3';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrations.ts';
import { createApiTokenFor } from '../src/people/service.ts';
import { buildServer } from '../src/server.ts';

const { values: args } = parseArgs({
  options: { tasks: { type: 'string', default: '1000000' }, fresh: { type: 'boolean', default: false }, runs: { type: 'string', default: '5' } },
});
const TASKS = Number(args.tasks);
const RUNS = Number(args.runs);
const CACHE = new URL('./.cache/', import.meta.url).pathname;
const FILE = `${CACHE}reports-${TASKS}.db`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPAN_DAYS = 730;
const ORG = 'org_bench';
const OWNER_EMAIL = 'owner@bench.test';

/** A small seeded generator, so every generated database is the same. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, weighted: [T, number][]): T {
  let r = rand();
  for (const [value, weight] of weighted) {
    if (r < weight) return value;
    r -= weight;
  }
  return weighted[weighted.length - 1]![0];
}

async function generate(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(FILE + suffix, { force: true });
  const database = openDatabase(`sqlite:${FILE}`);
  await migrateToLatest(database.db, database.dialect);
  const sqlite = database.sqlite!;
  const started = performance.now();
  const indexes = dropIndexes(sqlite, ['tasks', 'task_history', 'task_links']);
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  seedPeople(sqlite, now);
  loadTasks(sqlite, now);
  console.log(`loaded ${TASKS.toLocaleString()} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s; building indexes…`);
  for (const statement of indexes) sqlite.exec(statement);
  sqlite.exec('analyze');
  console.log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await database.close();
}

/** Drops the tables' secondary indexes and returns the statements that rebuild them. */
function dropIndexes(sqlite: SqliteDatabase.Database, tables: string[]): string[] {
  const rows = sqlite
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables.map(() => '?').join(',')})`)
    .all(...tables) as { name: string; sql: string }[];
  for (const row of rows) sqlite.exec(`drop index "${row.name}"`);
  return rows.map((r) => r.sql);
}

function seedPeople(sqlite: SqliteDatabase.Database, now: number): void {
  const start = now - SPAN_DAYS * DAY - DAY;
  sqlite
    .prepare(`insert into orgs (id, name, timezone, business_hours, holidays, task_seq, created_at, updated_at, version) values (?, 'Bench Plumbing', 'Europe/London', ?, '[]', ?, ?, ?, 1)`)
    .run(ORG, JSON.stringify({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }), TASKS, start, start);
  const user = sqlite.prepare(
    `insert into users (id, org_id, email, name, role, password_hash, working_hours, time_off, active, created_at, updated_at, version) values (?, ?, ?, ?, ?, null, null, '[]', 1, ?, ?, 1)`,
  );
  user.run('u_owner', ORG, OWNER_EMAIL, 'Olive Owner', 'owner', start, start);
  for (let i = 0; i < 40; i++) user.run(`u_${i}`, ORG, `person${i}@bench.test`, `Person ${i}`, 'member', start, start);
  const team = sqlite.prepare(`insert into teams (id, org_id, name, manager_id, created_at, updated_at, version) values (?, ?, ?, null, ?, ?, 1)`);
  for (let i = 0; i < 5; i++) team.run(`team_${i}`, ORG, `Team ${i}`, start, start);
}

const PRIORITIES: [string, number][] = [['urgent', 0.05], ['high', 0.2], ['normal', 0.6], ['low', 0.15]];
const RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const LINK_TYPES: [string, number][] = [['lead', 0.3], ['job', 0.4], ['client', 0.15], ['contact', 0.1], ['service', 0.05]];
const SOURCES: [string, number][] = [['manual', 0.5], ['api', 0.15], ['rule', 0.3], ['recurrence', 0.05]];

/** One task's life: the statuses it went through and when, cut off at now. */
function lifeOf(rand: () => number, created: number, now: number): { at: number; to: string }[] {
  const duration = -Math.log(1 - rand()) * 2 * DAY;
  const at = (fraction: number) => created + Math.round(duration * fraction);
  const final = rand() < 0.9 ? 'done' : 'cancelled';
  const stale = rand() < 0.02;
  const path = pick<{ at: number; to: string }[]>(rand, [
    [[{ at: created, to: 'open' }, { at: at(0.4), to: 'waiting' }, { at: at(0.7), to: 'open' }, { at: at(1), to: final }], 0.15],
    [[{ at: created, to: 'open' }, { at: at(0.4), to: 'blocked' }, { at: at(0.7), to: 'in_progress' }, { at: at(1), to: final }], 0.05],
    [[{ at: created, to: 'open' }, { at: at(0.5), to: 'in_progress' }, { at: at(1), to: final }], 0.6],
    [[{ at: created, to: 'open' }, { at: at(1), to: final }], 0.2],
  ]);
  const lived = path.filter((step) => step.at <= now);
  return stale && lived.length > 1 ? lived.slice(0, -1) : lived;
}

function loadTasks(sqlite: SqliteDatabase.Database, now: number): void {
  const rand = random(42);
  const insertTask = sqlite.prepare(
    `insert into tasks (id, org_id, number, title, description, status, active, priority, priority_rank, due_at, due_sort, assignee_id, team_id,
       links, checklist, waiting_on, blocked_reason, source_kind, source_rule_id, source_event_id, recurrence, created_by_id, created_at, updated_at, completed_at, version)
     values (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, null, null, 'u_owner', ?, ?, ?, ?)`,
  );
  const insertHistory = sqlite.prepare(`insert into task_history (id, org_id, task_id, actor_id, at, field, from_value, to_value) values (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertLink = sqlite.prepare(`insert into task_links (org_id, task_id, record_type, record_id) values (?, ?, ?, ?)`);
  const start = now - SPAN_DAYS * DAY;
  let historyId = 0;
  const load = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const id = `t${String(n).padStart(8, '0')}`;
      const created = start + Math.floor(((n + rand()) / TASKS) * SPAN_DAYS * DAY);
      const priority = pick(rand, PRIORITIES);
      const assignee = rand() < 0.9 ? `u_${Math.floor(rand() * 40)}` : null;
      const team = rand() < 0.8 ? `team_${Math.floor(rand() * 5)}` : null;
      const due = rand() < 0.8 ? created + Math.round((2 + rand() * 118) * HOUR) : null;
      const source = pick(rand, SOURCES);
      const rule = source === 'rule' ? `rule_${Math.floor(rand() * 20)}` : null;
      const life = lifeOf(rand, created, now);
      const last = life[life.length - 1]!;
      const active = last.to === 'done' || last.to === 'cancelled' ? 0 : 1;
      const links = rand() < 0.6 ? [{ type: pick(rand, LINK_TYPES), id: `rec_${Math.floor(rand() * 50_000)}` }] : [];
      insertTask.run(
        id, ORG, n + 1, `Task ${n + 1}: call the customer back about the boiler`, last.to, active, priority, RANK[priority], due, due ?? 8_640_000_000_000_000,
        assignee, team, JSON.stringify(links), last.to === 'waiting' ? 'Customer' : null, last.to === 'blocked' ? 'Parts' : null,
        source, rule, created, last.at, last.to === 'done' ? last.at : null, life.length,
      );
      const history = (at: number, field: string, fromValue: string | null, toValue: string | null) =>
        insertHistory.run(`h${String(historyId++).padStart(9, '0')}`, ORG, id, 'u_owner', at, field, fromValue, toValue);
      history(created, 'status', null, 'open');
      if (assignee) history(created, 'assigneeId', null, assignee);
      if (team) history(created, 'teamId', null, team);
      if (due !== null) history(created, 'dueAt', null, new Date(due).toISOString());
      history(created, 'priority', null, priority);
      life.slice(1).forEach((step, i) => history(step.at, 'status', life[i]!.to, step.to));
      for (const link of links) insertLink.run(ORG, id, link.type, link.id);
    }
  });
  for (let from = 0; from < TASKS; from += 50_000) {
    load(from, Math.min(TASKS, from + 50_000));
    process.stdout.write(`\r${Math.min(TASKS, from + 50_000).toLocaleString()} tasks`);
  }
  process.stdout.write('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  if (args.fresh || !existsSync(FILE)) await generate();
  const server = await buildServer({ databaseUrl: `sqlite:${FILE}`, logLevel: 'silent', sessionTtlMs: HOUR });
  const { token } = await createApiTokenFor({ db: server.deps.db, dialect: server.deps.dialect, clock: systemClock }, OWNER_EMAIL, 'bench');
  const sqlite = server.database.sqlite!;
  const now = Date.now();
  // The bare baseline: an indexed count over the 30 days every report looks at by default.
  const bare = sqlite.prepare('select count(*) as n from tasks where org_id = ? and created_at >= ?');
  const baselineMs = await timed(() => bare.get(ORG, now - 30 * DAY));
  const windowTasks = (bare.get(ORG, now - 30 * DAY) as { n: number }).n;
  console.log(`${TASKS.toLocaleString()} tasks; ${windowTasks.toLocaleString()} created in the last 30 days; median of ${RUNS} runs after a warm-up`);
  console.log(`baseline (bare indexed count over 30 days): ${baselineMs.toFixed(2)} ms\n`);
  const reports = ['summary', 'overdue', 'completion', 'workload', 'aging', 'bottlenecks', 'automation', 'throughput', 'throughput?interval=week', 'summary?team=team_1', 'overdue?linkType=lead'];
  const results: Record<string, { ms: number; ratio: number; ok: boolean }> = {};
  console.log('report'.padEnd(28), 'ms'.padStart(9), 'x baseline'.padStart(12), '  goal < 300 ms');
  for (const name of reports) {
    const url = `/api/v1/reports/${name}`;
    let status = 0;
    const ms = await timed(async () => {
      const res = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      status = res.statusCode;
    });
    if (status !== 200) throw new Error(`${url} answered ${status}`);
    results[name] = { ms: Math.round(ms * 10) / 10, ratio: Math.round((ms / baselineMs) * 10) / 10, ok: ms < 300 };
    console.log(name.padEnd(28), ms.toFixed(1).padStart(9), (ms / baselineMs).toFixed(1).padStart(12), `  ${ms < 300 ? 'ok' : 'SLOW'}`);
  }
  console.log(JSON.stringify({ tasks: TASKS, windowTasks, baselineMs: Math.round(baselineMs * 100) / 100, results }));
  await server.close();
}

await main();
