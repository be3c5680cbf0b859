// Servers keep recent sign-ins in memory; a change made through another server
// over the same database (another process, in production) must still end them
// at once: revocations, log-outs, role changes and deactivations.
import { randomBytes } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/people/sessions.ts';
import { buildServer, type Server } from '../../src/server.ts';
import { testDatabases } from '../support/databases.ts';
import { type Client, client } from '../support/http.ts';
import { PASSWORD } from '../support/harness.ts';

const choices = await testDatabases();

describe.each(choices)('sign-ins cached by one server, changed through another [$name]', (choice) => {
  describe.skipIf(choice.skip !== null)(choice.skip ? `skipped: ${choice.skip}` : 'two servers over one database', () => {
    const database = choice.make();
    let first: Server;
    let second: Server;
    let viaFirst: (token?: string) => Client;
    let viaSecond: (token?: string) => Client;
    let owner: { token: string; orgId: string };

    beforeAll(async () => {
      const url = await database.create();
      const options = { databaseUrl: url, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { loop: false } };
      first = await buildServer(options);
      second = await buildServer(options);
      const [a, b] = [await first.app.listen({ port: 0, host: '127.0.0.1' }), await second.app.listen({ port: 0, host: '127.0.0.1' })];
      viaFirst = (token) => client(a, token);
      viaSecond = (token) => client(b, token);
      const email = `owner-${randomBytes(4).toString('hex')}@example.test`;
      const res = await viaFirst().post('/api/v1/signup', { orgName: 'Acme Plumbing', timezone: 'Europe/London', name: 'Olive Owner', email, password: PASSWORD });
      expect(res.status, res.text).toBe(201);
      owner = { token: res.body.token, orgId: res.body.org.id };
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      await database.drop();
    });

    const addUser = async (role: 'admin' | 'manager' | 'member') => {
      const email = `${role}-${randomBytes(4).toString('hex')}@example.test`;
      const created = await viaSecond(owner.token).post('/api/v1/users', { name: `A ${role}`, email, role, password: PASSWORD });
      expect(created.status, created.text).toBe(201);
      const session = await viaSecond().post('/api/v1/sessions', { email, password: PASSWORD });
      expect(session.status, session.text).toBe(201);
      return { id: created.body.id as string, token: session.body.token as string };
    };

    /** Signs in on the first server twice, so the second answer comes from its cache. */
    const warm = async (token: string, path = '/api/v1/me') => {
      for (let i = 0; i < 2; i++) expect((await viaFirst(token).get(path)).status).toBe(200);
    };

    it('refuses an API token on the next request once another server revoked it', async () => {
      const created = await viaSecond(owner.token).post('/api/v1/tokens', { name: 'Accounting sync' });
      expect(created.status, created.text).toBe(201);
      await warm(created.body.token);
      expect((await viaSecond(owner.token).delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
      expect((await viaFirst(created.body.token).get('/api/v1/me')).status).toBe(401);
    });

    it('refuses a session logged out, or logged out everywhere, through another server', async () => {
      const one = await addUser('member');
      await warm(one.token);
      expect((await viaSecond(one.token).delete('/api/v1/sessions/current')).status).toBe(204);
      expect((await viaFirst(one.token).get('/api/v1/me')).status).toBe(401);

      const two = await addUser('member');
      await warm(two.token);
      expect((await viaSecond(two.token).delete('/api/v1/sessions')).status).toBe(204);
      expect((await viaFirst(two.token).get('/api/v1/me')).status).toBe(401);
    });

    it('applies a role change made through another server to the next request', async () => {
      const admin = await addUser('admin');
      await warm(admin.token, '/api/v1/tokens');
      const demoted = await viaSecond(owner.token).patch(`/api/v1/users/${admin.id}`, { role: 'member' });
      expect(demoted.status, demoted.text).toBe(200);
      expect((await viaFirst(admin.token).get('/api/v1/tokens')).status).toBe(403);
      expect((await viaFirst(admin.token).get('/api/v1/me')).body.user.role).toBe('member');
    });

    it('refuses a deactivated person at once', async () => {
      const member = await addUser('member');
      await warm(member.token);
      const deactivated = await viaSecond(owner.token).patch(`/api/v1/users/${member.id}`, { active: false });
      expect(deactivated.status, deactivated.text).toBe(200);
      expect((await viaFirst(member.token).get('/api/v1/me')).status).toBe(401);
    });

    it('keeps answering for a token nobody changed, while other people are signed out', async () => {
      const kept = await addUser('member');
      await warm(kept.token);
      const other = await addUser('member');
      expect((await viaSecond(other.token).delete('/api/v1/sessions/current')).status).toBe(204);
      expect((await viaFirst(kept.token).get('/api/v1/me')).status).toBe(200);
    });

    it('checks requests that arrive together against one read of the epoch, and refuses the first after a revocation', async () => {
      const created = await viaSecond(owner.token).post('/api/v1/tokens', { name: 'Dispatch board' });
      expect(created.status, created.text).toBe(201);
      let statements = 0;
      const counting: KyselyPlugin = { transformQuery: (args) => args.node, transformResult: async (args) => (statements++, args.result) };
      // The first server's database, counted: a handle of its own, so with a sign-in cache of its own.
      const deps = { ...first.deps, db: first.deps.db.withPlugin(counting) };
      expect(await authenticate(deps, created.body.token)).not.toBeNull();
      statements = 0;
      const together = await Promise.all(Array.from({ length: 20 }, () => authenticate(deps, created.body.token)));
      expect(together.every((caller) => caller?.orgId === owner.orgId)).toBe(true);
      // One read under way when they arrived, and one after it that the other nineteen share.
      expect(statements).toBe(2);
      const underWay = Promise.all(Array.from({ length: 5 }, () => authenticate(deps, created.body.token)));
      expect((await viaSecond(owner.token).delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
      expect(await authenticate(deps, created.body.token)).toBeNull();
      await underWay;
    });
  });
});
