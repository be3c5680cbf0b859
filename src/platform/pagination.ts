// Opaque list cursors: the sort key of the last row handed out, base64url-encoded.
import { Invalid, Stale } from './errors.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** What one value of a cursor must be: text (an id, a name) or an integer (an instant, a rank). */
export type CursorPart = 'text' | 'integer';

/** Every integer a sort column holds fits in ±9e18 (PostgreSQL's bigint, with room to spare). */
const MAX_CURSOR_INTEGER = 9e18;
const MAX_CURSOR_TEXT = 1000;

/**
 * The sort values a cursor carries. Each must be what its list hands out — an
 * integer within bigint's range, or text the databases can compare (no NUL,
 * well-formed, not too long) — of the type its place in the sort has; anything else is a 400 naming `cursor`, never a
 * comparison the database refuses (a 500) or misreads.
 */
export function decodeCursor(cursor: string, parts: readonly CursorPart[]): (string | number)[] {
  const values = readCursor(cursor, parts);
  if (values) return values;
  throw Invalid.field('cursor', 'is not a cursor this list handed out');
}

/** The sort values a cursor carries if they have these parts (decodeCursor), else null: for a list that reads an older cursor too. */
export function readCursor(cursor: string, parts: readonly CursorPart[]): (string | number)[] | null {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === parts.length && values.every((v, i) => fits(v, parts[i]!))) {
      return values as (string | number)[];
    }
  } catch {
    // not a cursor at all
  }
  return null;
}

function fits(value: unknown, part: CursorPart): boolean {
  if (typeof value === 'number') return part === 'integer' && Number.isInteger(value) && Math.abs(value) <= MAX_CURSOR_INTEGER;
  if (typeof value === 'string') {
    return part === 'text' && value.length <= MAX_CURSOR_TEXT && !value.includes('\u0000') && (value as string & { isWellFormed(): boolean }).isWellFormed();
  }
  return false;
}

/** Fetches limit+1 rows to know whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => string): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: cursorOf(items[items.length - 1] as T) };
}

export function iso(instant: number): string;
export function iso(instant: number | null): string | null;
export function iso(instant: number | null): string | null {
  if (instant === null) return null;
  // A list page writes hundreds of instants: the date part is formatted once per
  // UTC day and the time of day by hand (toISOString allocates a Date each time).
  const day = Math.floor(instant / DAY_MS);
  const date = Number.isInteger(instant) && day >= MIN_DAY && day < MAX_DAY ? dayPrefix(day) : null;
  if (date === null) return new Date(instant).toISOString();
  const ms = instant - day * DAY_MS;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const f = ms % 1000;
  return `${date}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}.${f < 10 ? '00' : f < 100 ? '0' : ''}${f}Z`;
}

const DAY_MS = 86_400_000;
// Years 1970 to 9999 (four-digit years, as toISOString writes them); anything else goes through Date.
const MIN_DAY = 0;
const MAX_DAY = 2_932_897;
const dayPrefixes = new Map<number, string>();

function dayPrefix(day: number): string {
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= 4096) dayPrefixes.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  return prefix;
}

export function checkVersion(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) throw new Stale(current);
}
