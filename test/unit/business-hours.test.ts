import { describe, expect, it } from 'vitest';
import { addWorkingTime, type Calendar, dueAfter, isOpenAt, workingTimeBetween } from '../../src/automation/businessHours.ts';
import { DEFAULT_BUSINESS_HOURS } from '../../src/people/person.ts';

const london: Calendar = { timezone: 'Europe/London', hours: DEFAULT_BUSINESS_HOURS, holidays: [] };
const at = (iso: string) => Date.parse(iso);

describe('business hours arithmetic', () => {
  it('knows when the organisation is open, in its own time zone', () => {
    expect(isOpenAt(london, at('2026-03-02T08:00:00Z'))).toBe(true); // Monday 08:00 GMT
    expect(isOpenAt(london, at('2026-03-02T17:00:00Z'))).toBe(false); // closing time
    expect(isOpenAt(london, at('2026-03-07T10:00:00Z'))).toBe(false); // Saturday
    const newYork: Calendar = { ...london, timezone: 'America/New_York' };
    expect(isOpenAt(newYork, at('2026-03-02T12:00:00Z'))).toBe(false); // 07:00 in New York
    expect(isOpenAt(newYork, at('2026-03-02T13:00:00Z'))).toBe(true);
  });

  it('carries working time over the weekend', () => {
    // Friday 16:00 + 2 business hours = Monday 09:00
    expect(dueAfter(london, at('2026-03-06T16:00:00Z'), 'PT2H', true)).toBe(at('2026-03-09T09:00:00Z'));
  });

  it('skips holidays', () => {
    const withHoliday = { ...london, holidays: ['2026-03-09'] };
    expect(dueAfter(withHoliday, at('2026-03-06T16:00:00Z'), 'PT2H', true)).toBe(at('2026-03-10T09:00:00Z'));
  });

  it('starts counting at the next opening when asked outside hours', () => {
    expect(dueAfter(london, at('2026-03-07T10:00:00Z'), 'PT30M', true)).toBe(at('2026-03-09T08:30:00Z'));
    expect(addWorkingTime(london, at('2026-03-06T20:00:00Z'), 0)).toBe(at('2026-03-09T08:00:00Z'));
  });

  it('is DST-correct: the clocks go forward on Sunday 29 March 2026 in London', () => {
    // Friday 16:00 GMT + 2 business hours = Monday 09:00 BST, which is 08:00 UTC.
    expect(dueAfter(london, at('2026-03-27T16:00:00Z'), 'PT2H', true)).toBe(at('2026-03-30T08:00:00Z'));
    // Calendar days keep the local time of day across the change.
    expect(dueAfter(london, at('2026-03-28T12:00:00Z'), 'P1D', false)).toBe(at('2026-03-29T11:00:00Z'));
    // And back in October: Monday 08:00 GMT opens at 08:00 UTC again.
    expect(dueAfter(london, at('2026-10-23T15:00:00Z'), 'PT2H', true)).toBe(at('2026-10-26T09:00:00Z'));
  });

  it('counts business days as working days at the same time of day', () => {
    expect(dueAfter(london, at('2026-03-06T16:00:00Z'), 'P1D', true)).toBe(at('2026-03-09T16:00:00Z'));
    expect(dueAfter(london, at('2026-03-04T10:00:00Z'), 'P1W', true)).toBe(at('2026-03-11T10:00:00Z'));
    expect(dueAfter(london, at('2026-03-06T16:00:00Z'), 'P1DT2H', true)).toBe(at('2026-03-10T09:00:00Z'));
  });

  it('measures working time between two instants', () => {
    expect(workingTimeBetween(london, at('2026-03-06T16:00:00Z'), at('2026-03-09T09:00:00Z'))).toBe(2 * 3600_000);
    expect(workingTimeBetween(london, at('2026-03-09T09:00:00Z'), at('2026-03-06T16:00:00Z'))).toBe(0);
  });

  it('honours split shifts and 24:00', () => {
    const split: Calendar = { timezone: 'UTC', hours: { ...DEFAULT_BUSINESS_HOURS, mon: [['08:00', '12:00'], ['13:00', '24:00']] }, holidays: [] };
    expect(dueAfter(split, at('2026-03-02T11:00:00Z'), 'PT2H', true)).toBe(at('2026-03-02T14:00:00Z'));
    expect(dueAfter(split, at('2026-03-02T23:00:00Z'), 'PT2H', true)).toBe(at('2026-03-03T09:00:00Z'));
  });

  it('gives no due date rather than looping when there are no hours at all', () => {
    const closed: Calendar = { timezone: 'UTC', hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [] };
    expect(dueAfter(closed, at('2026-03-02T11:00:00Z'), 'PT2H', true)).toBeNull();
  });
});
