// Event retention: events every consumer has handled are kept for a while
// (the run log, the live stream, dry runs over past events), then deleted in
// small batches so no transaction holds the database for long.
import type { Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';

const DAY = 86_400_000;

export interface RetentionOptions {
  /** Handled events older than this many days go; 0 keeps every event. */
  days: number;
  /** Events looked at per transaction. */
  batchSize?: number;
  /** Transactions per call at most (the rest waits for the next call). */
  maxBatches?: number;
}

/**
 * Deletes the events handled more than `days` ago (processed_at before the
 * cutoff), oldest first, `batchSize` looked at per transaction — except those
 * a pending timer (a delayed rule run) still needs, and those not yet handled.
 * Walks by seq and stops at the first event handled since the cutoff: the
 * worker handles events in seq order, so the rest are younger. Returns how
 * many it deleted.
 */
export async function pruneEvents(deps: Deps, options: RetentionOptions): Promise<number> {
  if (!(options.days > 0)) return 0;
  const cutoff = deps.clock.now() - options.days * DAY;
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 200;
  let after = 0;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const step = await deps.db.transaction().execute((trx) => pruneBatch(trx, after, cutoff, batchSize));
    deleted += step.deleted;
    if (step.done) break;
    after = step.last;
  }
  return deleted;
}

async function pruneBatch(trx: Db, after: number, cutoff: number, batchSize: number): Promise<{ deleted: number; last: number; done: boolean }> {
  const rows = await trx.selectFrom('events').select(['seq', 'processed_at']).where('seq', '>', after).orderBy('seq').limit(batchSize).execute();
  const young = rows.findIndex((row) => row.processed_at !== null && Number(row.processed_at) >= cutoff);
  const looked = young === -1 ? rows : rows.slice(0, young);
  const old = looked.filter((row) => row.processed_at !== null).map((row) => Number(row.seq));
  let deleted = 0;
  if (old.length > 0) {
    const result = await trx
      .deleteFrom('events')
      .where('seq', 'in', old)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('automation_timers')
              .select('automation_timers.id')
              .whereRef('automation_timers.org_id', '=', 'events.org_id')
              .whereRef('automation_timers.event_id', '=', 'events.id')
              .where('automation_timers.event_id', 'is not', null)
              .where('automation_timers.fired_at', 'is', null),
          ),
        ),
      )
      .executeTakeFirst();
    deleted = Number(result.numDeletedRows);
  }
  return { deleted, last: Number(rows.at(-1)?.seq ?? after), done: young !== -1 || rows.length < batchSize };
}
