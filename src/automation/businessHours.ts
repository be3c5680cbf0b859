// Working-time arithmetic on an organisation's (or a person's) weekly hours,
// holidays and time zone: pure, DST-correct (every boundary is a local wall
// time turned into an instant by Luxon in that zone).
import { DateTime, Duration, IANAZone } from 'luxon';
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

/**
 * An IANA zone that remembers its UTC offset by instant. Luxon asks the Intl
 * API for every offset it needs, which was most of the cost of this
 * arithmetic, and it asks again and again for the same instants (each day's
 * midnight and opening times). Keyed on the exact instant: nothing is
 * approximated.
 */
class RememberingZone extends IANAZone {
  private readonly offsets = new Map<number, number>();
  override offset(ts: number): number {
    let minutes = this.offsets.get(ts);
    if (minutes === undefined) {
      minutes = super.offset(ts);
      if (this.offsets.size >= 100_000) this.offsets.clear();
      this.offsets.set(ts, minutes);
    }
    return minutes;
  }
}

const zones = new Map<string, IANAZone>();

/** The zone of a calendar, one object per name for the process (an unknown name gives Luxon's invalid zone, as the name itself would). */
function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.isValidZone(name) ? new RememberingZone(name) : IANAZone.create(name);
    if (zones.size >= 1000) zones.clear();
    zones.set(name, zone);
  }
  return zone;
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function atLocal(day: DateTime, clock: string): number {
  const minutes = minutesOf(clock);
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toMillis();
}

/**
 * Each calendar's working intervals by the instant they were asked for: the
 * walks below ask for the same local days over and over (every task a batch
 * creates starts from the same few days). A calendar is never changed once
 * made (the worker reads a fresh one from the organisation every batch).
 */
const intervalsOf = new WeakMap<Calendar, Map<number, readonly (readonly [number, number])[]>>();

/** The working intervals [from, to) of the local day of `day`, as instants. */
export function openIntervals(calendar: Calendar, day: DateTime): readonly (readonly [number, number])[] {
  let known = intervalsOf.get(calendar);
  if (!known) intervalsOf.set(calendar, (known = new Map()));
  const instant = day.toMillis();
  let intervals = known.get(instant);
  if (!intervals) {
    const local = day.setZone(zoneOf(calendar.timezone)).startOf('day');
    const key = WEEKDAY_KEYS[local.weekday - 1]!;
    intervals = calendar.holidays.includes(local.toISODate() ?? '') ? [] : (calendar.hours[key] ?? []).map(([from, to]) => [atLocal(local, from), atLocal(local, to)] as const);
    if (known.size >= 5000) known.clear();
    known.set(instant, intervals);
  }
  return intervals;
}

export function isOpenAt(calendar: Calendar, instant: number): boolean {
  const day = DateTime.fromMillis(instant, { zone: zoneOf(calendar.timezone) });
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
  let day = DateTime.fromMillis(start, { zone: zoneOf(calendar.timezone) }).startOf('day');
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
  let day = DateTime.fromMillis(from, { zone: zoneOf(calendar.timezone) }).startOf('day');
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
  let at = DateTime.fromMillis(start, { zone: zoneOf(calendar.timezone) });
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
  const offset = parsedDuration(iso);
  if (!offset) return null;
  if (!businessHours) return DateTime.fromMillis(start, { zone: zoneOf(calendar.timezone) }).plus(offset.duration).toMillis();
  const afterDays = offset.workingDays > 0 ? addWorkingDays(calendar, start, offset.workingDays) : start;
  if (afterDays === null) return null;
  return addWorkingTime(calendar, afterDays, offset.workingMs);
}

interface ParsedDuration {
  duration: Duration;
  /** In business hours: the whole days (a week is 5, a month 21, a year 250) and the working time after them. */
  workingDays: number;
  workingMs: number;
}

/** Rules use a handful of durations: each is parsed once (null: not a valid ISO-8601 duration). */
const durations = new Map<string, ParsedDuration | null>();

function parsedDuration(iso: string): ParsedDuration | null {
  let parsed = durations.get(iso);
  if (parsed === undefined) {
    const duration = Duration.fromISO(iso);
    if (duration.isValid) {
      const { days, weeks, months, years, ...rest } = duration.shiftTo('years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds').toObject();
      const workingDays = (days ?? 0) + (weeks ?? 0) * 5 + (months ?? 0) * 21 + (years ?? 0) * 250;
      parsed = { duration, workingDays, workingMs: Duration.fromObject(rest).toMillis() };
    } else {
      parsed = null;
    }
    if (durations.size >= 1000) durations.clear();
    durations.set(iso, parsed);
  }
  return parsed;
}

export function isValidDuration(iso: string): boolean {
  return parsedDuration(iso) !== null;
}

export function durationMs(iso: string): number {
  return parsedDuration(iso)?.duration.toMillis() ?? NaN;
}
