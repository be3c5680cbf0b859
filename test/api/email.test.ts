// Email through a real SMTP server (smtp-server, listening in this test): the
// mail a notification asks for, the morning digest once per local date, and
// mail that waits while the server is down and arrives when it is back.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/harness.ts';
import type { Client } from '../support/http.ts';
import { freePort, Mailbox } from '../support/mailbox.ts';

const PUBLIC_URL = 'https://finishline.example';

const mailbox = new Mailbox(await freePort());

beforeAll(() => mailbox.start());
afterAll(() => mailbox.stop());

forEachDatabase('email', (ctx) => {
  const drain = () => ctx.server.automation.drain();

  const localTime = (zone: string, date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone }).toMillis();
  const moveTo = (instant: number) => {
    expect(instant).toBeGreaterThanOrEqual(ctx.clock.now());
    ctx.clock.set(instant);
  };

  async function orgIn(zone: string) {
    const org = await ctx.signup();
    const changed = await org.api.patch('/api/v1/org', { timezone: zone });
    expect(changed.status, changed.text).toBe(200);
    const dana = await ctx.addUser(org, 'member', 'Dana Reyes');
    return { org, dana };
  }

  const assign = (api: Client, assigneeId: string, title: string, extra: Record<string, unknown> = {}) => ctx.createTask(api, { title, assigneeId, ...extra });

  it('mails the person a notification asks for, with a link to the task, and only the kinds they want by email', async () => {
    const { org, dana } = await orgIn('Pacific/Auckland');
    await dana.api.request('PUT', '/api/v1/notifications/preferences', { body: { digest: { email: false } } });
    const task = await assign(org.api, dana.id, 'Fix the boiler', { dueAt: new Date(ctx.clock.now() + 30 * 60_000).toISOString() });
    await drain();
    const mails = mailbox.to(dana.user.email);
    expect(mails.map((m) => m.subject)).toEqual([`Assigned to you: Olive Owner assigned you ${task.key} Fix the boiler`]);
    expect(mails[0]!.from).toBe('finishline@finishline.example');
    expect(mails[0]!.body).toContain(`${PUBLIC_URL}/tasks?task=${task.key}`);
    expect(mails[0]!.body).toContain('<a href=');
    // due_soon came too, in the app only: its email is off by default.
    expect((await dana.api.get('/api/v1/notifications')).body.items.map((n: any) => n.kind)).toEqual(['due_soon', 'assigned']);
    await drain();
    expect(mailbox.to(dana.user.email)).toHaveLength(1);
  });

  it('keeps the email of a person it could not read, rather than dropping it, and sends it once they read again', async () => {
    const { org, dana } = await orgIn('Europe/London');
    const task = await assign(org.api, dana.id, 'Bleed the radiators');
    // Dana's stored row cannot be read (time off is not JSON): a failure, not a person who is gone.
    const db = ctx.server.deps.db;
    await db.updateTable('users').set({ time_off: '{' }).where('id', '=', dana.id).execute();
    await expect(drain()).rejects.toThrow(SyntaxError);
    expect(mailbox.to(dana.user.email)).toEqual([]);
    await db.updateTable('users').set({ time_off: '[]' }).where('id', '=', dana.id).execute();
    // The round that failed held the email's lease: the next one after it runs out sends it.
    const started = ctx.clock.now();
    ctx.clock.advance(5 * 60_000 + 1);
    await drain();
    // The tests after this one count from the file's start time.
    ctx.clock.set(started);
    expect(mailbox.to(dana.user.email).map((m) => m.subject)).toContain(`Assigned to you: Olive Owner assigned you ${task.key} Bleed the radiators`);
  });

  it('sends each person one digest in their organisation’s morning, once per local date across the UTC date line', async () => {
    const zone = 'America/New_York';
    const { org, dana } = await orgIn(zone);
    await org.api.request('PUT', '/api/v1/notifications/preferences', { body: { digest: { email: false } } });
    const today = DateTime.fromMillis(ctx.clock.now(), { zone }).plus({ days: 1 }).toISODate()!;
    const tomorrow = DateTime.fromISO(today, { zone }).plus({ days: 1 }).toISODate()!;
    moveTo(localTime(zone, today, '05:00'));
    const late = await assign(org.api, dana.id, 'Chase the invoice', { dueAt: new Date(ctx.clock.now() - 3600_000).toISOString() });
    const soon = await assign(org.api, dana.id, 'Call Mrs Patel', { dueAt: new Date(localTime(zone, today, '15:00')).toISOString() });
    await assign(org.api, dana.id, 'Next week', { dueAt: new Date(localTime(zone, today, '15:00') + 7 * 86_400_000).toISOString() });
    await drain();
    const digests = () => mailbox.to(dana.user.email).filter((m) => m.subject.startsWith('Your day'));

    moveTo(localTime(zone, today, '06:59'));
    await drain();
    expect(digests()).toHaveLength(0);

    moveTo(localTime(zone, today, '07:00'));
    await drain();
    expect(digests()).toHaveLength(1);
    const digest = digests()[0]!;
    expect(digest.subject).toMatch(new RegExp(`^Your day, ${today}: 1 overdue, 1 due today, \\d+ unread$`));
    expect(digest.body).toContain(`${PUBLIC_URL}/tasks?task=${late.key}`);
    expect(digest.body).toContain(`${PUBLIC_URL}/tasks?task=${soon.key}`);
    expect(digest.body).toContain('Olive Owner assigned you');
    expect(digest.body).not.toContain('Next week (due');

    // Past midnight UTC it is still the same evening in New York: no second digest.
    moveTo(localTime(zone, today, '21:00'));
    expect(DateTime.fromMillis(ctx.clock.now(), { zone: 'UTC' }).toISODate()).toBe(tomorrow);
    await drain();
    moveTo(localTime(zone, tomorrow, '06:30'));
    await drain();
    expect(digests()).toHaveLength(1);

    moveTo(localTime(zone, tomorrow, '07:05'));
    await drain();
    await drain();
    expect(digests().map((m) => m.subject)).toEqual([expect.stringContaining(today), expect.stringContaining(tomorrow)]);
    expect(mailbox.to(org.user.email).filter((m) => m.subject.startsWith('Your day'))).toEqual([]);
  });

  it('keeps mail while the SMTP server is down and sends it, once, when it is back', async () => {
    const { org, dana } = await orgIn('Pacific/Auckland');
    await dana.api.request('PUT', '/api/v1/notifications/preferences', { body: { digest: { email: false } } });
    await mailbox.stop();
    try {
      const task = await assign(org.api, dana.id, 'Replace the tap');
      await drain();
      expect(mailbox.to(dana.user.email)).toEqual([]);
      await mailbox.start();
      // It waits out its back-off first.
      await drain();
      expect(mailbox.to(dana.user.email)).toEqual([]);
      ctx.clock.advance(61_000);
      await drain();
      await drain();
      expect(mailbox.to(dana.user.email).map((m) => m.subject)).toEqual([`Assigned to you: Olive Owner assigned you ${task.key} Replace the tap`]);
    } finally {
      if (!(mailbox as any).server) await mailbox.start();
    }
  });
}, { smtpUrl: `smtp://127.0.0.1:${mailbox.port}`, mailFrom: 'Finishline <finishline@finishline.example>', publicUrl: PUBLIC_URL });
