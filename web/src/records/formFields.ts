// What a record's form asks for, kind by kind, and how what was typed becomes the API's body:
// empty optional fields are null, dates are the browser's local time, and an edit sends only what changed.
import type { RecordKind, RecordOf } from './api.ts';

export type Input =
  | 'text'
  | 'tel'
  | 'email'
  | 'textarea'
  | 'money'
  | 'datetime'
  | 'status'
  | 'serviceKind'
  | 'source'
  | 'contact'
  | 'contacts'
  | 'client'
  | 'job'
  | 'owner'
  | 'technicians'
  | 'pipeline'
  | 'stage';

export interface FieldSpec {
  /** The API field it sets (and whose validation message it shows). */
  key: string;
  label: string;
  input: Input;
  /** Sent even when empty on create, so the API can say what is missing. */
  required?: boolean;
  placeholder?: string;
}

export const FIELDS: Record<RecordKind, FieldSpec[]> = {
  contact: [
    { key: 'name', label: 'Name', input: 'text', required: true, placeholder: 'Dana Price' },
    { key: 'phone', label: 'Phone', input: 'tel' },
    { key: 'email', label: 'Email', input: 'email' },
    { key: 'address', label: 'Address', input: 'text' },
    { key: 'notes', label: 'Notes', input: 'textarea' },
    { key: 'ownerId', label: 'Owner', input: 'owner' },
  ],
  client: [
    { key: 'name', label: 'Name', input: 'text', required: true, placeholder: 'Price household' },
    { key: 'contactIds', label: 'Main contact', input: 'contacts' },
    { key: 'address', label: 'Address', input: 'text' },
    { key: 'notes', label: 'Notes', input: 'textarea' },
    { key: 'ownerId', label: 'Owner', input: 'owner' },
  ],
  lead: [
    { key: 'title', label: 'Title', input: 'text', required: true, placeholder: 'Boiler replacement' },
    { key: 'contactId', label: 'Contact', input: 'contact' },
    { key: 'pipelineId', label: 'Pipeline', input: 'pipeline' },
    { key: 'stage', label: 'Stage', input: 'stage' },
    { key: 'value', label: 'Value', input: 'money' },
    { key: 'source', label: 'Source', input: 'source' },
    { key: 'ownerId', label: 'Owner', input: 'owner' },
  ],
  job: [
    { key: 'title', label: 'Title', input: 'text', required: true, placeholder: 'Annual boiler service' },
    { key: 'clientId', label: 'Client', input: 'client' },
    { key: 'address', label: 'Address', input: 'text' },
    { key: 'scheduledStart', label: 'Starts', input: 'datetime' },
    { key: 'scheduledEnd', label: 'Ends', input: 'datetime' },
    { key: 'technicianIds', label: 'Technicians', input: 'technicians' },
    { key: 'status', label: 'Status', input: 'status' },
    { key: 'ownerId', label: 'Owner', input: 'owner' },
  ],
  service: [
    { key: 'title', label: 'Title', input: 'text', required: true, placeholder: 'Boiler maintenance plan' },
    { key: 'kind', label: 'Kind', input: 'serviceKind' },
    { key: 'clientId', label: 'Client', input: 'client' },
    { key: 'jobId', label: 'Job', input: 'job' },
    { key: 'nextDueAt', label: 'Next due', input: 'datetime' },
    { key: 'ownerId', label: 'Owner', input: 'owner' },
  ],
};

/** What the form holds: text for every field, a list for the technicians. */
export type FormValues = Record<string, string | string[]>;

/** Where people usually come from; anything else can be typed. */
export const LEAD_SOURCES = ['phone', 'website', 'referral', 'walk_in', 'email', 'repeat_customer'];

/** The form's values for a record (or a blank one, with what the page already knows filled in). */
export function valuesOf(kind: RecordKind, record: Partial<RecordOf[RecordKind]> | undefined): FormValues {
  const source = (record ?? {}) as Record<string, unknown>;
  const values: FormValues = {};
  for (const field of FIELDS[kind]) {
    const value = source[field.key];
    if (field.input === 'technicians') values[field.key] = Array.isArray(value) ? (value as string[]) : [];
    else if (field.input === 'contacts') values[field.key] = Array.isArray(value) ? ((value as string[])[0] ?? '') : '';
    else if (field.input === 'datetime') values[field.key] = typeof value === 'string' ? toLocalInput(value) : '';
    else if (value === null || value === undefined) values[field.key] = defaultOf(field);
    else values[field.key] = String(value);
  }
  return values;
}

function defaultOf(field: FieldSpec): string {
  if (field.input === 'status') return 'scheduled';
  if (field.input === 'serviceKind') return 'other';
  return '';
}

/** The value the API takes for one field, from what the form holds. */
function apiValue(field: FieldSpec, value: string | string[], record: Record<string, unknown> | undefined): unknown {
  if (field.input === 'technicians') return value;
  const text = (value as string).trim();
  switch (field.input) {
    case 'text':
      return field.required ? text : text || null;
    case 'textarea':
      return value;
    case 'money':
      return text === '' ? null : Number(text.replace(/,/g, ''));
    case 'datetime':
      return text === '' ? null : new Date(text).toISOString();
    case 'contacts': {
      const others = ((record?.contactIds as string[] | undefined) ?? []).slice(1).filter((id) => id !== text);
      return text ? [text, ...others] : others;
    }
    case 'owner':
    case 'pipeline':
    case 'stage':
      return text === '' ? undefined : text;
    default:
      return text === '' ? null : text;
  }
}

/**
 * The body to send: on create every field that has something (and the required ones
 * whatever they hold); on edit only the fields that differ from the record.
 */
export function bodyOf(kind: RecordKind, values: FormValues, record?: Partial<RecordOf[RecordKind]>): Record<string, unknown> {
  const current = record as Record<string, unknown> | undefined;
  const initial = record ? valuesOf(kind, record) : undefined;
  const body: Record<string, unknown> = {};
  for (const field of FIELDS[kind]) {
    const value = values[field.key] ?? '';
    const sent = apiValue(field, value, current);
    if (sent === undefined) continue;
    if (initial) {
      if (JSON.stringify(sent) === JSON.stringify(apiValue(field, initial[field.key] ?? '', current))) continue;
    } else if (!field.required && (sent === null || sent === '' || (Array.isArray(sent) && sent.length === 0))) {
      continue;
    }
    body[field.key] = sent;
  }
  return body;
}

/** An instant as a datetime-local input shows it: the browser's local time, to the minute. */
export function toLocalInput(isoInstant: string): string {
  const d = new Date(isoInstant);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A problem's messages by the field they are about (technicianIds.1 → technicianIds). */
export function messagesByField(errors: { path: string; message: string }[] | undefined): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const error of errors ?? []) {
    const key = error.path.split('.')[0] || '_';
    byField[key] ??= error.message;
  }
  return byField;
}
