// Invitations: an admin invites someone by email; the link in it (its token
// stored only as a hash, like an API token) works once, for 7 days, and lets
// the person choose a name and password and start a session.
import type { Actor, Deps } from '../platform/context.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../platform/errors.ts';
import { newId, newSecret, sha256 } from '../platform/ids.ts';
import { decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import { recordAudit } from '../audit/service.ts';
import { hashPassword } from '../people/service.ts';
import { mayGrantRole } from '../people/person.ts';
import { credentials as people } from '../people/service.ts';
import type { Role } from '../platform/context.ts';
import { INVITATION_TTL_MS, type InvitationInput } from './account.ts';
import { acceptLink, type AccountMail, invitationEmail } from './mail.ts';
import * as store from './store.ts';

export interface Origin {
  ip?: string | null;
  userAgent?: string | null;
}

function present(row: store.InvitationRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    teamIds: JSON.parse(row.team_ids) as string[],
    invitedBy: row.invited_by,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    sentAt: iso(row.sent_at),
  };
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'owner' && actor.role !== 'admin') throw new Forbidden('Inviting people needs the admin role or above');
}

export async function invite(deps: Deps, mail: AccountMail, actor: Actor, input: InvitationInput) {
  requireAdmin(actor);
  if (!mayGrantRole(actor.role, null, input.role)) {
    throw new Forbidden(`You may not invite someone as ${input.role}`, [{ path: 'role', message: `you may not grant the ${input.role} role` }]);
  }
  const now = deps.clock.now();
  const secret = newSecret('fli');
  const row = await deps.db.transaction().execute(async (trx) => {
    if (await people.personInOrgByEmail(trx, actor.orgId, input.email)) throw people.emailTaken();
    if (await store.findPendingInvitation(trx, actor.orgId, input.email, now)) {
      throw new Conflict('This email has an open invitation already; send it again instead', [{ path: 'email', message: 'is invited already' }]);
    }
    const teamIds = [...new Set(input.teamIds)];
    const found = await people.existingTeamIds(trx, actor.orgId, teamIds);
    const missing = input.teamIds.flatMap((id, i) => (found.has(id) ? [] : [{ path: `teamIds.${i}`, message: 'no such team' }]));
    if (missing.length > 0) throw new NotFound('Team', missing);
    const invitation: store.InvitationRow = {
      id: newId(),
      org_id: actor.orgId,
      email: input.email,
      name: input.name ?? null,
      role: input.role,
      team_ids: JSON.stringify(teamIds),
      token_hash: sha256(secret),
      invited_by: actor.userId,
      created_at: now,
      expires_at: now + INVITATION_TTL_MS,
      sent_at: mail.enabled ? now : null,
      accepted_at: null,
      accepted_user_id: null,
      revoked_at: null,
    };
    await store.insertInvitation(trx, invitation);
    const data = { email: input.email, role: input.role, emailed: mail.enabled };
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'invitation.created', subject: { type: 'invitation', id: invitation.id }, data }, now);
    return invitation;
  });
  return deliver(deps, mail, actor, row, secret);
}

/** Emails the link (after the reply), or hands it back to pass on by hand when email is off. */
async function deliver(deps: Deps, mail: AccountMail, actor: Actor, row: store.InvitationRow, secret: string) {
  const link = acceptLink(mail.publicUrl, secret);
  if (!mail.enabled) return { ...present(row), acceptUrl: link };
  const [policy, inviter] = await Promise.all([people.signInPolicy(deps.db, actor.orgId), people.personById(deps.db, actor.orgId, actor.userId)]);
  const message = invitationEmail(row.email, {
    orgName: policy.orgName,
    inviterName: inviter?.name ?? policy.orgName,
    role: row.role,
    link,
    expiresAt: iso(row.expires_at),
    publicUrl: mail.publicUrl,
  });
  mail.later(() => mail.send(message));
  return present(row);
}

export async function listInvitations(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }) {
  requireAdmin(actor);
  const after = page.cursor ? String(decodeCursor(page.cursor, ['text'])[0]) : undefined;
  const rows = await store.listPendingInvitations(deps.db, actor.orgId, deps.clock.now(), { limit: page.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  return { items: items.map(present), nextCursor };
}

async function openInvitation(trx: Deps['db'], actor: Actor, id: string, now: number) {
  const row = await store.findInvitation(trx, actor.orgId, id);
  if (!row || row.accepted_at !== null || row.revoked_at !== null || Number(row.expires_at) <= now) throw new NotFound('Invitation');
  return row;
}

export async function revokeInvitation(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await openInvitation(trx, actor, id, now);
    await store.updateInvitation(trx, actor.orgId, id, { revoked_at: now });
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'invitation.revoked', subject: { type: 'invitation', id }, data: { email: row.email } }, now);
  });
}

/** A new link (the old one stops working) valid for another 7 days, emailed again or handed back. */
export async function resendInvitation(deps: Deps, mail: AccountMail, actor: Actor, id: string) {
  requireAdmin(actor);
  const now = deps.clock.now();
  const secret = newSecret('fli');
  const row = await deps.db.transaction().execute(async (trx) => {
    const open = await openInvitation(trx, actor, id, now);
    const set = { token_hash: sha256(secret), expires_at: now + INVITATION_TTL_MS, sent_at: mail.enabled ? now : open.sent_at };
    await store.updateInvitation(trx, actor.orgId, id, set);
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'invitation.resent', subject: { type: 'invitation', id }, data: { email: open.email, emailed: mail.enabled } }, now);
    return { ...open, ...set };
  });
  return deliver(deps, mail, actor, row, secret);
}

const badToken = () => Invalid.field('token', 'is not a valid invitation: it was used already, revoked, or has expired');

/** The open invitation behind a link's token; 400 naming the token when there is none. */
async function openByToken(db: Deps['db'], token: string, now: number) {
  const row = await store.findInvitationByHash(db, sha256(token));
  if (!row || row.accepted_at !== null || row.revoked_at !== null || Number(row.expires_at) <= now) throw badToken();
  return row;
}

/** What the accept page shows first: who is invited where, and how that business signs in (a password, or its single sign-on only). */
export async function invitationDetails(deps: Deps, token: string) {
  const row = await openByToken(deps.db, token, deps.clock.now());
  const [policy, provider] = await Promise.all([people.signInPolicy(deps.db, row.org_id), store.findSsoProvider(deps.db, row.org_id)]);
  return {
    email: row.email,
    name: row.name,
    role: row.role as Role,
    org: { name: policy.orgName, slug: policy.orgSlug },
    passwordSignIn: policy.passwordSignIn,
    sso: provider ? { name: provider.name } : null,
  };
}

/** The person behind an invitation chooses a name and password: they are added, signed in, and the link stops working. */
export async function acceptInvitation(deps: Deps, input: { token: string; name: string; password: string }, sessionTtlMs: number, origin: Origin) {
  const now = deps.clock.now();
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction().execute(async (trx) => {
    const row = await openByToken(trx, input.token, now);
    if (!(await people.signInPolicy(trx, row.org_id)).passwordSignIn) {
      const refusal = new Forbidden('This business signs in with single sign-on only: join it with the single sign-on button instead of a password', [{ path: 'password', message: 'is not used here: this business signs in with single sign-on' }]);
      throw refusal.typed('password-sign-in-off');
    }
    const userId = await people.addPerson(trx, {
      orgId: row.org_id,
      email: row.email,
      name: input.name,
      role: row.role as Role,
      passwordHash,
      teamIds: JSON.parse(row.team_ids) as string[],
      now,
    });
    if (!(await store.claimInvitation(trx, row.id, now, userId))) throw badToken();
    const session = await people.issueSession(trx, { orgId: row.org_id, userId, name: 'invitation', now, ttlMs: sessionTtlMs, userAgent: origin.userAgent, address: origin.ip });
    await recordAudit(trx, { orgId: row.org_id, actorId: userId, action: 'invitation.accepted', subject: { type: 'invitation', id: row.id }, ip: origin.ip, data: { email: row.email, role: row.role } }, now);
    return { token: session.secret, user: await people.presentPerson(trx, row.org_id, userId) };
  });
}
