// CSV import: parse the file, turn each row into the create body its kind's
// route takes, check it with the same schema and the same use case, and write
// every row in one transaction — or none, with every problem listed.
import { CsvError, parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { recordAudit } from '../audit/service.ts';
import { listTeams, listUsers, orgTimezone, requireRole } from '../people/service.ts';
import type { Actor, Deps } from '../platform/context.ts';
import { restoreCell } from '../platform/csv.ts';
import type { Db } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { type ExternalRef, pipelineListQuery } from '../records/records.ts';
import { changeByIdIn, createClientIn, createContactIn, createLeadIn, listRecords, upsertByReferenceIn } from '../records/service.ts';
import { insertNewTask, type TaskSource } from '../tasks/service.ts';
import {
  type ColumnSpec,
  columnOfField,
  CREATE_SCHEMAS,
  type ImportKind,
  type ImportResult,
  linksCell,
  listCell,
  matchHeader,
  MAX_IMPORT_ROWS,
  refsCell,
  type RowError,
} from './import.ts';

/** At most this many problems are listed in a 422; `more` says how many others there are (a file cannot make the answer large). */
export const MAX_LISTED_PROBLEMS = 100;
/** A column name longer than this is cut short where a problem names it. */
const MAX_COLUMN_SHOWN = 80;

/** The file has problems: nothing was written, and `rows` says what and where (the first MAX_LISTED_PROBLEMS of them; `more` counts the rest). */
export class ImportRejected extends DomainError {
  readonly status = 422;
  readonly code = 'import-rejected';
  readonly rows: RowError[];
  readonly more: number;
  constructor(all: RowError[]) {
    const rows = all.slice(0, MAX_LISTED_PROBLEMS).map((r) => ({ ...r, column: r.column && r.column.length > MAX_COLUMN_SHOWN ? `${r.column.slice(0, MAX_COLUMN_SHOWN)}…` : r.column }));
    const more = all.length - rows.length;
    const listed = more > 0 ? ` (the first ${rows.length} are listed, ${more} more are not)` : '';
    super(`The file has ${all.length} problem${all.length === 1 ? '' : 's'}${listed}; nothing was imported`, rows.map((r) => ({ path: r.column ? `row ${r.row}.${r.column}` : `row ${r.row}`, message: r.reason })));
    this.rows = rows;
    this.more = more;
  }
}

/** Where the first U+FFFD of a CSV decoded leniently is — `row N.column` (or `row N`) — for a file that is not valid UTF-8. */
export function csvPlaceOfReplacement(lossy: string): string {
  let records: string[][];
  try {
    records = parse(lossy, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: false }) as string[][];
  } catch {
    return 'body';
  }
  for (const [index, cells] of records.entries()) {
    const column = cells.findIndex((cell) => cell.includes('\uFFFD'));
    if (column === -1) continue;
    const name = index === 0 ? null : records[0]?.[column];
    return name ? `row ${index + 1}.${name.slice(0, MAX_COLUMN_SHOWN)}` : `row ${index + 1}`;
  }
  return 'body';
}

export class ImportTooLarge extends DomainError {
  readonly status = 413;
  readonly code = 'too-large';
}

export interface ImportRequest {
  kind: ImportKind;
  csv: string;
  dryRun: boolean;
  source: TaskSource;
  ip?: string;
}

/** Rolls a dry run's transaction back once every row went through. */
class DryRunFinished extends Error {
  constructor(readonly counts: { created: number; updated: number; unchanged: number }) {
    super('dry run');
  }
}

export async function importCsv(deps: Deps, actor: Actor, request: ImportRequest): Promise<ImportResult> {
  requireRole(actor, 'manager');
  const records = parseCsv(request.csv);
  const [header = [], ...rows] = records;
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportTooLarge(`The file has ${rows.length} rows; an import takes at most ${MAX_IMPORT_ROWS} rows (split it into several files)`);
  const matched = matchHeader(request.kind, header);
  if (records.length === 0) throw new ImportRejected([{ row: 1, column: null, reason: 'the file is empty: it needs a header row, then one row per record' }]);
  if (matched.errors.length) throw new ImportRejected(matched.errors);
  if (rows.length === 0) throw new ImportRejected([{ row: 2, column: null, reason: 'the file has a header row but no rows to import' }]);

  const lookups = await lookupsFor(deps, actor, request.kind);
  const errors: RowError[] = [];
  const bodies: { row: number; body: unknown; sent: string[]; id?: string }[] = [];
  for (const [index, cells] of rows.entries()) {
    const row = index + 2;
    if (cells.every((c) => c.trim() === '')) continue;
    const drafted = draftBody(cells, matched.columns, header, lookups, row);
    errors.push(...drafted.errors);
    const { id, ...fields } = drafted.body;
    const parsed = CREATE_SCHEMAS[request.kind].safeParse(fields);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join('.');
        const missing = issue.code === 'invalid_type' && issue.input === undefined;
        errors.push({ row, column: columnOfField(request.kind, path, matched.columns, header), reason: missing ? 'is required' : issue.message });
      }
    } else if (drafted.errors.length === 0) {
      bodies.push({ row, body: parsed.data, sent: Object.keys(fields), ...(typeof id === 'string' && { id }) });
    }
  }
  // Rows that passed go through the use case too (and are rolled back), so one answer lists every problem.
  const now = deps.clock.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const ids: string[] = [];
      const counts = { updated: 0, unchanged: 0 };
      for (const { row, body, sent, id } of bodies) {
        try {
          const written = await writeOne(trx, actor, request, { body, sent, id }, now);
          if (written.created) ids.push(written.id);
          else counts[written.changed ? 'updated' : 'unchanged']++;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const fields = error.errors?.length ? error.errors : [{ path: '', message: error.message }];
          for (const field of fields) errors.push({ row, column: columnOfField(request.kind, field.path, matched.columns, header), reason: field.message });
        }
      }
      if (errors.length) throw new ImportRejected(sorted(errors));
      if (request.dryRun) throw new DryRunFinished({ created: ids.length, ...counts });
      await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'data.imported', subject: { type: 'import', id: request.kind }, data: { kind: request.kind, rows: ids.length + counts.updated + counts.unchanged, created: ids.length, ...counts }, ip: request.ip ?? null }, now);
      return { dryRun: false, created: ids.length, ...counts, ids };
    });
  } catch (error) {
    if (error instanceof DryRunFinished) return { dryRun: true, ...error.counts, ids: [] };
    throw error;
  }
}

/** Every record of the file, header first; a file that is not CSV is one problem, where the parser stopped. */
function parseCsv(csv: string): string[][] {
  try {
    // A cell our export neutralised against formula injection ('=…) is read back as it was written (=…).
    return (parse(csv, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: false }) as string[][]).map((cells) => cells.map(restoreCell));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const lines = (error as CsvError & { lines?: number }).lines;
    throw new ImportRejected([{ row: ((error as CsvError & { records?: number }).records ?? 0) + 1, column: null, reason: `is not valid CSV${lines ? ` (near line ${lines})` : ''}: ${error.message.replace(/^[^:]*:\s*/, '')}` }]);
  }
}

function sorted(errors: RowError[]): RowError[] {
  return [...errors].sort((a, b) => a.row - b.row);
}

const RECORD_TYPES = { contacts: 'contact', clients: 'client', leads: 'lead' } as const;

/**
 * Creates the row's record, or — for a record row with the id of one of the
 * organisation's records, or else with external references — updates that
 * record (or the one that already has the row's first reference) with the
 * cells the row fills (the row's references joining the record's), changing
 * nothing when it already holds them.
 */
async function writeOne(trx: Db, actor: Actor, request: ImportRequest, row: { body: unknown; sent: string[]; id?: string }, now: number): Promise<{ id: string; created: boolean; changed: boolean }> {
  const { body, sent } = row;
  const input = body as Record<string, unknown> & { externalRefs?: ExternalRef[] };
  if (request.kind !== 'tasks' && row.id !== undefined) {
    const changed = await changeByIdIn(trx, actor, { type: RECORD_TYPES[request.kind], id: row.id, input, sent: sent.filter((f) => f !== 'externalRefs') }, now);
    return { id: changed.record.id, created: false, changed: changed.changed };
  }
  const [first] = input.externalRefs ?? [];
  if (request.kind === 'tasks' || first === undefined) return { id: await createOne(trx, actor, request, body, now), created: true, changed: true };
  const upserted = await upsertByReferenceIn(trx, actor, { type: RECORD_TYPES[request.kind], ref: first, input, sent: sent.filter((f) => f !== 'externalRefs'), mergeRefs: true }, now);
  return { id: upserted.record.id, created: upserted.created, changed: upserted.changed };
}

function createOne(trx: Db, actor: Actor, request: ImportRequest, body: unknown, now: number): Promise<string> {
  switch (request.kind) {
    case 'contacts':
      return createContactIn(trx, { actor, input: body as never, now }).then((r) => r.id);
    case 'clients':
      return createClientIn(trx, { actor, input: body as never, now }).then((r) => r.id);
    case 'leads':
      return createLeadIn(trx, { actor, input: body as never, now }).then((r) => r.id);
    case 'tasks':
      return insertNewTask(trx, { actor, input: body as never, source: request.source, now }).then((r) => r.id);
  }
}

/** What cells name that the create bodies take by id: people, teams, pipelines, and the zone local dates are read in. */
interface Lookups {
  /** Everyone, deactivated people too: a record may still be owned by one (and its export names them). */
  people: { id: string; email: string; name: string; active: boolean }[];
  teams: { id: string; name: string }[];
  pipelines: { id: string; name: string }[];
  timezone: string;
}

async function lookupsFor(deps: Deps, actor: Actor, kind: ImportKind): Promise<Lookups> {
  const people: Lookups['people'] = [];
  let cursor: string | undefined;
  do {
    const page = await listUsers(deps, actor, { limit: 200, cursor });
    people.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const teams: Lookups['teams'] = [];
  if (kind === 'tasks') {
    cursor = undefined;
    do {
      const page = await listTeams(deps, actor, { limit: 200, cursor });
      teams.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  const pipelines = kind === 'leads' ? (await listRecords(deps, actor, 'pipeline', pipelineListQuery.parse({ limit: '200' }))).items : [];
  return { people, teams, pipelines, timezone: kind === 'tasks' ? await orgTimezone(deps.db, actor.orgId) : 'UTC' };
}

/** A row's cells as the create body, with the problems of cells that name something that is not there. */
function draftBody(cells: string[], columns: (ColumnSpec | null)[], header: string[], lookups: Lookups, row: number): { body: Record<string, unknown>; errors: RowError[] } {
  const body: Record<string, unknown> = {};
  const errors: RowError[] = [];
  const fail = (index: number, reason: string) => errors.push({ row, column: header[index] ?? null, reason });
  if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== '')) {
    errors.push({ row, column: null, reason: `has ${cells.length} cells but the header has ${header.length} columns` });
  }
  for (const [index, spec] of columns.entries()) {
    const raw = cells[index] ?? '';
    const cell = raw.trim();
    if (!spec || cell === '') continue;
    switch (spec.kind) {
      case 'text':
        body[spec.field] = spec.field === 'description' || spec.field === 'notes' ? raw : cell;
        break;
      case 'number': {
        const value = Number(cell.replace(/[,\s]/g, ''));
        if (Number.isFinite(value)) body[spec.field] = value;
        else fail(index, `must be a number, got "${cell}"`);
        break;
      }
      case 'list':
        body[spec.field] = listCell(cell);
        break;
      case 'person': {
        // A record may stay with an owner deactivated since (its export names them); work goes to active people only.
        const found = findPerson(spec.field === 'ownerId' ? lookups.people : lookups.people.filter((p) => p.active), cell);
        if (typeof found === 'string') body[spec.field] = found;
        else fail(index, found.reason);
        break;
      }
      case 'team': {
        const team = lookups.teams.find((t) => t.id === cell) ?? lookups.teams.find((t) => t.name.toLowerCase() === cell.toLowerCase());
        if (team) body[spec.field] = team.id;
        else fail(index, `no team "${cell}" in this organisation`);
        break;
      }
      case 'pipeline': {
        const pipeline = lookups.pipelines.find((p) => p.id === cell) ?? lookups.pipelines.find((p) => p.name.toLowerCase() === cell.toLowerCase());
        if (pipeline) body[spec.field] = pipeline.id;
        else fail(index, `no pipeline "${cell}" in this organisation`);
        break;
      }
      case 'links': {
        const { links, bad } = linksCell(cell);
        if (bad.length) fail(index, `write each link as type:id (e.g. lead:01J…); "${bad[0]}" is not`);
        else body[spec.field] = links;
        break;
      }
      case 'instant':
        body[spec.field] = instantCell(cell, lookups.timezone);
        break;
      case 'id':
        body[spec.field] = cell;
        break;
      case 'refs': {
        const { refs, bad } = refsCell(cell);
        if (bad.length) fail(index, `write each id in another system as source:id (e.g. hubspot:4711); "${bad[0]}" is not`);
        else body[spec.field] = refs;
        break;
      }
    }
  }
  return { body, errors };
}

/** A person by email, or by name when exactly one active person has it. */
function findPerson(people: Lookups['people'], cell: string): string | { reason: string } {
  if (cell.includes('@')) {
    const person = people.find((p) => p.email.toLowerCase() === cell.toLowerCase());
    return person ? person.id : { reason: `no one with the email ${cell} in this organisation` };
  }
  const named = people.filter((p) => p.active && (p.name.toLowerCase() === cell.toLowerCase() || p.id === cell));
  if (named.length === 1) return named[0]!.id;
  if (named.length === 0) return { reason: `no one called "${cell}" in this organisation (write their email)` };
  return { reason: `${named.length} people are called "${cell}": write their email instead` };
}

/** `2026-03-05` or `2026-03-05 14:30` in the organisation's zone; anything else goes to the schema as written. */
function instantCell(cell: string, zone: string): string {
  const local = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?$/.exec(cell);
  if (!local) return cell;
  const parsed = DateTime.fromISO(`${local[1]}T${(local[2] ?? '00:00').padStart(5, '0')}`, { zone });
  return parsed.isValid ? parsed.toUTC().toISO()! : cell;
}
