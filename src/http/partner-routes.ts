/** The Veqtrx Partner API v1 (`/api/partner/v1`). Routes are thin: parse, call a service, shape the reply. */
import { Router, type RequestHandler, type Response } from 'express';
import { conflict, notFound, unauthorized } from '../lib/errors.ts';
import { ASSESSMENT_ID, DELIVERY_ID } from '../lib/ids.ts';
import type { AssessmentService } from '../services/assessments.ts';
import { RetryLater, type KeyVerifier } from '../services/keys.ts';
import type { Db } from '../store/db.ts';
import type { PartnerRow } from '../store/partners.ts';
import type { PartnerService } from '../services/partners.ts';
import { resetAt, usedThisMonth } from '../store/usage.ts';
import { listDeliveries } from '../store/webhooks.ts';
import type { Webhooks } from '../webhooks/service.ts';
import type { BodyChunks } from './body.ts';
import { refuseBrowsers } from './middleware.ts';
import { DeliveriesQuerySchema, IdempotencyKeySchema } from './schemas.ts';
import { parseOr400 } from './validate.ts';

export interface PartnerRouteDeps {
  db: Db;
  keys: KeyVerifier;
  partners: PartnerService;
  assessments: AssessmentService;
  webhooks: Webhooks;
  openapi: object;
  clock: () => Date;
  /** Body parsing, run after authentication. */
  json: RequestHandler[];
  /** The `/assess` body as bytes (it is parsed in the assessment worker), run after authentication; hashed when it has an Idempotency-Key. */
  raw: RequestHandler[];
}

const EMPTY: BodyChunks = { chunks: [], length: 0 };

export function partnerRouter(d: PartnerRouteDeps): Router {
  const r = Router();

  r.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: '1.0' });
  });
  r.get('/openapi.json', (_req, res) => {
    res.json(d.openapi);
  });

  // Everything below needs a partner key, and is never for browsers.
  r.use(refuseBrowsers);
  r.use(async (req, res, next) => {
    let verified;
    try {
      verified = await d.keys.authenticate(req.get('x-partner-key'), req.socket.remoteAddress);
    } catch (e) {
      if (e instanceof RetryLater) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      return next(e);
    }
    const partner = await d.partners.forRequest(verified.partnerId);
    if (!partner) return next(unauthorized());
    req.partnerId = partner.id;
    res.locals.partner = partner;
    next();
  });
  const partnerOf = (res: Response): PartnerRow => res.locals.partner as PartnerRow;

  r.post('/assess', ...d.raw, async (req, res) => {
    const partner = partnerOf(res);
    const rawKey = req.get('idempotency-key');
    const key = rawKey === undefined ? undefined : parseOr400(IdempotencyKeySchema, rawKey, 'Idempotency-Key header', 'Idempotency-Key');
    const outcome = await d.assessments.run(partner, {
      body: req.bodyChunks ?? EMPTY,
      bodySha256: req.bodySha256,
      receivedAt: req.started,
      idempotencyKey: key,
    });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).type('application/json').send(outcome.text);
  });

  r.use(d.json);

  r.get('/assessment/:assessment_id', async (req, res) => {
    const id = String(req.params.assessment_id);
    const a = ASSESSMENT_ID.test(id) ? await d.assessments.get(partnerOf(res).id, id) : undefined;
    if (!a) throw notFound('Assessment not found');
    res.type('application/json').send(a);
  });

  r.get('/assessment/:assessment_id/evidence', async (req, res) => {
    const id = String(req.params.assessment_id);
    const e = ASSESSMENT_ID.test(id) ? await d.assessments.evidence(partnerOf(res).id, id) : undefined;
    if (!e) throw notFound('Assessment not found');
    // The JSON as res.json would send it, serialised in a worker.
    res.set('Content-Type', 'application/json; charset=utf-8').send(Buffer.from(e.buffer, e.byteOffset, e.byteLength));
  });

  r.get('/usage', async (_req, res) => {
    const p = partnerOf(res);
    const now = d.clock();
    const used = await usedThisMonth(d.db, p.id, now);
    res.json({
      partner_id: p.id,
      tier: p.tier,
      monthly_quota: p.monthly_quota,
      current_usage: used,
      remaining: Math.max(0, p.monthly_quota - used),
      reset_date: '1st of next month',
      reset_at: resetAt(now).toISOString(),
      is_test_mode: p.is_test_mode,
    });
  });

  r.get('/webhooks/deliveries', async (req, res) => {
    const q = parseOr400(DeliveriesQuerySchema, req.query, 'query');
    const rows = await listDeliveries(d.db, partnerOf(res).id, q.limit, q.assessment_id ? { assessmentId: q.assessment_id } : {});
    res.json({ deliveries: rows.map(deliveryView) });
  });

  r.post('/webhooks/deliveries/:delivery_id/redeliver', async (req, res) => {
    const id = String(req.params.delivery_id);
    const r = DELIVERY_ID.test(id) ? await d.webhooks.redeliver(partnerOf(res).id, id) : 'not_found';
    if (r === 'not_found') throw notFound('Delivery not found');
    if (r === 'pending') throw conflict(`Delivery ${id} is still being delivered (its attempts and retries are scheduled); redeliver it once it is delivered or failed`, 'delivery_pending');
    const [row] = await listDeliveries(d.db, partnerOf(res).id, 1, { deliveryId: id });
    res.status(202).json(deliveryView(row!));
  });

  return r;
}

function deliveryView(r: Awaited<ReturnType<typeof listDeliveries>>[number]) {
  return {
    delivery_id: r.id,
    event: r.event,
    assessment_id: r.assessment_id,
    url: r.url,
    state: r.state,
    attempts: r.attempts,
    created_at: r.created_at.toISOString(),
    delivered_at: r.delivered_at?.toISOString() ?? null,
    last_status_code: r.last_status_code,
    attempt_log: r.attempt_log.map((a) => ({ attempt: a.attempt, started_at: a.started_at.toISOString(), duration_ms: a.duration_ms, status_code: a.status_code, error: a.error, outcome: a.outcome })),
  };
}
