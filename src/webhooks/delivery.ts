// Sending deliveries: one signed POST per attempt, made outside any transaction and its outcome recorded in one;
// retries with growing waits, and a receiver that keeps failing has its subscription turned off.
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { Actor, Deps } from '../platform/context.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import { recordAudit } from '../audit/service.ts';
import * as people from '../people/service.ts';
import { notifyIn } from '../notifications/service.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { addressRefusal, literalAddress, PrivateAddressRefused, publicOnlyLookup } from './egress.ts';
import { presentDelivery } from './present.ts';
import { pendingRow } from './queue.ts';
import { loadWebhook, requireAdmin } from './subscriptions.ts';
import { type AttemptResult, type DeliveryPayload, type DeliveryPolicy, nextStep, shouldDisable, TEST_EVENT, outcomeOf } from './webhook.ts';
import * as store from './store.ts';

declare module '../platform/outbox.ts' {
  interface DomainEvents {
    'webhook.disabled': { url: string; reason: string };
  }
}

// Connections are kept for the next delivery to the same receiver; an idle one does not hold the process open.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** One attempt: where it goes, signed with which secret, and what it carries. */
interface Attempt {
  target: { url: string; secret: string };
  delivery: { id: string; eventType: string; payload: string };
  sentAt: number;
}

type AttemptOutcome = AttemptResult & { durationMs: number };

/**
 * One POST to the receiver: signed, with a timeout, redirects not followed.
 * Unless private targets are allowed, a literal non-public address is refused
 * before connecting and a host name is resolved by publicOnlyLookup, which
 * refuses it when any of its addresses is not public. Never throws.
 */
async function post({ target, delivery, sentAt }: Attempt, policy: DeliveryPolicy): Promise<AttemptOutcome> {
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
          [SIGNATURE_HEADER]: signatureHeader(target.secret, delivery.payload, sentAt),
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
export async function sendTest(deps: Deps, actor: Actor, { webhookId, policy }: { webhookId: string; policy: DeliveryPolicy }) {
  requireAdmin(actor);
  const hook = await loadWebhook(deps.db, actor.orgId, webhookId);
  const now = deps.clock.now();
  const deliveryId = newId();
  const payload: DeliveryPayload = { id: newId(), type: TEST_EVENT, occurredAt: iso(now), subject: { type: 'webhook', id: hook.id }, data: { message: 'A test delivery from Finishline', url: hook.url } };
  const body = JSON.stringify(payload);
  const result = await post({ target: hook, delivery: { id: deliveryId, eventType: TEST_EVENT, payload: body }, sentAt: now }, policy);
  const event = { seq: 0, id: payload.id, orgId: actor.orgId, type: TEST_EVENT, subject: payload.subject, data: payload.data, actorId: actor.userId, occurredAt: now, depth: 0, links: [] };
  const row: store.DeliveryRow = {
    ...pendingRow({ event, webhookId: hook.id, dedupeKey: `test:${deliveryId}`, ruleId: null, now }),
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

/** How deliveries are sent: the policy (timeout, retries, when to turn off), and the randomness of retry waits (tests fix it). */
interface Sending {
  policy: DeliveryPolicy;
  random?: () => number;
}

/**
 * Sends what is due: each round leases the head of every subscription's queue
 * (at most `limit`), sends them side by side and records each outcome, then
 * goes again — the next event of a subscription goes as soon as the one before
 * it is delivered — until nothing is due or the round budget is spent.
 * Returns how many attempts it made.
 */
export async function deliverDue(deps: Deps, policy: DeliveryPolicy, options: { limit?: number; random?: () => number } = {}): Promise<number> {
  const sending: Sending = { policy, random: options.random };
  const limit = options.limit ?? 20;
  const started = performance.now();
  let attempts = 0;
  for (;;) {
    const sent = await deliverRound(deps, sending, limit);
    attempts += sent;
    if (sent === 0 || attempts >= 500 || performance.now() - started > 2000) return attempts;
  }
}

async function deliverRound(deps: Deps, sending: Sending, limit: number): Promise<number> {
  const now = deps.clock.now();
  // The lease outlasts the attempt (timeout) with room to record it; a process that dies leaves it to expire.
  const until = now + sending.policy.timeoutMs * 2 + 30_000;
  const claimed = await store.claimDueDeliveries(deps.db, { worker: workerId, now, until, limit });
  await Promise.all(
    claimed.map(async (delivery) => {
      const sentAt = deps.clock.now();
      const result = await post({ target: delivery, delivery: { id: delivery.id, eventType: delivery.event_type, payload: delivery.payload }, sentAt }, sending.policy);
      await recordOutcome(deps, { delivery, result, sentAt }, sending);
    }),
  );
  return claimed.length;
}

async function recordOutcome(deps: Deps, attempt: { delivery: store.ClaimedDelivery; result: AttemptOutcome; sentAt: number }, { policy, random }: Sending): Promise<void> {
  const { delivery, result, sentAt } = attempt;
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
      if (shouldDisable(deadInARow, policy)) await disableFailing({ ...deps, db: trx }, { delivery, deadInARow, lastError: result.ok ? '' : result.error, now });
    }
  });
}

/** Turns off a subscription whose receiver keeps failing, says why, and tells the organisation's admins. */
async function disableFailing(deps: Deps, failing: { delivery: store.ClaimedDelivery; deadInARow: number; lastError: string; now: number }): Promise<void> {
  const { delivery, deadInARow, lastError, now } = failing;
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
