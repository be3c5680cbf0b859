// Bulk changes: many tasks changed or deleted in one transaction, all or none.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { orgTimezone } from '../people/service.ts';
import { presentPrevious, presentTasks } from './present.ts';
import { filterOf } from './reads.ts';
import { changeTask, removeTasks } from './service.ts';
import * as store from './store.ts';
import { type BulkAction, type BulkFilter, type BulkInput, BULK_MAX, parseTaskKey, taskKey } from './task.ts';

/** What a bulk body asks to do to each task. */
export function bulkActionOf(input: BulkInput): BulkAction {
  return input.delete ? { delete: true } : { set: input.set! };
}

/** Changes or deletes the named tasks in one transaction: every one of them, or none. */
export async function bulkChange(deps: Deps, actor: Actor, ids: string[], action: BulkAction) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const numbers = ids.map(parseTaskKey).filter((n): n is number => n !== null);
    const rows = await store.findTasks(trx, actor.orgId, ids.filter((id) => parseTaskKey(id) === null), numbers);
    const byRef = new Map(rows.flatMap((r) => [[r.id, r] as const, [taskKey(r.number), r] as const]));
    // Keys are case-insensitive (t-7 is T-7); ids are taken as they are.
    const find = (ref: string) => byRef.get(parseTaskKey(ref) === null ? ref : taskKey(parseTaskKey(ref)!));
    const missing = ids.flatMap((ref, i) => (find(ref) ? [] : [{ path: `ids.${i}`, message: 'no such task' }]));
    if (missing.length > 0) throw new NotFound('Task', missing);
    const ordered = [...new Map(ids.map((ref) => [find(ref)!.id, find(ref)!])).values()];
    return applyBulk(trx, actor, ordered, action, now);
  });
}

/**
 * Changes or deletes every task the list's filters match, in one transaction,
 * provided they are still the `expected` number the user saw: a set that grew
 * or shrank since is refused (409), so nobody edits tasks they did not choose.
 */
export async function bulkChangeMatching(deps: Deps, actor: Actor, filter: BulkFilter, expected: number, action: BulkAction) {
  const now = deps.clock.now();
  const zone = filter.due ? await orgTimezone(deps.db, actor.orgId) : undefined;
  const where = withFieldPrefix('filter', () => filterOf(actor, filter, now, zone));
  return deps.db.transaction().execute(async (trx) => {
    const rows = await store.findMatchingTasks(trx, actor.orgId, where, BULK_MAX + 1);
    if (rows.length > BULK_MAX) {
      throw Invalid.field('filter', `matches more than ${BULK_MAX} tasks, the most one bulk change takes; narrow the filters`);
    }
    if (rows.length !== expected) {
      throw new Conflict(`The filter matches ${rows.length} task${rows.length === 1 ? '' : 's'} now, not the ${expected} expected: the tasks changed since they were chosen, so nothing was changed`, [
        { path: 'expected', message: `${rows.length} match now` },
      ]);
    }
    return applyBulk(trx, actor, rows, action, now);
  });
}

/** A use case's field errors, renamed to where the client sent them (overdue → filter.overdue). */
function withFieldPrefix<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    throw new Invalid(`${prefix}.${error.message}`, error.errors?.map((e) => ({ ...e, path: `${prefix}.${e.path}` })));
  }
}

async function applyBulk(trx: Db, actor: Actor, rows: store.TaskRow[], action: BulkAction, now: number) {
  if ('delete' in action) {
    await removeTasks(trx, actor, rows, now);
    return { items: [], deleted: rows.length, previous: [] };
  }
  const changed: store.TaskRow[] = [];
  for (const row of rows) {
    try {
      changed.push(await changeTask(trx, actor, row, action.set, now));
    } catch (error) {
      if (error instanceof Invalid) {
        throw new Invalid(`${taskKey(row.number)}: ${error.message}`, error.errors?.map((e) => ({ path: `set.${e.path}`, message: `${e.message} (${taskKey(row.number)})` })));
      }
      throw error;
    }
  }
  return { items: await presentTasks(trx, actor.orgId, changed, now), deleted: 0, previous: rows.map(presentPrevious) };
}
