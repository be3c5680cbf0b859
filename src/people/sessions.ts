// Signing in: logging in and out, and finding the caller behind a session or API token on every request.
// Other ways in (invitations, password reset, two-factor, single sign-on) belong with it.
import type { Actor, Deps, Role } from '../platform/context.ts';
import { Conflict, type DomainError, Unauthorized } from '../platform/errors.ts';
import { sha256 } from '../platform/ids.ts';
import { recordAudit } from '../audit/service.ts';
import {
  accountKey,
  countAddressAttempt,
  countFailedLogin,
  DEFAULT_ACCOUNT_LOGIN_LIMIT,
  DEFAULT_ADDRESS_LOGIN_LIMIT,
  forgiveAddressAttempt,
  type LoginLimit,
  refuseWhileThrottled,
} from './loginLimits.ts';
import { verifyPassword } from './passwords.ts';
import { presentUser } from './present.ts';
import * as store from './store.ts';
import { issueToken } from './tokens.ts';

export interface SessionPolicy {
  sessionTtlMs: number;
  /** Failed logins allowed per account (email) from one address in a window before it answers 429 (ASVS 2.2.1). */
  accountLoginLimit?: LoginLimit;
  /** Failed log-ins allowed per client address in a window, counted across every server process over the database. */
  addressLoginLimit?: LoginLimit;
  /** Sign-ups allowed per client address in a window. */
  signupLimit?: LoginLimit;
  /** What else a sign-in with the right password must pass (two-factor, the organisation's sign-in policy): accounts, above people, decides. */
  gate?: SignInGate;
}

/** Who passed the password check, for the gate. */
export interface SignInPerson {
  id: string;
  orgId: string;
  email: string;
  role: Role;
}

/** The gate's refusal: the error to answer, and whether it counts as a failed log-in (a wrong code does; being asked for one does not). */
export interface SignInRefusal {
  error: DomainError;
  failed: boolean;
}

/**
 * Runs inside the transaction that would issue the session, after the password was found right:
 * null lets the sign-in through; a refusal is answered instead, and what the gate wrote (a
 * pending second step, a used code) is kept.
 */
export type SignInGate = (
  trx: Deps['db'],
  person: SignInPerson,
  input: { code?: string; recoveryCode?: string; ip?: string | null; userAgent?: string | null },
  now: number,
) => Promise<SignInRefusal | null>;

export interface LoginInput {
  email: string;
  password: string;
  /** Which business to sign in to, when the email and password sign in to several. */
  orgId?: string;
  /** With two-factor on: the authenticator's code, or a recovery code. */
  code?: string;
  recoveryCode?: string;
  /** The caller's address, counted against its own limit. */
  ip?: string | null;
  /** The caller's User-Agent, kept with the session for the person's list of sessions. */
  userAgent?: string | null;
  /** The session the caller already had: it is replaced at login, not kept beside the new one. */
  replacesTokenId?: string | null;
}

export async function login(deps: Deps, input: LoginInput, policy: SessionPolicy) {
  const { email, password, ip } = input;
  const limit = policy.accountLoginLimit ?? DEFAULT_ACCOUNT_LOGIN_LIMIT;
  if (ip) await countAddressAttempt(deps, ip, { address: policy.addressLoginLimit ?? DEFAULT_ADDRESS_LOGIN_LIMIT, account: limit });
  const key = accountKey(email, ip);
  await refuseWhileThrottled(deps, key, limit);
  const accounts = await store.findUsersByEmail(deps.db, email);
  const signsIn = (await accountsWithPassword(accounts, password)).filter((u) => input.orgId === undefined || u.org_id === input.orgId);
  const now = deps.clock.now();
  if (signsIn.length === 0) {
    await countFailedLogin(deps, { key, users: accounts, ip, now }, limit);
    throw new Unauthorized('The email or password is not right');
  }
  if (signsIn.length > 1) throw await chooseOrganisation(deps, signsIn, key, ip);
  const user = signsIn[0]!;
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const person = { id: user.id, orgId: user.org_id, email: user.email, role: user.role as Role };
    const refused = policy.gate ? await policy.gate(trx, person, { code: input.code, recoveryCode: input.recoveryCode, ip, userAgent: input.userAgent }, now) : null;
    if (refused) return { refused, issued: null };
    await store.clearLoginFailures(trx, key);
    if (ip) await forgiveAddressAttempt(trx, ip);
    // A session the caller already had is replaced, not kept beside the new one (no session fixation).
    if (input.replacesTokenId) await store.revokeToken(trx, user.org_id, input.replacesTokenId, now);
    const issued = await issueToken(trx, { orgId: user.org_id, userId: user.id, kind: 'session', name: 'login', now, ttlMs: policy.sessionTtlMs, userAgent: input.userAgent, address: ip });
    await recordAudit(trx, { orgId: user.org_id, actorId: user.id, action: 'session.created', subject: { type: 'session', id: issued.row.id }, ip }, now);
    return { refused: null, issued };
  });
  if (outcome.refused || !outcome.issued) {
    if (outcome.refused?.failed) await countFailedLogin(deps, { key, users: [user], ip, now }, limit);
    throw outcome.refused!.error;
  }
  return { token: outcome.issued.secret, user: presentUser(user) };
}

/**
 * The active accounts (one per organisation) whose password this is. Every account with the email
 * has its password checked, side by side, and an email with none costs one check all the same (so
 * an unknown email takes as long as one with one account; one with several takes longer).
 */
async function accountsWithPassword(accounts: store.UserRow[], password: string): Promise<store.UserRow[]> {
  if (accounts.length === 0) {
    await verifyPassword(password, null);
    return [];
  }
  const checked = await Promise.all(accounts.map(async (u) => ((await verifyPassword(password, u.password_hash)) && u.active === 1 ? u : null)));
  return checked.filter((u) => u !== null);
}

/**
 * The email and password sign in to several businesses: the caller, who has proven the password
 * for each, is told their names and ids to choose one (orgId). Nothing else is listed — not a
 * business where the password differs — and it counts as neither a failure nor a sign-in.
 */
async function chooseOrganisation(deps: Deps, accounts: store.UserRow[], key: string, ip: string | null | undefined): Promise<DomainError> {
  await deps.db.transaction().execute(async (trx) => {
    await store.clearLoginFailures(trx, key);
    if (ip) await forgiveAddressAttempt(trx, ip);
  });
  const orgs = await store.orgNames(deps.db, accounts.map((u) => u.org_id));
  return new Conflict('This email and password sign in to more than one business: choose one', [{ path: 'orgId', message: 'choose one of the businesses listed' }]).typed('choose-organisation', { orgs });
}

export async function logout(deps: Deps, actor: Actor, tokenId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await store.revokeToken(trx, actor.orgId, tokenId, now);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'session.ended', subject: { type: 'session', id: tokenId } }, now);
  });
}

export async function logoutEverywhere(deps: Deps, actor: Actor): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await store.revokeSessionsOf(trx, actor.orgId, actor.userId, now);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'session.ended_everywhere', subject: { type: 'user', id: actor.userId } }, now);
  });
}

export interface Authenticated extends Actor {
  tokenId: string;
  tokenKind: string;
}

/** A sign-in this server checked recently, and the organisation's auth epoch when it did. */
interface SignedIn {
  caller: Authenticated;
  epoch: number;
  expiresAt: number | null;
  checkedAt: number;
}

/** How long a cached sign-in is used before its token is looked up again, whatever the epoch says. */
export const SIGN_IN_CACHE_MS = 10_000;
const SIGN_IN_CACHE_MAX = 10_000;
const LAST_USED_GRAIN_MS = 60_000;
// One cache per database handle: a process may serve several databases (tests do).
const signInCaches = new WeakMap<Deps['db'], Map<string, SignedIn>>();

/** Per database handle and organisation: the epoch read under way, and the one queued to follow it. */
const epochReads = new WeakMap<Deps['db'], { running: Map<string, Promise<number>>; next: Map<string, Promise<number>> }>();

/**
 * The organisation's auth epoch as of some moment after this call: what a
 * cached sign-in is checked against. A request never takes the answer of a
 * read already sent (it may predate a revocation the request must see); while
 * one is under way, the requests arriving wait for it to end and then share
 * the next read, sent after all of them arrived. Under load that is one
 * statement for every few requests of an organisation instead of one each;
 * a request that finds no read under way sends its own at once.
 */
function authEpochNow(db: Deps['db'], orgId: string): Promise<number> {
  let reads = epochReads.get(db);
  if (!reads) epochReads.set(db, (reads = { running: new Map(), next: new Map() }));
  const { running, next } = reads;
  const queued = next.get(orgId);
  if (queued) return queued;
  const start = () => {
    const read = store.authEpoch(db, orgId).finally(() => {
      if (running.get(orgId) === read) running.delete(orgId);
    });
    running.set(orgId, read);
    return read;
  };
  const current = running.get(orgId);
  if (!current) return start();
  const following = current.then(
    () => undefined,
    () => undefined,
  ).then(() => {
    next.delete(orgId);
    return start();
  });
  next.set(orgId, following);
  return following;
}

/**
 * The caller behind a bearer token or session cookie. A token looked up in the
 * last few seconds is taken from this server's cache after one primary-key read
 * of its organisation's auth epoch, which every revocation, log-out, role change
 * and deactivation counts up in its own transaction — so a token revoked
 * through any server process stops working at its next request here.
 */
export async function authenticate(deps: Deps, secret: string): Promise<Authenticated | null> {
  const hash = sha256(secret);
  const now = deps.clock.now();
  let cache = signInCaches.get(deps.db);
  if (!cache) signInCaches.set(deps.db, (cache = new Map()));
  const cached = cache.get(hash);
  if (cached) {
    const fresh = performance.now() - cached.checkedAt < SIGN_IN_CACHE_MS && (cached.expiresAt === null || cached.expiresAt > now);
    if (fresh && (await authEpochNow(deps.db, cached.caller.orgId)) === cached.epoch) return { ...cached.caller };
    cache.delete(hash);
  }
  const row = await store.findLiveToken(deps.db, hash, now);
  if (!row || row.active !== 1) return null;
  // When it was last used, for the person's list of sessions: written at most once a minute per token.
  if (row.last_used_at === null || now - Number(row.last_used_at) >= LAST_USED_GRAIN_MS) await store.touchToken(deps.db, row.id, now);
  const caller: Authenticated = { userId: row.user_id, orgId: row.org_id, role: row.role as Role, tokenId: row.id, tokenKind: row.kind };
  if (cache.size >= SIGN_IN_CACHE_MAX) cache.clear();
  cache.set(hash, { caller, epoch: row.epoch, expiresAt: row.expires_at === null ? null : Number(row.expires_at), checkedAt: performance.now() });
  return { ...caller };
}
