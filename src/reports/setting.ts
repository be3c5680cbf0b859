// What every report starts from: the role check, the window, the filters as a
// task scope, the names of people and teams; and the small helpers they share.
import type { Actor, Deps } from '../platform/context.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import { iso } from '../platform/pagination.ts';
import * as people from '../people/service.ts';
import { type SOURCE_KINDS } from '../tasks/task.ts';
import { type CompletionStats, DAY, type Window } from './report.ts';
import * as store from './store.ts';
import type { ReportFilters, WindowQuery } from './views.ts';

export type SourceKind = (typeof SOURCE_KINDS)[number];

const DEFAULT_WINDOW_MS = 30 * DAY;

/** Reports read every change inside the window: a year bounds what one request may cost (and keeps daily buckets under 400). */
const MAX_WINDOW_MS = 366 * DAY;

/** What every report starts from: who may see it, now, the org's calendar, the tasks in scope, and names. */
export interface Setting {
  now: number;
  timezone: string;
  scope: store.TaskScope;
  names: Map<string, string>;
  header: { timezone: string; generatedAt: string };
}

export async function setting(deps: Deps, actor: Actor, filters: ReportFilters): Promise<Setting> {
  people.requireRole(actor, 'manager');
  const now = deps.clock.now();
  const [org, scope, names] = await Promise.all([people.getOrg(deps, actor), scopeOf(deps, actor, filters), people.namesById(deps, actor)]);
  return { now, timezone: org.timezone, scope, names, header: { timezone: org.timezone, generatedAt: iso(now) } };
}

/** The filters as a task scope; a team or person that is not in this organisation is a 404 naming the field. */
async function scopeOf(deps: Deps, actor: Actor, filters: ReportFilters): Promise<store.TaskScope> {
  const scope: store.TaskScope = { orgId: actor.orgId, linkType: filters.linkType, source: filters.source };
  if (filters.team !== undefined) {
    await people.getTeam(deps, actor, filters.team).catch(namingField('Team', 'team', 'no such team in this organisation'));
    scope.teamId = filters.team;
  }
  if (filters.assignee === 'none') scope.assigneeId = null;
  else if (filters.assignee === 'me') scope.assigneeId = actor.userId;
  else if (filters.assignee !== undefined) {
    await people.getUser(deps, actor, filters.assignee).catch(namingField('Assignee', 'assignee', 'no such user in this organisation'));
    scope.assigneeId = filters.assignee;
  }
  return scope;
}

/** A not-found, renamed to the filter that named it; any other error (the database gone) stays what it is. */
function namingField(what: string, path: string, message: string) {
  return (error: unknown): never => {
    if (!(error instanceof NotFound)) throw error;
    throw new NotFound(what, [{ path, message }]);
  };
}


export function windowOf(query: WindowQuery, now: number): Window {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_WINDOW_MS;
  if (from >= to) throw new Invalid('from must be before to', [{ path: 'from', message: 'must be before to' }]);
  if (to - from > MAX_WINDOW_MS) throw new Invalid('The window may span at most 366 days', [{ path: 'from', message: 'must be at most 366 days before to' }]);
  return { from, to };
}

export const windowView = (w: Window) => ({ from: iso(w.from), to: iso(w.to) });

export const nameOf = (names: Map<string, string>, id: string | null) => (id === null ? null : (names.get(id) ?? null));

/** Largest first, then by name, unowned last — the order a manager scans a table in. */
export function byWeightThenName<T extends { name: string | null }>(weight: (row: T) => number) {
  return (a: T, b: T) => weight(b) - weight(a) || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff');
}

export function statsView(stats: CompletionStats) {
  const { count, ...rest } = stats;
  return { completed: count, ...rest };
}

export const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
