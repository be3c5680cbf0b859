// A request that took an Idempotency-Key and never answered (its process was
// killed) must not block the client's retry forever: after a while, the retry
// takes the claim over, runs once, and is replayed from then on.
import { expect, it } from 'vitest';
import { ABANDONED_CLAIM_MS } from '../../src/platform/http/idempotency.ts';
import { forEachDatabase } from '../support/harness.ts';

forEachDatabase('Idempotency-Key left behind by a killed process', (ctx) => {
  it('answers 409 while the first attempt may still be running, then lets the retry through exactly once', async () => {
    const org = await ctx.signup();
    const body = { title: 'Call back about the leaking tap' };
    const db = ctx.server.deps.db;
    // What a process killed mid-request leaves: a claim with no answer, for the same request.
    expect((await org.api.post('/api/v1/tasks', body, { 'idempotency-key': 'probe' })).status).toBe(201);
    const probe = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', 'probe').executeTakeFirstOrThrow();
    await db.insertInto('idempotency_keys').values({ ...probe, key: 'killed', status_code: null, response_body: null, created_at: ctx.clock.now() }).execute();
    const before = (await org.api.get('/api/v1/tasks?status=all')).body.items.length;

    const early = await org.api.post('/api/v1/tasks', body, { 'idempotency-key': 'killed' });
    expect(early.status).toBe(409);
    ctx.clock.advance(ABANDONED_CLAIM_MS + 1000);
    const retry = await org.api.post('/api/v1/tasks', body, { 'idempotency-key': 'killed' });
    expect(retry.status).toBe(201);
    const again = await org.api.post('/api/v1/tasks', body, { 'idempotency-key': 'killed' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(retry.body.id);
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items.length).toBe(before + 1);
    const other = await org.api.post('/api/v1/tasks', { title: 'Another body' }, { 'idempotency-key': 'killed' });
    expect(other.status).toBe(409);
  });
});
