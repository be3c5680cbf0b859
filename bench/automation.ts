// `npx tsx bench/automation.ts`: the automation worker and the due-scan against
// bare baselines measured in the same run, on SQLite.
//
//  1. events/s through 200 rules (one in ten events creates a task) against a
//     bare loop that reads the same events, checks the same one condition,
//     writes a run row and the task for each rule that matches and adds to
//     each rule's counters once per batch, with prepared statements — by the
//     clock and per second of this process's CPU time (on a shared machine
//     the clock also counts the time other work had the cores);
//  2. event → task latency: an event posted through the real HTTP API to a
//     server whose automation loop runs, until the task it makes is listed by
//     GET /api/v1/tasks?sort=-created (polled every 2 ms), one event at a time: p50 and p99;
//  3. the due-scan (what the scheduler reads each tick) on a timer table with
//     many timers that are not due, against the same scan on a table holding
//     only the due ones: the ratio shows the cost does not grow with them.
// Prints a table, then one JSON line with every figure and ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { ruleBody } from '../src/automation/rule.ts';
import { postEvents } from '../src/automation/inbound.ts';
import * as automation from '../src/automation/service.ts';
import { dueTimers, explainDueScan } from '../src/automation/store.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { signup } from '../src/people/service.ts';
import type { Actor } from '../src/platform/context.ts';
import { buildServer, type Server } from '../src/server.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '2000' }, timers: { type: 'string', default: '300000' }, latency: { type: 'string', default: '200' } } });
const EVENTS = Number(values.events);
const LATENCY_SAMPLES = Number(values.latency);
const NOT_DUE = Number(values.timers);
const RULES = 200;
const dir = mkdtempSync(join(tmpdir(), 'finishline-bench-automation-'));

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** 200 rules: one creates a task for big invoices; 99 more on the same event never match; 100 wait for other events. */
async function addRules(deps: Server['deps'], actor: Actor): Promise<void> {
  await automation.createRule(deps, actor, ruleBody.parse({ name: 'Chase', trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'gt', value: 900 }] }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}', due: 'PT4H', businessHours: true }] }));
  for (let i = 1; i < RULES; i++) {
    const event = i < 100 ? 'invoice.overdue' : `other.event_${i}`;
    await automation.createRule(deps, actor, ruleBody.parse({ name: `Rule ${i}`, trigger: { event, where: [{ field: 'data.amount', op: 'lt', value: -i }] }, actions: [{ type: 'create_task', title: 'Never' }] }));
  }
}

async function eventThroughput() {
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  const server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'events.db')}`, logLevel: 'silent', sessionTtlMs: 3600_000, clock, automation: { loop: false } });
  const deps = server.deps;
  const owner = await signup(deps, { orgName: 'Bench Plumbing', timezone: 'Europe/London', name: 'Owner', email: 'bench@example.test', password: 'a long enough password' }, { sessionTtlMs: 3600_000 });
  const actor = { userId: owner.user.id, orgId: owner.org.id, role: 'owner' as const };
  await addRules(deps, actor);
  const inputs = Array.from({ length: EVENTS }, (_, i) => ({ type: 'invoice.overdue', subject: { type: 'invoice', id: `inv-${i}` }, data: { number: String(i), amount: i % 10 === 0 ? 1000 : 100 }, links: [] }));
  for (let i = 0; i < inputs.length; i += 500) await postEvents(deps, actor, inputs.slice(i, i + 500));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const drained = await server.automation.drain(100_000);
  const cpuSeconds = cpuSecondsSince(cpu);
  const seconds = (performance.now() - started) / 1000;
  const status = await automation.automationStatus(deps, actor);
  await server.close();
  return { eventsPerSecond: EVENTS / seconds, eventsPerCpuSecond: EVENTS / cpuSeconds, handled: drained.events, runs: status.runs };
}

/** CPU time (user + system) this process has used since `since`, in seconds. */
function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/**
 * The bare loop: same events, same decision; a run row and the task for each rule that matches, in one
 * transaction per such run; the batch marked processed and each rule's counters added in one transaction.
 */
function bareThroughput() {
  const db = new SqliteDatabase(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table events (seq integer primary key, id text, type text, data text, processed_at integer);
    create index events_pending on events (seq) where processed_at is null;
    create table runs (event_id text, rule_id text, outcome text, primary key (event_id, rule_id));
    create table tasks (id text primary key, title text, created_at integer);
    create table rule_stats (rule_id text primary key, evaluated integer, missed integer);`);
  const insertEvent = db.prepare('insert into events (id, type, data) values (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < EVENTS; i++) insertEvent.run(`e${i}`, 'invoice.overdue', JSON.stringify({ number: String(i), amount: i % 10 === 0 ? 1000 : 100 }));
  })();
  const claim = db.prepare('select * from events where processed_at is null order by seq limit 100');
  const done = db.prepare('update events set processed_at = ? where seq = ?');
  const run = db.prepare('insert into runs values (?, ?, ?)');
  const task = db.prepare('insert into tasks values (?, ?, ?)');
  const count = db.prepare('insert into rule_stats values (?, ?, ?) on conflict (rule_id) do update set evaluated = evaluated + excluded.evaluated, missed = missed + excluded.missed');
  const rules = Array.from({ length: 100 }, (_, i) => ({ id: `r${i}`, threshold: i === 0 ? 900 : -i }));
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (;;) {
    const batch = claim.all() as { seq: number; id: string; data: string }[];
    if (batch.length === 0) break;
    const missed = new Map<string, number>();
    for (const event of batch) {
      const data = JSON.parse(event.data) as { number: string; amount: number };
      for (const rule of rules) {
        const matches = rule.threshold > 0 ? data.amount > rule.threshold : data.amount < rule.threshold;
        if (!matches) {
          missed.set(rule.id, (missed.get(rule.id) ?? 0) + 1);
          continue;
        }
        db.transaction(() => {
          run.run(event.id, rule.id, 'success');
          task.run(`t-${event.id}`, `Chase ${data.number}`, Date.now());
        })();
      }
    }
    db.transaction(() => {
      for (const event of batch) done.run(Date.now(), event.seq);
      for (const rule of rules) count.run(rule.id, batch.length, missed.get(rule.id) ?? 0);
    })();
  }
  const cpuSeconds = cpuSecondsSince(cpu);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { eventsPerSecond: EVENTS / seconds, eventsPerCpuSecond: EVENTS / cpuSeconds };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Event → task latency through the real server: its HTTP API, its automation loop woken by the write, and the
 * task list a browser would read. One event at a time, each making one task.
 */
async function eventToTaskLatency() {
  const server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'latency.db')}`, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { tickMs: 1000 } });
  try {
    const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const signedUp = (await (await fetch(`${base}/api/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orgName: 'Bench Latency', timezone: 'Europe/London', name: 'Owner', email: 'latency@example.test', password: 'a long enough password' }) })).json()) as { token: string; user: { id: string }; org: { id: string } };
    await addRules(server.deps, { userId: signedUp.user.id, orgId: signedUp.org.id, role: 'owner' });
    const headers = { authorization: `Bearer ${signedUp.token}`, 'content-type': 'application/json' };
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const number = `L-${i}`;
      const started = performance.now();
      const posted = await fetch(`${base}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify({ type: 'invoice.overdue', subject: { type: 'invoice', id: `lat-${i}` }, data: { number, amount: 1000 } }) });
      if (posted.status !== 202) throw new Error(`POST /api/v1/events answered ${posted.status}: ${await posted.text()}`);
      for (let polls = 0; ; polls++) {
        const newest = (await (await fetch(`${base}/api/v1/tasks?sort=-created&status=all&limit=1`, { headers })).json()) as { items: { title: string }[] };
        if (newest.items[0]?.title === `Chase ${number}`) break;
        if (polls > 5000) throw new Error(`no task for event ${i} after ${polls} polls`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      samples.push(performance.now() - started);
    }
    return { samples: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
  } finally {
    await server.close();
  }
}

async function dueScan() {
  const now = Date.parse('2026-03-02T09:00:00Z');
  const timeScan = async (url: string, notDue: number) => {
    const server = await buildServer({ databaseUrl: url, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { loop: false } });
    // A bulk load, like the demo data's: timers straight into the table, 100 due and the rest weeks away.
    const raw = server.database.sqlite!;
    const insert = raw.prepare('insert into automation_timers (id, org_id, key, kind, subject_type, subject_id, rule_id, event_id, basis, fire_at, fired_at) values (?, ?, ?, ?, ?, ?, null, null, ?, ?, null)');
    raw.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run(`due-${i}`, 'org', `task.overdue|due-${i}`, 'task.overdue', 'task', `due-${i}`, now - 1000, now - 1000 + i);
      for (let i = 0; i < notDue; i++) insert.run(`later-${i}`, 'org', `task.overdue|later-${i}`, 'task.overdue', 'task', `later-${i}`, now, now + 86_400_000 + i * 1000);
    })();
    raw.exec('analyze');
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const rows = await dueTimers(server.deps.db, now, 500);
      samples.push(performance.now() - started);
      if (rows.length !== 100) throw new Error(`expected 100 due timers, got ${rows.length}`);
    }
    const plan = await explainDueScan(server.deps.db, now);
    await server.close();
    return { medianMs: median(samples), plan };
  };
  const many = await timeScan(`sqlite:${join(dir, 'timers-many.db')}`, NOT_DUE);
  const none = await timeScan(`sqlite:${join(dir, 'timers-none.db')}`, 0);
  return { notDue: NOT_DUE, medianMsWithNotDue: many.medianMs, medianMsOnlyDue: none.medianMs, plan: many.plan };
}

try {
  const finishline = await eventThroughput();
  const bare = bareThroughput();
  const latency = await eventToTaskLatency();
  const scan = await dueScan();
  const figures = {
    events: EVENTS,
    rules: RULES,
    finishlineEventsPerSecond: Math.round(finishline.eventsPerSecond),
    bareEventsPerSecond: Math.round(bare.eventsPerSecond),
    eventsRatio: Number((finishline.eventsPerSecond / bare.eventsPerSecond).toFixed(3)),
    finishlineEventsPerCpuSecond: Math.round(finishline.eventsPerCpuSecond),
    bareEventsPerCpuSecond: Math.round(bare.eventsPerCpuSecond),
    eventsCpuRatio: Number((finishline.eventsPerCpuSecond / bare.eventsPerCpuSecond).toFixed(3)),
    runs: finishline.runs,
    latencySamples: latency.samples,
    eventToTaskP50Ms: Number(latency.p50Ms.toFixed(1)),
    eventToTaskP99Ms: Number(latency.p99Ms.toFixed(1)),
    dueScanNotDueTimers: scan.notDue,
    dueScanMedianMs: Number(scan.medianMsWithNotDue.toFixed(3)),
    dueScanBaselineMedianMs: Number(scan.medianMsOnlyDue.toFixed(3)),
    dueScanRatio: Number((scan.medianMsWithNotDue / scan.medianMsOnlyDue).toFixed(3)),
    dueScanPlan: scan.plan,
  };
  console.log(`events through ${RULES} rules      ${figures.finishlineEventsPerSecond} ev/s   bare loop ${figures.bareEventsPerSecond} ev/s   ratio ${figures.eventsRatio}`);
  console.log(`  per CPU second               ${figures.finishlineEventsPerCpuSecond} ev   bare loop ${figures.bareEventsPerCpuSecond} ev   ratio ${figures.eventsCpuRatio}`);
  console.log(`event → task, over HTTP  p50 ${figures.eventToTaskP50Ms} ms   p99 ${figures.eventToTaskP99Ms} ms   (${latency.samples} events, one at a time)`);
  console.log(`due-scan, ${NOT_DUE} timers not due  ${figures.dueScanMedianMs} ms   only the 100 due ${figures.dueScanBaselineMedianMs} ms   ratio ${figures.dueScanRatio}`);
  console.log(`due-scan plan: ${scan.plan}`);
  console.log(JSON.stringify(figures));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
