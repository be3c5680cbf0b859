// Every query about invitations, password resets, two-factor secrets and
// recovery codes, single sign-on, and the request counts that limit them.
import { type Selectable, sql } from 'kysely';
import type { Db, InvitationsTable, PasswordResetsTable, PendingLoginsTable, SsoProvidersTable } from '../platform/db/schema.ts';

export type InvitationRow = Selectable<InvitationsTable>;
export type SsoProviderRow = Selectable<SsoProvidersTable>;
export type PendingLoginRow = Selectable<PendingLoginsTable>;

// --- invitations ---------------------------------------------------------------------

export async function insertInvitation(db: Db, row: InvitationRow): Promise<void> {
  await db.insertInto('invitations').values(row).execute();
}

export function findInvitation(db: Db, orgId: string, id: string) {
  return db.selectFrom('invitations').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findInvitationByHash(db: Db, tokenHash: string) {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** An invitation of this organisation to this email that is still open (not accepted, revoked or expired). */
export function findPendingInvitation(db: Db, orgId: string, email: string, now: number) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export function listPendingInvitations(db: Db, orgId: string, now: number, page: { limit: number; after?: string }) {
  let query = db
    .selectFrom('invitations')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now);
  if (page.after) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
}

export async function updateInvitation(db: Db, orgId: string, id: string, set: Partial<InvitationRow>): Promise<void> {
  await db.updateTable('invitations').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Marks an open invitation accepted; false when another request took it first, or it is no longer open. */
export async function claimInvitation(db: Db, id: string, now: number, userId: string): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: now, accepted_user_id: userId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- password resets -----------------------------------------------------------------

export async function insertPasswordReset(db: Db, row: Selectable<PasswordResetsTable>): Promise<void> {
  await db.insertInto('password_resets').values(row).execute();
}

export function findPasswordReset(db: Db, tokenHash: string) {
  return db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Uses a reset link; false when it was used already or has expired. */
export async function claimPasswordReset(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Every other open reset link of the person stops working (a reset, or a new password, ends them). */
export async function closePasswordResets(db: Db, userId: string, now: number): Promise<void> {
  await db.updateTable('password_resets').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

// --- request counts --------------------------------------------------------------------

/** Counts one more request under `key`, starting a new window when the last began before `windowStart`. */
export async function countRequest(db: Db, key: string, now: number, windowStart: number): Promise<{ attempts: number; windowStart: number }> {
  const expired = sql<boolean>`${sql.ref('account_throttle.window_start')} <= ${windowStart}`;
  const row = await db
    .insertInto('account_throttle')
    .values({ key, attempts: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        attempts: sql<number>`case when ${expired} then 1 else ${sql.ref('account_throttle.attempts')} + 1 end`,
        window_start: sql<number>`case when ${expired} then ${now} else ${sql.ref('account_throttle.window_start')} end`,
      }),
    )
    .returning(['attempts', 'window_start'])
    .executeTakeFirstOrThrow();
  return { attempts: Number(row.attempts), windowStart: Number(row.window_start) };
}

export async function pruneRequestCounts(db: Db, windowStart: number): Promise<void> {
  await db.deleteFrom('account_throttle').where('window_start', '<=', windowStart).execute();
}

// --- two-factor --------------------------------------------------------------------------

export function findTwoFactor(db: Db, orgId: string, userId: string) {
  return db.selectFrom('two_factor').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
}

/** Starts (or starts again) a not yet confirmed setup with a new secret. */
export async function putPendingTwoFactor(db: Db, orgId: string, userId: string, secret: string, now: number): Promise<void> {
  await db.deleteFrom('two_factor').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  await db.insertInto('two_factor').values({ user_id: userId, org_id: orgId, secret, created_at: now, confirmed_at: null, last_step: null }).execute();
}

/**
 * Records that the code of `step` was used, only if no code of that step or a later one was: false
 * when another request used it first (so two requests with one code cannot both pass).
 */
export async function useStep(db: Db, orgId: string, userId: string, step: number, confirmAt?: number): Promise<boolean> {
  const result = await db
    .updateTable('two_factor')
    .set({ last_step: step, ...(confirmAt !== undefined && { confirmed_at: confirmAt }) })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteTwoFactor(db: Db, orgId: string, userId: string): Promise<void> {
  await db.deleteFrom('two_factor').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  await db.deleteFrom('recovery_codes').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(db: Db, orgId: string, userId: string, rows: { id: string; code_hash: string }[]): Promise<void> {
  await db.deleteFrom('recovery_codes').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(rows.map((r) => ({ ...r, org_id: orgId, user_id: userId, used_at: null })))
    .execute();
}

/** Uses one recovery code: false when it is not one of the person's, or was used already. */
export async function useRecoveryCode(db: Db, orgId: string, userId: string, codeHash: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function unusedRecoveryCodes(db: Db, orgId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- single sign-on ---------------------------------------------------------------------

export function findSsoProvider(db: Db, orgId: string) {
  return db.selectFrom('sso_providers').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

export async function putSsoProvider(db: Db, row: SsoProviderRow): Promise<void> {
  await db.deleteFrom('sso_providers').where('org_id', '=', row.org_id).execute();
  await db.insertInto('sso_providers').values(row).execute();
}

export async function deleteSsoProvider(db: Db, orgId: string): Promise<number> {
  const result = await db.deleteFrom('sso_providers').where('org_id', '=', orgId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertSsoLogin(db: Db, row: { state: string; org_id: string; code_verifier: string; nonce: string; created_at: number; expires_at: number }): Promise<void> {
  await db.insertInto('sso_logins').values(row).execute();
}

/** Takes the pending sign-in with this state, once: a second callback with it finds nothing. */
export async function takeSsoLogin(db: Db, state: string, now: number) {
  const row = await db.selectFrom('sso_logins').selectAll().where('state', '=', state).executeTakeFirst();
  if (!row) return undefined;
  const result = await db.deleteFrom('sso_logins').where('state', '=', state).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1 || Number(row.expires_at) <= now) return undefined;
  return row;
}

export async function pruneSsoLogins(db: Db, now: number): Promise<void> {
  await db.deleteFrom('sso_logins').where('expires_at', '<=', now).execute();
}

// --- sign-ins waiting for their second step --------------------------------------------

export async function insertPendingLogin(db: Db, row: PendingLoginRow): Promise<void> {
  await db.insertInto('pending_logins').values(row).execute();
}

export function findPendingLogin(db: Db, tokenHash: string) {
  return db.selectFrom('pending_logins').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Counts one more try with the pending sign-in; the count after it, or null when it is gone (used, or ended by another request). */
export async function countPendingAttempt(db: Db, id: string): Promise<number | null> {
  const row = await db
    .updateTable('pending_logins')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirst();
  return row ? Number(row.attempts) : null;
}

/** Ends a pending sign-in; false when another request ended it first. */
export async function deletePendingLogin(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('pending_logins').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Ends every sign-in of the person still waiting for its second step. */
export async function deletePendingLoginsOf(db: Db, orgId: string, userId: string): Promise<void> {
  await db.deleteFrom('pending_logins').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

/** The people of the organisation whose two-factor sign-in is on, and since when. */
export function twoFactorOn(db: Db, orgId: string) {
  return db.selectFrom('two_factor').select(['user_id', 'confirmed_at']).where('org_id', '=', orgId).where('confirmed_at', 'is not', null).orderBy('user_id').execute();
}

export async function prunePendingLogins(db: Db, now: number): Promise<void> {
  await db.deleteFrom('pending_logins').where('expires_at', '<=', now).execute();
}
