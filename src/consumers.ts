// What acts on events besides the automation rules: each feature that delivers
// something (notifications, email, webhooks) adds its consumer here, and the
// automation worker — in the server or alone (`finishline worker`) — runs them.
import type { EventConsumer } from './platform/outbox.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConsumerOptions {}

export function eventConsumers(_options: ConsumerOptions): EventConsumer[] {
  return [];
}
