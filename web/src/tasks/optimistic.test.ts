import { describe, expect, it } from 'vitest';
import type { Task } from '../api/types.ts';
import { applyLocally, undoPlan } from './optimistic.ts';

const NOW = Date.parse('2026-03-02T09:00:00Z');

function task(overrides: Partial<Task>): Task {
  return {
    id: 't1', key: 'T-1', title: 'Call Dana back', description: '', status: 'open', overdue: false, priority: 'normal', dueAt: null,
    assigneeId: null, teamId: null, links: [], checklist: [], waitingOn: null, blockedReason: null, source: { kind: 'manual' },
    recurrence: null, createdById: null, createdAt: '2026-03-01T09:00:00Z', updatedAt: '2026-03-01T09:00:00Z', completedAt: null, version: 1,
    ...overrides,
  } as Task;
}

describe('a change shown before the server answers', () => {
  it('marks a completed task done, with its completion time, and never overdue', () => {
    const shown = applyLocally(task({ dueAt: '2026-03-01T09:00:00Z', overdue: true }), { status: 'done' }, NOW);
    expect(shown).toMatchObject({ status: 'done', completedAt: new Date(NOW).toISOString(), overdue: false });
  });
  it('clears the waiting reason when the task leaves waiting, and derives overdue from a new due date', () => {
    const shown = applyLocally(task({ status: 'waiting', waitingOn: 'Customer' }), { status: 'open', dueAt: '2026-03-01T00:00:00Z' }, NOW);
    expect(shown).toMatchObject({ status: 'open', waitingOn: null, overdue: true });
  });
  it('gives new checklist items a place-holder id until the server names them', () => {
    const shown = applyLocally(task({ checklist: [{ id: 'a', text: 'Photos', done: false }] }), { checklist: [{ id: 'a', text: 'Photos', done: true }, 'Invoice'] }, NOW);
    expect(shown.checklist).toEqual([{ id: 'a', text: 'Photos', done: true }, { id: 'new-1', text: 'Invoice', done: false }]);
  });
});

describe('undoing a bulk edit', () => {
  it('puts each task back to its own previous value, one call per distinct value', () => {
    const tasks = [task({ id: 'a', priority: 'low' }), task({ id: 'b', priority: 'high' }), task({ id: 'c', priority: 'low' })];
    expect(undoPlan(tasks, { priority: 'urgent' })).toEqual([
      { ids: ['a', 'c'], set: { priority: 'low' } },
      { ids: ['b'], set: { priority: 'high' } },
    ]);
  });
  it('reopens completed tasks first (a done task can only go back to open), then restores other statuses with their reasons', () => {
    const tasks = [task({ id: 'a', status: 'open' }), task({ id: 'b', status: 'waiting', waitingOn: 'Parts' }), task({ id: 'c', status: 'in_progress' })];
    expect(undoPlan(tasks, { status: 'done' })).toEqual([
      { ids: ['a', 'b', 'c'], set: { status: 'open' } },
      { ids: ['b'], set: { status: 'waiting', waitingOn: 'Parts' } },
      { ids: ['c'], set: { status: 'in_progress' } },
    ]);
  });
  it('restores assignees and due dates, including "nobody" and "no date"', () => {
    const tasks = [task({ id: 'a', assigneeId: null, dueAt: null }), task({ id: 'b', assigneeId: 'u1', dueAt: '2026-03-05T09:00:00.000Z' })];
    expect(undoPlan(tasks, { assigneeId: 'u2', dueAt: '2026-03-09T09:00:00.000Z' })).toEqual([
      { ids: ['a'], set: { assigneeId: null, dueAt: null } },
      { ids: ['b'], set: { assigneeId: 'u1', dueAt: '2026-03-05T09:00:00.000Z' } },
    ]);
  });
});
