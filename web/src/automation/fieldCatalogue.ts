// What a manager can narrow a rule by, or put in a task's title, for each event: the fields of the event's
// record and what the event itself says, each in plain words, with the values it takes where they are known.
// The paths the API reads (record.source, data.to) stay in here; the screen shows only the words.
import { PRIORITIES, PRIORITY_LABEL, STATUS_LABEL, STATUSES } from '../api/types.ts';
import { JOB_STATUS_LABEL, SERVICE_KIND_LABEL } from '../records/api.ts';
import { LEAD_SOURCES } from '../records/formFields.ts';

/** The values a field takes: listed (an open list also takes others), or looked up (stages, people, teams, rules) by the builder. */
export type Values =
  | { kind: 'text' }
  | { kind: 'number' }
  | { kind: 'yes/no' }
  | { kind: 'choice'; choices: readonly (readonly [value: string, label: string])[]; open?: boolean }
  | { kind: 'stage' }
  | { kind: 'person' }
  | { kind: 'team' }
  | { kind: 'rule' };

export interface CatalogueField {
  field: string;
  /** "the lead's source" */
  label: string;
  values: Values;
  /** May be put into a task's title. */
  detail?: boolean;
}

const RECORD_NOUN: Record<string, string> = { appointment: 'job', attachment: 'task' };

/** What the event is about, as a noun: "job" for job.status_changed, "invoice" for invoice.overdue. */
export function subjectNoun(eventType: string): string {
  const head = eventType.split('.')[0] ?? 'record';
  return RECORD_NOUN[head] ?? head.replace(/_/g, ' ');
}

const text: Values = { kind: 'text' };
const entries = (labels: Record<string, string>) => Object.entries(labels) as [string, string][];
const taskStatuses: Values = { kind: 'choice', choices: STATUSES.map((s) => [s, STATUS_LABEL[s]] as const) };
const jobStatuses: Values = { kind: 'choice', choices: entries(JOB_STATUS_LABEL) };
const sources: Values = { kind: 'choice', open: true, choices: LEAD_SOURCES.map((s) => [s, sentenceCase(s)] as const) };

function sentenceCase(value: string): string {
  const words = value.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type Spec = [field: string, words: string, values: Values, detail?: 'detail'];

/** The record's fields, by what the event is about ("the lead's …"). */
const RECORD_FIELDS: Record<string, Spec[]> = {
  lead: [
    ['record.title', 'title', text, 'detail'],
    ['record.source', 'source', sources, 'detail'],
    ['record.stage', 'stage', { kind: 'stage' }],
    ['record.value', 'value', { kind: 'number' }, 'detail'],
    ['record.ownerId', 'owner', { kind: 'person' }],
  ],
  job: [
    ['record.title', 'title', text, 'detail'],
    ['record.status', 'status', jobStatuses],
    ['record.address', 'address', text, 'detail'],
    ['record.ownerId', 'owner', { kind: 'person' }],
  ],
  service: [
    ['record.title', 'title', text, 'detail'],
    ['record.kind', 'kind', { kind: 'choice', choices: entries(SERVICE_KIND_LABEL) }],
    ['record.ownerId', 'owner', { kind: 'person' }],
  ],
  task: [
    ['record.title', 'title', text, 'detail'],
    ['record.key', 'number', text, 'detail'],
    ['record.status', 'status', taskStatuses],
    ['record.priority', 'priority', { kind: 'choice', choices: PRIORITIES.map((p) => [p, PRIORITY_LABEL[p]] as const) }],
    ['record.overdue', 'is overdue', { kind: 'yes/no' }],
    ['record.assigneeId', 'assignee', { kind: 'person' }],
    ['record.teamId', 'team', { kind: 'team' }],
    ['record.source.ruleId', 'rule that made it', { kind: 'rule' }],
  ],
  contact: [
    ['record.name', 'name', text, 'detail'],
    ['record.phone', 'phone', text, 'detail'],
    ['record.email', 'email', text, 'detail'],
    ['record.ownerId', 'owner', { kind: 'person' }],
  ],
  client: [
    ['record.name', 'name', text, 'detail'],
    ['record.address', 'address', text, 'detail'],
    ['record.ownerId', 'owner', { kind: 'person' }],
  ],
};

/** What the event itself says, for the events that say more than their record does. */
const EVENT_FIELDS: Record<string, Spec[]> = {
  'lead.stage_changed': [['data.toStage', 'new stage', { kind: 'stage' }, 'detail'], ['data.fromStage', 'old stage', { kind: 'stage' }, 'detail']],
  'job.status_changed': [['data.to', 'new status', jobStatuses, 'detail'], ['data.from', 'old status', jobStatuses, 'detail']],
  'task.status_changed': [['data.to', 'new status', taskStatuses, 'detail'], ['data.from', 'old status', taskStatuses, 'detail']],
  'task.assigned': [['data.toAssigneeId', 'new assignee', { kind: 'person' }], ['data.fromAssigneeId', 'old assignee', { kind: 'person' }], ['data.toTeamId', 'new team', { kind: 'team' }]],
};

/** The fields of a rule on this event, the event's own first; none for an event from another system (its details are named by hand). */
export function fieldsFor(eventType: string): CatalogueField[] {
  const noun = subjectNoun(eventType);
  const specs = [...(EVENT_FIELDS[eventType] ?? []), ...(RECORD_FIELDS[noun] ?? [])];
  // A yes/no field reads as a statement ("the task is overdue"), the others as a thing ("the task's priority").
  return specs.map(([field, words, values, detail]) => ({ field, label: values.kind === 'yes/no' ? `the ${noun} ${words}` : `the ${noun}'s ${words}`, values, ...(detail ? { detail: true } : {}) }));
}

/** The details a task's title can be given from this event. */
export function detailsFor(eventType: string): CatalogueField[] {
  return fieldsFor(eventType).filter((f) => f.detail);
}

export function catalogueField(field: string, eventType: string): CatalogueField | undefined {
  return fieldsFor(eventType).find((f) => f.field === field);
}

/** Is the event one of Finishline's own, whose fields are listed (rather than another system's)? */
export function hasCatalogue(eventType: string): boolean {
  return fieldsFor(eventType).length > 0;
}

/** A detail another system sends with its event, by the name it gives it ("number" → data.number); null for a name no rule can read. */
export function namedDetail(name: string): string | null {
  const trimmed = name.trim();
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(trimmed) ? `data.${trimmed}` : null;
}

/** The name a detail of the event goes by (data.number → "number"), or null for a field that is not one. */
export function detailName(field: string): string | null {
  return field.startsWith('data.') ? field.slice(5) : null;
}

export type OperatorChoice = 'eq' | 'neq' | 'in' | 'gt' | 'lt' | 'exists' | 'exists:false';

export const OPERATOR_WORDS: Record<OperatorChoice, string> = { eq: 'is', neq: 'is not', in: 'is one of', gt: 'is more than', lt: 'is less than', exists: 'is set', 'exists:false': 'is not set' };

/** The comparisons that make sense for a field's values, in words. */
export function operatorsFor(values: Values | undefined): OperatorChoice[] {
  switch (values?.kind) {
    case 'number': return ['eq', 'neq', 'gt', 'lt', 'exists', 'exists:false'];
    case 'yes/no': return ['eq'];
    case 'text': return ['eq', 'neq', 'exists', 'exists:false'];
    case undefined: return ['eq', 'neq', 'in', 'gt', 'lt', 'exists', 'exists:false'];
    default: return ['eq', 'neq', 'in', 'exists', 'exists:false'];
  }
}
