// The outbound webhook: what a subscription takes (URL, event types), what a
// delivery carries, and the pure decisions of delivering — which events a
// subscription wants, how long to wait before the next attempt, when to give up.
import { z } from 'zod';
import { externalRefView, type LinkSummary, linkSummary } from '../records/records.ts';
import { eventType } from '../events.ts';
import { ALLOW_PRIVATE_SETTING } from './egress.ts';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Sent only by "Send test", never to a subscription's event list. */
export const TEST_EVENT = 'webhook.test';

export const ALL_EVENTS = '*';

export interface DeliveryPolicy {
  /** Attempts before a delivery is dead (8: the first, then seven retries). */
  maxAttempts: number;
  /** The first retry waits this long; each one after waits twice as long as the one before, plus up to 20%. */
  retryBaseMs: number;
  /** Dead deliveries in a row (no success between) that disable the subscription. */
  disableAfterDead: number;
  /** How long a receiver has to answer one attempt. */
  timeoutMs: number;
  /** Whether subscriptions may point at loopback, private and other non-public addresses (on-premises receivers); off by default. */
  allowPrivate: boolean;
}

export const DEFAULT_POLICY: DeliveryPolicy = { maxAttempts: 8, retryBaseMs: 60_000, disableAfterDead: 3, timeoutMs: 10_000, allowPrivate: false };

export function webhookPolicy(overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  return { ...DEFAULT_POLICY, ...overrides };
}

/** FINISHLINE_WEBHOOK_ATTEMPTS, FINISHLINE_WEBHOOK_RETRY_BASE_MS, FINISHLINE_WEBHOOK_TIMEOUT_MS, FINISHLINE_WEBHOOK_ALLOW_PRIVATE: what is set overrides the default. */
export function webhookPolicyFromEnv(env: NodeJS.ProcessEnv): Partial<DeliveryPolicy> {
  const policy: Partial<DeliveryPolicy> = {};
  const read = (name: string, key: 'maxAttempts' | 'retryBaseMs' | 'timeoutMs', min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
    policy[key] = value;
  };
  read('FINISHLINE_WEBHOOK_ATTEMPTS', 'maxAttempts', 1);
  read('FINISHLINE_WEBHOOK_RETRY_BASE_MS', 'retryBaseMs', 0);
  read('FINISHLINE_WEBHOOK_TIMEOUT_MS', 'timeoutMs', 100);
  const allowPrivate = env[ALLOW_PRIVATE_SETTING];
  if (allowPrivate !== undefined && allowPrivate !== '') {
    if (!['1', '0', 'true', 'false'].includes(allowPrivate)) throw new Error(`${ALLOW_PRIVATE_SETTING} must be 1 or 0, got "${allowPrivate}"`);
    policy.allowPrivate = allowPrivate === '1' || allowPrivate === 'true';
  }
  return policy;
}

const MAX_RETRY_DELAY_MS = 24 * 3600_000;

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without a user name or password, e.g. https://example.com/hooks/finishline');

const subscribedEvents = z
  .array(z.union([z.literal(ALL_EVENTS), eventType]))
  .min(1, 'must name at least one event type, or "*" for all')
  .max(100)
  .refine((list) => !list.includes(ALL_EVENTS) || list.length === 1, '"*" already means every event: give it alone');

export const createWebhookBody = z.strictObject({
  url: webhookUrl,
  events: subscribedEvents,
  description: z.string().trim().max(500).default(''),
  active: z.boolean().default(true),
});
export type CreateWebhookInput = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z.strictObject({
  url: webhookUrl.optional(),
  events: subscribedEvents.optional(),
  description: z.string().trim().max(500).optional(),
  active: z.boolean().optional().describe('false pauses deliveries; true resumes them and forgets past failures'),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookBody>;

export const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;

export const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type WebhookView = z.infer<typeof webhookView>;

export const webhookWithSecretView = webhookView.extend({
  secret: z.string().describe('signs every delivery; shown only now — keep it in the receiver'),
});

export const deliveryView = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  ruleId: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  responseStatus: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof deliveryView>;

/** The JSON body a receiver gets: the event as it was when it happened. */
export interface DeliveryPayload {
  id: string;
  type: string;
  occurredAt: string;
  /** For a CRM record, its references in other systems, so the receiver can match it to its own. */
  subject: { type: string; id: string; externalRefs?: { source: string; id: string; url?: string }[] };
  data: Record<string, unknown>;
  /** For a task, the records it links to, each with its name and references in other systems. */
  links?: LinkSummary[];
}

/** The delivery body as a schema, for the OpenAPI document's `webhooks`. */
export const deliveryPayloadSchema = z.object({
  id: z.string().describe("the event's id: a receiver ignores one it has seen"),
  type: z.string().describe('the event type, e.g. task.completed'),
  occurredAt: z.string(),
  subject: z.object({
    type: z.string(),
    id: z.string(),
    externalRefs: z.array(externalRefView).optional().describe('for a CRM record (contact, client, lead, job, service): its ids in other systems, so the receiver can match it to its own'),
  }),
  data: z.record(z.string(), z.unknown()),
  links: z.array(linkSummary).optional().describe("for a task's event: the records it links to, each with its name and externalRefs"),
});

/** OpenAPI 3.1 `webhooks`: the POST every subscription receives. */
export function openapiWebhooks(): Record<string, unknown> {
  const headers = {
    'Finishline-Signature': { description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>", keyed with the secret>', schema: { type: 'string' } },
    'Finishline-Event': { description: 'the event type', schema: { type: 'string' } },
    'Finishline-Delivery': { description: "the delivery's id, as in the delivery log", schema: { type: 'string' } },
  };
  return {
    event: {
      post: {
        summary: 'An event a subscription asked for, POSTed as JSON to its URL, signed; a 2xx answer within 10 seconds delivers it, anything else is retried',
        parameters: Object.entries(headers).map(([name, header]) => ({ name, in: 'header', required: true, ...header })),
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(deliveryPayloadSchema, { io: 'output', unrepresentable: 'any' }) } } },
        responses: { '200': { description: 'any 2xx: delivered' } },
      },
    },
  };
}

export function wantsEvent(events: readonly string[], type: string): boolean {
  if (type === TEST_EVENT) return false;
  return events.includes(ALL_EVENTS) || events.includes(type);
}

/** The wait before attempt `attempt + 1` after `attempt` failed ones: base × 2^(attempt−1), plus up to 20% so receivers coming back up are not hit all at once. */
export function retryDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const plain = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(plain * (1 + 0.2 * random()));
}

export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** A 2xx answer is delivered; anything else (another status, a timeout, no connection) is a failed attempt. */
export function outcomeOf(status: number): AttemptResult {
  if (status >= 200 && status < 300) return { ok: true, status };
  return { ok: false, status, error: `The receiver answered ${status}` };
}

export type NextStep = { status: 'succeeded' } | { status: 'pending'; retryAt: number } | { status: 'dead' };

/** After an attempt: delivered, try again later, or give up. */
export function nextStep(result: AttemptResult, attempts: number, now: number, policy: DeliveryPolicy, random?: () => number): NextStep {
  if (result.ok) return { status: 'succeeded' };
  if (attempts >= policy.maxAttempts) return { status: 'dead' };
  return { status: 'pending', retryAt: now + retryDelay(attempts, policy.retryBaseMs, random) };
}

export function shouldDisable(deadInARow: number, policy: DeliveryPolicy): boolean {
  return deadInARow >= policy.disableAfterDead;
}
