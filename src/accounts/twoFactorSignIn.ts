// Two-factor sign-in (TOTP, RFC 6238): turning it on in Settings (a new secret,
// shown as a QR code and as text, confirmed with a code; then ten single-use
// recovery codes, shown once and stored as hashes), turning it off with a code,
// and the second step of signing in. The secret is kept sealed (AES-256-GCM
// under the server's key, src/platform/secrets.ts). The second step goes by a
// pending sign-in token (stored as a hash, 10 minutes, 5 tries), not a session:
// nothing but the second step accepts it.
import type { Actor, Deps, Role } from '../platform/context.ts';
import { Conflict, type DomainError, Forbidden, Invalid, NotFound, TooManyAttempts, Unauthorized } from '../platform/errors.ts';
import { newId, newSecret, sha256 } from '../platform/ids.ts';
import type { Sealer } from '../platform/secrets.ts';
import { recordAudit } from '../audit/service.ts';
import { credentials as people } from '../people/service.ts';
import { roleAtLeast } from '../people/person.ts';
import type { Origin } from './invitations.ts';
import * as store from './store.ts';
import { acceptTotp, newRecoveryCodes, newTotpSecret, otpauthUrl, recoveryCodeHash } from './twoFactor.ts';

type Db = Deps['db'];

export const PENDING_LOGIN_TTL_MS = 10 * 60_000;
/** Codes a pending sign-in takes before it ends and the password is asked again. */
export const PENDING_LOGIN_ATTEMPTS = 5;
/** Codes (right or wrong) one person may try in a window, whichever way they come. */
export const CODE_LIMIT = { max: 10, windowMs: 15 * 60_000 };

/** A refusal decided inside a transaction whose writes must stay (a used attempt): thrown once it has committed. */
export class Refusal {
  constructor(readonly error: DomainError) {}
}

export async function committed<T>(deps: Deps, work: (trx: Db) => Promise<T | Refusal>): Promise<T> {
  const result = await deps.db.transaction().execute(work);
  if (result instanceof Refusal) throw result.error;
  return result;
}

const secretContext = (userId: string) => `totp:${userId}`;

async function setupView(db: Db, sealer: Sealer, orgId: string, userId: string, now: number) {
  const person = await people.personById(db, orgId, userId);
  const policy = await people.signInPolicy(db, orgId);
  if (!person) throw new NotFound('User');
  const secret = newTotpSecret();
  await store.putPendingTwoFactor(db, orgId, userId, sealer.seal(secret, secretContext(userId)), now);
  const url = otpauthUrl(secret, person.email, policy.orgName ? `Finishline (${policy.orgName})` : 'Finishline');
  return { secret, otpauthUrl: url, qrCode: await (await import('qrcode')).default.toDataURL(url, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) };
}

export async function twoFactorStatus(deps: Deps, actor: Actor) {
  const [row, policy] = await Promise.all([store.findTwoFactor(deps.db, actor.orgId, actor.userId), people.signInPolicy(deps.db, actor.orgId)]);
  const enabled = row?.confirmed_at != null;
  return {
    enabled,
    required: policy.requireTwoFactor === 'managers' && roleAtLeast(actor.role, 'manager'),
    recoveryCodesLeft: enabled ? await store.unusedRecoveryCodes(deps.db, actor.orgId, actor.userId) : 0,
  };
}

/** Starts setting two-factor up: a new secret, not in use until a code from it is confirmed. */
export async function startTwoFactor(deps: Deps, sealer: Sealer, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.findTwoFactor(trx, actor.orgId, actor.userId);
    if (row?.confirmed_at != null) throw new Conflict('Two-factor sign-in is on already; turn it off first to set up a new authenticator');
    return setupView(trx, sealer, actor.orgId, actor.userId, now);
  });
}

/** Confirms a pending setup with a code from it: two-factor is on and ten recovery codes are made (their hashes kept). */
async function enable(trx: Db, sealer: Sealer, who: { orgId: string; userId: string }, code: string, now: number, data: Record<string, unknown>) {
  const row = await store.findTwoFactor(trx, who.orgId, who.userId);
  if (!row) return new Refusal(new Conflict('Start setting up two-factor sign-in first', [{ path: 'code', message: 'has no setup to confirm; start again' }]));
  if (row.confirmed_at != null) return new Refusal(new Conflict('Two-factor sign-in is on already'));
  const step = acceptTotp(sealer.open(row.secret, secretContext(who.userId)), code, now, row.last_step === null ? null : Number(row.last_step));
  if (step === null || !(await store.useStep(trx, who.orgId, who.userId, step, now))) {
    return new Refusal(Invalid.field('code', 'is not the code the authenticator app shows now'));
  }
  const codes = newRecoveryCodes();
  await store.replaceRecoveryCodes(trx, who.orgId, who.userId, codes.map((c) => ({ id: newId(), code_hash: recoveryCodeHash(c) })));
  await recordAudit(trx, { orgId: who.orgId, actorId: who.userId, action: 'two_factor.enabled', subject: { type: 'user', id: who.userId }, data }, now);
  return codes;
}

export async function confirmTwoFactor(deps: Deps, sealer: Sealer, actor: Actor, code: string) {
  const now = deps.clock.now();
  await limitCodes(deps, actor.userId);
  const recoveryCodes = await committed(deps, (trx) => enable(trx, sealer, actor, code, now, {}));
  return { recoveryCodes };
}

/** Turns two-factor off: a current code or an unused recovery code is needed. */
export async function turnOffTwoFactor(deps: Deps, sealer: Sealer, actor: Actor, code: string): Promise<void> {
  const now = deps.clock.now();
  await limitCodes(deps, actor.userId);
  await committed(deps, async (trx) => {
    const row = await store.findTwoFactor(trx, actor.orgId, actor.userId);
    if (!row || row.confirmed_at == null) {
      // A setup begun and never confirmed goes quietly.
      if (row) await store.deleteTwoFactor(trx, actor.orgId, actor.userId);
      return new Refusal(new Conflict('Two-factor sign-in is not on', [{ path: 'code', message: 'is not needed: two-factor sign-in is off' }]));
    }
    const policy = await people.signInPolicy(trx, actor.orgId);
    if (policy.requireTwoFactor === 'managers' && roleAtLeast(actor.role, 'manager')) {
      return new Refusal(new Conflict('Your business requires two-factor sign-in for your role; it stays on'));
    }
    const isRecovery = !/^\d{3} ?\d{3}$/.test(code.trim());
    const ok = isRecovery ? await useRecoveryCode(trx, actor.orgId, actor.userId, code, now) : await useCode(trx, sealer, row, code, now);
    if (!ok) return new Refusal(Invalid.field('code', 'is not the code the authenticator app shows now, nor an unused recovery code'));
    await store.deleteTwoFactor(trx, actor.orgId, actor.userId);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'two_factor.disabled', subject: { type: 'user', id: actor.userId }, data: { with: isRecovery ? 'recovery code' : 'code' } }, now);
    return null;
  });
}

export async function useCode(trx: Db, sealer: Sealer, row: NonNullable<Awaited<ReturnType<typeof store.findTwoFactor>>>, code: string, now: number): Promise<boolean> {
  const step = acceptTotp(sealer.open(row.secret, secretContext(row.user_id)), code, now, row.last_step === null ? null : Number(row.last_step));
  return step !== null && (await store.useStep(trx, row.org_id, row.user_id, step));
}

async function useRecoveryCode(trx: Db, orgId: string, userId: string, code: string, now: number): Promise<boolean> {
  if (!(await store.useRecoveryCode(trx, orgId, userId, recoveryCodeHash(code), now))) return false;
  const left = await store.unusedRecoveryCodes(trx, orgId, userId);
  await recordAudit(trx, { orgId, actorId: userId, action: 'two_factor.recovery_code_used', subject: { type: 'user', id: userId }, data: { left } }, now);
  return true;
}

/** 429 once the person has tried too many codes in the window, counted on its own so a refusal keeps the count. */
export async function limitCodes(deps: Deps, userId: string): Promise<void> {
  const now = deps.clock.now();
  const counted = await store.countRequest(deps.db, `two-factor:${userId}`, now, now - CODE_LIMIT.windowMs);
  if (counted.attempts > CODE_LIMIT.max) throw tooManyCodes(counted.windowStart + CODE_LIMIT.windowMs - now);
}

function tooManyCodes(waitMs: number): TooManyAttempts {
  return new TooManyAttempts('Too many two-factor codes tried; wait a while and sign in again', Math.max(1, Math.ceil(waitMs / 1000)));
}

function wrongCode(recovery: boolean): Unauthorized {
  return recovery
    ? new Unauthorized('That recovery code is not one of yours, or was used already', [{ path: 'recoveryCode', message: 'is not an unused recovery code' }])
    : new Unauthorized('That code is not right: enter the code the authenticator app shows now', [{ path: 'code', message: 'is not the code the authenticator app shows now' }]);
}

async function newPendingLogin(trx: Db, person: { id: string; orgId: string }, purpose: 'code' | 'setup', origin: Origin, now: number): Promise<string> {
  const secret = newSecret('flp');
  await store.prunePendingLogins(trx, now);
  await store.insertPendingLogin(trx, {
    id: newId(),
    org_id: person.orgId,
    user_id: person.id,
    token_hash: sha256(secret),
    purpose,
    attempts: 0,
    user_agent: origin.userAgent ?? null,
    address: origin.ip ?? null,
    created_at: now,
    expires_at: now + PENDING_LOGIN_TTL_MS,
  });
  return secret;
}

/**
 * What a sign-in with the right password must also pass, run by people's login in its
 * transaction: password sign-in turned off for the organisation (the owner excepted),
 * then the second factor, or setting it up when the organisation requires it.
 */
export function signInGate(sealer: Sealer) {
  return async (trx: Db, person: { id: string; orgId: string; role: Role }, input: { code?: string; recoveryCode?: string } & Origin, now: number) => {
    const policy = await people.signInPolicy(trx, person.orgId);
    if (!policy.passwordSignIn && person.role !== 'owner') {
      const error = new Forbidden('This organisation signs in with single sign-on only; use the single sign-on button on the sign-in page');
      return { error: error.typed('password-sign-in-off'), failed: false };
    }
    const row = await store.findTwoFactor(trx, person.orgId, person.id);
    if (row?.confirmed_at != null) {
      if (input.code === undefined && input.recoveryCode === undefined) {
        const pendingToken = await newPendingLogin(trx, person, 'code', input, now);
        return { error: new Unauthorized('Enter the code from your authenticator app').typed('two-factor-required', { pendingToken }), failed: false };
      }
      const counted = await store.countRequest(trx, `two-factor:${person.id}`, now, now - CODE_LIMIT.windowMs);
      if (counted.attempts > CODE_LIMIT.max) return { error: tooManyCodes(counted.windowStart + CODE_LIMIT.windowMs - now), failed: false };
      const ok = input.code !== undefined ? await useCode(trx, sealer, row, input.code, now) : await useRecoveryCode(trx, person.orgId, person.id, input.recoveryCode!, now);
      if (ok) return null;
      return { error: wrongCode(input.code === undefined).typed('two-factor-required'), failed: true };
    }
    if (policy.requireTwoFactor === 'managers' && roleAtLeast(person.role, 'manager')) {
      const pendingToken = await newPendingLogin(trx, person, 'setup', input, now);
      const error = new Unauthorized('Your organisation requires two-factor sign-in: set it up to finish signing in');
      return { error: error.typed('two-factor-setup-required', { pendingToken }), failed: false };
    }
    return null;
  };
}

/** The pending sign-in behind a token, counted one more try; a refusal when it is unknown, used, expired, tried too often, or for another step. */
async function takeTry(trx: Db, token: string, purpose: 'code' | 'setup', now: number, count = true) {
  const gone = () => new Refusal(new Unauthorized('This sign-in has expired or was finished; sign in again', [{ path: 'pendingToken', message: 'has expired or was used; sign in again' }]));
  const pending = await store.findPendingLogin(trx, sha256(token));
  if (!pending || pending.purpose !== purpose || Number(pending.expires_at) <= now) return gone();
  const attempts = count ? await store.countPendingAttempt(trx, pending.id) : Number(pending.attempts);
  if (attempts === null) return gone();
  if (attempts > PENDING_LOGIN_ATTEMPTS) {
    await store.deletePendingLogin(trx, pending.id);
    return new Refusal(new Unauthorized('Too many wrong codes; sign in again', [{ path: 'pendingToken', message: 'has had too many wrong codes; sign in again' }]));
  }
  const person = await people.personById(trx, pending.org_id, pending.user_id);
  if (!person?.active) return gone();
  return { pending, person };
}

async function finish(trx: Db, pending: store.PendingLoginRow, ttlMs: number, now: number) {
  if (!(await store.deletePendingLogin(trx, pending.id))) return null;
  const session = await people.issueSession(trx, { orgId: pending.org_id, userId: pending.user_id, name: 'login', now, ttlMs, userAgent: pending.user_agent, address: pending.address });
  await recordAudit(trx, { orgId: pending.org_id, actorId: pending.user_id, action: 'session.created', subject: { type: 'session', id: session.id }, ip: pending.address, data: { twoFactor: true } }, now);
  return { token: session.secret, user: await people.presentPerson(trx, pending.org_id, pending.user_id) };
}

/** The second step: the pending sign-in's token and a code (or a recovery code) → a session. */
export async function completeSignIn(deps: Deps, sealer: Sealer, input: { pendingToken: string; code?: string; recoveryCode?: string }, ttlMs: number) {
  if (input.code === undefined && input.recoveryCode === undefined) throw Invalid.field('code', 'is required (or a recovery code)');
  const now = deps.clock.now();
  return committed(deps, async (trx) => {
    const taken = await takeTry(trx, input.pendingToken, 'code', now);
    if (taken instanceof Refusal) return taken;
    const { pending } = taken;
    const counted = await store.countRequest(trx, `two-factor:${pending.user_id}`, now, now - CODE_LIMIT.windowMs);
    if (counted.attempts > CODE_LIMIT.max) return new Refusal(tooManyCodes(counted.windowStart + CODE_LIMIT.windowMs - now));
    const row = await store.findTwoFactor(trx, pending.org_id, pending.user_id);
    if (row?.confirmed_at == null) return new Refusal(Invalid.field('pendingToken', 'is for a sign-in without two-factor; sign in again'));
    const ok = input.code !== undefined ? await useCode(trx, sealer, row, input.code, now) : await useRecoveryCode(trx, pending.org_id, pending.user_id, input.recoveryCode!, now);
    if (!ok) return new Refusal(wrongCode(input.code === undefined).typed('two-factor-required', { pendingToken: input.pendingToken }));
    return (await finish(trx, pending, ttlMs, now)) ?? new Refusal(Invalid.field('pendingToken', 'was used already'));
  });
}

/** Setting two-factor up while signing in, when the organisation requires it: a new secret for the pending sign-in's person. */
export async function startRequiredSetup(deps: Deps, sealer: Sealer, pendingToken: string) {
  const now = deps.clock.now();
  return committed(deps, async (trx) => {
    const taken = await takeTry(trx, pendingToken, 'setup', now, false);
    if (taken instanceof Refusal) return taken;
    return setupView(trx, sealer, taken.pending.org_id, taken.pending.user_id, now);
  });
}

/** Confirms the setup with a code: two-factor is on, the sign-in finishes, and the recovery codes come back once. */
export async function confirmRequiredSetup(deps: Deps, sealer: Sealer, input: { pendingToken: string; code: string }, ttlMs: number) {
  const now = deps.clock.now();
  return committed(deps, async (trx) => {
    const taken = await takeTry(trx, input.pendingToken, 'setup', now);
    if (taken instanceof Refusal) return taken;
    const codes = await enable(trx, sealer, { orgId: taken.pending.org_id, userId: taken.pending.user_id }, input.code, now, { duringSignIn: true });
    if (codes instanceof Refusal) return codes;
    const signedIn = await finish(trx, taken.pending, ttlMs, now);
    if (!signedIn) return new Refusal(Invalid.field('pendingToken', 'was used already'));
    return { ...signedIn, recoveryCodes: codes };
  });
}
