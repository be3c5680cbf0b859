// The benchmark's business: an organisation of 200 people in 20 teams with N
// tasks spread over two years, each with the history a real one would have
// (created, assigned, moved through waiting or blocked, completed or not), and
// links to records. Generated once per size into bench/.cache/, deterministic
// from a seed, with bulk inserts in large transactions and indexes built after.
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { SingleBar } from 'cli-progress';
import { ulid } from 'ulid';
import { systemClock } from '../src/platform/clock.ts';
import { keyFactory } from '../src/platform/ids.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { fillReportRollups, migrateToLatest } from '../src/platform/db/migrations.ts';
import { createApiTokenFor } from '../src/people/service.ts';
import { DEFAULT_PIPELINE, NO_DATE } from '../src/records/records.ts';
import { historyKey } from '../src/tasks/historyIds.ts';

export interface BenchDataset {
  path: string;
  orgId: string;
  /** The person the "my tasks" figures are measured for, and their API token. */
  userId: string;
  token: string;
  teamId: string;
  /** Everyone's ids, person i at [i], team i at [i] (the business shape's people i ≥ 4 hold ordinary backlogs). */
  userIds: readonly string[];
  teamIds: readonly string[];
  record: { type: string; id: string };
  tasks: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPAN_DAYS = 730;
const USERS = 200;
const TEAMS_MOST = 20;
/** Bumped whenever the generator makes different data: the cached files carry it in their names. */
const DATASET_FORMAT = 7;

/**
 * Ids as the server makes them (lower-case ULIDs, 26 characters: the time,
 * then randomness), drawn from a seed so every generation is the same. Every
 * index on tasks and history holds some of them, so their length is part of
 * what a task costs on disk.
 */
function idsFrom(seed: number): (at: number) => string {
  const prng = random(seed);
  return (at) => ulid(at, prng).toLowerCase();
}
const fixedId = idsFrom(1);
/** The organisation, its people, teams and records: keys as the server makes them for these (14 characters, src/platform/ids.ts). */
const fixedKey = keyFactory(random(2));
const EPOCH = Date.UTC(2024, 0, 1);
export const BENCH_ORG = fixedKey(EPOCH);
const OWNER = fixedKey(EPOCH);
export const BENCH_USERS: readonly string[] = Array.from({ length: USERS }, () => fixedKey(EPOCH));
export const BENCH_TEAMS: readonly string[] = Array.from({ length: TEAMS_MOST }, () => fixedKey(EPOCH));

/**
 * clean: 200 people in 20 teams, tasks spread evenly, the measured person
 * given a page and a bit of open work. business: 200 people in 8 teams, each
 * task's team its assignee's, and open work spread like a real business —
 * most people with 20–300 open tasks, a few (the measured one among them)
 * with thousands.
 */
export type Shape = 'clean' | 'business';
const TEAMS: Record<Shape, number> = { clean: 20, business: 8 };
/** The business shape's overloaded people (u_0 … u_3). */
const OVERLOADED = 4;
const BENCH_USER = BENCH_USERS[0]!;
export const BENCH_USER_EMAIL = 'person0@bench.test';

/** The open tasks the measured person has at least, at every size: a full first page of "my open tasks" and a next one. */
export const MY_OPEN_TASKS = 60;

/**
 * A copy, at `copy`, of the dataset of `tasks` tasks cached at `cached`: the
 * cache is generated if missing and migrated in place, and copied, while this
 * process holds the cache's lock, so two runs at once neither build nor
 * migrate it together nor copy it half-written. The copy gets this run's API
 * token and, where the generated business gives the measured person fewer,
 * MY_OPEN_TASKS open tasks (other people's, reassigned): only the copy is
 * written, so every run and every server starts from the same data.
 */
export async function prepareDataset(cachedAs: string, tasks: number, copy: string, shape: Shape = 'clean'): Promise<BenchDataset> {
  // A cache made by an earlier generator (other ids) is not reused.
  const cached = cachedAs.replace(/\.db$/, `-v${DATASET_FORMAT}.db`);
  await withLock(`${cached}.lock`, async () => {
    if (!existsSync(cached)) await generate(cached, tasks, shape);
    const database = openDatabase(`sqlite:${cached}`);
    // A migration that rebuilt indexes leaves their old pages free in the file: given back, so the file's size is the data's.
    if ((await migrateToLatest(database.db)).length > 0) database.sqlite!.exec('vacuum');
    // Everything in the main file before it is copied, even if another process still has it open.
    database.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    await database.close();
    for (const suffix of ['-wal', '-shm']) rmSync(copy + suffix, { force: true });
    copyFileSync(cached, copy);
  });
  const database = openDatabase(`sqlite:${copy}`);
  const token = await createApiTokenFor({ db: database.db, clock: systemClock }, BENCH_USER_EMAIL, 'bench');
  const sqlite = database.sqlite!;
  const open = sqlite.prepare('select count(*) as n from tasks where org_id = ? and assignee_id = ? and active = 1').get(BENCH_ORG, BENCH_USER) as { n: number };
  // The business shape's measured person is one of its overloaded ones already.
  if (shape === 'clean' && open.n < MY_OPEN_TASKS) {
    sqlite
      .prepare('update tasks set assignee_id = ? where org_id = ? and id in (select id from tasks where org_id = ? and active = 1 and (assignee_id is null or assignee_id <> ?) order by id limit ?)')
      .run(BENCH_USER, BENCH_ORG, BENCH_ORG, BENCH_USER, MY_OPEN_TASKS - open.n);
  }
  await database.close();
  return { path: copy, orgId: BENCH_ORG, userId: BENCH_USER, token: token.token, teamId: BENCH_TEAMS[0]!, userIds: BENCH_USERS, teamIds: BENCH_TEAMS.slice(0, TEAMS[shape]), record: recordsFor(tasks).find((r) => r.type === 'job')!, tasks };
}

/** Runs `work` holding `lockPath` (a file naming the holder's pid); waits for a live holder, takes over from a dead one. */
async function withLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockPath), { recursive: true });
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const text = readFileSync(lockPath, 'utf8').trim();
      const holder = Number(text);
      // An empty file is a holder that has not written its pid yet.
      if (text !== '' && (!Number.isInteger(holder) || holder <= 0 || !alive(holder))) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (!told && text !== '') console.log(`waiting for benchmark process ${holder}, which is preparing ${lockPath.replace(/\.lock$/, '')}…`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A small seeded generator, so every generated database is the same. */
export function random(seed: number): () => number {
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

async function generate(path: string, tasks: number, shape: Shape): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const building = `${path}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const database = openDatabase(`sqlite:${building}`);
  await migrateToLatest(database.db);
  const sqlite = database.sqlite!;
  const started = performance.now();
  const indexes = dropIndexes(sqlite, ['tasks', 'task_history', 'task_links']);
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  seedPeople(sqlite, now, tasks, TEAMS[shape]);
  seedRecords(sqlite, now - SPAN_DAYS * DAY - DAY, recordsFor(tasks));
  loadTasks(sqlite, now, tasks, shape);
  console.log('building indexes…');
  for (const statement of indexes) sqlite.exec(statement);
  console.log('filling the reports rollup…');
  await fillReportRollups(database.db, BENCH_ORG);
  sqlite.exec('analyze');
  await database.close();
  renameSync(building, path);
  const seconds = (performance.now() - started) / 1000;
  console.log(`generated ${tasks.toLocaleString()} tasks in ${seconds.toFixed(1)} s (${Math.round(tasks / seconds).toLocaleString()} tasks/s)`);
}

/** Drops the tables' secondary indexes and returns the statements that rebuild them. */
function dropIndexes(sqlite: SqliteDatabase.Database, tables: string[]): string[] {
  const rows = sqlite
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables.map(() => '?').join(',')})`)
    .all(...tables) as { name: string; sql: string }[];
  for (const row of rows) sqlite.exec(`drop index "${row.name}"`);
  return rows.map((r) => r.sql);
}

function seedPeople(sqlite: SqliteDatabase.Database, now: number, tasks: number, teams: number): void {
  const start = now - SPAN_DAYS * DAY - DAY;
  sqlite
    .prepare(`insert into orgs (id, name, timezone, business_hours, holidays, task_seq, created_at, updated_at, version) values (?, 'Bench Plumbing', 'Europe/London', ?, '[]', ?, ?, ?, 1)`)
    .run(BENCH_ORG, JSON.stringify({ mon: [['08:00', '17:00']], tue: [['08:00', '17:00']], wed: [['08:00', '17:00']], thu: [['08:00', '17:00']], fri: [['08:00', '17:00']], sat: [], sun: [] }), tasks, start, start);
  const user = sqlite.prepare(
    `insert into users (id, org_id, email, name, role, password_hash, working_hours, time_off, active, created_at, updated_at, version) values (?, ?, ?, ?, ?, null, null, '[]', 1, ?, ?, 1)`,
  );
  user.run(OWNER, BENCH_ORG, 'owner@bench.test', 'Olive Owner', 'owner', start, start);
  // The measured person is an admin so the benchmark can issue their API token.
  for (let i = 0; i < USERS; i++) user.run(BENCH_USERS[i], BENCH_ORG, `person${i}@bench.test`, `Person ${i}`, i === 0 ? 'admin' : 'member', start, start);
  const team = sqlite.prepare(`insert into teams (id, org_id, name, manager_id, created_at, updated_at, version) values (?, ?, ?, null, ?, ?, 1)`);
  const member = sqlite.prepare(`insert into team_members (org_id, team_id, user_id) values (?, ?, ?)`);
  for (let i = 0; i < teams; i++) team.run(BENCH_TEAMS[i], BENCH_ORG, `Team ${i}`, start, start);
  for (let i = 0; i < USERS; i++) member.run(BENCH_ORG, BENCH_TEAMS[i % teams], BENCH_USERS[i]);
}

/** The records tasks link to, one row each in its type's table, with what a page shows of it (name, phone, address). */
function seedRecords(sqlite: SqliteDatabase.Database, at: number, records: readonly { type: string; id: string }[]): void {
  const common = 'id, org_id, owner_id, created_at, updated_at, version';
  sqlite.prepare(`insert into pipelines (${common}, name, stages, is_default) values (?, ?, ?, ?, ?, 1, ?, ?, 1)`).run(PIPELINE, BENCH_ORG, OWNER, at, at, DEFAULT_PIPELINE.name, JSON.stringify(DEFAULT_PIPELINE.stages));
  const insert = {
    contact: sqlite.prepare(`insert into contacts (${common}, name, phone, email, address) values (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`),
    client: sqlite.prepare(`insert into clients (${common}, name, address) values (?, ?, ?, ?, ?, 1, ?, ?)`),
    lead: sqlite.prepare(`insert into leads (${common}, title, pipeline_id, stage, source) values (?, ?, ?, ?, ?, 1, ?, ?, 'new', 'website')`),
    job: sqlite.prepare(`insert into jobs (${common}, title, address, start_sort, status) values (?, ?, ?, ?, ?, 1, ?, ?, ?, 'scheduled')`),
    service: sqlite.prepare(`insert into services (${common}, title, kind, due_sort) values (?, ?, ?, ?, ?, 1, ?, 'maintenance_plan', ?)`),
  };
  records.forEach(({ type, id }, k) => {
    const address = `${k + 1} High Street, Leeds LS${(k % 28) + 1}`;
    if (type === 'contact') insert.contact.run(id, BENCH_ORG, OWNER, at, at, `Customer ${k + 1}`, `07700 ${String(900_000 + k).slice(-6)}`, `customer${k + 1}@example.test`, address);
    else if (type === 'client') insert.client.run(id, BENCH_ORG, OWNER, at, at, `Client ${k + 1}`, address);
    else if (type === 'lead') insert.lead.run(id, BENCH_ORG, OWNER, at, at, `Boiler quote ${k + 1}`, PIPELINE);
    else if (type === 'job') insert.job.run(id, BENCH_ORG, OWNER, at, at, `Boiler repair ${k + 1}`, address, NO_DATE);
    else insert.service.run(id, BENCH_ORG, OWNER, at, at, `Annual service ${k + 1}`, NO_DATE);
  });
}

const TITLES = [
  'Call the customer back',
  'Send the quote',
  'Chase the unpaid invoice',
  'Order the boiler part',
  'Confirm the booking',
  'Follow up the missed appointment',
  'Book the annual service',
  'Prepare the gas safety certificate',
  'Ask for a review',
  'Collect the keys',
];
const PRIORITIES: [string, number][] = [['urgent', 0.05], ['high', 0.2], ['normal', 0.6], ['low', 0.15]];
const RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const LINK_TYPES: [string, number][] = [['lead', 0.3], ['job', 0.4], ['client', 0.15], ['contact', 0.1], ['service', 0.05]];
/** The business's records (contacts, clients, leads, jobs, services) that tasks link to: each id's type is fixed. */
const RECORDS: readonly { type: string; id: string }[] = (() => {
  const rand = random(5);
  return Array.from({ length: 50_000 }, () => ({ type: pick(rand, LINK_TYPES), id: fixedKey(EPOCH) }));
})();

/** A business of `tasks` tasks has one record for every 20 of them (50,000 at 1,000,000; at least 100). */
function recordsFor(tasks: number): readonly { type: string; id: string }[] {
  return RECORDS.slice(0, Math.min(RECORDS.length, Math.max(100, Math.round(tasks / 20))));
}
const PIPELINE = fixedKey(EPOCH);
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

/** How many open tasks each person ends with in the business shape: a few overloaded (thousands), the rest 20–300 (log-uniform). */
function openTargets(rand: () => number, tasks: number): number[] {
  return Array.from({ length: USERS }, (_, i) => (i < OVERLOADED ? Math.min(4_000, Math.round(tasks * 0.02)) : Math.round(20 * Math.pow(15, rand()))));
}

function loadTasks(sqlite: SqliteDatabase.Database, now: number, tasks: number, shape: Shape): void {
  const records = recordsFor(tasks);
  const rand = random(42);
  const business = shape === 'business';
  const targets = business ? openTargets(random(7), tasks) : [];
  const opened = new Array<number>(USERS).fill(0);
  // The overloaded people are also given more of the work: a share q of all tasks between them.
  const q = business ? Math.min(0.5, (OVERLOADED * (targets[0] ?? 0) * 1.5) / tasks) : 0;
  const expected = (u: number) => (tasks * 0.9 * (1 - q)) / USERS + (u < OVERLOADED ? (tasks * 0.9 * q) / OVERLOADED : 0);
  const insertTask = sqlite.prepare(
    `insert into tasks (id, org_id, number, title, description, status, active, priority, priority_rank, due_at, due_sort, assignee_id, team_id,
       links, checklist, waiting_on, blocked_reason, source_kind, source_rule_id, source_event_id, recurrence, created_by_id, created_at, updated_at, completed_at, version)
     values (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, null, null, ?, ?, ?, ?, ?)`,
  );
  const insertHistory = sqlite.prepare(`insert into task_history (id, org_id, task_id, actor_id, at, field, from_value, to_value) values (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertLink = sqlite.prepare(`insert into task_links (org_id, task_id, record_type, record_id) values (?, ?, ?, ?)`);
  const start = now - SPAN_DAYS * DAY;
  const taskId = idsFrom(43);
  const ruleIds = Array.from({ length: 20 }, () => fixedId(EPOCH));
  const load = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const created = start + Math.floor(((n + rand()) / tasks) * SPAN_DAYS * DAY);
      const id = taskId(created);
      const priority = pick(rand, PRIORITIES);
      const assigned = rand() < 0.9 ? (business && rand() < q ? Math.floor(rand() * OVERLOADED) : Math.floor(rand() * USERS)) : null;
      const assignee = assigned === null ? null : BENCH_USERS[assigned]!;
      const teams = TEAMS[shape];
      const team = rand() < 0.8 ? BENCH_TEAMS[business && assigned !== null ? assigned % teams : Math.floor(rand() * teams)]! : null;
      const due = rand() < 0.8 ? created + Math.round((2 + rand() * 118) * HOUR) : null;
      const source = pick(rand, SOURCES);
      const rule = source === 'rule' ? ruleIds[Math.floor(rand() * 20)]! : null;
      let life = lifeOf(rand, created, now);
      if (business && assigned !== null) {
        const target = targets[assigned]!;
        // Kept open (its last, closing step not taken yet) until the person holds their share of open work.
        const closes = (l: { to: string }[]) => ['done', 'cancelled'].includes(l[l.length - 1]!.to);
        if (closes(life) && life.length > 1 && opened[assigned]! < target && rand() < Math.min(1, (1.5 * target) / expected(assigned))) life = life.slice(0, -1);
        if (!closes(life)) opened[assigned]! += 1;
      }
      const last = life[life.length - 1]!;
      const active = last.to === 'done' || last.to === 'cancelled' ? 0 : 1;
      const links = rand() < 0.6 ? [records[Math.floor(rand() * records.length)]!] : [];
      const title = `${TITLES[Math.floor(rand() * TITLES.length)]} (${n + 1})`;
      insertTask.run(
        id, BENCH_ORG, n + 1, title, last.to, active, priority, RANK[priority], due, due ?? 8_640_000_000_000_000,
        assignee, team, JSON.stringify(links), last.to === 'waiting' ? 'Customer' : null, last.to === 'blocked' ? 'Parts' : null,
        source, rule, OWNER, created, last.at, last.to === 'done' ? last.at : null, life.length,
      );
      // Each step is a change of the task, so its entry is keyed by the version it made (tasks/historyIds.ts).
      const history = (version: number, at: number, field: string, fromValue: string | null, toValue: string | null) =>
        insertHistory.run(historyKey(version, field), BENCH_ORG, id, OWNER, at, field, fromValue, toValue);
      // The creation's assignee, team, due date and priority are not stored: the history endpoint derives them (tasks/creationHistory.ts).
      history(1, created, 'status', null, 'open');
      life.slice(1).forEach((step, i) => history(i + 2, step.at, 'status', life[i]!.to, step.to));
      for (const link of links) insertLink.run(BENCH_ORG, id, link.type, link.id);
    }
  });
  const bar = new SingleBar({ format: 'generating tasks [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left', hideCursor: true });
  bar.start(tasks, 0);
  for (let from = 0; from < tasks; from += 20_000) {
    load(from, Math.min(tasks, from + 20_000));
    bar.update(Math.min(tasks, from + 20_000));
  }
  bar.stop();
}
