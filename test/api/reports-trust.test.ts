import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { type Client } from '../support/http.ts';
import { forEachDatabase, PASSWORD, type TestContext } from '../support/harness.ts';

const WEIGHT: Record<string, number> = { urgent: 3, high: 2, normal: 1, low: 0.5 };

interface Spell {
  who: string;
  priority: string;
  created: number;
  closed: number | null;
}

async function logIn(ctx: TestContext, email: string): Promise<Client> {
  const res = await ctx.anonymous.post('/api/v1/sessions', { email, password: PASSWORD });
  expect(res.status, res.text).toBe(201);
  return ctx.client(res.body.token);
}

/**
 * What the report should call usual, worked out here from what the test did:
 * the median weighted open load at the end of each working day (London), over
 * the 8 weeks before today, from the first task on, skipping time off.
 */
function expectedUsual(spells: Spell[], who: string, endOfDay: string, workdays: number[], now: number, away: { from: number; to: number }[] = []) {
  const mine = spells.filter((s) => s.who === who);
  const first = Math.min(...mine.map((s) => s.created));
  const today = DateTime.fromMillis(now, { zone: 'Europe/London' }).startOf('day');
  const loads: number[] = [];
  for (let day = today.minus({ days: 56 }); day < today; day = day.plus({ days: 1 })) {
    if (!workdays.includes(day.weekday)) continue;
    const [h, m] = endOfDay.split(':').map(Number);
    const at = day.set({ hour: h, minute: m }).toMillis();
    if (at <= first || away.some((a) => at >= a.from && at < a.to)) continue;
    loads.push(mine.filter((s) => s.created < at && (s.closed === null || at <= s.closed)).reduce((sum, s) => sum + WEIGHT[s.priority]!, 0));
  }
  if (loads.length < 20) return { usualLoad: null, usualDays: loads.length };
  loads.sort((a, b) => a - b);
  const mid = loads.length >> 1;
  return { usualLoad: loads.length % 2 ? loads[mid]! : (loads[mid - 1]! + loads[mid]!) / 2, usualDays: loads.length };
}

forEachDatabase('report figures a manager can trust', (ctx) => {
  it('takes usual from each person’s own history and hours, and flags only a real rise', async () => {
    const spells: Spell[] = [];
    const keys = new Map<string, Spell>();
    ctx.clock.set('2026-04-01T08:00:00Z');
    const org = await ctx.signup('Usual Plumbing');
    const pat = await ctx.addUser(org, 'member', 'Pat Steady');
    const quinn = await ctx.addUser(org, 'member', 'Quinn Busy');
    const manager = await ctx.addUser(org, 'manager', 'Mo Manager');
    // Pat works mornings only, and took a week off in May.
    const patHours = { mon: [['09:00', '13:00']], tue: [['09:00', '13:00']], wed: [['09:00', '13:00']], thu: [['09:00', '13:00']], fri: [['09:00', '13:00']], sat: [], sun: [] };
    const away = [{ from: '2026-05-11T00:00:00Z', to: '2026-05-16T00:00:00Z' }];
    const res = await org.api.patch(`/api/v1/users/${pat.id}`, { workingHours: patHours, timeOff: away });
    expect(res.status, res.text).toBe(200);
    const create = async (who: string, priority: string, at: string) => {
      ctx.clock.set(at);
      const api = await logIn(ctx, org.user.email);
      const task = await ctx.createTask(api, { title: `${priority} for ${who}`, assigneeId: who, priority });
      const spell = { who, priority, created: Date.parse(at), closed: null };
      spells.push(spell);
      keys.set(task.key, spell);
      return task.key as string;
    };
    const close = async (key: string, at: string) => {
      ctx.clock.set(at);
      const api = await logIn(ctx, org.user.email);
      expect((await api.patch(`/api/v1/tasks/${key}`, { status: 'done' })).status).toBe(200);
      keys.get(key)!.closed = Date.parse(at);
    };
    // Pat has carried four normal tasks for weeks, and two urgent ones landed this morning.
    for (let i = 0; i < 4; i++) await create(pat.id, 'normal', '2026-04-02T10:00:00Z');
    // Quinn always carries a lot: ten tasks, one done and one new every week.
    for (let i = 0; i < 10; i++) await create(quinn.id, 'normal', '2026-04-02T10:00:00Z');
    const quinnKeys = [...keys].filter(([, s]) => s.who === quinn.id).map(([k]) => k);
    for (let week = 0; week < 10; week++) {
      const monday = DateTime.fromISO('2026-04-06T10:00:00Z', { zone: 'utc' }).plus({ weeks: week });
      await close(quinnKeys[week]!, monday.toISO()!);
      quinnKeys.push(await create(quinn.id, 'normal', monday.plus({ hours: 1 }).toISO()!));
    }
    await create(pat.id, 'urgent', '2026-06-17T08:00:00Z');
    await create(pat.id, 'urgent', '2026-06-17T08:30:00Z');
    // Mo joined with the business but got their first task two weeks ago: not enough history.
    await create(manager.id, 'high', '2026-06-03T10:00:00Z');

    const now = Date.parse('2026-06-17T12:00:00Z');
    ctx.clock.set(now);
    const api = await logIn(ctx, manager.user.email);
    const report = await api.get('/api/v1/reports/workload');
    expect(report.status, report.text).toBe(200);
    const row = (id: string) => report.body.people.find((p: any) => p.assigneeId === id);

    const patUsual = expectedUsual(spells, pat.id, '13:00', [1, 2, 3, 4, 5], now, away.map((a) => ({ from: Date.parse(a.from), to: Date.parse(a.to) })));
    expect(patUsual).toEqual({ usualLoad: 4, usualDays: 35 });
    expect(row(pat.id)).toMatchObject({ weightedLoad: 10, ...patUsual, overloaded: true });

    const quinnUsual = expectedUsual(spells, quinn.id, '17:00', [1, 2, 3, 4, 5], now);
    expect(quinnUsual.usualLoad).toBe(10);
    expect(row(quinn.id)).toMatchObject({ weightedLoad: 10, ...quinnUsual, overloaded: false });

    expect(row(manager.id)).toMatchObject({ weightedLoad: 2, ...expectedUsual(spells, manager.id, '17:00', [1, 2, 3, 4, 5], now), usualLoad: null, overloaded: false });
    expect(row(org.user.id)).toMatchObject({ weightedLoad: 0, usualLoad: null, usualDays: 0, overloaded: false });
    expect(report.body.usualFrom).toBe('2026-04-21T23:00:00.000Z');
  });

  it('counts each overdue task once, under its primary record type, so the types add up to the total', async () => {
    ctx.clock.set('2026-05-04T08:00:00Z');
    const org = await ctx.signup('Linked Plumbing');
    const contact = (await ctx.createRecord(org.api, 'contacts')).id;
    const client = (await ctx.createRecord(org.api, 'clients')).id;
    const lead = (await ctx.createRecord(org.api, 'leads')).id;
    const job = (await ctx.createRecord(org.api, 'jobs')).id;
    const tasks = [
      [{ type: 'contact', id: contact }, { type: 'client', id: client }, { type: 'job', id: job }],
      [{ type: 'contact', id: contact }, { type: 'lead', id: lead }],
      [{ type: 'contact', id: contact }],
      [],
    ];
    for (const links of tasks) await ctx.createTask(org.api, { title: 'Overdue', dueAt: '2026-05-04T09:00:00Z', links });
    await ctx.createTask(org.api, { title: 'Not yet due', dueAt: '2026-05-09T09:00:00Z', links: [{ type: 'job', id: job }] });
    ctx.clock.set('2026-05-05T08:00:00Z');
    const overdue = (await org.api.get('/api/v1/reports/overdue')).body;
    // Worked out here: the most specific record each task is linked to.
    const order = ['job', 'lead', 'service', 'client', 'contact'];
    const expected = new Map<string, number>();
    for (const links of tasks) {
      const primary = links.length === 0 ? 'none' : order.find((t) => links.some((l) => l.type === t))!;
      expected.set(primary, (expected.get(primary) ?? 0) + 1);
    }
    expect(overdue.total).toBe(tasks.length);
    expect(Object.fromEntries(overdue.byLinkType.map((r: any) => [r.linkType, r.count]))).toEqual(Object.fromEntries(expected));
    expect(overdue.byLinkType.reduce((sum: number, r: any) => sum + r.count, 0)).toBe(overdue.total);
  });

  it('buckets created against completed by day for short periods, by week and month for longer ones', async () => {
    ctx.clock.set('2026-01-05T10:00:00Z');
    const org = await ctx.signup('Bucket Plumbing');
    const created: number[] = [];
    for (const at of ['2026-01-05T10:00:00Z', '2026-02-10T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z', '2026-03-05T10:00:00Z', '2026-03-05T11:00:00Z']) {
      ctx.clock.set(at);
      await ctx.createTask(await logIn(ctx, org.user.email), { title: `Made ${at}` });
      created.push(Date.parse(at));
    }
    ctx.clock.set('2026-03-06T12:00:00Z');
    const api = await logIn(ctx, org.user.email);
    const get = async (query: string) => {
      const res = await api.get(`/api/v1/reports/throughput?${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    // Seven days: one bucket per day, each holding what was made that (London) day.
    const week = await get('from=2026-02-27T12:00:00Z&to=2026-03-06T12:00:00Z');
    expect(week.interval).toBe('day');
    expect(week.buckets).toHaveLength(8);
    const perDay = week.buckets.map((b: any) => [b.label, b.created]);
    const madeOn = (label: string) => created.filter((c) => new Date(c).toISOString().slice(0, 10) === label).length;
    expect(perDay).toEqual(week.buckets.map((b: any) => [b.label, madeOn(b.label)]));
    expect(perDay.filter(([, n]: [string, number]) => n > 0)).toEqual([['2026-03-02', 1], ['2026-03-03', 1], ['2026-03-05', 2]]);
    expect((await get('from=2026-02-04T12:00:00Z&to=2026-03-06T12:00:00Z')).interval).toBe('day');
    const quarter = await get('from=2025-12-06T12:00:00Z&to=2026-03-06T12:00:00Z');
    expect(quarter.interval).toBe('week');
    expect(quarter.buckets[0].label).toBe('2025-12-01');
    const year = await get('from=2025-03-06T12:00:00Z&to=2026-03-06T12:00:00Z');
    expect(year.interval).toBe('month');
    expect(year.buckets.map((b: any) => b.label).slice(-3)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    expect(year.buckets.slice(-3).map((b: any) => b.created)).toEqual([1, 1, 4]);
    expect((await get('from=2026-02-27T12:00:00Z&to=2026-03-06T12:00:00Z&interval=week')).interval).toBe('week');
  });
});
