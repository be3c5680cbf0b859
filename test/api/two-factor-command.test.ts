// `finishline two-factor reset`, the command itself: run by whoever runs the
// server, it is the way back in for an owner who lost phone and recovery codes
// (nobody in the business may reset the owner's two-factor sign-in).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/accounts/twoFactor.ts';
import { buildServer, type Server } from '../../src/server.ts';
import { client } from '../support/http.ts';

const run = promisify(execFile);
const PASSWORD = 'a long enough password';

describe('finishline two-factor reset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-two-factor-command-'));
  const databaseUrl = `sqlite:${join(dir, 'finishline.db')}`;
  let server: Server | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const finishline = (...args: string[]) =>
    run(process.execPath, ['bin/finishline.js', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } }).then(
      ({ stdout }) => ({ code: 0, out: stdout }),
      (error: { code: number; stderr: string }) => ({ code: error.code, out: error.stderr }),
    );

  it("turns off the owner's lost two-factor sign-in and ends their sessions; says why when there is nothing to do", async () => {
    server = await buildServer({ databaseUrl, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { loop: false }, secretKey: randomBytes(32).toString('hex') });
    const baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const signup = await client(baseUrl).post('/api/v1/signup', { orgName: 'Keys Lost Plumbing', timezone: 'Europe/London', name: 'Olive Owner', email: 'olive@keys.example', password: PASSWORD });
    expect(signup.status, signup.text).toBe(201);
    const owner = client(baseUrl, signup.body.token);
    const setup = await owner.post('/api/v1/me/two-factor');
    expect((await owner.post('/api/v1/me/two-factor/confirm', { code: totpCodeAt(setup.body.secret, Date.now()) })).status).toBe(200);
    const asksForCode = await client(baseUrl).post('/api/v1/sessions', { email: 'olive@keys.example', password: PASSWORD });
    expect(asksForCode.body.type).toBe('https://finishline.dev/problems/two-factor-required');

    expect(await finishline('two-factor', 'reset')).toEqual({ code: 2, out: expect.stringContaining('Usage: finishline two-factor reset --email E [--org BUSINESS]') });
    expect(await finishline('two-factor', 'reset', '--email', 'nobody@keys.example')).toEqual({ code: 1, out: 'No account has the email nobody@keys.example\n' });

    const done = await finishline('two-factor', 'reset', '--email', 'olive@keys.example');
    expect(done).toEqual({ code: 0, out: 'Two-factor sign-in turned off for Olive Owner at Keys Lost Plumbing; 1 session ended. They sign in with their password alone until they turn it on again.\n' });
    expect((await owner.get('/api/v1/me')).status).toBe(401);
    const signIn = await client(baseUrl).post('/api/v1/sessions', { email: 'olive@keys.example', password: PASSWORD });
    expect(signIn.status, signIn.text).toBe(201);

    expect(await finishline('two-factor', 'reset', '--email', 'olive@keys.example')).toEqual({ code: 1, out: 'Olive Owner has not turned two-factor sign-in on: there is nothing to reset\n' });
  });
});
