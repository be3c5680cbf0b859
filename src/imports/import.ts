// CSV import: which columns each kind of import takes, how a header row is
// matched to them, and how a problem is reported (row as a spreadsheet shows
// it, column as the file names it, reason in words). Nothing here touches I/O.
import { z } from 'zod';
import { createClientBody, createContactBody, createLeadBody } from '../records/records.ts';
import { createTaskBody } from '../tasks/task.ts';

export const IMPORT_KINDS = ['contacts', 'clients', 'leads', 'tasks'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Data rows one import may hold; bodies are also limited to 1 MB by the server. */
export const MAX_IMPORT_ROWS = 5000;

/**
 * How a cell becomes a field of the create body: as text, a number, a list
 * split on `;`, a person (email or name), a team (name or id), task links
 * (`lead:<id>`), an instant (ISO, or a date/time in the organisation's zone),
 * a pipeline (name or id), ids in other systems (`hubspot:4711`), or the
 * record's own id (which the row updates instead of creating one).
 */
export type CellKind = 'text' | 'number' | 'list' | 'person' | 'team' | 'links' | 'instant' | 'pipeline' | 'refs' | 'id';

export interface ColumnSpec {
  /** The documented name. */
  name: string;
  aliases?: string[];
  /** The create body's field it fills. */
  field: string;
  kind: CellKind;
  required?: boolean;
  /** What the column takes, for the documentation and the web page. */
  help: string;
}

const owner: ColumnSpec = { name: 'owner', aliases: ['owner email'], field: 'ownerId', kind: 'person', help: "a person's email or name (default: you)" };
/** What a record export writes and an import matches rows by: a row whose reference a record already has updates that record. */
const externalRefsColumn: ColumnSpec = {
  name: 'external_refs',
  aliases: ['external ref'],
  field: 'externalRefs',
  kind: 'refs',
  help: 'ids in other systems as source:id (e.g. hubspot:4711), several separated by ; — a row updates the record that already has its first one',
};

/** What a record export writes last: a row with the id of one of the organisation's records updates that record, so an export imported again changes nothing. */
const idColumn: ColumnSpec = {
  name: 'id',
  field: 'id',
  kind: 'id',
  help: "the record's id in Finishline, as an export writes it — the row updates that record (empty: a new one)",
};

export const IMPORT_COLUMNS: Record<ImportKind, ColumnSpec[]> = {
  contacts: [
    { name: 'name', field: 'name', kind: 'text', required: true, help: 'required' },
    { name: 'phone', field: 'phone', kind: 'text', help: 'text' },
    { name: 'email', field: 'email', kind: 'text', help: 'an email address' },
    { name: 'address', field: 'address', kind: 'text', help: 'text' },
    { name: 'notes', field: 'notes', kind: 'text', help: 'text' },
    owner,
    externalRefsColumn,
    idColumn,
  ],
  clients: [
    { name: 'name', field: 'name', kind: 'text', required: true, help: 'required' },
    { name: 'contacts', aliases: ['contact ids'], field: 'contactIds', kind: 'list', help: 'contact ids separated by ;' },
    { name: 'address', field: 'address', kind: 'text', help: 'text' },
    { name: 'notes', field: 'notes', kind: 'text', help: 'text' },
    owner,
    externalRefsColumn,
    idColumn,
  ],
  leads: [
    { name: 'title', field: 'title', kind: 'text', required: true, help: 'required' },
    { name: 'contact', aliases: ['contact id'], field: 'contactId', kind: 'text', help: 'a contact id' },
    { name: 'pipeline', field: 'pipelineId', kind: 'pipeline', help: 'a pipeline name or id (default: Sales)' },
    { name: 'stage', field: 'stage', kind: 'text', help: "a stage key of the pipeline (default: its first)" },
    { name: 'value', field: 'value', kind: 'number', help: 'a number' },
    { name: 'source', field: 'source', kind: 'text', help: 'text, e.g. website' },
    owner,
    externalRefsColumn,
    idColumn,
  ],
  tasks: [
    { name: 'title', field: 'title', kind: 'text', required: true, help: 'required' },
    { name: 'description', field: 'description', kind: 'text', help: 'text' },
    { name: 'status', field: 'status', kind: 'text', help: 'open, in_progress, waiting, blocked, done or cancelled (default open)' },
    { name: 'priority', field: 'priority', kind: 'text', help: 'urgent, high, normal or low (default normal)' },
    { name: 'due', aliases: ['due at', 'due date'], field: 'dueAt', kind: 'instant', help: "ISO instant, or YYYY-MM-DD[ HH:MM] in the organisation's time zone" },
    { name: 'assignee', aliases: ['assignee email'], field: 'assigneeId', kind: 'person', help: "a person's email or name" },
    { name: 'team', field: 'teamId', kind: 'team', help: 'a team name or id' },
    { name: 'links', aliases: ['link'], field: 'links', kind: 'links', help: 'records as type:id (lead:…, job:…), separated by ; or spaces' },
    { name: 'checklist', field: 'checklist', kind: 'list', help: 'items separated by ;' },
    { name: 'waiting on', field: 'waitingOn', kind: 'text', help: 'text (status waiting)' },
    { name: 'blocked reason', field: 'blockedReason', kind: 'text', help: 'text (status blocked)' },
  ],
};

export const CREATE_SCHEMAS: Record<ImportKind, z.ZodType> = {
  contacts: createContactBody,
  clients: createClientBody,
  leads: createLeadBody,
  tasks: createTaskBody,
};

/** One problem with the file: the row as a spreadsheet numbers it (the header is row 1), the column as the file names it. */
export interface RowError {
  row: number;
  column: string | null;
  reason: string;
}

/** A header cell compared the way people write it: case, spaces, `_` and `-` ignored. */
export function normaliseHeader(cell: string): string {
  return cell.toLowerCase().replace(/[\s_-]+/g, '');
}

export interface MatchedHeader {
  /** For each column of the file, the spec it fills (null for a blank header cell over empty cells). */
  columns: (ColumnSpec | null)[];
  errors: RowError[];
}

/** Matches the header row to the kind's columns: unknown, repeated and missing required columns are errors of row 1. */
export function matchHeader(kind: ImportKind, header: string[]): MatchedHeader {
  const specs = IMPORT_COLUMNS[kind];
  const byName = new Map<string, ColumnSpec>();
  for (const spec of specs) for (const name of [spec.name, ...(spec.aliases ?? [])]) byName.set(normaliseHeader(name), spec);
  const errors: RowError[] = [];
  const seen = new Set<ColumnSpec>();
  const columns = header.map((cell) => {
    if (cell.trim() === '') return null;
    const spec = byName.get(normaliseHeader(cell));
    if (!spec) {
      errors.push({ row: 1, column: cell, reason: `is not a column of a ${kind} import (known: ${specs.map((s) => s.name).join(', ')})` });
      return null;
    }
    if (seen.has(spec)) errors.push({ row: 1, column: cell, reason: `repeats the column ${spec.name}` });
    seen.add(spec);
    return spec;
  });
  for (const spec of specs) {
    if (spec.required && !seen.has(spec)) errors.push({ row: 1, column: spec.name, reason: 'is a required column and the header does not have it' });
  }
  return { columns, errors };
}

/** The column a field error of the create schema or the service belongs to (`links.2` → links). */
export function columnOfField(kind: ImportKind, path: string, header: (ColumnSpec | null)[], written: string[]): string | null {
  const field = path.split('.')[0];
  const index = header.findIndex((spec) => spec?.field === field);
  if (index !== -1) return written[index] ?? null;
  return IMPORT_COLUMNS[kind].find((s) => s.field === field)?.name ?? null;
}

/** Splits a list cell: `a; b;c` → [a, b, c]. */
export function listCell(cell: string): string[] {
  return cell.split(';').map((s) => s.trim()).filter(Boolean);
}

/** Task links written `lead:ID` (several separated by `;`, `,` or spaces). */
export function linksCell(cell: string): { links: { type: string; id: string }[]; bad: string[] } {
  const links: { type: string; id: string }[] = [];
  const bad: string[] = [];
  for (const token of cell.split(/[;,\s]+/).filter(Boolean)) {
    const match = /^([a-z_]+):(.+)$/i.exec(token);
    if (match) links.push({ type: match[1]!.toLowerCase(), id: match[2]! });
    else bad.push(token);
  }
  return { links, bad };
}

/**
 * Ids in other systems written `source:id`, several separated by `;` (as the
 * exports write them, `hubspot:4711; jobber:c-9`). A `;` splits only where a
 * source name and a colon follow, so an id may itself hold `;` or `:`.
 */
export function refsCell(cell: string): { refs: { source: string; id: string }[]; bad: string[] } {
  const refs: { source: string; id: string }[] = [];
  const bad: string[] = [];
  for (const token of cell.split(/;(?=\s*[a-z][a-z0-9_-]{0,39}:)/).map((t) => t.trim()).filter(Boolean)) {
    const colon = token.indexOf(':');
    if (colon > 0) refs.push({ source: token.slice(0, colon), id: token.slice(colon + 1).trim() });
    else bad.push(token);
  }
  return { refs, bad };
}

export const importQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('true: check every row and answer the report, writing nothing'),
});

export const importBody = z
  .union([z.string().describe('text/csv: a header row, then one row per record'), z.strictObject({ csv: z.string().describe('the CSV text') })])
  .describe('The CSV as a text/csv body, or JSON {"csv": "…"}');

export const importResult = z.object({
  dryRun: z.boolean(),
  created: z.number().describe('rows created (on a dry run: rows that would be)'),
  updated: z.number().describe('rows whose external reference an existing record has, and that changed it'),
  unchanged: z.number().describe('rows whose external reference an existing record has, already holding what the row says'),
  ids: z.array(z.string()).describe('the ids of the created records, in row order (empty on a dry run)'),
});
export type ImportResult = z.infer<typeof importResult>;

export const importProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    rows: z.array(z.object({ row: z.number(), column: z.string().nullable(), reason: z.string() })).describe('the problems, by row (header = 1) and column: the first 100'),
    more: z.number().int().describe('how many problems there are beyond those listed'),
  })
  .describe('application/problem+json');
