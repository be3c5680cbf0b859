// The demo's people doing the work its rules hand them, as a business does:
// each task a rule makes while the month is replayed gets its own ending —
// most done by their due date, some late, a few still open — planned the
// moment the task appears, and run at its own time like every other step.
import { DomainError } from '../platform/errors.ts';
import { updateTask } from '../tasks/service.ts';
import { updateTaskBody } from '../tasks/task.ts';
import { DAY, type Dice, HOUR } from './business.ts';
import { between, type Business, type Step } from './state.ts';

const ENDINGS = { onTime: 15, late: 3, open: 2 };
const STILL_OPEN = new Set(['open', 'in_progress', 'waiting', 'blocked']);

/** Returns what to call after each automation round: the steps that finish the rule tasks made since the last call. */
export function ruleTaskWork(biz: Business, dice: Dice): () => Promise<Step[]> {
  const { deps, owner, now } = biz;
  const planned = new Set<string>();
  let since = 0;
  return async () => {
    const made = await deps.db
      .selectFrom('tasks')
      .select(['id', 'assignee_id', 'due_at', 'created_at'])
      .where('org_id', '=', owner.orgId)
      .where('source_kind', '=', 'rule')
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const steps: Step[] = [];
    for (const task of made) {
      since = Math.max(since, Number(task.created_at));
      if (planned.has(task.id)) continue;
      planned.add(task.id);
      const created = Number(task.created_at);
      const due = task.due_at === null ? created + 2 * DAY : Number(task.due_at);
      const ending = dice.weighted(ENDINGS);
      if (ending === 'open') continue;
      const at = ending === 'onTime' ? between(dice, created + 15 * 60_000, Math.max(created + 20 * 60_000, due - 10 * 60_000)) : between(dice, due + HOUR, due + 3 * DAY);
      // What would be done after now is still open now.
      if (at >= now - 30 * 60_000) continue;
      const actor = biz.people.find((p) => p.id === task.assignee_id)?.actor ?? owner;
      steps.push({ at, run: () => finish(biz, actor, task.id) });
    }
    return steps;
  };
}

/** Marks the task done unless it ended meanwhile (another rule closed it) or may not be done yet (a step still blocks it). */
async function finish(biz: Business, actor: Business['owner'], id: string): Promise<void> {
  const row = await biz.deps.db.selectFrom('tasks').select('status').where('org_id', '=', biz.owner.orgId).where('id', '=', id).executeTakeFirst();
  if (!row || !STILL_OPEN.has(row.status)) return;
  try {
    await updateTask(biz.deps, actor, id, updateTaskBody.parse({ status: 'done' }));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}
