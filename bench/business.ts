// The business shape: 200 people in 8 teams, open work spread like a real
// business (most with 20–300 open tasks, a few with thousands), the four
// trade playbooks installed and the automation worker running in the server
// process throughout. Measured against the bare stack in the same run: an
// overloaded person's My work page, their team board's first column and the
// counts above its columns, and creating tasks (random assignees)
// while outside events make the rules create more; event → task latency is
// read from the database afterwards (a rule's task against its event).
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { prepareDataset } from './dataset.ts';
import { alternate, type Child, type Figures, type Load, peakRssMb, ratio, rssNowMb, startProcess } from './measure.ts';

type Target = Omit<Load, 'connections' | 'seconds'>;

const PLAYBOOKS = ['cleaning', 'plumbing', 'hvac', 'electrical'];
/** Outside events posted per second while tasks are created: each one makes every installed playbook's invoice rule create a task. */
const EVENTS_PER_SECOND = 10;

export interface BusinessOptions {
  tasks: number;
  seconds: number;
  workDir: string;
  freePort: () => Promise<number>;
}

export async function benchBusiness(options: BusinessOptions, figures: Record<string, number>): Promise<void> {
  const { tasks, seconds, workDir, freePort } = options;
  const source = join(workDir, `business-source-${process.pid}.db`);
  const runDb = join(workDir, `business-run-${process.pid}.db`);
  const baseDb = join(workDir, `business-base-${process.pid}.db`);
  const children: Child[] = [];
  try {
    const dataset = await prepareDataset(join(workDir, `business-${tasks}.db`), tasks, source, 'business');
    // The data alone, before the run adds its tasks, events and notifications (each created task costs ≈ 3 KB: three events, its history, index pages split).
    figures.bytes_per_task_data = bytesPerTask(source);
    copyFileSync(source, runDb);
    copyFileSync(source, baseDb);
    const open = openTasksOf(source, dataset.orgId, dataset.userId);
    console.log(`\nbusiness shape: ${tasks.toLocaleString()} tasks, 200 people in 8 teams; open tasks per person: median ${open.median}, most ${open.max} (the measured person ${open.measured}); playbooks ${PLAYBOOKS.join(', ')}; automation running`);
    const [appPort, basePort] = await Promise.all([freePort(), freePort()]);
    const app = await startProcess(['bin/finishline.js', 'serve'], { PORT: String(appPort), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${runDb}`, LOG_LEVEL: 'warn', FINISHLINE_TICK_MS: '1000' }, `http://127.0.0.1:${appPort}/healthz`);
    children.push(app);
    children.push(await startProcess(['--import', 'tsx', 'bench/baseline.ts'], { PORT: String(basePort), BENCH_DB: baseDb, BENCH_ORG: dataset.orgId, BENCH_USER: dataset.userId }, `http://127.0.0.1:${basePort}/list?org=x&assignee=y`));
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
    await waitForWorker(runDb, 60_000);
    const latency = eventToTask(runDb);
    figures.business_peak_rss_mb = peakRssMb(app);
    const rss = rssNowMb(app);
    figures.business_rss_anon_mb = rss.anon;
    figures.business_rss_file_mb = rss.file;

    figures.business_create_rps = create50!.rps;
    figures.business_create_baseline_rps = bareInsert50!.rps;
    figures.business_create_ratio = ratio(create50!.rps, bareInsert50!.rps);
    figures.business_errors = [...reads.flatMap((r) => [r.at50, r.at10]), create50!].reduce((sum, f) => sum + f.errors + f.non2xx, 0);
    figures.business_events_posted = sent;
    figures.business_event_tasks = latency.count;
    figures.business_event_to_task_p50_ms = latency.p50;
    figures.business_event_to_task_p99_ms = latency.p99;
    for (const read of reads) reportRead(read, figures);
    console.log(`create, rules running        ${create50!.rps} req/s against the bare insert's ${bareInsert50!.rps} (${figures.business_create_ratio}; goal ≥ 0.5)`);
    console.log(`event → task                 ${latency.count} tasks from ${sent} events: p50 ${latency.p50} ms, p99 ${latency.p99} ms (goal p99 ≤ 50 ms)`);
  } finally {
    for (const child of children) await child.stop();
  }
  figures.bytes_per_task = bytesPerTask(runDb);
  console.log(`database file                ${figures.bytes_per_task} bytes per task after a checkpoint (goal ≤ 1,500; the data before the run ${figures.bytes_per_task_data}); server peak RSS ${figures.business_peak_rss_mb} MB (at the end ${figures.business_rss_anon_mb} MB its own, ${figures.business_rss_file_mb} MB the database file mapped into memory)`);
  for (const path of [source, runDb, baseDb]) for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
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

/** A read pair's figures (business_<key>_…) and its line, against the goals (≥ 0.6 of the bare route; p99 ≤ 2× its). */
function reportRead(read: ReadPair, figures: Record<string, number>): void {
  const { key, label, at50, bare50, at10, bare10 } = read;
  const name = (figure: string) => `business_${key}_${figure}`;
  figures[name('rps')] = at50.rps;
  figures[name('baseline_rps')] = bare50.rps;
  figures[name('ratio')] = ratio(at50.rps, bare50.rps);
  figures[name('p99_ms')] = at10.p99;
  figures[name('baseline_p99_ms')] = bare10.p99;
  figures[name('p99_ratio')] = p99Ratio(at10.p99, bare10.p99);
  console.log(`${label.padEnd(29)}${at50.rps} req/s against bare ${bare50.rps} (${figures[name('ratio')]}; goal ≥ 0.6); p99 at 10 connections ${at10.p99} ms against ${bare10.p99} ms (${figures[name('p99_ratio')]}×; goal ≤ 2)`);
}

/** Finishline's p99 over the bare route's, to two places. */
function p99Ratio(p99: number, bareP99: number): number {
  return bareP99 === 0 ? 0 : Math.round((p99 / bareP99) * 100) / 100;
}

function openTasksOf(path: string, orgId: string, measured: string): { median: number; max: number; measured: number } {
  const db = new SqliteDatabase(path, { readonly: true });
  try {
    const rows = db.prepare('select assignee_id as id, count(*) as n from tasks where org_id = ? and active = 1 and assignee_id is not null group by assignee_id order by n').all(orgId) as { id: string; n: number }[];
    return { median: rows[rows.length >> 1]?.n ?? 0, max: rows.at(-1)?.n ?? 0, measured: rows.find((r) => r.id === measured)?.n ?? 0 };
  } finally {
    db.close();
  }
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

async function waitForWorker(path: string, maxMs: number): Promise<void> {
  const db = new SqliteDatabase(path, { readonly: true });
  try {
    const pending = db.prepare('select count(*) as n from events where processed_at is null');
    for (const started = Date.now(); Date.now() - started < maxMs; ) {
      if ((pending.get() as { n: number }).n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    db.close();
  }
}

/** Each rule-made task against the outside event that caused it: created_at − occurred_at, both the server's clock. */
function eventToTask(path: string): { count: number; p50: number; p99: number } {
  const db = new SqliteDatabase(path, { readonly: true });
  try {
    const rows = db
      .prepare(`select t.created_at - e.occurred_at as ms from tasks t join events e on e.id = t.source_event_id where t.source_kind = 'rule' and e.type = 'invoice.overdue' order by ms`)
      .all() as { ms: number }[];
    const at = (q: number) => rows[Math.min(rows.length - 1, Math.floor(q * rows.length))]?.ms ?? 0;
    return { count: rows.length, p50: at(0.5), p99: at(0.99) };
  } finally {
    db.close();
  }
}

function bytesPerTask(path: string): number {
  const db = new SqliteDatabase(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { n } = db.prepare('select count(*) as n from tasks').get() as { n: number };
    return Math.round(statSync(path).size / n);
  } finally {
    db.close();
  }
}
