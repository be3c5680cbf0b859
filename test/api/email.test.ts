// Email through a real SMTP server (smtp-server, listening in this test): the
// mail a notification asks for, the morning digest once per local date (in
// each person's own time zone, else the organisation's), and
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

  it('sends each person who keeps the organisation’s time zone one digest in its morning, once per local date across the UTC date line', async () => {
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

  it('sends people of one business their digests at 07:00 in each one’s own time zone, once per local date', async () => {
    const { org } = await orgIn('America/New_York');
    await org.api.request('PUT', '/api/v1/notifications/preferences', { body: { digest: { email: false } } });
    const tokyo = await ctx.addUser(org, 'member', 'Kenji Sato');
    const london = await ctx.addUser(org, 'manager', 'Lucy Hale');
    expect((await tokyo.api.patch(`/api/v1/users/${tokyo.id}`, { timezone: 'Asia/Tokyo' })).body.timezone).toBe('Asia/Tokyo');
    expect((await org.api.patch(`/api/v1/users/${london.id}`, { timezone: 'Europe/London' })).body.timezone).toBe('Europe/London');
    const day = DateTime.fromMillis(ctx.clock.now(), { zone: 'Europe/London' }).plus({ days: 2 }).toISODate()!;
    const next = DateTime.fromISO(day).plus({ days: 1 }).toISODate()!;
    moveTo(localTime('Asia/Tokyo', day, '05:00'));
    await assign(org.api, tokyo.id, 'Order the valves', { dueAt: new Date(ctx.clock.now() - 3600_000).toISOString() });
    // Due late on the day in Tokyo: after the organisation's midnight, yet due today for Kenji.
    const tokyoLate = await assign(org.api, tokyo.id, 'Quote the kitchen', { dueAt: new Date(localTime('Asia/Tokyo', day, '23:00')).toISOString() });
    await drain();
    const digests = (who: { user: { email: string } }) => mailbox.to(who.user.email).filter((m) => m.subject.startsWith('Your day')).map((m) => m.subject);

    moveTo(localTime('Asia/Tokyo', day, '06:59'));
    await drain();
    expect(digests(tokyo)).toEqual([]);

    moveTo(localTime('Asia/Tokyo', day, '07:00'));
    await drain();
    expect(digests(tokyo)).toEqual([expect.stringMatching(new RegExp(`^Your day, ${day}: 1 overdue, 1 due today, \\d+ unread$`))]);
    expect(mailbox.to(tokyo.user.email).find((m) => m.subject.startsWith('Your day'))!.body).toContain(`${tokyoLate.key} Quote the kitchen (due`);
    // Nothing to tell Lucy yet, on the evening before her day: no email.
    expect(digests(london)).toEqual([]);

    await assign(org.api, london.id, 'Sign the lease', { dueAt: new Date(ctx.clock.now() - 3600_000).toISOString() });
    const londonLate = await assign(org.api, london.id, 'Meet the surveyor', { dueAt: new Date(localTime('Europe/London', day, '23:00')).toISOString() });
    // Before the organisation's midnight, yet tomorrow for Lucy.
    const londonTomorrow = await assign(org.api, london.id, 'Pay the deposit', { dueAt: new Date(localTime('Europe/London', next, '03:00')).toISOString() });
    await drain();
    moveTo(localTime('Europe/London', day, '06:59'));
    await drain();
    expect(digests(london)).toEqual([]);

    moveTo(localTime('Europe/London', day, '07:00'));
    await drain();
    expect(digests(london)).toEqual([expect.stringMatching(new RegExp(`^Your day, ${day}: 1 overdue, 1 due today, \\d+ unread$`))]);
    const lucys = mailbox.to(london.user.email).find((m) => m.subject.startsWith('Your day'))!.body;
    expect(lucys).toContain(`${PUBLIC_URL}/tasks?task=${londonLate.key}`);
    expect(lucys).toContain(`${londonLate.key} Meet the surveyor (due`);
    expect(lucys).not.toContain(`${londonTomorrow.key} Pay the deposit (due`);
    expect(digests(tokyo)).toHaveLength(1);

    // Later that day in London it is already the next morning in Tokyo: Kenji's next digest, and no second one for Lucy.
    moveTo(localTime('Asia/Tokyo', next, '06:59'));
    await drain();
    expect(digests(tokyo)).toHaveLength(1);
    moveTo(localTime('Asia/Tokyo', next, '07:00'));
    await drain();
    await drain();
    expect(digests(tokyo)).toEqual([expect.stringContaining(day), expect.stringContaining(next)]);
    expect(digests(london)).toHaveLength(1);
    moveTo(localTime('Europe/London', next, '07:00'));
    await drain();
    expect(digests(london)).toEqual([expect.stringContaining(day), expect.stringContaining(next)]);
    expect(digests(tokyo)).toHaveLength(2);
    expect(digests(org)).toEqual([]);
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
