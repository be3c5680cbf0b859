// Where file contents live: on disk beside a SQLite database, content-addressed
// by SHA-256 (files/ab/cd/abcd…), or inside PostgreSQL itself, so any number of
// server processes on any number of hosts share them with no other service.
// Either way a blob row in the database says the content is there; a blob is
// written in the transaction that first names it, and removed only when no
// attachment names it any more (the foreign keys refuse anything else).
import { createReadStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { isForeignKeyViolation } from '../db/database.ts';
import type { Db } from '../db/schema.ts';
import * as store from './store.ts';

/** Bytes waiting in a temporary file to become a blob. */
export interface LocalBlob {
  sha256: string;
  size: number;
  path: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface BlobStore {
  readonly kind: 'disk' | 'postgres';
  /** Where uploads are spooled before they are kept (on the blobs' own file system for the disk store). */
  readonly tempDir: string;
  /** Inside the caller's transaction: makes the bytes at `blob.path` the blob `blob.sha256`, unless it is already stored. */
  keep(trx: Db, blob: LocalBlob, now: number): Promise<void>;
  /** The blob's bytes, all or a range. */
  read(sha256: string, range?: ByteRange): Readable;
  /** Inside a restore's transaction, whose blob row is already written: makes the bytes at `path` that blob's content. */
  restoreBytes(trx: Db, sha256: string, path: string): Promise<void>;
  /** Removes each blob no attachment names any more; returns how many went. */
  remove(db: Db, shas: string[]): Promise<number>;
  /** Removes stored bytes no blob row names, older than `graceMs` (left by an upload that failed half way). */
  sweepStray(db: Db, graceMs: number): Promise<number>;
}

export const CHUNK_BYTES = 256 * 1024;

/** The store for this database: disk beside a SQLite file (or `filesDir`), PostgreSQL's own tables otherwise. */
export function openBlobStore(dialect: 'sqlite' | 'postgres', databaseUrl: string, db: Db, filesDir?: string): BlobStore {
  if (dialect === 'postgres' && !filesDir) return postgresStore(db);
  const path = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : '';
  const root = filesDir ?? (path === '' || path === ':memory:' ? join(tmpdir(), `finishline-files-${process.pid}`) : join(dirname(resolve(path)), 'files'));
  return diskStore(resolve(root));
}

async function removeEach(db: Db, shas: string[], removeBytes: (sha256: string) => Promise<void>): Promise<number> {
  let removed = 0;
  for (const sha256 of new Set(shas)) {
    try {
      const gone = await db.transaction().execute(async (trx) => {
        if (!(await store.deleteBlob(trx, sha256))) return false;
        // Inside the transaction: on SQLite it holds the write lock, so no upload can name this blob meanwhile.
        await removeBytes(sha256);
        return true;
      });
      if (gone) removed++;
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
    }
  }
  return removed;
}

function diskStore(root: string): BlobStore {
  const pathOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  return {
    kind: 'disk',
    tempDir: join(root, 'tmp'),
    async keep(trx, blob, now) {
      const target = pathOf(blob.sha256);
      const present = await access(target).then(() => true, () => false);
      if (!present) {
        await mkdir(dirname(target), { recursive: true });
        await rename(blob.path, target);
      }
      await store.insertBlob(trx, blob.sha256, blob.size, now);
    },
    async restoreBytes(_trx, sha256, path) {
      const target = pathOf(sha256);
      await mkdir(dirname(target), { recursive: true });
      await rename(path, target);
    },
    read(sha256, range) {
      return createReadStream(pathOf(sha256), range ? { start: range.start, end: range.end } : {});
    },
    remove(db, shas) {
      return removeEach(db, shas, (sha256) => rm(pathOf(sha256), { force: true }));
    },
    async sweepStray(db, graceMs) {
      let removed = 0;
      const before = Date.now() - graceMs;
      for (const top of await listDir(root)) {
        if (top === 'tmp') {
          removed += await removeOld(join(root, top), before);
          continue;
        }
        for (const middle of await listDir(join(root, top))) {
          const names = await listDir(join(root, top, middle));
          const known = await store.knownBlobs(db, names);
          for (const name of names) {
            if (known.has(name)) continue;
            const path = join(root, top, middle, name);
            if ((await stat(path)).mtimeMs > before) continue;
            // Checked again under the write lock: an upload may have named it since.
            const gone = await db.transaction().execute(async (trx) => {
              if (await store.blobExists(trx, name)) return false;
              await rm(path, { force: true });
              return true;
            });
            if (gone) removed++;
          }
        }
      }
      return removed;
    },
  };
}

async function listDir(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}

async function removeOld(dir: string, before: number): Promise<number> {
  let removed = 0;
  for (const name of await listDir(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs <= before) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

function postgresStore(db: Db): BlobStore {
  return {
    kind: 'postgres',
    tempDir: join(tmpdir(), 'finishline-uploads'),
    async keep(trx, blob, now) {
      if (!(await store.insertBlob(trx, blob.sha256, blob.size, now))) return;
      await writeChunks(trx, blob.sha256, blob.path);
    },
    restoreBytes(trx, sha256, path) {
      return writeChunks(trx, sha256, path);
    },
    read(sha256, range) {
      return Readable.from(chunksOf(db, sha256, range));
    },
    remove(db, shas) {
      // The chunks go with their blob row (on delete cascade).
      return removeEach(db, shas, async () => {});
    },
    async sweepStray() {
      return 0;
    },
  };
}

/** The file at `path` as the blob's 256 KB rows (an empty file is one empty row). */
async function writeChunks(trx: Db, sha256: string, path: string): Promise<void> {
  const file = await open(path);
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (let n = 0; ; n++) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, n * CHUNK_BYTES);
      if (bytesRead === 0 && n > 0) break;
      await store.insertChunk(trx, sha256, n, Buffer.from(buffer.subarray(0, bytesRead)));
      if (bytesRead < CHUNK_BYTES) break;
    }
  } finally {
    await file.close();
  }
}

/** A blob's bytes from PostgreSQL, a few chunks per query, cut to the range. */
async function* chunksOf(db: Db, sha256: string, range?: ByteRange): AsyncGenerator<Buffer> {
  const start = range?.start ?? 0;
  const first = Math.floor(start / CHUNK_BYTES);
  const last = range ? Math.floor(range.end / CHUNK_BYTES) : Number.MAX_SAFE_INTEGER;
  for (let from = first; from <= last; from += 8) {
    const rows = await store.readChunks(db, sha256, from, Math.min(last, from + 7));
    for (const row of rows) {
      const offset = row.n * CHUNK_BYTES;
      const begin = Math.max(0, start - offset);
      const end = range ? Math.min(row.data.length, range.end - offset + 1) : row.data.length;
      if (end > begin) yield row.data.subarray(begin, end);
    }
    if (rows.length < 8) break;
  }
}
