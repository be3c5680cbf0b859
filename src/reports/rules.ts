// The automation report: what each rule evaluated, matched and did, and the
// tasks it made and closed.
import type { Actor, Deps } from '../platform/context.ts';
import { AUTOMATION_ACTOR_ID } from '../automation/actions.ts';
import * as automation from '../automation/service.ts';
import { rate } from './report.ts';
import * as ruleStore from './ruleStore.ts';
import type { AutomationView, WindowQuery } from './views.ts';
import { type SourceKind, setting, windowOf, windowView } from './setting.ts';

type RuleSummary = { name: string; enabled: boolean; createsTasks: boolean; stats: { evaluated: number; matched: number; missed: number } };

export async function automationReport(deps: Deps, actor: Actor, query: WindowQuery): Promise<AutomationView> {
  const s = await setting(deps, actor, query);
  const window = windowOf(query, s.now);
  const [sources, outcomes, autoClosed, rules, runs] = await Promise.all([
    ruleStore.createdBySource(deps.db, s.scope, window),
    ruleStore.ruleOutcomes(deps.db, s.scope, window),
    ruleStore.autoClosedByRule(deps.db, s.scope, window, AUTOMATION_ACTOR_ID),
    rulesOf(deps, actor),
    automation.runCountsByRule(deps, actor, window),
  ]);
  const autoClosedOf = new Map(autoClosed.map((r) => [r.source_rule_id, Number(r.count)]));
  const outcomeOf = new Map(outcomes.map((r) => [r.source_rule_id, r]));
  const ruleIds = new Set([...rules.keys(), ...outcomeOf.keys(), ...runs.keys()]);
  const rows = [...ruleIds].map((ruleId) => {
    const r = outcomeOf.get(ruleId);
    const [created, open, completed, cancelled, withDueDate, onTime] = (r ? [r.created, r.open, r.completed, r.cancelled, r.with_due_date, r.on_time] : [0, 0, 0, 0, 0, 0]).map(Number) as [number, number, number, number, number, number];
    const auto = autoClosedOf.get(ruleId) ?? 0;
    const rule = rules.get(ruleId);
    const stats = rule?.stats ?? { evaluated: 0, matched: 0, missed: 0 };
    const run = runs.get(ruleId);
    const [succeeded, duplicates, scheduled, failed, stopped] = [run?.success ?? 0, run?.duplicate ?? 0, run?.scheduled ?? 0, run?.failed ?? 0, run?.stopped ?? 0];
    return {
      ruleId,
      name: rule?.name ?? null,
      enabled: rule?.enabled ?? null,
      created,
      open,
      completed,
      cancelled,
      autoClosed: auto,
      completionRate: rate(completed, created),
      autoCloseRate: rate(auto, completed + cancelled),
      withDueDate,
      onTime,
      onTimeRate: rate(onTime, withDueDate),
      alwaysLate: withDueDate > 0 && onTime === 0,
      silent: rule !== undefined && rule.enabled && rule.createsTasks && created === 0,
      evaluated: stats.evaluated,
      matched: stats.matched,
      missed: stats.missed,
      fired: succeeded + duplicates + scheduled + failed + stopped,
      succeeded,
      duplicates,
      failed,
      neverFired: rule !== undefined && rule.enabled && stats.matched === 0,
      alwaysMisses: stats.evaluated > 0 && stats.missed === stats.evaluated,
    };
  });
  return {
    ...s.header,
    window: windowView(window),
    bySource: sources
      .map((r) => ({ source: r.source_kind as SourceKind, created: Number(r.created), completed: Number(r.completed) }))
      .sort((a, b) => b.created - a.created || a.source.localeCompare(b.source)),
    rules: rows.sort((a, b) => b.created - a.created || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.ruleId.localeCompare(b.ruleId)),
    notes: [
      'The figures count the tasks each rule created in the period and what has become of them since. A silent rule is switched on and makes tasks, but made none in the period.',
      'How many events a rule was checked against, and how many met its conditions, count since the rule was made; its runs, duplicates and failures count the period only. Neither changes with the team or person chosen.',
    ],
  };
}

/** Every rule of the organisation, by id, through the automation service. */
async function rulesOf(deps: Deps, actor: Actor): Promise<Map<string, RuleSummary>> {
  const rules = new Map<string, RuleSummary>();
  let cursor: string | undefined;
  do {
    const page = await automation.listRules(deps, actor, { limit: 200, cursor });
    for (const rule of page.items) {
      rules.set(rule.id, { name: rule.name, enabled: rule.enabled, createsTasks: rule.actions.some((a) => a.type === 'create_task'), stats: rule.stats });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rules;
}
