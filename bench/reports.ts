// Times every report on the benchmark's business, through the real HTTP stack
// (in-process inject: auth, validation, serialisation), against a bare
// better-sqlite3 indexed count over the same 30 days, measured in the same run.
import { createApiTokenFor } from '../src/people/service.ts';
import { buildServer } from '../src/server.ts';
import { BENCH_ORG, BENCH_USER_EMAIL, BENCH_USERS, BENCH_TEAMS } from './dataset.ts';

const DAY = 24 * 3_600_000;
const GOAL_MS = 300;
const REPORTS = ['summary', 'overdue', 'completion', 'workload', 'aging', 'bottlenecks', 'automation', 'throughput', 'throughput?interval=week', `summary?team=${BENCH_TEAMS[1]}`, 'overdue?linkType=lead', `bottlenecks?assignee=${BENCH_USERS[1]}`, 'bottlenecks?linkType=lead', 'bottlenecks?source=manual'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(runs: number, run: () => Promise<unknown> | unknown): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Each report's median latency (ms) and its ratio to the bare count; figures are added to `figures`. */
export async function benchReports(databasePath: string, runs: number, figures: Record<string, number>): Promise<void> {
  const server = await buildServer({ databaseUrl: `sqlite:${databasePath}`, logLevel: 'silent', sessionTtlMs: DAY, automation: { loop: false } });
  try {
    const { token } = await createApiTokenFor(server.deps, BENCH_USER_EMAIL, 'bench reports');
    const bare = server.database.sqlite!.prepare('select count(*) as n from tasks where org_id = ? and created_at >= ?');
    const since = Date.now() - 30 * DAY;
    const baselineMs = await timed(runs, () => bare.get(BENCH_ORG, since));
    figures.report_baseline_ms = Math.round(baselineMs * 100) / 100;
    console.log(`\nreports (median of ${runs} runs after a warm-up; bare indexed count over 30 days: ${baselineMs.toFixed(2)} ms)`);
    console.log('report'.padEnd(28), 'ms'.padStart(9), '× bare'.padStart(9), `  goal < ${GOAL_MS} ms`);
    for (const name of REPORTS) {
      const url = `/api/v1/reports/${name}`;
      let status = 0;
      const ms = await timed(runs, async () => {
        status = (await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode;
      });
      if (status !== 200) throw new Error(`${url} answered ${status}`);
      const key = `report_${name.replace(/[?=&]/g, '_')}`;
      figures[`${key}_ms`] = Math.round(ms * 10) / 10;
      figures[`${key}_ratio`] = Math.round((ms / baselineMs) * 10) / 10;
      console.log(name.padEnd(28), ms.toFixed(1).padStart(9), (ms / baselineMs).toFixed(1).padStart(9), `  ${ms < GOAL_MS ? 'ok' : 'MISSED'}`);
    }
  } finally {
    await server.close();
  }
}
