// Where each report figure leads: the task list with the filters that select
// exactly the tasks it counts, carrying the report's team, person and period.
// Kept free of React so a test can follow every link the page draws.
import type { ReportFilter } from './format.ts';

/** The task list's address parameters. */
export type ListParams = Record<string, string>;

/** What every link carries: the report's team and person, and the period the report was counted over (its answer's window). */
export interface LinkScope {
  team?: string;
  assignee?: string;
  window?: { from: string; to: string };
}

export function linkScope(filter: Pick<ReportFilter, 'team' | 'assignee'>, window?: { from: string; to: string }): LinkScope {
  return { team: filter.team || undefined, assignee: filter.assignee || undefined, window };
}

export function listHref(params: ListParams): string {
  const search = new URLSearchParams(params).toString();
  return search ? `/tasks?${search}` : '/tasks';
}

function scopeParams(scope: LinkScope, narrower: { team?: string | null; assignee?: string | null } = {}): ListParams {
  const params: ListParams = {};
  const team = narrower.team !== undefined ? (narrower.team ?? 'none') : scope.team;
  const assignee = narrower.assignee !== undefined ? (narrower.assignee ?? 'none') : scope.assignee;
  if (assignee) params.assignee = assignee;
  if (team) params.team = team;
  return params;
}

function windowParams(scope: LinkScope, prefix: 'created' | 'completed' | 'due', window = scope.window): ListParams {
  return window ? { [`${prefix}From`]: window.from, [`${prefix}To`]: window.to } : {};
}

type Who = { team?: string | null; assignee?: string | null };

/** The part of the report's period one week of a weekly chart covers: from its Monday (or the period's start) to the next (or the period's end). */
export function weekWindow(weeks: readonly { start: string }[], index: number, period: { from: string; to: string }): { from: string; to: string } {
  const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
  const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);
  const next = weeks[index + 1];
  return { from: later(weeks[index]!.start, period.from), to: next ? earlier(next.start, period.to) : period.to };
}

export const links = {
  // --- now ---
  open: (scope: LinkScope, who: Who = {}): ListParams => scopeParams(scope, who),
  overdue: (scope: LinkScope, who: Who = {}): ListParams => ({ ...scopeParams(scope, who), overdue: 'true' }),
  dueToday: (scope: LinkScope): ListParams => ({ ...scopeParams(scope), due: 'today' }),
  dueThisWeek: (scope: LinkScope, who: Who = {}): ListParams => ({ ...scopeParams(scope, who), due: 'week' }),
  overdueOfType: (scope: LinkScope, recordType: string): ListParams => ({ ...scopeParams(scope), overdue: 'true', recordType }),
  aged: (scope: LinkScope, ages: string[], who: Who = {}): ListParams => ({ ...scopeParams(scope, who), age: ages.join(',') }),
  inStatus: (scope: LinkScope, status: string, team: string | null, overdue = false): ListParams => ({ ...scopeParams(scope, { team }), status, ...(overdue ? { overdue: 'true' } : {}) }),
  /** Open tasks linked to a lead now at a stage of a pipeline (overdue ones only, if asked): the bottlenecks report's leads by stage. */
  leadStage: (scope: LinkScope, pipelineId: string, stage: string, overdue = false): ListParams => ({ ...scopeParams(scope), leadStage: stage, leadPipeline: pipelineId, ...(overdue ? { overdue: 'true' } : {}) }),
  // --- in the period ---
  completed: (scope: LinkScope, who: Who = {}, window = scope.window): ListParams => ({ ...scopeParams(scope, who), status: 'done', ...windowParams(scope, 'completed', window) }),
  onTime: (scope: LinkScope): ListParams => ({ ...links.completed(scope), timing: 'onTime' }),
  late: (scope: LinkScope, who: Who = {}): ListParams => ({ ...links.completed(scope, who), timing: 'late' }),
  /** Open, due in the period, and past due now: the late work the on-time rate counts though it is not completed. */
  overdueDueIn: (scope: LinkScope): ListParams => ({ ...scopeParams(scope), overdue: 'true', ...windowParams(scope, 'due') }),
  created: (scope: LinkScope, window = scope.window): ListParams => ({ ...scopeParams(scope), status: 'all', ...windowParams(scope, 'created', window) }),
  createdBySource: (scope: LinkScope, source: string): ListParams => ({ ...links.created(scope), source }),
  /** The tasks a rule created in the period: all of them, or those now in one state. */
  byRule: (scope: LinkScope, ruleId: string, state: 'all' | 'open' | 'done' | 'cancelled' = 'all'): ListParams => {
    const { status: _status, ...created } = links.created(scope);
    return { ...created, rule: ruleId, ...(state === 'open' ? {} : { status: state }) };
  },
  /** The tasks a rule created in the period that the system, not a person, closed (done or cancelled). */
  ruleAutoClosed: (scope: LinkScope, ruleId: string): ListParams => ({ ...links.byRule(scope, ruleId), closedBy: 'automation' }),
  /** The tasks a rule created in the period that were done after their due date: the late part of its on-time rate. */
  ruleLate: (scope: LinkScope, ruleId: string): ListParams => ({ ...links.byRule(scope, ruleId, 'done'), timing: 'late' }),
};
