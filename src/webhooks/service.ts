// Use cases of outbound webhooks: subscriptions (admins), the delivery log,
// queueing deliveries for events and rule steps, and sending what is due —
// each attempt outside any transaction, its outcome recorded in one.
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid, NotFound, Stale } from '../platform/errors.ts';
import { newId, newSecret } from '../platform/ids.ts';
import { appendEvent, BatchMemo, type StoredEvent } from '../platform/outbox.ts';
import { checkVersion, decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import { recordAudit } from '../audit/service.ts';
import * as people from '../people/service.ts';
import { notifyIn } from '../notifications/service.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { addressRefusal, literalAddress, PrivateAddressRefused, publicOnlyLookup, urlRefusal } from './egress.ts';
import {
  type AttemptResult,
  type CreateWebhookInput,
  type DeliveriesQuery,
  type DeliveryPayload,
  type DeliveryPolicy,
  type DeliveryStatus,
  type DeliveryView,
  nextStep,
  outcomeOf,
  shouldDisable,
  TEST_EVENT,
  type UpdateWebhookInput,
  wantsEvent,
  type WebhookView,
} from './webhook.ts';
import * as store from './store.ts';

declare module '../platform/outbox.ts' {
  interface DomainEvents {
    'webhook.disabled': { url: string; reason: string };
  }
}

const requireAdmin = (actor: Actor) => people.requireRole(actor, 'admin');

function presentWebhook(row: store.WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as string[],
    active: row.active === 1,
    disabledAt: iso(row.disabled_at),
    disabledReason: row.disabled_reason,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
  };
}

function presentDelivery(row: store.DeliveryRow): DeliveryView {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    ruleId: row.rule_id,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    responseStatus: row.response_status,
    error: row.error,
    durationMs: row.duration_ms,
    createdAt: iso(row.created_at),
    lastAttemptAt: iso(row.last_attempt_at),
    deliveredAt: iso(row.delivered_at),
  };
}

async function loadWebhook(db: Db, orgId: string, id: string): Promise<store.WebhookRow> {
  const row = await store.findWebhook(db, orgId, id);
  if (!row) throw new NotFound('Webhook');
  return row;
}

// --- subscriptions ------------------------------------------------------------

export async function listWebhooks(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  requireAdmin(actor);
  const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : undefined;
  const rows = await store.listWebhooks(deps.db, actor.orgId, { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentWebhook), nextCursor };
}

export async function getWebhook(deps: Deps, actor: Actor, id: string) {
  requireAdmin(actor);
  return presentWebhook(await loadWebhook(deps.db, actor.orgId, id));
}

/** 400 naming `url` when it points at a non-public address and those are not allowed. */
function checkTarget(url: string, egress: Pick<DeliveryPolicy, 'allowPrivate'>): void {
  if (egress.allowPrivate) return;
  const refusal = urlRefusal(url);
  if (refusal !== null) throw Invalid.field('url', refusal);
}

/** Creates a subscription; its signing secret is in this answer and never again. */
export async function createWebhook(deps: Deps, actor: Actor, input: CreateWebhookInput, egress: Pick<DeliveryPolicy, 'allowPrivate'>) {
  requireAdmin(actor);
  checkTarget(input.url, egress);
  const now = deps.clock.now();
  const row: store.WebhookRow = {
    id: newId(),
    org_id: actor.orgId,
    url: input.url,
    description: input.description,
    events: JSON.stringify(input.events),
    secret: newSecret('whsec'),
    active: input.active ? 1 : 0,
    dead_in_a_row: 0,
    disabled_at: null,
    disabled_reason: null,
    created_by_id: actor.userId,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  await deps.db.transaction().execute(async (trx) => {
    await store.insertWebhook(trx, row);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'webhook.created', subject: { type: 'webhook', id: row.id }, data: { url: row.url, events: input.events } }, now);
  });
  return { ...presentWebhook(row), secret: row.secret };
}

export async function updateWebhook(deps: Deps, actor: Actor, id: string, input: UpdateWebhookInput, egress: Pick<DeliveryPolicy, 'allowPrivate'>, ifVersion?: number) {
  requireAdmin(actor);
  if (input.url !== undefined) checkTarget(input.url, egress);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await loadWebhook(trx, actor.orgId, id);
    checkVersion(row.version, ifVersion);
    const resumed = input.active === true && row.active === 0;
    const set: Partial<store.WebhookRow> = {
      ...(input.url !== undefined && { url: input.url }),
      ...(input.events !== undefined && { events: JSON.stringify(input.events) }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
      // Turned back on: past failures are forgotten, and so is why it was turned off.
      ...(resumed && { dead_in_a_row: 0, disabled_at: null, disabled_reason: null }),
      updated_at: now,
      version: row.version + 1,
    };
    if (!(await store.updateWebhook(trx, actor.orgId, id, row.version, set))) throw new Stale(row.version + 1);
    const fields = Object.keys(input).filter((k) => input[k as keyof UpdateWebhookInput] !== undefined);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'webhook.changed', subject: { type: 'webhook', id }, data: { url: set.url ?? row.url, fields } }, now);
    return presentWebhook({ ...row, ...set });
  });
}

/** Deletes a subscription and its delivery log; whatever was still queued is not sent. */
export async function deleteWebhook(deps: Deps, actor: Actor, id: string, ifVersion?: number): Promise<void> {
  requireAdmin(actor);
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadWebhook(trx, actor.orgId, id);
    checkVersion(row.version, ifVersion);
    await store.deleteWebhook(trx, actor.orgId, id);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'webhook.deleted', subject: { type: 'webhook', id }, data: { url: row.url } }, deps.clock.now());
  });
}

/** A new signing secret, in force at once (deliveries from now on are signed with it); shown in this answer only. */
export async function rotateSecret(deps: Deps, actor: Actor, id: string) {
  requireAdmin(actor);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await loadWebhook(trx, actor.orgId, id);
    const set = { secret: newSecret('whsec'), updated_at: now, version: row.version + 1 };
    if (!(await store.updateWebhook(trx, actor.orgId, id, row.version, set))) throw new Stale(row.version + 1);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'webhook.secret_rotated', subject: { type: 'webhook', id }, data: { url: row.url } }, now);
    return { ...presentWebhook({ ...row, ...set }), secret: set.secret };
  });
}

export async function listDeliveries(deps: Deps, actor: Actor, webhookId: string, query: DeliveriesQuery) {
  requireAdmin(actor);
  await loadWebhook(deps.db, actor.orgId, webhookId);
  const before = query.cursor ? String(decodeCursor(query.cursor, 1)[0]) : undefined;
  const rows = await store.listDeliveries(deps.db, actor.orgId, webhookId, { limit: query.limit + 1, before, status: query.status });
  const { items, nextCursor } = pageOf(rows, query.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentDelivery), nextCursor };
}

/** Whether a rule may name this webhook: it is this organisation's. */
export async function webhookExists(db: Db, orgId: string, id: string): Promise<boolean> {
  return (await store.findWebhook(db, orgId, id)) !== undefined;
}

// --- queueing -------------------------------------------------------------------

function payloadOf(event: StoredEvent): string {
  const payload: DeliveryPayload = { id: event.id, type: event.type, occurredAt: iso(event.occurredAt), subject: event.subject, data: event.data };
  return JSON.stringify(payload);
}

function pendingRow(event: StoredEvent, webhookId: string, dedupeKey: string, ruleId: string | null, now: number): store.DeliveryRow {
  return {
    id: newId(),
    org_id: event.orgId,
    webhook_id: webhookId,
    dedupe_key: dedupeKey,
    event_id: event.id,
    event_seq: event.seq,
    event_type: event.type,
    rule_id: ruleId,
    payload: payloadOf(event),
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
  for (const hook of hooks) if (await store.insertDelivery(deps.db, pendingRow(event, hook.id, event.id, null, now))) queued++;
  return queued;
}

export type RuleDeliveryOutcome = 'queued' | 'already_queued' | 'no_such_webhook' | 'webhook_off';

/** A rule step's delivery, inside the run's transaction; keyed on (event, rule, step) so a run repeated queues it once. */
export async function queueRuleDelivery(trx: Db, input: { event: StoredEvent; webhookId: string; ruleId: string; step: number; now: number }): Promise<RuleDeliveryOutcome> {
  const hook = await store.findWebhook(trx, input.event.orgId, input.webhookId);
  if (!hook) return 'no_such_webhook';
  if (hook.active !== 1) return 'webhook_off';
  const key = `${input.event.id}#rule:${input.ruleId}#${input.step}`;
  return (await store.insertDelivery(trx, pendingRow(input.event, hook.id, key, input.ruleId, input.now))) ? 'queued' : 'already_queued';
}

// --- sending --------------------------------------------------------------------

// Connections are kept for the next delivery to the same receiver; an idle one does not hold the process open.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * One POST to the receiver: signed, with a timeout, redirects not followed.
 * Unless private targets are allowed, a literal non-public address is refused
 * before connecting and a host name is resolved by publicOnlyLookup, which
 * refuses it when any of its addresses is not public. Never throws.
 */
async function post(target: { url: string; secret: string }, delivery: { id: string; eventType: string; payload: string }, now: number, policy: DeliveryPolicy): Promise<AttemptResult & { durationMs: number }> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const url = new URL(target.url);
    const literal = literalAddress(url);
    const refusal = policy.allowPrivate || literal === null ? null : addressRefusal(literal);
    if (literal !== null && refusal !== null) throw new PrivateAddressRefused(literal, literal, refusal);
    const status = await new Promise<number>((resolve, reject) => {
      const https = url.protocol === 'https:';
      const request = (https ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: https ? agents.https : agents.http,
        ...(!policy.allowPrivate && { lookup: publicOnlyLookup }),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(delivery.payload),
          'user-agent': 'Finishline-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(target.secret, delivery.payload, now),
          [EVENT_HEADER]: delivery.eventType,
          [DELIVERY_HEADER]: delivery.id,
        },
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      request.on('response', (response: IncomingMessage) => {
        // Only the status matters; the body is read and dropped (a 3xx is an answer like any other: never followed).
        response.on('error', () => {});
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end(delivery.payload);
    });
    return { ...outcomeOf(status), durationMs: durationMs() };
  } catch (error) {
    return { ok: false, status: null, error: networkError(error, policy.timeoutMs), durationMs: durationMs() };
  }
}

function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof PrivateAddressRefused) return error.message.slice(0, 500);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `No answer within ${timeoutMs} ms`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return `Could not reach the receiver (${code})`;
  return `Could not reach the receiver: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
}

/** Sends a webhook.test delivery now, once (no retries), and logs it; works on a paused subscription too. */
export async function sendTest(deps: Deps, actor: Actor, id: string, policy: DeliveryPolicy) {
  requireAdmin(actor);
  const hook = await loadWebhook(deps.db, actor.orgId, id);
  const now = deps.clock.now();
  const deliveryId = newId();
  const payload: DeliveryPayload = { id: newId(), type: TEST_EVENT, occurredAt: iso(now), subject: { type: 'webhook', id: hook.id }, data: { message: 'A test delivery from Finishline', url: hook.url } };
  const body = JSON.stringify(payload);
  const result = await post(hook, { id: deliveryId, eventType: TEST_EVENT, payload: body }, now, policy);
  const row: store.DeliveryRow = {
    ...pendingRow({ seq: 0, id: payload.id, orgId: actor.orgId, type: TEST_EVENT, subject: payload.subject, data: payload.data, actorId: actor.userId, occurredAt: now, depth: 0 }, hook.id, `test:${deliveryId}`, null, now),
    id: deliveryId,
    payload: body,
    status: result.ok ? 'succeeded' : 'failed',
    attempts: 1,
    response_status: result.status,
    error: result.ok ? null : result.error,
    duration_ms: result.durationMs,
    last_attempt_at: now,
    delivered_at: result.ok ? now : null,
  };
  await store.insertFinishedDelivery(deps.db, row);
  return presentDelivery(row);
}

const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Sends what is due: each round leases the head of every subscription's queue
 * (at most `limit`), sends them side by side and records each outcome, then
 * goes again — the next event of a subscription goes as soon as the one before
 * it is delivered — until nothing is due or the round budget is spent.
 * Returns how many attempts it made.
 */
export async function deliverDue(deps: Deps, policy: DeliveryPolicy, limit = 20, random?: () => number): Promise<number> {
  const started = performance.now();
  let attempts = 0;
  for (;;) {
    const sent = await deliverRound(deps, policy, limit, random);
    attempts += sent;
    if (sent === 0 || attempts >= 500 || performance.now() - started > 2000) return attempts;
  }
}

async function deliverRound(deps: Deps, policy: DeliveryPolicy, limit: number, random?: () => number): Promise<number> {
  const now = deps.clock.now();
  // The lease outlasts the attempt (timeout) with room to record it; a process that dies leaves it to expire.
  const until = now + policy.timeoutMs * 2 + 30_000;
  const claimed = await store.claimDueDeliveries(deps.db, { worker: workerId, now, until, limit, postgres: deps.dialect === 'postgres' });
  await Promise.all(
    claimed.map(async (delivery) => {
      const sentAt = deps.clock.now();
      const result = await post(delivery, { id: delivery.id, eventType: delivery.event_type, payload: delivery.payload }, sentAt, policy);
      await recordOutcome(deps, delivery, result, sentAt, policy, random);
    }),
  );
  return claimed.length;
}

async function recordOutcome(deps: Deps, delivery: store.ClaimedDelivery, result: AttemptResult & { durationMs: number }, sentAt: number, policy: DeliveryPolicy, random?: () => number): Promise<void> {
  const attempts = delivery.attempts + 1;
  const now = deps.clock.now();
  const step = nextStep(result, attempts, now, policy, random);
  await deps.db.transaction().execute(async (trx) => {
    const recorded = await store.recordAttempt(trx, delivery.id, workerId, {
      status: step.status,
      attempts,
      ...(step.status === 'pending' && { next_attempt_at: step.retryAt }),
      response_status: result.status,
      error: result.ok ? null : result.error,
      duration_ms: result.durationMs,
      last_attempt_at: sentAt,
      ...(step.status === 'succeeded' && { delivered_at: now }),
    });
    if (!recorded) return;
    if (step.status === 'succeeded') await store.resetDeadInARow(trx, delivery.webhook_id);
    if (step.status === 'dead') {
      const deadInARow = await store.addDead(trx, delivery.webhook_id);
      if (shouldDisable(deadInARow, policy)) await disableFailing({ ...deps, db: trx }, delivery, deadInARow, result.ok ? '' : result.error, now);
    }
  });
}

/** Turns off a subscription whose receiver keeps failing, says why, and tells the organisation's admins. */
async function disableFailing(deps: Deps, delivery: store.ClaimedDelivery, deadInARow: number, lastError: string, now: number): Promise<void> {
  const trx = deps.db;
  const hook = await store.findWebhookById(trx, delivery.webhook_id);
  if (!hook || hook.active !== 1) return;
  const reason = `${deadInARow} deliveries in a row failed every attempt (last: ${lastError})`.slice(0, 1000);
  const set = { active: 0, disabled_at: now, disabled_reason: reason, updated_at: now, version: hook.version + 1 };
  if (!(await store.updateWebhook(trx, hook.org_id, hook.id, hook.version, set))) return;
  await recordAudit(trx, { orgId: hook.org_id, actorId: null, action: 'webhook.disabled', subject: { type: 'webhook', id: hook.id }, data: { url: hook.url, reason } }, now);
  const eventId = await appendEvent(trx, { orgId: hook.org_id, type: 'webhook.disabled', subject: { type: 'webhook', id: hook.id }, data: { url: hook.url, reason }, actorId: null, occurredAt: now });
  const message = `Webhook to ${hook.url} was turned off: ${reason}. Fix the receiver, then turn it back on in Settings → Webhooks.`;
  for (const userId of await adminIds(deps, hook.org_id)) {
    await notifyIn(trx, { orgId: hook.org_id, userId, kind: 'rule', sourceKey: eventId, task: null, actorId: null, message }, now);
  }
}

async function adminIds(deps: Deps, orgId: string): Promise<string[]> {
  const system: Actor = { userId: 'webhooks', orgId, role: 'owner' };
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await people.listUsers(deps, system, { limit: 200, cursor });
    ids.push(...page.items.filter((u) => u.active && (u.role === 'owner' || u.role === 'admin')).map((u) => u.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}
