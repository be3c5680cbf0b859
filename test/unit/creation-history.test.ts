import { describe, expect, it } from 'vitest';
import { idAfter, withCreationEntries } from '../../src/tasks/creationHistory.ts';

const AT = Date.parse('2026-03-02T09:00:00Z');
const LATER = AT + 60_000;
const STATUS = '01kbx0e3y2m7v9qf8zk4t6r0zw';
const row = (id: string, at: number, field: string, from: string | null, to: string | null, actor: string | null = 'u-owner') => ({ id, org_id: 'o', task_id: 't', actor_id: actor, at, field, from_value: from, to_value: to });
const task = { assignee_id: 'u-bob', team_id: 'team-1', due_at: Date.parse('2026-03-09T12:00:00Z'), priority: 'urgent' };
const entries = (rows: ReturnType<typeof row>[]) => rows.map((r) => [r.id, r.at, r.actor_id, r.field, r.from_value, r.to_value]);

describe('the creation entries of a history', () => {
  it('puts back assignee, team, due date and priority after the status entry: from the first later change, else the task as it is', () => {
    const change = row('01kbx0f00000000000000000aa', LATER, 'assigneeId', 'u-ann', 'u-bob', 'u-ann');
    const later = row('01kbx0f00000000000000000ab', LATER, 'priority', 'high', 'urgent');
    expect(entries(withCreationEntries(task, [row(STATUS, AT, 'status', null, 'open'), change, later]))).toEqual([
      [STATUS, AT, 'u-owner', 'status', null, 'open'],
      ['01kbx0e3y2m7v9qf8zk4t6r0zx', AT, 'u-owner', 'assigneeId', null, 'u-ann'],
      ['01kbx0e3y2m7v9qf8zk4t6r0zy', AT, 'u-owner', 'teamId', null, 'team-1'],
      ['01kbx0e3y2m7v9qf8zk4t6r0zz', AT, 'u-owner', 'dueAt', null, '2026-03-09T12:00:00.000Z'],
      ['01kbx0e3y2m7v9qf8zk4t6r100', AT, 'u-owner', 'priority', null, 'high'],
      entries([change])[0],
      entries([later])[0],
    ]);
  });

  it('leaves out what the task had no value for at creation, a first change from nothing included', () => {
    const assigned = row('01kbx0f00000000000000000aa', AT, 'assigneeId', null, 'u-bob');
    const rows = withCreationEntries({ ...task, team_id: null, due_at: null }, [row(STATUS, AT, 'status', null, 'open'), assigned]);
    expect(rows.map((r) => [r.field, r.from_value, r.to_value])).toEqual([
      ['status', null, 'open'],
      ['priority', null, 'urgent'],
      ['assigneeId', null, 'u-bob'],
    ]);
    expect(rows[1]!.id).toBe(idAfter(STATUS, 1));
  });

  it('derives nothing without a stored creation, or when the creation entries are stored', () => {
    const older = [row(STATUS, LATER, 'status', 'open', 'done')];
    expect(withCreationEntries(task, older)).toEqual(older);
    const stored = [row(STATUS, AT, 'status', null, 'open'), row(idAfter(STATUS, 1), AT, 'priority', null, 'low')];
    expect(withCreationEntries(task, stored)).toEqual(stored);
  });

  it('counts ids up as the generator does: the random part plus n, carried', () => {
    expect(idAfter('01kbx0e3y2m7v9qf8zk4t6r0zw', 1)).toBe('01kbx0e3y2m7v9qf8zk4t6r0zx');
    expect(idAfter('01kbx0e3y2m7v9qf8zk4t6r0zw', 4)).toBe('01kbx0e3y2m7v9qf8zk4t6r100');
    expect(idAfter('01kbx0e3y2m7v9qf8zk4t6rzzz', 1)).toBe('01kbx0e3y2m7v9qf8zk4t6s000');
    expect(idAfter('h-1', 2)).toBe('h-1.2');
  });
});
