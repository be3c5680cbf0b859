// What tasks need of the records they link to: checking links before a write,
// and a summary of each linked record for a page of tasks.
import type { AliasableExpression, Expression } from 'kysely';
import { dialectOfHandle } from '../platform/db/dialect.ts';
import type { Db } from '../platform/db/schema.ts';
import { type FieldError, Invalid, NotFound } from '../platform/errors.ts';
import type { LinkableType, LinkSummary } from './records.ts';
import { parseRefs } from './external.ts';
import * as store from './store.ts';

export interface RecordLink {
  type: LinkableType;
  id: string;
}

/**
 * Checks the records a task is about to link to: each must exist in this
 * organisation (else 404) and not be archived (else 400), named `links.N`.
 * Links the task already had are kept as they are, archived or not.
 */
export async function checkLinks(db: Db, orgId: string, links: RecordLink[], alreadyLinked: RecordLink[] = []): Promise<void> {
  const kept = new Set(alreadyLinked.map(linkKey));
  const fresh = links.map((link, index) => ({ link, index })).filter(({ link }) => !kept.has(linkKey(link)));
  if (fresh.length === 0) return;
  const found = new Map((await store.linkedRecords(db, orgId, fresh.map((f) => f.link))).map((r) => [`${r.type}:${r.id}`, r]));
  const missing: FieldError[] = [];
  const archived: FieldError[] = [];
  for (const { link, index } of fresh) {
    const row = found.get(linkKey(link));
    if (!row) missing.push({ path: `links.${index}`, message: `no such ${link.type}` });
    else if (row.archived_at !== null) archived.push({ path: `links.${index}`, message: `the ${link.type} is archived` });
  }
  if (missing.length > 0) throw new NotFound('Linked record', missing);
  if (archived.length > 0) throw new Invalid(archived.map((e) => `${e.path}: ${e.message}`).join('; '), archived);
}

/** What a page of tasks shows of the records it links to: one query for the whole page. */
export async function linkSummaries(db: Db, orgId: string, links: RecordLink[]): Promise<Map<string, LinkSummary>> {
  if (links.length === 0) return new Map();
  return summariesOf(await store.linkedRecords(db, orgId, links));
}

/**
 * On PostgreSQL, what a page of tasks selects beside each row to bring the
 * records it links to along (summariesOf reads them): the page and its records
 * in one round trip instead of two. None on SQLite, where a second query
 * costs no round trip.
 */
export function summariesBeside(db: Db): ((links: Expression<string>, orgId: Expression<string>) => AliasableExpression<store.SummaryRow[] | null>) | undefined {
  return dialectOfHandle(db) === 'postgres' ? (links, orgId) => store.linkedRecordsBeside(db, links, orgId) : undefined;
}

/** Linked records' rows (linkedRecords' or linkedRecordsBeside's) as the summaries a task shows, by linkKey. */
export function summariesOf(rows: readonly store.SummaryRow[]): Map<string, LinkSummary> {
  return new Map(
    rows.map((r) => {
      const summary: LinkSummary = { type: r.type as LinkableType, id: r.id, name: r.name, archived: r.archived_at !== null, externalRefs: parseRefs(r.external_refs) };
      if (r.phone) summary.phone = r.phone;
      if (r.address) summary.address = r.address;
      return [`${r.type}:${r.id}`, summary];
    }),
  );
}

export function linkKey(link: RecordLink): string {
  return `${link.type}:${link.id}`;
}
