// Isolation and permissions as matrices over every route the server has:
// each route × each role gets the answer route-permissions.ts documents, and
// each route × another organisation's ids gets 404.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/platform/http/routeTable.ts';
import { notifyIn } from '../../src/notifications/service.ts';
import { issueResets } from '../../src/accounts/resets.ts';
import { forEachDatabase, type Org, PASSWORD, type TestContext } from '../support/harness.ts';
import { png, upload } from '../support/files.ts';
import { startProvider, type TestProvider } from '../support/oidc.ts';
import { type Caller, type Kit, ROUTE_RULES, type RouteRule, UNGUARDED } from './route-permissions.ts';

type Role = 'owner' | 'admin' | 'manager' | 'member';
const RANK: Record<string, number> = { public: -1, member: 0, manager: 1, admin: 2, owner: 3 };

const keyOf = (route: RouteEntry) => `${route.method} ${route.url}`;

/** One request over the socket; a stream is only opened, its status read, then closed. */
async function call(ctx: TestContext, method: string, path: string, token: string | null, body: unknown, stream = false, extra: Record<string, string> = {}, redirects = false) {
  const controller = new AbortController();
  const headers: Record<string, string> = { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  const res = await fetch(`${ctx.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body), signal: controller.signal, redirect: redirects ? 'manual' : 'follow' });
  // A redirect is the answer itself: it counts as success.
  if (redirects && res.status >= 300 && res.status < 400) return { status: 200, text: '' };
  if (stream && res.status === 200) {
    controller.abort();
    return { status: res.status, text: '' };
  }
  return { status: res.status, text: await res.text() };
}

const PUBLIC_URL = 'http://matrix.finishline.test';
let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider([`${PUBLIC_URL}/sso/callback`]);
});
afterAll(async () => {
  await provider?.close();
});

forEachDatabase('route matrix', (ctx) => {
  let routes: RouteEntry[];
  let home: Org;
  let rival: Org;
  let kit: Kit;
  const tokens = {} as Record<Role, string>;
  const emails = {} as Record<Role, string>;
  const callers = {} as Record<Role, Caller>;

  beforeAll(async () => {
    routes = ctx.server.app.routeTable.filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/') && !UNGUARDED.test(r.url));
    home = await ctx.signup('Home Plumbing');
    rival = await ctx.signup('Rival Heating');
    tokens.owner = home.token;
    emails.owner = home.user.email;
    callers.owner = { id: home.user.id, email: home.user.email };
    for (const role of ['admin', 'manager', 'member'] as const) {
      const person = await ctx.addUser(home, role);
      tokens[role] = person.token;
      emails[role] = person.user.email;
      callers[role] = { id: person.id, email: person.user.email };
    }
    const loginUser = await ctx.addUser(home, 'member');
    kit = {
      get owner() {
        return ctx.client(tokens.owner);
      },
      ownerId: home.user.id,
      login: { email: loginUser.user.email, password: PASSWORD },
      async make(path, body) {
        const res = await ctx.client(tokens.owner).post(path, body);
        expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
        return res.body;
      },
      async attach(taskId) {
        const res = await upload(ctx.baseUrl, tokens.owner, `/api/v1/tasks/${taskId}/attachments`, { bytes: await png(), name: 'matrix.png' });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return res.body;
      },
      async notify(userId) {
        const sourceKey = `matrix-${Math.random().toString(36).slice(2)}`;
        const id = await notifyIn(ctx.server.deps.db, { orgId: home.id, userId, kind: 'rule', sourceKey, task: null, actorId: null, message: 'Matrix notice' }, ctx.clock.now());
        expect(id).not.toBeNull();
        return id!;
      },
      async resetToken(email) {
        const [issued] = await issueResets(ctx.server.deps, email, {});
        expect(issued).toBeDefined();
        return issued!.secret;
      },
      now: () => ctx.clock.now(),
      advance: (ms) => ctx.clock.advance(ms),
      get sso() {
        return { provider, baseUrl: ctx.baseUrl };
      },
    };
  });

  const ruleOf = (route: RouteEntry): RouteRule => {
    const rule = ROUTE_RULES[keyOf(route)];
    if (!rule) throw new Error(`${keyOf(route)} has no line in test/api/route-permissions.ts`);
    return rule;
  };

  /** The role's session; for a route that ends sessions, a new one (and the role is logged in afresh afterwards). */
  const sessionFor = async (role: Role, rule: RouteRule) => {
    if (!rule.endsSession) return tokens[role];
    const res = await ctx.anonymous.post('/api/v1/sessions', { email: emails[role], password: PASSWORD });
    expect(res.status, res.text).toBe(201);
    return res.body.token as string;
  };
  const afterwards = async (role: Role, rule: RouteRule) => {
    if (!rule.endsSession) return;
    const res = await ctx.anonymous.post('/api/v1/sessions', { email: emails[role], password: PASSWORD });
    tokens[role] = res.body.token;
  };

  it('has the documented answer of every route the server serves', () => {
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.map(keyOf).filter((key) => !(key in ROUTE_RULES));
    expect(missing, `add these routes to test/api/route-permissions.ts: ${missing.join(', ')}`).toEqual([]);
    for (const route of routes) expect(route.public, `${keyOf(route)} is public in the server but not in the table, or the other way round`).toBe(ruleOf(route).allowed === 'public');
  });

  /** The route's request and those of its other forms, each named for the report. */
  const formsOf = (route: RouteEntry, rule: RouteRule) => [
    { name: keyOf(route), make: rule.request },
    ...(rule.forms ?? []).map((make, i) => ({ name: `${keyOf(route)} (form ${i + 2})`, make })),
  ];

  it('answers 401 to a caller without credentials on every route but the public ones, which succeed', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const rule = ruleOf(route);
      for (const form of formsOf(route, rule)) {
        const request = await form.make(kit, callers.owner);
        const res = await call(ctx, route.method, request.path, null, request.body, rule.stream, request.headers, rule.redirects);
        await rule.after?.(kit, callers.owner, res);
        const expected = rule.allowed === 'public' ? res.status >= 200 && res.status < 300 : res.status === 401;
        if (!expected) wrong.push(`${form.name} → ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers every role as documented: 403 below the route’s role, success from it up', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const rule = ruleOf(route);
      for (const role of ['member', 'manager', 'admin', 'owner'] as const) {
        for (const form of formsOf(route, rule)) {
          const request = await form.make(kit, callers[role]);
          const res = await call(ctx, route.method, request.path, await sessionFor(role, rule), request.body, rule.stream, request.headers, rule.redirects);
          await afterwards(role, rule);
          await rule.after?.(kit, callers[role], res);
          const permitted = RANK[role]! >= RANK[rule.allowed]!;
          const ok = permitted ? res.status >= 200 && res.status < 300 : res.status === 403;
          if (!ok) wrong.push(`${form.name} as ${role} → ${res.status} (expected ${permitted ? '2xx' : 403}) ${res.text.slice(0, 200)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000); // four roles × every route, each with fresh records: minutes on a busy machine

  it('answers 404 on every route given another organisation’s ids, never 403 and never the record', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.url.includes('/:') && !ruleOf(r).shared && !ruleOf(r).capability)) {
      const rule = ruleOf(route);
      const request = await rule.request(kit, callers.owner);
      const res = await call(ctx, route.method, request.path, rival.token, request.body, rule.stream, request.headers, rule.redirects);
      await rule.after?.(kit, callers.owner, res);
      if (res.status !== 404) wrong.push(`${keyOf(route)} → ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('never shows another organisation’s people or records in any list or report', async () => {
    const leaks: string[] = [];
    for (const route of routes.filter((r) => r.method === 'GET' && !r.url.includes('/:'))) {
      const rule = ruleOf(route);
      if (rule.stream) continue;
      const request = await rule.request(kit, callers.owner);
      const res = await call(ctx, 'GET', request.path, rival.token, undefined, false, {}, rule.redirects);
      expect(res.status, `${keyOf(route)}: ${res.text.slice(0, 200)}`).toBeLessThan(300);
      if (res.text.includes(home.user.id) || res.text.includes(home.id)) leaks.push(keyOf(route));
    }
    expect(leaks).toEqual([]);
  });
}, { publicUrl: PUBLIC_URL, ssoAllowLocalIssuers: true });
