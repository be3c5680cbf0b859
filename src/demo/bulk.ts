// Tasks added in bulk on top of the demo business (`scale`): rows built in
// full and written straight into the task tables, a batch per transaction.
import type { OpenDatabase } from '../platform/db/database.ts';
import { fillReportRollups } from '../platform/db/migrations.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { historyKey } from '../tasks/historyIds.ts';
import { reserveTaskNumbers } from '../people/service.ts';
import { BLOCKED_BY, Dice, HOUR, PRIORITY_WEIGHTS, STATUS_WEIGHTS, TASK_TEMPLATES, WAITING_ON } from './business.ts';
import type { DemoOptions, DemoResult } from './options.ts';
import type { Business } from './state.ts';
import { type BulkHistory, type BulkLink, type BulkTask, insertTaskBatch, withoutTaskIndexes } from './store.ts';

const INDEX_REBUILD_FROM = 100_000;
const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
const NO_DUE_DATE = 8_640_000_000_000_000;

export async function addBulkTasks(database: OpenDatabase, biz: Business, options: DemoOptions): Promise<DemoResult['bulk']> {
  const total = options.scale;
  if (total <= 0) return { tasks: 0, ms: 0, perSecond: 0 };
  const started = performance.now();
  const batchSize = options.batchSize ?? 10_000;
  const first = await database.db.transaction().execute((trx) => reserveTaskNumbers(trx, biz.owner.orgId, total));
  // Its own dice, so the base business is the same whatever the scale.
  const dice = new Dice(options.seed * 7919 + 1);
  const people = biz.people.filter((p) => p.team !== null);
  const load = async (within?: Db) => {
    options.onProgress?.(0, total);
    for (let done = 0; done < total; ) {
      const count = Math.min(batchSize, total - done);
      const tasks: BulkTask[] = [];
      const links: BulkLink[] = [];
      const history: BulkHistory[] = [];
      for (let i = 0; i < count; i++) bulkTask(biz, dice, people, first + done + i, tasks, links, history);
      await insertTaskBatch(database, { tasks, links, history }, within);
      done += count;
      options.onProgress?.(done, total);
    }
  };
  // Past this size, building the indexes once at the end beats keeping them up to date row by row.
  if (total >= (options.rebuildIndexesFrom ?? INDEX_REBUILD_FROM)) await withoutTaskIndexes(database, load);
  else await load();
  // The rows went in around the task service: the reports' rollup is rebuilt from their history.
  await fillReportRollups(database.db, biz.owner.orgId);
  const ms = Math.round(performance.now() - started);
  return { tasks: total, ms, perSecond: Math.round(total / Math.max(ms / 1000, 0.001)) };
}

function bulkTask(biz: Business, dice: Dice, people: Business['people'], number: number, tasks: BulkTask[], links: BulkLink[], history: BulkHistory[]): void {
  const { now, owner } = biz;
  const template = dice.pick(TASK_TEMPLATES);
  const record = dice.pick(biz.placed[template.record]);
  const status = dice.weighted(STATUS_WEIGHTS);
  const final = status === 'done' || status === 'cancelled';
  const createdAt = now - dice.int(1, 180 * 24) * HOUR;
  const updatedAt = status === 'open' ? createdAt : Math.min(createdAt + dice.int(1, 120) * HOUR, now);
  const dueAt = dice.chance(0.15) ? null : createdAt + dice.int(2, 14 * 24) * HOUR;
  const team = people.filter((p) => p.team === template.team);
  const assignee = dice.chance(0.85) ? dice.pick(team) : null;
  const priority = dice.weighted(PRIORITY_WEIGHTS);
  const id = newId();
  const taskLinks = [{ type: template.record, id: record.id }, ...record.also];
  // Columns left out take their defaults.
  const row = {
    id,
    org_id: owner.orgId,
    number,
    title: template.title.replace('{name}', record.name),
    description: '',
    status,
    active: final ? 0 : 1,
    priority,
    priority_rank: PRIORITY_RANK[priority],
    due_at: dueAt,
    due_sort: dueAt ?? NO_DUE_DATE,
    assignee_id: assignee?.id ?? null,
    team_id: biz.teams[template.team],
    links: JSON.stringify(taskLinks),
    checklist: '[]',
    waiting_on: status === 'waiting' ? dice.pick(WAITING_ON) : null,
    blocked_reason: status === 'blocked' ? dice.pick(BLOCKED_BY) : null,
    source_kind: 'api',
    source_rule_id: null,
    source_event_id: null,
    recurrence: null,
    created_by_id: owner.userId,
    created_at: createdAt,
    updated_at: updatedAt,
    completed_at: status === 'done' ? updatedAt : null,
    version: status === 'open' ? 1 : 2,
  };
  tasks.push(row as BulkTask);
  for (const link of taskLinks) links.push({ org_id: owner.orgId, task_id: id, record_type: link.type, record_id: link.id });
  const actorId = assignee?.id ?? owner.userId;
  history.push({ id: historyKey(1, 'status'), org_id: owner.orgId, task_id: id, actor_id: owner.userId, at: createdAt, field: 'status', from_value: null, to_value: 'open' });
  if (status !== 'open') history.push({ id: historyKey(2, 'status'), org_id: owner.orgId, task_id: id, actor_id: actorId, at: updatedAt, field: 'status', from_value: 'open', to_value: status });
}
