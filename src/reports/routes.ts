// HTTP routes for the reports: JSON by default, ?format=csv for a spreadsheet.
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { csvCast } from '../platform/csv.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { problems } from '../platform/http/schemas.ts';
import { AGE_BUCKETS } from './report.ts';
import * as bottlenecks from './bottlenecks.ts';
import * as progress from './progress.ts';
import * as rules from './rules.ts';
import * as workload from './workload.ts';
import {
  type AgingView,
  agingQuery,
  agingView,
  type AutomationView,
  automationQuery,
  automationView,
  type BottlenecksView,
  bottlenecksQuery,
  bottlenecksView,
  type CompletionView,
  completionQuery,
  completionView,
  type OverdueView,
  overdueQuery,
  overdueView,
  type SummaryView,
  summaryQuery,
  summaryView,
  type ThroughputView,
  throughputQuery,
  throughputView,
  type WorkloadView,
  workloadQuery,
  workloadView,
} from './views.ts';

type Cell = string | number | boolean | null;
type Table = { columns: string[]; rows: Cell[][] };

const csvTable = z.string().describe('?format=csv: one table, comma-separated, with a header row (UTF-8, sent as an attachment)');

const CSV_NOTE = ' With ?format=csv, the same figures as one table (text/csv, header row).';

export function reportRoutes(app: FastifyInstance, deps: Deps): void {
  const r = typed(app);
  const schema = <Q extends z.ZodType, V extends z.ZodType>(summary: string, querystring: Q, view: V) => ({
    tags: ['reports'],
    summary,
    description: `${summary}. Managers and above.${CSV_NOTE}`,
    querystring,
    response: {
      200: {
        description: 'The report; with ?format=csv, the same figures as one table',
        content: {
          'application/json': { schema: view },
          'text/csv': { schema: csvTable },
        },
      },
      ...problems(403, 404),
    },
  });

  r.get('/api/v1/reports/summary', { schema: schema('Open, overdue and due-today work now; completions, on-time rate, median and p90 time to complete in the window', summaryQuery, summaryView) },
    async (request, reply) => answer(reply, request.query.format, 'summary', await progress.summaryReport(deps, callerOf(request), request.query), summaryTable));

  r.get('/api/v1/reports/overdue', { schema: schema('Overdue work by person, team and linked record type, with the oldest items', overdueQuery, overdueView) },
    async (request, reply) => answer(reply, request.query.format, 'overdue', await workload.overdueReport(deps, callerOf(request), request.query), overdueTable));

  r.get('/api/v1/reports/completion', { schema: schema('Time to complete (median, p90) and on-time rate by person, team, source and week', completionQuery, completionView) },
    async (request, reply) => answer(reply, request.query.format, 'completion', await progress.completionReport(deps, callerOf(request), request.query), completionTable));

  r.get('/api/v1/reports/workload', { schema: schema('Open, overdue and due-this-week work per person, weighted by priority, against their usual load', workloadQuery, workloadView) },
    async (request, reply) => answer(reply, request.query.format, 'workload', await workload.workloadReport(deps, callerOf(request), request.query), workloadTable));

  r.get('/api/v1/reports/aging', { schema: schema('Unresolved tasks by age', agingQuery, agingView) },
    async (request, reply) => answer(reply, request.query.format, 'aging', await workload.agingReport(deps, callerOf(request), request.query), agingTable));

  r.get('/api/v1/reports/bottlenecks', { schema: schema('Time spent in each status, per team and linked record type, and where unresolved work piles up', bottlenecksQuery, bottlenecksView) },
    async (request, reply) => answer(reply, request.query.format, 'bottlenecks', await bottlenecks.bottlenecksReport(deps, callerOf(request), request.query), bottlenecksTable));

  r.get('/api/v1/reports/automation', { schema: schema('Tasks created per rule, with their completion, auto-close and on-time rates', automationQuery, automationView) },
    async (request, reply) => answer(reply, request.query.format, 'automation', await rules.automationReport(deps, callerOf(request), request.query), automationTable));

  r.get('/api/v1/reports/throughput', { schema: schema('Tasks created against tasks completed per day or week: is the backlog growing?', throughputQuery, throughputView) },
    async (request, reply) => answer(reply, request.query.format, 'throughput', await progress.throughputReport(deps, callerOf(request), request.query), throughputTable));
}

function answer<V>(reply: FastifyReply, format: 'json' | 'csv', name: string, view: V, toTable: (view: V) => Table) {
  if (format === 'json') return view;
  const { columns, rows } = toTable(view);
  const csv = stringify(rows, { header: true, columns, cast: { ...csvCast, boolean: (b) => (b ? 'true' : 'false') } });
  return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`).serializer((payload: unknown) => payload as string).send(csv);
}

// --- each report as one table --------------------------------------------------------------

const STATS = ['completed', 'medianMs', 'p90Ms', 'withDueDate', 'onTime', 'onTimeRate'] as const;
type Stats = Record<(typeof STATS)[number], number | null>;
const statCells = (s: Stats) => STATS.map((k) => s[k]);

function summaryTable(v: SummaryView): Table {
  return {
    columns: ['from', 'to', 'open', 'overdue', 'dueToday', ...STATS, 'overdueDueInWindow', 'onTimeRateWithOverdue'],
    rows: [[v.window.from, v.window.to, v.open, v.overdue, v.dueToday, ...statCells(v), v.overdueDueInWindow, v.onTimeRateWithOverdue]],
  };
}

function overdueTable(v: OverdueView): Table {
  const group = (section: string, id: string | null, name: string | null, count: number): Cell[] => [section, id, name, count, null, null, null, null, null, null, null, null, null];
  return {
    columns: ['section', 'id', 'name', 'count', 'key', 'title', 'priority', 'dueAt', 'overdueMs', 'assignee', 'team', 'assigneeId', 'teamId'],
    rows: [
      ...v.byPerson.map((p) => group('person', p.assigneeId, p.name, p.count)),
      ...v.byTeam.map((t) => group('team', t.teamId, t.name, t.count)),
      ...v.byLinkType.map((l) => group('linkType', l.linkType, null, l.count)),
      ...v.oldest.map((t) => ['oldest', t.id, null, null, t.key, t.title, t.priority, t.dueAt, t.overdueMs, t.assigneeName, t.teamName, t.assigneeId, t.teamId]),
    ],
  };
}

function completionTable(v: CompletionView): Table {
  return {
    columns: ['section', 'id', 'name', ...STATS],
    rows: [
      ['overall', null, null, ...statCells(v.overall)],
      ...v.byPerson.map((p) => ['person', p.assigneeId, p.name, ...statCells(p)]),
      ...v.byTeam.map((t) => ['team', t.teamId, t.name, ...statCells(t)]),
      ...v.bySource.map((s) => ['source', s.ruleId ?? s.source, s.source, ...statCells(s)]),
      ...v.byWeek.map((w) => ['week', w.week, w.start, ...statCells(w)]),
    ],
  };
}

function workloadTable(v: WorkloadView): Table {
  return {
    columns: ['assigneeId', 'name', 'open', 'overdue', 'dueThisWeek', 'weightedLoad', 'usualLoad', 'usualDays', 'overloaded'],
    rows: [
      ...v.people.map((p) => [p.assigneeId, p.name, p.open, p.overdue, p.dueThisWeek, p.weightedLoad, p.usualLoad, p.usualDays, p.overloaded]),
      [null, 'unassigned', v.unassigned.open, v.unassigned.overdue, v.unassigned.dueThisWeek, v.unassigned.weightedLoad, null, null, null],
    ],
  };
}

function agingTable(v: AgingView): Table {
  const keys = AGE_BUCKETS.map((b) => b.key);
  const overall = Object.fromEntries(v.buckets.map((b) => [b.bucket, b.count]));
  return {
    columns: ['section', 'id', 'name', 'total', ...keys],
    rows: [
      ['overall', null, null, v.total, ...keys.map((k) => overall[k] ?? 0)],
      ...v.byPerson.map((p) => ['person', p.assigneeId, p.name, p.total, ...keys.map((k) => p.buckets[k])]),
      ...v.byTeam.map((t) => ['team', t.teamId, t.name, t.total, ...keys.map((k) => t.buckets[k])]),
    ],
  };
}

function bottlenecksTable(v: BottlenecksView): Table {
  type Row = BottlenecksView['statuses'][number];
  const dwell = (section: string, id: string | null, name: string | null, s: Row): Cell[] => [section, id, name, s.status, s.totalMs, s.entered, s.stays, s.averageStayMs, null, null, null];
  return {
    columns: ['section', 'id', 'name', 'status', 'totalMs', 'entered', 'stays', 'averageStayMs', 'count', 'overdue', 'leads'],
    rows: [
      ...v.statuses.map((s) => dwell('all', null, null, s)),
      ...v.byTeam.flatMap((t) => t.statuses.map((s) => dwell('team', t.teamId, t.name, s))),
      ...v.byLinkType.flatMap((l) => l.statuses.map((s) => dwell('linkType', l.linkType, null, s))),
      ...v.pileUps.map((p) => ['pileUp', p.teamId, p.name, p.status, null, null, null, null, p.count, p.overdue, null]),
      ...v.leadStages.map((l) => ['leadStage', l.pipelineId, l.stage, null, null, null, null, null, l.openTasks, l.overdueTasks, l.leads]),
    ],
  };
}

function automationTable(v: AutomationView): Table {
  const columns = ['ruleId', 'name', 'enabled', 'evaluated', 'matched', 'missed', 'fired', 'succeeded', 'duplicates', 'failed', 'created', 'open', 'completed', 'cancelled', 'autoClosed', 'completionRate', 'autoCloseRate', 'withDueDate', 'onTime', 'onTimeRate', 'alwaysLate', 'silent', 'neverFired', 'alwaysMisses'] as const;
  return { columns: [...columns], rows: v.rules.map((rule) => columns.map((c) => rule[c])) };
}

function throughputTable(v: ThroughputView): Table {
  const columns = ['label', 'start', 'end', 'created', 'completed', 'net', 'cumulativeNet'] as const;
  return { columns: [...columns], rows: v.buckets.map((b) => columns.map((c) => b[c])) };
}
