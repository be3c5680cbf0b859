// Outbound webhooks against a real receiver (node:http on a local port):
// signatures, retries with growing waits, order per subscription, exactly-once
// per event, disabling after repeated failure, test sends and the rule action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter } from '../../src/platform/outbox.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signature.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';
import { receiver } from '../support/receiver.ts';

const BASE_MS = 1000;

forEachDatabase('outbound webhooks', (ctx) => {
  const hooks = receiver();
  let base: string;
  let org: Org;

  beforeAll(async () => {
    base = await hooks.start();
    org = await ctx.signup('Webhook Plumbing');
  });
  afterAll(() => hooks.stop());

  const subscribe = async (path: string, events: string[], owner = org) => {
    const res = await owner.api.post('/api/v1/webhooks', { url: `${base}${path}`, events, description: path });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; secret: string; version: number };
  };
  const deliveries = async (id: string) => {
    const res = await org.api.get(`/api/v1/webhooks/${id}/deliveries`);
    expect(res.status, res.text).toBe(200);
    return res.body.items as any[];
  };
  const drain = () => ctx.server.automation.drain();

  describe('subscriptions', () => {
    it('shows the signing secret once, at creation, and never in reads', async () => {
      const hook = await subscribe('/shown-once', ['task.created']);
      expect(hook.secret).toMatch(/^whsec_/);
      const one = await org.api.get(`/api/v1/webhooks/${hook.id}`);
      expect(one.body).not.toHaveProperty('secret');
      expect(one.body).toMatchObject({ url: `${base}/shown-once`, events: ['task.created'], active: true });
      const list = await org.api.get('/api/v1/webhooks');
      expect(list.text).not.toContain(hook.secret);
    });

    it('refuses a URL that is not http(s) and an event type that does not exist, naming the field', async () => {
      const badUrl = await org.api.post('/api/v1/webhooks', { url: 'ftp://files.example.com/in', events: ['task.created'] });
      expect(badUrl.status).toBe(400);
      expect(badUrl.body.errors.map((e: any) => e.path)).toEqual(['url']);
      const badEvent = await org.api.post('/api/v1/webhooks', { url: `${base}/x`, events: ['task.created', 'task.exploded'] });
      expect(badEvent.status).toBe(400);
      expect(badEvent.body.errors.map((e: any) => e.path)).toEqual(['events.1']);
      const none = await org.api.post('/api/v1/webhooks', { url: `${base}/x`, events: [] });
      expect(none.body.errors.map((e: any) => e.path)).toEqual(['events']);
      const hook = await subscribe('/patched', ['task.created']);
      const badPatch = await org.api.patch(`/api/v1/webhooks/${hook.id}`, { url: 'javascript:alert(1)' });
      expect(badPatch.status).toBe(400);
      expect(badPatch.body.errors.map((e: any) => e.path)).toEqual(['url']);
    });

    it('writes creating, rotating and deleting to the audit log, without the secret', async () => {
      const hook = await subscribe('/audited', ['*']);
      expect((await org.api.post(`/api/v1/webhooks/${hook.id}/rotate-secret`)).status).toBe(200);
      expect((await org.api.delete(`/api/v1/webhooks/${hook.id}`)).status).toBe(204);
      const audit = await org.api.get('/api/v1/audit?limit=200');
      const mine = audit.body.items.filter((e: any) => e.subject?.id === hook.id).map((e: any) => e.action);
      expect(mine).toEqual(['webhook.deleted', 'webhook.secret_rotated', 'webhook.created']);
      expect(audit.text).not.toContain(hook.secret);
      expect((await org.api.get(`/api/v1/webhooks/${hook.id}`)).status).toBe(404);
    });

    it('is for admins and the owner only', async () => {
      const manager = await ctx.addUser(org, 'manager');
      const admin = await ctx.addUser(org, 'admin');
      expect((await manager.api.get('/api/v1/webhooks')).status).toBe(403);
      expect((await manager.api.post('/api/v1/webhooks', { url: `${base}/m`, events: ['*'] })).status).toBe(403);
      expect((await admin.api.post('/api/v1/webhooks', { url: `${base}/a`, events: ['*'] })).status).toBe(201);
    });
  });

  describe('delivery', () => {
    it('signs each delivery so the receiver can verify it, and rejects a tampered body or a stale timestamp', async () => {
      const hook = await subscribe('/signed', ['task.created']);
      const task = await ctx.createTask(org.api, { title: 'Bleed the radiators' });
      await drain();
      const [got] = hooks.to('/signed');
      expect(got).toBeDefined();
      const header = got!.headers['finishline-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(hook.secret, header, got!.raw, { now: ctx.clock.now() })).toEqual({ valid: true });
      expect(got!.body).toMatchObject({ type: 'task.created', subject: { type: 'task', id: task.id }, occurredAt: expect.any(String), id: expect.any(String) });
      expect(got!.body.data).toBeTypeOf('object');
      expect(got!.headers['finishline-event']).toBe('task.created');
      const [logged] = await deliveries(hook.id);
      expect(got!.headers['finishline-delivery']).toBe(logged.id);
      expect(logged).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 200, eventId: got!.body.id });

      const tampered = got!.raw.replace('Bleed the radiators', 'Bleed the radiators!');
      expect(tampered).not.toBe(got!.raw);
      expect(verifyWebhookSignature(hook.secret, header, tampered, { now: ctx.clock.now() })).toEqual({ valid: false, reason: 'mismatch' });
      expect(verifyWebhookSignature('whsec_someone_else', header, got!.raw, { now: ctx.clock.now() })).toEqual({ valid: false, reason: 'mismatch' });
      expect(verifyWebhookSignature(hook.secret, header, got!.raw, { now: ctx.clock.now() + 301_000 })).toEqual({ valid: false, reason: 'stale' });
      expect(verifyWebhookSignature(hook.secret, header, got!.raw, { now: ctx.clock.now() + 301_000, toleranceSeconds: 600 })).toEqual({ valid: true });
      expect(verifyWebhookSignature(hook.secret, 'v1=abc', got!.raw)).toEqual({ valid: false, reason: 'malformed' });
    });

    it('signs with the new secret once it is rotated', async () => {
      const hook = await subscribe('/rotated', ['task.created']);
      const rotated = await org.api.post(`/api/v1/webhooks/${hook.id}/rotate-secret`);
      expect(rotated.body.secret).not.toBe(hook.secret);
      await ctx.createTask(org.api);
      await drain();
      const [got] = hooks.to('/rotated');
      const header = got!.headers['finishline-signature'] as string;
      expect(verifyWebhookSignature(rotated.body.secret, header, got!.raw, { now: ctx.clock.now() }).valid).toBe(true);
      expect(verifyWebhookSignature(hook.secret, header, got!.raw, { now: ctx.clock.now() }).valid).toBe(false);
    });

    it('retries a failing receiver with growing waits, then delivers', async () => {
      const hook = await subscribe('/flaky', ['task.created']);
      hooks.answer('/flaky', 503, 502);
      await ctx.createTask(org.api);
      await drain();
      expect(hooks.to('/flaky')).toHaveLength(1);
      let [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 503 });
      const firstWait = Date.parse(delivery.nextAttemptAt) - ctx.clock.now();
      expect(firstWait).toBeGreaterThanOrEqual(BASE_MS);
      expect(firstWait).toBeLessThanOrEqual(BASE_MS * 1.2);

      // Not yet due: nothing is sent.
      ctx.clock.advance(firstWait - 1);
      await drain();
      expect(hooks.to('/flaky')).toHaveLength(1);

      ctx.clock.advance(1);
      await drain();
      expect(hooks.to('/flaky')).toHaveLength(2);
      [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 2, responseStatus: 502 });
      const secondWait = Date.parse(delivery.nextAttemptAt) - ctx.clock.now();
      expect(secondWait).toBeGreaterThanOrEqual(BASE_MS * 2);
      expect(secondWait).toBeGreaterThan(firstWait);

      ctx.clock.advance(secondWait);
      await drain();
      expect(hooks.to('/flaky')).toHaveLength(3);
      [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, responseStatus: 200, error: null, nextAttemptAt: null });
      // The same event and the same signature scheme on every attempt.
      const bodies = new Set(hooks.to('/flaky').map((r) => r.raw));
      expect(bodies.size).toBe(1);
    });

    it('keeps a subscription\'s deliveries in event order while an earlier one is retried', async () => {
      await subscribe('/ordered', ['task.created']);
      hooks.answer('/ordered', 500);
      const tasks = [];
      for (const title of ['First', 'Second', 'Third']) tasks.push(await ctx.createTask(org.api, { title }));
      await drain();
      expect(hooks.to('/ordered').map((r) => r.body.subject.id)).toEqual([tasks[0].id]);
      ctx.clock.advance(BASE_MS * 1.2);
      await drain();
      expect(hooks.to('/ordered').map((r) => r.body.subject.id)).toEqual([tasks[0].id, tasks[0].id, tasks[1].id, tasks[2].id]);
    });

    it('sends an event handed out again only once', async () => {
      const hook = await subscribe('/once', ['task.created']);
      const before = (await eventsAfter(ctx.server.deps.db, 0, 1_000_000)).at(-1)?.seq ?? 0;
      await ctx.createTask(org.api, { title: 'Only once' });
      await drain();
      expect(hooks.to('/once')).toHaveLength(1);
      const event = (await eventsAfter(ctx.server.deps.db, before, 100, org.id)).find((e) => e.type === 'task.created')!;
      const consumer = ctx.server.automation.options.consumers.find((c) => c.name === 'webhooks')!;
      await consumer.handle(ctx.server.deps, event);
      await consumer.handle(ctx.server.deps, event);
      await drain();
      expect(hooks.to('/once')).toHaveLength(1);
      expect(await deliveries(hook.id)).toHaveLength(1);
    });

    it('only sends the events a subscription asked for; "*" is all of them', async () => {
      const leads = await subscribe('/leads-only', ['lead.created']);
      const all = await subscribe('/everything', ['*']);
      await ctx.createTask(org.api);
      await ctx.createRecord(org.api, 'leads');
      await drain();
      expect(hooks.to('/leads-only').map((r) => r.body.type)).toEqual(['lead.created']);
      expect(hooks.to('/everything').map((r) => r.body.type)).toEqual(expect.arrayContaining(['task.created', 'lead.created']));
      expect((await deliveries(leads.id)).map((d) => d.eventType)).toEqual(['lead.created']);
      expect((await deliveries(all.id)).length).toBeGreaterThanOrEqual(2);
    });

    it('answers another organisation\'s webhook as not found', async () => {
      const hook = await subscribe('/private', ['task.created']);
      const rival = await ctx.signup('Rival Heating');
      expect((await rival.api.get(`/api/v1/webhooks/${hook.id}`)).status).toBe(404);
      expect((await rival.api.get(`/api/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
      expect((await rival.api.post(`/api/v1/webhooks/${hook.id}/test`)).status).toBe(404);
    });
  });

  describe('after repeated failure', () => {
    it('turns the subscription off, says why, and tells the admins; turning it on again starts the count afresh', async () => {
      const admin = await ctx.addUser(org, 'admin');
      const member = await ctx.addUser(org, 'member');
      const hook = await subscribe('/down', ['task.created']);
      hooks.failAlways('/down');
      await ctx.createTask(org.api, { title: 'One' });
      await ctx.createTask(org.api, { title: 'Two' });
      for (let round = 0; round < 10; round++) {
        await drain();
        ctx.clock.advance(BASE_MS * 10);
      }
      // 2 deliveries × 3 attempts, then no more.
      expect(hooks.to('/down')).toHaveLength(6);
      const off = (await org.api.get(`/api/v1/webhooks/${hook.id}`)).body;
      expect(off).toMatchObject({ active: false, disabledAt: expect.any(String) });
      expect(off.disabledReason).toMatch(/2 deliveries in a row failed every attempt \(last: The receiver answered 500\)/);
      expect((await deliveries(hook.id)).map((d) => d.status)).toEqual(['dead', 'dead']);

      for (const person of [org, admin]) {
        const inbox = await person.api.get('/api/v1/notifications');
        expect(inbox.status, inbox.text).toBe(200);
        expect(inbox.body.items.map((n: any) => n.message)).toEqual(expect.arrayContaining([expect.stringContaining(`Webhook to ${base}/down was turned off`)]));
      }
      const memberInbox = await member.api.get('/api/v1/notifications');
      expect(memberInbox.text).not.toContain('/down');

      // Turned off: new events are not queued for it.
      await ctx.createTask(org.api, { title: 'While off' });
      await drain();
      expect(await deliveries(hook.id)).toHaveLength(2);

      const on = await org.api.patch(`/api/v1/webhooks/${hook.id}`, { active: true });
      expect(on.body).toMatchObject({ active: true, disabledAt: null, disabledReason: null });
      // One more dead delivery is one in a row again, not three: it stays on.
      await ctx.createTask(org.api, { title: 'After' });
      for (let round = 0; round < 5; round++) {
        await drain();
        ctx.clock.advance(BASE_MS * 10);
      }
      expect(hooks.to('/down')).toHaveLength(9);
      expect((await org.api.get(`/api/v1/webhooks/${hook.id}`)).body.active).toBe(true);
    });
  });

  describe('send test', () => {
    it('sends a signed webhook.test now and logs how it went', async () => {
      const hook = await subscribe('/tested', ['lead.created']);
      const res = await org.api.post(`/api/v1/webhooks/${hook.id}/test`);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 200, eventType: 'webhook.test' });
      const [got] = hooks.to('/tested');
      expect(got!.headers['finishline-event']).toBe('webhook.test');
      expect(got!.body).toMatchObject({ type: 'webhook.test', subject: { type: 'webhook', id: hook.id } });
      expect(verifyWebhookSignature(hook.secret, got!.headers['finishline-signature'] as string, got!.raw, { now: ctx.clock.now() }).valid).toBe(true);

      hooks.answer('/tested', 500);
      const failed = await org.api.post(`/api/v1/webhooks/${hook.id}/test`);
      expect(failed.body).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 500, error: 'The receiver answered 500' });
      expect((await deliveries(hook.id)).map((d) => d.status)).toEqual(['failed', 'succeeded']);
      // A failed test is not retried.
      ctx.clock.advance(BASE_MS * 100);
      await drain();
      expect(hooks.to('/tested')).toHaveLength(2);
    });

    it('reports a receiver that cannot be reached', async () => {
      const res = await org.api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:1/nobody-home', events: ['*'] });
      const test = await org.api.post(`/api/v1/webhooks/${res.body.id}/test`);
      expect(test.body).toMatchObject({ status: 'failed', responseStatus: null, error: expect.stringMatching(/Could not reach the receiver/) });
    });
  });

  describe('rule action', () => {
    it('sends the event to the webhook the rule names', async () => {
      const hook = await subscribe('/from-rule', ['lead.created']);
      const rule = await org.api.post('/api/v1/rules', { name: 'Tell the office system', trigger: { event: 'job.created' }, actions: [{ type: 'webhook', webhookId: hook.id }] });
      expect(rule.status, rule.text).toBe(201);
      const job = await ctx.createRecord(org.api, 'jobs');
      await drain();
      const got = hooks.to('/from-rule');
      expect(got.map((r) => r.body.type)).toEqual(['job.created']);
      expect(got[0]!.body.subject).toEqual({ type: 'job', id: job.id, externalRefs: [] });
      expect(verifyWebhookSignature(hook.secret, got[0]!.headers['finishline-signature'] as string, got[0]!.raw, { now: ctx.clock.now() }).valid).toBe(true);
      const [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({ ruleId: rule.body.id, status: 'succeeded' });
      const runs = await org.api.get(`/api/v1/automation/runs?ruleId=${rule.body.id}`);
      expect(runs.body.items[0]).toMatchObject({ outcome: 'success' });
    });

    it('refuses a webhook this organisation does not have, naming the field', async () => {
      const rival = await ctx.signup('Rival Drains');
      const theirs = await subscribe('/theirs', ['*'], rival);
      for (const webhookId of ['no-such-webhook', theirs.id]) {
        const res = await org.api.post('/api/v1/rules', { name: 'Leak', trigger: { event: 'task.created' }, actions: [{ type: 'webhook', webhookId }] });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ path: 'actions.0.webhookId', message: 'no such webhook' }]);
      }
      const missing = await org.api.post('/api/v1/rules', { name: 'Leak', trigger: { event: 'task.created' }, actions: [{ type: 'webhook' }] });
      expect(missing.status).toBe(400);
      expect(missing.body.errors.map((e: any) => e.path)).toEqual(['actions.0.webhookId']);
    });
  });
  // The receiver listens on 127.0.0.1: private targets are allowed here, as on an on-premises install.
}, { webhooks: { retryBaseMs: BASE_MS, maxAttempts: 3, disableAfterDead: 2, timeoutMs: 5000, allowPrivate: true } });
