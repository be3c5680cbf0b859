// When a second factor is lost, or its recovery codes run low: a person renews
// their ten recovery codes (with a current code or their password; the old ones
// stop working), and an admin resets the two-factor sign-in of someone who lost
// both phone and codes — their sessions end, they are told by email, and if the
// business requires two-factor they set it up again at their next sign-in.
import type { Actor, Deps, Role } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/pagination.ts';
import type { Sealer } from '../platform/secrets.ts';
import { recordAudit } from '../audit/service.ts';
import { accountForCommandLine, credentials as people, requireRole, verifyPassword } from '../people/service.ts';
import { RIGHTS, roleAtLeast } from '../people/person.ts';
import { type AccountMail, twoFactorResetEmail } from './mail.ts';
import * as store from './store.ts';
import { committed, limitCodes, Refusal, useCode } from './twoFactorSignIn.ts';
import { newRecoveryCodes, recoveryCodeHash } from './twoFactor.ts';

/** Ten new recovery codes for the caller, proven by a current code or the password; the old ones stop working. */
export async function renewRecoveryCodes(deps: Deps, sealer: Sealer, actor: Actor, proof: { code?: string; password?: string }) {
  if ((proof.code === undefined) === (proof.password === undefined)) throw Invalid.field('code', 'is required: the code the authenticator app shows now, or your password instead');
  await limitCodes(deps, actor.userId);
  const now = deps.clock.now();
  const recoveryCodes = await committed(deps, async (trx) => {
    const row = await store.findTwoFactor(trx, actor.orgId, actor.userId);
    if (row?.confirmed_at == null) return new Refusal(new Conflict('Two-factor sign-in is not on: there are no recovery codes to renew'));
    if (proof.code !== undefined && !(await useCode(trx, sealer, row, proof.code, now))) {
      return new Refusal(Invalid.field('code', 'is not the code the authenticator app shows now'));
    }
    if (proof.password !== undefined) {
      const person = await people.personById(trx, actor.orgId, actor.userId);
      if (!(await verifyPassword(proof.password, person?.passwordHash ?? null))) return new Refusal(Invalid.field('password', 'is not your password'));
    }
    const codes = newRecoveryCodes();
    await store.replaceRecoveryCodes(trx, actor.orgId, actor.userId, codes.map((c) => ({ id: newId(), code_hash: recoveryCodeHash(c) })));
    const data = { with: proof.code !== undefined ? 'code' : 'password' };
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'two_factor.recovery_codes_renewed', subject: { type: 'user', id: actor.userId }, data }, now);
    return codes;
  });
  return { recoveryCodes };
}

/**
 * Whose two-factor sign-in an admin may reset: never their own (they turn it off
 * with a code); an admin's or the owner's only by the owner, as with their roles.
 */
export function mayResetTwoFactor(actor: { role: Role; userId: string }, person: { role: Role; id: string }): string | null {
  if (person.id === actor.userId) return 'Your own two-factor sign-in is turned off in Settings, under Security, with a code';
  if (!roleAtLeast(actor.role, RIGHTS.managePeople.minimum)) return RIGHTS.managePeople.who;
  if (roleAtLeast(person.role, 'admin') && actor.role !== 'owner') return `Only the owner may reset the two-factor sign-in of ${person.role === 'owner' ? 'an owner' : 'an admin'}`;
  return null;
}

/** The people of the business whose two-factor sign-in is on (admins). */
export async function whoHasTwoFactor(deps: Deps, actor: Actor) {
  requireRole(actor, RIGHTS.managePeople.minimum);
  const rows = await store.twoFactorOn(deps.db, actor.orgId);
  return { items: rows.map((r) => ({ userId: r.user_id, since: iso(r.confirmed_at)! })) };
}

/** An admin resets a person's lost second factor: it is gone with its recovery codes, their sessions end, and they are told by email. */
export async function resetTwoFactor(deps: Deps, mail: AccountMail, actor: Actor, userId: string): Promise<void> {
  requireRole(actor, RIGHTS.managePeople.minimum);
  const now = deps.clock.now();
  const done = await deps.db.transaction().execute(async (trx) => {
    const person = await people.personById(trx, actor.orgId, userId);
    if (!person) throw new NotFound('User');
    const refusal = mayResetTwoFactor(actor, person);
    if (refusal) throw new Forbidden(refusal);
    await clearSecondFactor(trx, { orgId: actor.orgId, userId, name: person.name }, actor.userId, now);
    const policy = await people.signInPolicy(trx, actor.orgId);
    const admin = await people.personById(trx, actor.orgId, actor.userId);
    return { person, policy, adminName: admin?.name ?? 'An admin' };
  });
  if (!mail.enabled) return;
  const { person, policy, adminName } = done;
  const setUpAgain = policy.requireTwoFactor === 'managers' && roleAtLeast(person.role, 'manager');
  mail.later(() => mail.send(twoFactorResetEmail(person.email, { orgName: policy.orgName, name: person.name, adminName, setUpAgain, publicUrl: mail.publicUrl })));
}

/**
 * Takes a person's second factor away, with its recovery codes, sign-ins waiting for a code and
 * every session, audited as done by `byUserId` (null: the server's command line). Refused when
 * two-factor is not on. Returns how many sessions ended.
 */
async function clearSecondFactor(trx: Db, person: { orgId: string; userId: string; name: string }, byUserId: string | null, now: number): Promise<number> {
  const { orgId, userId } = person;
  const row = await store.findTwoFactor(trx, orgId, userId);
  if (row?.confirmed_at == null) throw new Conflict(`${person.name} has not turned two-factor sign-in on: there is nothing to reset`);
  await store.deleteTwoFactor(trx, orgId, userId);
  await store.deletePendingLoginsOf(trx, orgId, userId);
  const sessionsEnded = await people.endSessions(trx, orgId, userId, now);
  const data = byUserId === null ? { sessionsEnded, by: 'command line' } : { sessionsEnded };
  await recordAudit(trx, { orgId, actorId: byUserId, action: 'two_factor.reset', subject: { type: 'user', id: userId }, data }, now);
  return sessionsEnded;
}

/**
 * The way back in when nobody in the business may reset someone's lost second factor — the owner's
 * own, above all: `finishline two-factor reset --email E [--org BUSINESS]`, run by whoever runs the
 * server. The person then signs in with their password (and sets two-factor up again where the
 * business requires it).
 */
export async function resetTwoFactorFromCommandLine(deps: Deps, email: string, orgSlug?: string) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const account = await accountForCommandLine(trx, email, orgSlug);
    const sessionsEnded = await clearSecondFactor(trx, { orgId: account.org_id, userId: account.id, name: account.name }, null, now);
    const policy = await people.signInPolicy(trx, account.org_id);
    return { name: account.name, orgName: policy.orgName, sessionsEnded, setUpAgain: policy.requireTwoFactor === 'managers' && roleAtLeast(account.role as Role, 'manager') };
  });
}