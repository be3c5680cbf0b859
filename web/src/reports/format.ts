// How report figures read: durations, rates, and the window a filter asks for.
import { DateTime } from 'luxon';

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (hours < 48) return `${hours < 10 ? hours.toFixed(1) : Math.round(hours)} h`;
  const days = hours / 24;
  return `${days < 10 ? days.toFixed(1) : Math.round(days)} d`;
}

export function formatHours(hours: number): string {
  if (hours >= 48) return `${(hours / 24).toFixed(hours >= 240 ? 0 : 1)} d`;
  return `${hours >= 10 ? Math.round(hours) : Number(hours.toFixed(1))} h`;
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`;
}

export type RangeKey = '7' | '30' | '90' | '365' | 'custom';

export interface ReportFilter {
  range: RangeKey;
  /** Dates (yyyy-mm-dd) in the organisation's time zone for a custom range; `to` is inclusive. */
  fromDate: string;
  toDate: string;
  team: string;
  assignee: string;
  /** The organisation's IANA time zone: the page counts its days, as it says ("Times in …"), whatever the browser's zone. */
  zone: string;
}

/** Midnight starting a date (yyyy-mm-dd) in `zone`; null for a date that does not exist. */
function startOfDate(date: string, zone: string): DateTime | null {
  const day = DateTime.fromISO(date, { zone });
  return day.isValid ? day.startOf('day') : null;
}

export function defaultFilter(zone: string, now = new Date()): ReportFilter {
  const today = DateTime.fromJSDate(now, { zone });
  return { range: '30', fromDate: today.minus({ days: 29 }).toISODate()!, toDate: today.toISODate()!, team: '', assignee: '', zone };
}

const RANGES: RangeKey[] = ['7', '30', '90', '365', 'custom'];
const isDate = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;

/** The filter a page address names (`?range=90&team=…&person=…`, `from`/`to` for custom dates); what it leaves out is the default. */
export function filterFromSearch(search: string, zone: string, now = new Date()): ReportFilter {
  const params = new URLSearchParams(search);
  const base = defaultFilter(zone, now);
  const range = params.get('range') as RangeKey | null;
  const from = params.get('from');
  const to = params.get('to');
  return {
    range: range && RANGES.includes(range) ? range : base.range,
    fromDate: isDate(from) ? from : base.fromDate,
    toDate: isDate(to) ? to : base.toDate,
    team: params.get('team') ?? '',
    assignee: params.get('person') ?? '',
    zone,
  };
}

/** The page address for a filter: the address's other parameters (an open task) kept, defaults left out. */
export function searchWithFilter(search: string, filter: ReportFilter, now = new Date()): string {
  const params = new URLSearchParams(search);
  const base = defaultFilter(filter.zone, now);
  const put = (key: string, value: string, unless: string) => (value && value !== unless ? params.set(key, value) : params.delete(key));
  put('range', filter.range, base.range);
  put('from', filter.range === 'custom' ? filter.fromDate : '', '');
  put('to', filter.range === 'custom' ? filter.toDate : '', '');
  put('team', filter.team, '');
  put('person', filter.assignee, '');
  return params.toString();
}

/**
 * The API's `from`/`to` instants for a filter, at midnights in the organisation's time zone: a preset counts back
 * whole days from today there, a custom range runs from its first day's midnight to the one after its last day.
 */
export function windowOf(filter: ReportFilter, now = new Date()): { from?: string; to?: string } {
  if (filter.range !== 'custom') {
    const today = DateTime.fromJSDate(now, { zone: filter.zone }).startOf('day');
    return { from: today.minus({ days: Number(filter.range) - 1 }).toUTC().toISO()! };
  }
  const from = filter.fromDate ? startOfDate(filter.fromDate, filter.zone) : null;
  const toDay = filter.toDate ? startOfDate(filter.toDate, filter.zone)?.plus({ days: 1 }) : null;
  const to = toDay && toDay.toMillis() < now.getTime() ? toDay : null;
  return { from: from?.toUTC().toISO() ?? undefined, to: to?.toUTC().toISO() ?? undefined };
}
