// Password reset by email. Asking answers the same, at once, whatever the
// email: the people with it are looked up and mailed after the reply — one
// email per business the address has an account in, each naming its business. The link's token is
// stored only as a hash, works once and for an hour, and using it ends every
// session and API token of the person. Where the organisation signs in with single
// sign-on only, nobody but the owner is sent a link (the answer is the same).
import type { Deps } from '../platform/context.ts';
import { Invalid, TooManyAttempts } from '../platform/errors.ts';
import { newId, newSecret, sha256 } from '../platform/ids.ts';
import { recordAudit } from '../audit/service.ts';
import { hashPassword } from '../people/service.ts';
import { credentials as people } from '../people/service.ts';
import { addressKey } from '../people/service.ts';
import { RESET_LIMITS, RESET_TTL_MS } from './account.ts';
import type { Origin } from './invitations.ts';
import { type AccountMail, passwordResetEmail, resetLink } from './mail.ts';
import * as store from './store.ts';

const lastPruned = new WeakMap<Deps['db'], number>();

/** Counts a request under `key`; 429 once the window's allowance is used up. */
export async function limitRequests(deps: Deps, key: string, max: number, windowMs: number, message: string): Promise<void> {
  const now = deps.clock.now();
  const counted = await store.countRequest(deps.db, key, now, now - windowMs);
  if (now - (lastPruned.get(deps.db) ?? -Infinity) >= windowMs) {
    lastPruned.set(deps.db, now);
    await store.pruneRequestCounts(deps.db, now - windowMs);
  }
  if (counted.attempts > max) throw new TooManyAttempts(message, Math.max(1, Math.ceil((counted.windowStart + windowMs - now) / 1000)));
}

export async function requestReset(deps: Deps, mail: AccountMail, email: string, origin: Origin): Promise<void> {
  const { perAddress, perEmail, windowMs } = RESET_LIMITS;
  if (origin.ip) await limitRequests(deps, `reset-address:${addressKey(origin.ip)}`, perAddress, windowMs, 'Too many password reset requests from this address; try again later');
  // Counted whether or not the email belongs to anyone, so the limit says nothing about that either.
  await limitRequests(deps, `reset-email:${email}`, perEmail, windowMs, 'Too many password reset requests for this email; try again later');
  mail.later(() => sendResetLink(deps, mail, email, origin));
}

async function sendResetLink(deps: Deps, mail: AccountMail, email: string, origin: Origin): Promise<void> {
  // Without email there is no way to hand the link over: nothing is made.
  if (!mail.enabled) return;
  for (const { person, secret } of await issueResets(deps, email, origin)) {
    const policy = await people.signInPolicy(deps.db, person.orgId);
    await mail.send(passwordResetEmail(person.email, { orgName: policy.orgName, name: person.name, link: resetLink(mail.publicUrl, secret), publicUrl: mail.publicUrl }));
  }
}

/**
 * Whether a password is a way in for this person: not when their organisation signs in
 * with single sign-on only, unless they are the owner (who keeps it for when the provider is down).
 */
async function signsInWithPassword(db: Deps['db'], person: { orgId: string; role: string }): Promise<boolean> {
  return person.role === 'owner' || (await people.signInPolicy(db, person.orgId)).passwordSignIn;
}

/**
 * Makes a reset link's token for each active person with this email for whom a password is a
 * way in (one per business; none when there is nobody); their hashes are kept.
 */
export async function issueResets(deps: Deps, email: string, origin: Origin) {
  const accounts = [];
  for (const person of await people.peopleByEmail(deps.db, email)) {
    if (person.active && (await signsInWithPassword(deps.db, person))) accounts.push(person);
  }
  const now = deps.clock.now();
  const issued = accounts.map((person) => ({ person, secret: newSecret('flr') }));
  if (issued.length === 0) return issued;
  await deps.db.transaction().execute(async (trx) => {
    for (const { person, secret } of issued) {
      await store.insertPasswordReset(trx, { id: newId(), org_id: person.orgId, user_id: person.id, token_hash: sha256(secret), created_at: now, expires_at: now + RESET_TTL_MS, used_at: null });
      await recordAudit(trx, { orgId: person.orgId, actorId: null, action: 'password.reset_requested', subject: { type: 'user', id: person.id }, ip: origin.ip }, now);
    }
  });
  return issued;
}

const badToken = () => Invalid.field('token', 'is not a valid reset link: it was used already or has expired');

export async function confirmReset(deps: Deps, input: { token: string; password: string }, origin: Origin): Promise<void> {
  const now = deps.clock.now();
  const passwordHash = await hashPassword(input.password);
  await deps.db.transaction().execute(async (trx) => {
    const reset = await store.findPasswordReset(trx, sha256(input.token));
    if (!reset) throw badToken();
    const person = await people.personById(trx, reset.org_id, reset.user_id);
    if (!person || !person.active || !(await signsInWithPassword(trx, person)) || !(await store.claimPasswordReset(trx, reset.id, now))) throw badToken();
    await people.setPasswordHash(trx, person.orgId, person.id, passwordHash, now);
    await store.closePasswordResets(trx, person.id, now);
    const ended = await people.endSignIns(trx, person.orgId, person.id, now);
    await recordAudit(trx, { orgId: person.orgId, actorId: person.id, action: 'password.reset', subject: { type: 'user', id: person.id }, ip: origin.ip, data: { signInsEnded: ended } }, now);
  });
}
