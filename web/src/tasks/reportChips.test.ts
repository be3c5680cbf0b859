import { describe, expect, it } from 'vitest';
import { dayRange, reportChips } from './reportChips.ts';

const local = (y: number, m: number, d: number, h = 0) => new Date(y, m - 1, d, h).toISOString();
const now = new Date(2026, 11, 9, 12);

describe('report filters on the task list, in words', () => {
  it('reads a period as days, an end at midnight closing the day before', () => {
    // In the reader's own way of writing dates: "1–7 Dec" or "Dec 1 – 7".
    expect(dayRange(local(2026, 12, 1), local(2026, 12, 8), now)).toMatch(/^(1\s*–\s*7 Dec|Dec 1\s*–\s*7)$/);
    expect(dayRange(local(2026, 12, 1), local(2026, 12, 9, 10), now)).toMatch(/^(1\s*–\s*9 Dec|Dec 1\s*–\s*9)$/);
    expect(dayRange(local(2026, 12, 3), null, now)).toMatch(/^from (3 Dec|Dec 3)$/);
  });

  it('names each filter in words, never a parameter or an id, with the parameters its removal takes out', () => {
    const params = new URLSearchParams({ completedFrom: local(2026, 12, 1), completedTo: local(2026, 12, 8), timing: 'late', rule: 'rule_01abc', recordType: 'job', age: 'd7to30,over30d', due: 'today', source: 'recurrence' });
    const chips = reportChips(params, (id) => (id === 'rule_01abc' ? 'Confirm the appointment' : undefined), now);
    expect(chips.map((c) => c.label.replace(/Dec 1\s*–\s*7/, '1–7 Dec'))).toEqual([
      'Completed 1–7 Dec',
      'Done late',
      'Repeating tasks',
      'Created by rule ‘Confirm the appointment’',
      'About a job',
      'Waiting 7–30 days or over 30 days since created',
      'Due later today',
    ]);
    expect(chips[0]!.keys).toEqual(['completedFrom', 'completedTo']);
    for (const chip of chips) expect(chip.label).not.toMatch(/rule_01abc|completedFrom|recordType|d7to30|onTime/);
    expect(reportChips(new URLSearchParams({ rule: 'gone' }), () => null, now)[0]!.label).toBe('Created by a deleted rule');
    const stage = new URLSearchParams({ leadStage: 'quoted', leadPipeline: 'pl_01xyz' });
    expect(reportChips(stage, () => undefined, now, (pipeline, key) => (pipeline === 'pl_01xyz' && key === 'quoted' ? 'Quote sent' : null))).toEqual([{ label: 'About a lead at the stage ‘Quote sent’', keys: ['leadStage', 'leadPipeline'] }]);
    expect(reportChips(stage, () => undefined, now)[0]!.label).toBe('About a lead at one stage');
    expect(reportChips(new URLSearchParams({ closedBy: 'automation' }), () => undefined, now)).toEqual([{ label: 'Closed by automation', keys: ['closedBy'] }]);
  });
});
