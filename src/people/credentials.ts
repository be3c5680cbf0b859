// What the accounts feature (invitations, password resets, two-factor, single
// sign-on) asks of people: find a person, add one, start and end their
// sign-ins, set a password, and read the organisation's sign-in policy. Each
// takes the caller's transaction.
import type { Deps, Role } from '../platform/context.ts';
import { Conflict } from '../platform/errors.ts';
import { isUniqueViolation } from '../platform/db/database.ts';
import { newKey } from '../platform/ids.ts';
import { iso } from '../platform/pagination.ts';
import { presentUser } from './present.ts';
import * as store from './store.ts';
import { issueToken } from './tokens.ts';

type Db = Deps['db'];

export interface Person {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  passwordHash: string | null;
}

function person(row: store.UserRow): Person {
  return { id: row.id, orgId: row.org_id, email: row.email, name: row.name, role: row.role as Role, active: row.active === 1, passwordHash: row.password_hash };
}

/** The organisation's person with this email (the same email may have an account in other organisations too). */
export async function personInOrgByEmail(db: Db, orgId: string, email: string): Promise<Person | undefined> {
  const row = await store.findUserInOrgByEmail(db, orgId, email.toLowerCase());
  return row && person(row);
}

/** Every account with this email, one per organisation it is in, oldest first. */
export async function peopleByEmail(db: Db, email: string): Promise<Person[]> {
  return (await store.findUsersByEmail(db, email.toLowerCase())).map(person);
}

export async function personById(db: Db, orgId: string, userId: string): Promise<Person | undefined> {
  const row = await store.findUser(db, orgId, userId);
  return row && person(row);
}

export async function presentPerson(db: Db, orgId: string, userId: string) {
  return presentUser((await store.findUser(db, orgId, userId))!);
}

export function emailTaken(): Conflict {
  return new Conflict('A user with this email already exists', [{ path: 'email', message: 'is already taken' }]);
}

/** Adds a person to the organisation, in the teams given that still exist there; 409 when the organisation has someone with the email. */
export async function addPerson(
  trx: Db,
  p: { orgId: string; email: string; name: string; role: Role; passwordHash: string | null; teamIds: string[]; now: number },
): Promise<string> {
  const id = newKey();
  if (await store.findUserInOrgByEmail(trx, p.orgId, p.email)) throw emailTaken();
  try {
    await store.insertUser(trx, {
      id,
      org_id: p.orgId,
      email: p.email,
      name: p.name,
      role: p.role,
      password_hash: p.passwordHash,
      working_hours: null,
      time_off: '[]',
      time_zone: null,
      active: 1,
      created_at: p.now,
      updated_at: p.now,
      version: 1,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
  const teams = await store.existingTeamIds(trx, p.orgId, [...new Set(p.teamIds)]);
  await store.addTeamMemberships(trx, p.orgId, id, [...teams]);
  return id;
}

/** The team ids of the organisation among these. */
export function existingTeamIds(db: Db, orgId: string, ids: string[]): Promise<Set<string>> {
  return store.existingTeamIds(db, orgId, ids);
}

export interface SessionOrigin {
  userAgent?: string | null;
  address?: string | null;
}

/** Starts a session for the person; the secret is returned once and stored only as its hash. */
export async function issueSession(trx: Db, s: { orgId: string; userId: string; name: string; now: number; ttlMs: number } & SessionOrigin) {
  const issued = await issueToken(trx, { ...s, kind: 'session' });
  return { id: issued.row.id, secret: issued.secret };
}

/** Ends every session and API token of the person but `keepTokenId`; how many ended. */
export function endSignIns(trx: Db, orgId: string, userId: string, now: number, keepTokenId: string | null = null): Promise<number> {
  return store.revokeTokensOf(trx, orgId, userId, now, keepTokenId);
}

/** Ends every other session of the person (API tokens stay); how many ended. */
export function endOtherSessions(trx: Db, orgId: string, userId: string, now: number, keepTokenId: string): Promise<number> {
  return store.revokeTokensOf(trx, orgId, userId, now, keepTokenId, 'session');
}

/** Ends every session of the person (API tokens stay); how many ended. */
export function endSessions(trx: Db, orgId: string, userId: string, now: number): Promise<number> {
  return store.revokeTokensOf(trx, orgId, userId, now, null, 'session');
}

/** Ends one session or API token of the person: false when it is not theirs or already ended. */
export async function endSignIn(trx: Db, orgId: string, userId: string, tokenId: string, now: number): Promise<boolean> {
  return (await store.revokeTokenOf(trx, orgId, userId, tokenId, now)) > 0;
}

/** The person's live sessions and API tokens. */
export async function signInsOf(db: Db, orgId: string, userId: string, now: number) {
  const rows = await store.liveTokensOf(db, orgId, userId, now);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as 'session' | 'api',
    name: r.name,
    userAgent: r.user_agent,
    address: r.address,
    createdAt: iso(r.created_at),
    lastUsedAt: iso(r.last_used_at),
  }));
}

export async function setPasswordHash(trx: Db, orgId: string, userId: string, passwordHash: string, now: number): Promise<void> {
  const user = await store.findUser(trx, orgId, userId);
  if (!user) return;
  await store.updateUser(trx, orgId, userId, { password_hash: passwordHash, updated_at: now, version: user.version + 1 });
}

export interface SignInPolicy {
  orgName: string;
  /** The organisation's address: its sign-in page is /login?org=<slug>. */
  orgSlug: string;
  requireTwoFactor: 'none' | 'managers';
  passwordSignIn: boolean;
}

export async function signInPolicy(db: Db, orgId: string): Promise<SignInPolicy> {
  const org = await store.findOrg(db, orgId);
  return {
    orgName: org?.name ?? '',
    orgSlug: org?.slug ?? '',
    requireTwoFactor: org?.require_two_factor === 'managers' ? 'managers' : 'none',
    passwordSignIn: org ? org.password_sign_in === 1 : true,
  };
}
