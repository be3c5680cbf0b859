// Spreadsheet formula injection (OWASP "CSV injection"): a cell that begins with
// = + - @, a tab or a carriage return is taken for a formula by Excel, LibreOffice
// and Google Sheets. Every CSV the product writes prefixes such a text cell with
// an apostrophe, which spreadsheets show as text; the import takes that one
// apostrophe off again, so a file exported and imported comes back unchanged.
// A cell already starting with apostrophes before such a character gets one
// more, so the round trip is exact for it too. Numbers are written as numbers.

import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';

const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** The text as a CSV cell a spreadsheet will not run. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text a neutralised cell stood for (other cells as they are). */
export function restoreCell(text: string): string {
  return NEUTRALISED.test(text) ? text.slice(1) : text;
}

/** csv-stringify's `cast` for strings: every text cell neutralised. */
export const csvCast = { string: (value: string) => neutraliseCell(value) };

/** One row of a CSV the product writes: text is neutralised, numbers written as numbers, null as an empty cell. */
export type CsvCell = string | number | null;

/**
 * Rows as a streamed CSV (header row first, every text cell neutralised): what
 * every `?format=csv` list answers, one page of rows read at a time.
 */
export function csvStream(header: string[], rows: AsyncIterable<CsvCell[]>): Readable {
  return Readable.from(rows).pipe(stringify({ header: true, columns: header, cast: csvCast }));
}
