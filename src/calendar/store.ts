// Every query of calendar feeds (calendar_feeds).
import type { Selectable } from 'kysely';
import type { CalendarFeedsTable, Db } from '../platform/db/schema.ts';

export type FeedRow = Selectable<CalendarFeedsTable>;

export function findFeedOf(db: Db, orgId: string, userId: string) {
  return db.selectFrom('calendar_feeds').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
}

/** One unique-index lookup by the token's hash: the token itself is never compared. */
export function findFeedByHash(db: Db, tokenHash: string) {
  return db.selectFrom('calendar_feeds').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** A person's one feed: a new token replaces the old one, which stops working. */
export async function saveFeed(db: Db, row: FeedRow): Promise<void> {
  await db
    .insertInto('calendar_feeds')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: row.token_hash, created_at: row.created_at, org_id: row.org_id }))
    .execute();
}

export async function deleteFeed(db: Db, orgId: string, userId: string): Promise<void> {
  await db.deleteFrom('calendar_feeds').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}
