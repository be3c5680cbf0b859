// A SQLite file's checkpoints are made on a thread of their own, so no request
// waits while the write-ahead log is copied into the database file.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_BACKSTOP_PAGES, checkpointInBackground } from '../../src/platform/db/checkpoints.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { openSqliteFile, WAL_AUTOCHECKPOINT_PAGES } from '../../src/platform/db/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'finishline-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows of `table` in the database file alone, as a crash would find it without its log. */
function rowsInFileAlone(path: string, table: string): number {
  const alone = `${path}.alone`;
  copyFileSync(path, alone);
  const copy = new SqliteDatabase(alone, { readonly: true });
  try {
    const found = copy.prepare("select count(*) as n from sqlite_master where name = ?").get(table) as { n: number };
    return found.n === 0 ? 0 : (copy.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    copy.close();
    rmSync(alone, { force: true });
  }
}

async function eventually(check: () => boolean, ms = 15_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('SQLite checkpoints', () => {
  it('are made by a thread of their own: what a connection writes reaches the file while its own checkpoints wait for a log of 50,000 pages', async () => {
    const path = join(dir, 'thread.db');
    const database = openDatabase(`sqlite:${path}`);
    try {
      const sqlite = database.sqlite!;
      expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(CHECKPOINT_BACKSTOP_PAGES);
      sqlite.exec('create table notes (id integer primary key, body text)');
      const insert = sqlite.prepare('insert into notes (body) values (?)');
      for (let batch = 0; batch < 20; batch++) sqlite.transaction(() => { for (let i = 0; i < 100; i++) insert.run(`note ${batch}.${i}`); })();
      // Far below the backstop: only the thread can have copied these rows into the file.
      expect(existsSync(`${path}-wal`)).toBe(true);
      expect(await eventually(() => rowsInFileAlone(path, 'notes') === 2_000)).toBe(true);
      // And it keeps doing so as the log changes again.
      sqlite.transaction(() => { for (let i = 0; i < 100; i++) insert.run('later'); })();
      expect(await eventually(() => rowsInFileAlone(path, 'notes') === 2_100)).toBe(true);
    } finally {
      await database.close();
    }
    // The thread closed first, so the server's connection was the last and removed the log.
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(rowsInFileAlone(path, 'notes')).toBe(2_100);
  });

  it('fall back to the connection itself, every 10,000 pages, if the thread fails', async () => {
    const path = join(dir, 'fallback.db');
    const sqlite = openSqliteFile(path);
    try {
      // The thread cannot open a file that is not there, and ends with an error.
      const stop = checkpointInBackground(sqlite, join(dir, 'missing', 'nothing.db'), WAL_AUTOCHECKPOINT_PAGES);
      expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(CHECKPOINT_BACKSTOP_PAGES);
      expect(await eventually(() => sqlite.pragma('wal_autocheckpoint', { simple: true }) === WAL_AUTOCHECKPOINT_PAGES)).toBe(true);
      await stop();
    } finally {
      sqlite.close();
    }
  });

  it('are left to SQLite for a database in memory', async () => {
    const database = openDatabase('sqlite::memory:');
    try {
      expect(database.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    } finally {
      await database.close();
    }
  });
});
