import { expect, it } from 'vitest';
import { findEvent } from '../../src/platform/outbox.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Posts `n` outside events in batches of 500; returns their ids. */
async function postMany(org: Org, n: number, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < n; i += 500) {
    const events = ids.slice(i, i + 500).map((id) => ({ id, type: 'call.missed', subject: { type: 'call', id }, data: {} }));
    const res = await org.api.post('/api/v1/events/batch', { events });
    expect(res.status, res.text).toBe(202);
  }
  return ids;
}

forEachDatabase('event retention (FINISHLINE_EVENT_RETENTION_DAYS, default 30)', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const exists = async (org: Org, id: string) => (await findEvent(ctx.server.deps.db, org.id, id)) !== undefined;
  /** An organisation seen through an integration's API token (sessions end after 14 days; these tests span months). */
  const integration = async (): Promise<Org> => {
    const org = await ctx.signup();
    const token = await org.api.post('/api/v1/tokens', { name: 'Accounting sync' });
    expect(token.status, token.text).toBe(201);
    return { ...org, api: ctx.client(token.body.token) };
  };
  const count = async (orgId: string) =>
    Number((await ctx.server.deps.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()).n);

  it('deletes events every consumer handled more than 30 days ago, in batches, every 10 minutes; keeps younger and unhandled ones and those a delayed rule run still needs', async () => {
    const org = await integration();
    const rule = await org.api.post('/api/v1/rules', { name: 'Quote follow-up', trigger: { event: 'quote.sent', delay: 'P40D' }, actions: [{ type: 'create_task', title: 'Follow up quote {{data.number}}' }] });
    expect(rule.status, rule.text).toBe(201);
    const old = await postMany(org, 1100, 'old');
    const quote = (await org.api.post('/api/v1/events', { id: 'quote-1', type: 'quote.sent', subject: { type: 'quote', id: 'q1' }, data: { number: 'Q-1' } })).body;
    await drain();
    expect(await count(org.id)).toBeGreaterThan(1100);

    ctx.clock.advance(20 * DAY);
    const younger = await postMany(org, 3, 'younger');
    await drain();
    ctx.clock.advance(10 * DAY + MINUTE);
    // Posted now and not handled yet when the next round prunes: kept, whatever its stated age.
    const unhandled = (await org.api.post('/api/v1/events', { id: 'late-1', type: 'call.missed', subject: { type: 'call', id: 'late' }, data: {}, occurredAt: new Date(ctx.clock.now() - 60 * DAY).toISOString() })).body;
    expect(unhandled.id).toBe('late-1');
    await drain();

    // More than one batch of 500 went in one round.
    for (const id of [old[0]!, old[499]!, old[500]!, old[1099]!]) expect(await exists(org, id), id).toBe(false);
    for (const id of younger) expect(await exists(org, id), id).toBe(true);
    expect(await exists(org, 'late-1')).toBe(true);
    // The delayed rule fires on day 40 and reads its event then.
    expect(await exists(org, quote.id)).toBe(true);

    ctx.clock.advance(10 * DAY);
    await drain();
    const tasks = (await org.api.get('/api/v1/tasks?status=all')).body.items.map((t: any) => t.title);
    expect(tasks).toEqual(['Follow up quote Q-1']);
    // Its timer has fired: the next pruning round (10 minutes on) takes the quote, handled 40 days ago, too.
    expect(await exists(org, quote.id)).toBe(true);
    ctx.clock.advance(5 * MINUTE);
    await drain();
    expect(await exists(org, quote.id)).toBe(true);
    ctx.clock.advance(5 * MINUTE);
    await drain();
    expect(await exists(org, quote.id)).toBe(false);
    // Handled 20 days ago: kept.
    for (const id of younger) expect(await exists(org, id), id).toBe(true);
    expect(await exists(org, 'late-1')).toBe(true);
  });

  it('takes an event id again as a new event once its old event is gone (an integration\'s ids are idempotent within the retention period)', async () => {
    const org = await integration();
    const first = await org.api.post('/api/v1/events', { id: 'reused', type: 'call.missed', subject: { type: 'call', id: 'c1' }, data: {} });
    expect(first.status).toBe(202);
    await drain();
    ctx.clock.advance(31 * DAY);
    await drain();
    expect(await exists(org, 'reused')).toBe(false);
    const again = await org.api.post('/api/v1/events', { id: 'reused', type: 'call.missed', subject: { type: 'call', id: 'c1' }, data: {} });
    expect(again.status).toBe(202);
    expect(await exists(org, 'reused')).toBe(true);
  });
});

forEachDatabase('event retention set to 0', (ctx) => {
  it('keeps every event', async () => {
    const org = await ctx.signup();
    await postMany(org, 3, 'kept');
    await ctx.server.automation.drain();
    ctx.clock.advance(400 * DAY);
    await ctx.server.automation.drain();
    for (const id of ['kept-0', 'kept-1', 'kept-2']) expect(await findEvent(ctx.server.deps.db, org.id, id)).toBeDefined();
  });
}, { automation: { loop: false, eventRetentionDays: 0 } });
