// Outbound webhooks as the rest of the server calls them: the worker's consumer queues and sends deliveries,
// automation rules queue their own and check the webhook they name. Each job has its own file —
// subscriptions, queue, delivery — and this file only names what leaves the feature.
export { deliverDue } from './delivery.ts';
export { queueEventDeliveries, queueRuleDelivery, type RuleDeliveryOutcome } from './queue.ts';
export { webhookExists } from './subscriptions.ts';
