// The signature on every delivery, as Stripe and GitHub sign theirs:
// `Finishline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
// keyed with the subscription's secret. A receiver checks it with
// verifyWebhookSignature (or the few lines in the README).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Finishline-Signature';
export const EVENT_HEADER = 'Finishline-Event';
export const DELIVERY_HEADER = 'Finishline-Delivery';

function hmac(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for a body sent at `now` (milliseconds). */
export function signatureHeader(secret: string, rawBody: string | Buffer, now: number): string {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody)}`;
}

export type Verification = { valid: true } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Whether a delivery really came from Finishline with this secret, unchanged
 * and recently: the raw body (as received, before any JSON parsing) must hash
 * to one of the header's v1 values, and its timestamp be within
 * `toleranceSeconds` of `now` (milliseconds; the receiver's clock by default),
 * so a captured request cannot be replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  rawBody: string | Buffer,
  options: { toleranceSeconds?: number; now?: number } = {},
): Verification {
  const { toleranceSeconds = 300, now = Date.now() } = options;
  if (!header) return { valid: false, reason: 'malformed' };
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return { valid: false, reason: 'malformed' };
  if (Math.abs(Math.floor(now / 1000) - timestamp) > toleranceSeconds) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return matches ? { valid: true } : { valid: false, reason: 'mismatch' };
}
