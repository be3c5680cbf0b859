import { describe, expect, it } from 'vitest';
import { dayKey, monthGrid, moveToDay } from './calendarGrid.ts';

describe('the month view', () => {
  it('shows whole weeks from Monday: March 2026 starts on a Sunday, so the grid starts on 23 February', () => {
    const grid = monthGrid(2026, 2);
    expect(dayKey(grid[0]!)).toBe('2026-02-23');
    expect(grid.length % 7).toBe(0);
    expect(dayKey(grid[grid.length - 1]!)).toBe('2026-04-05');
  });
  it('needs only four weeks for a February that starts on a Monday', () => {
    expect(monthGrid(2027, 1)).toHaveLength(28);
  });
  it('keeps the time of day when a task is moved to another day', () => {
    const moved = new Date(moveToDay(new Date(2026, 2, 2, 9, 30).toISOString(), new Date(2026, 2, 5)));
    expect([moved.getDate(), moved.getHours(), moved.getMinutes()]).toEqual([5, 9, 30]);
  });
});
