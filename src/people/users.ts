// The people of an organisation: who they are, adding and changing them, and who work may be assigned to.
import type { Actor, Deps, Role } from '../platform/context.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../platform/errors.ts';
import { newKey } from '../platform/ids.ts';
import { checkVersion, decodeCursor, encodeCursor, pageOf } from '../platform/pagination.ts';
import { isUniqueViolation } from '../platform/db/database.ts';
import { recordAudit } from '../audit/service.ts';
import type { AuditAction } from '../audit/audit.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { type CreateUserInput, mayGrantRole, requireRole, rightsOf, roleAtLeast, type TimeOffInput, type UpdateUserInput } from './person.ts';
import { presentOrg, presentUser } from './present.ts';
import * as store from './store.ts';

/** The caller and their organisation. */
export async function me(deps: Deps, actor: Actor) {
  const [user, org] = await Promise.all([store.findUser(deps.db, actor.orgId, actor.userId), store.findOrg(deps.db, actor.orgId)]);
  if (!user || !org) throw new NotFound('User');
  return { user: presentUser(user), org: presentOrg(org), rights: rightsOf(actor.role) };
}

export async function listUsers(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  const after = page.cursor ? String(decodeCursor(page.cursor, ['text'])[0]) : undefined;
  const rows = await store.listUsers(deps.db, actor.orgId, { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(presentUser), nextCursor };
}

export async function getUser(deps: Deps, actor: Actor, userId: string) {
  const user = await store.findUser(deps.db, actor.orgId, userId);
  if (!user) throw new NotFound('User');
  return presentUser(user);
}

/** The people among these ids, in the order given, in one query; an id the organisation has not is left out. */
export async function getUsers(deps: Deps, actor: Actor, userIds: readonly string[]) {
  const rows = new Map((await store.findUsers(deps.db, actor.orgId, userIds)).map((row) => [row.id, row]));
  return userIds.flatMap((id) => {
    const row = rows.get(id);
    return row ? [presentUser(row)] : [];
  });
}

export async function createUser(deps: Deps, actor: Actor, input: CreateUserInput) {
  if (!mayGrantRole(actor.role, null, input.role)) throw new Forbidden(`You may not create a user with the ${input.role} role`);
  const now = deps.clock.now();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const id = newKey();
  return deps.db.transaction().execute(async (trx) => {
    if (await store.findUserInOrgByEmail(trx, actor.orgId, input.email)) throw emailTaken();
    await insertUserChecked(trx, {
      id,
      org_id: actor.orgId,
      email: input.email,
      name: input.name,
      role: input.role,
      password_hash: passwordHash,
      working_hours: input.workingHours ? JSON.stringify(input.workingHours) : null,
      time_off: '[]',
      time_zone: null,
      active: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    });
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'user.created', subject: { type: 'user', id }, data: { role: input.role, email: input.email } }, now);
    return presentUser((await store.findUser(trx, actor.orgId, id))!);
  });
}

export interface UserChange {
  userId: string;
  changes: UpdateUserInput;
  /** The version the caller last saw (If-Match); a newer one answers 412. */
  ifVersion?: number;
  /** The caller's own session or token: it stays when they change their own password, every other one ends. */
  callerTokenId?: string;
}

/** Admins edit anyone below them; everyone may edit their own name, password, hours, time off and time zone. */
export async function updateUser(deps: Deps, actor: Actor, { userId, changes: input, ifVersion, callerTokenId }: UserChange) {
  const self = actor.userId === userId;
  const privileged = input.role !== undefined || input.active !== undefined || input.email !== undefined;
  if (!self || privileged) requireRole(actor, 'admin');
  if (input.currentPassword !== undefined && (!self || input.password === undefined)) {
    throw Invalid.field('currentPassword', 'is only sent with a new password for yourself');
  }
  if (self && input.password !== undefined && input.currentPassword === undefined) {
    throw Invalid.field('currentPassword', 'is required to change your own password');
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return deps.db.transaction().execute(async (trx) => {
    const user = await store.findUser(trx, actor.orgId, userId);
    if (!user) throw new NotFound('User');
    checkVersion(user.version, ifVersion);
    if (self && input.currentPassword !== undefined && !(await verifyPassword(input.currentPassword, user.password_hash))) {
      throw new Forbidden('The current password is not right', [{ path: 'currentPassword', message: 'is not your current password' }]);
    }
    const current = user.role as Role;
    if (!self && !mayGrantRole(actor.role, current, current)) throw new Forbidden(`You may not edit a user with the ${current} role`);
    if (input.role !== undefined && input.role !== current) {
      if (self) throw new Forbidden('You may not change your own role');
      if (!mayGrantRole(actor.role, current, input.role)) throw new Forbidden(`You may not make a ${current} a ${input.role}`);
    }
    if (input.active === false && self) throw new Forbidden('You may not deactivate yourself');
    if (input.email !== undefined && input.email !== user.email) {
      const other = await store.findUserInOrgByEmail(trx, actor.orgId, input.email);
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
      ...(input.timezone !== undefined && { time_zone: input.timezone }),
      updated_at: now,
      version: user.version + 1,
    });
    // A new password ends every session and API token of the person but the caller's own; a deactivation ends their sessions.
    if (passwordHash !== undefined) await store.revokeTokensOf(trx, actor.orgId, userId, now, self ? (callerTokenId ?? null) : null);
    else if (input.active === false) await store.revokeSessionsOf(trx, actor.orgId, userId, now);
    for (const [action, data] of userAuditEntries(user, input, passwordHash !== undefined)) {
      await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action, subject: { type: 'user', id: userId }, data }, now);
    }
    return presentUser((await store.findUser(trx, actor.orgId, userId))!);
  });
}

export interface TimeOffChange {
  userId: string;
  timeOff: TimeOffInput['timeOff'];
  ifVersion?: number;
}

/**
 * Sets a person's time off, replacing what was there. Anyone sets their own; managers and
 * above set anyone's; a member who manages a team sets its members'. Assignment reads the
 * stored list on every decision, so it skips the person from this commit on.
 */
export async function setTimeOff(deps: Deps, actor: Actor, { userId, timeOff, ifVersion }: TimeOffChange) {
  return deps.db.transaction().execute(async (trx) => {
    const user = await store.findUser(trx, actor.orgId, userId);
    if (!user) throw new NotFound('User');
    const allowed = actor.userId === userId || roleAtLeast(actor.role, 'manager') || (await store.managesTeamOf(trx, actor.orgId, actor.userId, userId));
    if (!allowed) throw new Forbidden('Only a manager, an admin or the manager of their team may set someone else’s time off');
    checkVersion(user.version, ifVersion);
    await store.updateUser(trx, actor.orgId, userId, { time_off: JSON.stringify(timeOff), updated_at: deps.clock.now(), version: user.version + 1 });
    return presentUser((await store.findUser(trx, actor.orgId, userId))!);
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

/** Users and teams of this organisation: ids that do not exist here are reported as 404 naming the field. */
export async function checkAssignable(deps: Pick<Deps, 'db'>, orgId: string, refs: { assigneeId?: string | null; teamId?: string | null }): Promise<void> {
  const userId = refs.assigneeId || null;
  const teamId = refs.teamId || null;
  if (userId === null && teamId === null) return;
  // Both looked up in one statement; a missing person is named before a missing team.
  const found = await store.assignableExists(deps.db, orgId, userId, teamId);
  if (userId !== null && !found.user) throw new NotFound('Assignee', [{ path: 'assigneeId', message: 'no such user' }]);
  if (teamId !== null && !found.team) throw new NotFound('Team', [{ path: 'teamId', message: 'no such team' }]);
}

/** Inserts a person; an email another request took in the same organisation a moment ago answers 409 like one found before. */
export async function insertUserChecked(db: Deps['db'], row: store.UserRow): Promise<void> {
  try {
    await store.insertUser(db, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export function emailTaken(): Conflict {
  return new Conflict('A user with this email already exists', [{ path: 'email', message: 'is already taken' }]);
}
