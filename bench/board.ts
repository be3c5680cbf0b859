// The board in a real headless Chromium: a team with 2,000 open tasks, from
// navigation to the columns' exact counts and first cards on screen (the board
// ready to use), against the same page for a business with no tasks at all.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ensureWebAppBuilt } from '../src/platform/http/webapp.ts';
import { buildServer } from '../src/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'a long enough password';
const OPEN_TASKS = 2000;
const ROUNDS = 5;

interface Signup {
  token: string;
  user: { id: string };
}

async function post<T = { id: string }>(baseUrl: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const reply = (await response.json()) as T;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(reply)}`);
  return reply;
}

async function business(baseUrl: string, name: string, openTasks: number): Promise<string> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}@bench.test`;
  const owner = await post<Signup>(baseUrl, '/api/v1/signup', { orgName: name, timezone: 'Europe/London', name: 'Olive Owner', email, password: PASSWORD });
  const team = await post(baseUrl, '/api/v1/teams', { name: 'Field', memberIds: [owner.user.id] }, owner.token);
  const priorities = ['urgent', 'high', 'normal', 'low'];
  const statuses = ['open', 'open', 'in_progress', 'waiting', 'blocked'];
  for (let i = 0; i < openTasks; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, openTasks - i) }, (_, j) => {
        const n = i + j;
        const status = statuses[n % statuses.length];
        const reason = status === 'waiting' ? { waitingOn: 'Customer' } : status === 'blocked' ? { blockedReason: 'Parts' } : {};
        return post(baseUrl, '/api/v1/tasks', { title: `Job ${n + 1}: call the customer back`, priority: priorities[n % 4], status, teamId: team.id, ...reason }, owner.token);
      }),
    );
  }
  return email;
}

/** Milliseconds from navigation to every column's exact count and the first card of each non-empty column on screen. */
async function boardReady(page: Page, expectCards: boolean): Promise<number> {
  await page.goto('/tasks');
  await page.getByRole('heading', { name: 'Tasks' }).waitFor();
  const started = performance.now();
  await page.getByRole('link', { name: 'Board' }).click();
  await page.waitForFunction(
    (cards) => {
      const counts = [...document.querySelectorAll('[data-testid^="column-count-"]')].map((el) => el.textContent ?? '');
      if (counts.length < 5 || counts.some((c) => c.endsWith('+'))) return false;
      if (!cards) return counts.every((c) => c === '0');
      return ['open', 'in_progress', 'waiting', 'blocked'].every((s) => document.querySelector(`section.column[data-status="${s}"] .card-slot`));
    },
    expectCards,
    { polling: 'raf', timeout: 60_000 },
  );
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchBoard(figures: Record<string, number>): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`board render: skipped, Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'finishline-bench-board-'));
  // Built from the current source into a directory of its own: never an older web/dist.
  const webDist = join(dir, 'web');
  await ensureWebAppBuilt(webDist, () => {});
  const server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'board.db')}`, logLevel: 'silent', sessionTtlMs: 3600_000, webDist, loginRateLimit: { max: 1000, timeWindow: 60_000 } });
  let browser: Browser | undefined;
  try {
    const baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const busy = await business(baseUrl, 'Busy Plumbing', OPEN_TASKS);
    const quiet = await business(baseUrl, 'Quiet Plumbing', 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const times: Record<'busy' | 'quiet', number[]> = { busy: [], quiet: [] };
    for (const [kind, email] of [['busy', busy], ['quiet', quiet]] as const) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'My work' }).waitFor();
      await boardReady(page, kind === 'busy'); // the board's script, loaded once
      for (let round = 0; round < ROUNDS; round++) times[kind].push(await boardReady(page, kind === 'busy'));
      const rendered = kind === 'busy' ? await page.locator('.card-slot').count() : 0;
      if (kind === 'busy') figures.board_cards_in_page = rendered;
      await context.close();
    }
    const busyMs = Math.round(median(times.busy));
    const quietMs = Math.round(median(times.quiet));
    figures.board_2000_ready_ms = busyMs;
    figures.board_empty_ready_ms = quietMs;
    figures.board_2000_vs_empty = Math.round((busyMs / Math.max(1, quietMs)) * 100) / 100;
    console.log(`board render: ${OPEN_TASKS} open tasks ready in ${busyMs} ms (median of ${ROUNDS}), an empty board in ${quietMs} ms: ${figures.board_2000_vs_empty}× (${figures.board_cards_in_page} cards in the page)`);
  } finally {
    await browser?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures: Record<string, number> = {};
  await benchBoard(figures);
  console.log(JSON.stringify(figures));
}
