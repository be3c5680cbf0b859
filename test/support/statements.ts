// Every SQL statement either driver runs while a piece of work is under way,
// in order, by its text: what a test holds a code path's statement count to.
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';

let recording: string[] | null = null;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const probe = new SqliteDatabase(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = statementProto[method]!;
    statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
      recording?.push(this.source);
      return original.apply(this, args);
    };
  }
  const pgQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: unknown, ...args: unknown[]) {
    const [query] = args as [string | { text: string }];
    recording?.push(typeof query === 'string' ? query : query.text);
    return pgQuery.apply(this, args);
  };
}

/** The statements sent while `work` ran (anything else the process ran meanwhile included). */
export async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  install();
  recording = [];
  try {
    await work();
    return recording;
  } finally {
    recording = null;
  }
}
