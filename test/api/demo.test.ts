import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildServer, type Server } from '../../src/server.ts';
import { forEachDatabase } from '../support/harness.ts';
import { type Client, client } from '../support/http.ts';

async function all(api: Client, path: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: any = await api.get(`${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

forEachDatabase('demo business', (ctx) => {
  it('loads a consistent plumbing business whose every task link resolves, with the configured counts', async () => {
    const result = await loadDemo(ctx.server.database, { seed: 7, scale: 250, clock: ctx.clock, batchSize: 100, rebuildIndexesFrom: 200 });
    expect(result.counts).toMatchObject({ people: 11, teams: 3, contacts: 40, clients: 24, pipelines: 2, leads: 34, jobs: 36, services: 16, tasks: 340 });
    expect(result.bulk.tasks).toBe(250);

    const session = await client(ctx.baseUrl).post('/api/v1/sessions', result.login);
    expect(session.status, session.text).toBe(201);
    const api = client(ctx.baseUrl, session.body.token);

    expect(await all(api, '/api/v1/users')).toHaveLength(result.counts.people);
    expect(await all(api, '/api/v1/teams')).toHaveLength(result.counts.teams);
    for (const plural of ['contacts', 'clients', 'pipelines', 'leads', 'jobs', 'services'] as const) {
      expect(await all(api, `/api/v1/${plural}`), plural).toHaveLength(result.counts[plural]);
    }
    const pipelines = await all(api, '/api/v1/pipelines');
    const sales = pipelines.find((p) => p.isDefault);
    const leads = await all(api, `/api/v1/leads?pipeline=${sales.id}`);
    expect(new Set(leads.map((l) => l.stage))).toEqual(new Set(['new', 'contacted', 'quoted', 'won', 'lost']));
    const jobs = await all(api, '/api/v1/jobs');
    expect(new Set(jobs.map((j) => j.status))).toEqual(new Set(['scheduled', 'in_progress', 'completed', 'incomplete', 'cancelled', 'missed']));

    const tasks = await all(api, '/api/v1/tasks?status=all&sort=created');
    expect(tasks).toHaveLength(result.counts.tasks);
    expect(new Set(tasks.map((t) => t.status))).toEqual(new Set(['open', 'in_progress', 'waiting', 'blocked', 'done', 'cancelled']));
    expect(tasks.filter((t) => t.overdue).length).toBeGreaterThan(0);
    expect(new Set(tasks.map((t) => t.key)).size).toBe(tasks.length);
    const links = tasks.flatMap((t) => t.links);
    expect(links.length).toBeGreaterThan(tasks.length);
    expect(links.filter((l) => l.name === null)).toEqual([]);
    // The month replayed gives each record at most one task of each kind (the bulk tasks come after it).
    const replayed = tasks.filter((t) => Number(t.key.slice(2)) <= result.counts.tasks - result.bulk.tasks);
    const kinds = replayed.map((t) => `${t.title} ${t.links[0].type}:${t.links[0].id}`);
    expect(kinds.filter((k, i) => kinds.indexOf(k) !== i)).toEqual([]);
    // A job's tasks fit its visit: confirming it and ordering parts before a visit still to come, with
    // a due date before it; photos, the invoice and the review once a completed visit is over.
    const jobOf = new Map(jobs.map((j) => [j.id, j]));
    const misplaced = replayed.filter((t) => {
      const job = t.links[0].type === 'job' && t.source.kind === 'manual' ? jobOf.get(t.links[0].id) : undefined;
      if (!job) return false;
      const [start, end, created] = [Date.parse(job.scheduledStart), Date.parse(job.scheduledEnd), Date.parse(t.createdAt)];
      if (/^(Confirm the appointment|Order parts)/.test(t.title)) return !(created < start && (t.dueAt === null || Date.parse(t.dueAt) < start));
      if (/^(Upload photos|Send the invoice|Ask for a review|Chase the unpaid)/.test(t.title)) return !(job.status === 'completed' && created >= end);
      return false;
    });
    expect(misplaced.map((t) => t.title)).toEqual([]);
    expect(replayed.filter((t) => /^(Confirm the appointment|Ask for a review|Send the invoice)/.test(t.title)).length).toBeGreaterThan(0);
    // Each title names the record it is about: what was written in bulk reads back as written.
    expect(tasks.filter((t) => !t.title.includes(t.links[0].name)).map((t) => t.title)).toEqual([]);

    const busiest = leads[0];
    const linked = await all(api, `/api/v1/tasks?status=all&link=lead:${busiest.id}`);
    const page = (await api.get(`/api/v1/leads/${busiest.id}`)).body;
    expect(page.tasks.counts.open + page.tasks.counts.done).toBeLessThanOrEqual(linked.length);
    expect(page.tasks.open.map((t: any) => t.id).sort()).toEqual(linked.filter((t) => t.status !== 'done' && t.status !== 'cancelled').map((t) => t.id).sort());
  });
});

// What a seed decides does not depend on the engine, so this runs once, on SQLite.
describe('demo seed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-demo-'));
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'demo.db')}`, logLevel: 'silent', sessionTtlMs: 3600_000, clock });
    baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same business for the same seed, beside the first one', async () => {
    const first = await loadDemo(server.database, { seed: 11, scale: 40, clock });
    const second = await loadDemo(server.database, { seed: 11, scale: 40, clock });
    expect(second.orgId).not.toBe(first.orgId);
    expect(second.login.email).not.toBe(first.login.email);
    const titles = async (login: { email: string; password: string }) => {
      const session = await client(baseUrl).post('/api/v1/sessions', login);
      const tasks = await all(client(baseUrl, session.body.token), '/api/v1/tasks?status=all&sort=created');
      return tasks.map((t) => `${t.key} ${t.title} ${t.status} ${t.priority} ${t.dueAt}`).sort();
    };
    expect(await titles(second.login)).toEqual(await titles(first.login));
  });

  it('books every visit on the hour in the business\'s working day, whatever hour the demo is loaded at', async () => {
    // 05:50 in London: a visit "a few days ago at this time" would start before anyone is at work.
    const early = new ManualClock(Date.parse('2026-07-14T04:50:00Z'));
    const demo = await loadDemo(server.database, { seed: 5, scale: 20, clock: early });
    const session = await client(baseUrl).post('/api/v1/sessions', demo.login);
    const jobs = await all(client(baseUrl, session.body.token), '/api/v1/jobs');
    expect(jobs).toHaveLength(demo.counts.jobs);
    const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const booked = jobs.filter((j) => j.status !== 'in_progress').map((j) => london.format(new Date(j.scheduledStart)));
    expect(booked.filter((time) => !/^(0[89]|1[0-5]):00$/.test(time))).toEqual([]);
    const now = early.now();
    // Every technician has a visit booked today, the business's day.
    const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
    const technicians = new Set(jobs.flatMap((j) => j.technicianIds as string[]));
    const bookedToday = new Set(jobs.filter((j) => londonDay.format(new Date(j.scheduledStart)) === londonDay.format(new Date(now))).flatMap((j) => j.technicianIds as string[]));
    expect(technicians.size).toBeGreaterThan(3);
    expect([...technicians].filter((id) => !bookedToday.has(id))).toEqual([]);
    for (const job of jobs.filter((j) => j.status === 'in_progress')) {
      expect(Date.parse(job.scheduledStart)).toBeLessThanOrEqual(now);
      expect(Date.parse(job.scheduledEnd)).toBeGreaterThan(now);
      expect(Date.parse(job.scheduledStart) % (15 * 60_000)).toBe(0);
    }
    expect(doubleBookings(jobs)).toEqual([]);
  });

  it('never books a technician at two visits at once, the one in progress included', async () => {
    // 14:40 in London: the job in progress began this afternoon, between the day's visits at 13 and 15 o'clock.
    for (const [seed, at] of [[7, '2026-07-14T13:40:00Z'], [11, '2026-12-07T14:40:00Z']] as const) {
      const demo = await loadDemo(server.database, { seed, scale: 20, clock: new ManualClock(Date.parse(at)) });
      const session = await client(baseUrl).post('/api/v1/sessions', demo.login);
      expect(doubleBookings(await all(client(baseUrl, session.body.token), '/api/v1/jobs'))).toEqual([]);
    }
  });
});

/** Pairs of visits one technician is booked at, at the same time. */
function doubleBookings(jobs: { id: string; technicianIds: string[]; scheduledStart: string; scheduledEnd: string }[]): string[] {
  const clashes: string[] = [];
  for (const [i, a] of jobs.entries()) {
    for (const b of jobs.slice(i + 1)) {
      const shared = a.technicianIds.filter((id) => b.technicianIds.includes(id));
      if (shared.length > 0 && Date.parse(a.scheduledStart) < Date.parse(b.scheduledEnd) && Date.parse(b.scheduledStart) < Date.parse(a.scheduledEnd)) clashes.push(`${a.scheduledStart} ${b.scheduledStart}`);
    }
  }
  return clashes;
}
