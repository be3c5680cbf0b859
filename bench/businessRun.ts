// One database's run of the business shape, the same on SQLite and on
// PostgreSQL: Finishline and the bare stack started over their own copies of
// the data, the four playbooks installed, the four reads (My work of an
// overloaded person and of a person with the median backlog, the team board's
// first column and its counts) and the create with outside events posted, each
// against its bare twin in the same run; then, once the worker has drained,
// event → task latency read from the database itself. What differs between the
// two is a parameter (BusinessEngine).
import type { BenchDataset } from './dataset.ts';
import { alternate, type Child, type Figures, type Load, peakRssMb, ratio, rssNowMb, startProcess } from './measure.ts';

type Target = Omit<Load, 'connections' | 'seconds'>;

export const PLAYBOOKS = ['cleaning', 'plumbing', 'hvac', 'electrical'];
/** Outside events posted per second while tasks are created: each one makes every installed playbook's invoice rule create a task. */
const EVENTS_PER_SECOND = 10;

/** Read-only statements against the database Finishline ran on (rows as plain objects). */
export interface Reader {
  query(text: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface BusinessEngine {
  /** The figures' prefix: business (SQLite) or business_pg. */
  key: string;
  /** Put before each printed line: '' or 'PostgreSQL '. */
  label: string;
  /** Finishline's DATABASE_URL. */
  databaseUrl: string;
  /** The bare server's script and what it needs to find its copy of the data. */
  bare: { script: string; env: Record<string, string> };
  /** The create's goal: its share of the bare insert's throughput. */
  createGoal: number;
  /** Opens a reader of Finishline's database (for the worker's queue and the latency). */
  open(): Promise<Reader>;
}

export interface RunOptions {
  dataset: BenchDataset;
  seconds: number;
  freePort: () => Promise<number>;
  /** The person with the median backlog (a few hundred open tasks), whose My work is read too. */
  usualPersonId: string;
}

export async function runBusiness(engine: BusinessEngine, options: RunOptions, figures: Record<string, number>): Promise<void> {
  const { dataset, seconds, freePort, usualPersonId } = options;
  const name = (figure: string) => `${engine.key}_${figure}`;
  const children: Child[] = [];
  try {
    const [appPort, basePort] = await Promise.all([freePort(), freePort()]);
    const app = await startProcess(['bin/finishline.js', 'serve'], { PORT: String(appPort), HOST: '127.0.0.1', DATABASE_URL: engine.databaseUrl, LOG_LEVEL: 'warn', FINISHLINE_TICK_MS: '1000' }, `http://127.0.0.1:${appPort}/healthz`);
    children.push(app);
    children.push(await startProcess(['--import', 'tsx', engine.bare.script], { ...engine.bare.env, PORT: String(basePort), BENCH_ORG: dataset.orgId, BENCH_USER: dataset.userId }, `http://127.0.0.1:${basePort}/list?org=x&assignee=y`));
    const appUrl = `http://127.0.0.1:${appPort}`;
    const baseUrl = `http://127.0.0.1:${basePort}`;
    const auth = { authorization: `Bearer ${dataset.token}`, 'content-type': 'application/json' };
    for (const key of PLAYBOOKS) {
      const res = await fetch(`${appUrl}/api/v1/playbooks/${key}/install`, { method: 'POST', headers: auth, body: JSON.stringify({ teamId: dataset.teamIds[1] }) });
      if (res.status !== 200) throw new Error(`installing ${key} answered ${res.status}: ${await res.text()}`);
    }

    // My work for an overloaded person: the default statuses, by due date, 50 a page.
    const reads = [
      await readPair('list', 'my work (overloaded person)', { url: `${appUrl}/api/v1/tasks?assignee=me&limit=50`, headers: auth }, { url: `${baseUrl}/list?org=${dataset.orgId}&assignee=${dataset.userId}` }, seconds),
      // A usual person's: the median backlog, where a plan's estimate differs most from the overloaded person's.
      await readPair('usual_list', 'my work (usual person)', { url: `${appUrl}/api/v1/tasks?assignee=${usualPersonId}&limit=50`, headers: auth }, { url: `${baseUrl}/list?org=${dataset.orgId}&assignee=${usualPersonId}` }, seconds),
      // The same person's team board: its first column (open work by priority, 50 a page) and the counts above its columns.
      await readPair('board', 'team board, first column', { url: `${appUrl}/api/v1/tasks?team=${dataset.teamId}&status=open&sort=priority&limit=50`, headers: auth }, { url: `${baseUrl}/board?org=${dataset.orgId}&team=${dataset.teamId}` }, seconds),
      await readPair('counts', 'team board, counts', { url: `${appUrl}/api/v1/tasks/counts?groupBy=status&team=${dataset.teamId}`, headers: auth }, { url: `${baseUrl}/counts?org=${dataset.orgId}&team=${dataset.teamId}` }, seconds),
    ];

    // Creating tasks for random people while outside events keep the rules busy.
    const posted = postEvents(appUrl, auth);
    const creates = Array.from({ length: 40 }, (_, i) => ({
      method: 'POST' as const,
      path: '/api/v1/tasks',
      headers: auth,
      body: JSON.stringify({ title: `Call the customer back (${i})`, priority: 'normal', assigneeId: dataset.userIds[4 + ((i * 37) % 196)], teamId: dataset.teamIds[i % 8] }),
    }));
    const [create50, bareInsert50] = await alternate([{ url: appUrl, requests: creates }, { url: `${baseUrl}/insert`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Call the customer back' }) }], seconds, 50);
    const sent = await posted.stop();
    // The worker finishes what is queued before the latency is read.
    const reader = await engine.open();
    let latency: Latency;
    try {
      await waitForWorker(reader, 60_000);
      latency = await eventToTask(reader);
    } finally {
      await reader.close();
    }
    figures[name('peak_rss_mb')] = peakRssMb(app);
    const rss = rssNowMb(app);
    figures[name('rss_anon_mb')] = rss.anon;
    figures[name('rss_file_mb')] = rss.file;

    figures[name('create_rps')] = create50!.rps;
    figures[name('create_baseline_rps')] = bareInsert50!.rps;
    figures[name('create_ratio')] = ratio(create50!.rps, bareInsert50!.rps);
    figures[name('errors')] = [...reads.flatMap((r) => [r.at50, r.at10]), create50!].reduce((sum, f) => sum + f.errors + f.non2xx, 0);
    figures[name('events_posted')] = sent;
    figures[name('event_tasks')] = latency.count;
    figures[name('event_to_task_p50_ms')] = latency.p50;
    figures[name('event_to_task_p99_ms')] = latency.p99;
    const pad = 29 + engine.label.length;
    for (const read of reads) reportRead(read, engine, figures);
    console.log(`${`${engine.label}create, rules running`.padEnd(pad)}${create50!.rps} req/s against the bare insert's ${bareInsert50!.rps} (${figures[name('create_ratio')]}; goal ≥ ${engine.createGoal})`);
    console.log(`${`${engine.label}event → task`.padEnd(pad)}${latency.count} tasks from ${sent} events: p50 ${latency.p50} ms, p99 ${latency.p99} ms (goal p99 ≤ 50 ms)`);
    if (figures[name('errors')]) console.log(`${`${engine.label}errors`.padEnd(pad)}${figures[name('errors')]} failed or non-2xx answers from Finishline`);
  } finally {
    for (const child of children) await child.stop();
  }
}

interface ReadPair {
  key: string;
  label: string;
  at50: Figures;
  bare50: Figures;
  at10: Figures;
  bare10: Figures;
}

/** A read against its bare twin in the same run: throughput at 50 connections, and p99 at 10. */
async function readPair(key: string, label: string, app: Target, bare: Target, seconds: number): Promise<ReadPair> {
  const [at50, bare50] = await alternate([app, bare], seconds, 50);
  const [at10, bare10] = await alternate([app, bare], seconds, 10);
  return { key, label, at50: at50!, bare50: bare50!, at10: at10!, bare10: bare10! };
}

/** A read pair's figures (<engine>_<key>_…) and its line, against the goals (≥ 0.6 of the bare route; p99 ≤ 2× its). */
function reportRead(read: ReadPair, engine: BusinessEngine, figures: Record<string, number>): void {
  const { key, label, at50, bare50, at10, bare10 } = read;
  const name = (figure: string) => `${engine.key}_${key}_${figure}`;
  figures[name('rps')] = at50.rps;
  figures[name('baseline_rps')] = bare50.rps;
  figures[name('ratio')] = ratio(at50.rps, bare50.rps);
  figures[name('p99_ms')] = at10.p99;
  figures[name('baseline_p99_ms')] = bare10.p99;
  figures[name('p99_ratio')] = p99Ratio(at10.p99, bare10.p99);
  const bare = engine.label ? 'bare Fastify + pg' : 'bare';
  console.log(`${`${engine.label}${label}`.padEnd(29 + engine.label.length)}${at50.rps} req/s against ${bare} ${bare50.rps} (${figures[name('ratio')]}; goal ≥ 0.6); p99 at 10 connections ${at10.p99} ms against ${bare10.p99} ms (${figures[name('p99_ratio')]}×; goal ≤ 2)`);
}

/** Finishline's p99 over the bare route's, to two places. */
function p99Ratio(p99: number, bareP99: number): number {
  return bareP99 === 0 ? 0 : Math.round((p99 / bareP99) * 100) / 100;
}

/** Posts invoice.overdue events at EVENTS_PER_SECOND until stopped; returns how many were accepted. */
function postEvents(appUrl: string, headers: Record<string, string>): { stop(): Promise<number> } {
  let sent = 0;
  let n = 0;
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    n += 1;
    const body = JSON.stringify({ type: 'invoice.overdue', subject: { type: 'invoice', id: `bench-inv-${process.pid}-${n}` }, data: { number: `B-${n}`, amount: 120, customer: 'Bench customer' } });
    const request: Promise<void> = fetch(`${appUrl}/api/v1/events`, { method: 'POST', headers, body })
      .then((res) => {
        if (res.status === 202) sent += 1;
        return res.arrayBuffer();
      })
      .then(() => undefined, () => undefined)
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }, 1000 / EVENTS_PER_SECOND);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return sent;
    },
  };
}

async function waitForWorker(reader: Reader, maxMs: number): Promise<void> {
  for (const started = Date.now(); Date.now() - started < maxMs; ) {
    const [row] = await reader.query('select count(*) as n from events where processed_at is null');
    if (Number(row?.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Latency {
  count: number;
  p50: number;
  p99: number;
}

/** Each rule-made task against the outside event that caused it: created_at − occurred_at, both the server's clock. */
async function eventToTask(reader: Reader): Promise<Latency> {
  const rows = await reader.query(
    `select t.created_at - e.occurred_at as ms from tasks t join events e on e.id = t.source_event_id where t.source_kind = 'rule' and e.type = 'invoice.overdue' order by ms`,
  );
  // PostgreSQL answers a bigint as a string.
  const ms = rows.map((row) => Number(row.ms));
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  return { count: ms.length, p50: at(0.5), p99: at(0.99) };
}
