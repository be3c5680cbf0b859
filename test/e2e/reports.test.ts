// The reports page in a real browser, on the demo business: charts drawn, filters applied, each CSV downloadable with the same filters.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/service.ts';
import { addPerson, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };
const REPORTS = ['summary', 'throughput', 'overdue', 'completion', 'workload', 'aging', 'bottlenecks', 'automation'];

describe.skipIf(skip !== null)(skip ? `reports page (skipped: ${skip})` : 'reports page', () => {
  let web: WebApp;
  let login: { email: string; password: string };
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    ({ login } = await loadDemo(web.server.database, { seed: 7, scale: 0 }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('draws every report as a chart, with summary tiles, for the owner', async () => {
    const context = await web.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, login.email, login.password);
    // A playbook's rules, and a rule that has made a task, so the automation report has something to draw.
    const installed = await page.evaluate(async () => {
      const csrf = decodeURIComponent(/(?:^|;\s*)fl_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const post = (path: string, body: unknown) => fetch(path, { method: 'POST', headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const playbooks = await fetch('/api/v1/playbooks').then((r) => r.json());
      const install = await post(`/api/v1/playbooks/${playbooks.items[0].key}/install`, {});
      const rule = await post('/api/v1/rules', { name: 'Call new leads back', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'Call {{record.title}} back', priority: 'high', due: 'PT2H' }] });
      const lead = await post('/api/v1/leads', { title: 'Boiler service — Reyes', source: 'website' });
      return [install.status, rule.status, lead.status];
    });
    expect(installed).toEqual([200, 201, 201]);
    await expect
      .poll(() => page.evaluate(() => fetch('/api/v1/reports/automation').then((r) => r.json()).then((a) => a.rules.reduce((n: number, r: { created: number }) => n + r.created, 0))), T)
      .toBe(1);
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor(T);

    for (const name of ['throughput', 'overdue', 'completion', 'workload', 'aging', 'bottlenecks', 'automation']) {
      await page.locator(`[data-report="${name}"] canvas`).waitFor(T);
    }
    const overdueTile = page.getByTestId('tile-overdue');
    const apiSummary = await page.evaluate(() => fetch('/api/v1/reports/summary').then((r) => r.json()));
    await expect.poll(() => overdueTile.locator('.tile-value').textContent(), T).toBe(String(apiSummary.overdue));
    expect(apiSummary.overdue).toBeGreaterThan(0);
    // The page flags exactly the people the report flags: in the demo, whose month of history is too short for a usual load, no one.
    const workload = await page.evaluate(() => fetch('/api/v1/reports/workload').then((r) => r.json()));
    const overloaded = workload.people.filter((p: { overloaded: boolean }) => p.overloaded).length;
    expect(overloaded).toBeLessThan(workload.people.length / 2);
    await expect.poll(() => page.locator('[data-report="workload"] .row-flag').count(), T).toBe(overloaded);
    await expect.poll(() => page.locator('[data-report="workload"] td', { hasText: 'too new' }).count(), T).toBe(workload.people.filter((p: { usualLoad: number | null }) => p.usualLoad === null).length);
    // Both on-time rates, each saying what it counts.
    await expect.poll(() => page.getByTestId('tile-on-time').locator('.tile-value').textContent(), T).toBe(`${Math.round(apiSummary.onTimeRateWithOverdue * 100)}%`);
    await page.getByTestId('tile-on-time-completed').getByText('open late work is left out').waitFor(T);
    await page.evaluate(() => document.fonts.ready);
    await screenshot(page, 'reports-1440');
    await page.locator('[data-report="automation"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'reports-1400-automation');
    // No developer words in the automation footnote.
    const notes = (await page.locator('[data-report="automation"] .report-notes').textContent()) ?? '';
    expect(notes).not.toMatch(/\/api\/|source\.ruleId|neverFired|alwaysMisses/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('links each countable tile to the task list with its filters, and the list agrees with the tile', async () => {
    const context = await web.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, login.email, login.password);
    // Each tile that counts tasks: the list shows the same number, and a period or a kind of task as a chip in words.
    for (const [tile, chip] of [['overdue', null], ['open', null], ['due-today', 'Due later today'], ['completed', /^Completed /]] as const) {
      await page.goto('/reports?range=90');
      const value = (await page.getByTestId(`tile-${tile}`).locator('.tile-value').textContent(T))!.trim();
      if (tile !== 'due-today') expect(Number(value)).toBeGreaterThan(0);
      await page.getByTestId(`tile-${tile}`).getByRole('link', { name: 'See these tasks' }).click();
      await page.getByRole('heading', { name: 'Tasks' }).waitFor(T);
      await page.getByText(`${value} matching`, { exact: true }).waitFor(T);
      if (chip) await page.locator('.filter-chip', { hasText: chip }).waitFor(T);
    }
    // The tasks done late in the period, from the on-time tile: as many as the tile says, the chips in words.
    await page.goto('/reports?range=90');
    const late = page.getByTestId('tile-on-time-completed').getByRole('link', { name: /done late$/ });
    const lateCount = Number((await late.textContent(T))!.split(' ')[0]);
    await late.click();
    await page.getByText(`${lateCount} matching`, { exact: true }).waitFor(T);
    await page.locator('.filter-chip', { hasText: 'Done late' }).waitFor(T);
    const chips = (await page.locator('.filter-chips').textContent()) ?? '';
    expect(chips).not.toMatch(/completedFrom|timing|onTime|\d{4}-\d{2}-\d{2}T/);
    await page.evaluate(() => document.fonts.ready);
    await screenshot(page, 'reports-links-list-1440');
    // Removing a chip widens the list to match.
    await page.getByRole('button', { name: 'Remove filter: Done late' }).click();
    await expect.poll(() => page.locator('.filter-chip', { hasText: 'Done late' }).count(), T).toBe(0);
    expect(new URL(page.url()).searchParams.get('timing')).toBeNull();
    // A part of a chart: overdue tasks about one kind of record.
    await page.goto('/reports');
    const overdue = await page.evaluate(() => fetch('/api/v1/reports/overdue').then((r) => r.json()));
    const top = overdue.byLinkType.find((l: { linkType: string }) => l.linkType === 'job') ?? overdue.byLinkType[0];
    const words: Record<string, string> = { job: 'About a job', lead: 'About a lead', contact: 'About a contact', client: 'About a client', service: 'About a service', none: 'About no record' };
    await page.locator('[data-report="overdue"] .mini-table', { hasText: 'By type' }).getByRole('link', { name: String(top.count), exact: true }).first().click();
    await page.getByText(`${top.count} matching`, { exact: true }).waitFor(T);
    await page.locator('.filter-chip', { hasText: words[top.linkType]! }).waitFor(T);
    // A lead stage's open follow-ups, from the bottlenecks card: as many as the row says, the stage by its name.
    await page.goto('/reports');
    const bottlenecks = await page.evaluate(() => fetch('/api/v1/reports/bottlenecks').then((r) => r.json()));
    const stage = bottlenecks.leadStages[0];
    const stageNames = await page.evaluate((id) => fetch(`/api/v1/pipelines/${id}`).then((r) => r.json()), stage.pipelineId);
    const stageName = stageNames.stages.find((s: { key: string }) => s.key === stage.stage).name;
    await page.locator('[data-report="bottlenecks"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.fonts.ready);
    await screenshot(page, 'reports-1440-bottlenecks');
    // The row names the stage as its pipeline does (and the pipeline, when the rows come from more than one).
    await page.getByRole('link', { name: new RegExp(`^${stage.openTasks} open for leads at ${stageName}( \\(${stageNames.name}\\))?$`) }).click();
    await page.getByText(`${stage.openTasks} matching`, { exact: true }).waitFor(T);
    await page.locator('.filter-chip', { hasText: `About a lead at the stage ‘${stageName}’` }).waitFor(T);
    expect((await page.locator('.filter-chips').textContent()) ?? '').not.toMatch(/leadStage|leadPipeline|pipelineId/);
    await screenshot(page, 'reports-links-stage-1440');
    // The late part of a person's on-time rate, from the completion table.
    // Everyone in the demo is on time so far: the owner does one task after its due time.
    const doneLate = await page.evaluate(async () => {
      const csrf = decodeURIComponent(/(?:^|;\s*)fl_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const headers = { 'x-csrf-token': csrf, 'content-type': 'application/json' };
      const task = await fetch('/api/v1/tasks', { method: 'POST', headers, body: JSON.stringify({ title: 'Return the ladder', dueAt: new Date(Date.now() - 3_600_000).toISOString() }) }).then((r) => r.json());
      return (await fetch(`/api/v1/tasks/${task.key}`, { method: 'PATCH', headers, body: JSON.stringify({ status: 'done' }) })).status;
    });
    expect(doneLate).toBe(200);
    await page.goto('/reports?range=90');
    const personLate = page.locator('[data-report="completion"]').getByRole('link', { name: /^[1-9]\d* done late by / }).first();
    const personLateCount = Number((await personLate.textContent(T))!.split(' ')[0]);
    await personLate.click();
    await page.getByText(`${personLateCount} matching`, { exact: true }).waitFor(T);
    await page.locator('.filter-chip', { hasText: 'Done late' }).waitFor(T);
    expect(new URL(page.url()).searchParams.get('assignee')).toBeTruthy();
    // A bar of a chart: the person with the most overdue work, whose bar is the longest.
    await page.goto('/reports');
    const first = overdue.byPerson[0];
    const canvas = page.locator('[data-report="overdue"] canvas');
    await canvas.waitFor(T);
    const box = (await canvas.boundingBox())!;
    const rowHeight = (box.height - 30) / overdue.byPerson.length;
    await canvas.click({ position: { x: box.width * 0.6, y: rowHeight / 2 + 4 } });
    await page.getByRole('heading', { name: 'Tasks' }).waitFor(T);
    await page.getByText(`${first.count} matching`, { exact: true }).waitFor(T);
    expect(new URL(page.url()).searchParams.get('assignee')).toBe(first.assigneeId ?? 'none');
    expect(new URL(page.url()).searchParams.get('overdue')).toBe('true');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('counts its days in the business’s time zone, as it says, for a viewer in another zone, and its links carry the same instants', async () => {
    // The demo business is in London; this browser is in Los Angeles.
    const context = await web.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'America/Los_Angeles' });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, login.email, login.password);
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/Los_Angeles');
    const londonWeek = () => DateTime.now().setZone('Europe/London').startOf('day').minus({ days: 6 }).toUTC().toISO()!;
    const before = londonWeek();
    const asked = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/reports/summary', T);
    await page.goto('/reports?range=7');
    const from = new URL((await asked).url()).searchParams.get('from');
    // (A London midnight may pass while the page loads.)
    expect([before, londonWeek()]).toContain(from);
    await page.getByText('Times in Europe/London').waitFor(T);
    await page.getByTestId('tile-completed').getByRole('link', { name: 'See these tasks' }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor(T);
    expect(Date.parse(new URL(page.url()).searchParams.get('completedFrom')!)).toBe(Date.parse(from!));
    // Custom dates are London's days too: 1 to 7 June runs from London's midnight (23:00 UTC in summer) to the one after the 7th.
    const custom = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/reports/summary', T);
    const year = DateTime.now().year - 1;
    await page.goto(`/reports?range=custom&from=${year}-06-01&to=${year}-06-07`);
    const window = new URL((await custom).url()).searchParams;
    expect([window.get('from'), window.get('to')]).toEqual([`${year}-05-31T23:00:00.000Z`, `${year}-06-07T23:00:00.000Z`]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('downloads each report as CSV with the filters on the page', async () => {
    const context = await web.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, login.email, login.password);
    await page.goto('/reports');
    await page.locator('[data-report="throughput"] canvas').waitFor(T);

    const people = await page.evaluate(() => fetch('/api/v1/users?limit=200').then((r) => r.json()));
    const person = people.items.find((u: { role: string }) => u.role === 'member');
    await page.getByLabel('Person', { exact: true }).selectOption(person.id);
    await page.getByLabel('Period', { exact: true }).selectOption('90');

    for (const name of REPORTS) {
      const link = page.getByRole('link', { name: `Download ${name} as CSV` });
      await expect.poll(() => link.getAttribute('href'), T).toContain(`assignee=${person.id}`);
      const href = (await link.getAttribute('href'))!;
      expect(href.startsWith(`/api/v1/reports/${name}?`)).toBe(true);
      expect(href).toContain('format=csv');
      // The link works with the browser's own session, the way a click downloads it.
      const answer = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), text: await response.text() };
      }, href);
      expect(answer.status, `${name}: ${answer.text}`).toBe(200);
      expect(answer.type).toContain('text/csv');
      expect(answer.disposition).toContain(`${name}.csv`);
      expect(answer.text.split('\n').length).toBeGreaterThan(1);
    }
    const windowed = await page.getByRole('link', { name: 'Download completion as CSV' }).getAttribute('href');
    const from = new URL(windowed!, web.baseUrl).searchParams.get('from')!;
    const days = (Date.now() - Date.parse(from)) / 86_400_000;
    expect(days).toBeGreaterThan(88);
    expect(days).toBeLessThan(91);

    // A click downloads the file.
    const [download] = await Promise.all([page.waitForEvent('download', T), page.getByRole('link', { name: 'Download workload as CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('workload.csv');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a phone at 390 px', async () => {
    const context = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, login.email, login.password);
    await page.goto('/reports');
    await page.locator('[data-report="throughput"] canvas').waitFor(T);
    await page.getByTestId('tile-overdue').waitFor(T);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'reports-390');
    await page.locator('[data-report="workload"]').scrollIntoViewIfNeeded();
    await page.locator('[data-report="workload"] canvas').waitFor(T);
    await screenshot(page, 'reports-390-workload');
    for (const name of ['completion', 'bottlenecks', 'automation']) {
      await page.locator(`[data-report="${name}"] table, [data-report="${name}"] .mini-table`).last().scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await screenshot(page, `reports-390-${name}`);
    }
    // A tile's link on a phone: the list with the same count, its chip in words, nothing wider than the screen.
    await page.evaluate(() => window.scrollTo(0, 0));
    const completed = (await page.getByTestId('tile-completed').locator('.tile-value').textContent(T))!.trim();
    await page.getByTestId('tile-completed').getByRole('link', { name: 'See these tasks' }).click();
    await page.getByText(`${completed} matching`, { exact: true }).waitFor(T);
    await page.locator('.filter-chip', { hasText: /^Completed / }).waitFor(T);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'reports-links-list-390');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is not in the navigation of a member, whom the API refuses', async () => {
    const owner = await signupOwner(web.baseUrl, 'Small Co');
    const member = await addPerson(web.baseUrl, owner, 'Mia Member');
    const context = await web.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await logIn(page, member.email);
    await page.getByRole('link', { name: 'Tasks', exact: true }).waitFor(T);
    expect(await page.getByRole('link', { name: 'Reports', exact: true }).count()).toBe(0);
    await context.close();
  });
});
