/**
 * The one function that turns a partner + a request + Transaction[] into a stored assessment. Every
 * path (raw transactions today; aggregator tokens, documents and third-party analyses later) ends here:
 *
 *   idempotency claim → quota check → engine → one DB statement or transaction
 *   (assessment and its quota unit + idempotent response + webhook delivery and its job) → response
 *
 * The unit of quota is charged in the statement that stores the assessment, only while the quota has
 * room, so a failed call costs nothing and concurrency can never exceed the quota; a partner already out
 * of quota is refused before any work (services/quota.ts). Nothing is half-written: the assessment, its
 * unit, the idempotency record and the webhook job commit together or not at all.
 */
import { isRecord } from '../lib/narrow.ts';
import { createHash, webcrypto } from 'node:crypto';
import { parseJsonBytes } from '../contract/assess-request.ts';
import { joinChunks, type BodyChunks } from '../lib/owned-bytes.ts';
import { nestingFailure } from '../contract/input-guards.ts';
import { ApiError, badRequest, tooManyRequests } from '../lib/errors.ts';
import { assessmentId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import { sourceAdapter } from '../../adapters/registry.ts';
import { MAX_TRANSACTIONS } from '../../adapters/schema.ts';
import type { ProviderRuntime } from '../../adapters/runtime.ts';
import { SourceError, type SourceOutput } from '../../adapters/source.ts';
import type { Metrics } from '../lib/metrics.ts';
import { getResponse, getStoredEvidence, insertChargedAssessment } from '../store/assessments.ts';
import type { AssessJobResult, Assessor } from './assessor.ts';
import type { Db, Queryable } from '../store/db.ts';
import * as idem from '../store/idempotency.ts';
import { assessmentDocument } from '../store/document-jobs.ts';
import type { PartnerRow } from '../store/partners.ts';
import type { Webhooks } from '../webhooks/service.ts';
import { keepInDateWindow } from './fetched-window.ts';
import { claimKey } from './idempotency.ts';
import { assessmentResponse, WEBHOOK_EVENT_ASSESSMENT } from './assessment-response.ts';
import type { AnalysisService } from './analyses.ts';
import { QuotaGate } from './quota.ts';
import { engineSettingsOf } from '../contract/assessment-settings.ts';

export interface AssessmentRequest {
  /**
   * The `/assess` body exactly as received, as the chunks it arrived in (src/http/body.ts); it is joined,
   * parsed, validated and mapped in the assessment worker.
   */
  body: BodyChunks;
  /** SHA-256 (hex) of `body`, when the body reader computed it as the body arrived (src/http/body.ts). */
  bodySha256?: string | undefined;
  /** When the request arrived (`performance.now()`; processing_ms is measured from here). */
  receivedAt: number;
  idempotencyKey?: string | undefined;
  /** Other HTTP requests the server had in progress when this one reached the service, if known. */
  otherRequests?: number;
}

export interface SourceDeps {
  /** A partner's stored, decrypted credentials for a provider, or undefined. */
  credentials(partnerId: string, provider: string): Promise<unknown>;
  runtime: ProviderRuntime;
  /** Sources whose provider analyses the data itself: submitted as jobs, answered 202. */
  analyses: AnalysisService;
}

export interface AssessmentOutcome {
  status: number;
  /** The response body, exactly as stored, replayed and sent to the webhook. */
  text: string;
  replayed: boolean;
}

/**
 * The hash of the request body's bytes, as received: "the same body" is the same bytes (a retry
 * resends them). Nothing is parsed or walked on the event loop, whatever the body's size or depth. The
 * `/assess` route has it from its body reader, which hashes each chunk as it arrives (src/http/body.ts);
 * this computes it on libuv's thread pool (WebCrypto, which copies the bytes first) for a body read
 * otherwise. The `raw:` prefix tells these hashes from the canonical-JSON ones stored before.
 */
export async function requestHash(body: Uint8Array): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-256', body);
  return `raw:${Buffer.from(digest).toString('hex')}`;
}

/**
 * The hash stored before `requestHash` took the raw bytes (keys live 24 hours, so only in the first day
 * after an upgrade): the canonical JSON of the body (key order does not matter). Computed only when such
 * a key is met again, and never for a body nested deeper than any request needs.
 */
export function legacyRequestHash(body: Uint8Array): string | undefined {
  if (nestingFailure(body)) return undefined;
  const json = parseJsonBytes(body);
  if (!json.ok) return undefined;
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : isRecord(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon(v[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canon(json.value)))
    .digest('hex');
}

export class AssessmentService {
  constructor(
    private readonly db: Db,
    private readonly assessor: Assessor,
    private readonly webhooks: Webhooks,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly clock: () => Date,
    /** What fetching sources use: the partner's stored credentials, and the outbound-call policy. */
    private readonly sources: SourceDeps,
  ) {
    this.quota = new QuotaGate(db);
  }

  private readonly quota: QuotaGate;

  private readonly inflight = new Set<Promise<unknown>>();

  /** Runs one assessment; tracked, so that shutdown can let it finish even if its client has gone. */
  run(partner: PartnerRow, req: AssessmentRequest): Promise<AssessmentOutcome> {
    const p = this.runOnce(partner, req);
    this.inflight.add(p);
    const forget = () => this.inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Resolves when every assessment in flight has finished, or after `timeoutMs` (false then). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.inflight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const done = Promise.allSettled([...this.inflight]).then(() => true as const);
    try {
      return await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runOnce(partner: PartnerRow, req: AssessmentRequest): Promise<AssessmentOutcome> {
    const now = this.clock();
    const key = req.idempotencyKey;
    if (key) {
      // "The same body" means the same bytes; the body is parsed and checked in the worker.
      const hash = req.bodySha256 ? `raw:${req.bodySha256}` : await requestHash(joinChunks(req.body.chunks));
      const replay = await claimKey(
        this.db,
        partner.id,
        key,
        hash,
        now,
        (stored) => !stored.startsWith('raw:') && stored === legacyRequestHash(joinChunks(req.body.chunks)),
      );
      if (replay) return replay;
    }
    let source = 'unknown';
    try {
      if (!(await this.quota.hasRoom(partner, now))) throw this.quotaExhausted();
      // The body is not read here again: its chunks are moved to the worker, not copied.
      // Alone: no other assessment in flight (this one is counted in `inflight` by now) and no other
      // request being received or answered.
      const settings = engineSettingsOf(partner);
      let result = await this.assessor.run(
        { kind: 'body', body: req.body.chunks, now: now.getTime(), settings },
        { moveBytes: true, alone: this.inflight.size <= 1 && (req.otherRequests ?? 0) === 0 },
      );
      if (result.kind === 'fetch' && this.sources.analyses.provider(result.source.type)) {
        source = result.source.type;
        const { text, used } = await this.sources.analyses.submit(partner, result, key, now);
        if (used < 0) {
          this.quota.exhausted(partner, now);
          throw this.quotaExhausted();
        }
        this.quota.charged(partner, now, used);
        return { status: 202, text, replayed: false };
      }
      if (result.kind === 'fetch') {
        source = result.source.type;
        const out = await this.fetchSource(partner, result.source, now);
        const record = {
          type: source,
          metadata: out.metadata,
          warnings: out.warnings,
          ...(out.accounts?.length ? { accounts: out.accounts } : {}),
        };
        result = await this.assessor.run({
          kind: 'decoded',
          request: { meta: result.meta, source: record, transactions: out.transactions },
          now: now.getTime(),
          settings,
        });
      }
      if (result.kind === 'failed') {
        if (result.status === 500) throw new Error(`engine failure: ${result.detail}`);
        throw badRequest(result.detail, result.errors, result.code);
      }
      if (result.kind !== 'assessed') throw new Error(`unexpected assessment result ${result.kind}`);
      source = result.source;
      const text = await this.store(partner, result, req, now);
      this.metrics.assessments.inc({ source, outcome: 'ok' });
      return { status: 200, text, replayed: false };
    } catch (e) {
      if (key) await idem.abandon(this.db, partner.id, key).catch(() => undefined);
      if (!(e instanceof ApiError) || e.status >= 500)
        this.metrics.assessments.inc({ source, outcome: 'error' });
      throw e;
    }
  }

  private quotaExhausted(): ApiError {
    this.metrics.quotaRefusals.inc();
    return tooManyRequests(
      'Monthly quota exhausted; it resets on the 1st of next month (UTC). GET /usage shows the quota and usage',
    );
  }

  /** A source that needs the network runs here, on the event loop; its transactions go to the worker. */
  private async fetchSource(
    partner: PartnerRow,
    source: { type: string; input: unknown },
    now: Date,
  ): Promise<SourceOutput> {
    const adapter = sourceAdapter(source.type);
    if (adapter.kind !== 'fetching') throw new Error(`source ${source.type} is not a fetching source`);
    let out: SourceOutput;
    try {
      const fetched = await adapter.fetch(source.input, {
        partnerId: partner.id,
        now,
        credentials: (provider) => this.sources.credentials(partner.id, provider),
        runtime: this.sources.runtime,
      });
      out = keepInDateWindow(fetched, adapter.provider, now);
    } catch (e) {
      if (e instanceof SourceError) {
        if (e.status >= 500)
          this.log.warn(
            { source: source.type, partner: partner.id, status: e.status, code: e.code, reason: e.message },
            'source fetch failed',
          );
        throw new ApiError(e.status, e.message, e.code);
      }
      throw e;
    }
    if (out.transactions.length === 0)
      throw badRequest(
        `The ${source.type} source returned no transactions for this account and period`,
        undefined,
        'no_transactions',
      );
    if (out.transactions.length > MAX_TRANSACTIONS)
      throw badRequest(
        `The ${source.type} source returned ${out.transactions.length} transactions; at most 10,000 in one assessment — ask for a shorter period`,
        undefined,
        'too_many_transactions',
      );
    return out;
  }

  private async store(
    partner: PartnerRow,
    result: Extract<AssessJobResult, { kind: 'assessed' }>,
    req: AssessmentRequest,
    now: Date,
  ): Promise<string> {
    const { meta } = result;
    const id = assessmentId();
    const body = assessmentResponse(id, result, now);
    const webhookUrl = meta.callback_url ?? partner.webhook_url;
    // Measured as late as possible: everything but the commit and the network write.
    body.processing_ms = Math.max(0, Math.round(performance.now() - req.receivedAt));
    const text = JSON.stringify(body);
    const row = {
      id,
      partner_id: partner.id,
      customer_ref: meta.customer_ref,
      partner_ref: meta.partner_ref ?? null,
      source: result.source,
      is_test: partner.is_test_mode,
      response: text,
      evidence: result.evidencePacked,
      created_at: now,
    };
    const charge = async (q: Queryable) => {
      const used = await insertChargedAssessment(q, row);
      if (used === undefined) {
        this.quota.exhausted(partner, now);
        throw this.quotaExhausted();
      }
      this.quota.charged(partner, now, used);
    };
    if (!req.idempotencyKey && !webhookUrl) {
      await charge(this.db); // the only write: atomic on its own
    } else {
      await this.db.tx(async (q) => {
        await charge(q);
        if (req.idempotencyKey) await idem.complete(q, partner.id, req.idempotencyKey, 200, text);
        if (webhookUrl)
          await this.webhooks.create(q, {
            partnerId: partner.id,
            assessmentId: id,
            event: WEBHOOK_EVENT_ASSESSMENT,
            url: webhookUrl,
            payload: text,
          });
      });
    }
    return text;
  }

  /** The stored response text, exactly as first returned. */
  async get(partnerId: string, id: string): Promise<string | undefined> {
    return getResponse(this.db, partnerId, id);
  }

  /**
   * The evidence route's answer, JSON as UTF-8 bytes: the stored record is unpacked and serialised in the
   * assessment workers (10,000 transactions are 3 MB of JSON), never on the event loop.
   */
  async evidence(partnerId: string, id: string): Promise<Uint8Array | undefined> {
    const stored = await getStoredEvidence(this.db, partnerId, id);
    if (!stored) return undefined;
    const result = await this.assessor.run({ kind: 'evidence', stored }, { moveBytes: true });
    if (result.kind !== 'evidence') throw new Error(`unexpected evidence result ${result.kind}`);
    return result.json;
  }

  /**
   * The monthly series of one of the partner's assessments (`GET /assessment/{id}/series`), JSON as UTF-8
   * bytes, read from its evidence in an assessment worker; undefined when there is no such assessment, or
   * it was assessed before the series existed.
   */
  async series(partnerId: string, id: string): Promise<Uint8Array | undefined> {
    const stored = await getStoredEvidence(this.db, partnerId, id);
    if (!stored) return undefined;
    const result = await this.assessor.run(
      { kind: 'evidence-part', stored, part: 'series', assessmentId: id },
      { moveBytes: true },
    );
    if (result.kind !== 'evidence-part') throw new Error(`unexpected series result ${result.kind}`);
    return result.json;
  }

  /** A file kept with one of the partner's assessments (a provider's report), or undefined. */
  document(
    partnerId: string,
    id: string,
    name: string,
  ): Promise<{ content_type: string; sha256: string; content: Uint8Array } | undefined> {
    return assessmentDocument(this.db, partnerId, id, name);
  }
}
