import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/platform/context.ts';
import { Conflict, Forbidden, Invalid } from '../../src/platform/errors.ts';
import { applyChange } from '../../src/tasks/change.ts';
import { dueBucket, isOverdue, parseTaskKey, type TaskState } from '../../src/tasks/task.ts';

const owner: Actor = { userId: 'u-owner', orgId: 'o', role: 'owner' };
const member: Actor = { userId: 'u-member', orgId: 'o', role: 'member' };
const NOW = Date.parse('2026-03-02T09:00:00Z');

const open: TaskState = { status: 'open', priority: 'normal', dueAt: null, assigneeId: null, teamId: null, waitingOn: null, blockedReason: null, completedAt: null };

describe('status transitions', () => {
  it('lets any non-final status move to any other', () => {
    for (const to of ['in_progress', 'waiting', 'blocked', 'done', 'cancelled', 'open'] as const) {
      const reasons = { waitingOn: to === 'waiting' ? 'Customer' : undefined, blockedReason: to === 'blocked' ? 'Part' : undefined };
      expect(applyChange({ ...open, status: 'in_progress' }, { status: to, ...reasons }, owner, NOW).next.status).toBe(to);
    }
  });

  it('reopens done and cancelled only to open', () => {
    const done = { ...open, status: 'done' as const, completedAt: NOW - 1000 };
    expect(applyChange(done, { status: 'open' }, owner, NOW).next).toMatchObject({ status: 'open', completedAt: null });
    expect(() => applyChange(done, { status: 'in_progress' }, owner, NOW)).toThrow(Conflict);
    expect(() => applyChange({ ...open, status: 'cancelled' }, { status: 'done' }, owner, NOW)).toThrow(Conflict);
  });

  it('lets a member reopen only the task they are assigned', () => {
    const done = { ...open, status: 'done' as const };
    expect(() => applyChange(done, { status: 'open' }, member, NOW)).toThrow(Forbidden);
    expect(applyChange({ ...done, assigneeId: member.userId }, { status: 'open' }, member, NOW).next.status).toBe('open');
  });

  it('stamps completedAt when done and clears it when reopened', () => {
    expect(applyChange(open, { status: 'done' }, owner, NOW).next.completedAt).toBe(NOW);
    expect(applyChange(open, { status: 'cancelled' }, owner, NOW).next.completedAt).toBeNull();
  });
});

describe('waiting and blocked need their reason', () => {
  it('requires waitingOn on entering waiting, blockedReason on entering blocked', () => {
    const error = (() => {
      try {
        applyChange(open, { status: 'waiting' }, owner, NOW);
      } catch (e) {
        return e;
      }
    })() as Invalid;
    expect(error).toBeInstanceOf(Invalid);
    expect(error.errors).toEqual([{ path: 'waitingOn', message: 'is required when the status is waiting' }]);
    expect(() => applyChange(open, { status: 'blocked', blockedReason: null }, owner, NOW)).toThrow(Invalid);
  });

  it('keeps the reason while the status stays, and clears it on leaving', () => {
    const waiting = applyChange(open, { status: 'waiting', waitingOn: 'Customer photos' }, owner, NOW).next;
    expect(applyChange(waiting, { priority: 'high' }, owner, NOW).next.waitingOn).toBe('Customer photos');
    expect(applyChange(waiting, { status: 'in_progress' }, owner, NOW).next.waitingOn).toBeNull();
  });

  it('refuses a reason for a status the task is not in', () => {
    expect(() => applyChange(open, { waitingOn: 'Customer' }, owner, NOW)).toThrow(Invalid);
  });
});

describe('assignment', () => {
  it('lets members take or give up a task, managers assign anyone', () => {
    expect(applyChange(open, { assigneeId: member.userId }, member, NOW).next.assigneeId).toBe(member.userId);
    expect(() => applyChange(open, { assigneeId: 'someone-else' }, member, NOW)).toThrow(Forbidden);
    expect(applyChange({ ...open, assigneeId: member.userId }, { assigneeId: null }, member, NOW).next.assigneeId).toBeNull();
    expect(() => applyChange({ ...open, assigneeId: 'someone-else' }, { assigneeId: null }, member, NOW)).toThrow(Forbidden);
    expect(applyChange(open, { assigneeId: 'someone-else' }, owner, NOW).next.assigneeId).toBe('someone-else');
  });

  it('tracks exactly the fields the history keeps', () => {
    const { tracked } = applyChange(open, { status: 'in_progress', priority: 'urgent', dueAt: NOW, assigneeId: 'x', teamId: 't' }, owner, NOW);
    expect(tracked).toEqual([
      { field: 'status', from: 'open', to: 'in_progress' },
      { field: 'assigneeId', from: null, to: 'x' },
      { field: 'teamId', from: null, to: 't' },
      { field: 'dueAt', from: null, to: '2026-03-02T09:00:00.000Z' },
      { field: 'priority', from: 'normal', to: 'urgent' },
    ]);
    expect(applyChange(open, { priority: 'normal' }, owner, NOW).tracked).toEqual([]);
  });
});

describe('overdue and due buckets', () => {
  it('is overdue once the due instant has passed, unless done or cancelled', () => {
    const due = { ...open, dueAt: NOW };
    expect(isOverdue(due, NOW)).toBe(false);
    expect(isOverdue(due, NOW + 1)).toBe(true);
    expect(isOverdue({ ...due, status: 'done' }, NOW + 1)).toBe(false);
    expect(isOverdue({ ...due, status: 'cancelled' }, NOW + 1)).toBe(false);
    expect(isOverdue({ ...due, status: 'waiting' }, NOW + 1)).toBe(true);
    expect(isOverdue(open, NOW)).toBe(false);
  });

  it('judges "today" on the organisation’s calendar, not UTC’s', () => {
    // At 10:00 UTC on 2 March it is 21:00 in Sydney: a task due at 23:30 UTC is due
    // on 3 March there (tomorrow), and on 2 March (today) in New York and London.
    const now = Date.parse('2026-03-02T10:00:00Z');
    const task = { status: 'open' as const, dueAt: Date.parse('2026-03-02T23:30:00Z') };
    expect(dueBucket(task, now, 'America/New_York')).toBe('today');
    expect(dueBucket(task, now, 'Australia/Sydney')).toBe('upcoming');
    expect(dueBucket(task, now, 'Europe/London')).toBe('today');
  });

  it('handles the day clocks spring forward and fall back', () => {
    // London moved to BST at 01:00 UTC on 29 March 2026: the local day was 23 hours long.
    const morning = Date.parse('2026-03-29T00:30:00Z'); // 00:30 GMT
    const lateEvening = { status: 'open' as const, dueAt: Date.parse('2026-03-29T22:30:00Z') }; // 23:30 BST, same local day
    const nextDay = { status: 'open' as const, dueAt: Date.parse('2026-03-29T23:30:00Z') }; // 00:30 BST on the 30th
    expect(dueBucket(lateEvening, morning, 'Europe/London')).toBe('today');
    expect(dueBucket(nextDay, morning, 'Europe/London')).toBe('upcoming');
    // New York fell back on 1 November 2026: a 25-hour day.
    const nyMorning = Date.parse('2026-11-01T04:30:00Z'); // 00:30 EDT
    const nyLate = { status: 'open' as const, dueAt: Date.parse('2026-11-02T04:30:00Z') }; // 23:30 EST, same local day
    expect(dueBucket(nyLate, nyMorning, 'America/New_York')).toBe('today');
    expect(dueBucket({ status: 'open', dueAt: nyMorning - 1 }, nyMorning, 'America/New_York')).toBe('overdue');
    expect(dueBucket({ status: 'open', dueAt: null }, nyMorning, 'America/New_York')).toBe('none');
  });
});

describe('task keys', () => {
  it('reads T-12 as number 12 and anything else as an id', () => {
    expect(parseTaskKey('T-12')).toBe(12);
    expect(parseTaskKey('t-7')).toBe(7);
    expect(parseTaskKey('01hxyz')).toBeNull();
    expect(parseTaskKey('T-')).toBeNull();
  });
});
