// Group commit for SQLite: writes that arrive while another write holds the
// one connection wait in a queue, and the next transaction takes all of them
// at once — each in its own savepoint, so one that fails takes back only its
// own rows — then commits once. Each caller's promise settles only after that
// commit, so nothing is acknowledged before it is durable. A commit writes
// every page the transaction dirtied to the WAL, and many writes in one share
// the pages they touch (the same index leaves, the organisation's counter).
// PostgreSQL runs concurrent transactions itself: there each write is its own.
import type { Deps } from '../context.ts';
import { withSavepoint } from './database.ts';
import { hasSingleWriter } from './dialect.ts';
import type { Db } from './schema.ts';

/** At most this many writes share one transaction. */
const MAX_GROUP = 64;

interface Pending {
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

class GroupCommit {
  private readonly queue: Pending[] = [];
  private flushing = false;
  constructor(private readonly db: Db) {}

  run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // better-sqlite3 answers at once, so a transaction started now would end before any other request is
      // read: the first write waits for the requests already arrived in this turn of the event loop to join it.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        if (group.length === 1) {
          const [only] = group as [Pending];
          await this.db.transaction().execute(only.work).then(only.resolve, only.reject);
          continue;
        }
        const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
        try {
          await this.db.transaction().execute(async (trx) => {
            for (const pending of group) {
              try {
                outcomes.push({ ok: true, value: await withSavepoint(trx, 'grouped_write', () => pending.work(trx)) });
              } catch (error) {
                outcomes.push({ ok: false, error });
              }
            }
          });
        } catch (error) {
          // The commit itself failed: nothing of the group was written.
          for (const pending of group) pending.reject(error);
          continue;
        }
        group.forEach((pending, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) pending.resolve(outcome.value);
          else pending.reject(outcome.error);
        });
      }
    } finally {
      this.flushing = false;
    }
  }
}

const groups = new WeakMap<Db, GroupCommit>();

/**
 * Runs `work` in a transaction of its own on PostgreSQL (or inside the
 * caller's, when `deps.db` already is one); on SQLite in the next group commit.
 */
export function groupedWrite<T>(deps: Pick<Deps, 'db'>, work: (trx: Db) => Promise<T>): Promise<T> {
  if (deps.db.isTransaction) return work(deps.db);
  if (!hasSingleWriter(deps.db)) return deps.db.transaction().execute(work);
  let group = groups.get(deps.db);
  if (!group) groups.set(deps.db, (group = new GroupCommit(deps.db)));
  return group.run(work);
}
