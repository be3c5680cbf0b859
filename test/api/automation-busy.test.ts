// The time-driven work (due timers, service plans, the consumers' own ticks)
// must not wait for a quiet moment: a business whose events never stop still
// gets its escalations. Here every event handled appends another and moves
// the clock on half a tick, and a round takes five events at most, so the
// loop never finds nothing pending until the chain ends.
import { expect, it } from 'vitest';
import { eventConsumers } from '../../src/consumers.ts';
import type { Consumer } from '../../src/events.ts';
import { appendEvent } from '../../src/platform/outbox.ts';
import { forEachDatabase } from '../support/harness.ts';
import type { TestContext } from '../support/harness.ts';

const TICK_MS = 60_000;

/** Each event it takes appends the next one of its chain (while `left` lasts) and moves the clock on; its tick is counted. */
class Chain {
  left = 0;
  ticks = 0;
  ctx!: TestContext;
  readonly consumer: Consumer = {
    name: 'chain',
    events: 'all',
    runs: 'after rules',
    handle: async (deps, event) => {
      if (event.type !== 'invoice.overdue' || this.left <= 0) return;
      this.left -= 1;
      this.ctx.clock.advance(TICK_MS / 2);
      await appendEvent(deps.db, { orgId: event.orgId, type: 'invoice.overdue', subject: { type: 'invoice', id: `${event.subject.id}+` }, data: {}, actorId: null, occurredAt: deps.clock.now() });
    },
    tick: async () => {
      this.ticks += 1;
      return 0;
    },
  };
}

const chain = new Chain();

forEachDatabase(
  'automation under a steady stream of events',
  (ctx) => {
    it('runs the time-driven work at least once a tick while every round finds events, and once more when they stop', async () => {
      chain.ctx = ctx;
      const org = await ctx.signup();
      await ctx.server.automation.drain();
      chain.ticks = 0;
      chain.left = 40;
      const posted = await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: 'INV-1' }, data: { number: 'INV-1' } });
      expect(posted.status, posted.text).toBe(202);
      // Six rounds, every one of them finding events: at least two and a half ticks of business time pass between them.
      const busy = await ctx.server.automation.drain(6);
      expect(busy.events).toBeGreaterThanOrEqual(6);
      expect(chain.left).toBeGreaterThan(0);
      expect(chain.ticks).toBeGreaterThanOrEqual(3);
      // The rest of the chain, then the quiet round's own pass.
      const before = chain.ticks;
      await ctx.server.automation.drain();
      expect(chain.left).toBe(0);
      expect(chain.ticks).toBeGreaterThan(before);
    });
  },
  { automation: { loop: false, tickMs: TICK_MS, batchSize: 5, consumers: [...eventConsumers({}), chain.consumer] } },
);
