// The status-flow rollup rebuilt from task_history: what 0014_report_flow_sources
// backfills, and what bulk loads that write history directly call afterwards.
import { type QueryExecutorProvider, sql } from 'kysely';

/**
 * (Re)builds the status-flow rollup from task_history — of one organisation,
 * or of all: what the migration backfills, and what bulk loads that write
 * history directly (demo, benchmark) call afterwards.
 */
export async function fillReportRollups(db: QueryExecutorProvider, orgId?: string): Promise<void> {
  const ofOrg = orgId === undefined ? sql.raw('') : sql`and h.org_id = ${orgId}`;
  if (orgId !== undefined) await sql`delete from report_status_flows where org_id = ${orgId}`.execute(db);
  const day = sql`h.at / 86400000`;
  const columns = sql`h.org_id, ${day}, coalesce(t.team_id, ''), t.source_kind, coalesce(h.from_value, ''), coalesce(h.to_value, '')`;
  await sql`
    insert into report_status_flows (org_id, day, team_key, source_key, from_status, to_status, link_type, changes, offset_ms)
    select ${columns}, '', count(*), sum(h.at % 86400000)
    from task_history h join tasks t on t.id = h.task_id and t.org_id = h.org_id
    where h.field = 'status' ${ofOrg}
    group by ${columns}`.execute(db);
  // A task linked to several records of one type counts once for that type:
  // one row per (change, type) first. The history drives, each change finding
  // its task and then its links by the links' key, the task id (a link is its
  // task's: the task is the org check). CROSS JOIN keeps SQLite in that order;
  // before it, and with no ANALYZE yet, SQLite scanned the links and searched
  // the org's whole status history for each: hours at a million tasks.
  await sql`
    insert into report_status_flows (org_id, day, team_key, source_key, from_status, to_status, link_type, changes, offset_ms)
    select org_id, day, team_key, source_key, from_status, to_status, record_type, count(*), sum(at_ms)
    from (
      select distinct h.id, h.org_id, ${day} as day, coalesce(t.team_id, '') as team_key, t.source_kind as source_key, coalesce(h.from_value, '') as from_status,
        coalesce(h.to_value, '') as to_status, l.record_type, h.at % 86400000 as at_ms
      from task_history h cross join tasks t cross join task_links l
      where h.field = 'status' ${ofOrg} and t.id = h.task_id and t.org_id = h.org_id and l.task_id = t.id
    ) changes
    group by org_id, day, team_key, source_key, from_status, to_status, record_type`.execute(db);
}
