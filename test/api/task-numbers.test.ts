// A task's `T-n` number: unique in its business, and taken so that creates of
// one business never wait for each other's whole transactions (on PostgreSQL
// the counter moves in a statement that commits on its own), yet still taken
// when the caller's own transaction holds the business's row or is making the
// business.
import { expect, it } from 'vitest';
import { takeTaskNumber } from '../../src/people/service.ts';
import { newId } from '../../src/platform/ids.ts';
import { forEachDatabase } from '../support/harness.ts';
import { WAITED_TOO_LONG, within } from '../support/waiting.ts';

forEachDatabase('task numbers', (ctx) => {
  it('numbers tasks created at once uniquely, one after another', async () => {
    const org = await ctx.signup();
    const created = await Promise.all(Array.from({ length: 24 }, (_, i) => ctx.createTask(org.api, { title: `Call back ${i}` })));
    const numbers = created.map((t: { key: string }) => Number(t.key.slice(2))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('lets another create of the same business through while a transaction that took a number is still open (PostgreSQL)', async () => {
    if (ctx.dialect !== 'postgres') return; // SQLite lets one writer in at a time, whatever holds it
    const org = await ctx.signup();
    const first = await ctx.createTask(org.api, { title: 'First' });
    await ctx.server.deps.db.transaction().execute(async (trx) => {
      const held = await takeTaskNumber(trx, org.id);
      expect(held).toBe(Number(first.key.slice(2)) + 1);
      const other = await within(5000, ctx.createTask(org.api, { title: 'Not kept waiting' }));
      expect(other).not.toBe(WAITED_TOO_LONG);
      expect((other as { key: string }).key).toBe(`T-${held + 1}`);
    });
  });

  it('takes a number inside a transaction that holds the business row itself', async () => {
    const org = await ctx.signup();
    const first = await ctx.createTask(org.api, { title: 'First' });
    const db = ctx.server.deps.db;
    const number = await db.transaction().execute(async (trx) => {
      await trx.updateTable('orgs').set({ updated_at: ctx.clock.now() + 1 }).where('id', '=', org.id).execute();
      return within(10_000, takeTaskNumber(trx, org.id));
    });
    if (number === WAITED_TOO_LONG) throw new Error('the number was never taken');
    expect(number).toBe(Number(first.key.slice(2)) + 1);
    const next = await ctx.createTask(org.api, { title: 'Next' });
    expect(next.key).toBe(`T-${number + 1}`);
  });

  it('takes a number inside the transaction that makes the business, before anyone else can see it', async () => {
    const db = ctx.server.deps.db;
    const orgId = newId();
    const now = ctx.clock.now();
    const numbers = await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('orgs')
        .values({ id: orgId, name: 'Brand New', slug: `brand-new-${orgId.toLowerCase()}`, timezone: 'Europe/London', business_hours: '{}', holidays: '[]', due_soon_minutes: null, missed_grace_minutes: null, task_seq: 0, created_at: now, updated_at: now, version: 1 })
        .execute();
      return [await takeTaskNumber(trx, orgId), await takeTaskNumber(trx, orgId)];
    });
    expect(numbers).toEqual([1, 2]);
    const row = await db.selectFrom('orgs').select('task_seq').where('id', '=', orgId).executeTakeFirstOrThrow();
    expect(Number(row.task_seq)).toBe(2);
  });
});
