import { describe, expect, it } from 'vitest';
import { PLAYBOOKS } from '../../../src/automation/playbooks.ts';
import { KNOWN_EVENTS } from '../../../src/events.ts';
import { catalogueField, detailName, detailsFor, fieldsFor, hasCatalogue, namedDetail, OPERATOR_WORDS, operatorsFor } from './fieldCatalogue.ts';
import { EVENT_CHOICES } from './ruleForm.ts';
import { conditionSentence, fieldPhrase } from './sentences.ts';

const RAW = /\{\{|\}\}|record\.|data\.|event\.|Id\b|_/;

describe('the fields a rule can look at, in words', () => {
  it('lists for each event of the builder the fields a manager knows, none of them as a path', () => {
    for (const event of EVENT_CHOICES.flatMap((g) => g.events.map(([e]) => e))) {
      const fields = fieldsFor(event);
      expect(fields.length, event).toBeGreaterThan(0);
      for (const f of fields) {
        expect(f.field).toMatch(/^(record|data)\.[A-Za-z.]+$/);
        expect(f.label, `${event} ${f.field}`).not.toMatch(RAW);
      }
      expect(new Set(fields.map((f) => f.field)).size, event).toBe(fields.length);
      expect(new Set(fields.map((f) => f.label)).size, event).toBe(fields.length);
    }
  });

  it('says what the event is about and what it carries', () => {
    expect(fieldsFor('lead.created').map((f) => f.label)).toEqual(["the lead's title", "the lead's source", "the lead's stage", "the lead's value", "the lead's owner"]);
    expect(fieldsFor('job.status_changed').slice(0, 2).map((f) => [f.field, f.label])).toEqual([['data.to', "the job's new status"], ['data.from', "the job's old status"]]);
    expect(catalogueField('data.toStage', 'lead.stage_changed')?.label).toBe("the lead's new stage");
    expect(catalogueField('record.overdue', 'task.overdue')?.label).toBe('the task is overdue');
    expect(catalogueField('record.source.ruleId', 'task.completed')).toMatchObject({ label: "the task's rule that made it", values: { kind: 'rule' } });
    expect(fieldsFor('appointment.missed')[0]?.label).toBe("the job's title");
  });

  it('knows the values of statuses, sources, priorities and kinds, in words', () => {
    const status = catalogueField('data.to', 'job.status_changed')!.values;
    expect(status.kind === 'choice' && status.choices).toContainEqual(['incomplete', 'Incomplete']);
    const source = catalogueField('record.source', 'lead.created')!.values;
    expect(source).toMatchObject({ kind: 'choice', open: true });
    expect(source.kind === 'choice' && source.choices).toContainEqual(['walk_in', 'Walk in']);
    const priority = catalogueField('record.priority', 'task.overdue')!.values;
    expect(priority.kind === 'choice' && priority.choices.map(([v]) => v)).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(catalogueField('record.kind', 'service.due')!.values).toMatchObject({ kind: 'choice' });
    expect(catalogueField('data.toStage', 'lead.stage_changed')!.values).toEqual({ kind: 'stage' });
  });

  it('offers comparisons that fit the values, in words', () => {
    expect(operatorsFor({ kind: 'number' })).toContain('gt');
    expect(operatorsFor({ kind: 'choice', choices: [] })).toEqual(['eq', 'neq', 'in', 'exists', 'exists:false']);
    expect(operatorsFor({ kind: 'text' })).not.toContain('in');
    expect(operatorsFor({ kind: 'yes/no' })).toEqual(['eq']);
    for (const words of Object.values(OPERATOR_WORDS)) expect(words).toMatch(/^is( not| one of| more than| less than| set| not set)?$/);
  });

  it('puts only text-like details into titles', () => {
    expect(detailsFor('lead.created').map((d) => d.label)).toEqual(["the lead's title", "the lead's source", "the lead's value"]);
    expect(detailsFor('contact.created').map((d) => d.field)).toContain('record.name');
    expect(detailsFor('job.status_changed').map((d) => d.label)).toContain("the job's new status");
    for (const event of KNOWN_EVENTS) expect(detailsFor(event).every((d) => d.values.kind === 'text' || d.values.kind === 'number' || d.values.kind === 'choice' || d.values.kind === 'stage')).toBe(true);
  });

  it('has no list for another system’s event: its details go by the names it gives them', () => {
    expect(hasCatalogue('invoice.overdue')).toBe(false);
    expect(namedDetail('number')).toBe('data.number');
    expect(namedDetail(' customer.name ')).toBe('data.customer.name');
    expect(namedDetail('two words')).toBeNull();
    expect(namedDetail('')).toBeNull();
    expect(detailName('data.number')).toBe('number');
    expect(detailName('record.title')).toBeNull();
  });

  it('reads every playbook condition and title detail in words', () => {
    for (const playbook of PLAYBOOKS) {
      for (const { rule } of playbook.rules({ ruleId: (key) => `rule-${key}` })) {
        for (const c of rule.trigger.where) {
          expect(conditionSentence(c, rule.trigger.event, () => 'Follow up equipment assessments'), rule.name).not.toMatch(/\{\{|record\.|data\.|rule-/);
        }
        for (const a of rule.actions) {
          if (a.type !== 'create_task') continue;
          for (const [, field] of a.title.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) expect(fieldPhrase(field!, rule.trigger.event)).not.toMatch(RAW);
        }
      }
    }
    expect(conditionSentence({ field: 'record.overdue', op: 'eq', value: true }, 'task.overdue')).toBe('the task is overdue');
    expect(conditionSentence({ field: 'record.overdue', op: 'eq', value: false }, 'task.overdue')).toBe('the task is not overdue');
    expect(conditionSentence({ field: 'record.priority', op: 'in', value: ['urgent', 'high'] }, 'task.overdue')).toBe("the task's priority is one of Urgent or High");
    expect(conditionSentence({ field: 'record.source.ruleId', op: 'eq', value: 'r9' }, 'task.completed', (id) => (id === 'r9' ? 'Follow up equipment assessments' : undefined))).toBe("the task's rule that made it is Follow up equipment assessments");
  });
});
