// Sign-up and log-in limits that an outsider cannot turn against the people who use them:
// sign-ups are limited per address, an address is held back by its failures (not its
// successes), an account's failures are counted per address (a stranger cannot lock its
// owner out), and X-Forwarded-For is believed only from this machine unless configured.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

const from = (address: string) => ({ 'x-forwarded-for': address });
const signupBody = () => ({ orgName: 'Throttle Co', timezone: 'Europe/London', name: 'T', email: `t-${randomBytes(5).toString('hex')}@example.test`, password: PASSWORD });

forEachDatabase('sign-in limits', (ctx) => {
  it('limits sign-ups per client address: 429 problem+json with Retry-After, other addresses unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await ctx.anonymous.post('/api/v1/signup', signupBody(), from('203.0.113.50'))).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await ctx.anonymous.post('/api/v1/signup', signupBody(), from('203.0.113.50'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await ctx.anonymous.post('/api/v1/signup', signupBody(), from('203.0.113.51'))).status).toBe(201);
  });

  it('counts failed log-ins per address, not successful ones: an office behind one address signs in freely', async () => {
    const org = await ctx.signup();
    const login = (email: string, password: string) => ctx.anonymous.post('/api/v1/sessions', { email, password }, from('198.51.100.30'));
    for (let i = 0; i < 8; i++) expect((await login(org.user.email, PASSWORD)).status).toBe(201);
    const statuses: number[] = [];
    // Each failure at another account, so only the address's limit (4) is in play.
    for (let i = 0; i < 5; i++) statuses.push((await login(`guess-${i}@example.test`, 'wrong password here')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('does not let a stranger lock an account: failures from one address hold back that address only', async () => {
    const org = await ctx.signup();
    const login = (address: string, password: string) => ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password }, from(address));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login('203.0.113.66', 'wrong password number')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await login('203.0.113.66', PASSWORD)).status).toBe(429);
    expect((await login('198.51.100.7', PASSWORD)).status).toBe(201);
  });

  it('by default believes X-Forwarded-For only from loopback, not from a private network address', async () => {
    const org = await ctx.signup();
    const attempt = (remoteAddress: string, forwarded: string) =>
      ctx.server.app.inject({ method: 'POST', url: '/api/v1/sessions', remoteAddress, headers: { 'x-forwarded-for': forwarded }, payload: { email: org.user.email, password: 'wrong password here' } });
    const addresses = async () => (await ctx.server.deps.db.selectFrom('login_address_throttle').select('ip').execute()).map((r) => r.ip);
    for (const lan of ['10.1.2.3', '172.16.0.9', '192.168.1.20', 'fd00::9']) {
      expect((await attempt(lan, '192.0.2.201')).statusCode).toBe(401);
    }
    expect(await addresses()).not.toContain('192.0.2.201');
    expect(await addresses()).toEqual(expect.arrayContaining(['10.1.2.3', '172.16.0.9', '192.168.1.20', 'fd00:0:0:0::/64']));
    expect((await attempt('127.0.0.1', '192.0.2.202')).statusCode).toBe(401);
    expect(await addresses()).toContain('192.0.2.202');
  });
}, { signupLimit: { max: 3, windowMs: 3600_000 }, loginRateLimit: { max: 4, timeWindow: 60_000 }, accountLoginLimit: { max: 3, windowMs: 60_000 } });
