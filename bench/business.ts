// The business shape: 200 people in 8 teams, open work spread like a real
// business (most with 20–300 open tasks, a few with thousands), the four
// trade playbooks installed and the automation worker running in the server
// process throughout. Measured against the bare stack in the same run: an
// overloaded person's My work page, their team board's first column and the
// counts above its columns, and creating tasks (random assignees)
// while outside events make the rules create more; event → task latency is
// read from the database afterwards (a rule's task against its event).
// First on SQLite, then (businessPg.ts) the same data copied into PostgreSQL.
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { prepareDataset } from './dataset.ts';
import { benchBusinessPg } from './businessPg.ts';
import { PLAYBOOKS, type Reader, runBusiness } from './businessRun.ts';

export interface BusinessOptions {
  tasks: number;
  seconds: number;
  workDir: string;
  freePort: () => Promise<number>;
  /** The PostgreSQL server to run the shape on too (a throwaway database on it); none: SQLite only. */
  postgresAdminUrl?: string;
}

export async function benchBusiness(options: BusinessOptions, figures: Record<string, number>): Promise<void> {
  const { tasks, seconds, workDir, freePort } = options;
  const source = join(workDir, `business-source-${process.pid}.db`);
  const runDb = join(workDir, `business-run-${process.pid}.db`);
  const baseDb = join(workDir, `business-base-${process.pid}.db`);
  try {
    const dataset = await prepareDataset(join(workDir, `business-${tasks}.db`), tasks, source, 'business');
    // The data alone, before the run adds its tasks, events and notifications (each created task costs ≈ 3 KB: three events, its history, index pages split).
    figures.bytes_per_task_data = bytesPerTask(source);
    copyFileSync(source, runDb);
    copyFileSync(source, baseDb);
    const open = openTasksOf(source, dataset.orgId, dataset.userId);
    console.log(`\nbusiness shape: ${tasks.toLocaleString()} tasks, 200 people in 8 teams; open tasks per person: median ${open.median}, most ${open.max} (the measured person ${open.measured}); playbooks ${PLAYBOOKS.join(', ')}; automation running`);
    const usualPersonId = open.usualId ?? dataset.userId;
    await runBusiness(
      { key: 'business', label: '', databaseUrl: `sqlite:${runDb}`, bare: { script: 'bench/baseline.ts', env: { BENCH_DB: baseDb } }, createGoal: 0.5, open: async () => sqliteReader(runDb) },
      { dataset, seconds, freePort, usualPersonId },
      figures,
    );
    figures.bytes_per_task = bytesPerTask(runDb);
    console.log(`database file                ${figures.bytes_per_task} bytes per task after a checkpoint (goal ≤ 1,500; the data before the run ${figures.bytes_per_task_data}); server peak RSS ${figures.business_peak_rss_mb} MB (at the end ${figures.business_rss_anon_mb} MB its own, ${figures.business_rss_file_mb} MB the database file mapped into memory)`);
    if (options.postgresAdminUrl) await benchBusinessPg({ source, dataset, seconds, freePort, usualPersonId, postgresAdminUrl: options.postgresAdminUrl }, figures);
  } finally {
    for (const path of [source, runDb, baseDb]) for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }
}

function sqliteReader(path: string): Reader {
  const db = new SqliteDatabase(path, { readonly: true });
  return {
    query: async (text) => db.prepare(text).all() as Record<string, unknown>[],
    close: async () => {
      db.close();
    },
  };
}

/** Open tasks per person: the median (and who holds it: the usual person), the most, and the measured person's. */
function openTasksOf(path: string, orgId: string, measured: string): { median: number; usualId: string | undefined; max: number; measured: number } {
  const db = new SqliteDatabase(path, { readonly: true });
  try {
    const rows = db.prepare('select assignee_id as id, count(*) as n from tasks where org_id = ? and active = 1 and assignee_id is not null group by assignee_id order by n, assignee_id').all(orgId) as { id: string; n: number }[];
    const usual = rows[rows.length >> 1];
    return { median: usual?.n ?? 0, usualId: usual?.id, max: rows.at(-1)?.n ?? 0, measured: rows.find((r) => r.id === measured)?.n ?? 0 };
  } finally {
    db.close();
  }
}

function bytesPerTask(path: string): number {
  const db = new SqliteDatabase(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { n } = db.prepare('select count(*) as n from tasks').get() as { n: number };
    return Math.round(statSync(path).size / n);
  } finally {
    db.close();
  }
}
