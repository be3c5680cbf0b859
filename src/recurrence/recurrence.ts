// Recurrence rules (RFC 5545 RRULE) and the occurrence that comes next, read on
// the organisation's wall clock: 09:00 stays 09:00 local across DST changes.
import { DateTime, Duration } from 'luxon';
import rrule from 'rrule';
import { z } from 'zod';

const { RRule } = rrule;

const DAY = '(MO|TU|WE|TH|FR|SA|SU)';
const list = (item: string) => new RegExp(`^${item}(,${item})*$`);
const intIn = (min: number, max: number) => (value: string) => {
  if (!/^[+-]?\d{1,4}$/.test(value)) return false;
  const n = Number(value);
  return n >= min && n <= max && n !== 0;
};
const listOf = (check: (v: string) => boolean) => (value: string) => value.split(',').every(check);

/** Each property a rule may have, and what its value must look like. */
const PROPERTIES: Record<string, { test: (value: string) => boolean; expect: string }> = {
  // Minutely and secondly rules would make a task a minute: not work anyone plans.
  FREQ: { test: (v) => /^(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY)$/.test(v), expect: 'YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY' },
  INTERVAL: { test: (v) => /^\d{1,4}$/.test(v) && Number(v) >= 1, expect: 'a whole number from 1' },
  COUNT: { test: (v) => /^\d{1,5}$/.test(v) && Number(v) >= 1, expect: 'a whole number from 1' },
  UNTIL: { test: (v) => /^\d{8}(T\d{6}Z?)?$/.test(v) && DateTime.fromFormat(v.slice(0, 8), 'yyyyMMdd').isValid, expect: 'a date like 20261231 or 20261231T235959Z' },
  BYDAY: { test: (v) => list(`[+-]?(\\d{1,2})?${DAY}`).test(v), expect: 'days like MO,WE or 1MO or -1FR' },
  BYMONTHDAY: { test: listOf(intIn(-31, 31)), expect: 'days of the month from 1 to 31 or -31 to -1' },
  BYMONTH: { test: listOf((v) => /^\d{1,2}$/.test(v) && intIn(1, 12)(v)), expect: 'months from 1 to 12' },
  BYSETPOS: { test: listOf(intIn(-366, 366)), expect: 'positions from 1 to 366 or -366 to -1' },
  BYYEARDAY: { test: listOf(intIn(-366, 366)), expect: 'days of the year from 1 to 366 or -366 to -1' },
  BYWEEKNO: { test: listOf(intIn(-53, 53)), expect: 'weeks from 1 to 53 or -53 to -1' },
  BYHOUR: { test: listOf((v) => /^\d{1,2}$/.test(v) && Number(v) <= 23), expect: 'hours from 0 to 23' },
  BYMINUTE: { test: listOf((v) => /^\d{1,2}$/.test(v) && Number(v) <= 59), expect: 'minutes from 0 to 59' },
  WKST: { test: (v) => new RegExp(`^${DAY}$`).test(v), expect: 'a day like MO' },
};

/** Why a rule is not one we take, or null when it is. Takes `FREQ=…;…`, optionally prefixed `RRULE:`. */
export function ruleProblem(text: string): string | null {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') return 'must be an RRULE such as FREQ=WEEKLY;BYDAY=MO';
  if (/[\r\n]/.test(body)) return 'must be one RRULE line (the series starts at the due date; no DTSTART)';
  const seen = new Set<string>();
  for (const part of body.split(';')) {
    const [name, value, ...rest] = part.split('=');
    const key = (name ?? '').toUpperCase();
    const property = PROPERTIES[key];
    if (!property) return `has an unknown part "${part}"; an RRULE has FREQ and may have ${Object.keys(PROPERTIES).slice(1).join(', ')}`;
    if (value === undefined || rest.length > 0 || !property.test(value.toUpperCase())) return `${key} must be ${property.expect}`;
    if (seen.has(key)) return `names ${key} twice`;
    seen.add(key);
  }
  if (!seen.has('FREQ')) return 'must say how often with FREQ, e.g. FREQ=WEEKLY';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'may end with COUNT or UNTIL, not both';
  if (!hasDayWithin(body, Date.UTC(2024, 0, 1))) return `never occurs: it has no date in ${HORIZON_YEARS} years (e.g. BYMONTH=2;BYMONTHDAY=30)`;
  return null;
}

/**
 * How far ahead any occurrence is looked for. The calendar repeats its leap
 * years and 53-week years within eight years, so a rule whose days never come
 * in eight years never comes at all. rrule itself cannot be told to stop: on a
 * rule with no date it walks to year 9999 (seconds of a blocked event loop), so
 * whether a day matches is checked here first, one day at a time, bounded.
 */
export const HORIZON_YEARS = 8;
const DAY_MS = 86_400_000;
const HORIZON_DAYS = HORIZON_YEARS * 366;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Whether some day in the HORIZON_YEARS from `from` (a floating date) has every day-level part of the rule (BYMONTH, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYDAY). */
function hasDayWithin(body: string, from: number): boolean {
  const parts = new Map(body.split(';').map((part) => part.toUpperCase().split('=') as [string, string]));
  const numbers = (key: string) => parts.get(key)?.split(',').map(Number);
  const months = numbers('BYMONTH');
  const monthDays = numbers('BYMONTHDAY');
  const yearDays = numbers('BYYEARDAY');
  const weeks = numbers('BYWEEKNO');
  const inMonth = parts.get('FREQ') === 'MONTHLY' || months !== undefined;
  const days = parts.get('BYDAY')?.split(',').map((d) => ({ weekday: WEEKDAYS.indexOf(d.slice(-2)), nth: d.length > 2 ? Number(d.slice(0, -2)) : 0 }));
  const start = Math.floor(from / DAY_MS) * DAY_MS;
  for (let i = 0; i < HORIZON_DAYS; i++) {
    const date = new Date(start + i * DAY_MS);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const dayOfMonth = date.getUTCDate();
    if (months && !months.includes(month)) continue;
    const monthLength = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (monthDays && !monthDays.some((n) => n === dayOfMonth || n === dayOfMonth - monthLength - 1)) continue;
    const yearLength = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 366 : 365;
    const ordinal = Math.round((date.getTime() - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
    if (yearDays && !yearDays.some((n) => n === ordinal || n === ordinal - yearLength - 1)) continue;
    const weekday = (date.getUTCDay() + 6) % 7;
    if (weeks) {
      const week = DateTime.fromMillis(date.getTime(), { zone: 'utc' });
      if (!weeks.some((n) => n === week.weekNumber || n === week.weekNumber - week.weeksInWeekYear - 1)) continue;
    }
    const index = inMonth ? dayOfMonth : ordinal;
    const length = inMonth ? monthLength : yearLength;
    const nthOk = (nth: number) => nth === 0 || (nth > 0 ? Math.ceil(index / 7) === nth : Math.ceil((length - index + 1) / 7) === -nth);
    if (days && !days.some((d) => d.weekday === weekday && nthOk(d.nth))) continue;
    return true;
  }
  return false;
}

/** The rule as we store it: upper case, without the RRULE: prefix. Call on a rule ruleProblem accepted. */
export function normaliseRule(text: string): string {
  return text.trim().replace(/^RRULE:/i, '').toUpperCase();
}

/** A request field holding an RRULE: validated and normalised, or a 400 naming the field. */
export const recurrenceRule = z
  .string()
  .max(500)
  .transform((text, ctx) => {
    const problem = ruleProblem(text);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return normaliseRule(text);
  })
  .describe('an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO or FREQ=MONTHLY;BYMONTHDAY=-1 (last day of the month); the series starts at the due date');

export interface Series {
  /** The RRULE (normalised). */
  rule: string;
  /** The series' first occurrence (its DTSTART): COUNT counts from it, and the rule's defaults (day, time) come from it. */
  anchor: number;
}

/**
 * The first occurrence of the series strictly after `after`, or null when the
 * rule has none left (COUNT or UNTIL reached), or no day of it comes within
 * HORIZON_YEARS of `after` (checked first, so rrule never walks a rule with no
 * date to year 9999 and no rule holds the event loop). The rule
 * runs on the zone's wall clock (floating time), then each local time is placed
 * back in the zone.
 */
export function nextOccurrence(series: Series, after: number, zone: string): number | null {
  const from = floating(after, zone);
  if (!hasDayWithin(series.rule, from.getTime())) return null;
  const options = RRule.parseString(series.rule);
  const rule = new RRule({ ...options, dtstart: floating(series.anchor, zone) });
  const next = rule.after(from, false);
  return next ? fromFloating(next, zone) : null;
}

/** The local wall time of an instant, written as a UTC date (what rrule calculates with). */
function floating(instant: number, zone: string): Date {
  const local = DateTime.fromMillis(instant, { zone });
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
}

/** A floating date back to an instant in the zone; a local time skipped by spring-forward moves on by the gap. */
function fromFloating(date: Date, zone: string): number {
  return DateTime.fromObject(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds() },
    { zone },
  ).toMillis();
}

/** An ISO-8601 duration such as P14D or P1M2D, as a request field. */
export const leadTime = z
  .string()
  .max(50)
  .refine((text) => {
    const duration = Duration.fromISO(text);
    return duration.isValid && duration.as('milliseconds') >= 0 && duration.as('days') <= 366;
  }, 'must be an ISO-8601 duration from P0D to P1Y, e.g. P14D')
  .describe('how long before the due date the task is made, as an ISO-8601 duration (e.g. P14D)');

/** `due` less a lead time, counted on the zone's calendar (P1M before 31 March is 28 or 29 February). */
export function leadStart(due: number, lead: string, zone: string): number {
  return DateTime.fromMillis(due, { zone }).minus(Duration.fromISO(lead)).toMillis();
}
