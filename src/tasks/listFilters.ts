// The task list's filters that select the tasks behind a report's figure: when
// a task was created, completed or due, whether it was done on time, where it
// came from, the main record it is about, how long it has waited, and what is
// due later today or this week. The reports count with the same definitions.
import { z } from 'zod';

const DAY = 86_400_000;

/** A task's primary record type: the most specific record it is linked to, first in this order (none: no record). */
export const PRIMARY_LINK_ORDER = ['job', 'lead', 'service', 'client', 'contact'] as const;
export type PrimaryLinkType = (typeof PRIMARY_LINK_ORDER)[number];

/** How long an unresolved task has waited since it was created; each bucket includes its lower bound. */
export const AGE_BUCKETS = [
  { key: 'under1d', label: '< 1 day', minMs: 0 },
  { key: 'd1to3', label: '1–3 days', minMs: DAY },
  { key: 'd3to7', label: '3–7 days', minMs: 3 * DAY },
  { key: 'd7to30', label: '7–30 days', minMs: 7 * DAY },
  { key: 'over30d', label: '> 30 days', minMs: 30 * DAY },
] as const;
export type AgeBucketKey = (typeof AGE_BUCKETS)[number]['key'];
const AGE_KEYS = AGE_BUCKETS.map((b) => b.key) as [AgeBucketKey, ...AgeBucketKey[]];

/** The created_at range of an age bucket seen at `now`: older than its lower bound (inclusive), younger than the next (exclusive). */
export function ageRange(key: AgeBucketKey, now: number): { createdAtMost: number; createdAfter: number | null } {
  const index = AGE_BUCKETS.findIndex((b) => b.key === key);
  const next = AGE_BUCKETS[index + 1];
  return { createdAtMost: now - AGE_BUCKETS[index]!.minMs, createdAfter: next ? now - next.minMs : null };
}

export const SOURCE_KINDS = ['manual', 'api', 'rule', 'recurrence'] as const;
export const TIMINGS = ['onTime', 'late'] as const;
export type Timing = (typeof TIMINGS)[number];
export const DUE_WITHIN = ['today', 'week'] as const;
export const CLOSED_BY = ['automation'] as const;
export type DueWithin = (typeof DUE_WITHIN)[number];

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/** A comma-separated list of age buckets. */
const ages = z.string().transform((s, ctx) => {
  const items = s.split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = items.filter((v) => !(AGE_KEYS as readonly string[]).includes(v));
  if (items.length === 0 || unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `each age must be one of ${AGE_KEYS.join(', ')}${unknown.length ? `; got ${unknown.join(', ')}` : ''}` });
    return z.NEVER;
  }
  return [...new Set(items)] as AgeBucketKey[];
});

/** The query fields, spread into the list's, the counts' and a bulk change's filter. */
export const reportListFilters = {
  createdFrom: instant.optional().describe('created at or after this instant'),
  createdTo: instant.optional().describe('created before this instant'),
  completedFrom: instant.optional().describe('completed (status done) at or after this instant'),
  completedTo: instant.optional().describe('completed before this instant'),
  dueFrom: instant.optional().describe('due at or after this instant'),
  dueTo: instant.optional().describe('due before this instant'),
  timing: z.enum(TIMINGS).optional().describe('onTime: completed at or before its due date; late: completed after it (tasks without a due date or not completed match neither)'),
  source: z.enum(SOURCE_KINDS).optional().describe('where the task came from: manual, api, rule or recurrence'),
  rule: z.string().min(1).max(100).optional().describe("the id of the automation rule that created the task"),
  recordType: z
    .enum([...PRIMARY_LINK_ORDER, 'none'])
    .optional()
    .describe('the main record the task is about: the most specific it is linked to (job, then lead, service, client, contact), or none for tasks linked to no record'),
  age: ages.optional().describe(`comma-separated: how long since the task was created, now — ${AGE_BUCKETS.map((b) => `${b.key} (${b.label})`).join(', ')}; each includes its lower bound`),
  closedBy: z.enum(CLOSED_BY).optional().describe('automation: done or cancelled now, and closed at some point by the system rather than a person (a change with no actor, or the automation\'s), as the automation report counts it'),
  leadStage: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a stage key: 1–40 lower-case letters, digits, _ or -')
    .optional()
    .describe("a stage's key: tasks linked to a lead now at this stage, as the bottlenecks report's leads by stage count them"),
  leadPipeline: z.string().min(1).max(100).optional().describe('with leadStage: the id of the pipeline the stage belongs to (stage keys repeat across pipelines)'),
  due: z.enum(DUE_WITHIN).optional().describe("today: due from now until the end of today; week: until the end of this week (Monday 00:00); in the organisation's time zone, so never overdue"),
};

/** The store's form of these filters: instants resolved against now and the organisation's calendar. */
export interface ReportListFilter {
  createdFrom?: number;
  createdTo?: number;
  completedFrom?: number;
  completedTo?: number;
  dueFrom?: number;
  dueTo?: number;
  timing?: Timing;
  source?: (typeof SOURCE_KINDS)[number];
  ruleId?: string;
  recordType?: PrimaryLinkType | 'none';
  closedBy?: (typeof CLOSED_BY)[number];
  /** Linked to a lead now at this stage (of this pipeline, when given). */
  leadStage?: { stage: string; pipelineId?: string };
  /** Any of these created_at ranges: (after, atMost]. */
  createdWithin?: { createdAtMost: number; createdAfter: number | null }[];
}
