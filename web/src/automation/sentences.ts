// A rule in the words of the business: "When a job changes status and its new status is Incomplete →
// create “Call ‹the job's title› back”". No field names, operators or template braces reach the screen.
import { catalogueField, subjectNoun } from './fieldCatalogue.ts';
import { eventLabel, fromDuration } from './ruleForm.ts';
import { plural } from '../shell/plural.ts';

export { subjectNoun };

interface Condition { field: string; op: string; value?: unknown }
interface RuleLike { trigger: { event: string; where: readonly Condition[]; delay?: string }; actions: readonly Record<string, unknown>[] }
/** The name of a person, team or rule a condition names by its id, when the page knows it. */
export type NameOf = (id: string) => string | undefined;

/** "due_at" → "due at", "ownerId" → "owner", "source.ruleId" → "source rule". */
function words(path: string): string {
  return path
    .split('.')
    .map((part) => part.replace(/Id$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase())
    .join(' ');
}

/** A field of a rule's condition or template, as a phrase: "the lead's source", "the job's new status", "the event's amount". */
export function fieldPhrase(field: string, eventType: string): string {
  const listed = catalogueField(field, eventType);
  if (listed) return listed.label;
  const noun = subjectNoun(eventType);
  const [root, ...rest] = field.split('.');
  const path = rest.join('.');
  if (root === 'record') return `the ${noun}'s ${words(path)}`;
  // What the event says beyond its record: Finishline's own events are in the catalogue; another system's by the names it gives.
  if (root === 'data') return `the ${words(path)} given with the event`;
  if (field === 'event.subject.id') return `the ${noun}'s reference`;
  if (root === 'event') return `the event's ${words(path)}`;
  return words(field);
}

/** "incomplete" → "Incomplete", "google_ads" → "Google ads", ["a", "b", "c"] → "A, B or C". */
export function valueWords(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map(valueWords);
    return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}` : (items[0] ?? 'nothing');
  }
  if (typeof value === 'string') {
    const text = value.replace(/_/g, ' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return value === null || value === undefined ? 'nothing' : String(value);
}

const OP_WORDS: Record<string, string> = { eq: 'is', neq: 'is not', in: 'is', gt: 'is more than', lt: 'is less than' };

/** "the job's new status is Incomplete", "the lead's source is Website or Google ads", "the event's amount is more than 100". */
export function conditionSentence(condition: Condition, eventType: string, nameOf?: NameOf): string {
  const subject = fieldPhrase(condition.field, eventType);
  if (condition.op === 'exists') return `${subject} ${condition.value === false ? 'is not set' : 'is set'}`;
  const listed = catalogueField(condition.field, eventType);
  // "the task is overdue" / "the task is not overdue", not "… is yes".
  if (listed?.values.kind === 'yes/no' && typeof condition.value === 'boolean') {
    const yes = (condition.op === 'neq') !== condition.value;
    return yes ? subject : subject.replace(/ (is|has) /, ' $1 not ');
  }
  const op = condition.op === 'in' && Array.isArray(condition.value) && condition.value.length > 1 ? 'is one of' : (OP_WORDS[condition.op] ?? condition.op);
  const choices = listed?.values.kind === 'choice' ? listed.values.choices : [];
  const named = (value: unknown): unknown => (typeof value === 'string' ? (choices.find(([v]) => v === value)?.[1] ?? nameOf?.(value) ?? value) : value);
  return `${subject} ${op} ${valueWords(Array.isArray(condition.value) ? condition.value.map(named) : named(condition.value))}`;
}

/** A title or message template with each placeholder in words: "Call ‹the lead's title› back". */
export function templateWords(template: string, eventType: string): string {
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, field: string) => `‹${fieldPhrase(field, eventType)}›`);
}

/** An action as a phrase: “create “Call ‹the lead's title› back””, “set the priority to High”. */
export function actionSentence(action: Record<string, unknown>, eventType: string): string {
  const noun = subjectNoun(eventType);
  switch (action.type) {
    case 'create_task': return `create “${templateWords(String(action.title ?? ''), eventType)}”`;
    case 'update_record': return `update the ${String(action.record)}`;
    case 'close_tasks': return `close the ${noun}'s open tasks`;
    case 'set_priority': return `set the priority to ${valueWords(action.priority)}`;
    case 'assign': return 'assign the task';
    case 'escalate': return 'escalate the task';
    case 'notify': return 'send a notification';
    case 'webhook': return 'send it to another system';
    default: return String(action.type).replace(/_/g, ' ');
  }
}

/** The whole rule: "When a job changes status and the job's new status is Incomplete, 2 hours later: create “…”". */
export function ruleSentence(rule: RuleLike, nameOf?: NameOf): string {
  const { event, where, delay } = rule.trigger;
  const when = eventLabel(event);
  const conditions = where.map((c) => conditionSentence(c, event, nameOf));
  const wait = fromDuration(delay);
  const then = rule.actions.map((a) => actionSentence(a, event));
  return `When ${when.charAt(0).toLowerCase()}${when.slice(1)}${conditions.length ? ` and ${conditions.join(' and ')}` : ''}${wait.amount ? `, ${plural(Number(wait.amount), wait.unit.slice(0, -1), wait.unit)} later` : ''}: ${then.join(', then ')}`;
}
