// API tokens with an expiry and their last use: an expired token is refused like an unknown one,
// the list shows when each expires and was last used, and another organisation sees none of them.
import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/harness.ts';

const DAY = 24 * 3600_000;
const at = (ms: number) => new Date(ms).toISOString();

forEachDatabase('API token expiry and last use', (ctx) => {
  it('makes a token that works until its expiry, then answers 401 like an unknown token', async () => {
    const org = await ctx.signup();
    // (A week: the owner's own session, which reads the list after, lasts two.)
    const expiresAt = at(ctx.clock.now() + 7 * DAY);
    const created = await org.api.post('/api/v1/tokens', { name: 'Accounting sync', expiresAt });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'Accounting sync', expiresAt, lastUsedAt: null, revokedAt: null, token: expect.stringMatching(/^fla_/) });
    const integration = ctx.client(created.body.token);
    expect((await integration.get('/api/v1/tasks')).status).toBe(200);
    ctx.clock.advance(7 * DAY + 1000);
    try {
      const expired = await integration.get('/api/v1/tasks');
      const unknown = await ctx.client('fla_not-a-token-anyone-has').get('/api/v1/tasks');
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual(unknown.body);
      // Still listed, with its expiry, so people see why it stopped.
      const listed = await org.api.get('/api/v1/tokens');
      expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, expiresAt, revokedAt: null })]);
    } finally {
      ctx.clock.advance(-(7 * DAY + 1000));
    }
  });

  it('keeps a token without an expiry working until revoked', async () => {
    const org = await ctx.signup();
    const created = await org.api.post('/api/v1/tokens', { name: 'Forever', expiresAt: null });
    expect(created.status, created.text).toBe(201);
    expect(created.body.expiresAt).toBeNull();
    ctx.clock.advance(400 * DAY);
    try {
      expect((await ctx.client(created.body.token).get('/api/v1/tasks')).status).toBe(200);
      expect((await ctx.client(created.body.token).get('/api/v1/tokens')).body.items[0]).toMatchObject({ expiresAt: null, lastUsedAt: at(ctx.clock.now()) });
    } finally {
      ctx.clock.advance(-400 * DAY);
    }
  });

  it('records when a token was last used, and the list shows it', async () => {
    const org = await ctx.signup();
    const created = await org.api.post('/api/v1/tokens', { name: 'Sync' });
    expect((await org.api.get('/api/v1/tokens')).body.items[0].lastUsedAt).toBeNull();
    ctx.clock.advance(5 * 60_000);
    try {
      const usedAt = at(ctx.clock.now());
      expect((await ctx.client(created.body.token).post('/api/v1/tasks', { title: 'Chase invoice 1042' })).status).toBe(201);
      expect((await ctx.client(created.body.token).get('/api/v1/tasks')).status).toBe(200);
      const listed = await org.api.get('/api/v1/tokens');
      expect(listed.body.items).toEqual([{ id: created.body.id, name: 'Sync', createdAt: created.body.createdAt, expiresAt: null, lastUsedAt: usedAt, revokedAt: null }]);
    } finally {
      ctx.clock.advance(-5 * 60_000);
    }
  });

  it('refuses an expiry that is not a date-time in the future, naming expiresAt', async () => {
    const org = await ctx.signup();
    for (const expiresAt of [at(ctx.clock.now() - 1000), at(ctx.clock.now()), 'next month', '2030-02-30T00:00:00Z', 1_900_000_000_000]) {
      const res = await org.api.post('/api/v1/tokens', { name: 'Bad', expiresAt });
      expect(res.status, JSON.stringify(expiresAt)).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['expiresAt']);
    }
    expect((await org.api.get('/api/v1/tokens')).body.items).toEqual([]);
  });

  it('shows and revokes tokens of the caller’s organisation only (another organisation gets 404)', async () => {
    const org = await ctx.signup();
    const rival = await ctx.signup('Rival');
    const created = await org.api.post('/api/v1/tokens', { name: 'Sync', expiresAt: at(ctx.clock.now() + 90 * DAY) });
    expect((await rival.api.get('/api/v1/tokens')).body.items).toEqual([]);
    expect((await rival.api.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(404);
    expect((await ctx.client(created.body.token).get('/api/v1/tasks')).status).toBe(200);
    const member = await ctx.addUser(org, 'member');
    expect((await member.api.get('/api/v1/tokens')).status).toBe(403);
    expect((await member.api.post('/api/v1/tokens', { name: 'Mine', expiresAt: at(ctx.clock.now() + DAY) })).status).toBe(403);
    expect((await org.api.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await ctx.client(created.body.token).get('/api/v1/tasks')).status).toBe(401);
  });
});
