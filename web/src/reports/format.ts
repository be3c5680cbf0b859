// How report figures read: durations, rates, and the window a filter asks for.
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
  /** Local dates (yyyy-mm-dd) for a custom range; `to` is inclusive. */
  fromDate: string;
  toDate: string;
  team: string;
  assignee: string;
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function defaultFilter(now = new Date()): ReportFilter {
  const from = new Date(now);
  from.setDate(from.getDate() - 29);
  return { range: '30', fromDate: localDate(from), toDate: localDate(now), team: '', assignee: '' };
}

const RANGES: RangeKey[] = ['7', '30', '90', '365', 'custom'];
const isDate = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The filter a page address names (`?range=90&team=…&person=…`, `from`/`to` for custom dates); what it leaves out is the default. */
export function filterFromSearch(search: string, now = new Date()): ReportFilter {
  const params = new URLSearchParams(search);
  const base = defaultFilter(now);
  const range = params.get('range') as RangeKey | null;
  const from = params.get('from');
  const to = params.get('to');
  return {
    range: range && RANGES.includes(range) ? range : base.range,
    fromDate: isDate(from) ? from : base.fromDate,
    toDate: isDate(to) ? to : base.toDate,
    team: params.get('team') ?? '',
    assignee: params.get('person') ?? '',
  };
}

/** The page address for a filter: the address's other parameters (an open task) kept, defaults left out. */
export function searchWithFilter(search: string, filter: ReportFilter, now = new Date()): string {
  const params = new URLSearchParams(search);
  const base = defaultFilter(now);
  const put = (key: string, value: string, unless: string) => (value && value !== unless ? params.set(key, value) : params.delete(key));
  put('range', filter.range, base.range);
  put('from', filter.range === 'custom' ? filter.fromDate : '', '');
  put('to', filter.range === 'custom' ? filter.toDate : '', '');
  put('team', filter.team, '');
  put('person', filter.assignee, '');
  return params.toString();
}

/** The API's `from`/`to` instants for a filter: a preset counts back whole local days from today. */
export function windowOf(filter: ReportFilter, now = new Date()): { from?: string; to?: string } {
  if (filter.range !== 'custom') {
    const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (Number(filter.range) - 1));
    return { from: from.toISOString() };
  }
  const from = filter.fromDate ? new Date(`${filter.fromDate}T00:00`) : undefined;
  const toDay = filter.toDate ? new Date(`${filter.toDate}T00:00`) : undefined;
  if (toDay) toDay.setDate(toDay.getDate() + 1);
  const to = toDay && toDay.getTime() < now.getTime() ? toDay : undefined;
  return { from: from?.toISOString(), to: to?.toISOString() };
}
