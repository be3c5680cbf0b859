import { describe, expect, it } from 'vitest';
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
      tasks: [{ ...emptyTask(), title: 'Call {{record.title}} back', priority: 'high' as const, dueAmount: '2', businessHours: true, checklist: ['Confirm the address', 'Offer a visit slot', ' '] }],
    };
    const body = toRuleBody(form);
    expect(body).toEqual({
      name: 'Call new website leads back',
      enabled: true,
      trigger: { event: 'lead.created', where: [{ field: 'record.source', op: 'eq', value: 'website' }], delay: 'PT0S' },
      actions: [{ type: 'create_task', title: 'Call {{record.title}} back', priority: 'high', due: 'PT2H', businessHours: true, assign: { strategy: 'record_owner' }, checklist: ['Confirm the address', 'Offer a visit slot'] }],
    });
    const back = fromRule({ ...(body as unknown as RuleView), id: 'r1', playbook: null, createdById: null, createdAt: '', updatedAt: '', version: 1 });
    expect(back.tasks[0]).toMatchObject({ title: 'Call {{record.title}} back', dueAmount: '2', dueUnit: 'hours', businessHours: true, strategy: 'record_owner' });
    expect(back.conditions).toEqual([{ field: 'record.source', op: 'eq', value: 'website' }]);
  });

  it('keeps a custom event and the actions it cannot edit', () => {
    const body = toRuleBody({ ...emptyRule(), name: 'Chase invoices', event: CUSTOM, customEvent: 'invoice.overdue', otherActions: [{ type: 'notify', to: 'record_owner', message: 'Overdue' }] });
    expect(body.trigger.event).toBe('invoice.overdue');
    expect(body.actions.at(-1)).toEqual({ type: 'notify', to: 'record_owner', message: 'Overdue' });
    const back = fromRule({ ...(body as unknown as RuleView), id: 'r1', playbook: null, createdById: null, createdAt: '', updatedAt: '', version: 1 });
    expect(back.event).toBe(CUSTOM);
    expect(back.customEvent).toBe('invoice.overdue');
    expect(back.otherActions).toHaveLength(1);
  });
});
