// The README's API tour must work as written: run it, against a real server.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, type Server } from '../../src/server.ts';

const run = promisify(execFile);

function apiTour(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const match = /<!-- api-tour[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no api-tour block');
  return match[1]!;
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
