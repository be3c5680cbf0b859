// What a browser test stands on: Debian's Chromium (skipped, with the reason,
// when it is missing — unless FINISHLINE_TEST_REQUIRE names browser), the web
// app built from the current source, and a real server on a fresh SQLite database.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { ensureWebAppBuilt } from '../../src/platform/http/webapp.ts';
import { buildServer, type Server, type ServerOptions } from '../../src/server.ts';
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
  /** Another server with these options, on a fresh SQLite database of its own, serving the same built web app; closed with the rest. */
  anotherServer(options?: Partial<ServerOptions>): Promise<{ baseUrl: string; server: Server }>;
  close(): Promise<void>;
}

/** Builds the web app into a directory of its own (so test files running side by side never share one), then serves it. */
export async function startWebApp(options: Partial<ServerOptions> = {}): Promise<WebApp> {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-e2e-'));
  const webDist = join(dir, 'web');
  await ensureWebAppBuilt(webDist, () => {});
  const serve = (database: string, extra: Partial<ServerOptions>) =>
    buildServer({
      databaseUrl: `sqlite:${join(dir, database)}`,
      logLevel: 'silent',
      sessionTtlMs: 24 * 3600_000,
      webDist,
      loginRateLimit: { max: 1000, timeWindow: 60_000 },
      signupLimit: { max: 1000, windowMs: 3600_000 },
      ...extra,
    });
  const server = await serve('e2e.db', options);
  const baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const others: Server[] = [];
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
    async anotherServer(extra = {}) {
      const other = await serve(`e2e-${others.length + 2}.db`, extra);
      others.push(other);
      return { baseUrl: await other.app.listen({ port: 0, host: '127.0.0.1' }), server: other };
    },
    async close() {
      await browser.close();
      await server.close();
      for (const other of others) await other.close();
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

export const PASSWORD = 'a long enough password';

export interface ApiUser {
  token: string;
  email: string;
  user: { id: string; name: string };
  /** Calls the API with this user's bearer token, from the test process (not the browser). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

function apiUser(baseUrl: string, token: string, email: string, user: ApiUser['user']): ApiUser {
  return {
    token,
    email,
    user,
    async call(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
  };
}

/** Signs up a business through the API; its owner can then log in from a browser with PASSWORD. */
export async function signupOwner(baseUrl: string, orgName: string, name = 'Olive Owner'): Promise<ApiUser> {
  const email = `owner-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const response = await fetch(`${baseUrl}/api/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgName, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, name, email, password: PASSWORD }),
  });
  const body = (await response.json()) as any;
  if (response.status !== 201) throw new Error(`signup failed: ${JSON.stringify(body)}`);
  return apiUser(baseUrl, body.token, email, body.user);
}

/** Adds a person to the owner's business and logs them in through the API. */
export async function addPerson(baseUrl: string, owner: ApiUser, name: string, role = 'member'): Promise<ApiUser> {
  const email = `${name.split(' ')[0]!.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const created = await owner.call('POST', '/api/v1/users', { name, email, role, password: PASSWORD });
  if (created.status !== 201) throw new Error(`adding ${name} failed: ${JSON.stringify(created.body)}`);
  const session = await fetch(`${baseUrl}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  const body = (await session.json()) as any;
  return apiUser(baseUrl, body.token, email, created.body);
}

/** Logs in through the log-in page and waits for My work. */
export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'My work' }).waitFor();
}


/** A served web app with a new business whose owner is signed in on a page made with `options`, its errors collected. */
export async function ownerSignedIn(orgName: string, options: BrowserContextOptions): Promise<{ web: WebApp; owner: ApiUser; page: Page; errors: string[] }> {
  const web = await startWebApp();
  try {
    const owner = await signupOwner(web.baseUrl, orgName);
    const page = await (await web.newContext(options)).newPage();
    const errors: string[] = [];
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
    return { web, owner, page, errors };
  } catch (error) {
    await web.close();
    throw error;
  }
}
