// HTTP routes for sign-up, sessions, the organisation, users, teams and API tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { newSecret } from '../platform/ids.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf, clearSessionCookies, setSessionCookies, userAgentOf } from '../platform/http/auth.ts';
import { ifMatchVersion, withEtag } from '../platform/http/etag.ts';
import { idParams, pageOfSchema, pageQuery, problems } from '../platform/http/schemas.ts';
import {
  createUserBody,
  orgView,
  rightsView,
  sessionBody,
  signupBody,
  teamBody,
  teamView,
  timeOffBody,
  tokenBody,
  tokenView,
  updateOrgBody,
  updateTeamBody,
  updateUserBody,
  userView,
} from './person.ts';
import { getOrg, signup, updateOrg } from './orgs.ts';
import { type StartListSource, startListView } from './start.ts';
import { login, logout, logoutEverywhere, type SessionPolicy, type SignInGate } from './sessions.ts';
import { createTeam, getTeam, listTeams, updateTeam } from './teams.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './tokens.ts';
import { createUser, getUser, listUsers, me, setTimeOff, updateUser } from './users.ts';

export interface PeopleRouteOptions {
  sessionTtlMs: number;
  loginRateLimit: { max: number; timeWindow: number };
  accountLoginLimit?: { max: number; windowMs: number };
  /** What an organisation's files take, and the most they may (GET /org shows it). */
  storageOf?: (orgId: string) => Promise<{ usedBytes: number; limitBytes: number | null }>;
  signupLimit?: { max: number; windowMs: number };
  /** The organisation's first steps, done or not (GET /me/start). */
  startOf?: StartListSource;
  /** What a sign-in with the right password must also pass (two-factor, password sign-in turned off): server.ts hands it over from accounts. */
  signInGate?: SignInGate;
  /** Throws when the organisation may not turn password sign-in off (no single sign-on set up). */
  mayTurnOffPasswordSignIn?: (trx: Deps['db'], orgId: string) => Promise<void>;
}

export function peopleRoutes(app: FastifyInstance, deps: Deps, options: PeopleRouteOptions): void {
  const r = typed(app);
  const policy: SessionPolicy = {
    sessionTtlMs: options.sessionTtlMs,
    accountLoginLimit: options.accountLoginLimit,
    addressLoginLimit: { max: options.loginRateLimit.max, windowMs: options.loginRateLimit.timeWindow },
    signupLimit: options.signupLimit,
    gate: options.signInGate,
  };
  const startSession = (request: FastifyRequest, reply: FastifyReply, token: string) =>
    setSessionCookies(reply, token, newSecret('csrf'), { secure: request.protocol === 'https', maxAgeMs: options.sessionTtlMs });

  r.post('/api/v1/signup', {
    config: { public: true },
    schema: {
      tags: ['people'],
      summary: 'Create an organisation and its owner',
      description: 'Always a new business and its owner: an email is unique within a business only, so one that has an account in another business is no obstacle, and the answer is the same whoever has it. Sign-ups are limited per client address (10 an hour), across every server over the database: beyond that, 429 with Retry-After.',
      body: signupBody,
      response: { 201: z.object({ org: orgView, user: userView, token: z.string() }), ...problems(429) },
    },
  }, async (request, reply) => {
    const result = await signup(deps, request.body, policy, request.ip);
    startSession(request, reply, result.token);
    return reply.code(201).send(result);
  });

  r.post('/api/v1/sessions', {
    config: { public: true },
    schema: {
      tags: ['people'],
      summary: 'Log in: exchange an email and password for a session token',
      description: 'An email is unique within a business only, so one email may have an account in several. When the password is right for more than one of them: 409 whose type ends in /choose-organisation, listing those businesses only (orgs: [{id, name}]); send the request again with orgId. With two-factor sign-in on and no code (or a wrong one): 401 whose type ends in /two-factor-required, carrying pendingToken for POST /sessions/two-factor. When the organisation requires two-factor of the person and it is not set up: 401 whose type ends in /two-factor-setup-required, with pendingToken for POST /sessions/two-factor/setup. With password sign-in turned off for the organisation: 403 whose type ends in /password-sign-in-off (the owner may still sign in with a password). Failed attempts are limited per client address (10 a minute) and per account from one address (10 in 15 minutes), across every server over the database: beyond either, 429 with Retry-After. A success does not count.',
      body: sessionBody,
      response: { 201: z.object({ token: z.string(), user: userView }), ...problems(403, 409, 429) },
    },
  }, async (request, reply) => {
    const replacesTokenId = request.authVia === 'cookie' ? request.caller?.tokenId : null;
    const result = await login(deps, { ...request.body, ip: request.ip, userAgent: userAgentOf(request), replacesTokenId }, policy);
    startSession(request, reply, result.token);
    return reply.code(201).send(result);
  });

  r.delete('/api/v1/sessions/current', {
    schema: { tags: ['people'], summary: 'Log out this session', response: { 204: z.null(), ...problems() } },
  }, async (request, reply) => {
    const caller = callerOf(request);
    await logout(deps, caller, caller.tokenId);
    clearSessionCookies(reply);
    return reply.code(204).send(null);
  });

  r.delete('/api/v1/sessions', {
    schema: { tags: ['people'], summary: 'Log out every session of the current user', response: { 204: z.null(), ...problems() } },
  }, async (request, reply) => {
    await logoutEverywhere(deps, callerOf(request));
    clearSessionCookies(reply);
    return reply.code(204).send(null);
  });

  r.get('/api/v1/me', {
    schema: {
      tags: ['people'],
      summary: 'The current user and organisation, and what the user\'s role allows (rights)',
      response: { 200: z.object({ user: userView, org: orgView, rights: rightsView }), ...problems() },
    },
  }, async (request) => me(deps, callerOf(request)));

  r.get('/api/v1/me/start', {
    schema: {
      tags: ['people'],
      summary: 'The start list of a new business: which of its first steps (add the team, install a playbook, add a lead, add a task) are done, read from its data',
      response: { 200: startListView, ...problems() },
    },
  }, async (request) => {
    const caller = callerOf(request);
    return options.startOf ? options.startOf(caller.orgId) : { team: true, playbook: true, lead: true, task: true };
  });

  r.get('/api/v1/org', {
    schema: { tags: ['people'], summary: 'The organisation: time zone, business hours, holidays', response: { 200: orgView, ...problems() } },
  }, async (request, reply) => {
    const caller = callerOf(request);
    const org = withEtag(reply, await getOrg(deps, caller));
    return options.storageOf ? { ...org, storage: await options.storageOf(caller.orgId) } : org;
  });

  r.patch('/api/v1/org', {
    schema: { tags: ['people'], summary: 'Change the organisation’s settings (admins)', body: updateOrgBody, response: { 200: orgView, ...problems(403, 412) } },
  }, async (request, reply) => withEtag(reply, await updateOrg(deps, callerOf(request), { changes: request.body, ifVersion: ifMatchVersion(request), mayTurnOffPasswordSignIn: options.mayTurnOffPasswordSignIn })));

  r.get('/api/v1/users', {
    schema: { tags: ['people'], summary: 'People of the organisation', querystring: pageQuery, response: { 200: pageOfSchema(userView), ...problems() } },
  }, async (request) => listUsers(deps, callerOf(request), request.query));

  r.post('/api/v1/users', {
    schema: { tags: ['people'], summary: 'Add a person (admins); 409 when this business has someone with the email (another business\'s people are no obstacle)', body: createUserBody, response: { 201: userView, ...problems(403, 409) } },
  }, async (request, reply) => reply.code(201).send(withEtag(reply, await createUser(deps, callerOf(request), request.body))));

  r.get('/api/v1/users/:id', {
    schema: { tags: ['people'], summary: 'One person', params: idParams, response: { 200: userView, ...problems(404) } },
  }, async (request, reply) => withEtag(reply, await getUser(deps, callerOf(request), request.params.id)));

  r.patch('/api/v1/users/:id', {
    schema: {
      tags: ['people'],
      summary: 'Change a person: admins change anyone below them; everyone their own name, password, hours, time off and time zone',
      params: idParams,
      body: updateUserBody,
      response: { 200: userView, ...problems(403, 404, 409, 412) },
    },
  }, async (request, reply) =>
    withEtag(reply, await updateUser(deps, callerOf(request), { userId: request.params.id, changes: request.body, ifVersion: ifMatchVersion(request), callerTokenId: callerOf(request).tokenId })));

  r.put('/api/v1/users/:id/time-off', {
    schema: {
      tags: ['people'],
      summary: 'Set a person’s time off: your own, or (managers, admins, and the manager of their team) anyone’s',
      description: 'Replaces the whole list. Round-robin and least-loaded assignment skip the person while away, from this change on. Honours If-Match.',
      params: idParams,
      body: timeOffBody,
      response: { 200: userView, ...problems(403, 404, 412) },
    },
  }, async (request, reply) =>
    withEtag(reply, await setTimeOff(deps, callerOf(request), { userId: request.params.id, timeOff: request.body.timeOff, ifVersion: ifMatchVersion(request) })));

  r.get('/api/v1/teams', {
    schema: { tags: ['people'], summary: 'Teams', querystring: pageQuery, response: { 200: pageOfSchema(teamView), ...problems() } },
  }, async (request) => listTeams(deps, callerOf(request), request.query));

  r.post('/api/v1/teams', {
    schema: { tags: ['people'], summary: 'Create a team (admins)', body: teamBody, response: { 201: teamView, ...problems(403, 404, 409) } },
  }, async (request, reply) => reply.code(201).send(withEtag(reply, await createTeam(deps, callerOf(request), request.body))));

  r.get('/api/v1/teams/:id', {
    schema: { tags: ['people'], summary: 'One team', params: idParams, response: { 200: teamView, ...problems(404) } },
  }, async (request, reply) => withEtag(reply, await getTeam(deps, callerOf(request), request.params.id)));

  r.patch('/api/v1/teams/:id', {
    schema: { tags: ['people'], summary: 'Rename a team, change its members or manager (admins)', params: idParams, body: updateTeamBody, response: { 200: teamView, ...problems(403, 404, 409, 412) } },
  }, async (request, reply) =>
    withEtag(reply, await updateTeam(deps, callerOf(request), { teamId: request.params.id, changes: request.body, ifVersion: ifMatchVersion(request) })));

  r.get('/api/v1/tokens', {
    schema: { tags: ['people'], summary: 'API tokens (admins), with when each expires and was last used; the secret is never shown again', response: { 200: pageOfSchema(tokenView), ...problems(403) } },
  }, async (request) => listApiTokens(deps, callerOf(request)));

  r.post('/api/v1/tokens', {
    schema: {
      tags: ['people'],
      summary: 'Create an API token for an integration (admins); the token is shown once',
      description: 'With expiresAt (a moment in the future, else 400 naming expiresAt) the token stops working then and answers 401 like an unknown one; without, it works until revoked.',
      body: tokenBody,
      response: { 201: tokenView.extend({ token: z.string() }), ...problems(403) },
    },
  }, async (request, reply) => reply.code(201).send(await createApiToken(deps, callerOf(request), request.body)));

  r.delete('/api/v1/tokens/:id', {
    schema: { tags: ['people'], summary: 'Revoke an API token (admins)', params: idParams, response: { 204: z.null(), ...problems(403, 404) } },
  }, async (request, reply) => {
    await revokeApiToken(deps, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });
}
