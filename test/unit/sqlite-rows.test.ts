// SQLite rows as the server reads them (arrays made into objects by a function
// built per statement) are the objects better-sqlite3 itself would make.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/platform/db/database.ts';

describe('SQLite rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-rows-'));
  const file = join(dir, 'rows.db');
  let database: OpenDatabase;
  let native: SqliteDatabase.Database;

  beforeAll(() => {
    database = openDatabase(`sqlite:${file}`);
    database.sqlite!.exec(`create table t (id text primary key, n integer, r real, b blob, "odd ""name""" text, "count(*)" text);
      insert into t values ('a', 1, 1.5, x'0102', 'x', 'y'), ('b', null, null, null, null, null), ('c', 9007199254740991, -0.25, x'', '', '')`);
    native = new SqliteDatabase(file, { readonly: true });
  });
  afterAll(async () => {
    native.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    'select * from t order by id',
    'select id, n as "total", r, n from t order by id',
    `select id, n + 1 as "n", 'literal' as kind, null as empty from t order by id`,
    'select count(*), max(n) from t',
    'select id, n, r as n from t order by id',
    'select * from t where id = \'none\'',
  ];

  it.each(cases)('answers %s with the same objects, keys in the same order', async (text) => {
    const ours = (await sql.raw(text).execute(database.db)).rows;
    const theirs = native.prepare(text).all();
    expect(ours).toEqual(theirs);
    expect(ours.map((row) => Object.keys(row as object))).toEqual(theirs.map((row) => Object.keys(row as object)));
    for (const row of ours) expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('never lets a column named __proto__ set a row’s prototype', async () => {
    const text = `select 'a' as "__proto__", 1 as n`;
    const [row] = (await sql.raw(text).execute(database.db)).rows as Record<string, unknown>[];
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(row)).toEqual(Object.getOwnPropertyNames(native.prepare(text).get()));
    expect(row!.n).toBe(1);
  });

  it('streams the same objects', async () => {
    const streamed: unknown[] = [];
    for await (const row of database.db.selectFrom('t' as never).selectAll().orderBy('id' as never).stream()) streamed.push(row);
    expect(streamed).toEqual(native.prepare('select * from t order by id').all());
  });

  it('writes and reads back through the same statements', async () => {
    await sql`insert into t (id, n) values (${'d'}, ${4})`.execute(database.db);
    const returned = (await sql.raw(`insert into t (id, n) values ('e', 5) returning id, n`).execute(database.db)).rows;
    expect(returned).toEqual([{ id: 'e', n: 5 }]);
    expect((await sql.raw('select id, n from t where id in (\'d\', \'e\') order by id').execute(database.db)).rows).toEqual([{ id: 'd', n: 4 }, { id: 'e', n: 5 }]);
  });
});
