// Time off is whole days on the away person's own calendar (their time zone, else the
// business's), whatever zone the browser that books it is in.
import { DateTime } from 'luxon';

/** The instant a date input's day (YYYY-MM-DD) starts in `zone`, `plusDays` later. */
export function dayStart(value: string, zone: string, plusDays = 0): string {
  return DateTime.fromISO(value, { zone }).plus({ days: plusDays }).startOf('day').toUTC().toISO()!;
}

/** "3 Mar 2026 – 5 Mar 2026" in `zone`: the last day shown is the one the stretch ends in, not the midnight after it. */
export function stretch(entry: { from: string; to: string }, zone: string, locale?: string): string {
  const format = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: zone });
  const from = format.format(new Date(entry.from));
  const to = format.format(new Date(Date.parse(entry.to) - 1));
  return from === to ? from : `${from} – ${to}`;
}
