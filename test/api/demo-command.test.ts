// `finishline demo`, the command itself: the demo business comes with its
// trade's playbook (plumbing) installed, so automation is there to see from the
// first sign-in — the installer is handed to the demo by the command line.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAYBOOKS } from '../../src/automation/playbooks.ts';
import { buildServer, type Server } from '../../src/server.ts';
import { client } from '../support/http.ts';

const run = promisify(execFile);

describe('finishline demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-demo-command-'));
  let server: Server | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("installs the plumbing playbook's rules in the demo business", async () => {
    const databaseUrl = `sqlite:${join(dir, 'demo.db')}`;
    const { stdout } = await run(process.execPath, ['bin/finishline.js', 'demo', '--seed', '3'], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } });
    const login = /Sign in as the owner:\s+(\S+)\s+\/\s+(.+)$/m.exec(stdout);
    expect(login, stdout).not.toBeNull();

    server = await buildServer({ databaseUrl, logLevel: 'silent', sessionTtlMs: 3600_000 });
    const baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const session = await client(baseUrl).post('/api/v1/sessions', { email: login![1], password: login![2]!.trim() });
    expect(session.status, session.text).toBe(201);
    const rules = await client(baseUrl, session.body.token).get('/api/v1/rules?limit=200');
    expect(rules.status, rules.text).toBe(200);

    const plumbing = PLAYBOOKS.find((p) => p.key === 'plumbing')!;
    const expected = plumbing.rules({ ruleId: (k) => k }).length;
    const fromPlaybook = rules.body.items.filter((r: { playbook: string | null }) => r.playbook?.startsWith('plumbing'));
    expect(expected).toBeGreaterThan(0);
    expect(fromPlaybook).toHaveLength(expected);
    expect(fromPlaybook.every((r: { enabled: boolean }) => r.enabled)).toBe(true);

    // The rules ran as the month was replayed, each event at its own moment: nothing waits for the first
    // server start, and what they made is spread over the month — most of it done, on time or late, as people did.
    const db = server.database.db;
    expect((await db.selectFrom('events').select('seq').where('processed_at', 'is', null).execute()).length).toBe(0);
    const made = await db.selectFrom('tasks').select(['created_at', 'status', 'completed_at', 'due_at']).where('source_kind', '=', 'rule').execute();
    expect(made.length).toBeGreaterThan(10);
    const days = new Set(made.map((t) => new Date(Number(t.created_at)).toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThan(7);
    const done = made.filter((t) => t.status === 'done');
    expect(done.length / made.length).toBeGreaterThan(0.5);
    expect(done.some((t) => t.due_at !== null && Number(t.completed_at) <= Number(t.due_at))).toBe(true);
    expect(made.some((t) => t.status !== 'done' && t.status !== 'cancelled')).toBe(true);
    const count = /(\d+) tasks\./.exec(stdout);
    const all = await db.selectFrom('tasks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count?.[1])).toBe(Number(all.n));
  }, 240_000);
});
