// The pure parts of outbound webhooks: the signature a receiver checks, which
// events a subscription wants, and the retry schedule.
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifyWebhookSignature } from '../../src/webhooks/signature.ts';
import { createWebhookBody, DEFAULT_POLICY, nextStep, outcomeOf, retryDelay, shouldDisable, wantsEvent } from '../../src/webhooks/webhook.ts';

const SECRET = 'whsec_test_secret';
const NOW = Date.parse('2026-03-02T09:00:00Z');
const BODY = JSON.stringify({ id: 'ev1', type: 'task.created', occurredAt: '2026-03-02T09:00:00.000Z', subject: { type: 'task', id: 't1' }, data: { title: 'Fix the tap' } });

describe('the delivery signature', () => {
  it('is t=<seconds>,v1=<HMAC-SHA256 of "t.body">, as Stripe signs', () => {
    expect(signatureHeader(SECRET, BODY, NOW)).toMatch(new RegExp(`^t=${NOW / 1000},v1=[0-9a-f]{64}$`));
  });

  it('verifies an untouched body within the tolerance', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW + 299_000 })).toEqual({ valid: true });
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), { now: NOW - 299_000 })).toEqual({ valid: true });
  });

  it('rejects a changed body, another secret, an old or future timestamp, and a malformed header', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('Fix', 'Fit'), { now: NOW })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec_other', header, BODY, { now: NOW })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW + 301_000 })).toEqual({ valid: false, reason: 'stale' });
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW - 301_000 })).toEqual({ valid: false, reason: 'stale' });
    // A re-signed timestamp without the secret does not match.
    const moved = header.replace(/^t=\d+/, `t=${NOW / 1000 + 60}`);
    expect(verifyWebhookSignature(SECRET, moved, BODY, { now: NOW })).toEqual({ valid: false, reason: 'mismatch' });
    for (const bad of [undefined, '', 'v1=abc', `t=${NOW / 1000}`, 'nonsense']) expect(verifyWebhookSignature(SECRET, bad, BODY, { now: NOW }).valid).toBe(false);
  });

  it('accepts any of several v1 values, so a receiver can hold two secrets while rotating', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    const other = signatureHeader('whsec_old', BODY, NOW).split(',')[1];
    expect(verifyWebhookSignature(SECRET, `${header},${other}`, BODY, { now: NOW })).toEqual({ valid: true });
  });
});

describe('subscriptions', () => {
  it('want the events they name, or all with "*", never the test event', () => {
    expect(wantsEvent(['task.created'], 'task.created')).toBe(true);
    expect(wantsEvent(['task.created'], 'task.completed')).toBe(false);
    expect(wantsEvent(['*'], 'invoice.overdue')).toBe(true);
    expect(wantsEvent(['*'], 'webhook.test')).toBe(false);
  });

  it('take only http(s) URLs and known (or custom) event types', () => {
    const paths = (body: unknown) => createWebhookBody.safeParse(body).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths({ url: 'https://example.com/hook', events: ['task.created', 'invoice.overdue'] })).toEqual([]);
    expect(paths({ url: 'file:///etc/passwd', events: ['*'] })).toEqual(['url']);
    expect(paths({ url: 'https://user:pw@example.com/', events: ['*'] })).toEqual(['url']);
    expect(paths({ url: 'https://example.com/', events: ['task.exploded'] })).toEqual(['events.0']);
    expect(paths({ url: 'https://example.com/', events: ['*', 'task.created'] })).toEqual(['events']);
  });
});

describe('the retry schedule', () => {
  it('doubles the wait after each failed attempt, with up to 20% jitter', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 60_000, () => 0))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelay(3, 60_000, () => 0.999)).toBeLessThanOrEqual(240_000 * 1.2);
    expect(retryDelay(40, 60_000, () => 0)).toBe(24 * 3600_000);
  });

  it('succeeds on 2xx, retries anything else, and gives up after the last attempt', () => {
    expect(nextStep(outcomeOf(204), 1, NOW, DEFAULT_POLICY)).toEqual({ status: 'succeeded' });
    expect(nextStep(outcomeOf(500), 1, NOW, DEFAULT_POLICY, () => 0)).toEqual({ status: 'pending', retryAt: NOW + 60_000 });
    expect(nextStep(outcomeOf(301), 7, NOW, DEFAULT_POLICY, () => 0)).toEqual({ status: 'pending', retryAt: NOW + 60_000 * 64 });
    expect(nextStep({ ok: false, status: null, error: 'timeout' }, 8, NOW, DEFAULT_POLICY)).toEqual({ status: 'dead' });
  });

  it('disables a subscription at 3 dead deliveries in a row', () => {
    expect(shouldDisable(2, DEFAULT_POLICY)).toBe(false);
    expect(shouldDisable(3, DEFAULT_POLICY)).toBe(true);
  });
});
