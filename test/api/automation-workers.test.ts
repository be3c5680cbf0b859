// Four `finishline worker` processes share one PostgreSQL database and a
// backlog of 10,000 events; one is killed while it works. Every event must be
// handled exactly once and no task created twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type Server } from '../../src/server.ts';
import { testDatabases } from '../support/databases.ts';
import { type Client, client } from '../support/http.ts';

const ORGS = 4;
const EVENTS_PER_ORG = 2500;
/** One event in five is work for someone: a task to chase the invoice. */
const isWork = (i: number) => i % 5 === 0;
/** Every fiftieth event is about an invoice that already has a chase task: the rule must not open a second one. */
const repeats = (i: number) => i % 50 === 26;
const WORK = EVENTS_PER_ORG / 5;
const REPEATS = EVENTS_PER_ORG / 50;
const BIN = fileURLToPath(new URL('../../bin/finishline.js', import.meta.url));

const choices = (await testDatabases()).filter((c) => c.name === 'postgres');

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.each(choices)('automation workers [$name]', (choice) => {
  describe.skipIf(choice.skip !== null)(choice.skip ? `skipped: ${choice.skip}` : 'four processes, one killed', () => {
    const database = choice.make();
    let server: Server;
    let url: string;
    const workers: ChildProcess[] = [];
    const orgs: Client[] = [];

    beforeAll(async () => {
      url = await database.create();
      server = await buildServer({ databaseUrl: url, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { loop: false }, loginRateLimit: { max: 1000, timeWindow: 60_000 } });
      const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
      for (let i = 0; i < ORGS; i++) {
        const res = await client(base).post('/api/v1/signup', { orgName: `Busy Co ${i}`, timezone: 'Europe/London', name: 'Owner', email: `busy-${i}-${Date.now()}@example.test`, password: 'a long enough password' });
        expect(res.status, res.text).toBe(201);
        const api = client(base, res.body.token);
        const rule = await api.post('/api/v1/rules', {
          name: 'Chase',
          trigger: { event: 'invoice.overdue', where: [{ field: 'data.kind', op: 'eq', value: 'work' }] },
          actions: [{ type: 'create_task', title: 'Chase {{event.subject.id}}' }],
        });
        expect(rule.status, rule.text).toBe(201);
        orgs.push(api);
      }
    });

    afterAll(async () => {
      for (const worker of workers) worker.kill('SIGKILL');
      await server?.close();
      await database.drop();
    });

    it('handles every one of 10,000 events exactly once across four processes, one of them killed mid-run', async () => {
      const batches = orgs.flatMap((api, o) =>
        Array.from({ length: EVENTS_PER_ORG / 500 }, (_, b) => ({
          api,
          events: Array.from({ length: 500 }, (_, k) => {
            const i = b * 500 + k;
            const kind = isWork(i) || repeats(i) ? 'work' : 'note';
            return { id: `o${o}-e${i}`, type: 'invoice.overdue', subject: { type: 'invoice', id: `inv-${repeats(i) ? i - 26 : i}` }, data: { kind } };
          }),
        })),
      );
      await inParallel(batches, 4, async ({ api, events }) => {
        const res = await api.post('/api/v1/events/batch', { events });
        expect(res.status, res.text).toBe(202);
        expect(res.body.created).toBe(500);
      });
      // Delivered twice by the integration: the same ids add nothing.
      const again = await orgs[0]!.post('/api/v1/events/batch', { events: batches[0]!.events.slice(0, 100) });
      expect(again.body).toMatchObject({ created: 0 });

      const env = { ...process.env, DATABASE_URL: url, FINISHLINE_TICK_MS: '100', FINISHLINE_CLAIM_MS: '2000', FINISHLINE_AUTOMATION_BATCH: '50', LOG_LEVEL: 'silent' };
      for (let i = 0; i < 4; i++) workers.push(spawn(process.execPath, [BIN, 'worker'], { env, stdio: 'ignore' }));

      const statuses = async () => Promise.all(orgs.map(async (api) => (await api.get('/api/v1/automation/status')).body));
      const handled = async () => (await statuses()).reduce((n, s) => n + s.evaluated, 0);
      await until('the workers to get going', async () => (await handled()) >= 2000, 100_000);
      workers[0]!.kill('SIGKILL');
      await until('every event to be handled', async () => (await statuses()).every((s) => s.pendingEvents === 0), 150_000);

      for (const [o, status] of (await statuses()).entries()) {
        expect(status.runs, `org ${o}`).toEqual({ success: WORK, duplicate: REPEATS, skipped: 0, scheduled: 0, failed: 0, stopped: 0 });
        // Every event checked once against the rule, however many processes handled its batch.
        expect([status.evaluated, status.missed], `org ${o}`).toEqual([EVENTS_PER_ORG, EVENTS_PER_ORG - WORK - REPEATS]);
        const titles: string[] = [];
        let cursor: string | null = null;
        do {
          const page: any = (await orgs[o]!.get(`/api/v1/tasks?status=all&limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body;
          titles.push(...page.items.map((t: { title: string }) => t.title));
          cursor = page.nextCursor;
        } while (cursor);
        expect(titles.length).toBe(WORK);
        expect(new Set(titles).size).toBe(titles.length);
      }
    }, 180_000);
  });
});
