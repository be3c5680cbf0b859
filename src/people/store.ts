// Every query about organisations, users, teams and tokens.
import { type Insertable, type Selectable, sql } from 'kysely';
import { QueryShapes } from '../platform/db/database.ts';
import type { Db, OrgsTable, TeamsTable, TokensTable, UsersTable } from '../platform/db/schema.ts';

export type OrgRow = Selectable<OrgsTable>;
export type UserRow = Selectable<UsersTable>;
export type TeamRow = Selectable<TeamsTable>;
export type TokenRow = Selectable<TokensTable>;

/** Inserts the organisation unless another already has its slug (then false, and nothing written). */
export async function insertOrg(db: Db, row: Insertable<OrgsTable>): Promise<boolean> {
  const result = await db.insertInto('orgs').values(row).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function findOrg(db: Db, orgId: string) {
  return db.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
}

export function findOrgBySlug(db: Db, slug: string) {
  return db.selectFrom('orgs').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** The organisation's first active owner (work that comes in from outside is theirs until someone takes it). */
export function findFirstOwner(db: Db, orgId: string) {
  return db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('role', '=', 'owner').where('active', '=', 1).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

/** Which of these slugs organisations already have. */
export async function takenSlugs(db: Db, slugs: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('orgs').select('slug').where('slug', 'in', slugs).execute();
  return new Set(rows.map((r) => r.slug));
}

/** The active people of every organisation with one of these roles, each with the zone they live by (their own, else the organisation's). */
export function activePeopleInRoles(db: Db, roles: readonly string[]) {
  return db
    .selectFrom('users')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select(['users.id', 'users.org_id', 'users.role', 'users.time_zone', 'orgs.timezone as org_timezone'])
    .where('users.role', 'in', roles)
    .where('users.active', '=', 1)
    .orderBy('users.org_id')
    .orderBy('users.id')
    .execute();
}

export async function updateOrg(db: Db, orgId: string, set: Partial<OrgRow>): Promise<void> {
  await db.updateTable('orgs').set(set).where('id', '=', orgId).execute();
}

/** Takes the next task number of the organisation: null when `db` sees no such organisation. */
export async function nextTaskNumber(db: Db, orgId: string): Promise<number | null> {
  const [row] = await shapes.run(db, 'nextTaskNumber', [1, orgId], () =>
    db
      .updateTable('orgs')
      .set((eb) => ({ task_seq: eb('task_seq', '+', 1) }))
      .where('id', '=', orgId)
      .returning('task_seq'),
  );
  return row?.task_seq ?? null;
}

/** Takes `count` task numbers at once (bulk loads); returns the first. */
export async function nextTaskNumbers(db: Db, orgId: string, count: number): Promise<number> {
  const row = await db
    .updateTable('orgs')
    .set((eb) => ({ task_seq: eb('task_seq', '+', count) }))
    .where('id', '=', orgId)
    .returning('task_seq')
    .executeTakeFirstOrThrow();
  return row.task_seq - count + 1;
}

export function insertUser(db: Db, row: UserRow) {
  return db.insertInto('users').values(row).execute();
}

export function findUser(db: Db, orgId: string, userId: string) {
  return db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', userId).executeTakeFirst();
}

/** The organisation's people among these ids, in no particular order (an id it has not is left out). */
export function findUsers(db: Db, orgId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', 'in', [...userIds]).execute();
}

/** The organisation's person with this email (an email is unique within an organisation only). */
export function findUserInOrgByEmail(db: Db, orgId: string, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).where('org_id', '=', orgId).executeTakeFirst();
}

/** Most accounts one email is looked up in at sign-in (each costs a password check). */
export const MOST_ACCOUNTS_PER_EMAIL = 20;

/** Every account with this email, in every organisation, oldest first (sign-in and password reset). */
export function findUsersByEmail(db: Db, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).orderBy('created_at').orderBy('id').limit(MOST_ACCOUNTS_PER_EMAIL).execute();
}

/** The names of these organisations, in the order of the ids given. */
export async function orgNames(db: Db, orgIds: string[]): Promise<{ id: string; name: string }[]> {
  if (orgIds.length === 0) return [];
  const rows = await db.selectFrom('orgs').select(['id', 'name']).where('id', 'in', orgIds).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return orgIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

export function listUsers(db: Db, orgId: string, page: { limit: number; after?: string }) {
  let query = db.selectFrom('users').selectAll().where('org_id', '=', orgId);
  if (page.after) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
}

export async function existingUserIds(db: Db, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Whether this organisation has the person and the team named (either may be
 * null: not asked), in one statement: what a task's assignment checks.
 */
export async function assignableExists(db: Db, orgId: string, userId: string | null, teamId: string | null): Promise<{ user: boolean; team: boolean }> {
  if (userId === null && teamId === null) return { user: false, team: false };
  const params = [...(userId === null ? [] : [orgId, userId]), ...(teamId === null ? [] : [orgId, teamId])];
  const [row] = await assignable.run(db, `${userId === null ? '' : 'u'}${teamId === null ? '' : 't'}`, params, () =>
    db.selectNoFrom((eb) => [
      ...(userId === null ? [] : [eb.exists(eb.selectFrom('users').select('id').where('org_id', '=', orgId).where('id', '=', userId)).as('user_found')]),
      ...(teamId === null ? [] : [eb.exists(eb.selectFrom('teams').select('id').where('org_id', '=', orgId).where('id', '=', teamId)).as('team_found')]),
    ]),
  );
  const found = row as { user_found?: unknown; team_found?: unknown } | undefined;
  // SQLite answers 1 or 0, PostgreSQL true or false.
  return { user: Boolean(found?.user_found), team: Boolean(found?.team_found) };
}

const assignable = new QueryShapes();

export async function existingTeamIds(db: Db, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('teams').select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function updateUser(db: Db, orgId: string, userId: string, set: Partial<UserRow>): Promise<void> {
  await db.updateTable('users').set(set).where('org_id', '=', orgId).where('id', '=', userId).execute();
  // A new role or a deactivation changes what the user's signed-in tokens may do.
  if (set.role !== undefined || set.active !== undefined) await bumpAuthEpoch(db, orgId);
}

export function insertTeam(db: Db, row: TeamRow) {
  return db.insertInto('teams').values(row).execute();
}

export function findTeam(db: Db, orgId: string, teamId: string) {
  return db.selectFrom('teams').selectAll().where('org_id', '=', orgId).where('id', '=', teamId).executeTakeFirst();
}

export function findTeamByName(db: Db, orgId: string, name: string) {
  return db.selectFrom('teams').select('id').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
}

export function listTeams(db: Db, orgId: string, page: { limit: number; after?: string }) {
  let query = db.selectFrom('teams').selectAll().where('org_id', '=', orgId);
  if (page.after) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
}

export async function updateTeam(db: Db, orgId: string, teamId: string, set: Partial<TeamRow>): Promise<void> {
  await db.updateTable('teams').set(set).where('org_id', '=', orgId).where('id', '=', teamId).execute();
}

export async function teamMemberIds(db: Db, orgId: string, teamIds: string[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>(teamIds.map((id) => [id, []]));
  if (teamIds.length === 0) return members;
  const rows = await db
    .selectFrom('team_members')
    .select(['team_id', 'user_id'])
    .where('org_id', '=', orgId)
    .where('team_id', 'in', teamIds)
    .orderBy('user_id')
    .execute();
  for (const row of rows) members.get(row.team_id)?.push(row.user_id);
  return members;
}

/** Whether this person manages a team the other person is a member of. */
export async function managesTeamOf(db: Db, orgId: string, managerId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('teams')
    .innerJoin('team_members', (join) => join.onRef('team_members.team_id', '=', 'teams.id').onRef('team_members.org_id', '=', 'teams.org_id'))
    .select('teams.id')
    .where('teams.org_id', '=', orgId)
    .where('teams.manager_id', '=', managerId)
    .where('team_members.user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function replaceTeamMembers(db: Db, orgId: string, teamId: string, userIds: string[]): Promise<void> {
  await db.deleteFrom('team_members').where('org_id', '=', orgId).where('team_id', '=', teamId).execute();
  if (userIds.length === 0) return;
  await db
    .insertInto('team_members')
    .values(userIds.map((user_id) => ({ org_id: orgId, team_id: teamId, user_id })))
    .execute();
}

export function insertToken(db: Db, row: Insertable<TokensTable>) {
  return db.insertInto('tokens').values(row).execute();
}

const shapes = new QueryShapes();

/**
 * The live token with this hash, with its user's role and the organisation's
 * auth epoch (read in the same statement, so a revocation after it shows as a
 * newer epoch) — what a request's auth needs, in one query.
 */
export async function findLiveToken(db: Db, tokenHash: string, now: number) {
  const rows = await shapes.run(db, 'findLiveToken', [tokenHash, now], () =>
    db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .leftJoin('auth_epochs', 'auth_epochs.org_id', 'tokens.org_id')
      .select(['tokens.id', 'tokens.kind', 'tokens.org_id', 'tokens.user_id', 'tokens.expires_at', 'tokens.last_used_at', 'users.role', 'users.active', 'auth_epochs.epoch'])
      .where('tokens.token_hash', '=', tokenHash)
      .where('tokens.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('tokens.expires_at', 'is', null), eb('tokens.expires_at', '>', now)])),
  );
  const row = rows[0];
  return row && { ...row, epoch: Number(row.epoch ?? 0) };
}

/** How many changes that end sign-ins the organisation has had (0 before the first). */
export async function authEpoch(db: Db, orgId: string): Promise<number> {
  const rows = await shapes.run(db, 'authEpoch', [orgId], () => db.selectFrom('auth_epochs').select('epoch').where('org_id', '=', orgId));
  return Number(rows[0]?.epoch ?? 0);
}

/** Counts one more change that ends sign-ins, inside the caller's transaction: every server's cached sign-ins of the organisation are looked up again. */
export async function bumpAuthEpoch(db: Db, orgId: string): Promise<void> {
  await db
    .insertInto('auth_epochs')
    .values({ org_id: orgId, epoch: 1 })
    .onConflict((oc) => oc.column('org_id').doUpdateSet((eb) => ({ epoch: eb('auth_epochs.epoch', '+', 1) })))
    .execute();
}

export function listTokens(db: Db, orgId: string, kind: string) {
  return db.selectFrom('tokens').selectAll().where('org_id', '=', orgId).where('kind', '=', kind).orderBy('id').execute();
}

export async function revokeToken(db: Db, orgId: string, tokenId: string, now: number): Promise<number> {
  const result = await db
    .updateTable('tokens')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) await bumpAuthEpoch(db, orgId);
  return Number(result.numUpdatedRows);
}

export async function revokeSessionsOf(db: Db, orgId: string, userId: string, now: number): Promise<void> {
  const result = await db
    .updateTable('tokens')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('kind', '=', 'session')
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) await bumpAuthEpoch(db, orgId);
}

/** Failed logins of this account from this address (its accountKey) within the current window. */
export function findLoginFailures(db: Db, key: string) {
  return db.selectFrom('login_throttle').selectAll().where('email', '=', key).executeTakeFirst();
}

/** Counts one more failure, starting a new window when the last one began before `windowStart`; returns the count. */
export async function addLoginFailure(db: Db, email: string, now: number, windowStart: number): Promise<number> {
  const expired = sql<boolean>`${sql.ref('login_throttle.window_start')} <= ${windowStart}`;
  const row = await db
    .insertInto('login_throttle')
    .values({ email, failures: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({
        failures: sql<number>`case when ${expired} then 1 else ${sql.ref('login_throttle.failures')} + 1 end`,
        window_start: sql<number>`case when ${expired} then ${now} else ${sql.ref('login_throttle.window_start')} end`,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

export async function clearLoginFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('email', '=', email).execute();
}

/** Counts one more log-in attempt from this address, starting a new window when the last one began before `windowStart`; returns the count and when its window began. */
export async function addAddressAttempt(db: Db, ip: string, now: number, windowStart: number): Promise<{ attempts: number; windowStart: number }> {
  const expired = sql<boolean>`${sql.ref('login_address_throttle.window_start')} <= ${windowStart}`;
  const row = await db
    .insertInto('login_address_throttle')
    .values({ ip, attempts: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('ip').doUpdateSet({
        attempts: sql<number>`case when ${expired} then 1 else ${sql.ref('login_address_throttle.attempts')} + 1 end`,
        window_start: sql<number>`case when ${expired} then ${now} else ${sql.ref('login_address_throttle.window_start')} end`,
      }),
    )
    .returning(['attempts', 'window_start'])
    .executeTakeFirstOrThrow();
  return { attempts: Number(row.attempts), windowStart: Number(row.window_start) };
}

/** Takes one attempt back from this address's count (a log-in that succeeded), never below zero. */
export async function takeBackAddressAttempt(db: Db, ip: string): Promise<void> {
  await db
    .updateTable('login_address_throttle')
    .set({ attempts: sql<number>`${sql.ref('attempts')} - 1` })
    .where('ip', '=', ip)
    .where('attempts', '>', 0)
    .execute();
}

/** Drops the counts of windows that ended: an address or account with no row starts afresh, exactly as with an expired one. */
export async function pruneLoginThrottles(db: Db, addressWindowStart: number, accountWindowStart: number): Promise<void> {
  await db.deleteFrom('login_address_throttle').where('window_start', '<=', addressWindowStart).execute();
  await db.deleteFrom('login_throttle').where('window_start', '<=', accountWindowStart).execute();
}

/** Ends every live token of a person (sessions and API tokens) but `keepTokenId`; returns how many ended. */
export async function revokeTokensOf(db: Db, orgId: string, userId: string, now: number, keepTokenId: string | null = null, kind?: 'session'): Promise<number> {
  let query = db.updateTable('tokens').set({ revoked_at: now }).where('org_id', '=', orgId).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keepTokenId) query = query.where('id', '!=', keepTokenId);
  if (kind) query = query.where('kind', '=', kind);
  const result = await query.executeTakeFirst();
  const ended = Number(result.numUpdatedRows);
  if (ended > 0) await bumpAuthEpoch(db, orgId);
  return ended;
}

/** Ends one token of this person; 0 when it is not theirs, or already over. */
export async function revokeTokenOf(db: Db, orgId: string, userId: string, tokenId: string, now: number): Promise<number> {
  const result = await db
    .updateTable('tokens')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) await bumpAuthEpoch(db, orgId);
  return Number(result.numUpdatedRows);
}

/** The person's sessions and API tokens that still work, newest first. */
export function liveTokensOf(db: Db, orgId: string, userId: string, now: number) {
  return db
    .selectFrom('tokens')
    .select(['id', 'kind', 'name', 'user_agent', 'address', 'created_at', 'last_used_at'])
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Notes that a token was used (at most about once a minute per token: the caller decides). */
export async function touchToken(db: Db, tokenId: string, now: number): Promise<void> {
  await db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
}

export async function addTeamMemberships(db: Db, orgId: string, userId: string, teamIds: string[]): Promise<void> {
  if (teamIds.length === 0) return;
  await db
    .insertInto('team_members')
    .values(teamIds.map((team_id) => ({ org_id: orgId, team_id, user_id: userId })))
    .execute();
}
