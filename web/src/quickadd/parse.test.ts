import { describe, expect, it } from 'vitest';
import { matchUser, parseQuickAdd, parseRecordIntent } from './parse.ts';

// A Monday morning, in the machine's local time.
const NOW = new Date(2026, 2, 2, 8, 30);

describe('quick add', () => {
  it('reads "Call Dana tomorrow 9am !high @tom #lead-12" into a title, due time, priority, assignee and link', () => {
    const parsed = parseQuickAdd('Call Dana tomorrow 9am !high @tom #lead-12', NOW);
    expect(parsed.title).toBe('Call Dana');
    expect(parsed.dueAt).toEqual(new Date(2026, 2, 3, 9, 0));
    expect(parsed.dueText).toBe('tomorrow 9am');
    expect(parsed.priority).toBe('high');
    expect(parsed.assignee).toBe('tom');
    expect(parsed.links).toEqual([{ type: 'lead', id: '12' }]);
  });

  it('leaves a plain title alone', () => {
    expect(parseQuickAdd('Order a replacement valve', NOW)).toEqual({
      title: 'Order a replacement valve', dueAt: null, dueText: null, priority: null, assignee: null, links: [],
    });
  });

  it('puts a date without a time at the end of the working day', () => {
    const parsed = parseQuickAdd('Chase invoice friday', NOW);
    expect(parsed.title).toBe('Chase invoice');
    expect(parsed.dueAt).toEqual(new Date(2026, 2, 6, 17, 0));
  });

  it('reads dates always forward: a weekday already past means next week', () => {
    const sunday = new Date(2026, 2, 8, 12, 0);
    expect(parseQuickAdd('Send quote monday at 2pm', sunday).dueAt).toEqual(new Date(2026, 2, 9, 14, 0));
  });

  it('understands !1…!4 and p1…p4 as priorities, and keeps other ! words in the title', () => {
    expect(parseQuickAdd('Burst pipe !1', NOW).priority).toBe('urgent');
    expect(parseQuickAdd('Tidy van !p4', NOW).priority).toBe('low');
    expect(parseQuickAdd('Say hi !wow', NOW)).toMatchObject({ title: 'Say hi !wow', priority: null });
  });

  it('links every record type and keeps unknown hashtags as words', () => {
    const parsed = parseQuickAdd('Prepare #job-J9 for #client:acme and #urgentish', NOW);
    expect(parsed.links).toEqual([{ type: 'job', id: 'J9' }, { type: 'client', id: 'acme' }]);
    expect(parsed.title).toBe('Prepare for and #urgentish');
  });

  it('reads relative times like "in 2 hours"', () => {
    expect(parseQuickAdd('Call back in 2 hours', NOW).dueAt).toEqual(new Date(2026, 2, 2, 10, 30));
  });
});

describe('matching an @handle to a person', () => {
  const users = [
    { name: 'Tom Tech', email: 'tom@acme.test' },
    { name: 'Tomasz Nowak', email: 'tn@acme.test' },
    { name: 'Dana Dispatcher', email: 'dana.d@acme.test' },
    { name: 'Gone Person', email: 'tomgone@acme.test', active: false },
  ];
  it('prefers an exact first name, then a name prefix, and skips people who left', () => {
    expect(matchUser('tom', users)?.name).toBe('Tom Tech');
    expect(matchUser('toma', users)?.name).toBe('Tomasz Nowak');
    expect(matchUser('dana.d', users)?.name).toBe('Dana Dispatcher');
    expect(matchUser('tomgone', users)).toBeNull();
  });
});

describe('quick add for a record', () => {
  it('reads +lead, +job, +contact and +client with the rest as its title, and nothing else', () => {
    expect(parseRecordIntent('+lead Boiler quote for  Dana ')).toEqual({ kind: 'lead', title: 'Boiler quote for Dana' });
    expect(parseRecordIntent('+Job Fix the tap')).toEqual({ kind: 'job', title: 'Fix the tap' });
    expect(parseRecordIntent('+contact')).toEqual({ kind: 'contact', title: '' });
    expect(parseRecordIntent('+client Elm School')).toEqual({ kind: 'client', title: 'Elm School' });
    expect(parseRecordIntent('+leads are hot')).toBeNull();
    expect(parseRecordIntent('Call about +lead')).toBeNull();
    expect(parseRecordIntent('+1 more call')).toBeNull();
  });
});
