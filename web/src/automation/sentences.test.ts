import { describe, expect, it } from 'vitest';
import { conditionSentence, ruleSentence, templateWords } from './sentences.ts';

describe('rules in words', () => {
  it('reads a job rule as a sentence, with no field names, operators or template braces', () => {
    const rule = {
      trigger: { event: 'job.status_changed', where: [{ field: 'data.to', op: 'eq', value: 'incomplete' }], delay: 'PT2H' },
      actions: [{ type: 'create_task', title: 'Call {{record.title}} back' }, { type: 'set_priority', priority: 'high' }],
    };
    const sentence = ruleSentence(rule);
    expect(sentence).toBe("When a job changes status and the job's new status is Incomplete, 2 hours later: create “Call ‹the job's title› back”, then set the priority to High");
    expect(sentence).not.toMatch(/\{\{|\}\}|data\.|record\.|_/);
  });

  it('reads conditions on records, lists, numbers and presence', () => {
    expect(conditionSentence({ field: 'record.source', op: 'in', value: ['website', 'google_ads'] }, 'lead.created')).toBe("the lead's source is one of Website or Google ads");
    expect(conditionSentence({ field: 'data.amount', op: 'gt', value: 100 }, 'invoice.overdue')).toBe('the amount given with the event is more than 100');
    expect(conditionSentence({ field: 'record.ownerId', op: 'exists', value: false }, 'lead.updated')).toBe("the lead's owner is not set");
    expect(templateWords('Chase {{ data.number }} for {{event.subject.id}}', 'invoice.overdue')).toBe("Chase ‹the number given with the event› for ‹the invoice's reference›");
    // Another system's "from" is its own detail, not a job's old status.
    expect(templateWords('Emergency callback: {{data.from}}', 'call.missed')).toBe('Emergency callback: ‹the from given with the event›');
    expect(templateWords('Was {{data.from}}', 'job.status_changed')).toBe("Was ‹the job's old status›");
  });

  it('counts the wait in words and names an event from another system plainly', () => {
    const rule = { trigger: { event: 'task.overdue', where: [], delay: 'PT1H' }, actions: [{ type: 'escalate' }] };
    expect(ruleSentence(rule)).toBe('When a task is overdue, 1 hour later: escalate the task');
    expect(ruleSentence({ ...rule, trigger: { ...rule.trigger, delay: 'P1D' } })).toContain(', 1 day later:');
    expect(ruleSentence({ ...rule, trigger: { ...rule.trigger, delay: 'PT90M' } })).toContain(', 90 minutes later:');
    expect(ruleSentence({ trigger: { event: 'call.missed', where: [], delay: undefined }, actions: [{ type: 'notify' }] })).toBe('When a “call missed” event arrives: send a notification');
  });
});
