// `npm run soak`: a mixed read/write load (autocannon) against a real server
// process — lists, reads, creates, changes, comments — reporting every non-2xx
// answer and connection error (the goal is zero) and the latency percentiles.
//   npm run soak -- --connections 200 --duration 60 [--database-url URL] [--url http://host:port --token T]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { serve } from '../test/support/processes.ts';

export interface SoakSummary {
  connections: number;
  durationSeconds: number;
  requests: number;
  byStatus: Record<string, number>;
  non2xx: number;
  serverErrors: number;
  connectionErrors: number;
  timeouts: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

const json = { 'content-type': 'application/json' };

/** Runs the mixed load against `baseUrl` as the holder of `token` (an owner, so every route answers). */
export async function soak(options: { baseUrl: string; token: string; connections: number; durationSeconds: number }): Promise<SoakSummary> {
  let n = 0;
  const idOf = (context: Record<string, unknown>) => String(context.taskId ?? 'T-1');
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { authorization: `Bearer ${options.token}` },
    timeout: 30,
    requests: [
      { method: 'GET', path: '/api/v1/tasks?limit=50' },
      {
        method: 'POST',
        path: '/api/v1/tasks',
        headers: json,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ title: `Soak task ${++n}`, priority: n % 4 === 0 ? 'high' : 'normal' }) }),
        onResponse: (status, body, context) => {
          if (status === 201) (context as Record<string, unknown>).taskId = (JSON.parse(body) as { id: string }).id;
        },
      },
      { method: 'GET', setupRequest: (request, context) => ({ ...request, path: `/api/v1/tasks/${idOf(context as Record<string, unknown>)}` }) },
      {
        method: 'PATCH',
        headers: json,
        setupRequest: (request, context) => ({ ...request, path: `/api/v1/tasks/${idOf(context as Record<string, unknown>)}`, body: JSON.stringify({ priority: 'urgent', status: 'in_progress' }) }),
      },
      {
        method: 'POST',
        headers: json,
        setupRequest: (request, context) => ({ ...request, path: `/api/v1/tasks/${idOf(context as Record<string, unknown>)}/comments`, body: JSON.stringify({ body: 'On my way' }) }),
      },
      { method: 'GET', path: '/api/v1/me' },
      { method: 'GET', path: '/api/v1/tasks?assignee=none&sort=due&limit=20' },
    ],
  });
  const byStatus: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) byStatus[status] = stats.count ?? 0;
  const fivexx = Object.entries(byStatus).filter(([s]) => Number(s) >= 500).reduce((sum, [, c]) => sum + c, 0);
  return {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    requests: result.requests.total,
    byStatus,
    non2xx: result.non2xx,
    serverErrors: fivexx,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  };
}

export function describeSoak(s: SoakSummary): string {
  return [
    `soak: ${s.connections} connections for ${s.durationSeconds} s`,
    `  requests tried: ${s.requests} (${s.requestsPerSecond}/s), by status: ${JSON.stringify(s.byStatus)}`,
    `  non-2xx: ${s.non2xx}, 5xx: ${s.serverErrors}, connection errors: ${s.connectionErrors}, timeouts: ${s.timeouts}`,
    `  latency ms: p50 ${s.latencyMs.p50}, p90 ${s.latencyMs.p90}, p99 ${s.latencyMs.p99}, max ${s.latencyMs.max}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '200' },
      duration: { type: 'string', default: '60' },
      'database-url': { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'finishline-soak-'));
  const server = values.url ? null : await serve(values['database-url'] ?? `sqlite:${join(dir, 'soak.db')}`);
  const baseUrl = values.url ?? server!.baseUrl;
  try {
    let token = values.token;
    if (!token) {
      const res = await fetch(`${baseUrl}/api/v1/signup`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ orgName: 'Soak Plumbing', timezone: 'Europe/London', name: 'Sol', email: `soak-${Date.now()}@example.test`, password: 'a long enough password' }),
      });
      if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
      token = ((await res.json()) as { token: string }).token;
    }
    const summary = await soak({ baseUrl, token, connections: Number(values.connections), durationSeconds: Number(values.duration) });
    console.log(describeSoak(summary));
    const failures = summary.non2xx + summary.connectionErrors;
    if (failures > 0) {
      console.error(`soak: ${failures} request(s) did not succeed (goal: zero)`);
      process.exitCode = 1;
    }
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
