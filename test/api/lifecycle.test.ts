// The real command-line server as a user runs it: start, serve, stop on SIGTERM.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { client } from '../support/http.ts';
import { PASSWORD } from '../support/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'finishline-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function start(port: number, args: string[] = [], file = 'app.db'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/finishline.js', 'serve', ...args], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, file)}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not start');
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('finishline serve', () => {
  it('creates and migrates its SQLite file, then stops cleanly on SIGTERM keeping every acknowledged write', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let child = await start(port);
    const signup = await client(base).post('/api/v1/signup', { orgName: 'Lifecycle Plumbing', timezone: 'Europe/London', name: 'Lee', email: 'lee@example.test', password: PASSWORD });
    expect(signup.status).toBe(201);
    const api = client(base, signup.body.token);

    const exited = exitOf(child);
    const writes = Array.from({ length: 40 }, (_, i) => api.post('/api/v1/tasks', { title: `In flight ${i}` }).catch(() => null));
    await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const results = await Promise.all(writes);
    expect(await exited).toBe(0);
    const acknowledged = results.filter((r) => r?.status === 201).map((r) => r!.body.key as string);
    for (const r of results) if (r) expect([201, 503]).toContain(r.status);

    child = await start(port);
    try {
      const after = await api.get('/api/v1/tasks?limit=200');
      expect(after.status).toBe(200);
      const stored = new Set(after.body.items.map((t: { key: string }) => t.key));
      for (const key of acknowledged) expect(stored.has(key), key).toBe(true);
    } finally {
      const stopped = exitOf(child);
      child.kill('SIGTERM');
      expect(await stopped).toBe(0);
    }
  });

  it('serves from several processes over one SQLite file with --workers, writes from all of them kept apart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = await start(port, ['--workers', '2'], 'workers.db');
    const exited = exitOf(child);
    try {
      const signup = await client(base).post('/api/v1/signup', { orgName: 'Two Process Plumbing', timezone: 'Europe/London', name: 'Wes', email: 'wes@example.test', password: PASSWORD });
      expect(signup.status).toBe(201);
      const api = client(base, signup.body.token);
      // The second process may still be starting: ask until both have answered (or give up after a while).
      const pids = new Set<number>();
      for (let i = 0; i < 600 && pids.size < 2; i++) {
        pids.add((await fetch(`${base}/healthz`, { headers: { connection: 'close' } }).then((r) => r.json())).pid);
        if (pids.size < 2) await new Promise((r) => setTimeout(r, 100));
      }
      expect(pids.size).toBe(2);
      const created = await Promise.all(Array.from({ length: 60 }, (_, i) => api.post('/api/v1/tasks', { title: `From either process ${i}` }, { connection: 'close' })));
      expect(created.map((r) => r.status)).toEqual(Array(60).fill(201));
      expect(new Set(created.map((r) => r.body.key)).size).toBe(60);
      expect((await api.get('/api/v1/tasks?limit=200')).body.items).toHaveLength(60);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('runs the compiled build, whose stack traces name the TypeScript source lines', async () => {
    const failed = await promisify(execFile)(process.execPath, ['bin/finishline.js', 'migrate'], { env: { ...process.env, DATABASE_URL: 'nope:x' } }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('DATABASE_URL must start with sqlite: or postgres://');
    expect(failed?.stderr).toMatch(/at \w+ \(.*src\/platform\/db\/database\.ts:\d+:\d+\)/);
    expect(failed?.stderr).not.toMatch(/at .*dist\//);
  });
});
