// The server's own PostgreSQL connections: no JIT compiling (the server's
// statements read a page or write a row; a page whose estimate crossed
// jit_above_cost was compiled for 30 ms to run in 1), on the requests' pool,
// the automation worker's, and the one that takes task numbers.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onItsOwnOf, openDatabase, type OpenDatabase } from '../../src/platform/db/database.ts';
import { type TestDatabase, testDatabases } from '../support/databases.ts';

const postgres = (await testDatabases()).find((choice) => choice.name === 'postgres')!;

describe.skipIf(postgres.skip !== null)('PostgreSQL connections', () => {
  let made: TestDatabase;
  let opened: OpenDatabase;
  beforeAll(async () => {
    made = postgres.make();
    opened = openDatabase(await made.create());
  });
  afterAll(async () => {
    await opened?.close();
    await made?.drop();
  });

  it('never JIT-compile a statement, on any of the server’s pools', async () => {
    for (const db of [opened.db, opened.worker!, onItsOwnOf(opened.db)!]) {
      const { rows } = await sql<{ jit: string }>`show jit`.execute(db);
      expect(rows[0]!.jit).toBe('off');
    }
  });

  it('gives up on a row lock after a second only on the pool that takes task numbers', async () => {
    const timeouts = [];
    for (const db of [opened.db, opened.worker!, onItsOwnOf(opened.db)!]) timeouts.push((await sql<{ lock_timeout: string }>`show lock_timeout`.execute(db)).rows[0]!.lock_timeout);
    expect(timeouts).toEqual(['0', '0', '1s']);
  });
});
