// The server's SQLite connection keeps a bounded page cache of its own beside
// the memory-mapped file: its pages are most of what the process holds beyond
// V8's heap, so the bound is part of the server's memory budget.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.ts';
import { SQLITE_CACHE_KIB } from '../../src/platform/db/sqlite.ts';

describe('SQLite page cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is 16 MB, with the first 256 MB of the file mapped into memory', async () => {
    const database = openDatabase(`sqlite:${join(dir, 'cache.db')}`);
    try {
      expect(SQLITE_CACHE_KIB).toBe(16 * 1024);
      expect(database.sqlite!.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
      expect(database.sqlite!.pragma('mmap_size', { simple: true })).toBe(256 * 1024 * 1024);
    } finally {
      await database.close();
    }
  });
});
