// The rule builder's form, and how it turns into the rule the API takes (and back): no JSON typing for anyone.
import type { z } from 'zod';
import type { KNOWN_EVENTS, ruleBody, ruleView } from '../../../src/automation/rule.ts';
import type { Priority } from '../api/types.ts';

export type RuleView = z.infer<typeof ruleView>;
export type RuleBody = z.input<typeof ruleBody>;
type KnownEvent = (typeof KNOWN_EVENTS)[number];

/** The events a rule is usually built on, in the words of the business; any other is typed as a custom event. */
export const EVENT_CHOICES: { group: string; events: [KnownEvent, string][] }[] = [
  { group: 'Leads', events: [['lead.created', 'A lead comes in'], ['lead.stage_changed', 'A lead changes stage'], ['lead.updated', 'A lead is updated']] },
  { group: 'Jobs', events: [['job.created', 'A job is created'], ['job.scheduled', 'A job is scheduled'], ['job.status_changed', 'A job changes status'], ['appointment.missed', 'An appointment is missed']] },
  { group: 'Services', events: [['service.created', 'A service is added'], ['service.due', 'A service comes due']] },
  { group: 'Tasks', events: [['task.created', 'A task is created'], ['task.completed', 'A task is completed'], ['task.status_changed', 'A task changes status'], ['task.assigned', 'A task is assigned'], ['task.due_soon', 'A task is due soon'], ['task.overdue', 'A task is overdue'], ['attachment.added', 'A photo or file is added to a task']] },
  { group: 'Contacts and clients', events: [['contact.created', 'A contact is added'], ['client.created', 'A client is added']] },
];

export type Operator = 'eq' | 'neq' | 'in' | 'gt' | 'lt' | 'exists';
export type DurationUnit = 'minutes' | 'hours' | 'days';
export type Strategy = 'none' | 'record_owner' | 'user' | 'round_robin' | 'least_loaded';

type Condition = RuleView['trigger']['where'][number];
/** A condition as the form edits it; `read` is the condition it was read from, saved as it was while the row is unchanged. */
export interface ConditionRow { field: string; op: Operator; value: string; read?: Condition }
export interface TaskAction {
  title: string;
  description: string;
  priority: Priority;
  dueAmount: string;
  dueUnit: DurationUnit;
  businessHours: boolean;
  strategy: Strategy;
  userId: string;
  teamId: string;
  checklist: string[];
  /** What the form does not edit of the action it was read from (steps it waits for, duplicates allowed, its due time as written…). */
  kept?: Record<string, unknown>;
}
/** A rule's actions in their order: tasks the form edits, and actions of other kinds (or with steps) it keeps as they are. */
export type FormAction = { task: TaskAction } | { kept: Record<string, unknown> };
export interface RuleForm {
  name: string;
  enabled: boolean;
  event: string;
  customEvent: string;
  delayAmount: string;
  delayUnit: DurationUnit;
  /** The delay as the rule had it, kept while the form shows the same amount. */
  delayRead?: string;
  conditions: ConditionRow[];
  actions: FormAction[];
}

export const CUSTOM = 'custom';

export function emptyTask(): TaskAction {
  return { title: '', description: '', priority: 'normal', dueAmount: '', dueUnit: 'hours', businessHours: false, strategy: 'record_owner', userId: '', teamId: '', checklist: [] };
}

export function emptyRule(): RuleForm {
  return { name: '', enabled: true, event: 'lead.created', customEvent: '', delayAmount: '', delayUnit: 'hours', conditions: [], actions: [{ task: emptyTask() }] };
}

const KNOWN = new Set(EVENT_CHOICES.flatMap((g) => g.events.map(([e]) => e as string)));

/** 2 hours → PT2H, 30 minutes → PT30M, 3 days → P3D; nothing → undefined. */
export function toDuration(amount: string, unit: DurationUnit): string | undefined {
  const n = Number(amount);
  if (!amount.trim() || !Number.isFinite(n) || n <= 0) return undefined;
  return unit === 'days' ? `P${n}D` : unit === 'hours' ? `PT${n}H` : `PT${n}M`;
}

/** The reverse of toDuration, for the simple durations the builder writes; anything else reads as hours. */
export function fromDuration(iso: string | undefined): { amount: string; unit: DurationUnit } {
  if (!iso) return { amount: '', unit: 'hours' };
  const days = /^P(\d+(?:\.\d+)?)D$/.exec(iso);
  if (days) return { amount: days[1]!, unit: 'days' };
  const time = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
  if (time) {
    const minutes = Number(time[1] ?? 0) * 60 + Number(time[2] ?? 0) + Number(time[3] ?? 0) / 60;
    if (minutes === 0) return { amount: '', unit: 'hours' };
    return minutes % 60 === 0 ? { amount: String(minutes / 60), unit: 'hours' } : { amount: String(minutes), unit: 'minutes' };
  }
  return { amount: '', unit: 'hours' };
}

/** What the person typed in a value box, as the API compares it: numbers and true/false as such, lists split on commas. */
export function parseValue(op: Operator, text: string): unknown {
  if (op === 'exists') return text !== 'false';
  if (op === 'in') return text.split(',').map((s) => s.trim()).filter(Boolean).map(scalarOf);
  return scalarOf(text.trim());
}

function scalarOf(text: string): string | number | boolean | null {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

export function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return value === undefined ? '' : String(value);
}

/** The duration as it was written when the form still shows what was read from it; else as the form writes it. */
function durationOf(read: string | undefined, amount: string, unit: DurationUnit): string | undefined {
  const was = fromDuration(read);
  if (read && was.amount === amount && (was.unit === unit || !amount)) return read;
  return toDuration(amount, unit);
}

const EDITED = ['type', 'title', 'description', 'priority', 'due', 'businessHours', 'assign', 'checklist'];

function taskBody(t: TaskAction) {
  const due = durationOf(t.kept?.due as string | undefined, t.dueAmount, t.dueUnit);
  const assign =
    t.strategy === 'record_owner' ? { strategy: 'record_owner' as const }
    : t.strategy === 'user' ? { strategy: 'user' as const, userId: t.userId }
    : t.strategy === 'round_robin' || t.strategy === 'least_loaded' ? { strategy: t.strategy, teamId: t.teamId }
    : undefined;
  const kept = Object.fromEntries(Object.entries(t.kept ?? {}).filter(([key]) => !EDITED.includes(key)));
  return {
    ...kept,
    type: 'create_task' as const,
    title: t.title,
    ...(t.description.trim() ? { description: t.description } : {}),
    priority: t.priority,
    ...(due ? { due } : {}),
    ...(due || t.businessHours ? { businessHours: t.businessHours } : {}),
    ...(assign ? { assign } : {}),
    checklist: t.checklist.map((c) => c.trim()).filter(Boolean),
  };
}

function conditionBody(c: ConditionRow): Condition {
  const field = c.field.trim();
  if (c.read && sameRow(rowOf(c.read), { ...c, field })) return c.read;
  return { field, op: c.op, value: parseValue(c.op, c.value) } as Condition;
}

function rowOf(c: Condition): ConditionRow {
  return { field: c.field, op: c.op as Operator, value: valueText(c.value) };
}

const sameRow = (a: ConditionRow, b: ConditionRow) => a.field === b.field && a.op === b.op && a.value === b.value;

export function toRuleBody(form: RuleForm): RuleBody {
  const event = form.event === CUSTOM ? form.customEvent.trim() : form.event;
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    trigger: {
      event,
      where: form.conditions.filter((c) => c.field.trim()).map(conditionBody) as RuleBody['trigger']['where'],
      delay: durationOf(form.delayRead, form.delayAmount, form.delayUnit) ?? 'PT0S',
    },
    actions: form.actions.map((a) => ('task' in a ? taskBody(a.task) : a.kept)) as RuleBody['actions'],
  };
}

export function fromRule(rule: RuleView): RuleForm {
  const delay = fromDuration(rule.trigger.delay);
  const actions = rule.actions.map((action): FormAction => {
    // A task with steps, one that closes itself, or a checklist item that needs a photo is more than the builder edits: it is kept as it is.
    const photoItems = ((action.checklist as unknown[] | undefined) ?? []).some((item) => typeof item !== 'string');
    if (action.type !== 'create_task' || action.step !== undefined || action.resolveWhen !== undefined || photoItems) return { kept: action };
    const due = fromDuration(action.due as string | undefined);
    const assign = action.assign as { strategy: Strategy; userId?: string; teamId?: string } | undefined;
    return {
      task: {
        title: String(action.title ?? ''),
        description: String(action.description ?? ''),
        priority: (action.priority as Priority) ?? 'normal',
        dueAmount: due.amount,
        dueUnit: due.unit,
        businessHours: Boolean(action.businessHours),
        strategy: assign?.strategy ?? 'none',
        userId: assign?.userId ?? '',
        teamId: assign?.teamId ?? '',
        checklist: (action.checklist as string[] | undefined) ?? [],
        kept: action,
      },
    };
  });
  return {
    name: rule.name,
    enabled: rule.enabled,
    event: KNOWN.has(rule.trigger.event) ? rule.trigger.event : CUSTOM,
    customEvent: KNOWN.has(rule.trigger.event) ? '' : rule.trigger.event,
    delayAmount: delay.amount,
    delayUnit: delay.unit,
    delayRead: rule.trigger.delay,
    conditions: rule.trigger.where.map((c) => ({ ...rowOf(c), read: c })),
    actions,
  };
}

/** "A lead comes in"; an event of the business's own reads by its name ("invoice overdue"). */
export function eventLabel(type: string): string {
  return EVENT_CHOICES.flatMap((g) => g.events).find(([e]) => e === type)?.[1] ?? `A “${type.replace(/[._]/g, ' ')}” event arrives`;
}
