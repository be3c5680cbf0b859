import { describe, expect, it } from 'vitest';
import { formatDue, fromLocalInput, toLocalInput, workBucket } from './format.ts';

const NOW = new Date(2026, 2, 2, 8, 30);

describe('My work sections', () => {
  it('puts overdue work under Overdue whatever its status, and other waiting or blocked work under "waiting on others"', () => {
    expect(workBucket({ status: 'waiting', overdue: true, dueAt: new Date(2026, 2, 1).toISOString() }, NOW)).toBe('overdue');
    expect(workBucket({ status: 'blocked', overdue: true, dueAt: new Date(2026, 2, 1).toISOString() }, NOW)).toBe('overdue');
    expect(workBucket({ status: 'waiting', overdue: false, dueAt: new Date(2026, 2, 5).toISOString() }, NOW)).toBe('waiting');
    expect(workBucket({ status: 'blocked', overdue: false, dueAt: null }, NOW)).toBe('waiting');
  });
  it('sorts the rest into overdue, today, upcoming and no date', () => {
    expect(workBucket({ status: 'open', overdue: true, dueAt: new Date(2026, 2, 2, 8).toISOString() }, NOW)).toBe('overdue');
    expect(workBucket({ status: 'open', overdue: false, dueAt: new Date(2026, 2, 2, 23, 59).toISOString() }, NOW)).toBe('today');
    expect(workBucket({ status: 'open', overdue: false, dueAt: new Date(2026, 2, 3, 0, 1).toISOString() }, NOW)).toBe('upcoming');
    expect(workBucket({ status: 'in_progress', overdue: false, dueAt: null }, NOW)).toBe('nodate');
  });
});

describe('due dates on screen', () => {
  it('says today, tomorrow and yesterday in words', () => {
    expect(formatDue(new Date(2026, 2, 2, 9).toISOString(), NOW)).toMatch(/^Today /);
    expect(formatDue(new Date(2026, 2, 3, 9).toISOString(), NOW)).toMatch(/^Tomorrow /);
    expect(formatDue(new Date(2026, 2, 1, 9).toISOString(), NOW)).toMatch(/^Yesterday /);
  });
  it('round-trips a datetime-local value', () => {
    const iso = new Date(2026, 2, 2, 9, 15).toISOString();
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(fromLocalInput('')).toBeNull();
  });
});
