// The reports' query strings and answers, as schemas: they validate the
// request, type the service, and describe every report in the OpenAPI document.
import { z } from 'zod';
import { LINK_TYPES, SOURCE_KINDS, STATUSES } from '../tasks/task.ts';
import { AGE_BUCKETS, DWELL_STATUSES } from './report.ts';

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

const filters = {
  team: z.string().min(1).max(100).optional().describe('only tasks owned by this team'),
  assignee: z.string().min(1).max(100).optional().describe('only tasks of this person: a user id, me, or none (unassigned)'),
  linkType: z.enum(LINK_TYPES).optional().describe('only tasks linked to a record of this type'),
  source: z.enum(SOURCE_KINDS).optional().describe('only tasks from this source: manual, api, rule or recurrence'),
  format: z.enum(['json', 'csv']).default('json').describe('csv: the same figures as a table with a header row'),
};
const window = {
  from: instant.optional().describe('start of the window (inclusive); default: 30 days before to; at most 366 days before it'),
  to: instant.optional().describe('end of the window (exclusive); default: now'),
};

export const summaryQuery = z.strictObject({ ...window, ...filters });
export const overdueQuery = z.strictObject({
  ...filters,
  limit: z.coerce.number().int().min(1).max(200).default(10).describe('how many of the oldest overdue tasks to list'),
});
export const completionQuery = z.strictObject({ ...window, ...filters });
export const workloadQuery = z.strictObject({ ...filters });
export const agingQuery = z.strictObject({ ...filters });
export const bottlenecksQuery = z.strictObject({ ...window, ...filters });
const { source: _source, ...filtersButSource } = filters;
export const automationQuery = z.strictObject({ ...window, ...filtersButSource });
export const throughputQuery = z.strictObject({
  ...window,
  ...filters,
  interval: z
    .enum(['day', 'week', 'month'])
    .optional()
    .describe('bucket size: local calendar days, weeks starting on Monday, or months; default: days for a window up to 35 days, weeks up to 183, months beyond'),
});

export type ReportFilters = {
  team?: string;
  assignee?: string;
  linkType?: (typeof LINK_TYPES)[number];
  source?: (typeof SOURCE_KINDS)[number];
};
export type WindowQuery = ReportFilters & { from?: number; to?: number };

// --- answers ------------------------------------------------------------------------

const windowView = z.object({ from: z.string(), to: z.string() });
const ms = z.number().int().nullable();
const person = { assigneeId: z.string().nullable().describe('null: unassigned'), name: z.string().nullable() };
const team = { teamId: z.string().nullable().describe('null: no team'), name: z.string().nullable() };
const header = { timezone: z.string().describe("the organisation's time zone, used for every calendar bucket"), generatedAt: z.string() };

const completionStats = z.object({
  completed: z.number().int(),
  medianMs: ms.describe('median time to complete (completedAt − createdAt)'),
  p90Ms: ms.describe('90th percentile time to complete'),
  withDueDate: z.number().int().describe('completed tasks that had a due date'),
  onTime: z.number().int().describe('of those, completed at or before the due date'),
  onTimeRate: z.number().nullable().describe('onTime / withDueDate; tasks without a due date are left out; null when none had one'),
});

export const summaryView = z
  .object({
    ...header,
    window: windowView,
    open: z.number().int().describe('tasks not done or cancelled, now'),
    overdue: z.number().int().describe('open tasks whose due date has passed, now'),
    dueToday: z.number().int().describe('open tasks due later today (org calendar), not yet overdue'),
    ...completionStats.shape,
    overdueDueInWindow: z.number().int().describe('open tasks due inside the window whose due date has passed: late, though not completed'),
    onTimeRateWithOverdue: z
      .number()
      .nullable()
      .describe('onTime / (withDueDate + overdueDueInWindow): the on-time rate that counts work still open past its due date as late; null when there is nothing to count'),
  })
  .describe('Snapshot counts are as of now; completion figures cover tasks completed inside the window. Percentiles interpolate linearly between ranks.');

const overdueItem = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string(),
  priority: z.string(),
  dueAt: z.string(),
  overdueMs: z.number().int(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
});

export const overdueView = z.object({
  ...header,
  total: z.number().int(),
  byPerson: z.array(z.object({ ...person, count: z.number().int() })),
  byTeam: z.array(z.object({ ...team, count: z.number().int() })),
  byLinkType: z.array(z.object({ linkType: z.string().describe('a record type, or none for unlinked tasks'), count: z.number().int() })).describe('each overdue task once, under its primary record type: the most specific record it is linked to (job, then lead, service, client, contact), or none; these add up to total'),
  oldest: z.array(overdueItem).describe('the tasks overdue the longest, oldest due date first'),
});

export const completionView = z
  .object({
    ...header,
    window: windowView,
    overall: completionStats,
    byPerson: z.array(z.object({ ...person, ...completionStats.shape })),
    byTeam: z.array(z.object({ ...team, ...completionStats.shape })),
    bySource: z.array(z.object({ source: z.enum(SOURCE_KINDS), ruleId: z.string().nullable(), ...completionStats.shape })).describe('manual, api, recurrence, and each rule'),
    byWeek: z.array(z.object({ week: z.string().describe('the local date of the Monday'), start: z.string(), ...completionStats.shape })),
  })
  .describe('Tasks completed (status done) inside the window. Time to complete is completedAt − createdAt; on time is completedAt ≤ dueAt, and tasks without a due date are excluded from the on-time rate.');

const load = {
  open: z.number().int(),
  overdue: z.number().int(),
  dueThisWeek: z.number().int().describe('open, due from now until the end of this week (Monday 00:00, org time)'),
  weightedLoad: z.number().describe('open tasks weighted by priority: urgent 3, high 2, normal 1, low 0.5'),
};

export const workloadView = z
  .object({
    ...header,
    weekEndsAt: z.string(),
    usualFrom: z.string().describe('start of the history the usual loads are taken from (8 weeks before today, org time)'),
    usualTo: z.string().describe('its end: the start of today'),
    people: z.array(
      z.object({
        assigneeId: z.string(),
        name: z.string().nullable(),
        ...load,
        usualLoad: z
          .number()
          .nullable()
          .describe('the median of their weighted open work at the end of each of their working days (their hours, else the business hours; not holidays or time off) from usualFrom to usualTo, counted from their first task; null: fewer than 20 such days (four working weeks) of history'),
        usualDays: z.number().int().describe('how many working days that median was taken over'),
        overloaded: z.boolean().describe('weightedLoad is more than 1.5 × usualLoad and at least 2 above it; never when usualLoad is null'),
      }),
    ),
    unassigned: z.object(load),
  })
  .describe('Every active person of the organisation (or of the team), heaviest load first.');

const ageCounts = z.object(Object.fromEntries(AGE_BUCKETS.map((b) => [b.key, z.number().int()])) as Record<(typeof AGE_BUCKETS)[number]['key'], z.ZodNumber>);

export const agingView = z
  .object({
    ...header,
    total: z.number().int(),
    buckets: z.array(z.object({ bucket: z.enum(AGE_BUCKETS.map((b) => b.key) as [string, ...string[]]), label: z.string(), count: z.number().int() })),
    byPerson: z.array(z.object({ ...person, total: z.number().int(), buckets: ageCounts })),
    byTeam: z.array(z.object({ ...team, total: z.number().int(), buckets: ageCounts })),
  })
  .describe('Unresolved tasks (not done or cancelled) by age now − createdAt: < 1 day, 1–3, 3–7, 7–30, > 30 days; each bucket includes its lower bound.');

const dwellRow = z.object({
  status: z.enum(DWELL_STATUSES),
  totalMs: z.number().int().describe('time all tasks together spent in this status inside the window'),
  entered: z.number().int().describe('times a task moved into this status inside the window'),
  stays: z.number().int().describe('stays in this status that overlap the window: tasks already in it when the window began, plus entered'),
  averageStayMs: ms.describe('totalMs / stays: how long a stay lasts inside the window'),
});

export const bottlenecksView = z
  .object({
    ...header,
    window: windowView,
    statuses: z.array(dwellRow),
    byTeam: z.array(z.object({ ...team, statuses: z.array(dwellRow) })),
    byLinkType: z.array(z.object({ linkType: z.string(), statuses: z.array(dwellRow) })).describe('narrowed to a record type (linkType), that type alone'),
    pileUps: z
      .array(z.object({ ...team, status: z.enum(STATUSES), count: z.number().int(), overdue: z.number().int(), oldestCreatedAt: z.string() }))
      .describe('where unresolved work sits now, by team and status, most overdue first'),
    leadStages: z
      .array(z.object({ pipelineId: z.string(), stage: z.string(), leads: z.number().int(), openTasks: z.number().int(), overdueTasks: z.number().int() }))
      .describe("unresolved tasks linked to leads, by each lead's current stage (e.g. quoted leads with overdue follow-ups), each task once per stage however many of its leads are there, most overdue first; every lead with open work counts"),
  })
  .describe('Exact time in each status from the status history, clipped to the window (which never runs past now), per team (the task\'s current team) and per linked record type (a task linked to several types counts in each).');

const ruleRow = z.object({
  ruleId: z.string(),
  name: z.string().nullable().describe('null when the rule has since been deleted'),
  enabled: z.boolean().nullable(),
  created: z.number().int(),
  open: z.number().int(),
  completed: z.number().int(),
  cancelled: z.number().int(),
  autoClosed: z.number().int().describe('closed (done or cancelled) by the system rather than a person'),
  completionRate: z.number().nullable(),
  autoCloseRate: z.number().nullable(),
  withDueDate: z.number().int(),
  onTime: z.number().int(),
  onTimeRate: z.number().nullable(),
  alwaysLate: z.boolean().describe('every completed task of this rule with a due date was late'),
  silent: z.boolean().describe('an enabled rule with a create_task action that created no task inside the window'),
  evaluated: z.number().int().describe('events of its trigger type checked against it, since it was created'),
  matched: z.number().int().describe('of those, events that met its conditions'),
  missed: z.number().int().describe('of those, events that did not (no run logged)'),
  fired: z.number().int().describe('runs logged inside the window whose conditions held: succeeded, duplicate, scheduled, failed or stopped'),
  succeeded: z.number().int(),
  duplicates: z.number().int().describe('runs that found the task already open and created nothing'),
  failed: z.number().int(),
  neverFired: z.boolean().describe('an enabled rule no event has met the conditions of'),
  alwaysMisses: z.boolean().describe('events came, and every one of them missed its conditions'),
});

export const automationView = z
  .object({
    ...header,
    window: windowView,
    bySource: z.array(z.object({ source: z.enum(SOURCE_KINDS), created: z.number().int(), completed: z.number().int() })),
    rules: z.array(ruleRow),
    notes: z.array(z.string()),
  })
  .describe('Every rule, with the tasks it created inside the window (source.ruleId): how many were completed, closed by automation, and on time.');

export const throughputView = z
  .object({
    ...header,
    window: windowView,
    interval: z.enum(['day', 'week', 'month']).describe('the bucket size used: the one asked for, or the default for the window'),
    buckets: z.array(
      z.object({
        label: z.string().describe('the local date the bucket starts on'),
        start: z.string(),
        end: z.string(),
        created: z.number().int(),
        completed: z.number().int(),
        net: z.number().int().describe('created − completed: above zero, the backlog grew'),
        cumulativeNet: z.number().int(),
      }),
    ),
    totals: z.object({ created: z.number().int(), completed: z.number().int(), net: z.number().int() }),
  })
  .describe('Tasks created and completed per local calendar day or week (the edge buckets are clipped to the window).');

export type SummaryView = z.infer<typeof summaryView>;
export type OverdueView = z.infer<typeof overdueView>;
export type CompletionView = z.infer<typeof completionView>;
export type WorkloadView = z.infer<typeof workloadView>;
export type AgingView = z.infer<typeof agingView>;
export type BottlenecksView = z.infer<typeof bottlenecksView>;
export type AutomationView = z.infer<typeof automationView>;
export type ThroughputView = z.infer<typeof throughputView>;
