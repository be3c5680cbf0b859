// Tasks keep themselves in step with their own events: completing a task opens
// the blocked tasks that waited for it, once every task they wait for is done. The
// automation worker hands this the events it takes, before the rules (a rule
// on task.completed sees the dependents already open), in the transaction it
// handles the event in.
import { inTransaction } from '../platform/db/database.ts';
import { withChainDepth } from '../platform/outbox.ts';
import { automationActor, type Consumer } from '../events.ts';
import { openUnblockedDependents } from './service.ts';

export function taskConsumer(): Consumer {
  return {
    name: 'tasks',
    events: ['task.completed'],
    runs: 'before rules',
    async handle(deps, event) {
      if (event.subject.type !== 'task') return;
      // What it changes is caused by the completion: its events carry the completion's chain depth.
      await inTransaction(deps.db, (trx) => withChainDepth(event.depth, () => openUnblockedDependents(trx, automationActor(event.orgId), event.subject.id, deps.clock.now())));
    },
  };
}
