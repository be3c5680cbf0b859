// The JSON backup: a realistic organisation exported from SQLite, restored into
// fresh PostgreSQL and SQLite databases and exported again reads the same, row
// for row; restoring into a database that holds an organisation is refused; the
// command line does both with a progress bar.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBackup, importBackup } from '../../src/backup/service.ts';
import { loadDemo } from '../../src/demo/service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { openDatabase, type OpenDatabase } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrations.ts';
import { MIGRATION_TABLES } from '../../src/platform/db/tables.ts';
import { buildServer, type Server } from '../../src/server.ts';
import { type DatabaseChoice, type TestDatabase, testDatabases } from '../support/databases.ts';
import { client } from '../support/http.ts';

const run = promisify(execFile);
const choices = await testDatabases();
const sqliteChoice = choices.find((c) => c.name === 'sqlite')!;
const dir = mkdtempSync(join(tmpdir(), 'finishline-backup-'));
const NOW = Date.parse('2026-03-02T09:00:00Z');

interface BackupDocument {
  format: string;
  source: string;
  orgId: string | null;
  migrations: string[];
  counts: Record<string, number>;
  tables: { name: string; rows: Record<string, unknown>[] }[];
}

const readBackup = (file: string): BackupDocument => JSON.parse(readFileSync(file, 'utf8'));

async function exportTo(database: OpenDatabase, file: string, orgId: string | null = null) {
  const out = createWriteStream(file);
  const summary = await exportBackup(database, out, { orgId, now: NOW, batchSize: 37 });
  out.end();
  await finished(out);
  return summary;
}

/** Every row of every table, in a stable order, for a deep comparison. */
function rowsByTable(doc: BackupDocument): Record<string, string[]> {
  return Object.fromEntries(doc.tables.map((t) => [t.name, t.rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort()))).sort()]));
}

/** Every table the engine itself lists, read without our own table listing. */
async function tablesOfSchema(database: OpenDatabase): Promise<string[]> {
  const { rows } =
    database.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(database.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(database.db);
  return rows.map((r) => r.name).sort();
}

describe('JSON backup and restore', () => {
  const source = sqliteChoice.make();
  let server: Server;
  let ownerEmail: string;
  let secondOrgId: string;
  const first = join(dir, 'first.json');

  beforeAll(async () => {
    const clock = new ManualClock(NOW);
    server = await buildServer({ databaseUrl: await source.create(), logLevel: 'silent', sessionTtlMs: 3600_000, clock, automation: { loop: false } });
    const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const demo = await loadDemo(server.database, { seed: 3, scale: 300, clock, batchSize: 100, rebuildIndexesFrom: 1_000_000 });
    ownerEmail = demo.login.email;
    const session = await client(base).post('/api/v1/sessions', demo.login);
    const api = client(base, session.body.token);
    // A rule that runs, a run in the log, a comment, history, notices: what an organisation gathers in use.
    const rule = await api.post('/api/v1/rules', {
      name: 'Call new website leads back',
      enabled: true,
      trigger: { event: 'lead.created', where: [{ field: 'record.source', op: 'eq', value: 'website' }], delay: 'PT0S' },
      actions: [{ type: 'create_task', title: 'Call {{record.title}} back', priority: 'high', due: 'PT2H', businessHours: true, assign: { strategy: 'record_owner' }, checklist: ['Confirm the address'] }],
    });
    expect(rule.status, rule.text).toBe(201);
    expect((await api.post('/api/v1/leads', { title: 'Boiler — "Reyes", Leeds\nsecond line', source: 'website', value: 2400.5 })).status).toBe(201);
    await server.automation.drain();
    const task = await api.post('/api/v1/tasks', { title: 'Naïve café ☕ — ünïcode', priority: 'urgent' });
    expect((await api.post(`/api/v1/tasks/${task.body.id}/comments`, { body: 'Left a voicemail' })).status).toBe(201);
    expect((await api.patch(`/api/v1/tasks/${task.body.id}`, { status: 'done' }, { 'if-match': task.headers.get('etag')! })).status).toBe(200);
    await server.automation.drain();
    const second = await client(base).post('/api/v1/signup', { orgName: 'Other Co', timezone: 'Europe/Paris', name: 'Zoe Other', email: 'zoe@other.test', password: 'a long enough password' });
    secondOrgId = second.body.org.id;
    await client(base, second.body.token).post('/api/v1/tasks', { title: 'Only in Other Co' });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await source.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports every table of the migrated schema but the migration tables, parents first', async () => {
    const summary = await exportTo(server.database, first);
    const doc = readBackup(first);
    expect(doc.format).toBe('finishline-backup');
    const exported = doc.tables.map((t) => t.name);
    const everyTable = await tablesOfSchema(server.database);
    // A table added by a migration is either in the backup or named as left out, never silently missing.
    expect([...exported, ...MIGRATION_TABLES].sort()).toEqual(everyTable);
    const orgScoped = doc.tables.filter((t) => t.rows[0] && 'org_id' in t.rows[0]).map((t) => t.name);
    expect(orgScoped.length).toBeGreaterThan(10);
    for (const name of orgScoped) expect(exported.indexOf(name), name).toBeGreaterThan(exported.indexOf('orgs'));
    expect(summary.rows).toBe(Object.values(doc.counts).reduce((a, b) => a + b, 0));
    for (const table of doc.tables) expect(table.rows.length, table.name).toBe(doc.counts[table.name]);
    for (const table of ['tasks', 'task_history', 'task_comments', 'events', 'rules', 'automation_runs', 'leads', 'jobs', 'users', 'teams', 'audit_log']) {
      expect(doc.counts[table], table).toBeGreaterThan(0);
    }
    expect(doc.counts.orgs).toBe(2);
  });

  it('records an audit entry for the export, after the snapshot it wrote', async () => {
    const { rows } = await sql<{ n: number }>`select count(*) as n from audit_log where action = 'data.exported' and subject_type = 'backup'`.execute(server.database.db);
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(2);
    const doc = readBackup(first);
    const audit = doc.tables.find((t) => t.name === 'audit_log')!.rows;
    expect(audit.filter((r) => r.subject_type === 'backup')).toEqual([]);
  });

  describe.each(choices)('restored into a fresh $name database', (choice: DatabaseChoice) => {
    describe.skipIf(choice.skip !== null)(choice.skip ? `skipped: ${choice.skip}` : 'and exported again', () => {
      let target: TestDatabase;
      let database: OpenDatabase;
      let url: string;
      beforeAll(async () => {
        target = choice.make();
        url = await target.create();
        database = openDatabase(url);
        await migrateToLatest(database.db);
      });
      afterAll(async () => {
        await database?.close();
        await target?.drop();
      });

      it('holds every row of every table, as it was', async () => {
        const summary = await importBackup(database, createReadStream(first), { now: NOW });
        const original = readBackup(first);
        expect(summary.rows).toBe(Object.values(original.counts).reduce((a, b) => a + b, 0));
        const again = join(dir, `again-${choice.name}.json`);
        await exportTo(database, again);
        const copy = readBackup(again);
        expect(copy.source).toBe(choice.name);
        // The restore is itself in the audit log: one entry per organisation, then the copy matches row for row.
        const audit = copy.tables.find((t) => t.name === 'audit_log')!;
        const restored = audit.rows.filter((r) => r.action === 'data.restored');
        expect(restored).toHaveLength(2);
        audit.rows = audit.rows.filter((r) => r.action !== 'data.restored');
        copy.counts.audit_log! -= 2;
        expect(copy.counts).toEqual(original.counts);
        expect(rowsByTable(copy)).toEqual(rowsByTable(original));
      });

      it('keeps counting where the source left off: task keys, outbox sequence', async () => {
        const server = await buildServer({ databaseUrl: url, logLevel: 'silent', sessionTtlMs: 3600_000, clock: new ManualClock(NOW), automation: { loop: false } });
        try {
          const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
          const session = await client(base).post('/api/v1/sessions', { email: ownerEmail, password: 'rapidflow-demo-2026' });
          expect(session.status, session.text).toBe(201);
          const api = client(base, session.body.token);
          const before = (await sql<{ seq: number }>`select max(seq) as seq from events`.execute(database.db)).rows[0]!.seq;
          const { rows: orgs } = await sql<{ task_seq: number }>`select task_seq from orgs where id <> ${secondOrgId}`.execute(database.db);
          const created = await api.post('/api/v1/tasks', { title: 'After the restore' });
          expect(created.status, created.text).toBe(201);
          expect(created.body.key).toBe(`T-${Number(orgs[0]!.task_seq) + 1}`);
          const after = (await sql<{ seq: number }>`select max(seq) as seq from events`.execute(database.db)).rows[0]!.seq;
          expect(Number(after)).toBeGreaterThan(Number(before));
        } finally {
          await server.close();
        }
      });

      it('is refused once the database holds an organisation, and changes nothing', async () => {
        const { rows } = await sql<{ n: number }>`select count(*) as n from tasks`.execute(database.db);
        await expect(importBackup(database, createReadStream(first), { now: NOW })).rejects.toThrow(/already holds 2 organisations/);
        const { rows: after } = await sql<{ n: number }>`select count(*) as n from tasks`.execute(database.db);
        expect(Number(after[0]!.n)).toBe(Number(rows[0]!.n));
      });
    });
  });

  it('exports one organisation alone with --org, from the command line, with a progress bar', async () => {
    const out = join(dir, 'other.json');
    const env = { ...process.env, DATABASE_URL: `sqlite:${server.database.sqlite!.name}`, LOG_LEVEL: 'silent' };
    const exported = await run(process.execPath, ['bin/finishline.js', 'export', '--out', out, '--org', secondOrgId], { env });
    expect(exported.stderr).toMatch(/export \|.*\| 100% \| (\d+)\/\1 rows/);
    expect(exported.stderr).toContain('(1 organisation) to');
    const doc = readBackup(out);
    expect(doc.orgId).toBe(secondOrgId);
    expect(doc.tables.find((t) => t.name === 'orgs')!.rows.map((r) => r.name)).toEqual(['Other Co']);
    expect(doc.tables.find((t) => t.name === 'tasks')!.rows.map((r) => r.title)).toEqual(['Only in Other Co']);
    for (const table of doc.tables) for (const row of table.rows) expect(table.name === 'orgs' ? row.id : row.org_id).toBe(secondOrgId);

    const fresh = sqliteChoice.make();
    const freshEnv = { ...env, DATABASE_URL: await fresh.create() };
    try {
      const restored = await run(process.execPath, ['bin/finishline.js', 'import', out], { env: freshEnv });
      expect(restored.stderr).toMatch(/import \|.*\| 100% \|/);
      expect(restored.stderr).toContain('(1 organisation)');
      const refused = await run(process.execPath, ['bin/finishline.js', 'import', out], { env: freshEnv }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(1);
      expect(refused?.stderr).toContain('This database already holds an organisation');
    } finally {
      await fresh.drop();
    }
  }, 240_000);

  it("streams an organisation's own backup to its admins over the API, and to no one else", async () => {
    const base = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
    const session = await client(base).post('/api/v1/sessions', { email: 'zoe@other.test', password: 'a long enough password' });
    const owner = client(base, session.body.token);
    const res = await owner.get('/api/v1/export');
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const doc = res.body as BackupDocument;
    expect(doc.orgId).toBe(secondOrgId);
    for (const table of doc.tables) for (const row of table.rows) expect(table.name === 'orgs' ? row.id : row.org_id).toBe(secondOrgId);
    expect(doc.tables.find((t) => t.name === 'tasks')!.rows.map((r) => r.title)).toEqual(['Only in Other Co']);
    const audit = await owner.get('/api/v1/audit?action=data.exported');
    expect(audit.body.items[0]).toMatchObject({ actorId: session.body.user.id, subject: { type: 'backup', id: secondOrgId } });

    const member = await owner.post('/api/v1/users', { name: 'Mo Member', email: 'mo@other.test', role: 'member', password: 'a long enough password' });
    expect(member.status, member.text).toBe(201);
    const memberSession = await client(base).post('/api/v1/sessions', { email: 'mo@other.test', password: 'a long enough password' });
    expect((await client(base, memberSession.body.token).get('/api/v1/export')).status).toBe(403);
  });

  it('refuses a file cut off in the middle, writing nothing', async () => {
    const cut = join(dir, 'cut.json');
    const text = readFileSync(first, 'utf8');
    writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)).replace(/\n[^\n]*$/, '\n'));
    const fresh = sqliteChoice.make();
    const database = openDatabase(await fresh.create());
    try {
      await migrateToLatest(database.db);
      await expect(importBackup(database, createReadStream(cut), { now: NOW })).rejects.toThrow(/cut off/);
      const { rows } = await sql<{ n: number }>`select count(*) as n from orgs`.execute(database.db);
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});
