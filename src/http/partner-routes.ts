/** The Veqtrx Partner API v1 (`/api/partner/v1`). Routes are thin: parse, call a service, shape the reply. */
import { present } from '../lib/narrow.ts';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { notFound, unauthorized } from '../lib/errors.ts';
import { ASSESSMENT_ID, DELIVERY_ID, DOCUMENT_JOB_ID } from '../lib/ids.ts';
import type { DocumentService } from '../services/documents.ts';
import type { AssessmentService } from '../services/assessments.ts';
import { RetryLater, type KeyVerifier } from '../services/keys.ts';
import type { DeliveryService } from '../services/deliveries.ts';
import type { Partner, PartnerService } from '../services/partners.ts';
import type { BodyChunks } from '../lib/owned-bytes.ts';
import { refuseBrowsers } from './middleware.ts';
import { DeliveriesQuerySchema, IdempotencyKeySchema } from '../contract/schemas.ts';
import { parseOr400 } from '../contract/validate.ts';

export interface PartnerRouteDeps {
  keys: KeyVerifier;
  partners: PartnerService;
  assessments: AssessmentService;
  deliveries: DeliveryService;
  documents: DocumentService;
  openapi: object;
  clock: () => Date;
  /** Body parsing, run after authentication. */
  json: RequestHandler[];
  /** The `/assess` body as bytes (it is parsed in the assessment worker), run after authentication; hashed when it has an Idempotency-Key. */
  raw: RequestHandler[];
  /**
   * The `/assess/documents` body, run after authentication: JSON as bytes (parsed and decoded in a worker),
   * or multipart decoded into `req.documents`.
   */
  documentsRaw: RequestHandler[];
}

const EMPTY: BodyChunks = { chunks: [], length: 0 };

/** The names a provider's files are kept under (adapters/analysis.ts AnalysisDocument). */
const DOCUMENT_NAME = /^[a-z0-9-]{1,80}\.pdf$/;

export function partnerRouter(d: PartnerRouteDeps): Router {
  const r = Router();

  r.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: '1.0' });
  });
  r.get('/openapi.json', (_req, res) => {
    res.json(d.openapi);
  });

  // Everything below needs a partner key, and is never for browsers.
  /** The partner each response is for, as the authenticating middleware found it. */
  const authenticated = new WeakMap<Response, Partner>();
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
    authenticated.set(res, partner);
    next();
  });
  // Every route below runs after the middleware above, which has set it or answered already.
  const partnerOf = (res: Response): Partner => present(authenticated.get(res), 'the authenticated partner');

  /** The request's Idempotency-Key header, checked (400 when it is not a valid key). */
  const idempotencyKeyOf = (req: Request): string | undefined => {
    const raw = req.get('idempotency-key');
    return raw === undefined
      ? undefined
      : parseOr400(IdempotencyKeySchema, raw, 'Idempotency-Key header', 'Idempotency-Key');
  };
  /** A service's answer, already JSON text, marked when it is a replay of a stored one. */
  const send = (res: Response, outcome: { status: number; text: string; replayed?: boolean }) => {
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).type('application/json').send(outcome.text);
  };

  r.post('/assess', ...d.raw, async (req, res) => {
    const outcome = await d.assessments.run(partnerOf(res), {
      body: req.bodyChunks ?? EMPTY,
      bodySha256: req.bodySha256,
      receivedAt: req.started,
      idempotencyKey: idempotencyKeyOf(req),
      otherRequests: req.inProgress() - 1,
    });
    send(res, outcome);
  });

  r.post('/assess/documents', ...d.documentsRaw, async (req, res) => {
    const outcome = await d.documents.submit(
      partnerOf(res),
      req.documents ?? { kind: 'json', body: req.bodyChunks ?? EMPTY },
      idempotencyKeyOf(req),
    );
    send(res, outcome);
  });

  r.use(d.json);

  r.get('/jobs/:job_id', async (req, res) => {
    const id = String(req.params.job_id);
    const job = DOCUMENT_JOB_ID.test(id) ? await d.documents.get(partnerOf(res).id, id) : undefined;
    if (!job) throw notFound('Job not found');
    res.json(job);
  });

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
    res
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(Buffer.from(e.buffer, e.byteOffset, e.byteLength));
  });

  r.get('/assessment/:assessment_id/series', async (req, res) => {
    const id = String(req.params.assessment_id);
    const s = ASSESSMENT_ID.test(id) ? await d.assessments.series(partnerOf(res).id, id) : undefined;
    if (!s) throw notFound('Assessment not found, or assessed before monthly series were kept');
    res
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(Buffer.from(s.buffer, s.byteOffset, s.byteLength));
  });

  r.get('/assessment/:assessment_id/documents/:name', async (req, res) => {
    const id = String(req.params.assessment_id);
    const name = String(req.params.name);
    const doc =
      ASSESSMENT_ID.test(id) && DOCUMENT_NAME.test(name)
        ? await d.assessments.document(partnerOf(res).id, id, name)
        : undefined;
    if (!doc) throw notFound('Document not found');
    res
      .set({
        'Content-Type': doc.content_type,
        'Content-Disposition': `attachment; filename="${name}"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-store',
        ETag: `"${doc.sha256}"`,
      })
      .send(Buffer.from(doc.content.buffer, doc.content.byteOffset, doc.content.byteLength));
  });

  r.get('/usage', async (_req, res) => {
    res.json(await d.partners.usage(partnerOf(res), d.clock()));
  });

  r.get('/webhooks/deliveries', async (req, res) => {
    const q = parseOr400(DeliveriesQuerySchema, req.query, 'query');
    res.json({ deliveries: await d.deliveries.list(partnerOf(res).id, q.limit, q.assessment_id) });
  });

  r.post('/webhooks/deliveries/:delivery_id/redeliver', async (req, res) => {
    const id = String(req.params.delivery_id);
    if (!DELIVERY_ID.test(id)) throw notFound('Delivery not found');
    res.status(202).json(await d.deliveries.redeliver(partnerOf(res).id, id));
  });

  return r;
}
