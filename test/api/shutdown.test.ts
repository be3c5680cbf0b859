// SIGTERM always ends the server within a bounded time: it finishes requests in
// flight for up to ~10 s, then closes and exits, whatever is left pending (timers,
// the worker loop, keep-alive sockets, a live stream, a log line to an output
// nobody reads any more). Run as the README says, with its output piped to a
// supervisor that sends SIGTERM to the process group and goes away at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { freePort } from '../support/processes.ts';
import { client } from '../support/http.ts';
import { PASSWORD } from '../support/harness.ts';

const SUPERVISOR = fileURLToPath(new URL('../support/supervisor.mjs', import.meta.url));
const ROUNDS = 10;
/** Ten seconds for requests in flight, and some for closing: a server still there after this never stops by itself. */
const BOUND_MS = 20_000;

/** Whether the process still runs: one that exited but was not reaped yet (its parent went away) is a zombie, and has ended. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

async function startSupervised(databaseUrl: string, port: number): Promise<{ supervisor: ChildProcess; pid: number }> {
  const supervisor = spawn(process.execPath, [SUPERVISOR], {
    // LOG_LEVEL as shipped (info): every request writes a line to the pipe.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', FINISHLINE_TICK_MS: '200', FINISHLINE_WEB_DIST: join(tmpdir(), 'finishline-test-webdist') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: supervisor.stdout! });
  const pid = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('pid ')) resolve(Number(line.slice(4)));
    });
    supervisor.once('exit', () => reject(new Error('the supervisor exited before starting the server')));
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { supervisor, pid };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
  throw new Error('the server did not start');
}

/** Rule changes, events and a live stream, with a dry run as the last request. */
async function session(base: string, round: number): Promise<{ stream: AbortController }> {
  const signup = await client(base).post('/api/v1/signup', { orgName: `Stop ${round}`, timezone: 'Europe/London', name: 'Sam', email: `sam-${round}-${Date.now()}@example.test`, password: PASSWORD });
  expect(signup.status, signup.text).toBe(201);
  const api = client(base, signup.body.token);
  const stream = new AbortController();
  void fetch(`${base}/api/v1/stream`, { headers: { authorization: `Bearer ${signup.body.token}` }, signal: stream.signal })
    .then(async (res) => {
      const reader = res.body!.getReader();
      while (!(await reader.read()).done) {
        // read and drop
      }
    })
    .catch(() => {});
  const rule = await api.post('/api/v1/rules', { name: 'Chase', trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}', allowDuplicates: true }] });
  expect(rule.status, rule.text).toBe(201);
  const changed = await api.patch(`/api/v1/rules/${rule.body.id}`, { name: 'Chase invoices' }, { 'if-match': `"${rule.body.version}"` });
  expect(changed.status, changed.text).toBe(200);
  for (let i = 0; i < 5; i++) {
    const event = await api.post('/api/v1/events', { id: `inv-${i}`, type: 'invoice.overdue', subject: { type: 'invoice', id: String(i) }, data: { number: `INV-${i}` } });
    expect(event.status, event.text).toBe(202);
  }
  await api.post('/api/v1/events/batch', { events: [{ type: 'invoice.overdue', subject: { type: 'invoice', id: 'b' }, data: { number: 'B' } }] });
  const dry = await api.post(`/api/v1/rules/${rule.body.id}/dry-run`, {});
  expect(dry.status, dry.text).toBe(200);
  return { stream };
}

describe.each(await testDatabases())('SIGTERM from a supervisor that goes away [$name]', (choice) => {
  const database = choice.make();
  afterAll(() => database.drop());

  it.skipIf(choice.skip !== null)(`ends the server every time, ${ROUNDS} rounds of a session then SIGTERM`, async () => {
    const databaseUrl = await database.create();
    const stuck: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const port = await freePort();
      const { supervisor, pid } = await startSupervised(databaseUrl, port);
      const supervisorGone = new Promise((resolve) => supervisor.once('exit', resolve));
      let stream: AbortController;
      try {
        ({ stream } = await session(`http://127.0.0.1:${port}`, round));
      } catch (error) {
        // A failed session leaves neither the server nor its supervisor behind.
        process.kill(pid, 'SIGKILL');
        supervisor.kill('SIGKILL');
        throw error;
      }
      supervisor.stdin!.write('stop\n');
      await supervisorGone;
      const ended = await gone(pid, BOUND_MS);
      stream.abort();
      if (!ended) {
        stuck.push(round);
        if (alive(pid)) process.kill(pid, 'SIGKILL');
        await gone(pid, 5_000);
      }
    }
    expect(stuck, `rounds whose server was still running ${BOUND_MS / 1000} s after SIGTERM`).toEqual([]);
  }, ROUNDS * 60_000);
});
