// SQLite's checkpoints (copying what the write-ahead log holds back into the
// database file) made on a thread of their own. Left to SQLite, the
// connection whose commit takes the log past its limit copies it there and
// then: better-sqlite3 runs on the server's only thread, so every request
// waited. At 1,000,000 tasks with 50 clients creating, that was a stall of
// 40–70 ms about three times a second (the event → task p99 of the benchmark).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/** How often the thread looks at the log, and checkpoints it if it changed since it last did. */
export const CHECKPOINT_EVERY_MS = 500;

/**
 * The log's length (in pages) at which the server's own connection
 * checkpoints anyway: only reached if the thread has fallen far behind or is
 * gone, so the log never grows without bound.
 */
export const CHECKPOINT_BACKSTOP_PAGES = 50_000;

// The thread, as a CommonJS script (a file of its own would have to be found beside both the sources and the build).
// A passive checkpoint never waits for a lock and never blocks the server's reads or writes: it copies what
// no reader still needs, and SQLite starts the log over once all of it has been copied.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('cache_size = -512');
let seen = '';
let timer;
const look = () => {
  let now = '';
  try {
    const log = statSync(workerData.path + '-wal', { bigint: true });
    now = log.mtimeNs + ':' + log.size;
  } catch {}
  if (now !== '' && now !== seen) {
    seen = now;
    db.pragma('wal_checkpoint(PASSIVE)');
  }
  timer = setTimeout(look, workerData.everyMs);
};
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
look();
`;

/**
 * Checkpoints the file `path`, which `sqlite` has open, on a thread of its own
 * until the returned function is called (before `sqlite` is closed, so that
 * the last connection to close is the server's and removes the log). Should
 * the thread fail, `sqlite` goes back to checkpointing every `fallbackPages`.
 */
export function checkpointInBackground(sqlite: SqliteDatabase.Database, path: string, fallbackPages: number): () => Promise<void> {
  sqlite.pragma(`wal_autocheckpoint = ${CHECKPOINT_BACKSTOP_PAGES}`);
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, everyMs: CHECKPOINT_EVERY_MS },
    // It allocates next to nothing: a small heap keeps its share of the server's memory small.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  // A process that ends without closing its database is not kept alive by the thread.
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = () => {
    if (!stopping && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${fallbackPages}`);
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return async () => {
    if (stopping) return;
    stopping = true;
    // Held by the thread until it has closed its connection (an unref'd thread would let the process end first).
    worker.ref();
    worker.postMessage('stop');
    await exited;
  };
}
