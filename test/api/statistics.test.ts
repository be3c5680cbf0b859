// A production SQLite database keeps planner statistics: the server brings
// them up to date when it starts (and hourly), so a query whose good plan
// depends on them gets it on a database that had none. (PostgreSQL keeps its
// own through autovacuum.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../bench/dataset.ts';
import { explainQuery } from '../../src/platform/db/dialect.ts';
import { QUEUE_INDEXES, refreshStatistics } from '../../src/platform/db/statistics.ts';
import { claimableEvents } from '../../src/platform/outbox.ts';
import { statusFlowsByLinkTypeQuery } from '../../src/reports/store.ts';
import { buildServer, type Server } from '../../src/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'finishline-statistics-'));
const servers: Server[] = [];

afterAll(async () => {
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of a small business (5,000 tasks, their history and links) whose statistics are gone, as a database that never had any. */
async function businessWithoutStatistics(name: string) {
  const dataset = await prepareDataset(join(dir, 'business.db'), 5000, join(dir, name), 'business');
  const sqlite = new SqliteDatabase(dataset.path);
  sqlite.exec('drop table if exists sqlite_stat1; drop table if exists sqlite_stat4;');
  sqlite.close();
  return dataset;
}

async function start(path: string): Promise<Server> {
  const server = await buildServer({ databaseUrl: `sqlite:${path}`, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { loop: false }, secretKey: randomBytes(32).toString('hex') });
  servers.push(server);
  return server;
}

describe('planner statistics on SQLite', () => {
  it('are gathered when the server starts, and one person\'s status flows by record type then read the links of that person\'s tasks, not the organisation\'s', { timeout: 120_000 }, async () => {
    const dataset = await businessWithoutStatistics('started.db');
    const server = await start(dataset.path);
    const analyzed = await server.database.sqlite!.prepare("select count(*) as n from sqlite_stat1 where tbl in ('tasks', 'task_history', 'task_links')").get() as { n: number };
    expect(analyzed.n).toBeGreaterThan(0);

    const now = Date.now();
    const scope = { orgId: dataset.orgId, assigneeId: dataset.userId };
    const plan = await explainQuery(server.deps.db, statusFlowsByLinkTypeQuery(server.deps.db, scope, { from: now - 30 * 86_400_000, to: now }, now));
    // Without statistics SQLite walked the organisation's whole link index (task_links_record by org_id) for each change.
    // (task_links is its own key's b-tree since migration 0028: the key is (task_id, record_type, record_id).)
    expect(plan).toMatch(/SEARCH task_links USING (PRIMARY KEY|(COVERING )?INDEX \S+) \(task_id=/);
    expect(plan).not.toMatch(/task_links USING (COVERING )?INDEX \S+ \(org_id=\?\)/);
  });

  it('keep reading pending events from their own index after statistics were gathered while a backlog waited', { timeout: 120_000 }, async () => {
    const server = await start(join(dir, 'backlog.db'));
    const sqlite = server.database.sqlite!;
    const org = sqlite.prepare('select id from orgs limit 1').get() as { id: string } | undefined;
    const orgId = org?.id ?? 'org-backlog';
    // A backlog: 3,000 events posted while no worker ran, analyzed as they wait (what a start or the hourly refresh does).
    const insert = sqlite.prepare('insert into events (id, org_id, type, subject_type, subject_id, data, occurred_at) values (?, ?, ?, ?, ?, ?, ?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`backlog-${i}`, orgId, 'task.created', 'task', `t${i}`, '{}', i);
    })();
    await refreshStatistics(server.deps.db);
    // Then the worker catches up: the queue is empty again.
    sqlite.prepare('update events set processed_at = 1').run();

    const plan = await explainQuery(server.deps.db, claimableEvents(server.deps.db, Date.now(), 1));
    expect(plan).toMatch(/USING (COVERING )?INDEX events_pending/);
    const stats = sqlite.prepare(`select idx, stat from sqlite_stat1 where idx in (${QUEUE_INDEXES.map(() => '?').join(', ')})`).all(...QUEUE_INDEXES) as { idx: string; stat: string }[];
    // Every queue index named is one the schema has (a renamed index would silently lose its short statistics).
    expect(stats.map((row) => `${row.idx} ${row.stat}`).sort()).toEqual(QUEUE_INDEXES.map((idx) => `${idx} 10 1`).sort());
  });
});
