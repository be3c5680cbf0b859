// Playbooks installed: a trade's ready rules become the organisation's own.
import type { Actor, Deps } from '../platform/context.ts';
import { isUniqueViolation } from '../platform/db/database.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import * as people from '../people/service.ts';
import { type Playbook, PLAYBOOKS } from './playbooks.ts';
import { createRule, requireManager } from './service.ts';
import * as store from './store.ts';

export function listPlaybooks() {
  return { items: PLAYBOOKS.map(presentPlaybook), nextCursor: null };
}

function presentPlaybook(p: Playbook) {
  return { key: p.key, name: p.name, description: p.description, rules: p.rules({}).map((r) => ({ key: r.key, name: r.rule.name, trigger: r.rule.trigger.event })) };
}

/** Installs a playbook's rules; one already installed (by its key) is left as it is, edited or not. */
export async function installPlaybook(deps: Deps, actor: Actor, input: { key: string; teamId?: string }) {
  const { key, ...options } = input;
  requireManager(actor);
  const playbook = PLAYBOOKS.find((p) => p.key === key);
  if (!playbook) throw new NotFound('Playbook');
  if (options.teamId) {
    await people.getTeam(deps, actor, options.teamId).catch((error: unknown) => {
      throw error instanceof NotFound ? Invalid.field('teamId', 'no such team') : error;
    });
  }
  const installed = [];
  let skipped = 0;
  // Rules installed so far, by key: a later rule may chain on an earlier one's tasks.
  const ids = new Map<string, string>();
  const count = playbook.rules(options).length;
  for (let i = 0; i < count; i++) {
    const { key: ruleKey, rule } = playbook.rules({ ...options, ruleId: (k) => ids.get(k) ?? k })[i]!;
    const playbookKey = `${playbook.key}/${ruleKey}`;
    const existing = await store.findRuleByPlaybookKey(deps.db, actor.orgId, playbookKey);
    if (existing) {
      ids.set(ruleKey, existing.id);
      skipped++;
      continue;
    }
    try {
      const created = await createRule(deps, actor, { ...rule, playbookKey });
      ids.set(ruleKey, created.id);
      installed.push(created);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      skipped++;
    }
  }
  return { playbook: playbook.key, installed, skipped };
}
