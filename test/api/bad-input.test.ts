// Bad input never hurts: generated malformed bodies, query strings and headers
// for every route of the server's route table get a 4xx problem (never a 5xx),
// write nothing, and the server stays up. FINISHLINE_FUZZ_RUNS sets the size.
import fc from 'fast-check';
import { png, upload } from '../support/files.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/platform/http/routeTable.ts';
import { edgeString, FUZZ_RUNS, malformedBody, malformedCursor, malformedPathId, malformedQuery, oddHeaders, SQL_LOOKING } from '../support/bad-input.ts';
import { notifyIn } from '../../src/notifications/service.ts';
import { issueResets } from '../../src/accounts/resets.ts';
import { forEachDatabase, type Org, PASSWORD, type TestContext } from '../support/harness.ts';
import { startProvider, type TestProvider } from '../support/oidc.ts';
import { type Kit, ROUTE_RULES, type Request, UNGUARDED } from './route-permissions.ts';

interface Sample {
  route: RouteEntry;
  request: Request;
}

/** What the fuzzing sent and how often the server failed, printed per database at the end. */
const tally = { tried: 0, serverErrors: 0 };

async function send(ctx: TestContext, method: string, path: string, token: string, text?: string, headers: Record<string, string> = {}) {
  tally.tried++;
  const res = await fetch(`${ctx.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(text !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: text,
    // A request the server never answers fails here, naming itself, instead of stalling the run.
    signal: AbortSignal.timeout(60_000),
    // A redirect (single sign-on's start) is an answer; where it leads is not this server.
    redirect: 'manual',
  });
  if (res.status >= 500) tally.serverErrors++;
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

function expectProblemOrSuccess(res: { status: number; type: string; text: string }, what: string): void {
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const said = `${what.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`;
    expect(res.type, said).toContain('application/problem+json');
    expect(JSON.parse(res.text).status, said).toBe(res.status);
  }
}

const PUBLIC_URL = 'http://fuzz.finishline.test';
let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider([`${PUBLIC_URL}/sso/callback`]);
});
afterAll(async () => {
  await provider?.close();
});

forEachDatabase('bad input', (ctx) => {
  let home: Org;
  let withBody: Sample[];
  let reads: Sample[];
  // Reading a backup is itself audited (even a refused one would not be), so neither the backup nor the audit log witnesses other writes.
  const witnesses = (s: Sample) => !s.route.url.includes('/:') && s.route.url !== '/api/v1/export' && s.route.url !== '/api/v1/audit';
  const snapshot = async () => Promise.all(reads.filter(witnesses).map(async (s) => (await send(ctx, 'GET', s.request.path, home.token)).text));

  beforeAll(async () => {
    home = await ctx.signup('Fuzz Electrical');
    const member = await ctx.addUser(home, 'member');
    const kit: Kit = {
      owner: home.api,
      ownerId: home.user.id,
      login: { email: member.user.email, password: PASSWORD },
      async make(path, body) {
        const res = await home.api.post(path, body);
        expect(res.status, res.text).toBeLessThan(300);
        return res.body;
      },
      async attach(taskId) {
        const res = await upload(ctx.baseUrl, home.token, `/api/v1/tasks/${taskId}/attachments`, { bytes: await png(), name: 'fuzz.png' });
        expect(res.status).toBe(201);
        return res.body;
      },
      async notify(userId) {
        const id = await notifyIn(ctx.server.deps.db, { orgId: home.id, userId, kind: 'rule', sourceKey: `fuzz-${Math.random()}`, task: null, actorId: null, message: 'Fuzz notice' }, ctx.clock.now());
        return id!;
      },
      async resetToken(email) {
        return (await issueResets(ctx.server.deps, email, {}))[0]!.secret;
      },
      now: () => ctx.clock.now(),
      // One request per route here, so no limit's window needs passing; and a clock moved on would mark the session used again, which the writes-nothing snapshots read.
      advance: () => {},
      get sso() {
        return { provider, baseUrl: ctx.baseUrl };
      },
    };
    const routes = ctx.server.app.routeTable.filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/') && !UNGUARDED.test(r.url));
    const samples: Sample[] = [];
    for (const route of routes) {
      const rule = ROUTE_RULES[`${route.method} ${route.url}`];
      if (!rule || rule.endsSession || rule.stream) continue; // the route matrix names what is missing
      samples.push({ route, request: await rule.request(kit, { id: home.user.id, email: home.user.email }) });
    }
    // Multipart uploads are not JSON: attachments.test.ts refuses their bad forms.
    withBody = samples.filter((s) => s.request.body !== undefined && !(s.request.body instanceof FormData));
    reads = samples.filter((s) => s.route.method === 'GET');
  });

  it('refuses malformed bodies on every route that takes one with a 4xx problem, and writes nothing', async () => {
    const before = await snapshot();
    const cases = fc.constantFrom(...withBody).chain((s) => malformedBody(s.request.body as Record<string, unknown>).map((body) => ({ s, body })));
    await fc.assert(
      fc.asyncProperty(cases, async ({ s, body }) => {
        const res = await send(ctx, s.route.method, s.request.path, home.token, body.text);
        const what = `${s.route.method} ${s.route.url} with ${body.why}: ${body.text.slice(0, 120)}`;
        expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expectProblemOrSuccess(res, what);
      }),
      { numRuns: FUZZ_RUNS * withBody.length },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('answers a body over 1 MB with 413 on every route that takes one', async () => {
    for (const s of withBody) {
      const res = await send(ctx, s.route.method, s.request.path, home.token, JSON.stringify({ ...(s.request.body as object), padding: 'x'.repeat(1_100_000) }));
      expect(res.status, `${s.route.method} ${s.route.url}`).toBe(413);
      expect(res.type).toContain('application/problem+json');
    }
  });

  it('answers malformed query strings on every read with a 4xx problem or a normal answer, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reads), malformedQuery, async (s, query) => {
        const res = await send(ctx, 'GET', `${s.request.path}?${query}`, home.token);
        expectProblemOrSuccess(res, `GET ${s.route.url}?${query.slice(0, 200)}`);
      }),
      { numRuns: FUZZ_RUNS * reads.length },
    );
  });

  it('answers cursors no list handed out, under every sort, with a 400 naming cursor or a normal answer, never a 5xx', async () => {
    const sorts = ['', 'sort=due&', 'sort=-priority&', 'sort=created&', 'sort=updated&', 'sort=name&', 'sort=-title&'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reads), fc.constantFrom(...sorts), malformedCursor, async (s, sort, cursor) => {
        const path = `${s.request.path}${s.request.path.includes('?') ? '&' : '?'}${sort}cursor=${cursor}`;
        const res = await send(ctx, 'GET', path, home.token);
        expectProblemOrSuccess(res, `GET ${path.slice(0, 300)}`);
      }),
      { numRuns: FUZZ_RUNS * reads.length },
    );
    // The ones the attack found: each a 400 naming cursor, on both databases.
    for (const path of ['/api/v1/tasks?sort=due&cursor=WyJhYmMiLCJ4Il0', '/api/v1/contacts?sort=created&cursor=WyJjcmVhdGVkIiwxZTMwLCJ4Il0', '/api/v1/tasks?sort=created&cursor=WzFlOTk5LCJ4Il0']) {
      const res = await send(ctx, 'GET', path, home.token);
      expect(res.status, `${path} → ${res.text}`).toBe(400);
      expect(JSON.parse(res.text).errors[0].path).toBe('cursor');
    }
    // A record's files, newest first, take (an instant, an id): text where the instant goes, or a number where the id goes, is refused the same way.
    const recordFiles = reads.filter((s) => /^\/api\/v1\/\w+\/:id\/attachments$/.test(s.route.url) && !s.route.url.startsWith('/api/v1/tasks/'));
    expect(recordFiles.length).toBe(5);
    for (const s of recordFiles) {
      for (const values of [['abc', 'x'], [1, 2], [1e30, 'x'], [1, 'x', 3], [null, 'x']]) {
        const path = `${s.request.path.split('?')[0]}?cursor=${Buffer.from(JSON.stringify(values)).toString('base64url')}`;
        const res = await send(ctx, 'GET', path, home.token);
        expect(res.status, `${path} → ${res.text}`).toBe(400);
        expect(JSON.parse(res.text).errors[0].path).toBe('cursor');
      }
    }
  });

  it('answers malformed ids in the path of every route with a 4xx problem, never a 5xx, and writes nothing', async () => {
    const before = await snapshot();
    // Not the upserts by another system's id (PUT /{type}/external/{source}/{id}): any well-formed text is a valid id there, and
    // a well-formed one the generator makes creates a record, as it should; their refusals are tested in external-refs.test.ts.
    const withIds = [...reads, ...withBody].filter((s) => s.route.url.includes('/:') && !s.route.url.includes('/external/'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withIds), malformedPathId, async (s, id) => {
        const pattern = s.route.url.split('/');
        const segments = s.request.path.split('?')[0]!.split('/');
        const at = pattern.findIndex((segment) => segment.startsWith(':'));
        segments[at] = id;
        const path = segments.join('/');
        const res = await send(ctx, s.route.method, path, home.token, s.route.method === 'GET' ? undefined : JSON.stringify(s.request.body ?? {}));
        expectProblemOrSuccess(res, `${s.route.method} ${path.slice(0, 300)}`);
        if (id.includes('%00')) expect(res.status, `${s.route.method} ${path.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: FUZZ_RUNS * withIds.length },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('answers odd headers on every route without a 5xx, and refused writes change nothing', async () => {
    const before = await snapshot();
    const targets = [...reads, ...withBody];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), oddHeaders, async (s, headers) => {
        // Writes get a body they must refuse, so odd headers never get to change anything.
        const text = s.route.method === 'GET' ? undefined : '{"zz_unknown": true}';
        let res;
        try {
          res = await send(ctx, s.route.method, s.request.path, home.token, text, headers);
        } catch (error) {
          if ((error as Error).name === 'TypeError' && /header/i.test(String((error as Error & { cause?: unknown }).cause ?? error))) return; // not sendable over HTTP at all
          throw error;
        }
        expectProblemOrSuccess(res, `${s.route.method} ${s.route.url} with ${JSON.stringify(headers)}`);
      }),
      { numRuns: FUZZ_RUNS * targets.length },
    );
    expect(await snapshot()).toEqual(before);
  }, 240_000); // every read and write × FUZZ_RUNS header sets: minutes on a busy machine

  it('stores unicode edge cases and SQL-looking text verbatim, or refuses them with a 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(edgeString, fc.constantFrom(...SQL_LOOKING)), edgeString, async (title, description) => {
        const res = await home.api.post('/api/v1/tasks', { title, description });
        expectProblemOrSuccess({ status: res.status, type: res.headers.get('content-type') ?? '', text: res.text }, `title ${JSON.stringify(title)}`);
        if (res.status !== 201) {
          expect(res.status).toBe(400);
          return;
        }
        const stored = await home.api.get(`/api/v1/tasks/${res.body.id}`);
        expect(stored.body.title).toBe(title.trim());
        expect(stored.body.description).toBe(description);
        const found = await home.api.get(`/api/v1/tasks?status=all&q=${encodeURIComponent(title.trim().slice(0, 50))}&limit=200`);
        expect(found.status).toBe(200);
      }),
      { numRuns: FUZZ_RUNS * 3 },
    );
  });

  it('changes none of the tasks when one of a bulk change’s ids is not there', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.constantFrom('urgent', 'low'), edgeString, async (count, priority, ghost) => {
        const tasks = [];
        for (let i = 0; i < count; i++) tasks.push(await ctx.createTask(home.api, { title: `Bulk ${i}` }));
        const res = await home.api.post('/api/v1/tasks/bulk', { ids: [...tasks.map((t) => t.id), `ghost-${ghost}`.slice(0, 90)], set: { priority } });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        for (const t of tasks) expect((await home.api.get(`/api/v1/tasks/${t.id}`)).body).toMatchObject({ priority: 'normal', version: 1 });
      }),
      // A whole number: fast-check never finishes a fractional numRuns (50 / 4 ran until the test timed out).
      { numRuns: Math.max(5, Math.ceil(FUZZ_RUNS / 4)) },
    );
  });

  it('is still up and answering after all of it', async () => {
    expect((await ctx.anonymous.get('/healthz')).status).toBe(200);
    expect((await home.api.get('/api/v1/me')).status).toBe(200);
    console.log(`[fuzz] ${FUZZ_RUNS} runs per route: ${tally.tried} requests tried so far, ${tally.serverErrors} answered 5xx`);
  });
}, { publicUrl: PUBLIC_URL, ssoAllowLocalIssuers: true });
