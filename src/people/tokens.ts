// Tokens: issuing the secret behind a session or an API token, and the API tokens admins give integrations.
import type { Actor, Deps, Role } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { newId, newSecret, sha256 } from '../platform/ids.ts';
import { recordAudit } from '../audit/service.ts';
import { requireRole, type TokenInput } from './person.ts';
import { presentToken } from './present.ts';
import * as store from './store.ts';

export interface TokenToIssue {
  orgId: string;
  userId: string;
  kind: 'session' | 'api';
  name: string;
  now: number;
  /** How long it lives; null: until revoked (an API token made without an expiry). */
  ttlMs: number | null;
  /** Where a session was started from, for the person's list of sessions. */
  userAgent?: string | null;
  address?: string | null;
}

/** Stores a new token inside the caller's transaction; the secret is in this answer only (the database keeps its hash). */
export async function issueToken(trx: Deps['db'], t: TokenToIssue) {
  const secret = newSecret(t.kind === 'api' ? 'fla' : 'fls');
  const row = {
    id: newId(),
    org_id: t.orgId,
    user_id: t.userId,
    kind: t.kind,
    name: t.name,
    token_hash: sha256(secret),
    created_at: t.now,
    expires_at: t.ttlMs === null ? null : t.now + t.ttlMs,
    last_used_at: t.kind === 'session' ? t.now : null,
    revoked_at: null,
    user_agent: t.userAgent?.slice(0, 400) ?? null,
    address: t.address ?? null,
  };
  await store.insertToken(trx, row);
  return { secret, row };
}

export async function createApiToken(deps: Deps, actor: Actor, input: TokenInput) {
  requireRole(actor, 'admin');
  const { name, expiresAt = null } = input;
  const now = deps.clock.now();
  if (expiresAt !== null && expiresAt <= now) throw Invalid.field('expiresAt', 'must be in the future');
  const issued = await deps.db.transaction().execute(async (trx) => {
    const token = await issueToken(trx, { orgId: actor.orgId, userId: actor.userId, kind: 'api', name, now, ttlMs: expiresAt === null ? null : expiresAt - now });
    const data = expiresAt === null ? { name } : { name, expiresAt: new Date(expiresAt).toISOString() };
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'token.created', subject: { type: 'token', id: token.row.id }, data }, now);
    return token;
  });
  return { ...presentToken(issued.row), token: issued.secret };
}

/**
 * The account a command line names by email; when the email has an account in several organisations,
 * `orgSlug` (the business's address) says which one, else a Conflict naming them.
 */
export async function accountForCommandLine(db: Db, email: string, orgSlug?: string) {
  let accounts = await store.findUsersByEmail(db, email.toLowerCase());
  if (orgSlug !== undefined) {
    const org = await store.findOrgBySlug(db, orgSlug);
    accounts = accounts.filter((a) => a.org_id === org?.id);
  }
  const user = accounts[0];
  if (!user) throw new NotFound('User');
  if (accounts.length > 1) {
    const slugs = await Promise.all(accounts.map(async (a) => (await store.findOrg(db, a.org_id))?.slug));
    throw new Conflict(`${email} has an account in several businesses; say which with --org (one of ${slugs.join(', ')})`);
  }
  return user;
}

/** Creates an API token for the person with this email (the command line's `token create`). */
export async function createApiTokenFor(deps: Deps, email: string, name: string, orgSlug?: string) {
  const user = await accountForCommandLine(deps.db, email, orgSlug);
  return createApiToken(deps, { userId: user.id, orgId: user.org_id, role: user.role as Role }, { name });
}

export async function listApiTokens(deps: Deps, actor: Actor) {
  requireRole(actor, 'admin');
  const rows = await store.listTokens(deps.db, actor.orgId, 'api');
  return { items: rows.map(presentToken), nextCursor: null };
}

export async function revokeApiToken(deps: Deps, actor: Actor, tokenId: string): Promise<void> {
  requireRole(actor, 'admin');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const changed = await store.revokeToken(trx, actor.orgId, tokenId, now);
    if (changed === 0) throw new NotFound('Token');
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'token.revoked', subject: { type: 'token', id: tokenId } }, now);
  });
}
