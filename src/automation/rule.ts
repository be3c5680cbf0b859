// The automation rule: its schema (what the API takes) and the pure decisions
// the engine makes — does an event match, what does a template render to, who
// gets the task, how deep may a chain go.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { eventType } from '../events.ts';
import { PRIORITIES, type Priority } from '../tasks/task.ts';
import type { WeeklyHours } from '../people/person.ts';
import { isOpenAt, isValidDuration } from './businessHours.ts';

// The rule builder lists the built-in events from here.
export { KNOWN_EVENTS } from '../events.ts';

export const OPERATORS = ['eq', 'neq', 'in', 'gt', 'lt', 'exists'] as const;
export const STRATEGIES = ['user', 'record_owner', 'round_robin', 'least_loaded'] as const;
export const ACTION_TYPES = ['create_task', 'assign', 'set_priority', 'escalate', 'close_tasks', 'update_record', 'notify', 'webhook'] as const;
export const RECORD_KINDS = ['contact', 'client', 'lead', 'job', 'service'] as const;
/** A chain of automated events deeper than this is a cycle (or close enough): it is stopped and logged. */
export const MAX_CHAIN_DEPTH = 8;

const id = z.string().min(1).max(100);

const fieldPath = z
  .string()
  .max(200)
  .regex(/^(data|record)(\.[A-Za-z_][A-Za-z0-9_]*)+$/, 'must be a path into data.* or record.*, e.g. data.toStage or record.source');

const isoDuration = z
  .string()
  .max(40)
  .refine((s) => /^P/.test(s) && isValidDuration(s), 'must be an ISO-8601 duration, e.g. PT2H or P1D');

const scalar = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

export const condition = z
  .strictObject({
    field: fieldPath,
    op: z.enum(OPERATORS, { error: (issue) => `unknown operator "${String(issue.input)}": use one of ${OPERATORS.join(', ')}` }),
    value: z.union([scalar, z.array(scalar).max(100)]).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.op === 'in' && !Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be a list for the in operator' });
    if (c.op !== 'in' && Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: `must not be a list for the ${c.op} operator` });
    if (c.op === 'exists' && c.value !== undefined && typeof c.value !== 'boolean') ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be true or false for exists' });
    if (c.op !== 'exists' && c.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'is required' });
  });
export type Condition = z.infer<typeof condition>;

const strategyError = { error: (issue: { input?: unknown }) => `unknown strategy "${String((issue.input as { strategy?: unknown })?.strategy ?? issue.input)}": use one of ${STRATEGIES.join(', ')}` };
export const assignSpec = z.discriminatedUnion(
  'strategy',
  [
    z.strictObject({ strategy: z.literal('user'), userId: id }),
    z.strictObject({ strategy: z.literal('record_owner') }),
    z.strictObject({ strategy: z.literal('round_robin'), teamId: id }),
    z.strictObject({ strategy: z.literal('least_loaded'), teamId: id }),
  ],
  strategyError,
);
export type AssignSpec = z.infer<typeof assignSpec>;

const template = (max: number) => z.string().max(max);
const priority = z.enum(PRIORITIES);
const stepName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1–40 lower-case letters, digits, _ or -');

const createTask = z.strictObject({
  type: z.literal('create_task'),
  /** Names this step so later steps of the same rule can depend on it. */
  step: stepName.optional(),
  title: template(200).min(1),
  description: template(20_000).default(''),
  priority: priority.default('normal'),
  due: isoDuration.optional(),
  businessHours: z.boolean().default(false),
  checklist: z
    .array(z.union([z.string().trim().min(1).max(500), z.strictObject({ text: z.string().trim().min(1).max(500), photoRequired: z.boolean().default(false) })]))
    .max(100)
    .default([])
    .describe('items as text, or { text, photoRequired: true } for an item that cannot be ticked until a photo is attached to it'),
  assign: assignSpec.optional(),
  teamId: id.optional(),
  /** Steps of this rule the task waits for: it is created blocked and opens when they are done; its due offset counts from theirs. */
  blockedBy: z.array(stepName).max(10).default([]),
  /** One open task per (rule, record) unless this is true. */
  allowDuplicates: z.boolean().default(false),
  /** When this event arrives for the same record, the task is no longer needed and closes itself. */
  resolveWhen: z.strictObject({ event: eventType, where: z.array(condition).max(20).default([]) }).optional(),
});

const assign = z.strictObject({ type: z.literal('assign'), assign: assignSpec });
const setPriority = z.strictObject({ type: z.literal('set_priority'), priority });
const escalate = z.strictObject({
  type: z.literal('escalate'),
  to: z.union([z.literal('team_manager'), z.strictObject({ userId: id })]).default('team_manager'),
  raisePriority: z.boolean().default(true),
  notify: z.boolean().default(true),
});
const closeTasks = z.strictObject({
  type: z.literal('close_tasks'),
  status: z.enum(['done', 'cancelled']).default('cancelled'),
  /** Only tasks some of these rules created; every open task of the record otherwise. */
  fromRules: z.array(id).max(50).optional(),
  reason: z.string().max(500).optional(),
});
const updateRecord = z.strictObject({
  type: z.literal('update_record'),
  record: z.enum(RECORD_KINDS),
  set: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'must be a field name'), z.union([scalar, z.array(z.string())])).refine((s) => Object.keys(s).length > 0, 'must set at least one field'),
});
const notify = z.strictObject({
  type: z.literal('notify'),
  to: z.union([z.literal('assignee'), z.literal('record_owner'), z.literal('team_manager'), z.strictObject({ userId: id }), z.strictObject({ teamId: id })]),
  message: template(2000).min(1),
});

/** Sends the event to one of the organisation's webhooks (its URL and secret stay in the subscription). */
const webhook = z.strictObject({ type: z.literal('webhook'), webhookId: id });

export const action = z.discriminatedUnion('type', [createTask, assign, setPriority, escalate, closeTasks, updateRecord, notify, webhook], {
  error: (issue) => `unknown action "${String((issue.input as { type?: unknown })?.type ?? issue.input)}": use one of ${ACTION_TYPES.join(', ')}`,
});
export type Action = z.infer<typeof action>;
export type CreateTaskAction = z.infer<typeof createTask>;

export const trigger = z.strictObject({
  event: eventType,
  where: z.array(condition).max(20).default([]),
  delay: isoDuration.default('PT0S'),
});

const actions = z
  .array(action)
  .min(1)
  .max(20)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      if (a.type !== 'create_task') return;
      a.blockedBy.forEach((step, j) => {
        if (!seen.has(step)) ctx.addIssue({ code: 'custom', path: [i, 'blockedBy', j], message: `no earlier create_task step named "${step}"` });
      });
      if (a.step) {
        if (seen.has(a.step)) ctx.addIssue({ code: 'custom', path: [i, 'step'], message: `step "${a.step}" is named twice` });
        seen.add(a.step);
      }
    });
  });

export const ruleBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  trigger,
  actions,
});
export type RuleInput = z.infer<typeof ruleBody>;

export const updateRuleBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().optional(),
  trigger: trigger.optional(),
  actions: actions.optional(),
});
export type UpdateRuleInput = z.infer<typeof updateRuleBody>;

export interface RuleDefinition {
  trigger: z.infer<typeof trigger>;
  actions: Action[];
}

export interface Rule extends RuleDefinition {
  id: string;
  orgId: string;
  name: string;
  enabled: boolean;
  playbook: string | null;
}

export const ruleView = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  trigger: z.object({ event: z.string(), where: z.array(z.object({ field: z.string(), op: z.string(), value: z.unknown().optional() })), delay: z.string() }),
  actions: z.array(z.record(z.string(), z.unknown())),
  playbook: z.string().nullable(),
  createdById: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  stats: z
    .object({
      evaluated: z.number().int().describe('events of its trigger type it was checked against'),
      matched: z.number().int().describe('of those, how many met its conditions (each one a logged run)'),
      missed: z.number().int().describe('how many did not (no run logged)'),
      lastEvaluatedAt: z.string().nullable(),
      lastFiredAt: z.string().nullable().describe('the last time an event met its conditions'),
    })
    .describe('counted since the rule was created, updated once per worker batch'),
});
export type RuleView = z.infer<typeof ruleView>;

export const RUN_OUTCOMES = ['success', 'skipped', 'duplicate', 'scheduled', 'failed', 'stopped'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const runView = z.object({
  id: z.string(),
  ruleId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  depth: z.number(),
  outcome: z.enum(RUN_OUTCOMES),
  at: z.string(),
  durationMs: z.number(),
  createdTaskIds: z.array(z.string()),
  changedTaskIds: z.array(z.string()),
  error: z.string().nullable(),
  detail: z.string().nullable(),
});

// --- matching -------------------------------------------------------------

/** What conditions and templates see: the event's data, its subject's current fields, the event itself. */
export interface Scope {
  data: Record<string, unknown>;
  record: Record<string, unknown> | null;
  event: { id: string; type: string; subject: { type: string; id: string }; occurredAt: string };
}

export function valueAt(scope: Scope, path: string): unknown {
  let value: unknown = scope;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

export function conditionHolds(c: Condition, scope: Scope, actual: unknown = valueAt(scope, c.field)): boolean {
  switch (c.op) {
    case 'eq':
      return actual === c.value;
    case 'neq':
      return actual !== c.value;
    case 'in':
      return Array.isArray(c.value) && (c.value as unknown[]).includes(actual);
    case 'gt': {
      const order = compare(actual, c.value);
      return order !== null && order > 0;
    }
    case 'lt': {
      const order = compare(actual, c.value);
      return order !== null && order < 0;
    }
    case 'exists':
      return (actual !== undefined && actual !== null) === (c.value ?? true);
  }
}

export function allHold(conditions: readonly Condition[], scope: Scope): boolean {
  return conditions.every((c) => conditionHolds(c, scope));
}

/** allHold with each field path split once: the worker checks every event against every rule of its type. */
export function compileConditions(conditions: readonly Condition[]): (scope: Scope) => boolean {
  const compiled = conditions.map((c) => ({ c, parts: c.field.split('.') }));
  const at = (scope: Scope, parts: string[]): unknown => {
    let value: unknown = scope;
    for (const part of parts) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value;
  };
  return (scope) => compiled.every(({ c, parts }) => conditionHolds(c, scope, at(scope, parts)));
}

/** Does this rule take this event at all (before its conditions are looked at)? */
export function triggeredBy(rule: Pick<Rule, 'enabled' | 'trigger'>, eventType: string): boolean {
  return rule.enabled && rule.trigger.event === eventType;
}

/** Does a record's condition need the subject loaded? (Saves a read for rules on data.* only.) */
export function needsRecord(conditions: readonly Condition[], templates: readonly string[]): boolean {
  return conditions.some((c) => c.field.startsWith('record.')) || templates.some((t) => /\{\{\s*record\./.test(t));
}

// --- templating -----------------------------------------------------------

/** `{{record.title}}`, `{{data.toStage}}`, `{{event.type}}`: missing values render as nothing. */
export function render(template: string, scope: Scope): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g, (_, path: string) => {
    const value = valueAt(scope, path);
    if (value === undefined || value === null) return '';
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  });
}

// --- assignment -----------------------------------------------------------

export interface Candidate {
  id: string;
  active: boolean;
  workingHours: WeeklyHours | null;
  timeOff: { from: string; to: string }[];
}

/** In at this instant: active, within their working hours (when they have any), not on time off. */
export function isAvailable(person: Candidate, at: number, timezone: string): boolean {
  if (!person.active) return false;
  if (person.timeOff.some((off) => Date.parse(off.from) <= at && at < Date.parse(off.to))) return false;
  if (person.workingHours === null) return true;
  return isOpenAt({ timezone, hours: person.workingHours, holidays: [] }, at);
}

/** The `turn`-th pick of a rotation over the members who are in (sorted by id): whoever is away is left out, not doubled up on by the next in line. */
export function chooseRoundRobin(members: readonly Candidate[], turn: number, at: number, timezone: string): string | null {
  const present = members.filter((m) => isAvailable(m, at, timezone)).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (present.length === 0) return null;
  return present[turn % present.length]!.id;
}

export const LOAD_WEIGHT: Record<Priority, number> = { urgent: 4, high: 2, normal: 1, low: 0.5 };

/** The available member with the least open work, weighted by priority; ties go to the lower id. */
export function chooseLeastLoaded(
  members: readonly Candidate[],
  openWork: ReadonlyMap<string, Partial<Record<Priority, number>>>,
  at: number,
  timezone: string,
): string | null {
  let best: { id: string; load: number } | null = null;
  for (const person of [...members].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!isAvailable(person, at, timezone)) continue;
    const counts = openWork.get(person.id) ?? {};
    const load = PRIORITIES.reduce((sum, p) => sum + (counts[p] ?? 0) * LOAD_WEIGHT[p], 0);
    if (!best || load < best.load) best = { id: person.id, load };
  }
  return best?.id ?? null;
}

export function raisePriority(current: Priority): Priority {
  const index = PRIORITIES.indexOf(current);
  return PRIORITIES[Math.max(0, index - 1)]!;
}

// --- the engine's small decisions -------------------------------------------

/** The key that keeps one open task per (rule step, record). */
export function dedupeKey(ruleId: string, actionIndex: number, subject: { type: string; id: string }): string {
  return `${ruleId}#${actionIndex}|${subject.type}:${subject.id}`;
}

export function chainTooDeep(depth: number): boolean {
  return depth >= MAX_CHAIN_DEPTH;
}

export function localDescription(instant: number, timezone: string): string {
  return DateTime.fromMillis(instant, { zone: timezone }).toFormat("ccc d LLL yyyy HH:mm ZZZZ");
}
