// HTTP routes of accounts: invitations, password resets, your sessions, two-factor sign-in and single sign-on.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { newSecret } from '../platform/ids.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf, clearSessionCookies, setSessionCookies, userAgentOf } from '../platform/http/auth.ts';
import { idParams, pageOfSchema, pageQuery, problems } from '../platform/http/schemas.ts';
import type { Sealer } from '../platform/secrets.ts';
import {
  acceptBody,
  invitationBody,
  invitationCreated,
  invitationDetailsView,
  invitationLookupBody,
  invitationView,
  pendingConfirmBody,
  pendingSetupBody,
  recoveryCodesView,
  renewCodesBody,
  resetConfirmBody,
  resetRequestBody,
  secondStepBody,
  sessionView,
  ssoSettingsBody,
  ssoSettingsView,
  twoFactorCodeBody,
  twoFactorOffBody,
  twoFactorPeopleView,
  twoFactorSetupView,
  twoFactorStatusView,
  userView,
} from './account.ts';
import * as invitations from './invitations.ts';
import type { AccountMail } from './mail.ts';
import * as resets from './resets.ts';
import * as sessions from './sessions.ts';
import * as sso from './sso.ts';
import * as twoFactor from './twoFactorSignIn.ts';
import * as lostFactor from './twoFactorRecovery.ts';

export interface AccountRouteOptions {
  mail: AccountMail;
  sessionTtlMs: number;
  /** Seals TOTP secrets and client secrets at rest. */
  sealer: Sealer;
  sso: sso.SsoOptions;
}

/** The cookie that binds a single sign-on's state to the browser that started it. */
const SSO_STATE_COOKIE = 'fl_sso';
const signedIn = z.object({ token: z.string(), user: userView });

export function originOf(request: FastifyRequest) {
  return { ip: request.ip, userAgent: userAgentOf(request) };
}

export function startSession(request: FastifyRequest, reply: FastifyReply, token: string, ttlMs: number): void {
  setSessionCookies(reply, token, newSecret('csrf'), { secure: request.protocol === 'https', maxAgeMs: ttlMs });
}

export function accountRoutes(app: FastifyInstance, deps: Deps, options: AccountRouteOptions): void {
  const r = typed(app);
  const { mail } = options;

  r.post('/api/v1/invitations', {
    schema: {
      tags: ['accounts'],
      summary: 'Invite someone by email (admins)',
      description: 'Emails a link to the accept page at FINISHLINE_PUBLIC_URL, working once and for 7 days. Without email configured, the link comes back as acceptUrl to pass on.',
      body: invitationBody,
      response: { 201: invitationCreated, ...problems(403, 404, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await invitations.invite(deps, mail, callerOf(request), request.body)));

  r.get('/api/v1/invitations', {
    schema: { tags: ['accounts'], summary: 'Open invitations (admins)', querystring: pageQuery, response: { 200: pageOfSchema(invitationView), ...problems(403) } },
  }, async (request) => invitations.listInvitations(deps, callerOf(request), request.query));

  r.delete('/api/v1/invitations/:id', {
    schema: { tags: ['accounts'], summary: 'Revoke an open invitation (admins)', params: idParams, response: { 204: z.null(), ...problems(403, 404) } },
  }, async (request, reply) => {
    await invitations.revokeInvitation(deps, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  r.post('/api/v1/invitations/:id/resend', {
    schema: {
      tags: ['accounts'],
      summary: 'Send an open invitation again with a new link, valid another 7 days; the old link stops working (admins)',
      params: idParams,
      response: { 200: invitationCreated, ...problems(403, 404) },
    },
  }, async (request) => invitations.resendInvitation(deps, mail, callerOf(request), request.params.id));

  r.post('/api/v1/invitations/lookup', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'What an invitation link is for: the email, the business, and how it signs in — with a password, or with its single sign-on only (then the person joins by signing in with it)',
      body: invitationLookupBody,
      response: { 200: invitationDetailsView, ...problems() },
    },
  }, async (request) => invitations.invitationDetails(deps, request.body.token));

  r.post('/api/v1/invitations/accept', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Accept an invitation: choose a name and password, and start a session',
      description: 'Where the business signs in with single sign-on only, a password is refused (403, type password-sign-in-off): the person joins by signing in with single sign-on, which matches their invitation.',
      body: acceptBody,
      response: { 201: z.object({ token: z.string(), user: userView }), ...problems(403, 409) },
    },
  }, async (request, reply) => {
    const result = await invitations.acceptInvitation(deps, request.body, options.sessionTtlMs, originOf(request));
    startSession(request, reply, result.token, options.sessionTtlMs);
    return reply.code(201).send(result);
  });

  r.post('/api/v1/password-reset', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Ask for a password reset link by email',
      description: `Answers 202 whatever the email, at once; the link (working once, for an hour) is emailed afterwards if the email belongs to someone. Limited per client address and per email (429 with Retry-After).`,
      body: resetRequestBody,
      response: { 202: z.null(), ...problems(429) },
    },
  }, async (request, reply) => {
    await resets.requestReset(deps, mail, request.body.email, originOf(request));
    return reply.code(202).send(null);
  });

  r.post('/api/v1/password-reset/confirm', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Set a new password with a reset link’s token; every session and API token of the person ends',
      body: resetConfirmBody,
      response: { 204: z.null(), ...problems() },
    },
  }, async (request, reply) => {
    await resets.confirmReset(deps, request.body, originOf(request));
    return reply.code(204).send(null);
  });

  r.get('/api/v1/me/sessions', {
    schema: {
      tags: ['accounts'],
      summary: 'Your sessions and API tokens that still work: where each came from, when it was last used, and which is this one',
      response: { 200: pageOfSchema(sessionView), ...problems() },
    },
  }, async (request) => sessions.listMySessions(deps, callerOf(request)));

  r.delete('/api/v1/me/sessions/:id', {
    schema: { tags: ['accounts'], summary: 'End one of your sessions or API tokens', params: idParams, response: { 204: z.null(), ...problems(404) } },
  }, async (request, reply) => {
    const caller = callerOf(request);
    await sessions.endMySession(deps, caller, request.params.id);
    if (request.params.id === caller.tokenId && request.authVia === 'cookie') clearSessionCookies(reply);
    return reply.code(204).send(null);
  });

  r.delete('/api/v1/me/sessions', {
    schema: { tags: ['accounts'], summary: 'Sign out everywhere else: every session but this one ends (API tokens stay)', response: { 204: z.null(), ...problems() } },
  }, async (request, reply) => {
    await sessions.endOtherSessions(deps, callerOf(request));
    return reply.code(204).send(null);
  });

  const { sealer } = options;

  r.get('/api/v1/me/two-factor', {
    schema: { tags: ['accounts'], summary: 'Whether your two-factor sign-in is on, whether your organisation requires it of you, and how many recovery codes are left', response: { 200: twoFactorStatusView, ...problems() } },
  }, async (request) => twoFactor.twoFactorStatus(deps, callerOf(request)));

  r.post('/api/v1/me/two-factor', {
    schema: {
      tags: ['accounts'],
      summary: 'Start setting up two-factor sign-in: a new secret (as text, as an otpauth address and as a QR code); not on until a code confirms it',
      response: { 201: twoFactorSetupView, ...problems(409) },
    },
  }, async (request, reply) => reply.code(201).send(await twoFactor.startTwoFactor(deps, sealer, callerOf(request))));

  r.post('/api/v1/me/two-factor/confirm', {
    schema: {
      tags: ['accounts'],
      summary: 'Confirm the setup with the authenticator app’s code: two-factor sign-in is on, and 10 single-use recovery codes come back, this once',
      description: 'Codes tried are limited per person (10 in 15 minutes; beyond, 429).',
      body: twoFactorCodeBody,
      response: { 200: recoveryCodesView, ...problems(409, 429) },
    },
  }, async (request) => twoFactor.confirmTwoFactor(deps, sealer, callerOf(request), request.body.code));

  r.delete('/api/v1/me/two-factor', {
    schema: { tags: ['accounts'], summary: 'Turn two-factor sign-in off, with a current code or an unused recovery code', body: twoFactorOffBody, response: { 204: z.null(), ...problems(409, 429) } },
  }, async (request, reply) => {
    await twoFactor.turnOffTwoFactor(deps, sealer, callerOf(request), request.body.code);
    return reply.code(204).send(null);
  });

  r.post('/api/v1/me/two-factor/recovery-codes', {
    schema: {
      tags: ['accounts'],
      summary: 'Renew your recovery codes with a current code or your password: 10 new single-use codes come back, this once, and the old ones stop working',
      description: 'Send code or password, not both. Codes and passwords tried are limited per person (10 in 15 minutes; beyond, 429).',
      body: renewCodesBody,
      response: { 200: recoveryCodesView, ...problems(409, 429) },
    },
  }, async (request) => lostFactor.renewRecoveryCodes(deps, sealer, callerOf(request), request.body));

  r.get('/api/v1/two-factor/users', {
    schema: { tags: ['accounts'], summary: 'Who in the business has two-factor sign-in on, and since when (admins)', response: { 200: twoFactorPeopleView, ...problems(403) } },
  }, async (request) => lostFactor.whoHasTwoFactor(deps, callerOf(request)));

  r.delete('/api/v1/users/:id/two-factor', {
    schema: {
      tags: ['accounts'],
      summary: 'Reset the two-factor sign-in of someone who lost their phone and recovery codes (admins)',
      description: 'Their authenticator and recovery codes stop working, every session of theirs ends (API tokens stay), and they are told by email. If the business requires two-factor of their role, they set it up again at their next sign-in. Nobody resets their own; only the owner resets an admin’s or an owner’s.',
      params: idParams,
      response: { 204: z.null(), ...problems(403, 404, 409) },
    },
  }, async (request, reply) => {
    await lostFactor.resetTwoFactor(deps, mail, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  r.post('/api/v1/sessions/two-factor', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'The second step of signing in: the pendingToken of the 401 two-factor-required answer and a code (or a recovery code) → a session',
      description: 'A code is RFC 6238 (30 s, 6 digits, one step either side) and is never accepted twice. A pending sign-in lasts 10 minutes and 5 codes; codes are also limited per person (10 in 15 minutes).',
      body: secondStepBody,
      response: { 201: signedIn, ...problems(429) },
    },
  }, async (request, reply) => {
    const result = await twoFactor.completeSignIn(deps, sealer, request.body, options.sessionTtlMs);
    startSession(request, reply, result.token, options.sessionTtlMs);
    return reply.code(201).send(result);
  });

  r.post('/api/v1/sessions/two-factor/setup', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Set up two-factor while signing in, when the organisation requires it: the pendingToken of the 401 two-factor-setup-required answer → a new secret',
      body: pendingSetupBody,
      response: { 201: twoFactorSetupView, ...problems() },
    },
  }, async (request, reply) => reply.code(201).send(await twoFactor.startRequiredSetup(deps, sealer, request.body.pendingToken)));

  r.post('/api/v1/sessions/two-factor/setup/confirm', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Confirm the setup begun while signing in with a code: two-factor is on, the session starts, and the recovery codes come back this once',
      body: pendingConfirmBody,
      response: { 201: signedIn.extend(recoveryCodesView.shape), ...problems(409) },
    },
  }, async (request, reply) => {
    const result = await twoFactor.confirmRequiredSetup(deps, sealer, request.body, options.sessionTtlMs);
    startSession(request, reply, result.token, options.sessionTtlMs);
    return reply.code(201).send(result);
  });

  r.get('/api/v1/sso/settings', {
    schema: { tags: ['accounts'], summary: 'The organisation’s single sign-on (OpenID Connect) settings, null when it has none; the client secret is never shown (admins)', response: { 200: ssoSettingsView.nullable(), ...problems(403) } },
  }, async (request) => sso.getSettings(deps, options.sso, callerOf(request)));

  r.put('/api/v1/sso/settings', {
    schema: {
      tags: ['accounts'],
      summary: 'Set up or change single sign-on (admins)',
      description: 'The issuer must answer OpenID Connect discovery (checked now). Register redirectUri (FINISHLINE_PUBLIC_URL/sso/callback) at the provider. The client secret is kept sealed (AES-256-GCM) and never returned; left out, the saved one is kept.',
      body: ssoSettingsBody,
      response: { 200: ssoSettingsView, ...problems(403) },
    },
  }, async (request) => sso.putSettings(deps, sealer, options.sso, callerOf(request), request.body));

  r.delete('/api/v1/sso/settings', {
    schema: { tags: ['accounts'], summary: 'Remove single sign-on (admins); refused while password sign-in is off', response: { 204: z.null(), ...problems(403, 404, 409) } },
  }, async (request, reply) => {
    await sso.deleteSettings(deps, callerOf(request));
    return reply.code(204).send(null);
  });

  r.get('/api/v1/sso/orgs/:slug', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'What an organisation’s sign-in page offers (/login?org=<slug>): its name, its single sign-on button, whether passwords sign in',
      params: z.strictObject({ slug: z.string().min(1).max(100) }),
      response: { 200: z.object({ name: z.string(), slug: z.string(), sso: z.object({ name: z.string() }).nullable(), passwordSignIn: z.boolean() }), ...problems(404) },
    },
  }, async (request) => sso.signInOptions(deps, request.params.slug));

  r.get('/api/v1/sso/start', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Start signing in with the organisation’s OpenID provider: redirects (302) to it, with PKCE, state and nonce; the state is bound to this browser by a cookie',
      querystring: z.strictObject({ org: z.string().min(1).max(100).describe('the organisation’s slug') }),
      response: { 302: z.null(), ...problems(404) },
    },
  }, async (request, reply) => {
    const started = await sso.startSignIn(deps, sealer, options.sso, request.query.org);
    reply.setCookie(SSO_STATE_COOKIE, started.state, { path: '/api/v1/sso', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', maxAge: sso.SSO_LOGIN_TTL_MS / 1000 });
    return reply.redirect(started.url, 302);
  });

  r.post('/api/v1/sso/callback', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Finish signing in with the provider: the code, state and iss it sent back to /sso/callback → a session',
      description: 'The state must be the one this browser started (its cookie) and is used once; the ID token’s signature, issuer, audience, expiry and nonce are checked. A first-time person from an allowed domain is added as a member, or as their open invitation says.',
      body: z.strictObject({ state: z.string().min(1).max(200), code: z.string().min(1).max(2000), iss: z.string().max(500).optional() }),
      response: { 201: signedIn, ...problems(403) },
    },
  }, async (request, reply) => {
    const result = await sso.finishSignIn(deps, sealer, options.sso, request.body, request.cookies[SSO_STATE_COOKIE], options.sessionTtlMs, originOf(request));
    reply.clearCookie(SSO_STATE_COOKIE, { path: '/api/v1/sso' });
    startSession(request, reply, result.token, options.sessionTtlMs);
    return reply.code(201).send(result);
  });
}
