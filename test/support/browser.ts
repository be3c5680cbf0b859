// What a browser test stands on: Debian's Chromium (skipped, with the reason,
// when it is missing — unless FINISHLINE_TEST_REQUIRE names browser), the web
// app built from the current source, and a real server on a fresh SQLite database.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { ensureWebAppBuilt } from '../../src/platform/http/webapp.ts';
import { buildServer, type Server } from '../../src/server.ts';
import { required } from './databases.ts';

export const CHROMIUM = process.env.FINISHLINE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

/** Why browser tests cannot run here, or null when they can; throws when they are required. */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
  if (required('browser')) throw new Error(`FINISHLINE_TEST_REQUIRE includes browser, but ${reason}`);
  console.warn(`[skipped] browser tests: ${reason}`);
  return reason;
}

export interface WebApp {
  baseUrl: string;
  server: Server;
  browser: Browser;
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Builds the web app into a directory of its own (so test files running side by side never share one), then serves it. */
export async function startWebApp(): Promise<WebApp> {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-e2e-'));
  const webDist = join(dir, 'web');
  await ensureWebAppBuilt(webDist, () => {});
  const server = await buildServer({
    databaseUrl: `sqlite:${join(dir, 'e2e.db')}`,
    logLevel: 'silent',
    sessionTtlMs: 24 * 3600_000,
    webDist,
    loginRateLimit: { max: 1000, timeWindow: 60_000 },
  });
  const baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const timezoneId = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    baseUrl,
    server,
    browser,
    newContext: (options = {}) => browser.newContext({ baseURL: baseUrl, timezoneId, locale: 'en-GB', ...options }),
    async close() {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot as test-artifacts/<name>.png, to look at after the run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Forwards the page's console errors and uncaught exceptions to the test output. */
export function reportPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (401 before signing in, a 412 the test provokes) is logged by the browser; it is not a fault of the page.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console: ${message.text()}`);
  });
}
