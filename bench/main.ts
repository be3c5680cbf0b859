// `npm run bench`: Finishline against the bare stack, in the same run, on the
// same data. Prints a table and, last, one JSON line of every figure and ratio.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchDataset, prepareDataset } from './dataset.ts';
import { alternate, type Child, type Figures, peakRssMb, ratio, runScript, startProcess } from './measure.ts';
import { benchScaleOut } from './scaleout.ts';
import { benchPostgres } from './postgres.ts';
import { benchBusiness } from './business.ts';
import { benchReports } from './reports.ts';
import { benchBoard } from './board.ts';
import { benchUploads } from './uploads.ts';
import { initialBundle } from './bundle.ts';

const CACHE = new URL('./.cache/', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Scenario {
  name: string;
  finishline: (d: BenchDataset) => { path: string; method?: 'GET' | 'POST'; body?: string };
  baseline: (d: BenchDataset) => { path: string; method?: 'GET' | 'POST'; body?: string };
  goal?: { ratio?: number; p99Ms?: number };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'list_my_tasks',
    finishline: () => ({ path: '/api/v1/tasks?assignee=me&limit=50' }),
    baseline: (d) => ({ path: `/list?org=${d.orgId}&assignee=${d.userId}` }),
    goal: { ratio: 0.6, p99Ms: 10 },
  },
  {
    name: 'create_task',
    finishline: () => ({ path: '/api/v1/tasks', method: 'POST', body: JSON.stringify({ title: 'Call the customer back', priority: 'high' }) }),
    baseline: () => ({ path: '/insert', method: 'POST', body: JSON.stringify({ title: 'Call the customer back' }) }),
    goal: { ratio: 0.4 },
  },
  {
    name: 'team_overdue',
    finishline: (d) => ({ path: `/api/v1/tasks?team=${d.teamId}&overdue=true&limit=50` }),
    baseline: (d) => ({ path: `/overdue?org=${d.orgId}&team=${d.teamId}` }),
  },
  {
    name: 'text_search',
    finishline: () => ({ path: `/api/v1/tasks?q=boiler&limit=50` }),
    baseline: (d) => ({ path: `/search?org=${d.orgId}&q=boiler` }),
  },
  {
    name: 'record_tasks',
    finishline: (d) => ({ path: `/api/v1/tasks?link=${d.record.type}:${d.record.id}&limit=50` }),
    baseline: (d) => ({ path: `/record?org=${d.orgId}&type=${d.record.type}&id=${d.record.id}` }),
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { quick: { type: 'boolean' }, tasks: { type: 'string' }, seconds: { type: 'string' }, only: { type: 'string' }, shape: { type: 'string' }, 'scale-out': { type: 'boolean' }, 'postgres-url': { type: 'string' } },
  });
  if (values.shape !== undefined && values.shape !== 'business' && values.shape !== 'clean') throw new Error('--shape is business or clean');
  const tasks = Number(values.tasks ?? (values.quick ? 100_000 : 1_000_000));
  const seconds = Number(values.seconds ?? (values.quick ? 5 : 10));
  // --shape business runs the business shape alone; --shape clean leaves it out.
  const only = values.shape === 'business' ? ['business'] : values.only?.split(',');
  const wanted = (name: string) => !only || only.includes(name);
  const scenarios = SCENARIOS.filter((s) => wanted(s.name));
  const scaleOut = values['scale-out'] || only?.includes('scale_out') || (!values.quick && !only);
  const figures: Record<string, number> = { tasks };
  const postgresAdminUrl = values['postgres-url'] ?? process.env.FINISHLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // The board and automation benches make their own data: `--only board,automation` needs no dataset.
  const onPostgres = wanted('postgres') && values.shape !== 'business';
  if (scenarios.length > 0 || wanted('reports') || scaleOut || onPostgres) {
    // This run's copy of the cached dataset: the cache itself is only written while its lock is held.
    const source = join(CACHE, `source-${process.pid}.db`);
    try {
      const dataset = await prepareDataset(join(CACHE, `tasks-${tasks}.db`), tasks, source);
      await benchDataset(dataset, scenarios, { seconds, quick: values.quick === true, reports: wanted('reports'), scaleOut, postgresAdminUrl }, figures);
      if (onPostgres) {
        console.log('\nPostgreSQL: the list and create against bare Fastify + pg, and two server processes against one');
        await benchPostgres({ dataset, seconds, postgresAdminUrl, freePort }, figures);
      }
    } finally {
      removeDatabase(source);
    }
  }
  if (wanted('business') && values.shape !== 'clean') {
    // On SQLite, then the same data on PostgreSQL.
    await benchBusiness({ tasks, seconds, workDir: CACHE, freePort, postgresAdminUrl }, figures);
    figures.peak_rss_mb = Math.max(figures.business_peak_rss_mb ?? 0, figures.clean_peak_rss_mb ?? 0);
  }
  if (wanted('web')) {
    const webDist = new URL('../web/dist/', import.meta.url).pathname;
    if (existsSync(webDist)) {
      const bundle = initialBundle(webDist);
      figures.web_initial_js_gzip_kb = bundle.jsGzipKb;
      figures.web_initial_css_gzip_kb = bundle.cssGzipKb;
      console.log(`\nweb app, first load: ${bundle.jsGzipKb} KB of JavaScript and ${bundle.cssGzipKb} KB of CSS, gzipped (goal: JavaScript ≤ 200 KB)`);
    }
  }
  if (wanted('board')) {
    console.log('');
    await benchBoard(figures);
  }
  if (wanted('uploads')) {
    console.log('');
    await benchUploads(figures, freePort, values.quick ? 3 : 5, values.quick ? 2 : 3);
  }
  if (wanted('automation')) {
    console.log('');
    const automation = await runScript(['bench/automation.ts', ...(values.quick ? ['--events', '1000', '--timers', '100000'] : [])]);
    for (const [key, value] of Object.entries(automation)) if (typeof value === 'number') figures[`automation_${key}`] = value;
  }
  if (figures.peak_rss_mb === undefined && figures.clean_peak_rss_mb !== undefined) figures.peak_rss_mb = figures.clean_peak_rss_mb;
  console.log(JSON.stringify(figures));
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/** The HTTP scenarios against the bare stack, then the reports and the scale-out figures, on this run's copy of the dataset. */
async function benchDataset(
  dataset: BenchDataset,
  scenarios: Scenario[],
  options: { seconds: number; quick: boolean; reports: boolean; scaleOut: boolean; postgresAdminUrl: string },
  figures: Record<string, number>,
): Promise<void> {
  const { seconds } = options;
  // Each server gets its own copy, so neither one's writes slow the other down.
  const runDb = join(CACHE, `run-${process.pid}.db`);
  const baseDb = join(CACHE, `base-${process.pid}.db`);
  const rows: string[][] = [];
  if (scenarios.length > 0) {
    copyFileSync(dataset.path, runDb);
    copyFileSync(dataset.path, baseDb);
    const [appPort, basePort] = await Promise.all([freePort(), freePort()]);
    const children: Child[] = [];
    try {
      children.push(await startProcess(['bin/finishline.js', 'serve'], { PORT: String(appPort), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${runDb}`, LOG_LEVEL: 'warn', FINISHLINE_TICK_MS: '1000' }, `http://127.0.0.1:${appPort}/healthz`));
      children.push(await startProcess(['--import', 'tsx', 'bench/baseline.ts'], { PORT: String(basePort), BENCH_DB: baseDb, BENCH_ORG: dataset.orgId, BENCH_USER: dataset.userId }, `http://127.0.0.1:${basePort}/list?org=x&assignee=y`));
      const auth = { authorization: `Bearer ${dataset.token}`, 'content-type': 'application/json' };
      for (const scenario of scenarios) {
        const target = (base: string, t: { path: string; method?: 'GET' | 'POST'; body?: string }, headers: Record<string, string>) => ({ url: `${base}${t.path}`, method: t.method, body: t.body, headers });
        const app = target(`http://127.0.0.1:${appPort}`, scenario.finishline(dataset), auth);
        const bare = target(`http://127.0.0.1:${basePort}`, scenario.baseline(dataset), { 'content-type': 'application/json' });
        // Finishline and the bare route take turns, so a change in the machine's load falls on both.
        const [appAt50, baseAt50] = await alternate([app, bare], seconds, 50);
        const [appAt10, baseAt10] = await alternate([app, bare], seconds, 10);
        record(figures, rows, scenario, appAt50!, baseAt50!, appAt10!, baseAt10!);
      }
      if (children[0]) figures.clean_peak_rss_mb = peakRssMb(children[0]);
    } finally {
      for (const child of children) await child.stop();
      removeDatabase(runDb);
      removeDatabase(baseDb);
    }
    printTable(rows);
  }
  // The reports only read (and add a token): they run on this run's copy itself.
  if (options.reports) await benchReports(dataset.path, options.quick ? 3 : 5, figures);
  if (options.scaleOut) {
    console.log('');
    await benchScaleOut(
      { dataset, seconds: seconds * 2, connections: 50, postgresAdminUrl: options.postgresAdminUrl, freePort, workDir: CACHE },
      figures,
    );
  }
}

function record(figures: Record<string, number>, rows: string[][], s: Scenario, app50: Figures, base50: Figures, app10: Figures, base10: Figures): void {
  const r = ratio(app50.rps, base50.rps);
  figures[`${s.name}_rps`] = app50.rps;
  figures[`${s.name}_baseline_rps`] = base50.rps;
  figures[`${s.name}_ratio`] = r;
  figures[`${s.name}_p99_ms`] = app10.p99;
  figures[`${s.name}_baseline_p99_ms`] = base10.p99;
  figures[`${s.name}_errors`] = app50.errors + app50.non2xx + app10.errors + app10.non2xx;
  const goal = [s.goal?.ratio !== undefined ? `ratio ≥ ${s.goal.ratio} ${r >= s.goal.ratio ? 'ok' : 'MISSED'}` : '', s.goal?.p99Ms !== undefined ? `p99 ≤ ${s.goal.p99Ms} ms ${app10.p99 <= s.goal.p99Ms ? 'ok' : 'MISSED'}` : '']
    .filter(Boolean)
    .join(', ');
  rows.push([s.name, String(app50.rps), String(base50.rps), r.toFixed(2), `${app10.p99}`, `${base10.p99}`, String(figures[`${s.name}_errors`]), goal]);
}

function printTable(rows: string[][]): void {
  const header = ['scenario', 'req/s @50', 'bare req/s', 'ratio', 'p99 ms @10', 'bare p99', 'errors', 'goal'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const row of all) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

// The servers measured run the compiled build: make it from the sources as they are now.
execFileSync(process.execPath, [new URL('../scripts/build-server.js', import.meta.url).pathname], { stdio: 'inherit' });
await main();
