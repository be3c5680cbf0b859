// Sessions and accounts, with OWASP ASVS level 2 as the guide.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

const cookiesOf = (headers: Headers) => Object.fromEntries(headers.getSetCookie().map((c) => [c.split('=')[0]!, c]));
const pair = (setCookie: string) => setCookie.split(';')[0]!;

forEachDatabase('passwords', (ctx) => {
  it('refuses short and commonly used passwords on sign-up, new users and password changes', async () => {
    const signup = (password: string) => ctx.anonymous.post('/api/v1/signup', { orgName: 'Weak Co', timezone: 'Europe/London', name: 'W', email: `w-${Math.random()}@example.test`, password });
    for (const weak of ['password1234', 'Qwertyuiop123!', '123456789012', 'aaaaaaaaaaaaaaaa', 'short']) {
      const res = await signup(weak);
      expect(res.status, weak).toBe(400);
      expect(res.body.errors.map((e: any) => e.path)).toEqual(['password']);
    }
    expect((await signup('x'.repeat(129))).status).toBe(400);
    expect((await signup('correct horse battery staple')).status).toBe(201);
    const org = await ctx.signup();
    const weakUser = await org.api.post('/api/v1/users', { name: 'P', email: 'p@example.test', password: 'iloveyou2024' });
    expect(weakUser.status).toBe(400);
    expect((await org.api.patch(`/api/v1/users/${org.user.id}`, { password: 'letmein12345' })).body.errors[0].path).toBe('password');
  });
});

forEachDatabase('login throttling per account', (ctx) => {
  it('answers 429 with Retry-After once an account has had too many failed logins, whatever the password, until the window passes', async () => {
    const org = await ctx.signup();
    const other = await ctx.signup('Other Co');
    const attempt = (email: string, password: string) => ctx.anonymous.post('/api/v1/sessions', { email, password });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(org.user.email, 'wrong password number')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const locked = await attempt(org.user.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same address may still log in to another account: the limit is per account.
    expect((await attempt(other.user.email, PASSWORD)).status).toBe(201);
    const audit = await org.api.get('/api/v1/audit?action=session.login_throttled');
    expect(audit.body.items).toHaveLength(1);
    ctx.clock.advance(61_000);
    expect((await attempt(org.user.email, PASSWORD)).status).toBe(201);
  });

  it('throttles an unknown email the same way, so the answer never tells whether an account exists', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ctx.anonymous.post('/api/v1/sessions', { email: 'nobody-here@example.test', password: 'wrong password number' })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('forgets failures after a successful login', async () => {
    const org = await ctx.signup();
    const attempt = (password: string) => ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password });
    for (let round = 0; round < 3; round++) {
      expect((await attempt('wrong password number')).status).toBe(401);
      expect((await attempt('wrong password number')).status).toBe(401);
      expect((await attempt(PASSWORD)).status).toBe(201);
    }
  });
}, { accountLoginLimit: { max: 3, windowMs: 60_000 } });

const webDist = mkdtempSync(join(tmpdir(), 'finishline-webdist-'));
writeFileSync(join(webDist, 'index.html'), readFileSync(new URL('../../web/index.html', import.meta.url)));
afterAll(() => rmSync(webDist, { recursive: true, force: true }));

forEachDatabase('cookies and security headers', (ctx) => {
  const signupBody = () => ({ orgName: 'Cookie Co', timezone: 'Europe/London', name: 'C', email: `c-${Math.random()}@example.test`, password: PASSWORD });

  it('marks the session cookie Secure and sends HSTS behind TLS, and neither over plain HTTP', async () => {
    const tls = await ctx.anonymous.post('/api/v1/signup', signupBody(), { 'x-forwarded-proto': 'https' });
    const secure = cookiesOf(tls.headers);
    expect(secure.fl_session).toMatch(/; Secure/i);
    expect(secure.fl_session).toMatch(/HttpOnly/i);
    expect(secure.fl_session).toMatch(/SameSite=Lax/i);
    expect(secure.fl_csrf).toMatch(/; Secure/i);
    expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d{8,}/);
    const plain = await ctx.anonymous.post('/api/v1/signup', signupBody());
    expect(cookiesOf(plain.headers).fl_session).not.toMatch(/; Secure/i);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('rotates the session at login: the session the browser had before is ended', async () => {
    const signup = await ctx.anonymous.post('/api/v1/signup', signupBody());
    const before = cookiesOf(signup.headers);
    const cookie = `${pair(before.fl_session!)}; ${pair(before.fl_csrf!)}`;
    const csrf = pair(before.fl_csrf!).split('=')[1]!;
    const login = await ctx.anonymous.post('/api/v1/sessions', { email: signup.body.user.email, password: PASSWORD }, { cookie, 'x-csrf-token': csrf });
    expect(login.status).toBe(201);
    const after = cookiesOf(login.headers);
    expect(pair(after.fl_session!)).not.toBe(pair(before.fl_session!));
    expect(pair(after.fl_csrf!)).not.toBe(pair(before.fl_csrf!));
    expect((await ctx.anonymous.get('/api/v1/me', { cookie })).status).toBe(401);
    expect((await ctx.anonymous.get('/api/v1/me', { cookie: `${pair(after.fl_session!)}; ${pair(after.fl_csrf!)}` })).status).toBe(200);
  });

  it('serves the web app with a strict Content-Security-Policy that its page passes', async () => {
    const page = await ctx.anonymous.get('/tasks');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    // What the page itself holds fits that policy: no inline script or style, nothing from elsewhere.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(page.text).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends nosniff, frame denial and a same-origin referrer policy on API answers and errors alike', async () => {
    for (const res of [await ctx.anonymous.get('/api/v1/me'), await ctx.anonymous.get('/api/v1/openapi.json'), await ctx.anonymous.get('/api/v1/nothing')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
  });
}, { webDist });
