// The status-flow rollup the bottlenecks report reads (report_status_flows):
// after creates, status changes, a team change, a change of linked record
// types and a deletion — across the spring DST change — it equals the rollup
// rebuilt from the history, and the report's figures equal the ones worked
// out here, task by task, from the history itself.
import { beforeAll, expect, it } from 'vitest';
import { fillReportRollups } from '../../src/platform/db/migrations.ts';
import { DWELL_STATUSES } from '../../src/reports/report.ts';
import { type Client } from '../support/http.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';

const NOW = '2026-03-31T06:00:00Z';

interface Dwell {
  status: string;
  totalMs: number;
  entered: number;
  stays: number;
  averageStayMs: number | null;
}

forEachDatabase('reports: the status-flow rollup', (ctx) => {
  let org: Org;
  let teams: { t1: string; t2: string };

  const db = () => ctx.server.deps.db;
  const at = async (instant: string, change: (api: Client) => Promise<unknown>) => {
    ctx.clock.set(instant);
    await change(org.api);
  };
  const patch = async (api: Client, key: string, body: Record<string, unknown>) => {
    const res = await api.patch(`/api/v1/tasks/${key}`, body);
    expect(res.status, res.text).toBe(200);
  };

  beforeAll(async () => {
    // Europe/London: GMT until 2026-03-29 01:00 UTC, then BST; that Sunday is 23 hours long.
    ctx.clock.set('2026-03-27T09:00:00Z');
    org = await ctx.signup('Rollup Plumbing');
    teams = {
      t1: (await org.api.post('/api/v1/teams', { name: 'Office', memberIds: [] })).body.id,
      t2: (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [] })).body.id,
    };
    const lead1 = (await ctx.createRecord(org.api, 'leads')).id;
    const lead2 = (await ctx.createRecord(org.api, 'leads')).id;
    const job = (await ctx.createRecord(org.api, 'jobs')).id;
    const job2 = (await ctx.createRecord(org.api, 'jobs')).id;
    const keys: Record<string, string> = {};
    const create = (name: string, body: Record<string, unknown>) => async (api: Client) => {
      keys[name] = (await ctx.createTask(api, { title: name, ...body })).key;
    };
    // X is linked to two leads: it counts once for "lead".
    await at('2026-03-27T10:00:00Z', create('X', { teamId: teams.t1, links: [{ type: 'lead', id: lead1 }, { type: 'lead', id: lead2 }] }));
    await at('2026-03-27T15:00:00Z', create('Y', { teamId: teams.t2, links: [{ type: 'job', id: job }] }));
    await at('2026-03-27T20:00:00Z', create('Z', {}));
    await at('2026-03-28T08:00:00Z', create('R', { teamId: teams.t2, dueAt: '2026-03-28T17:00:00Z', recurrence: 'FREQ=DAILY' }));
    await at('2026-03-28T09:00:00Z', (api) => patch(api, keys.X!, { status: 'in_progress' }));
    // V is linked to two jobs: it counts once for "job".
    await at('2026-03-28T12:00:00Z', create('V', { teamId: teams.t1, links: [{ type: 'job', id: job }, { type: 'job', id: job2 }] }));
    await at('2026-03-29T05:00:00Z', (api) => patch(api, keys.V!, { status: 'in_progress' }));
    await at('2026-03-28T23:30:00Z', (api) => patch(api, keys.Y!, { status: 'waiting', waitingOn: 'Customer' }));
    await at('2026-03-29T00:30:00Z', (api) => patch(api, keys.X!, { status: 'blocked', blockedReason: 'Parts' }));
    await at('2026-03-29T12:00:00Z', (api) => patch(api, keys.Z!, { status: 'done' }));
    // Completing R makes its next occurrence, a task whose source is recurrence.
    await at('2026-03-29T14:00:00Z', (api) => patch(api, keys.R!, { status: 'done' }));
    // Y moves team and X's linked record types change: their whole history moves with them.
    await at('2026-03-29T22:30:00Z', (api) => patch(api, keys.Y!, { teamId: teams.t1 }));
    await at('2026-03-30T01:00:00Z', (api) => patch(api, keys.X!, { links: [{ type: 'job', id: job }] }));
    await at('2026-03-30T08:00:00Z', (api) => patch(api, keys.Y!, { status: 'open' }));
    await at('2026-03-30T09:00:00Z', create('W', { teamId: teams.t2 }));
    await at('2026-03-30T10:00:00Z', (api) => patch(api, keys.W!, { status: 'done' }));
    await at('2026-03-30T11:00:00Z', async (api) => expect((await api.delete(`/api/v1/tasks/${keys.W}`)).status).toBe(204));
    await at('2026-03-30T12:00:00Z', (api) => patch(api, keys.X!, { status: 'in_progress' }));
    ctx.clock.set(NOW);
  });

  /** The rollup's rows of the organisation, zero rows left out, in one order. */
  async function rollupRows() {
    const rows = await db().selectFrom('report_status_flows').selectAll().where('org_id', '=', org.id).execute();
    return rows
      .map((r) => ({ ...r, day: Number(r.day), changes: Number(r.changes), offset_ms: Number(r.offset_ms) }))
      .filter((r) => r.changes !== 0)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }

  /** Every figure of the report, worked out from each task's status history and its team and links now. */
  async function fromHistory(from: number, to: number, now: number) {
    const tasks = await db().selectFrom('tasks').select(['id', 'team_id', 'assignee_id', 'source_kind', 'links']).where('org_id', '=', org.id).execute();
    const history = await db()
      .selectFrom('task_history')
      .select(['task_id', 'at', 'to_value'])
      .where('org_id', '=', org.id)
      .where('field', '=', 'status')
      .orderBy('at')
      .orderBy('id')
      .execute();
    const walked = { from: Math.min(from, now), to: Math.min(to, now) };
    const groups = new Map<string, Map<string, { totalMs: number; entered: number; atStart: number }>>();
    const add = (group: string, status: string, figures: { totalMs: number; entered: number; atStart: number }) => {
      if (!groups.has(group)) groups.set(group, new Map(DWELL_STATUSES.map((s) => [s, { totalMs: 0, entered: 0, atStart: 0 }])));
      const entry = groups.get(group)!.get(status);
      if (!entry) return;
      entry.totalMs += figures.totalMs;
      entry.entered += figures.entered;
      entry.atStart += figures.atStart;
    };
    for (const task of tasks) {
      const changes = history.filter((h) => h.task_id === task.id).map((h) => ({ at: Number(h.at), to: h.to_value! }));
      const linkTypes = [...new Set((JSON.parse(task.links) as { type: string }[]).map((l) => l.type))];
      const keys = [
        'all',
        `team:${task.team_id ?? ''}`,
        `person:${task.assignee_id ?? ''}`,
        `person:${task.assignee_id ?? ''}|team:${task.team_id ?? ''}`,
        `source:${task.source_kind}`,
        `source:${task.source_kind}|team:${task.team_id ?? ''}`,
        ...linkTypes.flatMap((t) => [`link:${t}`, `link:${t}|team:${task.team_id ?? ''}`]),
      ];
      changes.forEach((change, i) => {
        const end = changes[i + 1]?.at ?? Infinity;
        const totalMs = Math.max(0, Math.min(end, walked.to) - Math.max(change.at, walked.from));
        const entered = change.at >= walked.from && change.at < walked.to ? 1 : 0;
        const atStart = change.at < walked.from && end >= walked.from ? 1 : 0;
        for (const key of keys) add(key, change.to, { totalMs, entered, atStart });
      });
    }
    const view = (figures: Map<string, { totalMs: number; entered: number; atStart: number }>): Dwell[] =>
      DWELL_STATUSES.map((status) => {
        const f = figures.get(status)!;
        const stays = f.atStart + f.entered;
        return { status, totalMs: f.totalMs, entered: f.entered, stays, averageStayMs: stays > 0 ? Math.round(f.totalMs / stays) : null };
      });
    return new Map([...groups].map(([key, figures]) => [key, view(figures)]));
  }

  const busy = (statuses: Dwell[]) => statuses.some((s) => s.totalMs !== 0 || s.entered !== 0 || s.stays !== 0);

  /** The report's figures in the same shape: every group with something in it. */
  function keyed(report: any): Map<string, Dwell[]> {
    const entries: [string, Dwell[]][] = [
      ['all', report.statuses],
      ...report.byTeam.map((t: any) => [`team:${t.teamId ?? ''}`, t.statuses] as [string, Dwell[]]),
      ...report.byLinkType.map((l: any) => [`link:${l.linkType}`, l.statuses] as [string, Dwell[]]),
    ];
    return new Map(entries.filter(([key, statuses]) => key === 'all' || busy(statuses)).sort(([a], [b]) => a.localeCompare(b)));
  }

  it('keeps the rollup equal to the one rebuilt from the history, after team, link and status changes and a deletion', async () => {
    const kept = await rollupRows();
    expect(kept.length).toBeGreaterThan(0);
    // X's changes moved from Office/lead to Office/job.
    expect(kept.filter((r) => r.link_type === 'lead')).toEqual([]);
    // Field keeps only R's changes and its next occurrence's (source recurrence); Y's and the deleted W's are gone.
    expect(kept.filter((r) => r.team_key === teams.t2).map((r) => [r.source_key, r.from_status, r.to_status, r.changes])).toEqual([
      ['manual', '', 'open', 1],
      ['manual', 'open', 'done', 1],
      ['recurrence', '', 'open', 1],
    ]);
    await fillReportRollups(db(), org.id);
    expect(await rollupRows()).toEqual(kept);
  });

  for (const [name, from, to] of [
    ['whole UTC days', '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z'],
    ['local days across the DST change (midnight GMT to midnight BST)', '2026-03-29T00:00:00Z', '2026-03-30T23:00:00Z'],
    ['part of one day', '2026-03-29T06:15:00Z', '2026-03-29T18:45:00Z'],
    ['a window that ends after now', '2026-03-30T00:00:00Z', '2026-04-02T00:00:00Z'],
    ['a window of days before the changes began', '2026-03-25T00:00:00Z', '2026-03-27T12:00:00Z'],
  ] as const) {
    it(`gives the status dwell worked out from the history: ${name}`, async () => {
      const res = await org.api.get(`/api/v1/reports/bottlenecks?from=${from}&to=${to}`);
      expect(res.status, res.text).toBe(200);
      const expected = await fromHistory(Date.parse(from), Date.parse(to), Date.parse(NOW));
      const wholeReport = ([key]: [string, Dwell[]]) => !key.includes('|') && !key.startsWith('person:') && !key.startsWith('source:');
      expect(keyed(res.body)).toEqual(new Map([...expected].filter(wholeReport).filter(([key, statuses]) => key === 'all' || busy(statuses)).sort(([a], [b]) => a.localeCompare(b))));
    });
  }

  it('gives one team the same figures as the whole report gives it', async () => {
    const window = 'from=2026-03-29T00:00:00Z&to=2026-03-30T23:00:00Z';
    const all = (await org.api.get(`/api/v1/reports/bottlenecks?${window}`)).body;
    const office = (await org.api.get(`/api/v1/reports/bottlenecks?${window}&team=${teams.t1}`)).body;
    expect(office.statuses).toEqual(all.byTeam.find((t: any) => t.teamId === teams.t1).statuses);
  });

  for (const [name, from, to] of [
    ['whole UTC days', '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'],
    ['local days across the DST change', '2026-03-28T00:00:00Z', '2026-03-30T23:00:00Z'],
  ] as const) {
    it(`narrowed to a record type or a source (from the rollup) or a person (from the history), gives the figures worked out from the history: ${name}`, async () => {
      const expected = await fromHistory(Date.parse(from), Date.parse(to), Date.parse(NOW));
      const tasks = await db().selectFrom('tasks').select(['team_id', 'assignee_id']).where('org_id', '=', org.id).execute();
      const teamsOf = (prefix: string) => [...expected.keys()].filter((k) => k.startsWith(`${prefix}|team:`));
      for (const type of ['job', 'lead'] as const) {
        const res = await org.api.get(`/api/v1/reports/bottlenecks?from=${from}&to=${to}&linkType=${type}`);
        expect(res.status, res.text).toBe(200);
        const none = expected.get('all')!.map((d) => ({ ...d, totalMs: 0, entered: 0, stays: 0, averageStayMs: null }));
        expect(res.body.statuses).toEqual(expected.get(`link:${type}`) ?? none);
        expect(res.body.byLinkType.filter((l: any) => busy(l.statuses))).toEqual(expected.has(`link:${type}`) ? [{ linkType: type, statuses: expected.get(`link:${type}`) }] : []);
        const byTeam = new Map(res.body.byTeam.filter((t: any) => busy(t.statuses)).map((t: any) => [`link:${type}|team:${t.teamId ?? ''}`, t.statuses]));
        expect(byTeam).toEqual(new Map(teamsOf(`link:${type}`).filter((k) => busy(expected.get(k)!)).map((k) => [k, expected.get(k)])));
      }
      expect(expected.has('source:recurrence')).toBe(true);
      for (const source of ['manual', 'recurrence', 'rule'] as const) {
        const res = await org.api.get(`/api/v1/reports/bottlenecks?from=${from}&to=${to}&source=${source}`);
        expect(res.status, res.text).toBe(200);
        const none = expected.get('all')!.map((d) => ({ ...d, totalMs: 0, entered: 0, stays: 0, averageStayMs: null }));
        expect(res.body.statuses).toEqual(expected.get(`source:${source}`) ?? none);
        const byTeam = new Map(res.body.byTeam.filter((t: any) => busy(t.statuses)).map((t: any) => [`source:${source}|team:${t.teamId ?? ''}`, t.statuses]));
        expect(byTeam).toEqual(new Map(teamsOf(`source:${source}`).filter((k) => busy(expected.get(k)!)).map((k) => [k, expected.get(k)])));
      }
      for (const person of new Set(tasks.map((t) => t.assignee_id).filter((a): a is string => a !== null))) {
        const res = await org.api.get(`/api/v1/reports/bottlenecks?from=${from}&to=${to}&assignee=${person}`);
        expect(res.status, res.text).toBe(200);
        expect(res.body.statuses).toEqual(expected.get(`person:${person}`));
        const byTeam = new Map(res.body.byTeam.filter((t: any) => busy(t.statuses)).map((t: any) => [`person:${person}|team:${t.teamId ?? ''}`, t.statuses]));
        expect(byTeam).toEqual(new Map(teamsOf(`person:${person}`).filter((k) => busy(expected.get(k)!)).map((k) => [k, expected.get(k)])));
      }
    });
  }

  it('answers zeros for an empty window: nothing had happened yet, or nothing after now', async () => {
    for (const window of ['from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', 'from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z']) {
      const res = await org.api.get(`/api/v1/reports/bottlenecks?${window}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.statuses.every((s: Dwell) => s.totalMs === 0 && s.entered === 0 && s.stays === 0 && s.averageStayMs === null)).toBe(true);
      expect(res.body.byTeam.every((t: any) => !busy(t.statuses))).toBe(true);
    }
  });

  it('documents text/csv beside JSON for every report in the OpenAPI document', async () => {
    const doc = (await ctx.anonymous.get('/api/v1/openapi.json')).body;
    const reports = Object.keys(doc.paths).filter((path) => path.startsWith('/api/v1/reports/'));
    expect(reports.length).toBeGreaterThanOrEqual(8);
    for (const path of reports) {
      const content = doc.paths[path].get.responses['200'].content;
      expect(Object.keys(content).sort(), path).toEqual(['application/json', 'text/csv']);
      expect(content['text/csv'].schema.type, path).toBe('string');
      expect(content['application/json'].schema.type, path).toBe('object');
    }
  });
});
