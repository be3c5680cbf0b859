// The README's API tour and its CRM integration must work as written: run
// them, against a real server (and, for the integration, a real webhook receiver).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, type Server } from '../../src/server.ts';
import { client } from '../support/http.ts';
import { receiver } from '../support/receiver.ts';

const run = promisify(execFile);

function apiTour(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const match = /<!-- api-tour[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no api-tour block');
  return match[1]!;
}

/** The sh blocks marked `<!-- crm-tour N … -->`, in order. */
function crmTour(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/<!-- crm-tour (\d+)[^>]*-->\s*```sh\n([\s\S]*?)```/g)].map((m) => ({ n: Number(m[1]), script: m[2]! }));
  expect(blocks.map((b) => b.n)).toEqual(blocks.map((_, i) => i + 1));
  return blocks.map((b) => b.script);
}

describe('README API tour', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-readme-'));
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'tour.db')}`, logLevel: 'silent', sessionTtlMs: 3600_000 });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every curl example as written, each answering 2xx', async () => {
    // --fail-with-body turns any 4xx/5xx into a failed command, and the script stops there.
    const tour = apiTour();
    const calls = tour.match(/curl -s /g)?.length ?? 0;
    const script = tour.replaceAll('http://localhost:3000', base).replaceAll('curl -s ', 'curl -sS --fail-with-body ');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 30_000 }).catch((error: { stdout?: string; message: string }) => {
      throw new Error(`${error.message}\n--- output so far ---\n${error.stdout ?? ''}`);
    });
    expect(calls).toBeGreaterThanOrEqual(10);
    expect(stdout).toContain('"key":"T-1"');
    expect(stdout).toContain('"status":"waiting"');
  });
});

describe('README: Finishline beside your CRM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-readme-crm-'));
  const hooks = receiver();
  let server: Server;
  let base: string;
  let hookBase: string;
  beforeAll(async () => {
    hookBase = await hooks.start();
    // The receiver listens on 127.0.0.1, as on an on-premises install; the worker is driven by the test between blocks.
    server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'crm.db')}`, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { loop: false }, webhooks: { allowPrivate: true } });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    await hooks.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the three calls as written, and the receiver gets the completed task with the customer\'s reference', async () => {
    const signup = await client(base).post('/api/v1/signup', { orgName: 'Acme Plumbing', timezone: 'Europe/London', name: 'Ann Owner', email: 'ann@acme.test', password: 'correct horse battery' });
    const token = await client(base, signup.body.token).post('/api/v1/tokens', { name: 'HubSpot sync' });
    expect(token.status, token.text).toBe(201);
    const state = join(dir, 'state.sh');
    const blocks = crmTour();
    expect(blocks).toHaveLength(4);
    let stdout = '';
    for (const block of blocks) {
      const script = block
        .replaceAll('http://localhost:3000', base)
        .replaceAll('https://crm.example.com', hookBase)
        .replaceAll('curl -s ', 'curl -sS --fail-with-body ');
      // Each block sees the variables the blocks before it set (set -a exports them all; export -p writes them down).
      const wrapped = `set -a; [ -f ${state} ] && source ${state}; ${script}\nexport -p > ${state}`;
      const ran = await run('bash', ['-euo', 'pipefail', '-c', wrapped], { timeout: 30_000, env: { ...process.env, FINISHLINE_TOKEN: token.body.token } }).catch((error: { stdout?: string; message: string }) => {
        throw new Error(`${error.message}\n--- output so far ---\n${error.stdout ?? ''}`);
      });
      stdout += ran.stdout;
      await server.automation.drain();
    }
    expect(stdout).toContain('"status":"done"');
    const [delivery, ...more] = hooks.to('/hooks/finishline');
    expect(more).toEqual([]);
    expect(delivery!.body).toMatchObject({ type: 'task.completed', data: expect.any(Object) });
    expect(delivery!.body.links).toEqual([
      expect.objectContaining({ type: 'client', name: 'Reyes household', externalRefs: [{ source: 'hubspot', id: '4711', url: 'https://app.hubspot.com/contacts/1/company/4711' }] }),
    ]);
    const [hook] = (await client(base, signup.body.token).get('/api/v1/webhooks')).body.items;
    expect(hook.url).toBe(`${hookBase}/hooks/finishline`);
    expect(delivery!.headers['finishline-event']).toBe('task.completed');
  });
});
