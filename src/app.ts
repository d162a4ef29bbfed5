/** createApp(deps): the Express app. It never listens; main.ts does, and tests run it on port 0. */
import express from 'express';
import helmet from 'helmet';
import type { Logger } from './lib/logger.ts';
import { adminRouter } from './http/admin-routes.ts';
import type { Metrics } from './lib/metrics.ts';
import {
  JSON_BODY_LIMIT,
  errorHandler,
  notFoundHandler,
  refuseBadStrings,
  requestContext,
  requireJson,
  requireUtf8,
} from './http/middleware.ts';
import { partnerRouter } from './http/partner-routes.ts';
import type { AssessmentService } from './services/assessments.ts';
import type { DocumentService } from './services/documents.ts';
import type { AnalysisService } from './services/analyses.ts';
import { documentsBody } from './http/documents-body.ts';
import type { KeyVerifier } from './services/keys.ts';
import type { PartnerService } from './services/partners.ts';
import type { ProviderCredentials } from './services/providers.ts';
import type { AssessmentListing } from './services/assessment-listing.ts';
import type { JobAdmin } from './services/job-admin.ts';
import type { DeliveryService } from './services/deliveries.ts';
import { docsPage } from './http/docs.ts';
import { readBody } from './http/body.ts';
import type { PortalService } from './services/portal.ts';
import { logoRouter, portalRouter } from './http/portal-routes.ts';
import { assetsRouter, createViews } from './http/html.ts';

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  keys: KeyVerifier;
  assessments: AssessmentService;
  documents: DocumentService;
  analyses: AnalysisService;
  partners: PartnerService;
  providerCredentials: ProviderCredentials;
  deliveries: DeliveryService;
  portal: PortalService;
  listing: AssessmentListing;
  jobAdmin: JobAdmin;
  openapi: { partner: object; admin: object };
  adminSecret: string;
  adminTokenMaxTtlSeconds: number;
  bodyLimit: string;
  clock: () => Date;
}

export function createApp(d: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use(requestContext(d.log, d.metrics));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] },
      },
    }),
  );
  // Bodies are parsed only after authentication (in each router), so an anonymous caller cannot make
  // the server read and parse megabytes.
  // JSON bodies other than /assess (admin writes, a few KB) are parsed on the event loop: bounded to
  // 100 KB (parsed in about a millisecond) and checked for ill-formed strings before any route sees them.
  const json = [
    requireJson,
    express.json({ limit: JSON_BODY_LIMIT, strict: false, type: 'application/json' }),
    refuseBadStrings,
  ];
  // The /assess body as bytes (parsed in a worker), read and hashed for an Idempotency-Key a chunk at a time.
  const raw = [
    requireJson,
    requireUtf8,
    readBody({ limit: d.bodyLimit, hash: (req) => req.get('idempotency-key') !== undefined }),
  ];
  app.use(
    '/api/partner/v1',
    partnerRouter({
      keys: d.keys,
      partners: d.partners,
      assessments: d.assessments,
      deliveries: d.deliveries,
      documents: d.documents,
      openapi: d.openapi.partner,
      clock: d.clock,
      json,
      raw,
      // The /assess/documents body: JSON up to 28 MB (20 MB of documents in base64, parsed in a worker) or
      // multipart/form-data up to 21 MB (src/http/documents-body.ts).
      documentsRaw: [documentsBody()],
    }),
  );
  // Third-party analysis providers' webhooks (verified by the provider's signature with the partner's
  // stored secret): they short-cut the wait for an analysis. The raw bytes, as signed.
  app.post(
    '/hooks/analyses/:provider/:partner_id',
    express.raw({ type: () => true, limit: '256kb' }),
    async (req, res) => {
      const body: unknown = req.body;
      const bytes = body instanceof Uint8Array ? body : new Uint8Array();
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const status = await d.analyses.callback(
        String(req.params.provider),
        String(req.params.partner_id),
        headers,
        bytes,
      );
      if (status === 204) res.status(204).end();
      else res.status(status).json({ detail: status === 401 ? 'Signature not valid' : 'Not found' });
    },
  );
  app.get('/api/admin/openapi.json', (_req, res) => {
    res.json(d.openapi.admin);
  });
  app.use(
    '/api/admin',
    adminRouter({
      assessments: d.listing,
      jobs: d.jobAdmin,
      partners: d.partners,
      providers: d.providerCredentials,
      portal: d.portal,
      adminSecret: d.adminSecret,
      adminTokenMaxTtlSeconds: d.adminTokenMaxTtlSeconds,
      json,
    }),
  );
  // Server-rendered pages: the hosted portal (Architecture B), its stylesheet and partners' logos.
  const views = createViews();
  app.use('/assets/logo', logoRouter(d.portal));
  app.use('/assets', assetsRouter());
  app.use('/p', portalRouter({ portal: d.portal, views, log: d.log }));
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsPage());
  });
  app.get('/metrics', async (_req, res) => {
    res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
  });

  app.use(notFoundHandler);
  app.use(errorHandler(d.log));
  return app;
}
