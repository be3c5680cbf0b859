// The status-flow rollup (report_status_flows): every status change of a task,
// summed per UTC day under the task's team, source and linked record types as
// they are now — exactly what the bottlenecks report reads instead of the history.
//
// Task writes keep it, in the same transaction as the history rows (the task
// service calls keepStatusFlows after each write); reports only read it. It
// must always equal what fillReportRollups builds from the history. A change
// of a task's team or of its linked record types moves all its changes from
// the old keys to the new ones; deleting a task takes them out.
import type { Selectable } from 'kysely';
import { QueryShapes } from '../platform/db/database.ts';
import type { Db, ReportStatusFlowsTable } from '../platform/db/schema.ts';

const DAY = 24 * 60 * 60 * 1000;

/** What the rollup needs of a task row. */
export interface FlowTask {
  org_id: string;
  id: string;
  team_id: string | null;
  source_kind: string;
  /** The links column: a JSON array of { type, id }. */
  links: string;
}

/** What the rollup needs of a history row. */
export interface FlowHistory {
  id: string;
  at: number;
  field: string;
  from_value?: string | null;
  to_value?: string | null;
}

interface Keys {
  team: string;
  source: string;
  /** '' (the task itself) and each record type it is linked to, once. */
  linkTypes: string[];
}

function keysOf(task: FlowTask): Keys {
  const types = new Set((JSON.parse(task.links) as { type: string }[]).map((l) => l.type));
  return { team: task.team_id ?? '', source: task.source_kind, linkTypes: ['', ...[...types].sort()] };
}

const sameKeys = (a: Keys, b: Keys) => a.team === b.team && a.source === b.source && a.linkTypes.join('\u0000') === b.linkTypes.join('\u0000');

/**
 * Brings the rollup up to date with one task's write, inside the caller's
 * transaction, after its history rows are written: `before` is the task as it
 * was (null: just created), `after` as it is now (null: about to be deleted),
 * `written` the history rows this write added.
 */
export async function keepStatusFlows(db: Db, before: FlowTask | null, after: FlowTask | null, written: readonly FlowHistory[]): Promise<void> {
  const task = (after ?? before)!;
  const added = written.filter((h) => h.field === 'status');
  const oldKeys = before && keysOf(before);
  const newKeys = after && keysOf(after);
  const deltas = new Map<string, StatusFlowDelta>();
  if (oldKeys && newKeys && sameKeys(oldKeys, newKeys)) {
    count(deltas, task.org_id, newKeys, added, 1);
  } else {
    const addedIds = new Set(added.map((h) => h.id));
    const earlier = oldKeys ? (await statusHistoryOf(db, task.org_id, task.id)).filter((h) => !addedIds.has(h.id)) : [];
    if (oldKeys) count(deltas, task.org_id, oldKeys, earlier, -1);
    if (newKeys) count(deltas, task.org_id, newKeys, [...earlier, ...added], 1);
  }
  await addStatusFlows(db, [...deltas.values()].filter((d) => d.changes !== 0 || d.offset_ms !== 0));
}

/** Adds each change (sign 1) or takes it out (sign −1) under every key, summed per rollup row. */
function count(deltas: Map<string, StatusFlowDelta>, orgId: string, keys: Keys, changes: readonly FlowHistory[], sign: 1 | -1): void {
  for (const change of changes) {
    const day = Math.floor(change.at / DAY);
    const offset = change.at - day * DAY;
    for (const linkType of keys.linkTypes) {
      const row = { org_id: orgId, day, team_key: keys.team, source_key: keys.source, link_type: linkType, from_status: change.from_value ?? '', to_status: change.to_value ?? '' };
      const key = `${row.day}\u0000${row.link_type}\u0000${row.from_status}\u0000${row.to_status}\u0000${row.team_key}\u0000${row.source_key}`;
      const delta = deltas.get(key) ?? { ...row, changes: 0, offset_ms: 0 };
      delta.changes += sign;
      delta.offset_ms += sign * offset;
      deltas.set(key, delta);
    }
  }
}

// --- its queries ---------------------------------------------------------------------------------

type StatusFlowDelta = Selectable<ReportStatusFlowsTable>;

/** A task's status changes, as the rollup counts them. */
function statusHistoryOf(db: Db, orgId: string, taskId: string) {
  return db
    .selectFrom('task_history')
    .select(['id', 'at', 'field', 'from_value', 'to_value'])
    .where('org_id', '=', orgId)
    .where('task_id', '=', taskId)
    .where('field', '=', 'status')
    .execute();
}

/** Adds each delta to its rollup row (creating it at zero first). */
// Every task write adds to the rollup: its upsert is compiled once per shape.
const flowWrites = new QueryShapes();

async function addStatusFlows(db: Db, deltas: StatusFlowDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await flowWrites.insert(db, 'report_status_flows', deltas, () =>
    db
      .insertInto('report_status_flows')
      .values(deltas)
      .onConflict((oc) =>
        oc.columns(['org_id', 'day', 'team_key', 'link_type', 'source_key', 'from_status', 'to_status']).doUpdateSet((eb) => ({
          changes: eb('report_status_flows.changes', '+', eb.ref('excluded.changes')),
          offset_ms: eb('report_status_flows.offset_ms', '+', eb.ref('excluded.offset_ms')),
        })),
      ),
  );
}
