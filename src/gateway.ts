/**
 * Composition: config + database → migrations → jobs → services → app. Used by main.ts and by tests,
 * so what is tested is what runs.
 */
import { isRecord } from './lib/narrow.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { Jobs } from './jobs/boss.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { SecretBox } from './lib/secrets.ts';
import { Metrics } from './lib/metrics.ts';
import { AssessmentService } from './services/assessments.ts';
import { AssessmentListing } from './services/assessment-listing.ts';
import { JobAdmin } from './services/job-admin.ts';
import { createAssessor } from './services/assessor.ts';
import { DeliveryService } from './services/deliveries.ts';
import { KeyVerifier } from './services/keys.ts';
import { PartnerService } from './services/partners.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { purgeExpired } from './store/idempotency.ts';
import { Webhooks } from './webhooks/service.ts';
import type express from 'express';
import { ProviderRuntime } from '../adapters/runtime.ts';
import { ProviderCredentials } from './services/providers.ts';
import { DocumentService } from './services/documents.ts';
import { AnalysisService, credentialsOf } from './services/analyses.ts';
import { ConnectService } from './services/connect.ts';
import { ANALYSES, SOURCE_CREDENTIALS } from '../adapters/registry.ts';
import type { AnalysisProvider } from '../adapters/analysis.ts';
import { PortalService } from './services/portal.ts';

export interface Gateway {
  app: express.Express;
  db: Db;
  jobs: Jobs;
  log: Logger;
  metrics: Metrics;
  partners: PartnerService;
  assessments: AssessmentService;
  documents: DocumentService;
  analyses: AnalysisService;
  webhooks: Webhooks;
  keys: KeyVerifier;
  providerCredentials: ProviderCredentials;
  portal: PortalService;
  /** The customer portal's connect step: a connect provider's hosted flow, ending in a source to assess. */
  connect: ConnectService;
  /** Stops the workers (waiting up to `graceMs` for jobs in hand) and, unless the db was given, closes it. */
  close(graceMs?: number): Promise<void>;
}

const spec = (name: string): object => {
  const doc: unknown = parseYaml(
    readFileSync(fileURLToPath(new URL(`../openapi/${name}`, import.meta.url)), 'utf8'),
  );
  if (!isRecord(doc)) throw new Error(`openapi/${name} is not a YAML mapping`);
  return doc;
};

export async function createGateway(
  cfg: Config,
  opts: {
    db?: Db;
    log?: Logger;
    clock?: () => Date;
    defaultMetrics?: boolean;
    /** The analysis providers (the registry's; a test may give others). */
    analysisProviders?: readonly AnalysisProvider[];
  } = {},
): Promise<Gateway> {
  const log = opts.log ?? createLogger(cfg.LOG_LEVEL);
  const clock = opts.clock ?? (() => new Date());
  const db =
    opts.db ??
    (await openDb({
      databaseUrl: cfg.DATABASE_URL,
      dataDir: cfg.DATA_DIR,
      sharedBuffers: cfg.PGLITE_SHARED_BUFFERS,
      poolSize: cfg.DATABASE_POOL_SIZE,
      onIdleError: (e) =>
        log.warn(
          { err: { message: e.message } },
          'an idle database connection was lost; the pool opens a new one when needed',
        ),
      connectWaitMs: cfg.DATABASE_CONNECT_WAIT_MS,
      onConnectRetry: (e, attempt, delayMs) =>
        log.warn(
          { attempt, retry_in_ms: delayMs, err: { message: e.message } },
          'PostgreSQL not reachable yet; retrying',
        ),
      onStaleLock: (holder, reason) =>
        log.warn({ holder, reason }, 'DATA_DIR lock left by a process that is gone: taken over'),
    }));
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'database migrations applied');
  const jobs = await Jobs.start(db, log);
  const metrics = new Metrics(opts.defaultMetrics ?? false);
  const box = new SecretBox(cfg.DATA_ENCRYPTION_KEY);
  const keys = new KeyVerifier(
    db,
    cfg.KEY_CACHE_TTL_MS,
    Date.now,
    10_000,
    {
      perAddress: cfg.AUTH_FAILURES_PER_ADDRESS,
      perPrefix: cfg.AUTH_FAILURES_PER_PREFIX,
      windowMs: cfg.AUTH_FAILURE_WINDOW_S * 1000,
      concurrency: cfg.AUTH_BCRYPT_CONCURRENCY,
      queue: cfg.AUTH_BCRYPT_QUEUE,
      refusalDelayMs: cfg.AUTH_REFUSAL_DELAY_MS,
      redisUrl: cfg.REDIS_URL,
    },
    log,
  );
  const webhooks = new Webhooks(
    db,
    jobs,
    box,
    {
      timeoutMs: cfg.WEBHOOK_TIMEOUT_MS,
      allowPrivate: cfg.ALLOW_PRIVATE_WEBHOOKS,
      retryDelaysSeconds: cfg.WEBHOOK_RETRY_DELAYS,
    },
    log,
    metrics,
    clock,
  );
  const partners = new PartnerService(
    db,
    box,
    keys,
    cfg.ENTERPRISE_DEFAULT_QUOTA,
    clock,
    cfg.WEBHOOK_SECRET_OVERLAP_HOURS,
  );
  const assessor = createAssessor(cfg.ASSESS_THREADS, { inlineWhenIdle: cfg.ASSESS_INLINE_WHEN_IDLE });
  const analysisProviders = opts.analysisProviders ?? ANALYSES;
  const providerCredentials = new ProviderCredentials(db, box, [
    ...SOURCE_CREDENTIALS,
    ...analysisProviders.filter((a) => credentialsOf(a.id) === a.id),
  ]);
  const runtime = new ProviderRuntime(
    {
      timeoutMs: cfg.PROVIDER_TIMEOUT_MS,
      deadlineMs: cfg.PROVIDER_DEADLINE_MS,
      retries: cfg.PROVIDER_RETRIES,
      backoffMs: cfg.PROVIDER_BACKOFF_MS,
      limits: { maxConcurrent: cfg.PROVIDER_MAX_CONCURRENT, minTimeMs: cfg.PROVIDER_MIN_TIME_MS },
      redisUrl: cfg.REDIS_URL,
    },
    (provider, outcome, seconds) => metrics.providerCalls.observe({ provider, outcome }, seconds),
    log,
  );
  const credentials = (p: string, provider: string) => providerCredentials.credentials(p, provider);
  const analyses = new AnalysisService(
    {
      db,
      jobs,
      assessor,
      webhooks,
      metrics,
      log,
      clock,
      box,
      credentials,
      runtime,
      providers: analysisProviders,
    },
    {
      deadlines: cfg.ANALYSIS_DEADLINES,
      pollScale: cfg.ANALYSIS_POLL_SCALE,
      ...(cfg.PUBLIC_URL ? { publicUrl: cfg.PUBLIC_URL } : {}),
    },
  );
  const connect = new ConnectService({ credentials, runtime, clock, log });
  const assessments = new AssessmentService(db, assessor, webhooks, metrics, log, clock, {
    credentials,
    runtime,
    analyses,
  });
  const documents = new DocumentService(
    db,
    jobs,
    assessor,
    webhooks,
    metrics,
    log,
    clock,
    undefined,
    cfg.DOCUMENTS_OCR,
  );
  const portal = new PortalService(
    db,
    box,
    webhooks,
    {
      dataKey: cfg.DATA_ENCRYPTION_KEY,
      allowPrivateFetch: cfg.ALLOW_PRIVATE_WEBHOOKS,
      logoTimeoutMs: 10_000,
      publicUrl: cfg.PUBLIC_URL,
      failuresPerAddress: cfg.PORTAL_TOKEN_FAILURES_PER_ADDRESS,
      failureWindowMs: cfg.PORTAL_TOKEN_FAILURE_WINDOW_S * 1000,
      redisUrl: cfg.REDIS_URL,
    },
    log,
    clock,
  );
  if (cfg.RUN_WORKERS) {
    await webhooks.startWorker();
    await documents.startWorker();
    await analyses.startWorker();
  }
  // Expired idempotency keys are forgotten lazily when reused; this keeps the table from growing.
  const purge = setInterval(
    () => {
      purgeExpired(db, clock()).then(
        (n) => n && log.info({ purged: n }, 'expired idempotency keys removed'),
        (e: Error) => log.warn({ err: { message: e.message } }, 'idempotency purge failed'),
      );
    },
    60 * 60 * 1000,
  );
  purge.unref();
  const app = createApp({
    log,
    metrics,
    keys,
    assessments,
    documents,
    analyses,
    partners,
    clock,
    providerCredentials,
    deliveries: new DeliveryService(db, webhooks),
    portal,
    listing: new AssessmentListing(db),
    jobAdmin: new JobAdmin(db, clock, log),
    openapi: { partner: spec('partner-v1.yaml'), admin: spec('admin-v1.yaml') },
    adminSecret: cfg.ADMIN_JWT_SECRET,
    adminTokenMaxTtlSeconds: cfg.ADMIN_TOKEN_MAX_TTL_S,
    bodyLimit: cfg.BODY_LIMIT,
  });
  return {
    app,
    db,
    jobs,
    log,
    metrics,
    partners,
    assessments,
    documents,
    analyses,
    webhooks,
    keys,
    providerCredentials,
    portal,
    connect,
    async close(graceMs = cfg.SHUTDOWN_GRACE_MS) {
      clearInterval(purge);
      // Requests whose clients have gone (their sockets closed, so the server did not wait for them)
      // still finish and are stored before the engine pool and the database close.
      const started = Date.now();
      if (!(await assessments.drain(graceMs)))
        log.warn('shutdown: assessments still running after the grace period');
      await documents.drain(Math.max(0, graceMs - (Date.now() - started)));
      await jobs.stop(Math.max(0, graceMs - (Date.now() - started)));
      await documents.close();
      analyses.close();
      await assessor.close();
      await runtime.close();
      await keys.close();
      await portal.close();
      if (!opts.db) await db.close();
    },
  };
}
