// The documented answer of every API route: who may call it, and a request that
// should succeed for them. The matrices in route-matrix.test.ts are generated
// from the server's route table and this one: a route missing here fails them,
// by name, so whoever adds a route adds its line.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from '../support/http.ts';
import { PASSWORD } from '../support/harness.ts';

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
  'POST /api/v1/invitations/accept': {
    allowed: 'public',
    request: async (kit) => ({ path: '/api/v1/invitations/accept', body: { token: new URL((await invitation(kit)).acceptUrl).searchParams.get('token'), name: 'Invited Person', password: PASSWORD } }),
  },
  'GET /api/v1/me/sessions': { allowed: 'member', request: fixed('/api/v1/me/sessions') },
  'DELETE /api/v1/me/sessions': { allowed: 'member', request: fixed('/api/v1/me/sessions') },
  'DELETE /api/v1/me/sessions/:id': { allowed: 'member', request: async (kit, caller) => ({ path: `/api/v1/me/sessions/${await anotherSession(kit, caller)}` }) },
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
  'GET /api/v1/jobs/:id/attachments': { allowed: 'member', request: async (kit) => ({ path: `/api/v1/jobs/${(await kit.make('/api/v1/jobs', { title: 'Matrix job' })).id}/attachments` }) },
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
