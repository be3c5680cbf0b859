// Finishline on PostgreSQL measured like on SQLite: against a bare Fastify +
// pg server running the same query and insert, in the same run, on a fresh
// PostgreSQL database holding the same data; and two server processes
// against one. PostgreSQL here is the machine's shared server, so its CPU
// cannot be pinned away from the servers': when `taskset` is there, the
// Finishline and bare servers run on core 1 and the load generator (this
// process) on core 0 for the list and create pairs, and the database takes
// whatever is free on both; the two-process pair runs unpinned.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { BenchDataset } from './dataset.ts';
import { alternate, type Child, ratio, startProcess } from './measure.ts';
import { copyToPostgres } from './scaleout.ts';

const SERVER_ENV = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', FINISHLINE_TICK_MS: '1000' };

export interface PostgresOptions {
  dataset: BenchDataset;
  seconds: number;
  postgresAdminUrl: string;
  freePort: () => Promise<number>;
}

/** Pins a running process to these cores; false when the machine cannot (no taskset, or fewer cores). */
function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-cp', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function benchPostgres(options: PostgresOptions, figures: Record<string, number>): Promise<void> {
  const made = await copyToPostgres(options.dataset.path, options.postgresAdminUrl);
  if (typeof made === 'string') {
    console.log(`PostgreSQL figures skipped: ${made}`);
    return;
  }
  const children: Child[] = [];
  try {
    const split = availableParallelism() >= 2 && pin(process.pid, '0');
    console.log(split ? 'PostgreSQL cores: servers on core 1, the load generator on core 0, the shared PostgreSQL server on both' : 'PostgreSQL cores: not split (no taskset); servers, load generator and database share every core');
    const { dataset } = options;
    const [appPort, basePort, secondPort] = [await options.freePort(), await options.freePort(), await options.freePort()];
    const start = (port: number, url: string) => startProcess(['bin/finishline.js', 'serve'], { ...SERVER_ENV, PORT: String(port), DATABASE_URL: url }, `http://127.0.0.1:${port}/healthz`);
    children.push(await start(appPort, made.url));
    children.push(await startProcess(['--import', 'tsx', 'bench/baselinePg.ts'], { PORT: String(basePort), BENCH_PG_URL: made.url, BENCH_ORG: dataset.orgId, BENCH_USER: dataset.userId }, `http://127.0.0.1:${basePort}/list?org=x&assignee=y`));
    if (split) for (const child of children) pin(child.process.pid!, '1');
    const headers = { authorization: `Bearer ${dataset.token}`, 'content-type': 'application/json' };
    const app = `http://127.0.0.1:${appPort}`;
    const list = `/api/v1/tasks?assignee=me&limit=50`;
    const [appList, bareList] = await alternate([{ url: `${app}${list}`, headers }, { url: `http://127.0.0.1:${basePort}/list?org=${dataset.orgId}&assignee=${dataset.userId}` }], options.seconds, 50);
    const body = JSON.stringify({ title: 'Call the customer back', priority: 'high' });
    const [appCreate, bareInsert] = await alternate(
      [
        { url: `${app}/api/v1/tasks`, method: 'POST', headers, body },
        { url: `http://127.0.0.1:${basePort}/insert`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Call the customer back' }) },
      ],
      options.seconds,
      50,
    );
    figures.pg_list_rps = appList!.rps;
    figures.pg_list_baseline_rps = bareList!.rps;
    figures.pg_list_ratio = ratio(appList!.rps, bareList!.rps);
    figures.pg_create_rps = appCreate!.rps;
    figures.pg_create_baseline_rps = bareInsert!.rps;
    figures.pg_create_ratio = ratio(appCreate!.rps, bareInsert!.rps);
    console.log(`PostgreSQL list my tasks        ${appList!.rps} req/s against bare Fastify + pg ${bareList!.rps} (${figures.pg_list_ratio}; goal ≥ 0.6)`);
    console.log(`PostgreSQL create a task        ${appCreate!.rps} req/s against the bare insert's ${bareInsert!.rps} (${figures.pg_create_ratio}; goal ≥ 0.4)`);

    // A second server process over the same database: the list spread over both against the one alone.
    children.push(await start(secondPort, made.url));
    // Two processes need both cores: nothing is pinned for this pair.
    if (split) for (const pid of [process.pid, children[0]!.process.pid!]) pin(pid, '0-1');
    const [one, two] = await alternate([{ url: `${app}${list}`, headers }, { url: [`${app}${list}`, `http://127.0.0.1:${secondPort}${list}`], headers }], options.seconds, 50);
    figures.pg_scaleout_1_rps = one!.rps;
    figures.pg_scaleout_2_rps = two!.rps;
    figures.pg_scaleout = ratio(two!.rps, one!.rps);
    figures.pg_errors = [appList, bareList, appCreate, bareInsert, one, two].reduce((n, f) => n + f!.errors + f!.non2xx, 0);
    console.log(`PostgreSQL two server processes ${two!.rps} req/s against one's ${one!.rps} (×${figures.pg_scaleout}; goal ≥ 1.4; both processes on both cores)`);
  } finally {
    pin(process.pid, `0-${availableParallelism() - 1}`);
    while (children.length) await children.pop()!.stop();
    await made.drop();
  }
}
