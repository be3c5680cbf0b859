// The pure part of optimistic updates: what a task looks like once a change is
// accepted, and the bulk calls that put tasks back as they were (Undo).
import type { BulkChanges, BulkPrevious, Task, TaskChanges } from '../api/types.ts';

export const FINAL = new Set(['done', 'cancelled']);

/** What the task will look like once the server has the change: shown at once. */
export function applyLocally(task: Task, changes: TaskChanges, now = Date.now()): Task {
  const next = { ...task, ...changes } as Task;
  if (changes.status !== undefined) next.completedAt = changes.status === 'done' ? new Date(now).toISOString() : null;
  if (changes.status !== undefined && changes.status !== 'waiting') next.waitingOn = changes.waitingOn ?? null;
  if (changes.status !== undefined && changes.status !== 'blocked') next.blockedReason = changes.blockedReason ?? null;
  if (changes.status !== undefined && changes.status !== 'waiting') next.waitingUntil = null;
  if (changes.checklist) next.checklist = changes.checklist.map((item, i) => (typeof item === 'string' ? { id: `new-${i}`, text: item, done: false } : { id: item.id ?? `new-${i}`, text: item.text, done: item.done ?? false }));
  next.overdue = next.dueAt !== null && Date.parse(next.dueAt) < now && !FINAL.has(next.status);
  return next;
}

type BulkField = keyof BulkChanges;

/** The bulk calls that put every task back as it was (as the bulk change's answer says it was): one per distinct previous value. */
export function undoPlan(tasks: Omit<BulkPrevious, 'key'>[], set: BulkChanges): { ids: string[]; set: BulkChanges }[] {
  const fields = Object.keys(set) as BulkField[];
  const plan: { ids: string[]; set: BulkChanges }[] = [];
  const changesStatus = set.status !== undefined;
  const reopening = changesStatus && FINAL.has(set.status!);
  if (reopening) plan.push({ ids: tasks.map((t) => t.id), set: { status: 'open' } });
  const groups = new Map<string, { ids: string[]; set: BulkChanges }>();
  for (const task of tasks) {
    const previous: BulkChanges = {};
    for (const field of fields) {
      if (field === 'waitingOn' || field === 'blockedReason') continue;
      (previous as Record<string, unknown>)[field] = task[field];
    }
    if (changesStatus) {
      if (task.status === 'waiting') previous.waitingOn = task.waitingOn;
      if (task.status === 'blocked') previous.blockedReason = task.blockedReason;
      if (reopening && task.status === 'open') delete previous.status;
    }
    if (Object.keys(previous).length === 0) continue;
    const key = JSON.stringify(previous);
    const group = groups.get(key) ?? { ids: [], set: previous };
    group.ids.push(task.id);
    groups.set(key, group);
  }
  return [...plan, ...groups.values()];
}

