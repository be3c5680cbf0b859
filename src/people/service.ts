// Use cases for organisations, people, teams, sessions and API tokens.
// Each write is one transaction.
import ipaddr from 'ipaddr.js';
import type { Actor, Deps, Role } from '../platform/context.ts';
import { Conflict, Forbidden, NotFound, TooManyAttempts, Unauthorized } from '../platform/errors.ts';
import { newId, newSecret, sha256 } from '../platform/ids.ts';
import { checkVersion, decodeCursor, encodeCursor, pageOf } from '../platform/pagination.ts';
import { isUniqueViolation } from '../platform/db/database.ts';
import { recordAudit } from '../audit/service.ts';
import type { AuditAction } from '../audit/audit.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import {
  type CreateUserInput,
  DEFAULT_BUSINESS_HOURS,
  mayGrantRole,
  roleAtLeast,
  type SignupInput,
  type TeamInput,
  type UpdateOrgInput,
  type UpdateTeamInput,
  type UpdateUserInput,
} from './person.ts';
import { presentOrg, presentTeam, presentToken, presentUser } from './present.ts';
import * as store from './store.ts';

export interface SessionPolicy {
  sessionTtlMs: number;
  /** Failed logins allowed per account (email) in a window before it answers 429 (ASVS 2.2.1). */
  accountLoginLimit?: { max: number; windowMs: number };
  /** Log-in attempts allowed per client address in a window, counted across every server process over the database. */
  addressLoginLimit?: { max: number; windowMs: number };
}

export const DEFAULT_ACCOUNT_LOGIN_LIMIT = { max: 10, windowMs: 15 * 60_000 };
export const DEFAULT_ADDRESS_LOGIN_LIMIT = { max: 10, windowMs: 60_000 };

/** Where a login comes from: the caller's address, and the session it replaces (rotated at login). */
export interface LoginOrigin {
  ip?: string | null;
  replacesTokenId?: string | null;
}

export function requireRole(actor: Actor, minimum: Role): void {
  if (!roleAtLeast(actor.role, minimum)) throw new Forbidden(`This needs the ${minimum} role or above`);
}

export async function signup(deps: Deps, input: SignupInput, policy: SessionPolicy) {
  const now = deps.clock.now();
  const passwordHash = await hashPassword(input.password);
  const orgId = newId();
  const userId = newId();
  return deps.db.transaction().execute(async (trx) => {
    if (await store.findUserByEmail(trx, input.email)) throw emailTaken();
    await store.insertOrg(trx, {
      id: orgId,
      name: input.orgName,
      timezone: input.timezone,
      business_hours: JSON.stringify(DEFAULT_BUSINESS_HOURS),
      holidays: '[]',
      due_soon_minutes: null,
      missed_grace_minutes: null,
      task_seq: 0,
      created_at: now,
      updated_at: now,
      version: 1,
    });
    await insertUserChecked(trx, {
      id: userId,
      org_id: orgId,
      email: input.email,
      name: input.name,
      role: 'owner',
      password_hash: passwordHash,
      working_hours: null,
      time_off: '[]',
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

export async function login(deps: Deps, email: string, password: string, policy: SessionPolicy, origin: LoginOrigin = {}) {
  const limit = policy.accountLoginLimit ?? DEFAULT_ACCOUNT_LOGIN_LIMIT;
  if (origin.ip) await countAddressAttempt(deps, origin.ip, policy.addressLoginLimit ?? DEFAULT_ADDRESS_LOGIN_LIMIT, limit);
  await refuseWhileThrottled(deps, email, limit);
  const user = await store.findUserByEmail(deps.db, email);
  const ok = await verifyPassword(password, user?.password_hash ?? null);
  const now = deps.clock.now();
  if (!user || !ok || user.active !== 1) {
    await deps.db.transaction().execute(async (trx) => {
      const failures = await store.addLoginFailure(trx, email, now, now - limit.windowMs);
      if (!user) return;
      const subject = { type: 'user', id: user.id };
      await recordAudit(trx, { orgId: user.org_id, actorId: null, action: 'session.login_failed', subject, ip: origin.ip, data: { failures } }, now);
      if (failures === limit.max) {
        await recordAudit(trx, { orgId: user.org_id, actorId: null, action: 'session.login_throttled', subject, ip: origin.ip, data: { failures } }, now);
      }
    });
    throw new Unauthorized('The email or password is not right');
  }
  const token = await deps.db.transaction().execute(async (trx) => {
    await store.clearLoginFailures(trx, email);
    // A session the caller already had is replaced, not kept beside the new one (no session fixation).
    if (origin.replacesTokenId) await store.revokeToken(trx, user.org_id, origin.replacesTokenId, now);
    const issued = await issueToken(trx, { orgId: user.org_id, userId: user.id, kind: 'session', name: 'login', now, ttlMs: policy.sessionTtlMs });
    await recordAudit(trx, { orgId: user.org_id, actorId: user.id, action: 'session.created', subject: { type: 'session', id: issued.row.id }, ip: origin.ip }, now);
    return issued;
  });
  return { token: token.secret, user: presentUser(user) };
}

const lastPruned = new WeakMap<Deps['db'], number>();

/**
 * Counts this attempt against the client address — in the database, so every
 * server process and every server over it shares one count — and answers 429
 * once the address has used up its window. Now and then (at most once a
 * window per process) the counts of windows that ended are deleted.
 */
async function countAddressAttempt(deps: Deps, ip: string, limit: { max: number; windowMs: number }, accountLimit: { windowMs: number }): Promise<void> {
  const now = deps.clock.now();
  const counted = await store.addAddressAttempt(deps.db, addressKey(ip), now, now - limit.windowMs);
  if (now - (lastPruned.get(deps.db) ?? -Infinity) >= limit.windowMs) {
    lastPruned.set(deps.db, now);
    await store.pruneLoginThrottles(deps.db, now - limit.windowMs, now - accountLimit.windowMs);
  }
  if (counted.attempts <= limit.max) return;
  const waitMs = counted.windowStart + limit.windowMs - now;
  throw new TooManyAttempts('Too many log-in attempts from this address; try again later', Math.max(1, Math.ceil(waitMs / 1000)));
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

/** 429 while this account has had too many failed logins in the current window, whether or not it exists. */
async function refuseWhileThrottled(deps: Deps, email: string, limit: { max: number; windowMs: number }): Promise<void> {
  const throttle = await store.findLoginFailures(deps.db, email);
  if (!throttle || throttle.failures < limit.max) return;
  const retryAt = Number(throttle.window_start) + limit.windowMs;
  const waitMs = retryAt - deps.clock.now();
  if (waitMs > 0) throw new TooManyAttempts('Too many failed logins for this account; try again later', Math.ceil(waitMs / 1000));
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
// One cache per database handle: a process may serve several databases (tests do).
const signInCaches = new WeakMap<Deps['db'], Map<string, SignedIn>>();

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
    if (fresh && (await store.authEpoch(deps.db, cached.caller.orgId)) === cached.epoch) return { ...cached.caller };
    cache.delete(hash);
  }
  const row = await store.findLiveToken(deps.db, hash, now);
  if (!row || row.active !== 1) return null;
  const caller: Authenticated = { userId: row.user_id, orgId: row.org_id, role: row.role as Role, tokenId: row.id, tokenKind: row.kind };
  if (cache.size >= SIGN_IN_CACHE_MAX) cache.clear();
  cache.set(hash, { caller, epoch: row.epoch, expiresAt: row.expires_at === null ? null : Number(row.expires_at), checkedAt: performance.now() });
  return { ...caller };
}

export async function me(deps: Deps, actor: Actor) {
  const [user, org] = await Promise.all([store.findUser(deps.db, actor.orgId, actor.userId), store.findOrg(deps.db, actor.orgId)]);
  if (!user || !org) throw new NotFound('User');
  return { user: presentUser(user), org: presentOrg(org) };
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

/** Every organisation's id and time zone (the daily digest runs in each one's morning). */
export async function organisationZones(deps: Pick<Deps, 'db'>): Promise<{ id: string; timezone: string }[]> {
  return store.orgZones(deps.db);
}

export async function updateOrg(deps: Deps, actor: Actor, input: UpdateOrgInput, ifVersion?: number) {
  requireRole(actor, 'admin');
  return deps.db.transaction().execute(async (trx) => {
    const org = await store.findOrg(trx, actor.orgId);
    if (!org) throw new NotFound('Organisation');
    checkVersion(org.version, ifVersion);
    const changed = Object.keys(input).filter((k) => input[k as keyof UpdateOrgInput] !== undefined);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'org.settings_changed', subject: { type: 'org', id: actor.orgId }, data: { fields: changed } }, deps.clock.now());
    await store.updateOrg(trx, actor.orgId, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.timezone !== undefined && { timezone: input.timezone }),
      ...(input.businessHours !== undefined && { business_hours: JSON.stringify(input.businessHours) }),
      ...(input.holidays !== undefined && { holidays: JSON.stringify([...new Set(input.holidays)].sort()) }),
      ...(input.dueSoonMinutes !== undefined && { due_soon_minutes: input.dueSoonMinutes }),
      ...(input.missedGraceMinutes !== undefined && { missed_grace_minutes: input.missedGraceMinutes }),
      updated_at: deps.clock.now(),
      version: org.version + 1,
    });
    return presentOrg((await store.findOrg(trx, actor.orgId))!);
  });
}

export async function listUsers(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : undefined;
  const rows = await store.listUsers(deps.db, actor.orgId, { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentUser), nextCursor };
}

export async function getUser(deps: Deps, actor: Actor, userId: string) {
  const user = await store.findUser(deps.db, actor.orgId, userId);
  if (!user) throw new NotFound('User');
  return presentUser(user);
}

export async function createUser(deps: Deps, actor: Actor, input: CreateUserInput) {
  if (!mayGrantRole(actor.role, null, input.role)) throw new Forbidden(`You may not create a user with the ${input.role} role`);
  const now = deps.clock.now();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const id = newId();
  return deps.db.transaction().execute(async (trx) => {
    if (await store.findUserByEmail(trx, input.email)) throw emailTaken();
    await insertUserChecked(trx, {
      id,
      org_id: actor.orgId,
      email: input.email,
      name: input.name,
      role: input.role,
      password_hash: passwordHash,
      working_hours: input.workingHours ? JSON.stringify(input.workingHours) : null,
      time_off: '[]',
      active: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    });
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'user.created', subject: { type: 'user', id }, data: { role: input.role, email: input.email } }, now);
    return presentUser((await store.findUser(trx, actor.orgId, id))!);
  });
}

/** Admins edit anyone below them; everyone may edit their own name, password, hours and time off. */
export async function updateUser(deps: Deps, actor: Actor, userId: string, input: UpdateUserInput, ifVersion?: number) {
  const self = actor.userId === userId;
  const privileged = input.role !== undefined || input.active !== undefined || input.email !== undefined;
  if (!self || privileged) requireRole(actor, 'admin');
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return deps.db.transaction().execute(async (trx) => {
    const user = await store.findUser(trx, actor.orgId, userId);
    if (!user) throw new NotFound('User');
    checkVersion(user.version, ifVersion);
    const current = user.role as Role;
    if (!self && !mayGrantRole(actor.role, current, current)) throw new Forbidden(`You may not edit a user with the ${current} role`);
    if (input.role !== undefined && input.role !== current) {
      if (self) throw new Forbidden('You may not change your own role');
      if (!mayGrantRole(actor.role, current, input.role)) throw new Forbidden(`You may not make a ${current} a ${input.role}`);
    }
    if (input.active === false && self) throw new Forbidden('You may not deactivate yourself');
    if (input.email !== undefined && input.email !== user.email) {
      const other = await store.findUserByEmail(trx, input.email);
      if (other) throw emailTaken();
    }
    const now = deps.clock.now();
    await store.updateUser(trx, actor.orgId, userId, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.role !== undefined && { role: input.role }),
      ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
      ...(passwordHash !== undefined && { password_hash: passwordHash }),
      ...(input.workingHours !== undefined && { working_hours: input.workingHours ? JSON.stringify(input.workingHours) : null }),
      ...(input.timeOff !== undefined && { time_off: JSON.stringify(input.timeOff) }),
      updated_at: now,
      version: user.version + 1,
    });
    // A new password or a deactivation ends every open session of that person.
    if (passwordHash !== undefined || input.active === false) await store.revokeSessionsOf(trx, actor.orgId, userId, now);
    for (const [action, data] of userAuditEntries(user, input, passwordHash !== undefined)) {
      await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action, subject: { type: 'user', id: userId }, data }, now);
    }
    return presentUser((await store.findUser(trx, actor.orgId, userId))!);
  });
}

export async function listTeams(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : undefined;
  const rows = await store.listTeams(deps.db, actor.orgId, { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  const members = await store.teamMemberIds(deps.db, actor.orgId, items.map((t) => t.id));
  return { items: items.map((t) => presentTeam(t, members.get(t.id) ?? [])), nextCursor };
}

export async function getTeam(deps: Deps, actor: Actor, teamId: string) {
  const team = await store.findTeam(deps.db, actor.orgId, teamId);
  if (!team) throw new NotFound('Team');
  const members = await store.teamMemberIds(deps.db, actor.orgId, [teamId]);
  return presentTeam(team, members.get(teamId) ?? []);
}

export async function createTeam(deps: Deps, actor: Actor, input: TeamInput) {
  requireRole(actor, 'admin');
  const id = newId();
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const memberIds = [...new Set(input.memberIds)];
    await checkPeople(trx, actor.orgId, memberIds, input.managerId);
    if (await store.findTeamByName(trx, actor.orgId, input.name)) throw teamNameTaken(input.name);
    await store.insertTeam(trx, { id, org_id: actor.orgId, name: input.name, manager_id: input.managerId, created_at: now, updated_at: now, version: 1 });
    await store.replaceTeamMembers(trx, actor.orgId, id, memberIds);
    const team = await store.findTeam(trx, actor.orgId, id);
    return presentTeam(team!, memberIds.sort());
  });
}

export async function updateTeam(deps: Deps, actor: Actor, teamId: string, input: UpdateTeamInput, ifVersion?: number) {
  requireRole(actor, 'admin');
  return deps.db.transaction().execute(async (trx) => {
    const team = await store.findTeam(trx, actor.orgId, teamId);
    if (!team) throw new NotFound('Team');
    checkVersion(team.version, ifVersion);
    const memberIds = input.memberIds ? [...new Set(input.memberIds)] : undefined;
    await checkPeople(trx, actor.orgId, memberIds ?? [], input.managerId ?? null);
    if (input.name !== undefined && input.name !== team.name && (await store.findTeamByName(trx, actor.orgId, input.name))) {
      throw teamNameTaken(input.name);
    }
    await store.updateTeam(trx, actor.orgId, teamId, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.managerId !== undefined && { manager_id: input.managerId }),
      updated_at: deps.clock.now(),
      version: team.version + 1,
    });
    if (memberIds) await store.replaceTeamMembers(trx, actor.orgId, teamId, memberIds);
    const updated = await store.findTeam(trx, actor.orgId, teamId);
    const members = await store.teamMemberIds(trx, actor.orgId, [teamId]);
    return presentTeam(updated!, members.get(teamId) ?? []);
  });
}

export async function createApiToken(deps: Deps, actor: Actor, name: string) {
  requireRole(actor, 'admin');
  const now = deps.clock.now();
  const issued = await deps.db.transaction().execute(async (trx) => {
    const token = await issueToken(trx, { orgId: actor.orgId, userId: actor.userId, kind: 'api', name, now, ttlMs: null });
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'token.created', subject: { type: 'token', id: token.row.id }, data: { name } }, now);
    return token;
  });
  return { ...presentToken(issued.row), token: issued.secret };
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

/** What of a change to a person the audit log keeps: role, activation, email and password changes (never the password). */
function userAuditEntries(user: store.UserRow, input: UpdateUserInput, passwordChanged: boolean): [AuditAction, Record<string, unknown>][] {
  const entries: [AuditAction, Record<string, unknown>][] = [];
  if (input.role !== undefined && input.role !== user.role) entries.push(['user.role_changed', { from: user.role, to: input.role }]);
  if (input.active === false && user.active === 1) entries.push(['user.deactivated', {}]);
  if (input.active === true && user.active !== 1) entries.push(['user.reactivated', {}]);
  if (input.email !== undefined && input.email !== user.email) entries.push(['user.email_changed', { from: user.email, to: input.email }]);
  if (passwordChanged) entries.push(['user.password_changed', {}]);
  return entries;
}

/** Creates an API token for the owner of the organisation with this user's email (the command line's `token create`). */
export async function createApiTokenFor(deps: Deps, email: string, name: string) {
  const user = await store.findUserByEmail(deps.db, email.toLowerCase());
  if (!user) throw new NotFound('User');
  return createApiToken(deps, { userId: user.id, orgId: user.org_id, role: user.role as Role }, name);
}

/** Users and teams of this organisation: ids that do not exist here are reported as 404 naming the field. */
export async function checkAssignable(deps: Pick<Deps, 'db'>, orgId: string, refs: { assigneeId?: string | null; teamId?: string | null }) {
  if (refs.assigneeId) {
    const users = await store.existingUserIds(deps.db, orgId, [refs.assigneeId]);
    if (!users.has(refs.assigneeId)) throw new NotFound('Assignee', [{ path: 'assigneeId', message: 'no such user' }]);
  }
  if (refs.teamId) {
    const teams = await store.existingTeamIds(deps.db, orgId, [refs.teamId]);
    if (!teams.has(refs.teamId)) throw new NotFound('Team', [{ path: 'teamId', message: 'no such team' }]);
  }
}

/** The next `T-n` number of the organisation, taken inside the caller's transaction. */
export function takeTaskNumber(trx: Deps['db'], orgId: string): Promise<number> {
  return store.nextTaskNumber(trx, orgId);
}

/** `count` consecutive task numbers for a bulk load; returns the first. */
export function reserveTaskNumbers(trx: Deps['db'], orgId: string, count: number): Promise<number> {
  return store.nextTaskNumbers(trx, orgId, count);
}

async function issueToken(
  trx: Deps['db'],
  t: { orgId: string; userId: string; kind: 'session' | 'api'; name: string; now: number; ttlMs: number | null },
) {
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
    last_used_at: null,
    revoked_at: null,
  };
  await store.insertToken(trx, row);
  return { secret, row };
}

async function checkPeople(db: Deps['db'], orgId: string, memberIds: string[], managerId: string | null): Promise<void> {
  const wanted = managerId ? [...memberIds, managerId] : memberIds;
  const found = await store.existingUserIds(db, orgId, wanted);
  const errors = memberIds.flatMap((id, i) => (found.has(id) ? [] : [{ path: `memberIds.${i}`, message: 'no such user' }]));
  if (managerId && !found.has(managerId)) errors.push({ path: 'managerId', message: 'no such user' });
  if (errors.length > 0) throw new NotFound('User', errors);
}

async function insertUserChecked(db: Deps['db'], row: store.UserRow): Promise<void> {
  try {
    await store.insertUser(db, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

function emailTaken(): Conflict {
  return new Conflict('A user with this email already exists', [{ path: 'email', message: 'is already taken' }]);
}

function teamNameTaken(name: string): Conflict {
  return new Conflict(`A team named "${name}" already exists`, [{ path: 'name', message: 'is already taken' }]);
}

