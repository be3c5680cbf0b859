// The business shape on PostgreSQL, in the same run as on SQLite: the same
// data (the SQLite source the SQLite run started from) copied into a fresh
// PostgreSQL database, Finishline started on it, the four playbooks
// installed, and the same reads and create measured against bare Fastify + pg
// running the same queries (baselinePg.ts), which reads and writes the same
// database. Event → task latency is read from PostgreSQL once the worker has
// drained. The copy carries what the reads, the create and the rules read
// (people, teams, tokens, tasks and their links); the tasks' history, the
// reports' rollup and the events stay behind, as nothing measured here reads
// them. Unreachable PostgreSQL, or a failure on it, is printed and skipped.
import pg from 'pg';
import type { BenchDataset } from './dataset.ts';
import { type Reader, runBusiness } from './businessRun.ts';
import { copyToPostgres } from './scaleout.ts';

export interface BusinessPgOptions {
  /** The SQLite database the SQLite run's copies were taken from. */
  source: string;
  dataset: BenchDataset;
  seconds: number;
  freePort: () => Promise<number>;
  /** The person with the median backlog, whose My work is measured beside the overloaded person's. */
  usualPersonId: string;
  postgresAdminUrl: string;
}

export async function benchBusinessPg(options: BusinessPgOptions, figures: Record<string, number>): Promise<void> {
  console.log('\nbusiness shape on PostgreSQL: the same data copied into a fresh database; the same reads and create against bare Fastify + pg on it');
  let made: Awaited<ReturnType<typeof copyToPostgres>>;
  try {
    made = await copyToPostgres(options.source, options.postgresAdminUrl);
  } catch (error) {
    made = `copying the data failed: ${(error as Error).message}`;
  }
  if (typeof made === 'string') {
    console.log(`PostgreSQL business figures skipped: ${made}`);
    return;
  }
  figures.business_pg_copy_s = made.seconds;
  try {
    const { url } = made;
    await runBusiness(
      { key: 'business_pg', label: 'PostgreSQL ', databaseUrl: url, bare: { script: 'bench/baselinePg.ts', env: { BENCH_PG_URL: url } }, createGoal: 0.4, open: () => pgReader(url) },
      options,
      figures,
    );
  } catch (error) {
    console.log(`PostgreSQL business figures stopped: ${(error as Error).message}`);
  } finally {
    await made.drop();
  }
}

async function pgReader(url: string): Promise<Reader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    query: async (text) => (await client.query<Record<string, unknown>>(text)).rows,
    close: () => client.end(),
  };
}
