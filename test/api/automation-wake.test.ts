// The automation loop inside the server is driven by writes, not by its tick:
// here the tick is an hour, so every task below is made only because a write
// woke the loop — and a write that lands while a round is running gets a
// round of its own after it.
import { expect, it } from 'vitest';
import { eventConsumers } from '../../src/consumers.ts';
import type { Consumer } from '../../src/events.ts';
import { forEachDatabase } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

/** A consumer whose round-end work can be held: the round that reaches it waits, still running, until released. */
class Gate {
  private held: Promise<void> | null = null;
  private letGo: (() => void) | null = null;
  private reached: (() => void) | null = null;
  /** Holds the next round that reaches the gate; resolves once one has. */
  hold(): Promise<void> {
    this.held = new Promise((resolve) => (this.letGo = resolve));
    return new Promise((resolve) => (this.reached = resolve));
  }
  release(): void {
    this.letGo?.();
    this.held = null;
  }
  readonly consumer: Consumer = {
    name: 'gate',
    events: [],
    runs: 'after rules',
    handle: async () => {},
    tick: async () => {
      const held = this.held;
      if (held) {
        this.reached?.();
        await held;
      }
      return 0;
    },
  };
}

const gate = new Gate();

/** Waits for something the loop does by itself; the hour-long tick means it only happens if a write woke the loop. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

async function titles(api: Client): Promise<string[]> {
  return (await api.get('/api/v1/tasks?status=all&limit=200')).body.items.map((t: { title: string }) => t.title);
}

forEachDatabase(
  'automation woken by writes',
  (ctx) => {
    const chaseRule = async (api: Client) => {
      const res = await api.post('/api/v1/rules', { name: 'Chase', trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}' }] });
      expect(res.status, res.text).toBe(201);
    };
    const postInvoice = async (api: Client, number: string) => {
      const res = await api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: number }, data: { number } });
      expect(res.status, res.text).toBe(202);
    };

    it('turns an event posted through POST /api/v1/events into its task without waiting for the tick', async () => {
      const org = await ctx.signup();
      await chaseRule(org.api);
      await postInvoice(org.api, 'INV-1');
      await eventually('the task for INV-1', async () => (await titles(org.api)).includes('Chase INV-1'));
    });

    it('runs the rules on the event a task written through the API emits', async () => {
      const org = await ctx.signup();
      const rule = await org.api.post('/api/v1/rules', {
        name: 'Parts',
        trigger: { event: 'task.created', where: [{ field: 'record.title', op: 'eq', value: 'Replace boiler' }] },
        actions: [{ type: 'create_task', title: 'Order parts' }],
      });
      expect(rule.status, rule.text).toBe(201);
      await ctx.createTask(org.api, { title: 'Replace boiler' });
      await eventually('the task the rule makes', async () => (await titles(org.api)).includes('Order parts'));
    });

    it('follows a round that was running when an event arrived with another round', async () => {
      const org = await ctx.signup();
      await chaseRule(org.api);
      // The round this event wakes handles it, then waits at the gate, still running.
      const reached = gate.hold();
      await postInvoice(org.api, 'INV-2');
      await reached;
      expect(await titles(org.api)).toEqual(['Chase INV-2']);
      // Posted while that round runs, after it looked for events: only a round after it can handle this one.
      await postInvoice(org.api, 'INV-3');
      gate.release();
      await eventually('the task for INV-3', async () => (await titles(org.api)).includes('Chase INV-3'));
    });
  },
  { automation: { loop: true, tickMs: 3_600_000, consumers: [...eventConsumers({}), gate.consumer] } },
);
