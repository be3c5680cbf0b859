// How many failed log-ins (and sign-ups) an address may make, and how many failures an account may take from one
// address, before the answer is 429. All are counted in the database, so every server process over it shares one count.
import ipaddr from 'ipaddr.js';
import type { Deps } from '../platform/context.ts';
import { TooManyAttempts } from '../platform/errors.ts';
import { recordAudit } from '../audit/service.ts';
import * as store from './store.ts';

export interface LoginLimit {
  max: number;
  windowMs: number;
}

/** Failed logins allowed per account (email) from one client address in a window (ASVS 2.2.1). */
export const DEFAULT_ACCOUNT_LOGIN_LIMIT: LoginLimit = { max: 10, windowMs: 15 * 60_000 };
/** Failed log-ins allowed per client address in a window. */
export const DEFAULT_ADDRESS_LOGIN_LIMIT: LoginLimit = { max: 10, windowMs: 60_000 };
/** Sign-ups (new organisations) allowed per client address in a window. */
export const DEFAULT_SIGNUP_LIMIT: LoginLimit = { max: 10, windowMs: 3600_000 };

const lastPruned = new WeakMap<Deps['db'], number>();

/**
 * Counts this attempt against the client address — in the database, so every
 * server process and every server over it shares one count — and answers 429
 * once the address has used up its window. A log-in that succeeds takes its
 * attempt back (forgiveAddressAttempt), so the count is of failures: an office
 * behind one address is not held back by its own sign-ins, while a burst of
 * guesses sent at once is counted before any of them is checked. Now and then
 * (at most once a window per process) the counts of windows that ended are deleted.
 */
export async function countAddressAttempt(deps: Deps, ip: string, limits: { address: LoginLimit; account: Pick<LoginLimit, 'windowMs'> }): Promise<void> {
  await countAttempt(deps, addressKey(ip), limits.address, limits.account.windowMs, 'Too many log-in attempts from this address; try again later');
}

/** Counts a sign-up against the client address (every one, kept apart from its log-ins); 429 once the window is used up. */
export async function countSignup(deps: Deps, ip: string, limit: LoginLimit): Promise<void> {
  await countAttempt(deps, `signup ${addressKey(ip)}`, limit, limit.windowMs, 'Too many sign-ups from this address; try again later');
}

async function countAttempt(deps: Deps, key: string, limit: LoginLimit, accountWindowMs: number, message: string): Promise<void> {
  const now = deps.clock.now();
  const counted = await store.addAddressAttempt(deps.db, key, now, now - limit.windowMs);
  if (now - (lastPruned.get(deps.db) ?? -Infinity) >= limit.windowMs) {
    lastPruned.set(deps.db, now);
    await store.pruneLoginThrottles(deps.db, now - limit.windowMs, now - accountWindowMs);
  }
  if (counted.attempts <= limit.max) return;
  const waitMs = counted.windowStart + limit.windowMs - now;
  throw new TooManyAttempts(message, Math.max(1, Math.ceil(waitMs / 1000)));
}

/** Takes back the attempt a successful log-in counted against its address. */
export async function forgiveAddressAttempt(db: Deps['db'], ip: string): Promise<void> {
  await store.takeBackAddressAttempt(db, addressKey(ip));
}

/**
 * What an address is counted under: an IPv6 address by its /64 — one
 * customer's network, from which a client can take any of 2^64 addresses —
 * and an IPv4 address (or one mapped into IPv6) by itself.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${(address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}

/**
 * What an account's failures are counted under: the email together with the
 * address they came from. A stranger guessing from elsewhere uses up only
 * their own address's tries at this account, and cannot lock its owner out.
 */
export function accountKey(email: string, ip: string | null | undefined): string {
  return `${email} ${ip ? addressKey(ip) : '-'}`;
}

/** 429 while this account has had too many failed logins from this address in the current window, whether or not it exists. */
export async function refuseWhileThrottled(deps: Deps, key: string, limit: LoginLimit): Promise<void> {
  const throttle = await store.findLoginFailures(deps.db, key);
  if (!throttle || throttle.failures < limit.max) return;
  const retryAt = Number(throttle.window_start) + limit.windowMs;
  const waitMs = retryAt - deps.clock.now();
  if (waitMs > 0) throw new TooManyAttempts('Too many failed logins for this account; try again later', Math.ceil(waitMs / 1000));
}

export interface FailedLogin {
  /** The account and address the failure is counted under (accountKey). */
  key: string;
  /** The accounts with that email (one per organisation it is in): the failure is written to each one's audit log. */
  users: store.UserRow[];
  ip?: string | null;
  now: number;
}

/** Counts a failed log-in against the account, and audits it (and the failure that throttles the account) in the same transaction. */
export async function countFailedLogin(deps: Deps, failed: FailedLogin, limit: LoginLimit): Promise<void> {
  const { key, users, ip, now } = failed;
  await deps.db.transaction().execute(async (trx) => {
    const failures = await store.addLoginFailure(trx, key, now, now - limit.windowMs);
    for (const user of users) {
      const subject = { type: 'user', id: user.id };
      await recordAudit(trx, { orgId: user.org_id, actorId: null, action: 'session.login_failed', subject, ip, data: { failures } }, now);
      if (failures === limit.max) {
        await recordAudit(trx, { orgId: user.org_id, actorId: null, action: 'session.login_throttled', subject, ip, data: { failures } }, now);
      }
    }
  });
}

