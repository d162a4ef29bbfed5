/**
 * Webhook signatures. Every delivery carries both:
 * - the Veqtrx headers, exactly as the contract gives them: `X-Veqtrx-Signature: sha256=<hex HMAC-SHA256
 *   of the exact body, keyed with the webhook secret's UTF-8 bytes>`, `X-Veqtrx-Timestamp: <unix s>`;
 * - the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64
 *   HMAC-SHA256 of "id.timestamp.body">`), keyed as the official libraries key them: the secret without
 *   its `whsec_` prefix (when it has one), base64-decoded. They sign the id and the time as well, so a
 *   receiver can reject replays.
 * After a rotation, during the overlap window, the previous secret signs too: a second `v1,<sig>` entry
 * in `webhook-signature` (space-separated, as the spec provides), and `X-Veqtrx-Signature-Previous:
 * sha256=<hex>` beside the unchanged `X-Veqtrx-Signature` (which the contract gives as a single value).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../lib/secrets.ts';

export const USER_AGENT = 'Veqtrx-Webhooks/1.0';
export const TOLERANCE_SECONDS = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * The HMAC key of a Standard Webhooks secret, as the official libraries (JavaScript, Python) derive it:
 * strip a `whsec_` prefix if present, then base64-decode what is left — a secret without the prefix is
 * base64 too, never its UTF-8 bytes. Padding may be omitted (Python's library accepts that); anything
 * that is not base64, or decodes to nothing, is refused rather than keyed some other way.
 */
export function standardKey(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  if (!BASE64.test(b64))
    throw new Error('a Standard Webhooks secret must be base64 (optionally prefixed whsec_)');
  const key = Buffer.from(b64, 'base64');
  if (key.length === 0) throw new Error('a Standard Webhooks secret must not be empty');
  return key;
}

export function veqtrxSignature(secret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

export function standardSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Buffer,
): string {
  return (
    'v1,' +
    createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64')
  );
}

/**
 * The headers of one attempt. `previous` (the secret before a rotation, while its window lasts) adds a
 * second Standard Webhooks signature and the `X-Veqtrx-Signature-Previous` header.
 */
export function signatureHeaders(
  secret: string,
  id: string,
  body: string,
  now: Date,
  previous?: string,
): Record<string, string> {
  const ts = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-Veqtrx-Signature': veqtrxSignature(secret, body),
    'X-Veqtrx-Timestamp': String(ts),
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': standardSignature(secret, id, ts, body),
  };
  if (previous !== undefined) {
    headers['X-Veqtrx-Signature-Previous'] = veqtrxSignature(previous, body);
    headers['webhook-signature'] += ' ' + standardSignature(previous, id, ts, body);
  }
  return headers;
}

/**
 * A receiver's check of the Veqtrx headers: constant-time, and the timestamp within the tolerance.
 * `signature` may be several values (X-Veqtrx-Signature and, during a rotation window,
 * X-Veqtrx-Signature-Previous): any one matching is enough.
 */
export function verifyVeqtrx(
  secret: string,
  body: string | Buffer,
  signature: string | Array<string | undefined> | undefined,
  timestamp: string | undefined,
  now = new Date(),
  tolerance = TOLERANCE_SECONDS,
): boolean {
  const given = (Array.isArray(signature) ? signature : [signature]).filter((s): s is string => !!s);
  if (given.length === 0 || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > tolerance) return false;
  const expected = veqtrxSignature(secret, body);
  // Compare with every value (no early exit), so the time does not say which one matched.
  return given.map((s) => safeEqual(expected, s)).some(Boolean);
}

/** A receiver's check of the Standard Webhooks headers (any of several space-separated signatures). */
export function verifyStandard(
  secret: string,
  body: string | Buffer,
  id: string | undefined,
  timestamp: string | undefined,
  signatures: string | undefined,
  now = new Date(),
  tolerance = TOLERANCE_SECONDS,
): boolean {
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > tolerance) return false;
  const expected = standardSignature(secret, id, Number(timestamp), body);
  return signatures
    .split(' ')
    .map((s) => safeEqual(s, expected))
    .some(Boolean);
}
