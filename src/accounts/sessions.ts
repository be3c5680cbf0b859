// Sessions you can see: your sessions and API tokens, where each came from and
// when it was last used; end any of them, or every session but this one.
import type { Actor, Deps } from '../platform/context.ts';
import { NotFound } from '../platform/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { credentials as people } from '../people/service.ts';

export interface SignedInActor extends Actor {
  tokenId: string;
}

export async function listMySessions(deps: Deps, actor: SignedInActor) {
  const items = await people.signInsOf(deps.db, actor.orgId, actor.userId, deps.clock.now());
  return { items: items.map((s) => ({ ...s, current: s.id === actor.tokenId })), nextCursor: null };
}

/** Ends one of your sessions or API tokens; another person's (or organisation's) is 404. */
export async function endMySession(deps: Deps, actor: SignedInActor, tokenId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await people.endSignIn(trx, actor.orgId, actor.userId, tokenId, now))) throw new NotFound('Session');
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'session.ended', subject: { type: 'session', id: tokenId } }, now);
  });
}

/** Signs you out everywhere else: every session but this one ends; API tokens stay. */
export async function endOtherSessions(deps: Deps, actor: SignedInActor): Promise<number> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const ended = await people.endOtherSessions(trx, actor.orgId, actor.userId, now, actor.tokenId);
    const entry = { orgId: actor.orgId, actorId: actor.userId, action: 'session.ended_everywhere' as const, subject: { type: 'user', id: actor.userId }, data: { ended, keptCurrent: true } };
    await recordAudit(trx, entry, now);
    return ended;
  });
}
