// On PostgreSQL the automation worker has connections of its own: requests
// holding every connection of the server's pool (a burst of writes) never keep
// the worker from handling what they queued.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { REQUEST_CONNECTIONS } from '../../src/platform/db/database.ts';
import { forEachDatabase } from '../support/harness.ts';
import { WAITED_TOO_LONG, within } from '../support/waiting.ts';

forEachDatabase(
  'the worker’s connections',
  (ctx) => {
    it('handles events while every connection of the server’s pool is held (PostgreSQL)', async () => {
      if (ctx.dialect !== 'postgres') return; // SQLite has one connection, shared by design
      const org = await ctx.signup();
      const member = await ctx.addUser(org, 'member');
      await ctx.createTask(org.api, { title: 'Call Mrs Patel back', assigneeId: member.id });
      const db = ctx.server.deps.db;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let holding = 0;
      let allHeld!: () => void;
      const held = new Promise<void>((resolve) => (allHeld = resolve));
      const holders = Array.from({ length: REQUEST_CONNECTIONS }, () =>
        db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx);
          if (++holding === REQUEST_CONNECTIONS) allHeld();
          await gate;
        }),
      );
      await held;
      const drained = await within(10_000, ctx.server.automation.drain());
      release();
      await Promise.all(holders);
      expect(drained).not.toBe(WAITED_TOO_LONG);
      expect((drained as { events: number }).events).toBeGreaterThan(0);
      const told = (await member.api.get('/api/v1/notifications')).body.items;
      expect(told.map((n: { title?: string; task?: { title: string } }) => JSON.stringify(n))).toEqual([expect.stringContaining('Call Mrs Patel back')]);
    });
  },
  { automation: { loop: false } },
);
