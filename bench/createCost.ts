// What one task create costs with the four playbooks installed and the
// automation worker in the same process: CPU (process.cpuUsage) and SQL
// statements (counted where each driver runs one) per create, for the request
// alone, for the worker's share (its drain afterwards), and with the worker
// loop running as in the benchmark. Noise on a shared machine moves the CPU
// figures; the statement counts do not move.
//   node --import tsx bench/createCost.ts [sqlite|postgres]
// PostgreSQL: FINISHLINE_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { buildServer } from '../src/server.ts';
import { LINGER_LIMITS } from '../src/platform/http/linger.ts';
import { prepareDataset } from './dataset.ts';
import { copyToPostgres } from './scaleout.ts';

const dialect = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const PLAYBOOKS = ['cleaning', 'plumbing', 'hvac', 'electrical'];
const ROUNDS = 5;
const PER_ROUND = 200;
const AT_ONCE = 20;

// Every statement either driver runs, counted while `counting`.
let statements = 0;
let counting = false;
function countStatements(): void {
  const probe = new SqliteDatabase(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = proto[method]!;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      if (counting) statements += 1;
      return original.apply(this, args);
    };
  }
  probe.close();
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: unknown, ...args: unknown[]) {
    if (counting) statements += 1;
    return query.apply(this, args);
  };
}
countStatements();
// inject's sockets cannot be destroyed: a long run must not reach the lingering-close timer.
LINGER_LIMITS.ms = 1e9;

const copy = join(tmpdir(), `finishline-create-cost-${process.pid}.db`);
const dataset = await prepareDataset(new URL('./.cache/business-10000.db', import.meta.url).pathname, 10_000, copy, 'business');
let url = `sqlite:${copy}`;
let dropPostgres: (() => Promise<void>) | undefined;
if (dialect === 'postgres') {
  const made = await copyToPostgres(copy, process.env.FINISHLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  if (typeof made === 'string') throw new Error(made);
  url = made.url;
  dropPostgres = made.drop;
}
const server = await buildServer({ databaseUrl: url, logLevel: 'warn', sessionTtlMs: 3_600_000, automation: { loop: false } });
const headers = { authorization: `Bearer ${dataset.token}`, 'content-type': 'application/json' };
for (const key of PLAYBOOKS) {
  const res = await server.app.inject({ method: 'POST', url: `/api/v1/playbooks/${key}/install`, headers, payload: { teamId: dataset.teamIds[1] } });
  if (res.statusCode !== 200) throw new Error(`installing ${key}: ${res.statusCode} ${res.body}`);
}
await server.automation.drain();

let n = 0;
async function creates(count: number): Promise<void> {
  for (let done = 0; done < count; done += AT_ONCE) {
    const replies = await Promise.all(
      Array.from({ length: AT_ONCE }, () => {
        const i = n++;
        const payload = { title: `Call the customer back (${i})`, priority: 'normal', assigneeId: dataset.userIds[4 + ((i * 37) % 196)], teamId: dataset.teamIds[i % 8] };
        return server.app.inject({ method: 'POST', url: '/api/v1/tasks', headers, payload });
      }),
    );
    for (const reply of replies) if (reply.statusCode !== 201) throw new Error(`create answered ${reply.statusCode}: ${reply.body}`);
  }
}
async function invoiceEvent(): Promise<void> {
  n += 1;
  const payload = { type: 'invoice.overdue', subject: { type: 'invoice', id: `cost-${process.pid}-${n}` }, data: { number: `C-${n}`, amount: 120, customer: 'Bench customer' } };
  const reply = await server.app.inject({ method: 'POST', url: '/api/v1/events', headers, payload });
  if (reply.statusCode !== 202) throw new Error(`event answered ${reply.statusCode}: ${reply.body}`);
}
/** CPU µs and statements of `work`, divided by `per`. */
async function cost(per: number, work: () => Promise<unknown>): Promise<{ cpu: number; sql: number }> {
  statements = 0;
  counting = true;
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  counting = false;
  return { cpu: (used.user + used.system) / per, sql: statements / per };
}
async function pendingEvents(): Promise<number> {
  const row = await server.deps.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('processed_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

const figures = new Map<string, { cpu: number; sql: number }[]>();
const note = (name: string, value: { cpu: number; sql: number }) => figures.set(name, [...(figures.get(name) ?? []), value]);
await creates(100);
await server.automation.drain();
for (let round = 0; round < ROUNDS; round++) {
  note('request', await cost(PER_ROUND, () => creates(PER_ROUND)));
  note('worker', await cost(PER_ROUND, () => server.automation.drain()));
  note('invoice event: request', await cost(10, async () => Promise.all(Array.from({ length: 10 }, invoiceEvent))));
  note('invoice event: worker', await cost(10, () => server.automation.drain()));
}
server.automation.start();
for (let round = 0; round < ROUNDS; round++) {
  note('loop (request + worker)', await cost(2 * PER_ROUND, async () => {
    const events = (async () => {
      for (let i = 0; i < 10; i++) {
        await invoiceEvent();
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();
    await creates(2 * PER_ROUND);
    await events;
    while ((await pendingEvents()) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }));
}
await server.automation.stop();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`${dialect}: per create (${AT_ONCE} at once; median of ${ROUNDS} rounds); per invoice.overdue event`);
for (const [name, values] of figures) {
  console.log(`  ${name.padEnd(26)} CPU ${(median(values.map((v) => v.cpu)) / 1000).toFixed(2)} ms   statements ${median(values.map((v) => v.sql)).toFixed(1)}`);
}
await server.close();
await dropPostgres?.();
for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
