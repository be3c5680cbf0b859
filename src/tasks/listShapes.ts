// What a task list or count asks for (its filter, order and page), and what
// makes one such query's SQL differ from another's, with its values in the
// order they are bound: the key its compiled SQL is kept under (QueryShapes
// in store.ts), so a list page is compiled once per shape.
import { escapeLike } from '../platform/db/text.ts';
import type { ReportListFilter } from './listFilters.ts';
import { isFinal, type LinkType, OPEN_STATUSES, type Priority, type SortKey, type Status } from './task.ts';

/** Which of an organisation's tasks a list or count reads. */
export interface TaskFilter extends ReportListFilter {
  assigneeId?: string | null;
  /** null: tasks no team owns. */
  teamId?: string | null;
  statuses?: Status[];
  overdueAt?: number;
  priorities?: Priority[];
  dueBefore?: number;
  dueAfter?: number;
  link?: { type: LinkType; id: string };
  text?: string;
}

/** How a list page is ordered, and which page: its size and the sort values of the last row before it. */
export type ListSort = { key: SortKey; descending: boolean };
export type ListPage = { limit: number; after?: (string | number | null)[] };

const SHAPED_FILTERS = new Set(['assigneeId', 'teamId', 'statuses', 'overdueAt', 'priorities', 'dueBefore', 'dueAfter', 'link', 'text']);

/**
 * What makes one list query's SQL differ from another's (which filters, how
 * many values in each list, the sort, a cursor) and its values in the order
 * they are bound — so the SQL is compiled once per shape (QueryShapes checks
 * the order against Kysely's the first time). A filter this does not know
 * yet is simply compiled every time.
 */
export function listShape(orgId: string, filter: TaskFilter, sort: ListSort, page: ListPage) {
  const open = everyOpenStatus(filter.statuses);
  const shape = filterShape(orgId, open ? withoutStatuses(filter) : filter);
  if (!shape) return null;
  const { key, params } = shape;
  if (open) key.push('open');
  key.push(`sort:${sort.key}:${sort.descending ? 'desc' : 'asc'}`);
  if (page.after) {
    key.push(`after${page.after.length}`);
    params.push(...page.after);
  }
  params.push(page.limit);
  return { key: key.join(','), params };
}

/** The filters' part of a shape (listShape): which filters, and their values in the order matching() binds them. */
export function filterShape(orgId: string, filter: TaskFilter): { key: string[]; params: unknown[] } | null {
  const given = Object.entries(filter).filter(([, value]) => value !== undefined);
  if (given.some(([name]) => !SHAPED_FILTERS.has(name))) return null;
  const key: string[] = [];
  const params: unknown[] = [orgId];
  if (filter.assigneeId !== undefined) {
    key.push(filter.assigneeId === null ? 'unassigned' : 'assignee');
    if (filter.assigneeId !== null) params.push(filter.assigneeId);
  }
  if (filter.teamId !== undefined) {
    key.push(filter.teamId === null ? 'noteam' : 'team');
    if (filter.teamId !== null) params.push(filter.teamId);
  }
  if (filter.statuses) {
    const finals = filter.statuses.filter((s) => s === 'done' || s === 'cancelled').length;
    const active = finals === 0 ? 1 : finals === filter.statuses.length ? 0 : null;
    // One status is in the SQL itself (matching()), and so is open or closed.
    key.push(filter.statuses.length === 1 ? `status:${filter.statuses[0]}` : `statuses${filter.statuses.length}:${active ?? 'mixed'}`);
    if (filter.statuses.length > 1) params.push(...filter.statuses);
  }
  if (filter.overdueAt !== undefined) {
    key.push('overdue');
    params.push(filter.overdueAt);
  }
  if (filter.priorities) {
    key.push(`priorities${filter.priorities.length}`);
    params.push(...filter.priorities);
  }
  if (filter.dueBefore !== undefined) {
    key.push('dueBefore');
    params.push(filter.dueBefore);
  }
  if (filter.dueAfter !== undefined) {
    key.push('dueAfter');
    params.push(filter.dueAfter);
  }
  if (filter.link) {
    key.push('link');
    params.push(orgId, filter.link.type, filter.link.id);
  }
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text.toLowerCase())}%`;
    key.push('text');
    params.push(pattern, pattern);
  }
  return { key, params };
}

/**
 * The statuses are exactly the open ones (My work's default): a list page
 * then says only active = 1 (store.ts, listTasksQuery), which means the
 * same. With the status list beside it PostgreSQL multiplies the two
 * selectivities, estimates a person's open tasks at a twentieth of what they
 * are, and plans the page's named statement anew at every run (a custom plan
 * looks cheaper than the cached one). The counts keep the list: they read a
 * range per status.
 */
export function everyOpenStatus(statuses: readonly Status[] | undefined): boolean {
  return statuses !== undefined && statuses.every((status) => !isFinal(status)) && OPEN_STATUSES.every((status) => statuses.includes(status));
}

export function withoutStatuses(filter: TaskFilter): TaskFilter {
  const { statuses: _statuses, ...rest } = filter;
  return rest;
}
