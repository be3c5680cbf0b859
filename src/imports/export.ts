// CSV export of contacts, clients and leads in exactly the columns their
// import reads (same header names, same cell forms), ending with the record's
// references and id: the file imported again into the same organisation
// changes nothing, and another system can match each row by its references.
import { listUsers } from '../people/service.ts';
import type { Actor, Deps } from '../platform/context.ts';
import type { CsvCell } from '../platform/csv.ts';
import { pipelineListQuery, type RecordListQuery, type RecordType } from '../records/records.ts';
import { listRecords } from '../records/service.ts';
import { type ColumnSpec, IMPORT_COLUMNS } from './import.ts';

/** The record types an import takes, and so a list exports. */
export const EXPORT_KINDS = { contact: 'contacts', client: 'clients', lead: 'leads' } as const;
export type ExportType = keyof typeof EXPORT_KINDS;

/** Rows read per page while streaming. */
const PAGE = 200;

/** The header row: the import's column names, in its order. */
export function exportHeader(type: ExportType): string[] {
  return IMPORT_COLUMNS[EXPORT_KINDS[type]].map((c) => c.name);
}

/** What cells name by id that people read by name: owners by email, pipelines by a name only one of them has. */
interface Names {
  emails: Map<string, string>;
  pipelines: Map<string, string>;
}

/**
 * Every record the list query matches (all pages, from its cursor on), one row
 * per record in the import's columns. The first page is read before the answer
 * starts, so a bad query (a cursor from another list) is a 400, not a broken file.
 */
export async function exportRows(deps: Deps, actor: Actor, type: ExportType, query: RecordListQuery): Promise<AsyncIterable<CsvCell[]>> {
  const names = await namesFor(deps, actor, type);
  const columns = IMPORT_COLUMNS[EXPORT_KINDS[type]];
  const pageAt = (cursor: string | undefined) => listRecords(deps, actor, type, { ...query, limit: PAGE, cursor });
  const first = await pageAt(query.cursor);
  return (async function* () {
    let page = first;
    for (;;) {
      for (const record of page.items) yield columns.map((spec) => cellOf(spec, record as unknown as Record<string, unknown>, names));
      if (!page.nextCursor) return;
      page = await pageAt(page.nextCursor);
    }
  })();
}

/** The cell the import reads back as the record's value of this column. */
function cellOf(spec: ColumnSpec, record: Record<string, unknown>, names: Names): CsvCell {
  const value = record[spec.field];
  switch (spec.kind) {
    case 'person':
      return names.emails.get(value as string) ?? (value as string);
    case 'pipeline':
      return names.pipelines.get(value as string) ?? (value as string);
    case 'list':
      return (value as string[]).join('; ');
    case 'refs':
      return (value as { source: string; id: string }[]).map((r) => `${r.source}:${r.id}`).join('; ');
    case 'number':
      return typeof value === 'number' ? value : null;
    default:
      return typeof value === 'string' ? value : null;
  }
}

async function namesFor(deps: Deps, actor: Actor, type: ExportType): Promise<Names> {
  const emails = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page = await listUsers(deps, actor, { limit: PAGE, cursor });
    for (const user of page.items) emails.set(user.id, user.email);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const pipelines = new Map<string, string>();
  if (type === 'lead') {
    const all = (await listRecords(deps, actor, 'pipeline', pipelineListQuery.parse({ limit: String(PAGE), archived: 'all' }))).items;
    // A name two pipelines share would import into the first of them: those are written by id.
    for (const p of all) if (all.filter((q) => q.name.toLowerCase() === p.name.toLowerCase()).length === 1) pipelines.set(p.id, p.name);
  }
  return { emails, pipelines };
}

/** What the record lists answer with ?format=csv (server.ts hands it to the records' routes). */
export const recordCsv = {
  header: (type: RecordType): string[] | undefined => (type in EXPORT_KINDS ? exportHeader(type as ExportType) : undefined),
  rows: (deps: Deps, actor: Actor, type: RecordType, query: RecordListQuery): Promise<AsyncIterable<CsvCell[]>> => exportRows(deps, actor, type as ExportType, query),
};
