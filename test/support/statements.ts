// Every SQL statement either driver runs while a piece of work is under way,
// in order, by its text: what a test holds a code path's statement count to.
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';

/** A statement sent, and which connection sent it (every SQLite statement counts as one connection, 0). */
export interface Sent {
  text: string;
  connection: number;
}

let recording: Sent[] | null = null;
let installed = false;
const connections = new WeakMap<object, number>();
let connectionsSeen = 0;

function connectionOf(client: object): number {
  let id = connections.get(client);
  if (id === undefined) connections.set(client, (id = ++connectionsSeen));
  return id;
}

function install(): void {
  if (installed) return;
  installed = true;
  const probe = new SqliteDatabase(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = statementProto[method]!;
    statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
      recording?.push({ text: this.source, connection: 0 });
      return original.apply(this, args);
    };
  }
  const pgQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: unknown, ...args: unknown[]) {
    const [query] = args as [string | { text: string }];
    recording?.push({ text: typeof query === 'string' ? query : query.text, connection: connectionOf(this as object) });
    return pgQuery.apply(this, args);
  };
}

/** The statements sent while `work` ran (anything else the process ran meanwhile included). */
export async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  return (await sentDuring(work)).map((s) => s.text);
}

/** statementsDuring with the connection each statement went on. */
export async function sentDuring(work: () => Promise<unknown>): Promise<Sent[]> {
  install();
  recording = [];
  try {
    await work();
    return recording;
  } finally {
    recording = null;
  }
}
