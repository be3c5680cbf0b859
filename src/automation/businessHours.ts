// Working-time arithmetic on an organisation's (or a person's) weekly hours,
// holidays and time zone: pure, DST-correct (every boundary is a local wall
// time turned into an instant by Luxon in that zone).
import { DateTime, Duration } from 'luxon';
import type { WeeklyHours } from '../people/person.ts';

export interface Calendar {
  timezone: string;
  hours: WeeklyHours;
  /** ISO dates (YYYY-MM-DD, local to the time zone) with no working hours. */
  holidays: readonly string[];
}

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** How far ahead we look for an opening before deciding there is none (a calendar with no hours at all). */
const HORIZON_DAYS = 800;

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function atLocal(day: DateTime, clock: string): number {
  const minutes = minutesOf(clock);
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toMillis();
}

/** The working intervals [from, to) of one local day, as instants. */
export function openIntervals(calendar: Calendar, day: DateTime): [number, number][] {
  const local = day.setZone(calendar.timezone).startOf('day');
  if (calendar.holidays.includes(local.toISODate() ?? '')) return [];
  const key = WEEKDAY_KEYS[local.weekday - 1]!;
  return (calendar.hours[key] ?? []).map(([from, to]) => [atLocal(local, from), atLocal(local, to)] as [number, number]);
}

export function isOpenAt(calendar: Calendar, instant: number): boolean {
  const day = DateTime.fromMillis(instant, { zone: calendar.timezone });
  return openIntervals(calendar, day).some(([from, to]) => instant >= from && instant < to);
}

function isWorkingDay(calendar: Calendar, day: DateTime): boolean {
  return openIntervals(calendar, day).length > 0;
}

/**
 * The instant `workMs` of working time after `start`. Zero lands on the next
 * opening when `start` is outside hours. Null when the calendar has no hours.
 */
export function addWorkingTime(calendar: Calendar, start: number, workMs: number): number | null {
  let remaining = Math.max(0, workMs);
  let day = DateTime.fromMillis(start, { zone: calendar.timezone }).startOf('day');
  for (let i = 0; i < HORIZON_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const [from, to] of openIntervals(calendar, day)) {
      if (to <= start) continue;
      const begin = Math.max(from, start);
      if (remaining === 0 && begin < to) return begin;
      if (remaining <= to - begin) return begin + remaining;
      remaining -= to - begin;
    }
  }
  return null;
}

/** Working time between two instants (0 when `to` is not after `from`). */
export function workingTimeBetween(calendar: Calendar, from: number, to: number): number {
  let total = 0;
  let day = DateTime.fromMillis(from, { zone: calendar.timezone }).startOf('day');
  for (let i = 0; i < HORIZON_DAYS * 2 && day.toMillis() < to; i++, day = day.plus({ days: 1 })) {
    for (const [start, end] of openIntervals(calendar, day)) {
      const overlap = Math.min(end, to) - Math.max(start, from);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** `n` working days later at the same local time of day (Friday 16:00 + 1 → Monday 16:00). */
function addWorkingDays(calendar: Calendar, start: number, n: number): number | null {
  let at = DateTime.fromMillis(start, { zone: calendar.timezone });
  for (let moved = 0, i = 0; moved < n; i++) {
    if (i > HORIZON_DAYS) return null;
    at = at.plus({ days: 1 });
    if (isWorkingDay(calendar, at)) moved++;
  }
  return at.toMillis();
}

/**
 * A due offset (ISO-8601 duration) from `start`. In business hours, its days
 * count working days and the rest counts working time, so the result always
 * lands inside opening hours; otherwise it is plain calendar arithmetic in the
 * organisation's zone (P1D is the same local time tomorrow, across DST).
 */
export function dueAfter(calendar: Calendar, start: number, iso: string, businessHours: boolean): number | null {
  const duration = Duration.fromISO(iso);
  if (!duration.isValid) return null;
  if (!businessHours) return DateTime.fromMillis(start, { zone: calendar.timezone }).plus(duration).toMillis();
  const { days, weeks, months, years, ...rest } = duration.shiftTo('years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds').toObject();
  const wholeDays = (days ?? 0) + (weeks ?? 0) * 5 + (months ?? 0) * 21 + (years ?? 0) * 250;
  const afterDays = wholeDays > 0 ? addWorkingDays(calendar, start, wholeDays) : start;
  if (afterDays === null) return null;
  return addWorkingTime(calendar, afterDays, Duration.fromObject(rest).toMillis());
}

export function isValidDuration(iso: string): boolean {
  return Duration.fromISO(iso).isValid;
}

export function durationMs(iso: string): number {
  return Duration.fromISO(iso).toMillis();
}
