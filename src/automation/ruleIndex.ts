// The rules as the worker reads them: a rule row parsed once per version, an
// organisation's enabled rules indexed by the event types they trigger or
// resolve on, and the per-batch cache of what the worker reads about each
// organisation (rules, calendar, timing).
import type { Deps } from '../platform/context.ts';
import * as people from '../people/service.ts';
import { automationActor } from '../events.ts';
import type { Calendar } from './businessHours.ts';
import { compileConditions, needsRecord, type Rule, type RuleDefinition, type Scope } from './rule.ts';
import * as store from './store.ts';

export function ruleOf(row: store.RuleRow): Rule {
  const definition = JSON.parse(row.definition) as RuleDefinition;
  return { id: row.id, orgId: row.org_id, name: row.name, enabled: row.enabled === 1, playbook: row.playbook_key, ...definition };
}

/**
 * The rules the worker parsed last, by id: a rule read again unchanged is the
 * same object, so its definition is parsed and its conditions compiled once,
 * not once per batch. Any change to the row (a new version) parses it afresh.
 */
const parsedRules = new Map<string, { row: store.RuleRow; rule: Rule }>();
const PARSED_RULES_MAX = 20_000;

function sameRuleRow(a: store.RuleRow, b: store.RuleRow): boolean {
  return a.version === b.version && a.org_id === b.org_id && a.enabled === b.enabled && a.name === b.name && a.playbook_key === b.playbook_key && a.definition === b.definition;
}

function parsedRule(row: store.RuleRow): Rule {
  const known = parsedRules.get(row.id);
  if (known && sameRuleRow(known.row, row)) return known.rule;
  if (parsedRules.size >= PARSED_RULES_MAX) parsedRules.clear();
  const rule = ruleOf(row);
  parsedRules.set(row.id, { row, rule });
  return rule;
}

/** An organisation's automation timing, in milliseconds: its own settings, or the worker's defaults. */
export interface OrgTiming {
  dueSoonLeadMs: number;
  appointmentGraceMs: number;
}

/**
 * Per-batch caches: an organisation's enabled rules, calendar and timing are
 * read once per batch. A read goes through the `deps` it is asked with (inside
 * the worker's transaction, its own), or those the cache was made with.
 */
export class OrgCache {
  private rules = new Map<string, Promise<Map<string, EventRules>>>();
  private calendars = new Map<string, Promise<Calendar>>();
  private orgs = new Map<string, ReturnType<typeof people.getOrg>>();
  constructor(private readonly deps: Deps) {}
  private orgOf(orgId: string, deps: Deps) {
    let org = this.orgs.get(orgId);
    if (!org) this.orgs.set(orgId, (org = people.getOrg(deps, automationActor(orgId))));
    return org;
  }
  /** When task.due_soon and a missed appointment fire in this organisation: its settings, else `defaults`. */
  async timingOf(orgId: string, defaults: OrgTiming, deps: Deps = this.deps): Promise<OrgTiming> {
    const org = await this.orgOf(orgId, deps);
    return {
      dueSoonLeadMs: org.dueSoonMinutes === null ? defaults.dueSoonLeadMs : org.dueSoonMinutes * 60_000,
      appointmentGraceMs: org.missedGraceMinutes === null ? defaults.appointmentGraceMs : org.missedGraceMinutes * 60_000,
    };
  }
  /** The enabled rules an event of this type triggers or resolves, in a stable order, with what is checked of each. */
  async rulesFor(orgId: string, eventType: string, deps: Deps = this.deps): Promise<EventRules> {
    let byType = this.rules.get(orgId);
    if (!byType) this.rules.set(orgId, (byType = store.enabledRules(deps.db, orgId).then(indexByEvent)));
    return (await byType).get(eventType) ?? NO_RULES;
  }
  calendarOf(orgId: string, deps: Deps = this.deps): Promise<Calendar> {
    let calendar = this.calendars.get(orgId);
    if (!calendar) {
      calendar = this.orgOf(orgId, deps).then((org) => ({ timezone: org.timezone, hours: org.businessHours, holidays: org.holidays }));
      this.calendars.set(orgId, calendar);
    }
    return calendar;
  }
}

/** What the worker asks of a rule for every event of its type, worked out once per batch. */
interface RuleFacts {
  holds: (scope: Scope) => boolean;
  needsRecord: boolean;
  /** Event types on which one of its steps may close the tasks it made (resolveWhen). */
  resolvesOn: Set<string>;
}

const factsOf = new WeakMap<Rule, RuleFacts>();

function ruleFacts(rule: Rule): RuleFacts {
  let facts = factsOf.get(rule);
  if (!facts) {
    const resolvesOn = new Set(rule.actions.flatMap((a) => (a.type === 'create_task' && a.resolveWhen ? [a.resolveWhen.event] : [])));
    facts = { holds: compileConditions(rule.trigger.where), needsRecord: needsRecord(rule.trigger.where, []), resolvesOn };
    factsOf.set(rule, facts);
  }
  return facts;
}

/**
 * The rules of one event type, worked out once per batch: `facts[i]` is what
 * is checked of `rules[i]` when the type triggers it (null when it only
 * resolves on it), `resolves[i]` whether one of its steps may close tasks on
 * it; `checked` lists the triggered ones, in order, for the counters.
 */
interface EventRules {
  rules: readonly Rule[];
  facts: readonly (RuleFacts | null)[];
  resolves: readonly boolean[];
  checked: readonly Rule[];
}

const NO_RULES: EventRules = { rules: [], facts: [], resolves: [], checked: [] };

function indexByEvent(rows: store.RuleRow[]): Map<string, EventRules> {
  const byType = new Map<string, Rule[]>();
  for (const rule of rows.map(parsedRule)) {
    const types = new Set([rule.trigger.event, ...rule.actions.flatMap((a) => (a.type === 'create_task' && a.resolveWhen ? [a.resolveWhen.event] : []))]);
    for (const type of types) {
      let rules = byType.get(type);
      if (!rules) byType.set(type, (rules = []));
      rules.push(rule);
    }
  }
  return new Map(
    [...byType].map(([type, rules]) => [
      type,
      {
        rules,
        facts: rules.map((rule) => (rule.trigger.event === type ? ruleFacts(rule) : null)),
        resolves: rules.map((rule) => ruleFacts(rule).resolvesOn.has(type)),
        checked: rules.filter((rule) => rule.trigger.event === type),
      },
    ]),
  );
}
