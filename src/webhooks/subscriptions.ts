// Webhook subscriptions (admins): what is sent where, their signing secret, and their delivery log.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid, NotFound, Stale } from '../platform/errors.ts';
import { newId, newSecret } from '../platform/ids.ts';
import { checkVersion, decodeCursor, encodeCursor, pageOf } from '../platform/pagination.ts';
import { recordAudit } from '../audit/service.ts';
import * as people from '../people/service.ts';
import { urlRefusal } from './egress.ts';
import { presentDelivery, presentWebhook } from './present.ts';
import type { CreateWebhookInput, DeliveriesQuery, DeliveryPolicy, UpdateWebhookInput } from './webhook.ts';
import * as store from './store.ts';

export const requireAdmin = (actor: Actor) => people.requireRole(actor, 'admin');

/** Where subscriptions may point: private addresses only when they are allowed. */
export type Egress = Pick<DeliveryPolicy, 'allowPrivate'>;

export async function loadWebhook(db: Db, orgId: string, id: string): Promise<store.WebhookRow> {
  const row = await store.findWebhook(db, orgId, id);
  if (!row) throw new NotFound('Webhook');
  return row;
}

export async function listWebhooks(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  requireAdmin(actor);
  const after = page.cursor ? String(decodeCursor(page.cursor, ['text'])[0]) : undefined;
  const rows = await store.listWebhooks(deps.db, actor.orgId, { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentWebhook), nextCursor };
}

export async function getWebhook(deps: Deps, actor: Actor, id: string) {
  requireAdmin(actor);
  return presentWebhook(await loadWebhook(deps.db, actor.orgId, id));
}

/** 400 naming `url` when it points at a non-public address and those are not allowed. */
function checkTarget(url: string, egress: Egress): void {
  if (egress.allowPrivate) return;
  const refusal = urlRefusal(url);
  if (refusal !== null) throw Invalid.field('url', refusal);
}

export interface NewWebhook {
  webhook: CreateWebhookInput;
  egress: Egress;
}

/** Creates a subscription; its signing secret is in this answer and never again. */
export async function createWebhook(deps: Deps, actor: Actor, { webhook: input, egress }: NewWebhook) {
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

export interface WebhookChange {
  id: string;
  changes: UpdateWebhookInput;
  /** The version the caller last saw (If-Match); a newer one answers 412. */
  ifVersion?: number;
  egress: Egress;
}

export async function updateWebhook(deps: Deps, actor: Actor, { id, changes: input, ifVersion, egress }: WebhookChange) {
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
export async function deleteWebhook(deps: Deps, actor: Actor, { id, ifVersion }: { id: string; ifVersion?: number }): Promise<void> {
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

export async function listDeliveries(deps: Deps, actor: Actor, query: DeliveriesQuery & { webhookId: string }) {
  requireAdmin(actor);
  const { webhookId } = query;
  await loadWebhook(deps.db, actor.orgId, webhookId);
  const before = query.cursor ? String(decodeCursor(query.cursor, ['text'])[0]) : undefined;
  const rows = await store.listDeliveries(deps.db, actor.orgId, webhookId, { limit: query.limit + 1, before, status: query.status });
  const { items, nextCursor } = pageOf(rows, query.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentDelivery), nextCursor };
}

/** Whether a rule may name this webhook: it is this organisation's. */
export async function webhookExists(db: Db, orgId: string, id: string): Promise<boolean> {
  return (await store.findWebhook(db, orgId, id)) !== undefined;
}
