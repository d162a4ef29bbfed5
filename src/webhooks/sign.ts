/**
 * Webhook signatures. Every delivery carries both:
 * - the Veqtrx headers, exactly as the contract gives them: `X-Veqtrx-Signature: sha256=<hex HMAC-SHA256
 *   of the exact body, keyed with the webhook secret's UTF-8 bytes>`, `X-Veqtrx-Timestamp: <unix s>`;
 * - the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64
 *   HMAC-SHA256 of "id.timestamp.body">`), keyed as that spec says: the base64 part of a `whsec_` secret.
 *   They sign the id and the time as well, so a receiver can reject replays.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../lib/secrets.ts';

export const USER_AGENT = 'Veqtrx-Webhooks/1.0';
export const TOLERANCE_SECONDS = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function veqtrxSignature(secret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

export function standardSignature(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  return 'v1,' + createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

export function signatureHeaders(secret: string, id: string, body: string, now: Date): Record<string, string> {
  const ts = Math.floor(now.getTime() / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-Veqtrx-Signature': veqtrxSignature(secret, body),
    'X-Veqtrx-Timestamp': String(ts),
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': standardSignature(secret, id, ts, body),
  };
}

/** A receiver's check of the Veqtrx headers: constant-time, and the timestamp within the tolerance. */
export function verifyVeqtrx(secret: string, body: string | Buffer, signature: string | undefined, timestamp: string | undefined, now = new Date(), tolerance = TOLERANCE_SECONDS): boolean {
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > tolerance) return false;
  return safeEqual(veqtrxSignature(secret, body), signature);
}

/** A receiver's check of the Standard Webhooks headers (any of several space-separated signatures). */
export function verifyStandard(secret: string, body: string | Buffer, id: string | undefined, timestamp: string | undefined, signatures: string | undefined, now = new Date(), tolerance = TOLERANCE_SECONDS): boolean {
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > tolerance) return false;
  const expected = standardSignature(secret, id, Number(timestamp), body);
  return signatures.split(' ').some((s) => safeEqual(s, expected));
}
