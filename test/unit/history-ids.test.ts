import { encodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { withCreationEntries } from '../../src/tasks/creationHistory.ts';
import { historyKey, isHistoryKey, keyBeside, presentedHistoryId } from '../../src/tasks/historyIds.ts';

const AT = Date.parse('2026-03-02T09:00:00Z');

describe('history entry ids', () => {
  it('keys an entry by the version its change made and its field: short, in version order, then in the order a change lists its fields', () => {
    expect(historyKey(1, 'status')).toBe('110');
    expect(historyKey(2, 'priority')).toBe('124');
    expect(historyKey(32, 'status')).toBe('2100');
    expect(historyKey(1_000_000, 'reason').length).toBeLessThanOrEqual(7);
    const versions = Array.from({ length: 3000 }, (_, i) => historyKey(i + 1, 'status'));
    expect([...versions].sort()).toEqual(versions);
    const fields = ['status', 'assigneeId', 'teamId', 'dueAt', 'priority', 'reason'].map((f) => historyKey(7, f));
    expect([...fields].sort()).toEqual(fields);
    expect(fields.every((k) => k < historyKey(8, 'status'))).toBe(true);
    expect(keyBeside(historyKey(40, 'status'), 'dueAt')).toBe(historyKey(40, 'dueAt'));
    expect(() => historyKey(1, 'title')).toThrow(/no history place/);
  });

  it('shows a key as a ULID of its instant and task, the same on every read, and a stored ULID as it is', () => {
    const id = presentedHistoryId('01kbx0e3y2m7v9qf8zk4t6r0zw', AT, historyKey(3, 'status'));
    expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(id.slice(0, 10)).toBe(encodeTime(AT, 10).toLowerCase());
    expect(presentedHistoryId('01kbx0e3y2m7v9qf8zk4t6r0zw', AT, historyKey(3, 'status'))).toBe(id);
    expect(presentedHistoryId('01kbx0e3y2m7v9qf8zk4t6r0zx', AT, historyKey(3, 'status'))).not.toBe(id);
    expect(presentedHistoryId('01kbx0e3y2m7v9qf8zk4t6r0zw', AT, historyKey(3, 'teamId')) > id).toBe(true);
    const stored = '01kbx0f00000000000000000aa';
    expect(isHistoryKey(stored)).toBe(false);
    expect(presentedHistoryId('t', AT, stored)).toBe(stored);
  });

  it('gives a keyed creation its derived entries under the keys of the same change', () => {
    const row = { id: historyKey(1, 'status'), org_id: 'o', task_id: 't', actor_id: 'u', at: AT, field: 'status', from_value: null, to_value: 'open' };
    const rows = withCreationEntries({ assignee_id: 'u-bob', team_id: null, due_at: null, priority: 'high' }, [row]);
    expect(rows.map((r) => [r.id, r.field])).toEqual([
      [historyKey(1, 'status'), 'status'],
      [historyKey(1, 'assigneeId'), 'assigneeId'],
      [historyKey(1, 'priority'), 'priority'],
    ]);
  });
});
