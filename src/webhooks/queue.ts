// Queueing deliveries: one per subscription that wants an event, and one per rule step that names a webhook.
import type { Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { BatchMemo, type StoredEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import { type DeliveryPayload, TEST_EVENT, wantsEvent } from './webhook.ts';
import { isLinkable } from '../records/external.ts';
import * as records from '../records/service.ts';
import * as tasks from '../tasks/service.ts';
import * as store from './store.ts';

/**
 * The body a receiver gets: the event, and what lets another system match it
 * to its own records — a record subject's external references, a task
 * subject's linked records with theirs (read when the delivery is queued).
 */
async function payloadOf(db: Db, event: StoredEvent): Promise<string> {
  const payload: DeliveryPayload = { id: event.id, type: event.type, occurredAt: iso(event.occurredAt), subject: event.subject, data: event.data };
  if (event.subject.type === 'task') {
    const links = await tasks.taskLinks(db, event.orgId, event.subject.id);
    if (links) payload.links = links;
  } else if (isLinkable(event.subject.type)) {
    const record = await records.findRecordView(db, event.orgId, event.subject.type, event.subject.id);
    payload.subject = { ...event.subject, externalRefs: record?.externalRefs ?? [] };
  }
  return JSON.stringify(payload);
}

export interface PendingDelivery {
  event: StoredEvent;
  webhookId: string;
  /** What makes it one delivery however often it is queued: the event, or the event and rule step. */
  dedupeKey: string;
  ruleId: string | null;
  now: number;
  /** The body to send (payloadOf); the bare event when not given. */
  payload?: string;
}

/** A delivery waiting for its first attempt. */
export function pendingRow({ event, webhookId, dedupeKey, ruleId, now, payload }: PendingDelivery): store.DeliveryRow {
  return {
    id: newId(),
    org_id: event.orgId,
    webhook_id: webhookId,
    dedupe_key: dedupeKey,
    event_id: event.id,
    event_seq: event.seq,
    event_type: event.type,
    rule_id: ruleId,
    payload: payload ?? JSON.stringify({ id: event.id, type: event.type, occurredAt: iso(event.occurredAt), subject: event.subject, data: event.data } satisfies DeliveryPayload),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    leased_by: null,
    leased_until: null,
    response_status: null,
    error: null,
    duration_ms: null,
    created_at: now,
    last_attempt_at: null,
    delivered_at: null,
  };
}

/** One delivery per active subscription that wants this event; an event handed out again queues nothing new. */
export async function queueEventDeliveries(deps: Deps, event: StoredEvent, memo = new BatchMemo()): Promise<number> {
  if (event.type === TEST_EVENT) return 0;
  // The organisation's subscriptions, read and parsed once per worker batch.
  const subscribed = await memo.get(`webhooks:${event.orgId}`, async () =>
    (await store.activeWebhooks(deps.db, event.orgId)).map((h) => ({ id: h.id, events: JSON.parse(h.events) as string[] })),
  );
  const hooks = subscribed.filter((h) => wantsEvent(h.events, event.type));
  const now = deps.clock.now();
  let queued = 0;
  const payload = hooks.length > 0 ? await payloadOf(deps.db, event) : undefined;
  for (const hook of hooks) if (await store.insertDelivery(deps.db, pendingRow({ event, webhookId: hook.id, dedupeKey: event.id, ruleId: null, now, payload }))) queued++;
  return queued;
}

export type RuleDeliveryOutcome = 'queued' | 'already_queued' | 'no_such_webhook' | 'webhook_off';

/** A rule step's delivery, inside the run's transaction; keyed on (event, rule, step) so a run repeated queues it once. */
export async function queueRuleDelivery(trx: Db, input: { event: StoredEvent; webhookId: string; ruleId: string; step: number; now: number }): Promise<RuleDeliveryOutcome> {
  const hook = await store.findWebhook(trx, input.event.orgId, input.webhookId);
  if (!hook) return 'no_such_webhook';
  if (hook.active !== 1) return 'webhook_off';
  const key = `${input.event.id}#rule:${input.ruleId}#${input.step}`;
  const row = pendingRow({ event: input.event, webhookId: hook.id, dedupeKey: key, ruleId: input.ruleId, now: input.now, payload: await payloadOf(trx, input.event) });
  return (await store.insertDelivery(trx, row)) ? 'queued' : 'already_queued';
}
