// Organisations: signing one up with its owner, its settings and time zone, and its counter of task numbers.
import { randomBytes } from 'node:crypto';
import type { Actor, Deps, Role } from '../platform/context.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import { newKey } from '../platform/ids.ts';
import { isLockTimeout, onItsOwnOf } from '../platform/db/database.ts';
import { checkVersion } from '../platform/pagination.ts';
import { recordAudit } from '../audit/service.ts';
import { countSignup, DEFAULT_SIGNUP_LIMIT } from './loginLimits.ts';
import { hashPassword } from './passwords.ts';
import { Conflict } from '../platform/errors.ts';
import { DEFAULT_BUSINESS_HOURS, requireRole, type SignupInput, slugOf, type UpdateOrgInput } from './person.ts';
import { presentOrg, presentUser } from './present.ts';
import type { SessionPolicy } from './sessions.ts';
import * as store from './store.ts';
import { issueToken } from './tokens.ts';
import { insertUserChecked } from './users.ts';

/** A new organisation, its owner, and the owner's first session; `ip`, when given, is counted against its sign-up limit. */
export async function signup(deps: Deps, input: SignupInput, policy: Pick<SessionPolicy, 'sessionTtlMs' | 'signupLimit'>, ip?: string | null) {
  if (ip) await countSignup(deps, ip, policy.signupLimit ?? DEFAULT_SIGNUP_LIMIT);
  const now = deps.clock.now();
  const passwordHash = await hashPassword(input.password);
  const orgId = newKey();
  const userId = newKey();
  // The email is not looked up: an account with it in another business is no obstacle (an
  // email is unique within an organisation only), so the answer is the same whoever has it.
  return deps.db.transaction().execute(async (trx) => {
    const base = slugOf(input.orgName);
    const row = {
      id: orgId,
      name: input.orgName,
      slug: await freeSlug(trx, base),
      timezone: input.timezone,
      business_hours: JSON.stringify(DEFAULT_BUSINESS_HOURS),
      holidays: '[]',
      due_soon_minutes: null,
      missed_grace_minutes: null,
      task_seq: 0,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    // Two businesses of the same name signing up at once can both find the same slug free: the second takes a random one.
    while (!(await store.insertOrg(trx, row))) row.slug = `${base.slice(0, 31)}-${randomBytes(4).toString('hex')}`;
    await insertUserChecked(trx, {
      id: userId,
      org_id: orgId,
      email: input.email,
      name: input.name,
      role: 'owner',
      password_hash: passwordHash,
      working_hours: null,
      time_off: '[]',
      time_zone: null,
      active: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    });
    const token = await issueToken(trx, { orgId, userId, kind: 'session', name: 'signup', now, ttlMs: policy.sessionTtlMs });
    await recordAudit(trx, { orgId, actorId: userId, action: 'org.created', subject: { type: 'org', id: orgId }, data: { name: input.orgName } }, now);
    const org = await store.findOrg(trx, orgId);
    const user = await store.findUser(trx, orgId, userId);
    return { org: presentOrg(org!), user: presentUser(user!), token: token.secret };
  });
}

/** The slug itself if no organisation has it, else the first of slug-2, slug-3… that is free. */
async function freeSlug(trx: Deps['db'], base: string): Promise<string> {
  for (let from = 1; ; from += 20) {
    const candidates = Array.from({ length: 20 }, (_, i) => (from + i === 1 ? base : `${base.slice(0, 34)}-${from + i}`));
    const taken = await store.takenSlugs(trx, candidates);
    const free = candidates.find((c) => !taken.has(c));
    if (free) return free;
  }
}

/** The organisation a public address (/f/<slug>) names, with the owner whose work comes in through it; undefined when there is none. */
export async function publicOrg(db: Deps['db'], slug: string): Promise<{ id: string; name: string; slug: string; ownerId: string } | undefined> {
  const org = await store.findOrgBySlug(db, slug);
  if (!org) return undefined;
  const owner = await store.findFirstOwner(db, org.id);
  return owner ? { id: org.id, name: org.name, slug: org.slug, ownerId: owner.id } : undefined;
}

export async function getOrg(deps: Deps, actor: Actor) {
  const org = await store.findOrg(deps.db, actor.orgId);
  if (!org) throw new NotFound('Organisation');
  return presentOrg(org);
}

/** The organisation's IANA time zone, read inside the caller's transaction (recurrence counts on its wall clock). */
export async function orgTimezone(db: Deps['db'], orgId: string): Promise<string> {
  const org = await store.findOrg(db, orgId);
  if (!org) throw new NotFound('Organisation');
  return org.timezone;
}

/** The time zone a person lives by: their own when they chose one, else their organisation's (their morning digest and weekly summary come in it). */
export function zoneOfPerson(own: string | null, orgZone: string): string {
  return own ?? orgZone;
}

/** Every active person with one of these roles, in any organisation, and the time zone they live by (the weekly summary comes in their Monday morning, the digest in their morning). */
export async function activePeopleInRoles(deps: Pick<Deps, 'db'>, roles: readonly Role[]): Promise<{ id: string; orgId: string; role: Role; timezone: string }[]> {
  const rows = await store.activePeopleInRoles(deps.db, roles);
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, role: r.role as Role, timezone: zoneOfPerson(r.time_zone, r.org_timezone) }));
}

export interface OrgChange {
  changes: UpdateOrgInput;
  /** The version the caller last saw (If-Match); a newer one answers 412. */
  ifVersion?: number;
  /** Throws when password sign-in may not be turned off (single sign-on, which lives above people, is not set up). */
  mayTurnOffPasswordSignIn?: (trx: Deps['db'], orgId: string) => Promise<void>;
}

export async function updateOrg(deps: Deps, actor: Actor, { changes: input, ifVersion, mayTurnOffPasswordSignIn }: OrgChange) {
  requireRole(actor, 'admin');
  return deps.db.transaction().execute(async (trx) => {
    const org = await store.findOrg(trx, actor.orgId);
    if (!org) throw new NotFound('Organisation');
    checkVersion(org.version, ifVersion);
    if (input.slug !== undefined && input.slug !== org.slug && (await store.findOrgBySlug(trx, input.slug))) {
      throw new Conflict('Another business already uses this address', [{ path: 'slug', message: 'is already taken by another business' }]);
    }
    const now = deps.clock.now();
    const passwordSignIn = input.passwordSignIn === undefined ? undefined : input.passwordSignIn ? 1 : 0;
    if (passwordSignIn === 0 && org.password_sign_in !== 0) {
      if (!mayTurnOffPasswordSignIn) throw Invalid.field('passwordSignIn', 'can be turned off only once single sign-on is set up');
      await mayTurnOffPasswordSignIn(trx, actor.orgId);
    }
    // The sign-in policy has its own audit entry, from and to; the rest of the settings theirs.
    const policy: Record<string, { from: unknown; to: unknown }> = {};
    if (input.requireTwoFactor !== undefined && input.requireTwoFactor !== org.require_two_factor) policy.requireTwoFactor = { from: org.require_two_factor, to: input.requireTwoFactor };
    if (passwordSignIn !== undefined && passwordSignIn !== org.password_sign_in) policy.passwordSignIn = { from: org.password_sign_in !== 0, to: passwordSignIn === 1 };
    if (Object.keys(policy).length > 0) {
      await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'org.sign_in_policy_changed', subject: { type: 'org', id: actor.orgId }, data: policy }, now);
    }
    const changed = Object.keys(input).filter((k) => input[k as keyof UpdateOrgInput] !== undefined && k !== 'requireTwoFactor' && k !== 'passwordSignIn');
    if (changed.length > 0 || Object.keys(policy).length === 0) {
      await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'org.settings_changed', subject: { type: 'org', id: actor.orgId }, data: { fields: changed } }, now);
    }
    await store.updateOrg(trx, actor.orgId, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.slug !== undefined && { slug: input.slug }),
      ...(input.timezone !== undefined && { timezone: input.timezone }),
      ...(input.businessHours !== undefined && { business_hours: JSON.stringify(input.businessHours) }),
      ...(input.holidays !== undefined && { holidays: JSON.stringify([...new Set(input.holidays)].sort()) }),
      ...(input.dueSoonMinutes !== undefined && { due_soon_minutes: input.dueSoonMinutes }),
      ...(input.missedGraceMinutes !== undefined && { missed_grace_minutes: input.missedGraceMinutes }),
      ...(input.requireTwoFactor !== undefined && { require_two_factor: input.requireTwoFactor }),
      ...(passwordSignIn !== undefined && { password_sign_in: passwordSignIn }),
      updated_at: now,
      version: org.version + 1,
    });
    return presentOrg((await store.findOrg(trx, actor.orgId))!);
  });
}

// The organisation keeps the counter behind its tasks' `T-n` numbers; tasks take them from here.

/**
 * The next `T-n` number of the organisation. On PostgreSQL the counter is
 * moved on by a statement that commits on its own, so creators of one
 * business wait for each other only that long, not for each other's whole
 * transaction; a create that fails after taking its number leaves a gap
 * (numbers are unique, not consecutive). Where that cannot be done, the number
 * is taken inside the caller's transaction: the business is still being made
 * in it (no other connection sees it yet), or its row has been held past the
 * lock timeout (perhaps by that very transaction, changing the business).
 */
export async function takeTaskNumber(trx: Deps['db'], orgId: string): Promise<number> {
  const own = onItsOwnOf(trx);
  if (own) {
    try {
      const number = await store.nextTaskNumber(own, orgId);
      if (number !== null) return number;
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
    }
  }
  const number = await store.nextTaskNumber(trx, orgId);
  if (number === null) throw new Error(`No organisation ${orgId} to number a task in`);
  return number;
}

/** `count` consecutive task numbers for a bulk load; returns the first. */
export function reserveTaskNumbers(trx: Deps['db'], orgId: string, count: number): Promise<number> {
  return store.nextTaskNumbers(trx, orgId, count);
}
