// A body over the limit is answered 413 problem+json, and a client that writes
// its whole body before reading (Node's http client) reads that answer rather
// than EPIPE or ECONNRESET: the server reads and drops the rest of the body (up
// to a bound) before it closes (lingering close, RFC 9112 §9.6).
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { type Served, serve } from '../support/processes.ts';

interface Answer { status: number; type: string; body: any }

/** POSTs `size` bytes of JSON-looking body in one write, then reads the answer. */
function postWhole(baseUrl: string, token: string, path: string, size: number, options: { chunked?: boolean; close?: boolean } = {}): Promise<Answer> {
  const url = new URL(path, baseUrl);
  const body = Buffer.alloc(size, 0x20);
  body.write('{"title":"', 0);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    if (!options.chunked) headers['content-length'] = size;
    if (options.close) headers.connection = 'close';
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The server runs in its own process (as the README starts it): in this one, the client's whole body would be
// handed to the kernel before the server could answer, and the early close would never be seen.
describe.each(await testDatabases())('an oversize body [$name]', (choice) => {
  const database = choice.make();
  let served: Served;
  beforeAll(async () => {
    if (choice.skip === null) served = await serve(await database.create());
  });
  afterAll(async () => {
    if (served) {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    await database.drop();
  });

  it.skipIf(choice.skip !== null)('answers a 5 MB POST from a client that writes it whole with a 413 problem+json it reads, every time', async () => {
    const signup = await fetch(`${served.baseUrl}/api/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgName: 'Big Bodies Ltd', timezone: 'Europe/London', name: 'Olive Owner', email: 'owner@bigbodies.test', password: 'a long enough password' }),
    });
    const { token } = (await signup.json()) as { token: string };
    const count = async () => ((await (await fetch(`${served.baseUrl}/api/v1/tasks?status=all`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] }).items.length;
    const before = await count();
    for (let i = 0; i < 10; i++) {
      for (const options of [{}, { close: true }, { chunked: true }]) {
        const res = await postWhole(served.baseUrl, token, '/api/v1/tasks', 5 * 1024 * 1024, options);
        expect(res.status, JSON.stringify(options)).toBe(413);
        expect(res.type).toMatch(/^application\/problem\+json/);
        expect(res.body.status).toBe(413);
      }
      // An answer given before reading the body at all (no valid token) is read the same way.
      const stranger = await postWhole(served.baseUrl, 'fla_not-a-token', '/api/v1/tasks', 5 * 1024 * 1024);
      expect(stranger.status).toBe(401);
    }
    // And the server goes on answering, having stored nothing.
    expect(await count()).toBe(before);
  });
});
