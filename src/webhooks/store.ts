// Every query of webhooks: subscriptions, and deliveries — the log and the queue.
import type { Insertable, Selectable } from 'kysely';
import { claimRows } from '../platform/db/dialect.ts';
import type { Db, WebhookDeliveriesTable, WebhooksTable } from '../platform/db/schema.ts';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export async function insertWebhook(db: Db, row: WebhookRow): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export function findWebhook(db: Db, orgId: string, id: string) {
  return db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function listWebhooks(db: Db, orgId: string, page: { limit: number; after?: string }) {
  let query = db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId);
  if (page.after) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
}

export function activeWebhooks(db: Db, orgId: string) {
  return db.selectFrom('webhooks').select(['id', 'events']).where('org_id', '=', orgId).where('active', '=', 1).execute();
}

/** Changes a subscription at the version read; false when someone changed it first. */
export async function updateWebhook(db: Db, orgId: string, id: string, version: number, set: Partial<WebhookRow>): Promise<boolean> {
  const result = await db.updateTable('webhooks').set(set).where('org_id', '=', orgId).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteWebhook(db: Db, orgId: string, id: string): Promise<void> {
  await db.deleteFrom('webhook_deliveries').where('org_id', '=', orgId).where('webhook_id', '=', id).execute();
  await db.deleteFrom('webhooks').where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Queues a delivery unless this (webhook, key) has one already; true when it was queued now. */
export async function insertDelivery(db: Db, row: Insertable<WebhookDeliveriesTable>): Promise<boolean> {
  const result = await db
    .insertInto('webhook_deliveries')
    .values(row)
    .onConflict((oc) => oc.columns(['webhook_id', 'dedupe_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function findDelivery(db: Db, orgId: string, id: string) {
  return db.selectFrom('webhook_deliveries').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** A subscription's log, newest first, paged by id (ULIDs sort by time). */
export function listDeliveries(db: Db, orgId: string, webhookId: string, page: { limit: number; before?: string; status?: string }) {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('org_id', '=', orgId).where('webhook_id', '=', webhookId);
  if (page.before) query = query.where('id', '<', page.before);
  if (page.status) query = query.where('status', '=', page.status);
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}

export type ClaimedDelivery = DeliveryRow & { url: string; secret: string };

/**
 * Leases up to `limit` deliveries that are due, each the head of its active
 * subscription's queue (no earlier delivery of that subscription is still
 * pending), so a later event waits while an earlier one is being retried.
 * On PostgreSQL, rows another process is leasing at this moment are skipped.
 */
export async function claimDueDeliveries(db: Db, options: { worker: string; now: number; until: number; limit: number }): Promise<ClaimedDelivery[]> {
  const { worker, now, until, limit } = options;
  return db.transaction().execute(async (trx) => {
    const ids = await claimRows(
      trx,
      (t) =>
        t
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
          .select('d.id as key')
          .where('d.status', '=', 'pending')
          .where('d.next_attempt_at', '<=', now)
          .where('w.active', '=', 1)
          .where((eb) => eb.or([eb('d.leased_until', 'is', null), eb('d.leased_until', '<', now)]))
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('webhook_deliveries as e')
                  .select('e.id')
                  .whereRef('e.webhook_id', '=', 'd.webhook_id')
                  .where('e.status', '=', 'pending')
                  .where((eb) => eb.or([eb('e.event_seq', '<', eb.ref('d.event_seq')), eb.and([eb('e.event_seq', '=', eb.ref('d.event_seq')), eb('e.id', '<', eb.ref('d.id'))])])),
              ),
            ),
          )
          .orderBy('d.next_attempt_at')
          .limit(limit),
      (t, keys) => t.updateTable('webhook_deliveries').set({ leased_by: worker, leased_until: until }).where('id', 'in', keys).execute(),
      { of: 'd' },
    );
    if (ids.length === 0) return [];
    return trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .selectAll('d')
      .select(['w.url', 'w.secret'])
      .where('d.id', 'in', ids)
      .orderBy('d.event_seq')
      .execute();
  });
}

/** Records an attempt on a delivery this worker holds; false when its lease was lost (another process took it over). */
export async function recordAttempt(db: Db, id: string, worker: string, set: Partial<DeliveryRow>): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ ...set, leased_by: null, leased_until: null })
    .where('id', '=', id)
    .where('leased_by', '=', worker)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertFinishedDelivery(db: Db, row: DeliveryRow): Promise<void> {
  await db.insertInto('webhook_deliveries').values(row).execute();
}

export async function resetDeadInARow(db: Db, webhookId: string): Promise<void> {
  await db.updateTable('webhooks').set({ dead_in_a_row: 0 }).where('id', '=', webhookId).where('dead_in_a_row', '>', 0).execute();
}

/** One more delivery given up on; the new count. */
export async function addDead(db: Db, webhookId: string): Promise<number> {
  await db.updateTable('webhooks').set((eb) => ({ dead_in_a_row: eb('dead_in_a_row', '+', 1) })).where('id', '=', webhookId).execute();
  const row = await db.selectFrom('webhooks').select('dead_in_a_row').where('id', '=', webhookId).executeTakeFirst();
  return row?.dead_in_a_row ?? 0;
}

export function findWebhookById(db: Db, id: string) {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}
