import { describe, expect, it } from 'vitest';
import { ruleBody } from '../../../src/automation/rule.ts';
import { PLAYBOOKS } from '../../../src/automation/playbooks.ts';
import { CUSTOM, emptyRule, emptyTask, fromDuration, fromRule, parseValue, type RuleView, toDuration, toRuleBody } from './ruleForm.ts';

describe('the rule builder form', () => {
  it('writes durations the API reads, and reads them back', () => {
    expect(toDuration('2', 'hours')).toBe('PT2H');
    expect(toDuration('30', 'minutes')).toBe('PT30M');
    expect(toDuration('3', 'days')).toBe('P3D');
    expect(toDuration('', 'hours')).toBeUndefined();
    expect(fromDuration('PT2H')).toEqual({ amount: '2', unit: 'hours' });
    expect(fromDuration('PT90M')).toEqual({ amount: '90', unit: 'minutes' });
    expect(fromDuration('P3D')).toEqual({ amount: '3', unit: 'days' });
    expect(fromDuration('PT0S')).toEqual({ amount: '', unit: 'hours' });
  });

  it('reads typed values as numbers, booleans and lists where they look like them', () => {
    expect(parseValue('eq', 'website')).toBe('website');
    expect(parseValue('gt', '1500')).toBe(1500);
    expect(parseValue('in', 'quoted, won')).toEqual(['quoted', 'won']);
    expect(parseValue('exists', 'true')).toBe(true);
  });

  it('builds the README rule from the form, and the form from the rule', () => {
    const form = {
      ...emptyRule(),
      name: 'Call new website leads back',
      conditions: [{ field: 'record.source', op: 'eq' as const, value: 'website' }],
      actions: [{ task: { ...emptyTask(), title: 'Call {{record.title}} back', priority: 'high' as const, dueAmount: '2', businessHours: true, checklist: ['Confirm the address', 'Offer a visit slot', ' '] } }],
    };
    const body = toRuleBody(form);
    expect(body).toEqual({
      name: 'Call new website leads back',
      enabled: true,
      trigger: { event: 'lead.created', where: [{ field: 'record.source', op: 'eq', value: 'website' }], delay: 'PT0S' },
      actions: [{ type: 'create_task', title: 'Call {{record.title}} back', priority: 'high', due: 'PT2H', businessHours: true, assign: { strategy: 'record_owner' }, checklist: ['Confirm the address', 'Offer a visit slot'] }],
    });
    const back = fromRule({ ...(body as unknown as RuleView), id: 'r1', playbook: null, createdById: null, createdAt: '', updatedAt: '', version: 1 });
    expect(back.actions[0]).toMatchObject({ task: expect.objectContaining({ title: 'Call {{record.title}} back', dueAmount: '2', dueUnit: 'hours', businessHours: true, strategy: 'record_owner' }) });
    expect(back.conditions).toMatchObject([{ field: 'record.source', op: 'eq', value: 'website' }]);
  });

  it('keeps a custom event and the actions it cannot edit', () => {
    const body = toRuleBody({ ...emptyRule(), name: 'Chase invoices', event: CUSTOM, customEvent: 'invoice.overdue', actions: [{ task: { ...emptyTask(), title: 'Chase it' } }, { kept: { type: 'notify', to: 'record_owner', message: 'Overdue' } }] });
    expect(body.trigger.event).toBe('invoice.overdue');
    expect(body.actions.at(-1)).toEqual({ type: 'notify', to: 'record_owner', message: 'Overdue' });
    const back = fromRule({ ...(body as unknown as RuleView), id: 'r1', playbook: null, createdById: null, createdAt: '', updatedAt: '', version: 1 });
    expect(back.event).toBe(CUSTOM);
    expect(back.customEvent).toBe('invoice.overdue');
    expect(back.actions[1]).toEqual({ kept: { type: 'notify', to: 'record_owner', message: 'Overdue' } });
  });

  it('saves every playbook rule as it came when nothing is edited, and keeps its actions in their order', () => {
    let checked = 0;
    for (const playbook of PLAYBOOKS) {
      for (const { rule } of playbook.rules({ ruleId: (key) => `rule-${key}` })) {
        const view = { ...rule, id: 'r1', playbook: playbook.key, createdById: null, createdAt: '', updatedAt: '', version: 1 } as unknown as RuleView;
        const saved = ruleBody.parse(toRuleBody(fromRule(view)));
        expect(saved).toEqual(rule);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('keeps what it does not edit of a task (steps it waits for, duplicates, a due time it cannot show) and of a condition', () => {
    const view = {
      id: 'r1', playbook: null, createdById: null, createdAt: '', updatedAt: '', version: 1, name: 'Odd', enabled: false,
      trigger: { event: 'lead.created', where: [{ field: 'record.ownerId', op: 'exists' }], delay: 'P1DT2H' },
      actions: [
        { type: 'create_task', step: 'first', title: 'First' },
        { type: 'create_task', title: 'Then {{ record.title }}', blockedBy: ['first'], allowDuplicates: true, due: 'P1DT2H' },
      ],
    } as unknown as RuleView;
    const form = fromRule(view);
    expect(toRuleBody(form).trigger).toEqual(view.trigger);
    expect(toRuleBody(form).actions).toEqual([view.actions[0], { ...view.actions[1], priority: 'normal', businessHours: false, checklist: [] }]);
    // An edited due time is written as the form has it.
    const edited = { ...form, actions: form.actions.map((a) => ('task' in a ? { task: { ...a.task, dueAmount: '3', dueUnit: 'hours' as const } } : a)) };
    expect(toRuleBody(edited).actions[1]).toMatchObject({ due: 'PT3H', blockedBy: ['first'], allowDuplicates: true, title: 'Then {{ record.title }}' });
  });
});
