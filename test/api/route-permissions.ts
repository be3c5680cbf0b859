// The documented answer of every API route: who may call it, and a request that
// should succeed for them. The matrices in route-matrix.test.ts are generated
// from the server's route table and this one: a route missing here fails them,
// by name, so whoever adds a route adds its line.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { totpCodeAt } from '../../src/accounts/twoFactor.ts';
import { CODE_LIMIT } from '../../src/accounts/twoFactorSignIn.ts';
import type { Client } from '../support/http.ts';
import { PASSWORD } from '../support/harness.ts';
import type { TestProvider } from '../support/oidc.ts';

export type Allowed = 'public' | 'member' | 'manager' | 'admin' | 'owner';

/** One organisation's owner, able to make whatever a request needs. */
export interface Kit {
  owner: Client;
  ownerId: string;
  /** Creates through the API as the owner and returns the created resource. */
  make(path: string, body: unknown): Promise<any>;
  /** An email and password that log in (a member of this organisation). */
  login: { email: string; password: string };
  /** Uploads a small PNG to the task as the owner and returns the attachment. */
  attach(taskId: string): Promise<any>;
  /** Gives this person of the organisation a notification (as an event they are told of would) and returns its id. */
  notify(userId: string): Promise<string>;
  /** A password reset link's token for this email, as the emailed link would carry. */
  resetToken(email: string): Promise<string>;
  /** The server's clock now: two-factor codes are computed for it. */
  now(): number;
  /** Moves the server's clock on (past a limit's window). */
  advance(ms: number): void;
  /** The local OpenID provider that single sign-on routes use, and the server's address (the start of a sign-in is followed by hand). */
  sso: { provider: TestProvider; baseUrl: string };
}

/** Who makes the request: a route about the caller's own things (their notifications) makes them for this person. */
export interface Caller {
  id: string;
  /** Their email: they log in with it and the shared test password. */
  email: string;
}

export interface Request {
  path: string;
  /** JSON, or a FormData sent as multipart/form-data. */
  body?: unknown;
  /** More headers (a single sign-on's state cookie). */
  headers?: Record<string, string>;
}

export interface RouteRule {
  allowed: Allowed;
  /** A request that a permitted caller makes successfully (2xx), with everything it needs made fresh. */
  request: (kit: Kit, caller: Caller) => Promise<Request> | Request;
  /** Other forms of the same route (another shape of body), each held to the same answers as `request`. */
  forms?: ((kit: Kit, caller: Caller) => Promise<Request> | Request)[];
  /** Ends the caller's own session(s): the matrix gives it a session of its own. */
  endsSession?: boolean;
  /** A never-ending event stream: only the status of the answer is looked at. */
  stream?: boolean;
  /** The path names something every organisation shares (a playbook's key), not one organisation's record. */
  shared?: boolean;
  /** The path is its own credential (a calendar feed's secret address): whoever holds it may read, whatever their organisation. */
  capability?: boolean;
  /** Answers with a redirect (3xx, not followed), which counts as success. */
  redirects?: boolean;
  /** Undoes what a request left behind that would change the caller's later sign-ins (two-factor turned on), given its answer. */
  after?: (kit: Kit, caller: Caller, answer: { status: number; text: string }) => Promise<void>;
}

const unique = () => randomBytes(4).toString('hex');
const matrixWebhook = () => ({ url: `http://localhost:1/matrix/${unique()}`, events: ['task.created'] });
const fixed = (path: string, body?: unknown) => (): Request => ({ path, body });

async function archived(kit: Kit, plural: string, body: unknown): Promise<any> {
  const record = await kit.make(`/api/v1/${plural}`, body);
  const res = await kit.owner.delete(`/api/v1/${plural}/${record.id}`);
  expect(res.status, res.text).toBeLessThan(300);
  return record;
}

function records(plural: string, create: () => unknown, writers: Allowed = 'member'): Record<string, RouteRule> {
  const one = (kit: Kit) => kit.make(`/api/v1/${plural}`, create());
  return {
    // The types an import takes answer their list as that import's CSV too (record-export.test.ts).
    [`GET /api/v1/${plural}`]: { allowed: 'member', request: fixed(`/api/v1/${plural}`), ...(['contacts', 'clients', 'leads'].includes(plural) && { forms: [fixed(`/api/v1/${plural}?format=csv`)] }) },
    [`POST /api/v1/${plural}`]: { allowed: writers, request: () => ({ path: `/api/v1/${plural}`, body: create() }) },
    [`GET /api/v1/${plural}/:id`]: { allowed: 'member', request: async (kit) => ({ path: `/api/v1/${plural}/${(await one(kit)).id}` }) },
    [`PATCH /api/v1/${plural}/:id`]: { allowed: writers, request: async (kit) => ({ path: `/api/v1/${plural}/${(await one(kit)).id}`, body: {} }) },
    [`DELETE /api/v1/${plural}/:id`]: { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/${plural}/${(await one(kit)).id}` }) },
    [`POST /api/v1/${plural}/:id/restore`]: { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/${plural}/${(await archived(kit, plural, create())).id}/restore` }) },
    ...(plural === 'pipelines' ? {} : {
      // The path is the caller's own system's id, not a record of one organisation: another organisation's PUT makes its own record (external-refs.test.ts).
      [`PUT /api/v1/${plural}/external/:source/:id`]: { allowed: writers, shared: true, request: () => ({ path: `/api/v1/${plural}/external/matrix/${unique()}`, body: create() }) },
    }),
  };
}

/** A one-pixel PNG in a multipart form, as the upload route takes it. */
function photoForm(): FormData {
  const form = new FormData();
  const pixel = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  form.append('file', new Blob([new Uint8Array(pixel)], { type: 'image/png' }), 'site.png');
  return form;
}
const task = (kit: Kit) => kit.make('/api/v1/tasks', { title: `Matrix task ${unique()}` });
/** A new session of the caller's (they log in again), by id. */
async function anotherSession(kit: Kit, caller: Caller): Promise<string> {
  const login = await kit.owner.post('/api/v1/sessions', { email: caller.email, password: PASSWORD });
  expect(login.status, login.text).toBe(201);
  const mine = await kit.owner.get('/api/v1/me/sessions', { authorization: `Bearer ${login.body.token}` });
  return mine.body.items.find((s: { current: boolean }) => s.current).id;
}
const invitation = (kit: Kit) => kit.make('/api/v1/invitations', { email: `invite-${unique()}@example.test`, role: 'member' });
const person = (role = 'member') => ({ name: 'Matrix Person', email: `matrix-${unique()}@example.test`, role, password: PASSWORD });
const matrixRule = () => ({ name: `Matrix rule ${unique()}`, trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase {{data.amount}}' }] });
const dated = (kit: Kit) => kit.make('/api/v1/services', { title: 'Annual boiler service', nextDueAt: '2027-01-15T09:00:00Z' });
async function planned(kit: Kit) {
  const service = await dated(kit);
  const res = await kit.owner.request('PUT', `/api/v1/services/${service.id}/plan`, { body: { recurrence: 'FREQ=YEARLY' } });
  expect(res.status, res.text).toBe(200);
  return service;
}
/** Turns two-factor on for this person (signing in afresh): its secret and recovery codes. */
async function twoFactorOn(kit: Kit, email: string) {
  const login = await kit.owner.post('/api/v1/sessions', { email, password: PASSWORD });
  expect(login.status, login.text).toBe(201);
  const auth = { authorization: `Bearer ${login.body.token}` };
  const setup = await kit.owner.post('/api/v1/me/two-factor', undefined, auth);
  expect(setup.status, setup.text).toBe(201);
  const confirmed = await kit.owner.post('/api/v1/me/two-factor/confirm', { code: totpCodeAt(setup.body.secret, kit.now()) }, auth);
  expect(confirmed.status, confirmed.text).toBe(200);
  return { secret: setup.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}
/** Turns it off again with two of the recovery codes (one to sign in, one to turn it off); nothing when it is off. */
async function twoFactorOff(kit: Kit, email: string, recoveryCodes: string[]) {
  const login = await kit.owner.post('/api/v1/sessions', { email, password: PASSWORD, recoveryCode: recoveryCodes[0] });
  expect(login.status, login.text).toBe(201);
  await kit.owner.request('DELETE', '/api/v1/me/two-factor', { body: { code: recoveryCodes[1] }, headers: { authorization: `Bearer ${login.body.token}` } });
}
const turnedOn = new Map<string, string[]>();
/** A sign-in of a new business's owner waiting for two-factor setup (the business requires it): its pending token. */
async function setupPending(kit: Kit): Promise<string> {
  const email = `setup-${unique()}@example.test`;
  const signup = await kit.owner.post('/api/v1/signup', { orgName: 'Matrix Secure', timezone: 'Europe/London', name: 'S', email, password: PASSWORD });
  expect(signup.status, signup.text).toBe(201);
  const policy = await kit.owner.patch('/api/v1/org', { requireTwoFactor: 'managers' }, { authorization: `Bearer ${signup.body.token}` });
  expect(policy.status, policy.text).toBe(200);
  const pending = await kit.owner.post('/api/v1/sessions', { email, password: PASSWORD });
  expect(pending.status, pending.text).toBe(401);
  return pending.body.pendingToken;
}
const SSO_DOMAIN = 'matrix.test';
const ssoSettings = (kit: Kit) => ({ name: 'Matrix Login', issuer: kit.sso.provider.issuer, clientId: kit.sso.provider.clientId, clientSecret: kit.sso.provider.clientSecret, allowedDomains: [SSO_DOMAIN] });
/** Sets up the organisation's single sign-on (as the owner); its slug. */
async function withSso(kit: Kit): Promise<string> {
  const saved = await kit.owner.put('/api/v1/sso/settings', ssoSettings(kit));
  expect(saved.status, saved.text).toBe(200);
  return (await kit.owner.get('/api/v1/org')).body.slug;
}
/** A sign-in with the provider, up to the callback: its body and this browser's state cookie. */
async function ssoCallback(kit: Kit): Promise<Request> {
  const slug = await withSso(kit);
  const start = await fetch(`${kit.sso.baseUrl}/api/v1/sso/start?org=${slug}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = start.headers.getSetCookie().find((c) => c.startsWith('fl_sso='))!.split(';')[0]!;
  const back = await kit.sso.provider.signIn(start.headers.get('location')!, `sso-${unique()}@${SSO_DOMAIN}`);
  return { path: '/api/v1/sso/callback', body: { state: back.searchParams.get('state'), code: back.searchParams.get('code'), iss: back.searchParams.get('iss') }, headers: { cookie } };
}
const report = (name: string): Record<string, RouteRule> => ({ [`GET /api/v1/reports/${name}`]: { allowed: 'manager', request: fixed(`/api/v1/reports/${name}`) } });

export const ROUTE_RULES: Record<string, RouteRule> = {
  // people
  'POST /api/v1/signup': { allowed: 'public', request: () => ({ path: '/api/v1/signup', body: { orgName: 'Matrix Co', timezone: 'Europe/London', name: 'M', email: `signup-${unique()}@example.test`, password: PASSWORD } }) },
  'POST /api/v1/sessions': { allowed: 'public', request: (kit) => ({ path: '/api/v1/sessions', body: kit.login }) },
  'DELETE /api/v1/sessions': { allowed: 'member', endsSession: true, request: fixed('/api/v1/sessions') },
  'DELETE /api/v1/sessions/current': { allowed: 'member', endsSession: true, request: fixed('/api/v1/sessions/current') },
  'GET /api/v1/me': { allowed: 'member', request: fixed('/api/v1/me') },
  'GET /api/v1/me/start': { allowed: 'member', request: fixed('/api/v1/me/start') },
  'GET /api/v1/org': { allowed: 'member', request: fixed('/api/v1/org') },
  'PATCH /api/v1/org': { allowed: 'admin', request: fixed('/api/v1/org', { name: 'Matrix Plumbing' }) },
  'GET /api/v1/users': { allowed: 'member', request: fixed('/api/v1/users') },
  'POST /api/v1/users': { allowed: 'admin', request: () => ({ path: '/api/v1/users', body: person() }) },
  'GET /api/v1/users/:id': { allowed: 'member', request: (kit) => ({ path: `/api/v1/users/${kit.ownerId}` }) },
  'PATCH /api/v1/users/:id': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/users/${(await kit.make('/api/v1/users', person())).id}`, body: { name: 'Renamed' } }) },
  // Everyone sets their own time off; the matrix asks about someone else's.
  'PUT /api/v1/users/:id/time-off': { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/users/${(await kit.make('/api/v1/users', person())).id}/time-off`, body: { timeOff: [{ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' }] } }) },
  'GET /api/v1/teams': { allowed: 'member', request: fixed('/api/v1/teams') },
  'POST /api/v1/teams': { allowed: 'admin', request: () => ({ path: '/api/v1/teams', body: { name: `Team ${unique()}` } }) },
  'GET /api/v1/teams/:id': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/teams/${(await kit.make('/api/v1/teams', { name: `Team ${unique()}` })).id}` }) },
  'PATCH /api/v1/teams/:id': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/teams/${(await kit.make('/api/v1/teams', { name: `Team ${unique()}` })).id}`, body: { name: `Team ${unique()}` } }) },
  'GET /api/v1/tokens': { allowed: 'admin', request: fixed('/api/v1/tokens') },
  'POST /api/v1/tokens': { allowed: 'admin', request: fixed('/api/v1/tokens', { name: 'Matrix sync' }) },
  'DELETE /api/v1/tokens/:id': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/tokens/${(await kit.make('/api/v1/tokens', { name: 'Matrix sync' })).id}` }) },
  'GET /api/v1/audit': { allowed: 'admin', request: fixed('/api/v1/audit') },
  // accounts (the matrix's server has no email: an invitation hands its link back)
  'GET /api/v1/invitations': { allowed: 'admin', request: fixed('/api/v1/invitations') },
  'POST /api/v1/invitations': { allowed: 'admin', request: () => ({ path: '/api/v1/invitations', body: { email: `invite-${unique()}@example.test`, role: 'member' } }) },
  'DELETE /api/v1/invitations/:id': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/invitations/${(await invitation(kit)).id}` }) },
  'POST /api/v1/invitations/:id/resend': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/invitations/${(await invitation(kit)).id}/resend` }) },
  'POST /api/v1/invitations/lookup': { allowed: 'public', request: async (kit) => ({ path: '/api/v1/invitations/lookup', body: { token: new URL((await invitation(kit)).acceptUrl).searchParams.get('token') } }) },
  'POST /api/v1/invitations/accept': {
    allowed: 'public',
    request: async (kit) => ({ path: '/api/v1/invitations/accept', body: { token: new URL((await invitation(kit)).acceptUrl).searchParams.get('token'), name: 'Invited Person', password: PASSWORD } }),
  },
  'GET /api/v1/me/sessions': { allowed: 'member', request: fixed('/api/v1/me/sessions') },
  'DELETE /api/v1/me/sessions': { allowed: 'member', request: fixed('/api/v1/me/sessions') },
  'DELETE /api/v1/me/sessions/:id': { allowed: 'member', request: async (kit, caller) => ({ path: `/api/v1/me/sessions/${await anotherSession(kit, caller)}` }) },
  'GET /api/v1/me/two-factor': { allowed: 'member', request: fixed('/api/v1/me/two-factor') },
  'POST /api/v1/me/two-factor': { allowed: 'member', request: fixed('/api/v1/me/two-factor') },
  'POST /api/v1/me/two-factor/confirm': {
    allowed: 'member',
    request: async (kit, caller) => {
      const login = await kit.owner.post('/api/v1/sessions', { email: caller.email, password: PASSWORD });
      const setup = await kit.owner.post('/api/v1/me/two-factor', undefined, { authorization: `Bearer ${login.body.token}` });
      expect(setup.status, setup.text).toBe(201);
      return { path: '/api/v1/me/two-factor/confirm', body: { code: totpCodeAt(setup.body.secret, kit.now()) } };
    },
    after: async (kit, caller, answer) => {
      if (answer.status === 200) await twoFactorOff(kit, caller.email, JSON.parse(answer.text).recoveryCodes);
    },
  },
  'DELETE /api/v1/me/two-factor': {
    allowed: 'member',
    request: async (kit, caller) => {
      const { recoveryCodes } = await twoFactorOn(kit, caller.email);
      turnedOn.set(caller.id, recoveryCodes);
      return { path: '/api/v1/me/two-factor', body: { code: recoveryCodes[9] } };
    },
    after: async (kit, caller, answer) => {
      const codes = turnedOn.get(caller.id);
      turnedOn.delete(caller.id);
      if (answer.status !== 204 && codes) await twoFactorOff(kit, caller.email, codes);
    },
  },
  'POST /api/v1/me/two-factor/recovery-codes': {
    allowed: 'member',
    // Turning two-factor on and off again uses codes: each call starts and ends in a new window of the per-person code limit.
    request: async (kit, caller) => {
      kit.advance(CODE_LIMIT.windowMs);
      // On already when an earlier request turned it on and nothing turned it off (the bad-input suite runs no `after`).
      if (!turnedOn.has(caller.id)) turnedOn.set(caller.id, (await twoFactorOn(kit, caller.email)).recoveryCodes);
      return { path: '/api/v1/me/two-factor/recovery-codes', body: { password: PASSWORD } };
    },
    after: async (kit, caller, answer) => {
      const codes = turnedOn.get(caller.id);
      turnedOn.delete(caller.id);
      if (codes) await twoFactorOff(kit, caller.email, answer.status === 200 ? JSON.parse(answer.text).recoveryCodes : codes);
      kit.advance(CODE_LIMIT.windowMs);
    },
  },
  'GET /api/v1/two-factor/users': { allowed: 'admin', request: fixed('/api/v1/two-factor/users') },
  'DELETE /api/v1/users/:id/two-factor': {
    allowed: 'admin',
    request: async (kit) => {
      const someone = person();
      const made = await kit.make('/api/v1/users', someone);
      await twoFactorOn(kit, someone.email);
      return { path: `/api/v1/users/${made.id}/two-factor` };
    },
  },
  'POST /api/v1/sessions/two-factor': {
    allowed: 'public',
    request: async (kit) => {
      const someone = person();
      await kit.make('/api/v1/users', someone);
      const { recoveryCodes } = await twoFactorOn(kit, someone.email);
      const pending = await kit.owner.post('/api/v1/sessions', { email: someone.email, password: PASSWORD });
      return { path: '/api/v1/sessions/two-factor', body: { pendingToken: pending.body.pendingToken, recoveryCode: recoveryCodes[0] } };
    },
  },
  'POST /api/v1/sessions/two-factor/setup': { allowed: 'public', request: async (kit) => ({ path: '/api/v1/sessions/two-factor/setup', body: { pendingToken: await setupPending(kit) } }) },
  'POST /api/v1/sessions/two-factor/setup/confirm': {
    allowed: 'public',
    request: async (kit) => {
      const pendingToken = await setupPending(kit);
      const setup = await kit.owner.post('/api/v1/sessions/two-factor/setup', { pendingToken });
      return { path: '/api/v1/sessions/two-factor/setup/confirm', body: { pendingToken, code: totpCodeAt(setup.body.secret, kit.now()) } };
    },
  },
  'GET /api/v1/sso/settings': { allowed: 'admin', request: async (kit) => (await withSso(kit), { path: '/api/v1/sso/settings' }) },
  'PUT /api/v1/sso/settings': { allowed: 'admin', request: (kit) => ({ path: '/api/v1/sso/settings', body: ssoSettings(kit) }) },
  'DELETE /api/v1/sso/settings': { allowed: 'admin', request: async (kit) => (await withSso(kit), { path: '/api/v1/sso/settings' }) },
  // A business's sign-in page is public by its slug: every business's is the same to anyone.
  'GET /api/v1/sso/orgs/:slug': { allowed: 'public', shared: true, request: async (kit) => ({ path: `/api/v1/sso/orgs/${(await kit.owner.get('/api/v1/org')).body.slug}` }) },
  'GET /api/v1/sso/start': { allowed: 'public', redirects: true, request: async (kit) => ({ path: `/api/v1/sso/start?org=${await withSso(kit)}` }) },
  'POST /api/v1/sso/callback': { allowed: 'public', request: (kit) => ssoCallback(kit) },
  'POST /api/v1/password-reset': { allowed: 'public', request: () => ({ path: '/api/v1/password-reset', body: { email: `nobody-${unique()}@example.test` } }) },
  'POST /api/v1/password-reset/confirm': {
    allowed: 'public',
    request: async (kit) => {
      const created = await kit.make('/api/v1/users', person());
      return { path: '/api/v1/password-reset/confirm', body: { token: await kit.resetToken(created.email), password: PASSWORD } };
    },
  },
  'GET /api/v1/stream': { allowed: 'member', stream: true, request: fixed('/api/v1/stream') },
  // intake: the public lead form, named by the organisation's slug (anyone who has the address may use it)
  'GET /api/v1/lead-forms/:slug': { allowed: 'public', capability: true, request: async (kit) => ({ path: `/api/v1/lead-forms/${(await kit.owner.get('/api/v1/org')).body.slug}` }) },
  'POST /api/v1/lead-forms/:slug': {
    allowed: 'public',
    capability: true,
    request: async (kit) => ({ path: `/api/v1/lead-forms/${(await kit.owner.get('/api/v1/org')).body.slug}`, body: { name: 'Matrix Visitor', phone: '0113 496 0000', need: 'A quote' } }),
  },
  // tasks
  'GET /api/v1/tasks': { allowed: 'member', request: fixed('/api/v1/tasks') },
  'POST /api/v1/tasks': { allowed: 'member', request: () => ({ path: '/api/v1/tasks', body: { title: 'Matrix task' } }) },
  'GET /api/v1/tasks/counts': { allowed: 'member', request: fixed('/api/v1/tasks/counts?groupBy=status&status=all') },
  'POST /api/v1/tasks/bulk': {
    allowed: 'member',
    request: async (kit) => ({ path: '/api/v1/tasks/bulk', body: { ids: [(await task(kit)).id], set: { priority: 'high' } } }),
    forms: [async (kit) => ({ path: '/api/v1/tasks/bulk', body: { filter: { q: (await task(kit)).title }, expected: 1, set: { priority: 'high' } } })],
  },
  'GET /api/v1/tasks/:id': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}` }) },
  'PATCH /api/v1/tasks/:id': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}`, body: { priority: 'high' } }) },
  'DELETE /api/v1/tasks/:id': { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}` }) },
  'GET /api/v1/tasks/:id/history': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}/history` }) },
  'POST /api/v1/tasks/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}/attachments`, body: photoForm() }) },
  'GET /api/v1/tasks/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}/attachments` }) },
  'GET /api/v1/attachments/:id': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/attachments/${(await kit.attach((await task(kit)).id)).id}` }) },
  'GET /api/v1/attachments/:id/thumbnail': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/attachments/${(await kit.attach((await task(kit)).id)).id}/thumbnail` }) },
  'DELETE /api/v1/attachments/:id': { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/attachments/${(await kit.attach((await task(kit)).id)).id}` }) },
  'GET /api/v1/contacts/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/contacts/${(await kit.make('/api/v1/contacts', { name: 'Matrix contact' })).id}/attachments` }) },
  'GET /api/v1/clients/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/clients/${(await kit.make('/api/v1/clients', { name: 'Matrix client' })).id}/attachments` }) },
  'GET /api/v1/leads/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/leads/${(await kit.make('/api/v1/leads', { title: 'Matrix lead' })).id}/attachments` }) },
  'GET /api/v1/jobs/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/jobs/${(await kit.make('/api/v1/jobs', { title: 'Matrix job' })).id}/attachments` }) },
  'GET /api/v1/services/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/services/${(await kit.make('/api/v1/services', { title: 'Matrix service', kind: 'maintenance_plan' })).id}/attachments` }) },
  'GET /api/v1/tasks/:id/comments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}/comments` }) },
  'POST /api/v1/tasks/:id/comments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/tasks/${(await task(kit)).id}/comments`, body: { body: 'On my way' } }) },
  // records
  ...records('contacts', () => ({ name: 'Pat Customer' })),
  ...records('clients', () => ({ name: 'Pat’s Bakery' })),
  ...records('pipelines', () => ({ name: `Pipeline ${unique()}`, stages: [{ key: 'new', name: 'New' }, { key: 'won', name: 'Won' }] }), 'manager'),
  ...records('leads', () => ({ title: 'Boiler quote' })),
  ...records('jobs', () => ({ title: 'Fix the boiler' })),
  ...records('services', () => ({ title: 'Annual boiler service' })),
  // CSV import (JSON {csv} here; text/csv bodies in imports.test.ts)
  'POST /api/v1/imports/contacts': { allowed: 'manager', request: fixed('/api/v1/imports/contacts', { csv: 'name,phone\nPat Customer,0113 496 0000\n' }) },
  'POST /api/v1/imports/clients': { allowed: 'manager', request: fixed('/api/v1/imports/clients', { csv: 'name\nPat’s Bakery\n' }) },
  'POST /api/v1/imports/leads': { allowed: 'manager', request: fixed('/api/v1/imports/leads', { csv: 'title,value\nBoiler quote,1200\n' }) },
  'POST /api/v1/imports/tasks': { allowed: 'manager', request: fixed('/api/v1/imports/tasks', { csv: 'title,priority\nMatrix task,high\n' }) },
  'GET /api/v1/export': { allowed: 'admin', request: fixed('/api/v1/export') },
  'GET /api/v1/services/:id/plan': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/services/${(await planned(kit)).id}/plan` }) },
  'PUT /api/v1/services/:id/plan': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/services/${(await dated(kit)).id}/plan`, body: { recurrence: 'FREQ=YEARLY' } }) },
  'DELETE /api/v1/services/:id/plan': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/services/${(await planned(kit)).id}/plan` }) },
  'GET /api/v1/leads/:id/history': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/leads/${(await kit.make('/api/v1/leads', { title: 'Boiler quote' })).id}/history` }) },
  // automation
  'GET /api/v1/rules': { allowed: 'manager', request: fixed('/api/v1/rules') },
  'POST /api/v1/rules': { allowed: 'manager', request: () => ({ path: '/api/v1/rules', body: matrixRule() }) },
  'GET /api/v1/rules/:id': { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/rules/${(await kit.make('/api/v1/rules', matrixRule())).id}` }) },
  'PATCH /api/v1/rules/:id': { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/rules/${(await kit.make('/api/v1/rules', matrixRule())).id}`, body: { enabled: false } }) },
  'DELETE /api/v1/rules/:id': { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/rules/${(await kit.make('/api/v1/rules', matrixRule())).id}` }) },
  'POST /api/v1/rules/:id/dry-run': { allowed: 'manager', request: async (kit) => ({ path: `/api/v1/rules/${(await kit.make('/api/v1/rules', matrixRule())).id}/dry-run`, body: { days: 7 } }) },
  'POST /api/v1/rules/dry-run': { allowed: 'manager', request: fixed('/api/v1/rules/dry-run', { rule: matrixRule(), days: 7 }) },
  'GET /api/v1/automation/runs': { allowed: 'manager', request: fixed('/api/v1/automation/runs') },
  'GET /api/v1/automation/notices': { allowed: 'member', request: fixed('/api/v1/automation/notices') },
  'GET /api/v1/automation/status': { allowed: 'manager', request: fixed('/api/v1/automation/status') },
  'GET /api/v1/playbooks': { allowed: 'member', request: fixed('/api/v1/playbooks') },
  'POST /api/v1/playbooks/:key/install': { allowed: 'manager', shared: true, request: fixed('/api/v1/playbooks/cleaning/install', {}) },
  'POST /api/v1/events/batch': { allowed: 'manager', request: () => ({ path: '/api/v1/events/batch', body: { events: [{ type: 'invoice.paid', subject: { type: 'invoice', id: `inv-${unique()}` } }] } }) },
  'POST /api/v1/events': { allowed: 'manager', request: () => ({ path: '/api/v1/events', body: { type: 'invoice.overdue', subject: { type: 'invoice', id: `inv-${unique()}` }, data: { amount: 120 } } }) },
  // notifications: each person's own
  'GET /api/v1/notifications': { allowed: 'member', request: fixed('/api/v1/notifications?unread=true') },
  'GET /api/v1/notifications/unread-count': { allowed: 'member', request: fixed('/api/v1/notifications/unread-count') },
  'POST /api/v1/notifications/:id/read': { allowed: 'member', request: async (kit, caller) => ({ path: `/api/v1/notifications/${await kit.notify(caller.id)}/read` }) },
  'POST /api/v1/notifications/read-all': { allowed: 'member', request: fixed('/api/v1/notifications/read-all') },
  'GET /api/v1/notifications/preferences': { allowed: 'member', request: fixed('/api/v1/notifications/preferences') },
  'PUT /api/v1/notifications/preferences': { allowed: 'member', request: fixed('/api/v1/notifications/preferences', { due_soon: { inApp: false } }) },
  // calendar feed
  'GET /api/v1/me/calendar-feed': { allowed: 'member', request: fixed('/api/v1/me/calendar-feed') },
  'POST /api/v1/me/calendar-feed': { allowed: 'member', request: fixed('/api/v1/me/calendar-feed', {}) },
  'DELETE /api/v1/me/calendar-feed': { allowed: 'member', request: fixed('/api/v1/me/calendar-feed') },
  'GET /api/v1/calendar/:file': { allowed: 'public', capability: true, request: async (kit) => ({ path: new URL((await kit.make('/api/v1/me/calendar-feed', {})).url).pathname }) },
  // webhooks (the receiver is localhost, refused at delivery: a test send is answered, and logged as failed)
  'GET /api/v1/webhooks': { allowed: 'admin', request: fixed('/api/v1/webhooks') },
  'POST /api/v1/webhooks': { allowed: 'admin', request: () => ({ path: '/api/v1/webhooks', body: matrixWebhook() }) },
  'GET /api/v1/webhooks/:id': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/webhooks/${(await kit.make('/api/v1/webhooks', matrixWebhook())).id}` }) },
  'PATCH /api/v1/webhooks/:id': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/webhooks/${(await kit.make('/api/v1/webhooks', matrixWebhook())).id}`, body: { active: false } }) },
  'DELETE /api/v1/webhooks/:id': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/webhooks/${(await kit.make('/api/v1/webhooks', matrixWebhook())).id}` }) },
  'POST /api/v1/webhooks/:id/rotate-secret': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/webhooks/${(await kit.make('/api/v1/webhooks', matrixWebhook())).id}/rotate-secret` }) },
  'GET /api/v1/webhooks/:id/deliveries': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/webhooks/${(await kit.make('/api/v1/webhooks', matrixWebhook())).id}/deliveries` }) },
  'POST /api/v1/webhooks/:id/test': { allowed: 'admin', request: async (kit) => ({ path: `/api/v1/webhooks/${(await kit.make('/api/v1/webhooks', matrixWebhook())).id}/test` }) },
  // reports
  ...report('summary'),
  ...report('overdue'),
  ...report('completion'),
  ...report('workload'),
  ...report('aging'),
  ...report('bottlenecks'),
  ...report('automation'),
  ...report('throughput'),
};

/** Routes outside the API's permission model: documentation and probes, all public and read-only. */
export const UNGUARDED = /^\/(healthz|api\/docs|api\/v1\/openapi\.json)(\/|$)/;
