// What acts on events besides the automation rules: each feature that keeps
// its own data in step with events (tasks, plans) or delivers something
// (notifications, email, webhooks) adds its consumer here, and the automation
// worker — in the server or alone (`finishline worker`) — hands each the
// events it takes.
import type { Consumer } from './events.ts';
import { smtpMailer } from './notifications/mail.ts';
import { notificationConsumer } from './notifications/consumer.ts';
import { planConsumer } from './plans/consumer.ts';
import { weeklySummaryConsumer } from './reports/weeklySummary.ts';
import { taskConsumer } from './tasks/consumer.ts';
import { webhookConsumer } from './webhooks/consumer.ts';
import { type DeliveryPolicy, webhookPolicy } from './webhooks/webhook.ts';

export interface ConsumerOptions {
  /** Email (notifications, the morning digest and the weekly summary) goes out through this SMTP server; off when unset. */
  smtpUrl?: string;
  mailFrom?: string;
  /** Links in email point here (default http://localhost:3000). */
  publicUrl?: string;
  /** Webhook delivery: attempts, retry base delay, when to disable, request timeout (defaults in webhooks/webhook.ts). */
  webhooks?: Partial<DeliveryPolicy>;
}

/** In the order they run: a completed plan task moves its service on before its dependents open, as it always has. */
export function eventConsumers(options: ConsumerOptions): Consumer[] {
  const mail = options.smtpUrl ? { smtpUrl: options.smtpUrl, from: options.mailFrom ?? 'Finishline <finishline@localhost>', publicUrl: options.publicUrl ?? 'http://localhost:3000' } : undefined;
  // One SMTP connection for every email the worker sends.
  const mailer = mail ? smtpMailer(mail) : undefined;
  return [
    planConsumer(),
    taskConsumer(),
    // A webhook subscription may ask for any event, custom ones included.
    { ...webhookConsumer(webhookPolicy(options.webhooks)), events: 'all', runs: 'after rules' },
    // Notifications pick the task events they turn into notices themselves.
    { ...notificationConsumer({ mail, mailer }), events: 'all', runs: 'after rules' },
    // Takes no events: its tick sends each manager's summary on their Monday morning.
    weeklySummaryConsumer({ mail, mailer }),
  ];
}
