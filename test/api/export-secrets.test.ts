// An export through the API holds no secret: no password, session or API token
// hashes, no two-factor, webhook or sign-in secrets — any column named like one
// (*_hash, *secret*, *password, *token…), now or added later. Restored, such a
// backup asks for new secrets: people reset their passwords, webhooks get a new
// signing secret nobody knows until an admin replaces it.
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { importBackup } from '../../src/backup/service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrations.ts';
import { testDatabases } from '../support/databases.ts';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

const SECRET_NAME = /hash|secret|password$|passwd|token|totp|verifier|nonce|recovery|seed$/i;
const choices = await testDatabases();

forEachDatabase('an export without secrets', (ctx) => {
  it('leaves every secret out of GET /api/v1/export, and a restore of it asks for new passwords and webhook secrets', async () => {
    const org = await ctx.signup('Secretive Plumbing');
    const admin = await ctx.addUser(org, 'admin');
    await ctx.addUser(org, 'member');
    const apiToken = await org.api.post('/api/v1/tokens', { name: 'CRM' });
    expect(apiToken.status, apiToken.text).toBe(201);
    const hook = await org.api.post('/api/v1/webhooks', { url: 'https://hooks.example.com/in', events: ['*'] });
    expect(hook.status, hook.text).toBe(201);
    const feed = await org.api.post('/api/v1/me/calendar-feed');
    expect(feed.status, feed.text).toBeLessThan(300);
    await ctx.createTask(org.api, { title: 'Kept in the export' });

    const res = await admin.api.get('/api/v1/export');
    expect(res.status, res.text).toBe(200);
    const text = res.text;
    const doc = JSON.parse(text) as { secretsOmitted?: boolean; tables: { name: string; rows: Record<string, unknown>[] }[] };
    expect(doc.secretsOmitted).toBe(true);
    const found: string[] = [];
    for (const table of doc.tables) {
      if (/^(tokens|password_resets|recovery_codes|two_factor|sso_logins|invitations|calendar_feeds)$/.test(table.name)) found.push(`table ${table.name}`);
      for (const row of table.rows) for (const column of Object.keys(row)) if (SECRET_NAME.test(column)) found.push(`${table.name}.${column}`);
    }
    expect(found).toEqual([]);
    // Nor anywhere else in the file: not the webhook's secret, not the API token, not a password hash.
    expect(text).not.toContain(hook.body.secret);
    expect(text).not.toContain(apiToken.body.token);
    expect(text).not.toMatch(/scrypt|argon|\$2[aby]\$/i);
    expect(doc.tables.find((t) => t.name === 'tasks')!.rows.map((r) => r.title)).toContain('Kept in the export');

    // Restored into an empty database of each engine: it does not fail on what is missing.
    for (const choice of choices.filter((c) => c.skip === null)) {
      const target = choice.make();
      const database = openDatabase(await target.create());
      try {
        await migrateToLatest(database.db);
        const summary = await importBackup(database, Readable.from([text]), { now: new ManualClock(0).now() });
        expect(summary.orgIds).toEqual([org.id]);
        const users = await database.db.selectFrom('users').select(['email', 'password_hash']).execute();
        expect(users.length).toBe(3);
        // Nobody can sign in with the old password: every password must be set again (a reset link).
        for (const user of users) expect(user.password_hash, user.email).toBeNull();
        const hooks = await database.db.selectFrom('webhooks').select(['id', 'secret']).execute();
        expect(hooks.map((h) => h.id)).toEqual([hook.body.id]);
        expect(hooks[0]!.secret).toMatch(/^whsec_/);
        expect(hooks[0]!.secret).not.toBe(hook.body.secret);
        expect(await database.db.selectFrom('tokens').selectAll().execute()).toEqual([]);
      } finally {
        await database.close();
        await target.drop();
      }
    }
    // The old password still works where it was set (the export changed nothing).
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD })).status).toBe(201);
  });
});
