/**
 * The provider's webhook, verified. Its "Check signature" page: every event carries
 * `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 keyed with the subscription's secret of the body's
 * `payload` property serialised as JSON; an event without it is not processed. The page adds that the
 * HMAC is computed on "the raw escaped Unicode version of the payload" and names escapes that its capture
 * cuts, while its Node.js example signs `JSON.stringify(payload)`. The gateway accepts either text (see
 * `signedTexts`); the events it reads (analysis_completed, analysis_failed) carry only identifiers, for
 * which every reading is the same text. Each candidate is compared in constant time, and all of them
 * are always computed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../../src/lib/narrow.ts';
import type { AnalysisWebhook } from '../analysis.ts';
import type { DecisioningCredentials } from './input.ts';
import { WireWebhookEvent } from './map.ts';

/** The events that end an analysis: the gateway then polls it at once. */
export const ANALYSIS_EVENTS = ['analysis_completed', 'analysis_failed'] as const;

/** An event names a few ids; a body larger than this is not one. */
export const MAX_EVENT_BYTES = 64 * 1024;

const escapeWith = (json: string, upper: boolean) =>
  json
    .replace(/[\u0080-\uffff<>&%@]/g, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    })
    .replace(/\//g, '\\/');

/**
 * The texts whose HMAC may be the signature: the payload as `JSON.stringify` writes it (the page's
 * Node.js example), and the same with every non-ASCII character and `< > & % @` written as `\uXXXX`
 * (lower-case hex, as the page says; upper-case hex too, as its own example `\u003C` shows) and `/` as
 * `\/` (the page's "raw escaped Unicode version").
 */
export function signedTexts(payload: unknown): string[] {
  const json = JSON.stringify(payload);
  return [...new Set([json, escapeWith(json, false), escapeWith(json, true)])];
}

/** `sha256=<hex HMAC>` of the payload as the provider signs it (its Node.js example; the simulator's). */
export function signPayload(payload: unknown, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(JSON.stringify(payload)).digest('hex')}`;
}

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

export const decisioningWebhook: AnalysisWebhook<DecisioningCredentials> = {
  verify(headers, rawBody, credentials) {
    const secret = credentials.webhook_secret;
    if (!secret || rawBody.byteLength > MAX_EVENT_BYTES) return undefined;
    const m = /^sha256=([0-9a-f]{64})$/i.exec(header(headers, 'x-hub-signature')?.trim() ?? '');
    if (!m?.[1]) return undefined;
    const given = Buffer.from(m[1], 'hex');
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(rawBody).toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isRecord(body) || !isRecord(body.payload)) return undefined;
    let genuine = false;
    for (const text of signedTexts(body.payload)) {
      const mac = createHmac('sha256', secret).update(text).digest();
      // Every candidate is computed and compared, whichever matches.
      genuine = timingSafeEqual(mac, given) || genuine;
    }
    if (!genuine) return undefined;
    const event = WireWebhookEvent.safeParse(body);
    if (!event.success) return undefined;
    const name = event.data.subscription.eventName;
    if (!ANALYSIS_EVENTS.some((e) => e === name)) return undefined;
    const id = event.data.payload.analysisId?.trim();
    return id ? id : undefined;
  },
};
