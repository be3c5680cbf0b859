// Each organisation's automation timing: how long before a due date
// task.due_soon fires and how long after a job's start it is a missed
// appointment. Set through PATCH /api/v1/org (admins); null follows the
// server's defaults (here 60 and 30 minutes). Timers follow the setting as it
// is when they are planned.
import { expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const MINUTE = 60_000;

forEachDatabase('organisation automation timing', (ctx) => {
  const drain = async () => {
    // One round plans the timers or fires them; the next handles the events they made.
    await ctx.server.automation.drain();
    await ctx.server.automation.drain();
  };
  const headsUp = async (api: Client) => {
    const res = await api.post('/api/v1/rules', { name: 'Heads up', trigger: { event: 'task.due_soon' }, actions: [{ type: 'create_task', title: 'Heads up: {{record.title}}' }] });
    expect(res.status, res.text).toBe(201);
  };
  const titles = async (org: Org) => ((await org.api.get('/api/v1/tasks?status=all&limit=200')).body.items as { title: string }[]).map((t) => t.title).sort();
  const dueIn = (minutes: number) => new Date(ctx.clock.now() + minutes * MINUTE).toISOString();
  const setTiming = async (org: { api: Client }, body: Record<string, unknown>) => {
    const res = await org.api.patch('/api/v1/org', body);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  it('reads and changes the timing through the organisation settings (admins), 400 naming the field for a bad value', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    const admin = await ctx.addUser(org, 'admin');
    expect((await org.api.get('/api/v1/org')).body).toMatchObject({ dueSoonMinutes: null, missedGraceMinutes: null });
    expect((await manager.api.patch('/api/v1/org', { dueSoonMinutes: 120 })).status).toBe(403);
    expect(await setTiming(admin, { dueSoonMinutes: 180, missedGraceMinutes: 10 })).toMatchObject({ dueSoonMinutes: 180, missedGraceMinutes: 10 });
    expect((await manager.api.get('/api/v1/org')).body).toMatchObject({ dueSoonMinutes: 180, missedGraceMinutes: 10 });
    expect((await org.api.get('/api/v1/me')).body.org).toMatchObject({ dueSoonMinutes: 180, missedGraceMinutes: 10 });
    for (const [field, value] of [
      ['dueSoonMinutes', -1],
      ['dueSoonMinutes', 1.5],
      ['dueSoonMinutes', 'soon'],
      ['dueSoonMinutes', 7 * 24 * 60 + 1],
      ['missedGraceMinutes', 24 * 60 + 1],
      ['missedGraceMinutes', true],
    ] as const) {
      const bad = await org.api.patch('/api/v1/org', { [field]: value });
      expect(bad.status, `${field} = ${JSON.stringify(value)}`).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([field]);
    }
    // Unchanged by the refusals; null goes back to the server's default.
    expect(await setTiming(org, { dueSoonMinutes: null })).toMatchObject({ dueSoonMinutes: null, missedGraceMinutes: 10 });
    // Another organisation's settings are its own.
    const rival = await ctx.signup('Rival');
    expect((await rival.api.get('/api/v1/org')).body).toMatchObject({ dueSoonMinutes: null, missedGraceMinutes: null });
  });

  it('fires task.due_soon at each organisation’s own lead time', async () => {
    const early = await ctx.signup('Early Co');
    const usual = await ctx.signup('Usual Co');
    await setTiming(early, { dueSoonMinutes: 180 });
    for (const org of [early, usual]) {
      await headsUp(org.api);
      await ctx.createTask(org.api, { title: 'Service boiler', dueAt: dueIn(240) });
    }
    await drain();
    // Due in 179 minutes: inside Early Co's three hours, outside the default hour.
    ctx.clock.advance(61 * MINUTE);
    await drain();
    expect(await titles(early)).toEqual(['Heads up: Service boiler', 'Service boiler']);
    expect(await titles(usual)).toEqual(['Service boiler']);
    // Due in 59 minutes: the default hour.
    ctx.clock.advance(120 * MINUTE);
    await drain();
    expect(await titles(usual)).toEqual(['Heads up: Service boiler', 'Service boiler']);
    expect(await titles(early)).toEqual(['Heads up: Service boiler', 'Service boiler']);
  });

  it('plans with the timing in force when a due date is set: a change moves no timer already planned', async () => {
    const org = await ctx.signup();
    await headsUp(org.api);
    const old = await ctx.createTask(org.api, { title: 'Planned before', dueAt: dueIn(240) });
    await drain();
    await setTiming(org, { dueSoonMinutes: 180 });
    await ctx.createTask(org.api, { title: 'Planned after', dueAt: dueIn(240) });
    await drain();
    ctx.clock.advance(61 * MINUTE);
    await drain();
    expect(await titles(org)).toEqual(['Heads up: Planned after', 'Planned after', 'Planned before']);
    // A new due date is planned with the organisation's timing as it is now.
    expect((await org.api.patch(`/api/v1/tasks/${old.id}`, { dueAt: dueIn(170) })).status).toBe(200);
    await drain();
    expect(await titles(org)).toEqual(['Heads up: Planned after', 'Heads up: Planned before', 'Planned after', 'Planned before']);
  });

  it('marks a job missed after each organisation’s own grace period', async () => {
    const strict = await ctx.signup('Strict Co');
    const usual = await ctx.signup('Usual Co');
    await setTiming(strict, { missedGraceMinutes: 10 });
    const jobs = new Map<Org, string>();
    for (const org of [strict, usual]) {
      const job = await org.api.post('/api/v1/jobs', { title: 'Boiler service at No. 4', scheduledStart: dueIn(60) });
      expect(job.status, job.text).toBe(201);
      jobs.set(org, job.body.id);
    }
    await drain();
    const status = async (org: Org) => (await org.api.get(`/api/v1/jobs/${jobs.get(org)}`)).body.status;
    ctx.clock.advance(71 * MINUTE);
    await drain();
    expect(await status(strict)).toBe('missed');
    expect(await status(usual)).toBe('scheduled');
    ctx.clock.advance(20 * MINUTE);
    await drain();
    expect(await status(usual)).toBe('missed');
  });
});
