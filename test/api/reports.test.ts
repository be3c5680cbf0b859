import { beforeAll, expect, it } from 'vitest';
import { type Client } from '../support/http.ts';
import { forEachDatabase, type Org, PASSWORD, type TestContext } from '../support/harness.ts';

const HOUR = 3_600_000;
const REPORTS = ['summary', 'overdue', 'completion', 'workload', 'aging', 'bottlenecks', 'automation', 'throughput'];

/** A fresh session for someone, at the clock's current time (sessions expire; reports look back weeks). */
async function logIn(ctx: TestContext, email: string): Promise<Client> {
  const res = await ctx.anonymous.post('/api/v1/sessions', { email, password: PASSWORD });
  expect(res.status, res.text).toBe(201);
  return ctx.client(res.body.token);
}

async function patch(api: Client, key: string, body: Record<string, unknown>) {
  const res = await api.patch(`/api/v1/tasks/${key}`, body);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function record(api: Client, collection: string, body: Record<string, unknown>): Promise<string> {
  const res = await api.post(`/api/v1/${collection}`, body);
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

interface Office {
  org: Org;
  owner: Client;
  manager: Client;
  member: Client;
  ann: string;
  ben: string;
  mia: string;
  office: string;
  field: string;
  keys: Record<string, string>;
}

/**
 * A known fortnight of one plumbing business (Europe/London, GMT in March
 * before the 29th). Times below are UTC; "now" ends on Fri 2026-03-20 12:00.
 *
 *   K  2026-02-10 08:00  unassigned, no team, open ever since          (age > 30 days)
 *   H1–H4 Mon 03-09      Ben, urgent, created 08:00 and done 10:00     (his usual load)
 *   J  Tue 03-10 08:00   unassigned, Office, low, open ever since      (age 7–30 days)
 *   Mon 03-16 08:00 creates A, B, C, D, F:
 *   A  Ann, Office, high, due Tue 09:30, lead    open → in_progress Tue 09:00 → done Tue 10:00 (late)
 *   B  Ann, Office, normal, due Tue 12:00, lead  waiting Mon 10:00 → open Wed 10:00 → done Wed 16:00
 *      (on time: the 48 hours spent waiting on the customer push its due date back to Thu 12:00)
 *   C  Ben, Field, urgent, due Wed 17:00, job    blocked Mon 12:00 → in_progress Thu 12:00 (overdue now)
 *   D  Ben, Field, low, no due, job + client     done Tue 08:00
 *   F  Ann, no team, high, due Thu 09:00         open (overdue now)
 *   E  Thu 03-19 08:00   unassigned, Field, due Mon 03-23 09:00, open
 *   G  Fri 03-20 09:00   Ann, Office, due Fri 17:00, created with an API token, open (due today)
 */
async function buildOffice(ctx: TestContext): Promise<Office> {
  ctx.clock.set('2026-02-10T08:00:00Z');
  const org = await ctx.signup('Dana Plumbing');
  const ann = await ctx.addUser(org, 'member', 'Ann Office');
  const ben = await ctx.addUser(org, 'member', 'Ben Field');
  const mia = await ctx.addUser(org, 'manager', 'Mia Manager');
  const office = (await org.api.post('/api/v1/teams', { name: 'Office', memberIds: [ann.id] })).body.id;
  const field = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [ben.id] })).body.id;
  const apiToken = (await org.api.post('/api/v1/tokens', { name: 'CRM sync' })).body.token;
  const keys: Record<string, string> = {};
  const create = async (api: Client, name: string, body: Record<string, unknown>) => {
    keys[name] = (await ctx.createTask(api, { title: name, ...body })).key;
  };
  await create(org.api, 'K', { assigneeId: null });

  ctx.clock.set('2026-03-09T08:00:00Z');
  let owner = await logIn(ctx, org.user.email);
  for (const h of ['H1', 'H2', 'H3', 'H4']) await create(owner, h, { assigneeId: ben.id, priority: 'urgent' });
  ctx.clock.set('2026-03-09T10:00:00Z');
  for (const h of ['H1', 'H2', 'H3', 'H4']) await patch(owner, keys[h]!, { status: 'done' });
  ctx.clock.set('2026-03-10T08:00:00Z');
  await create(owner, 'J', { teamId: office, priority: 'low' });

  ctx.clock.set('2026-03-16T08:00:00Z');
  owner = await logIn(ctx, org.user.email);
  const lead1 = await record(owner, 'leads', { title: 'Dana: new boiler' });
  const lead2 = await record(owner, 'leads', { title: 'Eli: bathroom refit' });
  const job = await record(owner, 'jobs', { title: 'Boiler repair at 4 Elm Road' });
  const client = await record(owner, 'clients', { name: 'Elm Road Lettings' });
  await create(owner, 'A', { assigneeId: ann.id, teamId: office, priority: 'high', dueAt: '2026-03-17T09:30:00Z', links: [{ type: 'lead', id: lead1 }] });
  await create(owner, 'B', { assigneeId: ann.id, teamId: office, dueAt: '2026-03-17T12:00:00Z', links: [{ type: 'lead', id: lead2 }] });
  await create(owner, 'C', { assigneeId: ben.id, teamId: field, priority: 'urgent', dueAt: '2026-03-18T17:00:00Z', links: [{ type: 'job', id: job }] });
  await create(owner, 'D', { assigneeId: ben.id, teamId: field, priority: 'low', links: [{ type: 'job', id: job }, { type: 'client', id: client }] });
  await create(owner, 'F', { assigneeId: ann.id, priority: 'high', dueAt: '2026-03-19T09:00:00Z' });
  const at = async (instant: string, task: string, body: Record<string, unknown>) => {
    ctx.clock.set(instant);
    await patch(owner, keys[task]!, body);
  };
  await at('2026-03-16T10:00:00Z', 'B', { status: 'waiting', waitingOn: 'Customer to confirm the address' });
  await at('2026-03-16T12:00:00Z', 'C', { status: 'blocked', blockedReason: 'Valve on back-order' });
  await at('2026-03-17T08:00:00Z', 'D', { status: 'done' });
  await at('2026-03-17T09:00:00Z', 'A', { status: 'in_progress' });
  await at('2026-03-17T10:00:00Z', 'A', { status: 'done' });
  await at('2026-03-18T10:00:00Z', 'B', { status: 'open' });
  await at('2026-03-18T16:00:00Z', 'B', { status: 'done' });
  ctx.clock.set('2026-03-19T08:00:00Z');
  await create(owner, 'E', { teamId: field, dueAt: '2026-03-23T09:00:00Z' });
  await at('2026-03-19T12:00:00Z', 'C', { status: 'in_progress' });
  ctx.clock.set('2026-03-20T09:00:00Z');
  await create(ctx.client(apiToken), 'G', { assigneeId: ann.id, teamId: office, dueAt: '2026-03-20T17:00:00Z' });

  ctx.clock.set('2026-03-20T12:00:00Z');
  return {
    org,
    owner,
    manager: await logIn(ctx, mia.user.email),
    member: await logIn(ctx, ann.user.email),
    ann: ann.id,
    ben: ben.id,
    mia: mia.id,
    office,
    field,
    keys,
  };
}

const WEEK = 'from=2026-03-16T00:00:00Z&to=2026-03-21T00:00:00Z';

forEachDatabase('reports API', (ctx) => {
  let o: Office;
  const report = async (path: string) => {
    ctx.clock.set('2026-03-20T12:00:00Z');
    const res = await o.manager.get(`/api/v1/reports/${path}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    o = await buildOffice(ctx);
  });

  it('summarises open, overdue and due-today work now, and completions in the window', async () => {
    expect(await report(`summary?${WEEK}`)).toEqual({
      timezone: 'Europe/London',
      generatedAt: '2026-03-20T12:00:00.000Z',
      window: { from: '2026-03-16T00:00:00.000Z', to: '2026-03-21T00:00:00.000Z' },
      open: 6,
      overdue: 2,
      dueToday: 1,
      completed: 3,
      medianMs: 26 * HOUR,
      p90Ms: 50 * HOUR,
      withDueDate: 2,
      onTime: 1,
      onTimeRate: 0.5,
      overdueDueInWindow: 2,
      onTimeRateWithOverdue: 0.25,
    });
  });

  it('counts work still open past its due date as late in the on-time rate that includes it', async () => {
    // Worked out from the fortnight: of the tasks due this week, A was done late, B on time; C and F are open past due.
    const dueThisWeek = [
      { task: 'A', due: '2026-03-17T09:30:00Z', done: '2026-03-17T10:00:00Z' },
      { task: 'B', due: '2026-03-19T12:00:00Z', done: '2026-03-18T16:00:00Z' },
      { task: 'C', due: '2026-03-18T17:00:00Z', done: null },
      { task: 'F', due: '2026-03-19T09:00:00Z', done: null },
    ];
    const now = Date.parse('2026-03-20T12:00:00Z');
    const late = dueThisWeek.filter((t) => (t.done === null ? Date.parse(t.due) < now : Date.parse(t.done) > Date.parse(t.due))).length;
    const summary = await report(`summary?${WEEK}`);
    expect(summary.overdueDueInWindow).toBe(dueThisWeek.filter((t) => t.done === null).length);
    expect(summary.onTimeRateWithOverdue).toBe((dueThisWeek.length - late) / dueThisWeek.length);
    expect(summary.onTimeRate).toBe(0.5);
    // A window that ends before C and F fell due holds nothing overdue.
    const early = await report('summary?from=2026-03-16T00:00:00Z&to=2026-03-18T00:00:00Z');
    expect(early).toMatchObject({ overdueDueInWindow: 0, withDueDate: 1, onTimeRateWithOverdue: 0 });
  });

  it('narrows every report by team, person and linked record type', async () => {
    const field = await report(`summary?${WEEK}&team=${o.field}`);
    expect(field).toMatchObject({ open: 2, overdue: 1, dueToday: 0, completed: 1, medianMs: 24 * HOUR, withDueDate: 0, onTimeRate: null });
    const ann = await report(`summary?${WEEK}&assignee=${o.ann}`);
    expect(ann).toMatchObject({ open: 2, overdue: 1, dueToday: 1, completed: 2, medianMs: 41 * HOUR, p90Ms: 53 * HOUR, onTimeRate: 0.5 });
    const unassigned = await report(`summary?${WEEK}&assignee=none`);
    expect(unassigned).toMatchObject({ open: 3, overdue: 0, completed: 0, medianMs: null });
    const leads = await report(`summary?${WEEK}&linkType=lead`);
    expect(leads).toMatchObject({ open: 0, completed: 2, onTime: 1 });
    const api = await report(`summary?${WEEK}&source=api`);
    expect(api).toMatchObject({ open: 1, dueToday: 1, completed: 0 });
    const mine = await o.member.get(`/api/v1/reports/summary?assignee=me`);
    expect(mine.status).toBe(403);
  });

  it('breaks overdue work down by person, team and linked record type, oldest first', async () => {
    const overdue = await report('overdue');
    expect(overdue).toEqual({
      timezone: 'Europe/London',
      generatedAt: '2026-03-20T12:00:00.000Z',
      total: 2,
      byPerson: [
        { assigneeId: o.ann, name: 'Ann Office', count: 1 },
        { assigneeId: o.ben, name: 'Ben Field', count: 1 },
      ],
      byTeam: [
        { teamId: o.field, name: 'Field', count: 1 },
        { teamId: null, name: null, count: 1 },
      ],
      byLinkType: [
        { linkType: 'job', count: 1 },
        { linkType: 'none', count: 1 },
      ],
      oldest: [
        { id: expect.any(String), key: o.keys.C, title: 'C', priority: 'urgent', dueAt: '2026-03-18T17:00:00.000Z', overdueMs: 43 * HOUR, assigneeId: o.ben, assigneeName: 'Ben Field', teamId: o.field, teamName: 'Field' },
        { id: expect.any(String), key: o.keys.F, title: 'F', priority: 'high', dueAt: '2026-03-19T09:00:00.000Z', overdueMs: 27 * HOUR, assigneeId: o.ann, assigneeName: 'Ann Office', teamId: null, teamName: null },
      ],
    });
    expect((await report('overdue?limit=1')).oldest.map((t: any) => t.key)).toEqual([o.keys.C]);
  });

  it('narrows overdue work to tasks linked to a record type, with no unlinked bucket', async () => {
    const jobs = await report('overdue?linkType=job');
    expect(jobs).toMatchObject({
      total: 1,
      byPerson: [{ assigneeId: o.ben, name: 'Ben Field', count: 1 }],
      byTeam: [{ teamId: o.field, name: 'Field', count: 1 }],
      byLinkType: [{ linkType: 'job', count: 1 }],
    });
    expect(jobs.oldest.map((t: any) => t.key)).toEqual([o.keys.C]);
    expect(await report('overdue?linkType=lead')).toMatchObject({ total: 0, byPerson: [], byTeam: [], byLinkType: [], oldest: [] });
  });

  it('measures completion time and on-time rate by person, team, source and week', async () => {
    const completion = await report(`completion?${WEEK}`);
    const both = { completed: 3, medianMs: 26 * HOUR, p90Ms: 50 * HOUR, withDueDate: 2, onTime: 1, onTimeRate: 0.5 };
    const ann = { completed: 2, medianMs: 41 * HOUR, p90Ms: 53 * HOUR, withDueDate: 2, onTime: 1, onTimeRate: 0.5 };
    const ben = { completed: 1, medianMs: 24 * HOUR, p90Ms: 24 * HOUR, withDueDate: 0, onTime: 0, onTimeRate: null };
    expect(completion).toEqual({
      timezone: 'Europe/London',
      generatedAt: '2026-03-20T12:00:00.000Z',
      window: { from: '2026-03-16T00:00:00.000Z', to: '2026-03-21T00:00:00.000Z' },
      overall: both,
      byPerson: [
        { assigneeId: o.ann, name: 'Ann Office', ...ann },
        { assigneeId: o.ben, name: 'Ben Field', ...ben },
      ],
      byTeam: [
        { teamId: o.office, name: 'Office', ...ann },
        { teamId: o.field, name: 'Field', ...ben },
      ],
      bySource: [{ source: 'manual', ruleId: null, ...both }],
      byWeek: [{ week: '2026-03-16', start: '2026-03-16T00:00:00.000Z', ...both }],
    });
    const fortnight = await report('completion?from=2026-03-09T00:00:00Z&to=2026-03-21T00:00:00Z');
    expect(fortnight.byWeek.map((w: any) => [w.week, w.completed, w.medianMs])).toEqual([
      ['2026-03-09', 4, 2 * HOUR],
      ['2026-03-16', 3, 26 * HOUR],
    ]);
  });

  it('weighs each person’s open work by priority against what they usually get through', async () => {
    const workload = await report('workload');
    expect(workload).toEqual({
      timezone: 'Europe/London',
      generatedAt: '2026-03-20T12:00:00.000Z',
      weekEndsAt: '2026-03-23T00:00:00.000Z',
      usualFrom: '2026-01-23T00:00:00.000Z',
      usualTo: '2026-03-20T00:00:00.000Z',
      // A few days of history is no usual load: Ann's first task came on Monday, Ben's on 9 March.
      people: [
        { assigneeId: o.ann, name: 'Ann Office', open: 2, overdue: 1, dueThisWeek: 1, weightedLoad: 3, usualLoad: null, usualDays: 4, overloaded: false },
        { assigneeId: o.ben, name: 'Ben Field', open: 1, overdue: 1, dueThisWeek: 0, weightedLoad: 3, usualLoad: null, usualDays: 9, overloaded: false },
        { assigneeId: o.mia, name: 'Mia Manager', open: 0, overdue: 0, dueThisWeek: 0, weightedLoad: 0, usualLoad: null, usualDays: 0, overloaded: false },
        { assigneeId: o.org.user.id, name: 'Olive Owner', open: 0, overdue: 0, dueThisWeek: 0, weightedLoad: 0, usualLoad: null, usualDays: 0, overloaded: false },
      ],
      unassigned: { open: 3, overdue: 0, dueThisWeek: 0, weightedLoad: 2.5 },
    });
    const field = await report(`workload?team=${o.field}`);
    expect(field.people.map((p: any) => p.name)).toEqual(['Ben Field']);
    expect(field.unassigned).toEqual({ open: 1, overdue: 0, dueThisWeek: 0, weightedLoad: 1 });
  });

  it('counts unresolved tasks into age buckets, overall, per person and per team', async () => {
    const aging = await report('aging');
    const ages = (under1d: number, d1to3: number, d3to7: number, d7to30: number, over30d: number) => ({ under1d, d1to3, d3to7, d7to30, over30d });
    expect(aging).toEqual({
      timezone: 'Europe/London',
      generatedAt: '2026-03-20T12:00:00.000Z',
      total: 6,
      buckets: [
        { bucket: 'under1d', label: '< 1 day', count: 1 },
        { bucket: 'd1to3', label: '1–3 days', count: 1 },
        { bucket: 'd3to7', label: '3–7 days', count: 2 },
        { bucket: 'd7to30', label: '7–30 days', count: 1 },
        { bucket: 'over30d', label: '> 30 days', count: 1 },
      ],
      byPerson: [
        { assigneeId: null, name: null, total: 3, buckets: ages(0, 1, 0, 1, 1) },
        { assigneeId: o.ann, name: 'Ann Office', total: 2, buckets: ages(1, 0, 1, 0, 0) },
        { assigneeId: o.ben, name: 'Ben Field', total: 1, buckets: ages(0, 0, 1, 0, 0) },
      ],
      byTeam: [
        { teamId: o.field, name: 'Field', total: 2, buckets: ages(0, 1, 1, 0, 0) },
        { teamId: o.office, name: 'Office', total: 2, buckets: ages(1, 0, 0, 1, 0) },
        { teamId: null, name: null, total: 2, buckets: ages(0, 0, 1, 0, 1) },
      ],
    });
  });

  it('puts a task exactly one day old in the 1–3 day bucket', async () => {
    ctx.clock.set('2026-03-21T08:00:00Z');
    const res = await o.manager.get('/api/v1/reports/aging?team=' + o.field);
    // E was created Thu 08:00: two days old now; C, Mon 08:00: five days.
    expect(res.body.buckets.map((b: any) => b.count)).toEqual([0, 1, 1, 0, 0]);
    ctx.clock.set('2026-03-20T08:00:00Z');
    const exact = await o.manager.get('/api/v1/reports/aging?team=' + o.field);
    expect(exact.body.buckets.map((b: any) => b.count)).toEqual([0, 1, 1, 0, 0]);
    ctx.clock.set('2026-03-20T07:59:59.999Z');
    const before = await o.manager.get('/api/v1/reports/aging?team=' + o.field);
    expect(before.body.buckets.map((b: any) => b.count)).toEqual([1, 0, 1, 0, 0]);
  });

  it('measures time spent in each status from the history, clipped to the window and to now', async () => {
    const bottlenecks = await report(`bottlenecks?${WEEK}`);
    const dwell = (status: string, totalH: number, entered: number, stays: number) => ({
      status,
      totalMs: totalH * HOUR,
      entered,
      stays,
      averageStayMs: stays ? Math.round((totalH * HOUR) / stays) : null,
    });
    expect(bottlenecks.window).toEqual({ from: '2026-03-16T00:00:00.000Z', to: '2026-03-21T00:00:00.000Z' });
    // Open: A 25h, B 2h + 6h, C 4h, D 24h, E 28h, F 100h, G 3h, and J and K all 108h from Mon 00:00 to now (Fri 12:00).
    expect(bottlenecks.statuses).toEqual([dwell('open', 408, 8, 10), dwell('in_progress', 25, 2, 2), dwell('waiting', 48, 1, 1), dwell('blocked', 72, 1, 1)]);
    expect(bottlenecks.byTeam).toEqual([
      { teamId: o.field, name: 'Field', statuses: [dwell('open', 4 + 24 + 28, 3, 3), dwell('in_progress', 24, 1, 1), dwell('waiting', 0, 0, 0), dwell('blocked', 72, 1, 1)] },
      { teamId: o.office, name: 'Office', statuses: [dwell('open', 25 + 8 + 3 + 108, 4, 5), dwell('in_progress', 1, 1, 1), dwell('waiting', 48, 1, 1), dwell('blocked', 0, 0, 0)] },
      { teamId: null, name: null, statuses: [dwell('open', 100 + 108, 1, 2), dwell('in_progress', 0, 0, 0), dwell('waiting', 0, 0, 0), dwell('blocked', 0, 0, 0)] },
    ]);
    expect(bottlenecks.byLinkType).toEqual([
      { linkType: 'client', statuses: [dwell('open', 24, 1, 1), dwell('in_progress', 0, 0, 0), dwell('waiting', 0, 0, 0), dwell('blocked', 0, 0, 0)] },
      { linkType: 'job', statuses: [dwell('open', 4 + 24, 2, 2), dwell('in_progress', 24, 1, 1), dwell('waiting', 0, 0, 0), dwell('blocked', 72, 1, 1)] },
      { linkType: 'lead', statuses: [dwell('open', 25 + 8, 3, 3), dwell('in_progress', 1, 1, 1), dwell('waiting', 48, 1, 1), dwell('blocked', 0, 0, 0)] },
    ]);
    expect(bottlenecks.pileUps).toEqual([
      { teamId: null, name: null, status: 'open', count: 2, overdue: 1, oldestCreatedAt: '2026-02-10T08:00:00.000Z' },
      { teamId: o.field, name: 'Field', status: 'in_progress', count: 1, overdue: 1, oldestCreatedAt: '2026-03-16T08:00:00.000Z' },
      { teamId: o.office, name: 'Office', status: 'open', count: 2, overdue: 0, oldestCreatedAt: '2026-03-10T08:00:00.000Z' },
      { teamId: o.field, name: 'Field', status: 'open', count: 1, overdue: 0, oldestCreatedAt: '2026-03-19T08:00:00.000Z' },
    ]);
  });

  it('clips status dwell to a window that starts mid-wait and ends before now', async () => {
    // Tue 00:00 to Wed 12:00: A is open until Tue 09:00 then in progress 1h; B waits until Wed 10:00 (34h), then is open 2h.
    const leads = await report(`bottlenecks?from=2026-03-17T00:00:00Z&to=2026-03-18T12:00:00Z&linkType=lead`);
    expect(leads.statuses.map((s: any) => [s.status, s.totalMs / HOUR, s.entered, s.stays])).toEqual([
      ['open', 9 + 2, 1, 2],
      ['in_progress', 1, 1, 1],
      ['waiting', 34, 0, 1],
      ['blocked', 0, 0, 0],
    ]);
    const field = await report(`bottlenecks?from=2026-03-17T00:00:00Z&to=2026-03-18T12:00:00Z&team=${o.field}`);
    expect(field.statuses.find((s: any) => s.status === 'blocked')).toEqual({ status: 'blocked', totalMs: 36 * HOUR, entered: 0, stays: 1, averageStayMs: 36 * HOUR });
    const ann = await report(`bottlenecks?from=2026-03-17T00:00:00Z&to=2026-03-18T12:00:00Z&assignee=${o.ann}`);
    // A, B and F (open the whole 36h).
    expect(ann.statuses.map((s: any) => [s.status, s.totalMs / HOUR])).toEqual([
      ['open', 9 + 2 + 36],
      ['in_progress', 1],
      ['waiting', 34],
      ['blocked', 0],
    ]);
  });

  it('counts created against completed per local day, with the running balance', async () => {
    const throughput = await report(`throughput?${WEEK}`);
    const day = (label: string, created: number, completed: number, cumulativeNet: number) => ({
      label,
      start: `${label}T00:00:00.000Z`,
      end: new Date(Date.parse(`${label}T00:00:00Z`) + 24 * HOUR).toISOString(),
      created,
      completed,
      net: created - completed,
      cumulativeNet,
    });
    expect(throughput).toEqual({
      timezone: 'Europe/London',
      generatedAt: '2026-03-20T12:00:00.000Z',
      window: { from: '2026-03-16T00:00:00.000Z', to: '2026-03-21T00:00:00.000Z' },
      interval: 'day',
      buckets: [day('2026-03-16', 5, 0, 5), day('2026-03-17', 0, 2, 3), day('2026-03-18', 0, 1, 2), day('2026-03-19', 1, 0, 3), day('2026-03-20', 1, 0, 4)],
      totals: { created: 7, completed: 3, net: 4 },
    });
  });

  it('reports what each source created and completed', async () => {
    const automation = await report(`automation?${WEEK}`);
    expect(automation.bySource).toEqual([
      { source: 'manual', created: 6, completed: 3 },
      { source: 'api', created: 1, completed: 0 },
    ]);
    expect(automation.rules).toEqual([]);
    expect(automation.notes).toHaveLength(2);
    // Plain words: no API paths, no field names, no code.
    for (const note of automation.notes) expect(note).not.toMatch(/\/api\/|[a-z][A-Z]|\w\.\w|_|GET /);
  });

  it('exports every report as CSV with a header row', async () => {
    for (const name of REPORTS) {
      const res = await o.manager.get(`/api/v1/reports/${name}?format=csv`);
      expect(res.status, `${name}: ${res.text}`).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name}.csv"`);
      expect(res.text.split('\n')[0]!.length).toBeGreaterThan(0);
    }
    // The overdue tasks name who and which team, with the ids in their own columns.
    const overdue = await o.manager.get('/api/v1/reports/overdue?format=csv');
    expect(overdue.text.split('\n')[0]).toBe('section,id,name,count,key,title,priority,dueAt,overdueMs,assignee,team,assigneeId,teamId');
    expect(overdue.text).toContain(`,${o.keys.C},C,urgent,2026-03-18T17:00:00.000Z,${43 * HOUR},Ben Field,Field,${o.ben},${o.field}\n`);
    const summary = await o.manager.get(`/api/v1/reports/summary?${WEEK}&format=csv`);
    expect(summary.text).toBe(
      'from,to,open,overdue,dueToday,completed,medianMs,p90Ms,withDueDate,onTime,onTimeRate,overdueDueInWindow,onTimeRateWithOverdue\n' +
        `2026-03-16T00:00:00.000Z,2026-03-21T00:00:00.000Z,6,2,1,3,${26 * HOUR},${50 * HOUR},2,1,0.5,2,0.25\n`,
    );
    // Ben's history counts only Field work here: his earlier urgent tasks had no team.
    const workload = await o.manager.get(`/api/v1/reports/workload?team=${o.field}&format=csv`);
    expect(workload.text).toBe(
      'assigneeId,name,open,overdue,dueThisWeek,weightedLoad,usualLoad,usualDays,overloaded\n' + `${o.ben},Ben Field,1,1,0,3,,4,false\n` + ',unassigned,1,0,0,1,,,\n',
    );
  });

  it('lets managers and above read reports, members get 403 and strangers 401', async () => {
    for (const name of REPORTS) {
      expect((await o.member.get(`/api/v1/reports/${name}`)).status, name).toBe(403);
      expect((await o.owner.get(`/api/v1/reports/${name}`)).status, name).toBe(200);
      const anonymous = await ctx.anonymous.get(`/api/v1/reports/${name}`);
      expect(anonymous.status, name).toBe(401);
      expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    }
    const forbidden = await o.member.get('/api/v1/reports/summary?format=csv');
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
  });

  it("never counts another organisation's tasks, and treats its team and people as unknown", async () => {
    const other = await ctx.signup('Other Co');
    const otherSummary = (await other.api.get('/api/v1/reports/summary')).body;
    expect(otherSummary).toMatchObject({ open: 0, overdue: 0, completed: 0 });
    const theirTeam = await other.api.get(`/api/v1/reports/overdue?team=${o.field}`);
    expect(theirTeam.status).toBe(404);
    expect(theirTeam.body.errors).toEqual([{ path: 'team', message: 'no such team in this organisation' }]);
    const theirPerson = await other.api.get(`/api/v1/reports/workload?assignee=${o.ann}`);
    expect(theirPerson.status).toBe(404);
    expect(theirPerson.body.errors[0].path).toBe('assignee');
  });

  it('answers bad filters with a 400 naming each field', async () => {
    const cases: [string, string[]][] = [
      ['summary?from=yesterday', ['from']],
      ['summary?from=2026-03-20T00:00:00Z&to=2026-03-19T00:00:00Z', ['from']],
      ['completion?linkType=invoice&source=robot', ['linkType', 'source']],
      ['throughput?interval=year', ['interval']],
      ['bottlenecks?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', ['from']],
      ['overdue?limit=0', ['limit']],
      ['overdue?from=2026-03-01T00:00:00Z', ['from']],
      ['aging?colour=red', ['colour']],
      ['automation?source=rule', ['source']],
      ['summary?format=xml', ['format']],
    ];
    for (const [path, fields] of cases) {
      const res = await o.manager.get(`/api/v1/reports/${path}`);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
      expect(res.body.errors.map((e: any) => e.path).sort(), path).toEqual(fields);
    }
  });
});

forEachDatabase('reports API: empty ranges, time zones and CSV quoting', (ctx) => {
  it('answers every report for an organisation with no tasks, with zeros and nulls', async () => {
    ctx.clock.set('2026-03-20T12:00:00Z');
    const org = await ctx.signup('Brand New Co');
    const get = async (path: string) => (await org.api.get(`/api/v1/reports/${path}`)).body;
    expect(await get('summary')).toMatchObject({ open: 0, overdue: 0, dueToday: 0, completed: 0, medianMs: null, p90Ms: null, withDueDate: 0, onTime: 0, onTimeRate: null });
    expect(await get('overdue')).toMatchObject({ total: 0, byPerson: [], byTeam: [], byLinkType: [], oldest: [] });
    const completion = await get('completion?from=2026-03-16T00:00:00Z&to=2026-03-21T00:00:00Z');
    expect(completion.overall).toEqual({ completed: 0, medianMs: null, p90Ms: null, withDueDate: 0, onTime: 0, onTimeRate: null });
    expect(completion.byWeek).toEqual([{ week: '2026-03-16', start: '2026-03-16T00:00:00.000Z', completed: 0, medianMs: null, p90Ms: null, withDueDate: 0, onTime: 0, onTimeRate: null }]);
    expect((await get('workload')).people).toEqual([
      { assigneeId: org.user.id, name: 'Olive Owner', open: 0, overdue: 0, dueThisWeek: 0, weightedLoad: 0, usualLoad: null, usualDays: 0, overloaded: false },
    ]);
    expect((await get('aging')).total).toBe(0);
    const bottlenecks = await get('bottlenecks');
    expect(bottlenecks.statuses.every((s: any) => s.totalMs === 0 && s.stays === 0 && s.averageStayMs === null)).toBe(true);
    expect(bottlenecks.pileUps).toEqual([]);
    expect(await get('automation')).toMatchObject({ bySource: [], rules: [] });
    const throughput = await get('throughput?from=2026-03-18T00:00:00Z&to=2026-03-20T00:00:00Z');
    expect(throughput.buckets.map((b: any) => [b.label, b.created, b.completed, b.cumulativeNet])).toEqual([
      ['2026-03-18', 0, 0, 0],
      ['2026-03-19', 0, 0, 0],
    ]);
    const csv = await org.api.get('/api/v1/reports/overdue?format=csv');
    expect(csv.text).toBe('section,id,name,count,key,title,priority,dueAt,overdueMs,assignee,team,assigneeId,teamId\n');
  });

  it("buckets days and weeks in the organisation's time zone across the spring DST change", async () => {
    // Europe/London moves from GMT to BST at 2026-03-29 01:00 UTC: that Sunday is 23 hours long.
    ctx.clock.set('2026-03-28T00:00:00Z');
    const org = await ctx.signup('Summer Time Ltd');
    for (const instant of ['2026-03-28T23:30:00Z', '2026-03-29T00:30:00Z', '2026-03-29T23:30:00Z', '2026-03-30T22:59:00Z', '2026-03-30T23:00:00Z']) {
      ctx.clock.set(instant);
      await ctx.createTask(org.api, { title: `Created ${instant}` });
    }
    ctx.clock.set('2026-04-02T12:00:00Z');
    const window = 'from=2026-03-28T00:00:00Z&to=2026-04-01T00:00:00Z';
    const days = (await org.api.get(`/api/v1/reports/throughput?${window}`)).body;
    expect(days.buckets.map((b: any) => [b.label, b.start, b.end, b.created])).toEqual([
      ['2026-03-28', '2026-03-28T00:00:00.000Z', '2026-03-29T00:00:00.000Z', 1],
      ['2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z', 1],
      ['2026-03-30', '2026-03-29T23:00:00.000Z', '2026-03-30T23:00:00.000Z', 2],
      ['2026-03-31', '2026-03-30T23:00:00.000Z', '2026-03-31T23:00:00.000Z', 1],
      ['2026-04-01', '2026-03-31T23:00:00.000Z', '2026-04-01T00:00:00.000Z', 0],
    ]);
    const weeks = (await org.api.get(`/api/v1/reports/throughput?${window}&interval=week`)).body;
    expect(weeks.buckets.map((b: any) => [b.label, b.start, b.end, b.created])).toEqual([
      ['2026-03-23', '2026-03-28T00:00:00.000Z', '2026-03-29T23:00:00.000Z', 2],
      ['2026-03-30', '2026-03-29T23:00:00.000Z', '2026-04-01T00:00:00.000Z', 3],
    ]);
  });

  it("judges 'due today' on the organisation's calendar, not UTC's", async () => {
    ctx.clock.set('2026-03-20T03:00:00Z');
    const email = 'owner-ny@example.test';
    const signup = await ctx.anonymous.post('/api/v1/signup', { orgName: 'Brooklyn Heating', timezone: 'America/New_York', name: 'Nia', email: `${ctx.dialect}-${email}`, password: PASSWORD });
    expect(signup.status, signup.text).toBe(201);
    const api = ctx.client(signup.body.token);
    // 23:00 on Thursday 19 March in New York: 23:30 is still today there, 01:00 UTC-wise "today" is tomorrow.
    await ctx.createTask(api, { title: 'Tonight', dueAt: '2026-03-20T03:30:00Z' });
    await ctx.createTask(api, { title: 'Tomorrow', dueAt: '2026-03-20T05:00:00Z' });
    const summary = (await api.get('/api/v1/reports/summary')).body;
    expect(summary).toMatchObject({ timezone: 'America/New_York', open: 2, dueToday: 1 });
  });

  it('follows each rule: tasks created, completed, closed by automation, on time, and rules that stay silent', async () => {
    ctx.clock.set('2026-03-02T09:00:00Z');
    const org = await ctx.signup('Rule Co');
    const addRule = async (body: Record<string, unknown>) => {
      const res = await org.api.post('/api/v1/rules', body);
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const callBack = await addRule({ name: 'Call new leads', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'Call {{record.title}}', due: 'PT2H' }] });
    const stop = await addRule({ name: 'Stop calling once contacted', trigger: { event: 'lead.stage_changed' }, actions: [{ type: 'close_tasks', status: 'done', fromRules: [callBack] }] });
    const chase = await addRule({ name: 'Chase overdue invoices', trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase' }] });
    const leads: string[] = [];
    for (const title of ['Ann', 'Bob', 'Cy']) leads.push((await org.api.post('/api/v1/leads', { title })).body.id);
    await ctx.server.automation.drain();
    const tasks = (await org.api.get('/api/v1/tasks?limit=200')).body.items;
    expect(tasks).toHaveLength(3);
    ctx.clock.set('2026-03-02T10:00:00Z');
    await patch(org.api, tasks.find((t: any) => t.title === 'Call Ann').key, { status: 'done' });
    ctx.clock.set('2026-03-02T12:00:00Z');
    const moved = await org.api.patch(`/api/v1/leads/${leads[1]}`, { stage: 'contacted' });
    expect(moved.status, moved.text).toBe(200);
    await ctx.server.automation.drain();
    const manual = await ctx.createTask(org.api, { title: 'By hand' });
    expect(manual.source.kind).toBe('manual');

    const report = (await org.api.get('/api/v1/reports/automation?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z')).body;
    expect(report.bySource).toEqual([
      { source: 'rule', created: 3, completed: 2 },
      { source: 'manual', created: 1, completed: 0 },
    ]);
    const none = { created: 0, open: 0, completed: 0, cancelled: 0, autoClosed: 0, completionRate: null, autoCloseRate: null, withDueDate: 0, onTime: 0, onTimeRate: null, alwaysLate: false };
    const runs = (n: number) => ({ evaluated: n, matched: n, missed: 0, fired: n, succeeded: n, duplicates: 0, failed: 0, neverFired: n === 0, alwaysMisses: false });
    expect(report.rules).toEqual([
      // Bob's call was closed by the stage change at 12:00, an hour past its due time.
      { ruleId: callBack, name: 'Call new leads', enabled: true, created: 3, open: 1, completed: 2, cancelled: 0, autoClosed: 1, completionRate: 0.6667, autoCloseRate: 0.5, withDueDate: 2, onTime: 1, onTimeRate: 0.5, alwaysLate: false, silent: false, ...runs(3) },
      { ruleId: chase, name: 'Chase overdue invoices', enabled: true, ...none, silent: true, ...runs(0) },
      { ruleId: stop, name: 'Stop calling once contacted', enabled: true, ...none, silent: false, ...runs(1) },
    ]);

    // Cy's call (due 11:00) is still open on a lead in the first stage; Bob's lead moved on and its call was closed.
    const bottlenecks = (await org.api.get('/api/v1/reports/bottlenecks')).body;
    const pipeline = (await org.api.get(`/api/v1/leads/${leads[2]}`)).body.pipelineId;
    expect(bottlenecks.leadStages).toEqual([{ pipelineId: pipeline, stage: 'new', leads: 1, openTasks: 1, overdueTasks: 1 }]);
    const csv = (await org.api.get('/api/v1/reports/bottlenecks?format=csv')).text;
    expect(csv.trim().split('\n').at(-1)).toBe(`leadStage,${pipeline},new,,,,,,1,1,1`);
  });

  // 2,100 leads and 2,101 tasks imported first: on PostgreSQL on a busy machine that alone took 38–60 s, so this test gets more than the default minute.
  it('counts every lead with open work by its stage, however many there are', { timeout: 180_000 }, async () => {
    // More leads than one lookup reads (and four times the 500 an earlier version looked at).
    ctx.clock.set('2026-03-02T09:00:00Z');
    const org = await ctx.signup('Many Leads Co');
    const n = 2_100;
    const leadRows = Array.from({ length: n }, (_, i) => `Lead ${i},Sales,${i % 3 === 0 ? 'quoted' : 'new'}`).join('\n');
    const leads = await org.api.post('/api/v1/imports/leads', { csv: `title,pipeline,stage\n${leadRows}\n` });
    expect(leads.status, leads.text.slice(0, 300)).toBe(201);
    const ids: string[] = leads.body.ids;
    // One open task per lead, every fifth overdue; and one task on two leads of one stage, counted once there.
    const taskRows = ids.map((id, i) => `Call ${i},${i % 5 === 0 ? '2026-03-01T09:00:00Z' : '2026-03-09T09:00:00Z'},lead:${id}`);
    taskRows.push(`Call both,2026-03-09T09:00:00Z,lead:${ids[1]} lead:${ids[2]}`);
    const tasks = await org.api.post('/api/v1/imports/tasks', { csv: `title,due,links\n${taskRows.join('\n')}\n` });
    expect(tasks.status, tasks.text.slice(0, 300)).toBe(201);
    const pipeline = (await org.api.get(`/api/v1/leads/${ids[0]}`)).body.pipelineId;
    const quoted = ids.filter((_, i) => i % 3 === 0).length;
    const overdueQuoted = ids.filter((_, i) => i % 3 === 0 && i % 5 === 0).length;
    const overdueNew = ids.filter((_, i) => i % 3 !== 0 && i % 5 === 0).length;
    const bottlenecks = (await org.api.get('/api/v1/reports/bottlenecks')).body;
    expect(bottlenecks.leadStages).toEqual([
      { pipelineId: pipeline, stage: 'new', leads: n - quoted, openTasks: n - quoted + 1, overdueTasks: overdueNew },
      { pipelineId: pipeline, stage: 'quoted', leads: quoted, openTasks: quoted, overdueTasks: overdueQuoted },
    ]);
  });

  it('quotes commas, quotes and newlines in titles in CSV', async () => {
    ctx.clock.set('2026-03-02T09:00:00Z');
    const org = await ctx.signup('Quote Co');
    const task = await ctx.createTask(org.api, { title: 'Call "Dana", then quote\nsecond line', dueAt: '2026-03-02T08:00:00Z', priority: 'high', assigneeId: null });
    const csv = await org.api.get('/api/v1/reports/overdue?format=csv');
    expect(csv.text).toBe(
      'section,id,name,count,key,title,priority,dueAt,overdueMs,assignee,team,assigneeId,teamId\n' +
        ',,,1,,,,,,,,,\n'.replace(/^/, 'person') +
        'team,,,1,,,,,,,,,\n' +
        'linkType,none,,1,,,,,,,,,\n' +
        `oldest,${task.id},,,T-1,"Call ""Dana"", then quote\nsecond line",high,2026-03-02T08:00:00.000Z,${HOUR},,,,\n`,
    );
  });
});
