// PostgreSQL restarted under load: while it is down every request fails fast
// with a 503 problem (never a 500, never a hang), and once it is back the server
// answers again by itself, without a restart, with every acknowledged write kept.
// Runs on a PostgreSQL instance of its own, never the shared one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type Server } from '../../src/server.ts';
import { required } from '../support/databases.ts';
import { PASSWORD } from '../support/harness.ts';
import { client } from '../support/http.ts';
import { type ThrowawayPostgres, throwawayPostgres } from '../support/throwaway-postgres.ts';

/** How many times PostgreSQL is stopped and started under load (1 in `npm test`, more in `npm run chaos`). */
const RESTARTS = Number(process.env.FINISHLINE_CHAOS_RESTARTS ?? 1);

const made = await throwawayPostgres();
if (typeof made === 'string') {
  if (required('postgres')) throw new Error(`FINISHLINE_TEST_REQUIRE includes postgres, but ${made}`);
  console.warn(`[skipped] PostgreSQL restart test: ${made}`);
}
const pg = typeof made === 'string' ? null : made;

describe.skipIf(pg === null)(`PostgreSQL restarted under load${pg ? '' : ` (skipped: ${made})`}`, () => {
  let server: Server;
  let baseUrl: string;
  const postgres = pg as ThrowawayPostgres;

  beforeAll(async () => {
    server = await buildServer({ databaseUrl: postgres.url, logLevel: process.env.FL_DEBUG_LOG ?? 'silent', sessionTtlMs: 3600_000 });
    baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    postgres.destroy();
  });

  it('answers 503 while PostgreSQL is down and recovers by itself once it is back, losing nothing acknowledged', async () => {
    const signup = await client(baseUrl).post('/api/v1/signup', { orgName: 'Restart Heating', timezone: 'Europe/London', name: 'Ray', email: 'ray@example.test', password: PASSWORD });
    expect(signup.status).toBe(201);
    const api = client(baseUrl, signup.body.token);
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let phase: 'up' | 'down' | 'back' = 'up';
    let running = true;
    const during = { down: [] as number[] };

    const writer = async (w: number) => {
      for (let i = 0; running; i++) {
        const res = await api.post('/api/v1/tasks', { title: `Writer ${w} task ${i}` });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acknowledged.push(res.body.id);
        if (phase === 'down') during.down.push(res.status);
        if (res.status === 503) {
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          expect(res.headers.get('retry-after')).toBeTruthy();
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    const until = async (condition: () => boolean) => {
      for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(condition()).toBe(true);
    };

    await until(() => acknowledged.length >= 50);
    for (let restart = 0; restart < RESTARTS; restart++) {
      postgres.stop();
      phase = 'down';
      during.down = [];
      await until(() => during.down.length >= 30);
      const reads = await Promise.all([api.get('/api/v1/tasks'), api.get('/api/v1/me'), client(baseUrl).post('/api/v1/sessions', { email: 'ray@example.test', password: PASSWORD })]);
      for (const read of reads) expect(read.status).toBe(503);
      expect(during.down.filter((s) => s !== 503 && s !== 201)).toEqual([]);
      postgres.start();
      phase = 'back';
      const before = acknowledged.length;
      await until(() => acknowledged.length >= before + 50);
    }
    running = false;
    await Promise.all(writers);

    expect([...statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
    const missing = [];
    for (const id of acknowledged) if ((await api.get(`/api/v1/tasks/${id}`)).status !== 200) missing.push(id);
    expect(missing).toEqual([]);
    console.log(`[postgres-restart] restarts survived: ${RESTARTS}, requests: ${[...statuses.values()].reduce((a, b) => a + b, 0)}, by status: ${JSON.stringify(Object.fromEntries(statuses))}, acknowledged: ${acknowledged.length}, lost: ${missing.length}`);
  });
});
