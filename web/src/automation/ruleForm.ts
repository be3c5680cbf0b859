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

export const FIELD_SUGGESTIONS = ['record.source', 'record.stage', 'record.status', 'record.priority', 'record.value', 'record.kind', 'data.toStage', 'data.fromStage', 'data.to', 'data.from', 'data.amount'];
export const OPERATORS = [['eq', 'is'], ['neq', 'is not'], ['in', 'is one of'], ['gt', 'is more than'], ['lt', 'is less than'], ['exists', 'is set']] as const;
export type Operator = (typeof OPERATORS)[number][0];
export type DurationUnit = 'minutes' | 'hours' | 'days';
export type Strategy = 'none' | 'record_owner' | 'user' | 'round_robin' | 'least_loaded';

export interface ConditionRow { field: string; op: Operator; value: string }
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
}
export interface RuleForm {
  name: string;
  enabled: boolean;
  event: string;
  customEvent: string;
  delayAmount: string;
  delayUnit: DurationUnit;
  conditions: ConditionRow[];
  tasks: TaskAction[];
  /** Actions of other kinds (assign, escalate, update_record…) the builder keeps as they are. */
  otherActions: Record<string, unknown>[];
}

export const CUSTOM = 'custom';

export function emptyTask(): TaskAction {
  return { title: '', description: '', priority: 'normal', dueAmount: '', dueUnit: 'hours', businessHours: false, strategy: 'record_owner', userId: '', teamId: '', checklist: [] };
}

export function emptyRule(): RuleForm {
  return { name: '', enabled: true, event: 'lead.created', customEvent: '', delayAmount: '', delayUnit: 'hours', conditions: [], tasks: [emptyTask()], otherActions: [] };
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

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return value === undefined ? '' : String(value);
}

export function toRuleBody(form: RuleForm): RuleBody {
  const event = form.event === CUSTOM ? form.customEvent.trim() : form.event;
  const tasks = form.tasks.map((t) => {
    const due = toDuration(t.dueAmount, t.dueUnit);
    const assign =
      t.strategy === 'record_owner' ? { strategy: 'record_owner' as const }
      : t.strategy === 'user' ? { strategy: 'user' as const, userId: t.userId }
      : t.strategy === 'round_robin' || t.strategy === 'least_loaded' ? { strategy: t.strategy, teamId: t.teamId }
      : undefined;
    return {
      type: 'create_task' as const,
      title: t.title,
      ...(t.description.trim() ? { description: t.description } : {}),
      priority: t.priority,
      ...(due ? { due, businessHours: t.businessHours } : {}),
      ...(assign ? { assign } : {}),
      checklist: t.checklist.map((c) => c.trim()).filter(Boolean),
    };
  });
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    trigger: {
      event,
      where: form.conditions.filter((c) => c.field.trim()).map((c) => ({ field: c.field.trim(), op: c.op, value: parseValue(c.op, c.value) })) as RuleBody['trigger']['where'],
      delay: toDuration(form.delayAmount, form.delayUnit) ?? 'PT0S',
    },
    actions: [...tasks, ...(form.otherActions as RuleBody['actions'])],
  };
}

export function fromRule(rule: RuleView): RuleForm {
  const delay = fromDuration(rule.trigger.delay);
  const tasks: TaskAction[] = [];
  const otherActions: Record<string, unknown>[] = [];
  for (const action of rule.actions) {
    // A checklist item that needs a photo is more than the builder edits: such an action is kept as it is.
    const photoItems = ((action.checklist as unknown[] | undefined) ?? []).some((item) => typeof item !== 'string');
    if (action.type !== 'create_task' || action.step !== undefined || action.resolveWhen !== undefined || photoItems) {
      otherActions.push(action);
      continue;
    }
    const due = fromDuration(action.due as string | undefined);
    const assign = action.assign as { strategy: Strategy; userId?: string; teamId?: string } | undefined;
    tasks.push({
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
    });
  }
  return {
    name: rule.name,
    enabled: rule.enabled,
    event: KNOWN.has(rule.trigger.event) ? rule.trigger.event : CUSTOM,
    customEvent: KNOWN.has(rule.trigger.event) ? '' : rule.trigger.event,
    delayAmount: delay.amount,
    delayUnit: delay.unit,
    conditions: rule.trigger.where.map((c) => ({ field: c.field, op: c.op as Operator, value: valueText(c.value) })),
    tasks,
    otherActions,
  };
}

/** "A lead comes in"; an event of the business's own reads by its name ("invoice overdue"). */
export function eventLabel(type: string): string {
  return EVENT_CHOICES.flatMap((g) => g.events).find(([e]) => e === type)?.[1] ?? `${type.replace(/[._]/g, ' ')} arrives`;
}

/** "When a lead comes in, if record.source is website → create a task" — a rule in one line. */
export function describeTrigger(rule: Pick<RuleView, 'trigger'>): string {
  const when = eventLabel(rule.trigger.event);
  const delay = fromDuration(rule.trigger.delay);
  return `${when}${rule.trigger.where.length ? `, if ${rule.trigger.where.map((c) => `${c.field} ${OPERATORS.find(([op]) => op === c.op)?.[1] ?? c.op}${c.op === 'exists' ? '' : ` ${valueText(c.value)}`}`).join(' and ')}` : ''}${delay.amount ? `, after ${delay.amount} ${delay.unit}` : ''}`;
}
