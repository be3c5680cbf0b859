// The weekly summary through a real SMTP server (smtp-server, listening in
// this test), driven by the manual clock: Monday 07:00 in each person's own
// zone, once per person per week (rounds repeated, a process started afresh),
// across both European DST changes; owners, admins and managers only, never
// one who turned it off; its figures the Reports page's, counted here from
// the tasks the test made, and nothing of another business.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { smtpMailer } from '../../src/notifications/mail.ts';
import { weeklySummaryConsumer } from '../../src/reports/weeklySummary.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';
import { freePort, Mailbox } from '../support/mailbox.ts';

const PUBLIC_URL = 'https://finishline.example';
const mailbox = new Mailbox(await freePort());
const mailConfig = { smtpUrl: `smtp://127.0.0.1:${mailbox.port}`, from: 'Finishline <finishline@finishline.example>', publicUrl: PUBLIC_URL };

beforeAll(() => mailbox.start());
afterAll(() => mailbox.stop());

forEachDatabase('weekly summary', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const moveTo = (instant: number) => {
    expect(instant).toBeGreaterThanOrEqual(ctx.clock.now());
    ctx.clock.set(instant);
  };
  const local = (zone: string, at: string) => DateTime.fromISO(at, { zone }).toMillis();
  const weekly = (email: string) => mailbox.to(email).filter((m) => m.subject.startsWith('Your week at'));
  /** The text part of a mail: the lines between its text/plain header and the next part. */
  const textOf = (body: string) => /Content-Type: text\/plain[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/.exec(body)?.[1]?.replace(/\r\n/g, '\n') ?? '';

  async function businessIn(name: string, zone: string): Promise<Org> {
    const org = await ctx.signup(name);
    const changed = await org.api.patch('/api/v1/org', { timezone: zone });
    expect(changed.status, changed.text).toBe(200);
    return org;
  }

  it('sends owners and managers last week’s figures at Monday 07:00 local, once a week, with the Reports page’s numbers and nothing of another business', async () => {
    const zone = 'America/Chicago';
    const at = (when: string) => local(zone, when);
    // Sessions last two weeks: everyone signs in the day before the old task.
    moveTo(at('2026-03-07T12:00'));
    const org = await businessIn('Chicago Heating', zone);
    const dana = await ctx.addUser(org, 'member', 'Dana Reyes');
    const max = await ctx.addUser(org, 'manager', 'Max Mendez');
    const other = await businessIn('Other Business', zone);

    // Before last week: an old task, still open.
    moveTo(at('2026-03-08T12:00'));
    const old = await ctx.createTask(org.api, { title: 'Replace the old valve', assigneeId: max.id });
    // Last week (Monday 9 to Monday 16 March, Chicago time).
    moveTo(at('2026-03-10T09:00'));
    const patel = await ctx.createTask(org.api, { title: 'Call Mrs Patel', assigneeId: dana.id, dueAt: new Date(at('2026-03-11T10:00')).toISOString() });
    moveTo(at('2026-03-10T09:05'));
    const quote = await ctx.createTask(org.api, { title: 'Send the quote', assigneeId: dana.id, dueAt: new Date(at('2026-03-12T10:00')).toISOString() });
    moveTo(at('2026-03-10T09:10'));
    const parts = await ctx.createTask(org.api, { title: 'Order parts', assigneeId: max.id });
    const rule = await org.api.post('/api/v1/rules', {
      name: 'Chase invoices',
      trigger: { event: 'invoice.overdue' },
      actions: [{ type: 'create_task', title: 'Chase invoice {{data.number}}', due: 'PT1H', assign: { strategy: 'user', userId: dana.id } }],
    });
    expect(rule.status, rule.text).toBe(201);
    await ctx.createTask(other.api, { title: 'Other business secret', dueAt: new Date(at('2026-03-10T12:00')).toISOString() });
    moveTo(at('2026-03-10T09:30'));
    const posted = await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-1042' }, data: { number: '1042' } });
    expect(posted.status, posted.text).toBe(202);
    await drain();
    const chase = (await org.api.get('/api/v1/tasks?q=1042')).body.items[0];
    expect(chase.title).toBe('Chase invoice 1042');
    moveTo(at('2026-03-11T09:00'));
    expect((await org.api.patch(`/api/v1/tasks/${patel.key}`, { status: 'done' })).status).toBe(200);
    moveTo(at('2026-03-13T09:00'));
    expect((await org.api.patch(`/api/v1/tasks/${quote.key}`, { status: 'done' })).status).toBe(200);
    moveTo(at('2026-03-13T09:10'));
    await ctx.createTask(org.api, { title: 'Fix the boiler', assigneeId: max.id, dueAt: new Date(at('2026-03-14T10:00')).toISOString() });
    moveTo(at('2026-03-13T09:20'));
    await ctx.createTask(org.api, { title: 'Book the van', assigneeId: dana.id, dueAt: new Date(at('2026-03-14T11:00')).toISOString() });
    await drain();

    moveTo(at('2026-03-16T06:59'));
    await drain();
    expect(weekly(org.user.email)).toEqual([]);

    moveTo(at('2026-03-16T07:00'));
    await drain();
    await drain();
    const [mail] = weekly(org.user.email);
    expect(weekly(org.user.email)).toHaveLength(1);
    expect(weekly(max.user.email)).toHaveLength(1);
    expect(weekly(dana.user.email)).toEqual([]);

    // Counted from what was made: 6 tasks created last week (patel, quote, parts, the rule's, boiler, van), 2 done;
    // due in the week: 2 completed with a due date (1 on time) and 3 still open past it.
    expect(mail!.subject).toBe('Your week at Chicago Heating: 6 created, 2 done');
    const text = textOf(mail!.body);
    expect(text).toContain('Your week at Chicago Heating, 9 Mar – 15 Mar 2026.');
    expect(text).toContain(`- 6 tasks created, 2 tasks completed\n  ${PUBLIC_URL}/reports?range=custom&from=2026-03-09&to=2026-03-15`);
    expect(text).toContain('- On time, overdue counted late: 20% — 1 of 5 tasks due in the period were done by their due date');
    expect(text).toContain(
      `Overdue now: 3 tasks\n- Dana Reyes: 2 tasks\n  ${PUBLIC_URL}/tasks?assignee=${dana.id}&overdue=true\n- Max Mendez: 1 task\n  ${PUBLIC_URL}/tasks?assignee=${max.id}&overdue=true`,
    );
    expect(text).toContain(
      `Oldest unresolved\n- ${old.key} Replace the old valve — open 7 days\n  ${PUBLIC_URL}/tasks?task=${old.key}\n` +
        `- ${parts.key} Order parts — open 5 days\n  ${PUBLIC_URL}/tasks?task=${parts.key}\n- ${chase.key} Chase invoice 1042 — open 5 days`,
    );
    expect(text).toContain(`- “Chase invoices”: 1 late task of the 1 task it created last week\n  ${PUBLIC_URL}/automation`);
    expect(text).toContain(`${PUBLIC_URL}/settings#notifications`);
    expect(mail!.body).toContain('Content-Type: text/html');
    expect(mail!.body).not.toContain('Other business secret');

    // The Reports page says the same of that week.
    const window = `from=${encodeURIComponent(new Date(at('2026-03-09T00:00')).toISOString())}&to=${encodeURIComponent(new Date(at('2026-03-16T00:00')).toISOString())}`;
    const answered = await org.api.get(`/api/v1/reports/summary?${window}`);
    expect(answered.status, answered.text).toBe(200);
    const summary = answered.body;
    expect([summary.completed, summary.onTime, summary.withDueDate + summary.overdueDueInWindow]).toEqual([2, 1, 5]);
    expect((await org.api.get(`/api/v1/reports/throughput?${window}`)).body.totals.created).toBe(6);

    // The other business's owner hears of their own week only.
    expect(weekly(other.user.email).map((m) => m.subject)).toEqual(['Your week at Other Business: 1 created, 0 done']);
    for (const ours of ['Chicago Heating', 'Replace the old valve', 'Dana Reyes', 'Chase invoices']) expect(weekly(other.user.email)[0]!.body).not.toContain(ours);

    // Rounds later that Monday, and a process started afresh (nothing remembered but the database), send nothing more.
    for (const when of ['2026-03-16T07:05', '2026-03-16T12:00', '2026-03-16T23:59']) {
      moveTo(at(when));
      await drain();
    }
    const mailer = smtpMailer(mailConfig);
    try {
      expect(await weeklySummaryConsumer({ mail: mailConfig, mailer }).tick!(ctx.server.deps)).toBe(0);
    } finally {
      mailer.close();
    }
    expect(weekly(org.user.email)).toHaveLength(1);
    expect(weekly(max.user.email)).toHaveLength(1);

    // The next Monday brings the next week: nothing made or done in it, said in words.
    moveTo(at('2026-03-23T07:00'));
    await drain();
    expect(weekly(org.user.email).map((m) => m.subject)).toEqual(['Your week at Chicago Heating: 6 created, 2 done', 'Your week at Chicago Heating: 0 created, 0 done']);
    expect(textOf(weekly(org.user.email)[1]!.body)).toContain('- No tasks were created or completed');
    expect(weekly(dana.user.email)).toEqual([]);
  });

  it('comes at 07:00 in each person’s own zone across both DST changes, and never to one who turned it off', async () => {
    const org = await businessIn('London Drains', 'Europe/London');
    const kenji = await ctx.addUser(org, 'manager', 'Kenji Sato');
    const bea = await ctx.addUser(org, 'admin', 'Bea Smith');
    const member = await ctx.addUser(org, 'member', 'Tom Tech');
    const stranger = await ctx.signup('Someone Else');

    // Each person sets their own zone; an unknown one is refused naming the field; null follows the business.
    const bad = await kenji.api.patch(`/api/v1/users/${kenji.id}`, { timezone: 'Mars/Olympus_Mons' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(['timezone']);
    const set = await kenji.api.patch(`/api/v1/users/${kenji.id}`, { timezone: 'Asia/Tokyo' });
    expect(set.status, set.text).toBe(200);
    expect(set.body.timezone).toBe('Asia/Tokyo');
    expect((await kenji.api.get('/api/v1/me')).body.user.timezone).toBe('Asia/Tokyo');
    expect((await member.api.patch(`/api/v1/users/${member.id}`, { timezone: 'America/Denver' })).body.timezone).toBe('America/Denver');
    expect((await member.api.patch(`/api/v1/users/${bea.id}`, { timezone: 'America/Denver' })).status).toBe(403);
    expect((await stranger.api.patch(`/api/v1/users/${bea.id}`, { timezone: 'America/Denver' })).status).toBe(404);
    // The OpenAPI document describes both.
    const openapi = (await ctx.anonymous.get('/api/v1/openapi.json')).body;
    const preferences = JSON.stringify(openapi.paths['/api/v1/notifications/preferences']);
    expect(preferences).toContain('"weekly"');
    expect(preferences).toContain('weekly: the Monday summary');
    const user = JSON.stringify(openapi.paths['/api/v1/users/{id}'].patch);
    expect(user).toContain('your own IANA time zone');
    expect(user).toContain('the person\'s own IANA time zone');
    const people = (await org.api.get('/api/v1/users')).body.items;
    expect(people.find((p: any) => p.id === bea.id).timezone).toBeNull();

    // The owner turns it off; the preference reads back, email only.
    const off = await org.api.request('PUT', '/api/v1/notifications/preferences', { body: { weekly: { email: false } } });
    expect(off.status, off.text).toBe(200);
    expect(off.body.weekly).toEqual({ inApp: false, email: false });
    expect((await bea.api.get('/api/v1/notifications/preferences')).body.weekly).toEqual({ inApp: false, email: true });

    moveTo(Date.parse('2026-03-25T10:00:00Z'));
    const leak = await ctx.createTask(org.api, { title: 'Clear the drain', assigneeId: member.id, dueAt: '2026-03-26T10:00:00Z' });
    await drain();

    // Spring: Tokyo's Monday 07:00 is Sunday 22:00 UTC; London's, just after the clocks went forward, 06:00 UTC.
    moveTo(Date.parse('2026-03-29T21:59:00Z'));
    await drain();
    expect(weekly(kenji.user.email)).toEqual([]);
    moveTo(Date.parse('2026-03-29T22:00:00Z'));
    await drain();
    expect(weekly(kenji.user.email)).toHaveLength(1);
    expect(weekly(kenji.user.email)[0]!.body).toContain(`${PUBLIC_URL}/reports?range=custom&from=2026-03-23&to=2026-03-29`);
    expect(weekly(kenji.user.email)[0]!.body).toContain(`${leak.key} Clear the drain`);
    expect(weekly(bea.user.email)).toEqual([]);
    moveTo(Date.parse('2026-03-30T05:59:00Z'));
    await drain();
    expect(weekly(bea.user.email)).toEqual([]);
    moveTo(Date.parse('2026-03-30T06:00:00Z'));
    await drain();
    expect(weekly(bea.user.email)).toHaveLength(1);
    expect(weekly(bea.user.email)[0]!.body).toContain('You get this each Monday at 07:00 (Europe/London) as an admin of London Drains.');
    expect(weekly(kenji.user.email)[0]!.body).toContain('You get this each Monday at 07:00 (Asia/Tokyo) as a manager of London Drains.');
    moveTo(Date.parse('2026-03-30T20:00:00Z'));
    await drain();
    expect(weekly(kenji.user.email)).toHaveLength(1);
    expect(weekly(bea.user.email)).toHaveLength(1);

    // Autumn: the clocks went back on Sunday 25 October; London's 07:00 is 07:00 UTC again.
    moveTo(Date.parse('2026-10-25T22:00:00Z'));
    await drain();
    expect(weekly(kenji.user.email)).toHaveLength(2);
    moveTo(Date.parse('2026-10-26T06:59:00Z'));
    await drain();
    expect(weekly(bea.user.email)).toHaveLength(1);
    moveTo(Date.parse('2026-10-26T07:00:00Z'));
    await drain();
    expect(weekly(bea.user.email)).toHaveLength(2);
    expect(weekly(bea.user.email)[1]!.body).toContain(`${PUBLIC_URL}/reports?range=custom&from=2026-10-19&to=2026-10-25`);

    // Never the owner, who turned it off, nor a member; and a business with nothing at all to tell gets no email.
    expect(weekly(org.user.email)).toEqual([]);
    expect(weekly(member.user.email)).toEqual([]);
    expect(weekly(stranger.user.email)).toEqual([]);
    const rows = await ctx.server.deps.db.selectFrom('weekly_summaries').select(['user_id', 'week', 'state']).where('org_id', 'in', [org.id, stranger.id]).orderBy('week').execute();
    expect(rows.filter((r) => r.user_id === stranger.user.id)).toEqual([
      { user_id: stranger.user.id, week: '2026-W14', state: 'empty' },
      { user_id: stranger.user.id, week: '2026-W44', state: 'empty' },
    ]);
    expect(rows.filter((r) => r.user_id === org.user.id).map((r) => r.state)).toEqual(['skipped', 'skipped']);
    expect(rows.filter((r) => r.user_id === member.id)).toEqual([]);
  });
}, { smtpUrl: mailConfig.smtpUrl, mailFrom: mailConfig.from, publicUrl: PUBLIC_URL });
