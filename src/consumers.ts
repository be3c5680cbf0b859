// What acts on events besides the automation rules: each feature that delivers
// something (notifications, email, webhooks) adds its consumer here, and the
// automation worker — in the server or alone (`finishline worker`) — runs them.
import type { EventConsumer } from './platform/outbox.ts';
import { notificationConsumer } from './notifications/consumer.ts';
import { webhookConsumer } from './webhooks/consumer.ts';
import { type DeliveryPolicy, webhookPolicy } from './webhooks/webhook.ts';

export interface ConsumerOptions {
  /** Email (notifications and the morning digest) goes out through this SMTP server; off when unset. */
  smtpUrl?: string;
  mailFrom?: string;
  /** Links in email point here (default http://localhost:3000). */
  publicUrl?: string;
  /** Webhook delivery: attempts, retry base delay, when to disable, request timeout (defaults in webhooks/webhook.ts). */
  webhooks?: Partial<DeliveryPolicy>;
}

export function eventConsumers(options: ConsumerOptions): EventConsumer[] {
  const mail = options.smtpUrl ? { smtpUrl: options.smtpUrl, from: options.mailFrom ?? 'Finishline <finishline@localhost>', publicUrl: options.publicUrl ?? 'http://localhost:3000' } : undefined;
  return [webhookConsumer(webhookPolicy(options.webhooks)), notificationConsumer({ mail })];
}
