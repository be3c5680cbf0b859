// HTTP routes of accounts: invitations and password resets.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { newSecret } from '../platform/ids.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf, clearSessionCookies, setSessionCookies, userAgentOf } from '../platform/http/auth.ts';
import { idParams, pageOfSchema, pageQuery, problems } from '../platform/http/schemas.ts';
import { acceptBody, invitationBody, invitationCreated, invitationView, resetConfirmBody, resetRequestBody, sessionView, userView } from './account.ts';
import * as invitations from './invitations.ts';
import type { AccountMail } from './mail.ts';
import * as resets from './resets.ts';
import * as sessions from './sessions.ts';

export interface AccountRouteOptions {
  mail: AccountMail;
  sessionTtlMs: number;
}

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

  r.post('/api/v1/invitations/accept', {
    config: { public: true },
    schema: {
      tags: ['accounts'],
      summary: 'Accept an invitation: choose a name and password, and start a session',
      body: acceptBody,
      response: { 201: z.object({ token: z.string(), user: userView }), ...problems(409) },
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
}
