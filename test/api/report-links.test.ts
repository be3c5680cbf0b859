// Every report figure and the task list it links to agree: a business with a
// known history, each figure read from its report, each link the reports page
// draws (web/src/reports/links.ts) followed through the list's counts — and
// through the list itself — for the whole business, a team, a person and the
// unassigned work. The new list filters are checked for bad input and for
// staying inside the organisation.
import { expect, it } from 'vitest';
import { type LinkScope, links, type ListParams, weekWindow } from '../../web/src/reports/links.ts';
import type { Client } from '../support/http.ts';
import { forEachDatabase, type Org, PASSWORD } from '../support/harness.ts';

async function patch(api: Client, key: string, body: Record<string, unknown>) {
  const res = await api.patch(`/api/v1/tasks/${key}`, body);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** A figure, what it is, and the list filters its link carries. */
type Check = [label: string, figure: number, params: ListParams];

async function reportsOf(api: Client, query: Record<string, string>) {
  const get = async (name: string, windowed: boolean) => {
    const params = new URLSearchParams(windowed ? query : Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'from' && k !== 'to')));
    const res = await api.get(`/api/v1/reports/${name}?${params.toString()}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  return {
    summary: await get('summary', true),
    overdue: await get('overdue', false),
    workload: await get('workload', false),
    aging: await get('aging', false),
    throughput: await get('throughput', true),
    completion: await get('completion', true),
    automation: await get('automation', true),
    bottlenecks: await get('bottlenecks', true),
  };
}

/** Every figure the reports page links, with its link's filters. */
function checksOf(r: Awaited<ReturnType<typeof reportsOf>>, filter: { team: string; assignee: string }): Check[] {
  const scope: LinkScope = { team: filter.team || undefined, assignee: filter.assignee || undefined, window: r.summary.window };
  const s = r.summary;
  const checks: Check[] = [
    ['open', s.open, links.open(scope)],
    ['overdue', s.overdue, links.overdue(scope)],
    ['due today', s.dueToday, links.dueToday(scope)],
    ['completed', s.completed, links.completed(scope)],
    ['completed on time', s.onTime, links.onTime(scope)],
    ['completed late', s.withDueDate - s.onTime, links.late(scope)],
    ['due in the period, still open past due', s.overdueDueInWindow, links.overdueDueIn(scope)],
    ['overdue total', r.overdue.total, links.overdue(scope)],
  ];
  for (const p of r.overdue.byPerson) checks.push([`overdue of ${p.name ?? 'unassigned'}`, p.count, links.overdue(scope, { assignee: p.assigneeId })]);
  for (const t of r.overdue.byTeam) checks.push([`overdue of team ${t.name ?? 'none'}`, t.count, links.overdue(scope, { team: t.teamId })]);
  for (const l of r.overdue.byLinkType) checks.push([`overdue about a ${l.linkType}`, l.count, links.overdueOfType(scope, l.linkType)]);
  for (const p of r.workload.people) {
    checks.push([`open of ${p.name}`, p.open, links.open(scope, { assignee: p.assigneeId })]);
    checks.push([`overdue of ${p.name} (workload)`, p.overdue, links.overdue(scope, { assignee: p.assigneeId })]);
    checks.push([`due this week of ${p.name}`, p.dueThisWeek, links.dueThisWeek(scope, { assignee: p.assigneeId })]);
  }
  // Narrowed to one person, the unassigned row is empty and the page leaves it (and its link) out.
  if (!filter.assignee || filter.assignee === 'none') {
    checks.push(['open unassigned (workload)', r.workload.unassigned.open, links.open(scope, { assignee: null })]);
    checks.push(['due this week unassigned', r.workload.unassigned.dueThisWeek, links.dueThisWeek(scope, { assignee: null })]);
  } else expect(r.workload.unassigned.open).toBe(0);
  checks.push(['unresolved (aging)', r.aging.total, links.open(scope)]);
  for (const b of r.aging.buckets) checks.push([`aged ${b.label}`, b.count, links.aged(scope, [b.bucket])]);
  for (const p of r.aging.byPerson) checks.push([`older than a week, ${p.name ?? 'unassigned'}`, p.buckets.d7to30 + p.buckets.over30d, links.aged(scope, ['d7to30', 'over30d'], { assignee: p.assigneeId })]);
  for (const b of r.throughput.buckets) {
    checks.push([`created ${b.label}`, b.created, links.created(scope, { from: b.start, to: b.end })]);
    checks.push([`completed ${b.label}`, b.completed, links.completed(scope, {}, { from: b.start, to: b.end })]);
  }
  checks.push(['created in the period', r.throughput.totals.created, links.created(scope)]);
  checks.push(['completed in the period (throughput)', r.throughput.totals.completed, links.completed(scope)]);
  checks.push(['completed (completion)', r.completion.overall.completed, links.completed(scope)]);
  r.completion.byWeek.forEach((w: { week: string; completed: number }, i: number) => checks.push([`completed in the week of ${w.week}`, w.completed, links.completed(scope, {}, weekWindow(r.completion.byWeek, i, r.completion.window))]));
  for (const p of r.completion.byPerson) {
    checks.push([`completed by ${p.name ?? 'unassigned'}`, p.completed, links.completed(scope, { assignee: p.assigneeId })]);
    checks.push([`done late by ${p.name ?? 'unassigned'}`, p.withDueDate - p.onTime, links.late(scope, { assignee: p.assigneeId })]);
  }
  for (const source of r.automation.bySource) checks.push([`created by ${source.source}`, source.created, links.createdBySource(scope, source.source)]);
  for (const rule of r.automation.rules) {
    checks.push([`created by rule ${rule.name}`, rule.created, links.byRule(scope, rule.ruleId)]);
    checks.push([`open of rule ${rule.name}`, rule.open, links.byRule(scope, rule.ruleId, 'open')]);
    checks.push([`completed of rule ${rule.name}`, rule.completed, links.byRule(scope, rule.ruleId, 'done')]);
    checks.push([`cancelled of rule ${rule.name}`, rule.cancelled, links.byRule(scope, rule.ruleId, 'cancelled')]);
    checks.push([`closed by automation of rule ${rule.name}`, rule.autoClosed, links.ruleAutoClosed(scope, rule.ruleId)]);
    checks.push([`done late of rule ${rule.name}`, rule.withDueDate - rule.onTime, links.ruleLate(scope, rule.ruleId)]);
  }
  for (const l of r.bottlenecks.leadStages) {
    checks.push([`open for leads at ${l.stage} (${l.pipelineId})`, l.openTasks, links.leadStage(scope, l.pipelineId, l.stage)]);
    checks.push([`overdue for leads at ${l.stage} (${l.pipelineId})`, l.overdueTasks, links.leadStage(scope, l.pipelineId, l.stage, true)]);
  }
  for (const p of r.bottlenecks.pileUps) {
    checks.push([`${p.status} in team ${p.name ?? 'none'}`, p.count, links.inStatus(scope, p.status, p.teamId)]);
    checks.push([`${p.status} and overdue in team ${p.name ?? 'none'}`, p.overdue, links.inStatus(scope, p.status, p.teamId, true)]);
  }
  return checks;
}

forEachDatabase('report figures and the tasks behind them', (ctx) => {
  /** A new session for the owner: an idle one lapses over the weeks the history covers. */
  async function signInAgain(org: Org): Promise<void> {
    const session = await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: PASSWORD });
    expect(session.status, session.text).toBe(201);
    org.api = ctx.client(session.body.token);
  }

  /** A plumbing business over a week (London): made, done on time and late, cancelled, by hand and by a rule, linked to records or not. */
  async function business(): Promise<{ org: Org; tom: { id: string }; team: string; ruleId: string }> {
    ctx.clock.set('2026-10-20T09:00:00Z');
    const org = await ctx.signup('Figures Plumbing');
    const tom = await ctx.addUser(org, 'member', 'Tom Fitter');
    const sam = await ctx.addUser(org, 'member', 'Sam Office');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tom.id] })).body.id as string;
    const job = (await ctx.createRecord(org.api, 'jobs')).id;
    const contact = (await ctx.createRecord(org.api, 'contacts')).id;
    const lead = (await ctx.createRecord(org.api, 'leads', { title: 'Old enquiry' })).id;
    // Long-waiting work from before the period.
    await ctx.createTask(org.api, { title: 'Chase the old quote', assigneeId: tom.id, teamId: team, dueAt: '2026-10-25T09:00:00Z', links: [{ type: 'lead', id: lead }] });
    await ctx.createTask(org.api, { title: 'File the certificates', assigneeId: null });
    await ctx.server.automation.drain();
    ctx.clock.set('2026-11-20T09:00:00Z');
    await signInAgain(org);
    const done = await ctx.createTask(org.api, { title: 'Old job, done in the period', assigneeId: sam.id, dueAt: '2026-12-02T17:00:00Z' });
    const rule = await org.api.post('/api/v1/rules', { name: 'Confirm the appointment', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'Confirm {{record.title}}', due: 'PT2H' }] });
    expect(rule.status, rule.text).toBe(201);

    ctx.clock.set('2026-12-01T09:00:00Z');
    await signInAgain(org);
    const fix = await ctx.createTask(org.api, { title: 'Fix the leak', assigneeId: tom.id, teamId: team, priority: 'urgent', dueAt: '2026-12-02T09:00:00Z', links: [{ type: 'job', id: job }, { type: 'contact', id: contact }] });
    await ctx.createTask(org.api, { title: 'Ring the customer', assigneeId: null, dueAt: '2026-12-01T12:00:00Z', links: [{ type: 'contact', id: contact }] });
    const quote = await ctx.createTask(org.api, { title: 'Send the quote', assigneeId: tom.id, dueAt: '2026-12-03T09:00:00Z' });
    const tidy = await ctx.createTask(org.api, { title: 'Tidy the van', assigneeId: sam.id });
    for (const title of ['Reyes', 'Okafor', 'Lind']) expect((await org.api.post('/api/v1/leads', { title })).status).toBe(201);
    await ctx.server.automation.drain();
    const confirms = (await org.api.get('/api/v1/tasks?q=Confirm&limit=10')).body.items as { key: string }[];
    expect(confirms).toHaveLength(3);

    ctx.clock.set('2026-12-02T10:00:00Z');
    await patch(org.api, quote.key, { status: 'done' }); // on time
    await patch(org.api, confirms[0]!.key, { status: 'done' }); // late: due 1 Dec 11:00
    await patch(org.api, done.key, { status: 'done' }); // on time
    await patch(org.api, confirms[1]!.key, { status: 'cancelled' });
    ctx.clock.set('2026-12-03T15:00:00Z');
    await patch(org.api, tidy.key, { status: 'done' }); // no due date
    await patch(org.api, fix.key, { status: 'in_progress' });

    ctx.clock.set('2026-12-04T09:00:00Z');
    await ctx.createTask(org.api, { title: 'Order the boiler', assigneeId: tom.id, teamId: team, dueAt: '2026-12-05T16:00:00Z', links: [{ type: 'job', id: job }] });
    await ctx.createTask(org.api, { title: 'Book the gas check', assigneeId: sam.id, dueAt: '2026-12-06T12:00:00Z' });
    await ctx.createTask(org.api, { title: 'Plan next month', assigneeId: tom.id, dueAt: '2026-12-20T12:00:00Z', status: 'waiting', waitingOn: 'Supplier' });
    ctx.clock.set('2026-12-05T10:00:00Z');
    return { org, tom, team, ruleId: rule.body.id };
  }

  /** Each figure of every report agrees with the tasks its link lists, for each team and person asked about; the figures agree with each other too. */
  async function agree(org: Org, period: { from: string }, scopes: { team: string; assignee: string }[]): Promise<void> {
    for (const filter of scopes) {
      const query: Record<string, string> = { ...period, ...(filter.team && { team: filter.team }), ...(filter.assignee && { assignee: filter.assignee }) };
      const reports = await reportsOf(org.api, query);
      const checks = checksOf(reports, filter);
      const disagree: string[] = [];
      for (const [label, figure, params] of checks) {
        const search = new URLSearchParams(params).toString();
        const counted = await org.api.get(`/api/v1/tasks/counts?${search}`);
        expect(counted.status, `${label}: ${counted.text}`).toBe(200);
        const listed = await org.api.get(`/api/v1/tasks?${search}&limit=200`);
        expect(listed.status, `${label}: ${listed.text}`).toBe(200);
        if (counted.body.total !== figure || listed.body.items.length !== figure) disagree.push(`${label}: report ${figure}, counts ${counted.body.total}, list ${listed.body.items.length} (${search})`);
      }
      expect(disagree, JSON.stringify(filter)).toEqual([]);
      // The figures agree with each other, too.
      const r = reports;
      expect(r.overdue.total).toBe(r.summary.overdue);
      for (const parts of [r.overdue.byPerson, r.overdue.byTeam, r.overdue.byLinkType]) expect(parts.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(r.overdue.total);
      expect(r.aging.total).toBe(r.summary.open);
      expect(r.bottlenecks.pileUps.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(r.summary.open);
      expect(r.bottlenecks.pileUps.reduce((n: number, p: { overdue: number }) => n + p.overdue, 0)).toBe(r.summary.overdue);
      expect(r.throughput.totals.completed).toBe(r.summary.completed);
      expect(r.completion.overall.completed).toBe(r.summary.completed);
      expect(r.automation.bySource.reduce((n: number, b: { created: number }) => n + b.created, 0)).toBe(r.throughput.totals.created);
      if (!filter.team) expect(r.workload.people.reduce((n: number, p: { open: number }) => n + p.open, 0) + r.workload.unassigned.open).toBe(r.summary.open);
    }
  }

  it('each figure is the number of tasks its link lists, for the business, a team, a person and unassigned work', async () => {
    const { org, tom, team } = await business();
    const period = { from: '2026-11-28T00:00:00.000Z' };
    const scopes = [{ team: '', assignee: '' }, { team, assignee: '' }, { team: '', assignee: tom.id }, { team: '', assignee: 'none' }];
    await agree(org, period, scopes);
    // The whole business, worked out here from what happened.
    const whole = await reportsOf(org.api, period);
    expect(whole.summary).toMatchObject({ open: 8, overdue: 4, dueToday: 1, completed: 4, withDueDate: 3, onTime: 2, overdueDueInWindow: 3, onTimeRateWithOverdue: 0.3333 });
    expect(Object.fromEntries(whole.overdue.byLinkType.map((l: { linkType: string; count: number }) => [l.linkType, l.count]))).toEqual({ lead: 2, job: 1, contact: 1 });
    expect(whole.automation.rules[0]).toMatchObject({ name: 'Confirm the appointment', created: 3, open: 1, completed: 1, cancelled: 1 });
  });

  it('follows the links of what rules closed, of their late work and of leads by stage, which fail if the filter strays', async () => {
    ctx.clock.set('2026-12-01T09:00:00Z');
    const org = await ctx.signup('Lead Plumbing');
    const addRule = async (body: Record<string, unknown>) => {
      const res = await org.api.post('/api/v1/rules', body);
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const callBack = await addRule({ name: 'Call new leads', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'Call {{record.title}}', due: 'PT2H' }] });
    await addRule({ name: 'Stop calling once contacted', trigger: { event: 'lead.stage_changed' }, actions: [{ type: 'close_tasks', status: 'done', fromRules: [callBack] }] });
    const leads: Record<string, string> = {};
    for (const title of ['Ann', 'Bob', 'Cy', 'Dee']) leads[title] = (await org.api.post('/api/v1/leads', { title })).body.id;
    const trade = await org.api.post('/api/v1/pipelines', { name: 'Trade', stages: [{ key: 'new', name: 'New' }, { key: 'quoted', name: 'Quote sent' }] });
    expect(trade.status, trade.text).toBe(201);
    await ctx.server.automation.drain();
    const calls = Object.fromEntries(((await org.api.get('/api/v1/tasks?q=Call&limit=10')).body.items as { key: string; title: string }[]).map((t) => [t.title, t.key]));
    expect(Object.keys(calls)).toHaveLength(4);
    // A lead in the other pipeline at a stage of the same key, with follow-ups of its own (and a call).
    const wholesale = (await org.api.post('/api/v1/leads', { title: 'Wholesale', pipelineId: trade.body.id, stage: 'new' })).body.id as string;
    await ctx.server.automation.drain();
    ctx.clock.set('2026-12-01T10:00:00Z');
    await patch(org.api, calls['Call Ann']!, { status: 'done' }); // on time, by a person
    ctx.clock.set('2026-12-01T12:00:00Z');
    expect((await org.api.patch(`/api/v1/leads/${leads.Bob}`, { stage: 'contacted' })).status).toBe(200);
    await ctx.server.automation.drain(); // Bob's call closed by the rule, an hour late
    await patch(org.api, calls['Call Cy']!, { status: 'cancelled' }); // closed by a person
    await ctx.createTask(org.api, { title: 'Send Bob the quote', assigneeId: null, dueAt: '2026-12-08T09:00:00Z', links: [{ type: 'lead', id: leads.Bob }] });
    await ctx.createTask(org.api, { title: 'Visit Dee', assigneeId: null, dueAt: '2026-12-09T09:00:00Z', links: [{ type: 'lead', id: leads.Dee }] });
    // Linked to two leads at the same stage: one task for the stage, not two.
    await ctx.createTask(org.api, { title: 'Quote Cy and Dee together', assigneeId: null, links: [{ type: 'lead', id: leads.Cy }, { type: 'lead', id: leads.Dee }] });
    await ctx.createTask(org.api, { title: 'Price the order', assigneeId: null, dueAt: '2026-12-02T09:00:00Z', links: [{ type: 'lead', id: wholesale }] });
    await ctx.createTask(org.api, { title: 'Ring back', assigneeId: null, dueAt: '2026-12-10T09:00:00Z', links: [{ type: 'lead', id: wholesale }] });
    ctx.clock.set('2026-12-05T10:00:00Z');
    await signInAgain(org);
    const period = { from: '2026-11-28T00:00:00.000Z' };
    await agree(org, period, [{ team: '', assignee: '' }, { team: '', assignee: 'none' }]);
    const whole = await reportsOf(org.api, period);
    // Two pipelines with a stage called new: each row its own tasks.
    expect(whole.bottlenecks.leadStages.map((l: { stage: string; openTasks: number; overdueTasks: number }) => [l.stage, l.openTasks, l.overdueTasks]).sort()).toEqual([['contacted', 1, 0], ['new', 3, 1], ['new', 3, 2]]);
    expect(whole.automation.rules.find((r: { ruleId: string }) => r.ruleId === callBack)).toMatchObject({ created: 5, open: 2, completed: 2, cancelled: 1, autoClosed: 1, withDueDate: 2, onTime: 1 });
  });

  it('takes the new filters in the list, the counts and a bulk change, refuses bad values naming the field, and stays inside the organisation', async () => {
    const { org, ruleId } = await business();
    const count = async (api: Client, query: string) => {
      const res = await api.get(`/api/v1/tasks/counts?${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body.total as number;
    };
    expect(await count(org.api, `rule=${ruleId}&status=all`)).toBe(3);
    expect(await count(org.api, 'source=rule&status=all')).toBe(3);
    expect(await count(org.api, 'timing=late&status=done')).toBe(1);
    expect(await count(org.api, 'timing=onTime&status=done')).toBe(2);
    expect(await count(org.api, 'recordType=job&status=all')).toBe(2);
    expect(await count(org.api, 'recordType=none')).toBe(3);
    expect(await count(org.api, 'leadStage=new&status=all')).toBe(4);
    expect(await count(org.api, 'age=over30d')).toBe(2);
    expect(await count(org.api, 'due=week')).toBe(2);
    expect(await count(org.api, 'status=all&createdFrom=2026-12-04T00:00:00Z&createdTo=2026-12-05T00:00:00Z')).toBe(3);
    expect(await count(org.api, 'status=all&dueFrom=2026-12-01T00:00:00Z&dueTo=2026-12-02T00:00:00Z')).toBe(4);

    for (const [query, field] of [
      ['createdFrom=yesterday', 'createdFrom'],
      ['completedTo=2026-13-01', 'completedTo'],
      ['dueFrom=1', 'dueFrom'],
      ['timing=early', 'timing'],
      ['source=email', 'source'],
      ['recordType=invoice', 'recordType'],
      ['age=old', 'age'],
      ['due=tomorrow', 'due'],
      ['rule=', 'rule'],
      ['closedBy=someone', 'closedBy'],
      ['leadStage=Quoted!', 'leadStage'],
      ['leadPipeline=p_1', 'leadPipeline'],
    ]) {
      for (const path of ['/api/v1/tasks', '/api/v1/tasks/counts']) {
        const res = await org.api.get(`${path}?${query}`);
        expect(res.status, `${path}?${query}`).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(JSON.stringify(res.body.errors)).toContain(field);
      }
    }
    // A bulk change takes the same filters: the rule's open task, and only it.
    const bulk = await org.api.post('/api/v1/tasks/bulk', { filter: { rule: ruleId }, expected: 1, set: { priority: 'high' } });
    expect(bulk.status, bulk.text).toBe(200);
    expect(await count(org.api, `rule=${ruleId}&priority=high`)).toBe(1);
    for (const [filter, field] of [[{ leadPipeline: 'p_1' }, 'leadPipeline'], [{ leadStage: 'Quoted!' }, 'leadStage'], [{ closedBy: 'someone' }, 'closedBy']] as const) {
      const refused = await org.api.post('/api/v1/tasks/bulk', { filter, expected: 1, set: { priority: 'low' } });
      expect(refused.status, refused.text).toBe(400);
      expect(JSON.stringify(refused.body.errors)).toContain(field);
    }
    // The open follow-ups of leads at the first stage: the old enquiry's chase and one lead's call.
    const byStage = await org.api.post('/api/v1/tasks/bulk', { filter: { leadStage: 'new' }, expected: 2, set: { priority: 'low' } });
    expect(byStage.status, byStage.text).toBe(200);
    expect(await count(org.api, 'leadStage=new&priority=low')).toBe(2);

    // The API document describes each of them on the list and the counts.
    const doc = (await ctx.anonymous.get('/api/v1/openapi.json')).body;
    for (const path of ['/api/v1/tasks', '/api/v1/tasks/counts']) {
      const names = (doc.paths[path].get.parameters as { name: string; description?: string }[]).filter((p) => p.description).map((p) => p.name);
      expect(names, path).toEqual(expect.arrayContaining(['timing', 'rule', 'closedBy', 'leadStage', 'leadPipeline']));
    }

    // Another organisation sees none of these tasks, whatever it filters by.
    const other = await ctx.signup('Other Plumbing');
    expect(await count(other.api, `rule=${ruleId}&status=all`)).toBe(0);
    expect(await count(other.api, 'status=all&createdFrom=2026-01-01T00:00:00Z')).toBe(0);
    expect(await count(other.api, 'recordType=job&status=all')).toBe(0);
    expect(await count(other.api, 'closedBy=automation&status=all')).toBe(0);
    expect(await count(other.api, 'leadStage=new&status=all')).toBe(0);
  });
});
