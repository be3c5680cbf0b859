// The linked records' summaries on SQLite (what linkedRecords answers there):
// one statement of fixed text for any page, prepared once and kept. Its rows
// are store.ts's SummaryRow (the caller names the type: store imports this file).
import { type CompiledQuery, sql } from 'kysely';
import { QueryShapes } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import type { LinkableType } from './records.ts';

const TYPES = ['contact', 'client', 'lead', 'job', 'service'] as const satisfies readonly LinkableType[];

/**
 * Each type's ids arrive as one JSON array, read with json_each and looked up
 * by primary key (CROSS JOIN keeps json_each outside), rather than as IN
 * lists: SQLite builds a temporary b-tree for every IN list of more than two
 * values, five of them a page, and a list's length changed the SQL text. The
 * organisation is compared as cast(? as text): a value bound to a plain `?`
 * beside an index with sqlite_stat4 samples makes SQLite plan the statement
 * again at every run (to look the value up in the samples), and planning this
 * five-branch union cost about as much as running it. The lookups are by id,
 * so the samples could not change the plan anyway. Same rows as the
 * PostgreSQL query (linkedRecords in store.ts).
 */
export async function linkedRecordsOnSqlite<Row>(db: Db, orgId: string, links: readonly { type: LinkableType; id: string }[]): Promise<Row[]> {
  const params: string[] = [];
  for (const type of TYPES) params.push(JSON.stringify([...new Set(links.filter((l) => l.type === type).map((l) => l.id))]), orgId);
  return shapes.run<Row>(db, 'linkedRecords', params, () => ({ compile: () => summariesQuery<Row>(params).compile(db) as CompiledQuery<Row> }));
}

const shapes = new QueryShapes();

/** The statement (params: each type's ids as JSON and the organisation, in TYPES' order). */
function summariesQuery<Row>(params: readonly string[]) {
  const [contacts, org1, clients, org2, leads, org3, jobs, org4, services, org5] = params;
  const org = (value: string | undefined) => sql`cast(${value} as text)`;
  return sql<Row>`select 'contact' as type, contacts.id, contacts.name, contacts.phone, contacts.address, contacts.archived_at, contacts.external_refs
    from json_each(${contacts}) as asked cross join contacts where contacts.id = asked.value and contacts.org_id = ${org(org1)}
  union all select 'client', clients.id, clients.name, cast(null as text), clients.address, clients.archived_at, clients.external_refs
    from json_each(${clients}) as asked cross join clients where clients.id = asked.value and clients.org_id = ${org(org2)}
  union all select 'lead', leads.id, leads.title, contacts.phone, contacts.address, leads.archived_at, leads.external_refs
    from json_each(${leads}) as asked cross join leads left join contacts on contacts.id = leads.contact_id and contacts.org_id = leads.org_id
    where leads.id = asked.value and leads.org_id = ${org(org3)}
  union all select 'job', jobs.id, jobs.title, cast(null as text), jobs.address, jobs.archived_at, jobs.external_refs
    from json_each(${jobs}) as asked cross join jobs where jobs.id = asked.value and jobs.org_id = ${org(org4)}
  union all select 'service', services.id, services.title, cast(null as text), clients.address, services.archived_at, services.external_refs
    from json_each(${services}) as asked cross join services left join clients on clients.id = services.client_id and clients.org_id = services.org_id
    where services.id = asked.value and services.org_id = ${org(org5)}`;
}
