// Spreadsheet formula injection (OWASP "CSV injection"): a cell that begins with
// = + - @, a tab or a carriage return is taken for a formula by Excel, LibreOffice
// and Google Sheets. Every CSV the product writes prefixes such a text cell with
// an apostrophe, which spreadsheets show as text; the import takes that one
// apostrophe off again, so a file exported and imported comes back unchanged.
// A cell already starting with apostrophes before such a character gets one
// more, so the round trip is exact for it too. Numbers are written as numbers.

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
