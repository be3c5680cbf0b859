import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/harness.ts';

forEachDatabase('HTTP conventions', (ctx) => {
  it('answers malformed JSON with a 400 problem', async () => {
    const org = await ctx.signup();
    const res = await org.api.request('POST', '/api/v1/tasks', { body: '{"title": "unterminated', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, title: 'Invalid request' });
  });

  it('never replays a signed-out request by its Idempotency-Key: a second sign-up or log-in with the same key gets its own answer, never the first token', async () => {
    const body = { orgName: 'Keyed Co', timezone: 'Europe/London', name: 'Kay', email: `kay-${ctx.dialect}@example.com`, password: 'correct horse battery staple 9' };
    const first = await ctx.anonymous.request('POST', '/api/v1/signup', { body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'idempotency-key': 'signup-1' } });
    expect(first.status).toBe(201);
    const again = await ctx.anonymous.request('POST', '/api/v1/signup', { body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'idempotency-key': 'signup-1' } });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(again.body)).not.toContain(first.body.token);
    // (The second sign-up made a second business with the same email and password: log in to the first.)
    const login = { email: body.email, password: body.password, orgId: first.body.org.id };
    const session = await ctx.anonymous.request('POST', '/api/v1/sessions', { body: JSON.stringify(login), headers: { 'content-type': 'application/json', 'idempotency-key': 'login-1' } });
    const replay = await ctx.anonymous.request('POST', '/api/v1/sessions', { body: JSON.stringify(login), headers: { 'content-type': 'application/json', 'idempotency-key': 'login-1' } });
    expect(session.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.body.token).not.toBe(session.body.token);
  });

  it('answers a body over 1 MB with 413 and writes nothing', async () => {
    const org = await ctx.signup();
    const res = await org.api.post('/api/v1/tasks', { title: 'Big', description: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toEqual([]);
  });

  it('answers a non-JSON body with 415, a wrong-typed field with 400 naming it', async () => {
    const org = await ctx.signup();
    const text = await org.api.request('POST', '/api/v1/tasks', { body: 'title=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const wrongType = await org.api.post('/api/v1/tasks', { title: 42, checklist: 'buy parts', links: {} });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['checklist', 'links', 'title']);
  });

  it('refuses prototype-pollution keys and stores SQL-looking text verbatim', async () => {
    const org = await ctx.signup();
    const polluted = await org.api.request('POST', '/api/v1/tasks', { body: '{"title":"x","__proto__":{"admin":true}}' });
    expect(polluted.status).toBe(400);
    const sqlish = "Robert'); DROP TABLE tasks;-- ☃ 𝄞";
    const task = await ctx.createTask(org.api, { title: sqlish });
    expect((await org.api.get(`/api/v1/tasks/${task.key}`)).body.title).toBe(sqlish);
    expect((await org.api.get(`/api/v1/tasks?q=${encodeURIComponent("DROP TABLE")}`)).body.items).toHaveLength(1);
    expect((await org.api.get(`/api/v1/tasks?q=${encodeURIComponent('%')}`)).body.items).toHaveLength(0);
  });

  it('answers an unknown API route with a 404 problem', async () => {
    const org = await ctx.signup();
    const res = await org.api.get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves the OpenAPI 3.1 document and browsable docs', async () => {
    const doc = await ctx.anonymous.get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.body.paths);
    for (const path of ['/api/v1/signup', '/api/v1/sessions', '/api/v1/me', '/api/v1/users', '/api/v1/users/{id}', '/api/v1/teams', '/api/v1/tokens', '/api/v1/tasks', '/api/v1/tasks/{id}', '/api/v1/tasks/bulk', '/api/v1/tasks/{id}/history', '/api/v1/tasks/{id}/comments', '/api/v1/stream']) {
      expect(paths, path).toContain(path);
    }
    const create = doc.body.paths['/api/v1/tasks'].post;
    expect(create.requestBody.content['application/json'].schema.properties.priority.enum).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401']));
    const docs = await ctx.anonymous.get('/api/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });

  it('sends security headers on every answer', async () => {
    const res = await ctx.anonymous.get('/api/v1/openapi.json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('accepts the session cookie for reads, and for writes only with the CSRF header', async () => {
    const signup = await ctx.anonymous.post('/api/v1/signup', { orgName: 'Cookie Co', timezone: 'Europe/London', name: 'C', email: `c-${Date.now()}@example.test`, password: 'a long enough password' });
    const cookies = signup.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('fl_session='))!;
    const csrf = cookies.find((c) => c.startsWith('fl_csrf='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    const cookie = [session, csrf].map((c) => c.split(';')[0]).join('; ');
    const csrfValue = csrf.split(';')[0]!.split('=')[1]!;
    expect((await ctx.anonymous.get('/api/v1/me', { cookie })).status).toBe(200);
    const forged = await ctx.anonymous.post('/api/v1/tasks', { title: 'From another site' }, { cookie });
    expect(forged.status).toBe(403);
    const wrong = await ctx.anonymous.post('/api/v1/tasks', { title: 'x' }, { cookie, 'x-csrf-token': 'guess' });
    expect(wrong.status).toBe(403);
    const ok = await ctx.anonymous.post('/api/v1/tasks', { title: 'From the app' }, { cookie, 'x-csrf-token': csrfValue });
    expect(ok.status).toBe(201);
  });
});
