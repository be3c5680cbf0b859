// Maintenance plans keep themselves in step with task events: completing a
// plan's task moves its service's next due date on. The automation worker
// hands this the events it takes, before the rules, in the transaction it
// handles the event in.
import { inTransaction } from '../platform/db/database.ts';
import { withChainDepth } from '../platform/outbox.ts';
import { automationActor, type Consumer } from '../events.ts';
import { advanceAfterTask } from './service.ts';

export function planConsumer(): Consumer {
  return {
    name: 'plans',
    events: ['task.completed'],
    runs: 'before rules',
    async handle(deps, event) {
      if (event.subject.type !== 'task') return;
      // What it changes is caused by the completion: its events carry the completion's chain depth.
      await inTransaction(deps.db, (trx) => withChainDepth(event.depth, () => advanceAfterTask(trx, automationActor(event.orgId), { taskId: event.subject.id, now: deps.clock.now() })));
    },
  };
}
