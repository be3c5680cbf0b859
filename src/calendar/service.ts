// Use cases of calendar feeds: create or rotate, revoke, say whether one exists,
// and serve the feed to whoever holds its address.
import type { Actor, Deps } from '../platform/context.ts';
import { NotFound } from '../platform/errors.ts';
import { iso } from '../platform/pagination.ts';
import * as people from '../people/service.ts';
import * as tasks from '../tasks/service.ts';
import { calendarOf, feedUrl, hashFeedToken, newFeedToken, tokenOfFile } from './feed.ts';
import * as store from './store.ts';

/** The most tasks one feed lists, soonest due first. */
const FEED_LIMIT = 500;

export async function feedStatus(deps: Deps, actor: Actor) {
  const row = await store.findFeedOf(deps.db, actor.orgId, actor.userId);
  return { exists: row !== undefined, createdAt: row ? iso(row.created_at) : null };
}

/** Makes the caller's feed address, or a new one in place of the old (which stops working). The address is shown once. */
export async function createFeed(deps: Deps, actor: Actor, baseUrl: string) {
  const token = newFeedToken();
  const now = deps.clock.now();
  await store.saveFeed(deps.db, { user_id: actor.userId, org_id: actor.orgId, token_hash: hashFeedToken(token), created_at: now });
  return { url: feedUrl(baseUrl, token), createdAt: iso(now) };
}

export async function revokeFeed(deps: Deps, actor: Actor): Promise<void> {
  await store.deleteFeed(deps.db, actor.orgId, actor.userId);
}

/** The iCal document behind a feed address; an unknown, rotated or revoked one (or a person no longer active) is not found. */
export async function feedDocument(deps: Deps, file: string, webUrl: string): Promise<string> {
  const token = tokenOfFile(file);
  const row = token ? await store.findFeedByHash(deps.db, hashFeedToken(token)) : undefined;
  if (!row) throw new NotFound('Calendar feed');
  const owner: Actor = { orgId: row.org_id, userId: row.user_id, role: 'member' };
  const { user, org } = await people.me(deps, owner);
  if (!user.active) throw new NotFound('Calendar feed');
  const due = await tasks.dueTasksOf(deps, row.org_id, row.user_id, FEED_LIMIT);
  const feedTasks = due.map((t) => ({ id: t.id, key: t.key, title: t.title, description: t.description, priority: t.priority, dueAt: t.dueAt!, links: t.links }));
  return calendarOf({ name: user.name, orgName: org.name, timezone: org.timezone }, feedTasks, { webUrl, now: deps.clock.now() });
}
