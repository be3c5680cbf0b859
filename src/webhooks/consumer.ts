// The webhooks' part of the automation worker: every event queues a delivery
// for each subscription that wants it; every round sends what has come due.
import type { EventConsumer } from '../platform/outbox.ts';
import { DEFAULT_POLICY, type DeliveryPolicy } from './webhook.ts';
import { deliverDue, queueEventDeliveries } from './service.ts';

export function webhookConsumer(policy: DeliveryPolicy = DEFAULT_POLICY): EventConsumer {
  return {
    name: 'webhooks',
    async handle(deps, event, memo) {
      await queueEventDeliveries(deps, event, memo);
    },
    tick: (deps) => deliverDue(deps, policy),
  };
}
