// The databases a test file runs against: a fresh SQLite file always, and a
// fresh PostgreSQL database when one is reachable (required when
// FINISHLINE_TEST_REQUIRE names postgres).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  /** Creates a fresh, empty database and returns its URL. */
  create(): Promise<string>;
  drop(): Promise<void>;
}

const PG_ADMIN_URL = process.env.FINISHLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function required(capability: string): boolean {
  return (process.env.FINISHLINE_TEST_REQUIRE ?? '').split(',').map((s) => s.trim()).includes(capability);
}

export async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

function sqliteDatabase(): TestDatabase {
  let dir: string | undefined;
  return {
    dialect: 'sqlite',
    async create() {
      dir = mkdtempSync(join(tmpdir(), 'finishline-test-'));
      return `sqlite:${join(dir, 'test.db')}`;
    },
    async drop() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDatabase(): TestDatabase {
  const name = `finishline_test_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    dialect: 'postgres',
    async create() {
      await admin(`create database ${name}`);
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async drop() {
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

export interface DatabaseChoice {
  name: 'sqlite' | 'postgres';
  make: () => TestDatabase;
  skip: string | null;
}

/** SQLite, and PostgreSQL unless it is unreachable and not required (then it is marked skipped, with the reason). */
export async function testDatabases(): Promise<DatabaseChoice[]> {
  const unreachable = await postgresReachable();
  if (unreachable && required('postgres')) throw new Error(`FINISHLINE_TEST_REQUIRE includes postgres, but ${unreachable}`);
  if (unreachable) console.warn(`[skipped] PostgreSQL tests: ${unreachable}`);
  return [
    { name: 'sqlite', make: sqliteDatabase, skip: null },
    { name: 'postgres', make: postgresDatabase, skip: unreachable },
  ];
}
