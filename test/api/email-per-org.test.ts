// An email is unique within an organisation, not across them: signing up or being added in one
// business says nothing about the others, and sign-in asks which business when the password is
// right for more than one — listing only those.
import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrationsFor } from '../../src/platform/db/migrations.ts';
import { createApiTokenFor } from '../../src/people/service.ts';
import { totpCodeAt } from '../../src/accounts/twoFactor.ts';
import { testDatabases } from '../support/databases.ts';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

const OTHER_PASSWORD = 'another long enough password';
const newEmail = () => `pat-${randomBytes(5).toString('hex')}@example.test`;

/** The shape of a JSON value: its keys and the types of their values, all the way down. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shapeOf(v)]));
  return value === null ? 'null' : typeof value;
}

forEachDatabase('an email per organisation', (ctx) => {
  const signup = (email: string, orgName: string, password = PASSWORD) =>
    ctx.anonymous.post('/api/v1/signup', { orgName, timezone: 'Europe/London', name: 'Pat Doyle', email, password });
  const signIn = (body: Record<string, unknown>) => ctx.anonymous.post('/api/v1/sessions', body);

  it('signs the same email up twice: two businesses, each 201 with the answer a fresh email gets', async () => {
    const email = newEmail();
    const first = await signup(email, 'Doyle Plumbing');
    const second = await signup(email.toUpperCase(), 'Doyle Electric');
    const fresh = await signup(newEmail(), 'Fresh Start Roofing');
    for (const res of [first, second, fresh]) expect(res.status, res.text).toBe(201);
    expect(second.body.org.id).not.toBe(first.body.org.id);
    expect(second.body.user.id).not.toBe(first.body.user.id);
    expect(second.body.user).toMatchObject({ email, role: 'owner' });
    expect(shapeOf(second.body)).toEqual(shapeOf(fresh.body));
    expect(shapeOf(first.body)).toEqual(shapeOf(fresh.body));
    expect([...second.headers.keys()].sort()).toEqual([...fresh.headers.keys()].sort());
    // Each session is its own business's.
    expect((await ctx.client(first.body.token).get('/api/v1/me')).body.org.name).toBe('Doyle Plumbing');
    expect((await ctx.client(second.body.token).get('/api/v1/me')).body.org.name).toBe('Doyle Electric');
  });

  it('signs straight in to the one business whose password is right', async () => {
    const email = newEmail();
    const plumbing = await signup(email, 'Doyle Plumbing');
    const electric = await signup(email, 'Doyle Electric', OTHER_PASSWORD);
    const intoPlumbing = await signIn({ email, password: PASSWORD });
    expect(intoPlumbing.status, intoPlumbing.text).toBe(201);
    expect((await ctx.client(intoPlumbing.body.token).get('/api/v1/me')).body.org.id).toBe(plumbing.body.org.id);
    const intoElectric = await signIn({ email, password: OTHER_PASSWORD });
    expect(intoElectric.status, intoElectric.text).toBe(201);
    expect((await ctx.client(intoElectric.body.token).get('/api/v1/me')).body.org.id).toBe(electric.body.org.id);
    // Naming the other business with this password is a wrong password, nothing more.
    const wrong = await signIn({ email, password: PASSWORD, orgId: electric.body.org.id });
    const unknown = await signIn({ email: newEmail(), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('asks which business when the password is right for several, listing only those, then signs in to the one chosen', async () => {
    const email = newEmail();
    const plumbing = await signup(email, 'Doyle Plumbing');
    const electric = await signup(email, 'Doyle Electric');
    const roofing = await signup(email, 'Doyle Roofing', OTHER_PASSWORD);
    const asked = await signIn({ email, password: PASSWORD });
    expect(asked.status, asked.text).toBe(409);
    expect(asked.headers.get('content-type')).toContain('application/problem+json');
    expect(asked.body.type).toMatch(/\/choose-organisation$/);
    expect(asked.body.token).toBeUndefined();
    expect(asked.body.orgs).toEqual([{ id: plumbing.body.org.id, name: 'Doyle Plumbing' }, { id: electric.body.org.id, name: 'Doyle Electric' }]);
    expect(asked.text).not.toContain(roofing.body.org.id);
    expect(asked.text).not.toContain('Doyle Roofing');

    const chosen = await signIn({ email, password: PASSWORD, orgId: electric.body.org.id });
    expect(chosen.status, chosen.text).toBe(201);
    const me = await ctx.client(chosen.body.token).get('/api/v1/me');
    expect([me.body.org.id, me.body.user.id]).toEqual([electric.body.org.id, electric.body.user.id]);
    // An organisation the password is not right for, or none of the email's, is a wrong password.
    expect((await signIn({ email, password: PASSWORD, orgId: roofing.body.org.id })).status).toBe(401);
    expect((await signIn({ email, password: PASSWORD, orgId: 'no-such-business' })).status).toBe(401);
    // Being asked is not a failure: the right password still signs in after many askings.
    for (let i = 0; i < 12; i++) expect((await signIn({ email, password: PASSWORD })).status).toBe(409);
    expect((await signIn({ email, password: PASSWORD, orgId: plumbing.body.org.id })).status).toBe(201);
  });

  it('asks the chosen business’s second factor: two-factor sign-in goes on as before after the choice', async () => {
    const email = newEmail();
    const plumbing = await signup(email, 'Doyle Plumbing');
    const electric = await signup(email, 'Doyle Electric');
    const owner = ctx.client(electric.body.token);
    const setup = await owner.post('/api/v1/me/two-factor');
    expect((await owner.post('/api/v1/me/two-factor/confirm', { code: totpCodeAt(setup.body.secret, ctx.clock.now()) })).status).toBe(200);
    expect((await signIn({ email, password: PASSWORD })).status).toBe(409);
    const asked = await signIn({ email, password: PASSWORD, orgId: electric.body.org.id });
    expect(asked.status, asked.text).toBe(401);
    expect(asked.body.type).toMatch(/\/two-factor-required$/);
    ctx.clock.advance(60_000);
    try {
      const done = await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken: asked.body.pendingToken, code: totpCodeAt(setup.body.secret, ctx.clock.now()) });
      expect(done.status, done.text).toBe(201);
      expect(done.body.user.id).toBe(electric.body.user.id);
    } finally {
      ctx.clock.advance(-60_000);
    }
    // The other business has no second factor: straight in once chosen.
    expect((await signIn({ email, password: PASSWORD, orgId: plumbing.body.org.id })).status).toBe(201);
  });

  it('counts wrong passwords against the email whichever business, and writes the failure in each one’s audit log', async () => {
    const email = newEmail();
    const plumbing = await signup(email, 'Doyle Plumbing');
    const electric = await signup(email, 'Doyle Electric');
    for (let i = 0; i < 10; i++) expect((await signIn({ email, password: 'not the password at all' })).status).toBe(401);
    const throttled = await signIn({ email, password: PASSWORD, orgId: plumbing.body.org.id });
    expect(throttled.status).toBe(429);
    for (const org of [plumbing, electric]) {
      const audit = await ctx.client(org.body.token).get('/api/v1/audit?action=session.login_failed');
      expect(audit.body.items).toHaveLength(10);
      expect(audit.body.items.every((e: { subject: { id: string } }) => e.subject.id === org.body.user.id)).toBe(true);
    }
    ctx.clock.advance(16 * 60_000);
  });

  it('adds a person whose email another business has (201), and refuses one this business has (409)', async () => {
    const email = newEmail();
    const elsewhere = await signup(email, 'Doyle Plumbing');
    const org = await ctx.signup('Harbour Heating');
    const added = await org.api.post('/api/v1/users', { name: 'Pat Doyle', email, role: 'member', password: OTHER_PASSWORD });
    expect(added.status, added.text).toBe(201);
    expect(added.body.id).not.toBe(elsewhere.body.user.id);
    const again = await org.api.post('/api/v1/users', { name: 'Pat Again', email: email.toUpperCase(), role: 'member', password: OTHER_PASSWORD });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ path: 'email', message: 'is already taken' }]);
    // Inviting follows the same rule, and so does changing someone's email.
    const rival = await ctx.signup('Rival Heating');
    expect((await rival.api.post('/api/v1/invitations', { email })).status).toBe(201);
    expect((await org.api.post('/api/v1/invitations', { email })).status).toBe(409);
    const member = await ctx.addUser(rival, 'member');
    expect((await rival.api.patch(`/api/v1/users/${member.id}`, { email: org.user.email })).status).toBe(200);
    expect((await rival.api.patch(`/api/v1/users/${member.id}`, { email: rival.user.email })).status).toBe(409);
    // Each account signs in to its own business with its own password.
    const intoHarbour = await signIn({ email, password: OTHER_PASSWORD });
    expect((await ctx.client(intoHarbour.body.token).get('/api/v1/me')).body.org.id).toBe(org.id);
  });

  it('makes a command-line API token for an email in several businesses only when told which (--org)', async () => {
    const email = newEmail();
    await signup(email, 'Doyle Plumbing');
    const electric = await signup(email, 'Doyle Electric');
    await expect(createApiTokenFor(ctx.server.deps, email, 'cli')).rejects.toThrow(/several businesses.*--org/);
    const made = await createApiTokenFor(ctx.server.deps, email, 'cli', electric.body.org.slug);
    expect((await ctx.client(made.token).get('/api/v1/me')).body.org.id).toBe(electric.body.org.id);
    await expect(createApiTokenFor(ctx.server.deps, email, 'cli', 'no-such-business')).rejects.toThrow(/not found/);
  });
});

// The upgrade keeps every person and only then allows one email per organisation.
describe.each(await testDatabases())('migration 0026 on an existing database [$name]', (choice) => {
  const database = choice.make();
  afterAll(() => database.drop());
  it.skipIf(choice.skip !== null)('keeps the people and their indexes, and makes the email unique per organisation', async () => {
    const { db, close } = openDatabase(await database.create());
    try {
      const all = migrationsFor(choice.name);
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0026'));
      const upTo = new Migrator({ db, provider: { getMigrations: async () => before }, allowUnorderedMigrations: true });
      expect((await upTo.migrateToLatest()).error).toBeUndefined();
      const row = (id: string, org: string, email: string) => ({
        id, org_id: org, email, name: id, role: 'owner', password_hash: null, working_hours: null, time_off: '[]', active: 1, created_at: 1, updated_at: 1, version: 1,
      });
      await db.insertInto('users').values([row('u-1', 'org-a', 'pat@example.test'), row('u-2', 'org-a', 'sam@example.test')]).execute();
      await expect(db.insertInto('users').values(row('u-3', 'org-b', 'pat@example.test')).execute()).rejects.toThrow();

      const result = await new Migrator({ db, provider: { getMigrations: async () => all }, allowUnorderedMigrations: true }).migrateToLatest();
      expect(result.error).toBeUndefined();
      expect(result.results?.map((r) => r.migrationName)).toContain('0026_email_per_org');
      expect((await db.selectFrom('users').select(['id', 'org_id', 'email']).orderBy('id').execute())).toEqual([
        { id: 'u-1', org_id: 'org-a', email: 'pat@example.test' },
        { id: 'u-2', org_id: 'org-a', email: 'sam@example.test' },
      ]);
      await db.insertInto('users').values(row('u-3', 'org-b', 'pat@example.test')).execute();
      await expect(db.insertInto('users').values(row('u-4', 'org-a', 'pat@example.test')).execute()).rejects.toThrow();
      if (choice.name === 'sqlite') {
        // The primary key's own index, and no unique one on the email alone.
        const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'users' order by name`.execute(db);
        expect(indexes.rows.map((r) => r.name)).toEqual(['sqlite_autoindex_users_1', 'users_email_org', 'users_org']);
      }
    } finally {
      await close();
    }
  });
});
