// Log-in attempts per client address are counted in the database, so two
// servers over one database (or `serve --workers N`) share one limit: an
// address gets its attempts once, not once per process.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildServer, type Server, type ServerOptions } from '../../src/server.ts';
import { testDatabases } from '../support/databases.ts';
import { client } from '../support/http.ts';
import { PASSWORD } from '../support/harness.ts';

const choices = await testDatabases();
const MAX = 4;

describe.each(choices)('log-in attempts per address, across servers [$name]', (choice) => {
  describe.skipIf(choice.skip !== null)(choice.skip ? `skipped: ${choice.skip}` : 'two servers over one database', () => {
    const database = choice.make();
    const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
    const servers: Server[] = [];
    const bases: string[] = [];
    let email: string;

    const start = async (url: string, extra: Partial<ServerOptions> = {}) => {
      const server = await buildServer({
        databaseUrl: url,
        logLevel: 'silent',
        sessionTtlMs: 3600_000,
        clock,
        automation: { loop: false },
        loginRateLimit: { max: MAX, timeWindow: 60_000 },
        accountLoginLimit: { max: 1000, windowMs: 60_000 },
        ...extra,
      });
      servers.push(server);
      bases.push(await server.app.listen({ port: 0, host: '127.0.0.1' }));
      return server;
    };

    beforeAll(async () => {
      const url = await database.create();
      await start(url);
      await start(url);
      // A third server behind exactly one proxy: it believes only the last X-Forwarded-For entry.
      await start(url, { trustProxy: 1 });
      email = `owner-${randomBytes(4).toString('hex')}@example.test`;
      const res = await client(bases[0]!).post('/api/v1/signup', { orgName: 'Acme Plumbing', timezone: 'Europe/London', name: 'Olive Owner', email, password: PASSWORD });
      expect(res.status, res.text).toBe(201);
    });
    afterAll(async () => {
      for (const server of servers) await server.close();
      await database.drop();
    });

    /** A log-in through server `index` (0 or 1 trust the loopback proxy the test stands in for), from client address `from`. */
    const attempt = (index: number, from: string, password: string) =>
      client(bases[index]!).post('/api/v1/sessions', { email, password }, { 'x-forwarded-for': from });
    const addresses = async () =>
      (await servers[0]!.deps.db.selectFrom('login_address_throttle').select('ip').orderBy('ip').execute()).map((r) => r.ip);

    it('gives an address its attempts once across both servers, then 429 problem+json with Retry-After on either', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < MAX + 2; i++) statuses.push((await attempt(i % 2, '203.0.113.7', 'wrong password here')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
      for (const index of [0, 1]) {
        const refused = await attempt(index, '203.0.113.7', PASSWORD);
        expect(refused.status).toBe(429);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        const wait = Number(refused.headers.get('retry-after'));
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(60);
      }
      // Another address is not held back, through either server.
      expect((await attempt(0, '198.51.100.20', PASSWORD)).status).toBe(201);
      expect((await attempt(1, '198.51.100.20', PASSWORD)).status).toBe(201);

      clock.advance(61_000);
      expect((await attempt(1, '203.0.113.7', PASSWORD)).status).toBe(201);
    });

    it('behind one proxy, counts the address the proxy saw, whatever the client wrote before it', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < MAX + 1; i++) statuses.push((await attempt(2, `10.9.8.${i}, 192.0.2.55`, 'wrong password here')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      expect(await addresses()).toContain('192.0.2.55');
      expect(await addresses()).not.toContain('10.9.8.0');
    });

    it('counts an IPv6 client by its /64, so moving to another address in that network does not reset the count', async () => {
      const statuses: number[] = [];
      for (let i = 1; i <= MAX + 1; i++) statuses.push((await attempt(i % 2, `2001:db8:5:6::${i.toString(16)}`, 'wrong password here')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      expect((await attempt(0, '2001:db8:5:7::1', PASSWORD)).status).toBe(201);
      expect(await addresses()).toEqual(expect.arrayContaining(['2001:db8:5:6::/64', '2001:db8:5:7::/64']));
      clock.advance(61_000);
    });

    it('deletes the counts of windows that ended', async () => {
      clock.advance(61_000);
      expect((await attempt(0, '198.51.100.99', PASSWORD)).status).toBe(201);
      expect(await addresses()).toEqual(['198.51.100.99']);
    });
  });
});
