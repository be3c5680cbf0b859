import { expect, it } from 'vitest';
import { appendEvent } from '../../src/platform/outbox.ts';
import { forEachDatabase } from '../support/harness.ts';

interface StreamedEvent {
  type: string;
  subject: { type: string; id: string };
  data: Record<string, unknown>;
}

/** Reads server-sent events until `until` says stop, or the deadline passes. */
async function readEvents(url: string, token: string, until: (events: StreamedEvent[]) => boolean, start: () => Promise<void>): Promise<StreamedEvent[]> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: StreamedEvent[] = [];
  let buffer = '';
  const deadline = setTimeout(() => controller.abort(), 15_000);
  await reader.read(); // the ": connected" comment: subscribed from here on
  await start();
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice(6)) as StreamedEvent);
      }
    }
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  return events;
}

forEachDatabase('live stream', (ctx) => {
  it('pushes the organisation’s changes as they happen, and nobody else’s', async () => {
    const org = await ctx.signup();
    const rival = await ctx.signup('Rival');
    let created: { id: string } | undefined;
    const events = await readEvents(
      `${ctx.baseUrl}/api/v1/stream`,
      org.token,
      (seen) => seen.some((e) => e.type === 'task.updated'),
      async () => {
        await ctx.createTask(rival.api, { title: 'Rival secret' });
        created = await ctx.createTask(org.api, { title: 'Call Dana', assigneeId: null });
        await org.api.patch(`/api/v1/tasks/${created!.id}`, { status: 'in_progress' });
      },
    );
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.status_changed', 'task.updated']);
    expect(events.every((e) => e.subject.id === created!.id)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('Rival secret');
  });

  it('needs a signed-in caller', async () => {
    expect((await ctx.anonymous.get('/api/v1/stream')).status).toBe(401);
  });

  it('shows each event with the rights of the routes that show it: webhooks to admins, rules and integrations’ events to managers', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const manager = await ctx.addUser(org, 'manager');
    const admin = await ctx.addUser(org, 'admin');
    const seenBy = async (token: string) => {
      const events = await readEvents(`${ctx.baseUrl}/api/v1/stream`, token, (seen) => seen.some((e) => e.type === 'task.created'), async () => {
        await appendEvent(ctx.server.deps.db, {
          orgId: org.id,
          type: 'webhook.disabled',
          subject: { type: 'webhook', id: 'wh1' },
          data: { url: 'https://hooks.example.com/secret-path-token', reason: 'failing' },
          actorId: null,
          occurredAt: ctx.clock.now(),
        });
        const posted = await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'client', id: 'c1' }, data: { amount: 120 } });
        expect(posted.status, posted.text).toBe(202);
        await ctx.createTask(org.api, { title: 'Sentinel', assigneeId: null });
      });
      return events.map((e) => e.type);
    };
    expect(await seenBy(member.token)).toEqual(['task.created']);
    expect(await seenBy(manager.token)).toEqual(['invoice.overdue', 'task.created']);
    expect(await seenBy(admin.token)).toEqual(['webhook.disabled', 'invoice.overdue', 'task.created']);
  });

  it('refuses a Last-Event-ID that is not an event number with a 400 naming it', async () => {
    const org = await ctx.signup();
    for (const bad of ['1e21', 'abc', '-1', '99999999999999999999', '1.5']) {
      const res = await org.api.get('/api/v1/stream', { 'last-event-id': bad });
      expect(res.status, bad).toBe(400);
      expect(res.body.errors[0].path, bad).toBe('Last-Event-ID');
    }
  });
});
