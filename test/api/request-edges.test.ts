// Edges of the HTTP conventions: If-Match compares strongly (a weak tag, or a
// well-formed tag the API never handed out, answers 412); a body that may be
// left out may also be sent empty; bytes that are not UTF-8 are refused with a
// 400 naming the field, in JSON bodies and CSV cells alike; and an import with
// a flood of problems lists the first 100 and says how many more.
import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/harness.ts';

/** Sends raw bytes, so a body can hold sequences that are not UTF-8. */
async function rawPost(baseUrl: string, token: string, path: string, type: string, bytes: Buffer) {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: new Uint8Array(bytes) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as any };
}

forEachDatabase('request edges', (ctx) => {
  it('If-Match: a weak tag never matches and a well-formed unknown tag answers 412; a malformed one 400; the current strong tag 200', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api);
    for (const tag of ['W/"1"', '"stale-etag-0"', '""', 'W/"x", "abc"']) {
      const res = await org.api.patch(`/api/v1/tasks/${task.id}`, { title: 'Changed' }, { 'if-match': tag });
      expect(res.status, tag).toBe(412);
      expect(res.headers.get('etag'), tag).toBe('"1"');
    }
    for (const tag of ['stale-etag-0', '"unterminated', 'W/1']) {
      const res = await org.api.patch(`/api/v1/tasks/${task.id}`, { title: 'Changed' }, { 'if-match': tag });
      expect(res.status, tag).toBe(400);
      expect(res.body.errors[0].path).toBe('If-Match');
    }
    expect((await org.api.get(`/api/v1/tasks/${task.id}`)).body.title).toBe(task.title);
    expect((await org.api.patch(`/api/v1/tasks/${task.id}`, { title: 'Changed' }, { 'if-match': 'W/"9", "1"' })).status).toBe(200);
  });

  it('creates a calendar feed from an empty JSON body, as from none', async () => {
    const org = await ctx.signup();
    const empty = await org.api.request('POST', '/api/v1/me/calendar-feed', { body: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status, empty.text).toBe(201);
    const none = await org.api.request('POST', '/api/v1/me/calendar-feed');
    expect(none.status, none.text).toBe(201);
  });

  it('refuses bytes that are not UTF-8 in a JSON body with a 400 naming the field, storing nothing', async () => {
    const org = await ctx.signup();
    const bytes = Buffer.concat([Buffer.from('{"title":"Fix the '), Buffer.from([0xc3, 0x28]), Buffer.from(' tap","description":"ok"}')]);
    const res = await rawPost(ctx.baseUrl, org.token, '/api/v1/tasks', 'application/json', bytes);
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    expect(res.body.errors.map((e: any) => e.path)).toEqual(['title']);
    const nested = Buffer.concat([Buffer.from('{"title":"x","checklist":[{"text":"a'), Buffer.from([0xff]), Buffer.from('"}]}')]);
    expect((await rawPost(ctx.baseUrl, org.token, '/api/v1/tasks', 'application/json', nested)).body.errors[0].path).toBe('checklist.0.text');
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toEqual([]);
  });

  it('refuses bytes that are not UTF-8 in a CSV cell with a 400 naming its row and column, importing nothing', async () => {
    const org = await ctx.signup();
    const bytes = Buffer.concat([Buffer.from('title,description\nGood row,fine\nBad row,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const res = await rawPost(ctx.baseUrl, org.token, '/api/v1/imports/tasks', 'text/csv', bytes);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path)).toEqual(['row 3.description']);
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toEqual([]);
  });

  it('lists at most 100 problems of an import and says how many more, however many the file has', async () => {
    const org = await ctx.signup();
    const header = ['title', ...Array.from({ length: 20_000 }, (_, i) => `bogus${i}`)].join(',');
    const res = await org.api.request('POST', '/api/v1/imports/tasks', { body: `${header}\nA task\n`, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(422);
    expect(res.body.rows).toHaveLength(100);
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.more).toBe(19_900);
    expect(res.body.detail).toMatch(/20000 problems \(the first 100 are listed, 19900 more are not\)/);
    expect(res.text.length).toBeLessThan(100_000);
  });
});
