/**
 * Document assessments (`POST /assess/documents`, issue 13): bank statements (and supporting documents)
 * in, a job out; the job reads the documents in worker threads, reconciles the statements, matches the
 * payslips, runs the engine and stores the assessment like any other — the same response, evidence,
 * charge and `assessment.completed` webhook.
 *
 *   submission: decode (a worker thread) → Idempotency-Key → quota check → one transaction: the job and
 *               its files, its unit of quota reserved, its pg-boss job, the 202 for the key
 *   the job:    read every document (DocumentWorkers: a worker thread each, with a deadline and a memory
 *               ceiling) → fail (the unit given back) or reconcile, match, assess → one transaction: the
 *               job completed, the assessment stored (its unit is the reservation), the webhook queued
 *
 * Failure model: a bank statement that cannot be read or is not a statement, a payslip that cannot be
 * read, or a credit report that is not a readable PDF fails the job at no charge, with a reason per
 * document. An ID document or a rental agreement that is not a readable PDF is a warning only. The
 * content of credit reports, ID documents and rental agreements is not read beyond opening each as a PDF.
 *
 * A job survives a restart: it is a pg-boss job on the same database, its files are rows, and it ends in
 * one statement that only moves a job still `processing` — so however often it runs, it completes (one
 * assessment, one charge, one webhook chain) or fails once.
 */
import { ApiError, tooManyRequests } from '../lib/errors.ts';
import { errorMessage } from '../lib/narrow.ts';
import { documentJobId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { BodyChunks } from '../lib/owned-bytes.ts';
import type { RequestMeta, SourceRecord } from '../contract/assess-request.ts';
import type { DecodedDocuments, DocumentsMeta, UploadedDocument } from '../contract/documents-request.ts';
import { MAX_STATEMENT_PAGES } from '../contract/documents-request.ts';
import { dateWindow } from '../model/dates.ts';
import type { AccountWarning, AccountWarningCode } from '../model/accounts.ts';
import type { Transaction } from '../model/transaction.ts';
import {
  DocumentWorkers,
  matchPayslips,
  reconcileStatements,
  type DocumentFailure,
  type PayslipRead,
  type PayslipResult,
  type StatementRead,
  type StatementResult,
} from '../../adapters/documents/index.ts';
import type { Jobs } from '../jobs/boss.ts';
import { QUEUES } from '../jobs/boss.ts';
import type { Db } from '../store/db.ts';
import * as store from '../store/document-jobs.ts';
import type { JobFailure } from '../store/document-jobs.ts';
import * as idem from '../store/idempotency.ts';
import type { PartnerRow } from '../store/partners.ts';
import { period, usedThisMonth } from '../store/usage.ts';
import type { Webhooks } from '../webhooks/service.ts';
import type { Assessor } from './assessor.ts';
import { claimKey } from './idempotency.ts';
import { completeJob, failJob, type JobOutcome } from './job-completion.ts';
import type { components } from '../contract/generated/partner-v1.ts';
import { ANALYSIS_PROVIDER_IDS, type AnalysisProviderId } from '../model/third-party.ts';
import { assertType, type Sends } from '../lib/contract-types.ts';
import { engineSettingsFor } from './partners.ts';

/** Reads one document in isolation (DocumentWorkers; a test may give another). */
export interface DocumentReader {
  read(pdf: Uint8Array, opts: { kind: 'payslip'; currency?: string }): Promise<PayslipResult>;
  read(
    pdf: Uint8Array,
    opts: { kind: 'statement'; currency?: string; maxPages?: number },
  ): Promise<StatementResult>;
  close(): Promise<void>;
}

export type DocumentsInput = { kind: 'json'; body: BodyChunks } | DecodedDocuments;

export interface SubmitOutcome {
  status: number;
  text: string;
  replayed: boolean;
}

/** `GET /jobs/{job_id}`'s answer. */
export interface JobView {
  job_id: string;
  kind: store.JobKind;
  provider?: AnalysisProviderId;
  provider_status?: string | null;
  status: store.DocumentJobState;
  created_at: string;
  finished_at: string | null;
  estimated_time: number;
  poll_url: string;
  assessment_id: string | null;
  failures: JobFailure[];
  warnings: string[];
  documents: Array<{ document: string; kind: UploadedDocument['slot']; filename: string; bytes: number }>;
}

interface StoredRequest {
  meta: DocumentsMeta;
}

type Job = store.DocumentJobRow<StoredRequest, UploadedDocument>;
type Outcome = JobOutcome;

const POLL_BASE = '/api/partner/v1/jobs/';

/** Reasons a document is not a readable PDF at all (as opposed to a PDF that is not a statement). */
const UNREADABLE = new Set<DocumentFailure['reason']>([
  'not_pdf',
  'corrupt',
  'encrypted',
  'too_large',
  'timeout',
  'out_of_memory',
  'worker_failed',
]);

/** Documents read at once within a job (the machine's cores; each read is a worker thread). */
const READ_CONCURRENCY = 2;

/** A rough time to completion, for the 202: a worker's start, then about a second per document on a loaded 2-core host. */
export const estimatedSeconds = (documents: number) => 2 + documents;

/** A statement read by OCR stands only when its printed balances and totals check every figure read. */
export function ocrChecked(r: StatementRead): StatementResult {
  if (!r.ocr) return r;
  const { ok, breaks, balances_checked } = r.reconciliation;
  if (ok && balances_checked > 0) return r;
  const why = !ok
    ? `${breaks.length} printed balance(s) or total(s) disagree with the figures read (first on page ${breaks[0]?.page ?? '?'})`
    : 'it prints no running balance to check the figures read against';
  return {
    ok: false,
    reason: 'image_only',
    detail: `a scanned statement, read by OCR, but ${why}: a misread figure cannot be ruled out. Send the bank's own PDF (downloaded from online banking), which has a text layer`,
  };
}

export class DocumentService {
  private workerId: string | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private reader: DocumentReader | undefined;

  constructor(
    readonly db: Db,
    private readonly jobs: Jobs,
    private readonly assessor: Assessor,
    readonly webhooks: Webhooks,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    readonly clock: () => Date,
    private readonly makeReader: () => DocumentReader = () => new DocumentWorkers({ spares: 1 }),
    private readonly ocr: 'off' | 'reconciled' = 'off',
  ) {}

  private readonly inflight = new Set<Promise<unknown>>();

  /** Accepts a job; tracked, so that shutdown lets a submission finish even if its client has gone. */
  submit(partner: PartnerRow, input: DocumentsInput, idempotencyKey?: string): Promise<SubmitOutcome> {
    const p = this.submitOnce(partner, input, idempotencyKey);
    this.inflight.add(p);
    const forget = () => this.inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Resolves when every submission in flight has finished, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    try {
      await Promise.race([Promise.allSettled([...this.inflight]), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async submitOnce(
    partner: PartnerRow,
    input: DocumentsInput,
    idempotencyKey?: string,
  ): Promise<SubmitOutcome> {
    const now = this.clock();
    const decoded = input.kind === 'json' ? await this.decode(input.body) : input;
    const key = idempotencyKey;
    if (key) {
      const replay = await claimKey(this.db, partner.id, key, decoded.requestHash, now);
      if (replay) return replay;
    }
    let filesOf: string | undefined;
    try {
      // Read now, not remembered (as /assess's check is): a unit given back by a failed job counts at once.
      // Only a first refusal, before the files are written; the reservation below is what holds.
      if ((await usedThisMonth(this.db, partner.id, now)) >= partner.monthly_quota)
        throw this.quotaExhausted();
      const id = documentJobId();
      const estimate = estimatedSeconds(decoded.documents.length);
      const view = {
        job_id: id,
        status: 'processing',
        poll_url: `${POLL_BASE}${id}`,
        estimated_time: estimate,
        created_at: now.toISOString(),
      };
      const text = JSON.stringify(view);
      // The files first, a piece per statement (the embedded database runs each on the event loop), then
      // the job, its unit, its pg-boss job and the key's answer in one transaction.
      filesOf = id;
      await store.writeJobFiles(this.db, id, decoded.contents, now);
      await this.db.tx(async (q) => {
        const used = await store.insertReservedJob(q, {
          id,
          partner_id: partner.id,
          period: period(now),
          is_test: partner.is_test_mode,
          request: { meta: decoded.meta } satisfies StoredRequest,
          documents: decoded.documents,
          estimated_seconds: estimate,
          created_at: now,
        });
        if (used === undefined) throw this.quotaExhausted();
        await this.jobs.enqueue(q, QUEUES.documents, { job_id: id }, JOB_OPTIONS);
        if (key) await idem.complete(q, partner.id, key, 202, text);
      });
      if (this.workerId) this.jobs.notify(this.workerId);
      this.log.info(
        { job: id, partner: partner.id, documents: decoded.documents.length },
        'document job accepted',
      );
      return { status: 202, text, replayed: false };
    } catch (e) {
      if (key) await idem.abandon(this.db, partner.id, key).catch(() => undefined);
      if (filesOf) await this.deleteFiles(filesOf);
      throw e;
    }
  }

  /** The JSON body, parsed and its base64 decoded in an assessment worker thread (never on the event loop). */
  private async decode(body: BodyChunks): Promise<DecodedDocuments> {
    const r = await this.assessor.run({ kind: 'documents-body', body: body.chunks }, { moveBytes: true });
    if (r.kind === 'documents') return r;
    if (r.kind === 'failed' && r.status !== 500) throw new ApiError(r.status, r.detail, r.code, r.errors);
    throw new Error(`unexpected documents decode result ${r.kind}`);
  }

  private quotaExhausted(): ApiError {
    this.metrics.quotaRefusals.inc();
    return tooManyRequests(
      'Monthly quota exhausted (document jobs in progress hold a unit each until they end); it resets on the 1st of next month (UTC). GET /usage shows the quota and usage',
    );
  }

  async get(partnerId: string, id: string): Promise<JobView | undefined> {
    const j = await store.getJob<StoredRequest, UploadedDocument>(this.db, id, partnerId);
    if (!j) return undefined;
    const documents = j.documents;
    const provider = ANALYSIS_PROVIDER_IDS.find((p) => p === j.provider);
    return {
      job_id: j.id,
      kind: j.kind,
      ...(provider ? { provider, provider_status: j.provider_status } : {}),
      status: j.state,
      created_at: j.created_at.toISOString(),
      finished_at: j.finished_at ? j.finished_at.toISOString() : null,
      estimated_time: j.estimated_seconds,
      poll_url: `${POLL_BASE}${j.id}`,
      assessment_id: j.assessment_id,
      failures: j.failures ?? [],
      warnings: j.warnings,
      documents: documents.map((d) => ({
        document: d.path,
        kind: d.slot,
        filename: d.filename,
        bytes: d.bytes,
      })),
    };
  }

  /**
   * Starts the worker, after deleting files left behind (store.leftoverFiles). On the embedded database
   * (one process per data directory) a job left active by a process that stopped is run again at once;
   * jobs still `processing` without a live pg-boss job are queued again. Then, every SWEEP_MS, a job whose
   * heartbeat has been silent for SILENT_S is run again (on PostgreSQL, where another replica may be
   * running a job, that is how one whose process died is noticed; pg-boss's expiry would take 10 minutes).
   */
  async startWorker(): Promise<void> {
    if (this.db.kind === 'pglite') await this.jobs.failActive(QUEUES.documents);
    for (const id of await store.leftoverFiles(this.db, new Date(this.clock().getTime() - 60 * 60 * 1000)))
      await this.deleteFiles(id);
    for (const id of await store.processingJobs(this.db, 'documents')) {
      if (!(await this.jobs.hasLiveJob(this.db, QUEUES.documents, 'job_id', id))) {
        this.log.warn({ job: id }, 'document job left in progress by a stopped process: queued again');
        await this.jobs.enqueue(this.db, QUEUES.documents, { job_id: id }, JOB_OPTIONS);
      }
    }
    await this.sweep();
    this.sweeper = setInterval(() => {
      this.sweep().catch((e: unknown) =>
        this.log.warn({ err: { message: errorMessage(e) } }, 'document job sweep failed'),
      );
    }, SWEEP_MS);
    this.sweeper.unref();
    this.workerId = await this.jobs.work<{ job_id: string }>(
      QUEUES.documents,
      (data) => this.process(data.job_id),
      0.5,
    );
  }

  /** Deletes a job's files (best effort: what is left is deleted at the next start). */
  private async deleteFiles(jobId: string): Promise<void> {
    try {
      await store.deleteJobFiles(this.db, jobId);
    } catch (e) {
      this.log.warn(
        { job: jobId, err: { message: errorMessage(e) } },
        "document job's files not deleted; they will be at the next start",
      );
    }
  }

  /**
   * Runs again the jobs whose heartbeat has stopped (their process died; on PostgreSQL another replica's):
   * their pg-boss job, still active, is ended and a new one queued — rather than wait for pg-boss's expiry.
   * Two replicas sweeping at once may both queue one: the job still ends once.
   */
  private async sweep(): Promise<void> {
    for (const id of await store.silentJobs(this.db, SILENT_S)) {
      if (await this.jobs.hasWaitingJob(this.db, QUEUES.documents, 'job_id', id)) continue;
      await this.jobs.failActiveOf(QUEUES.documents, 'job_id', id);
      this.log.warn({ job: id }, 'document job left in progress by a stopped process: queued again');
      await this.jobs.enqueue(this.db, QUEUES.documents, { job_id: id }, JOB_OPTIONS);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.reader?.close();
  }

  /** Runs one job to its end (nothing when it has ended already). */
  async process(jobId: string): Promise<void> {
    const job = await store.getJob<StoredRequest, UploadedDocument>(this.db, jobId);
    if (!job || job.state !== 'processing') return;
    const started = performance.now();
    this.log.info({ job: jobId, partner: job.partner_id }, 'document job started');
    let outcome: Outcome;
    const beat = () =>
      store
        .heartbeat(this.db, jobId)
        .catch((e: unknown) =>
          this.log.warn({ job: jobId, err: { message: errorMessage(e) } }, 'document job heartbeat failed'),
        );
    await beat();
    const beating = setInterval(() => void beat(), HEARTBEAT_MS);
    beating.unref();
    try {
      outcome = await this.run(job);
    } catch (e) {
      // Not the documents' fault: the job fails at no charge rather than hold its unit for ever.
      this.log.error({ job: jobId, err: { message: errorMessage(e) } }, 'document job failed unexpectedly');
      await store.failJob(
        this.db,
        jobId,
        [
          {
            document: null,
            filename: null,
            reason: 'internal_error',
            detail: 'An unexpected failure; nothing was charged. Submit the documents again.',
          },
        ],
        [],
        this.clock(),
      );
      outcome = 'failed';
    }
    clearInterval(beating);
    await this.deleteFiles(jobId);
    if (outcome !== 'ended_elsewhere')
      this.metrics.assessments.inc({
        source: 'documents',
        outcome: outcome === 'completed' ? 'ok' : 'error',
      });
    this.log.info(
      { job: jobId, partner: job.partner_id, outcome, ms: Math.round(performance.now() - started) },
      'document job ended',
    );
  }

  /**
   * Reads a bank statement. A scan is refused (`image_only`) unless `DOCUMENTS_OCR=reconciled`; then it
   * is read by OCR and kept only when its balances prove the figures read: OCR misreads a digit now and
   * then, and a printed running balance or total that agrees with the rows is what rules that out.
   */
  private async readStatement(pdf: Uint8Array, currency: string): Promise<StatementResult> {
    const r = await this.readerOf().read(pdf, {
      kind: 'statement',
      currency,
      maxPages: MAX_STATEMENT_PAGES,
      ...(this.ocr === 'reconciled' ? { ocr: {} } : {}),
    });
    return 'transactions' in r ? ocrChecked(r) : r;
  }

  private readerOf(): DocumentReader {
    this.reader ??= this.makeReader();
    return this.reader;
  }

  private async run(job: Job): Promise<Outcome> {
    const { meta } = job.request;
    const documents = job.documents;
    const reader = this.readerOf();
    type Read = StatementResult | PayslipResult;
    const results: Read[] = new Array<Read>(documents.length);
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < documents.length; i = next++) {
        const d = documents[i];
        if (!d) continue;
        const pdf = await store.jobFile(this.db, job.id, i);
        if (!pdf) throw new Error(`job ${job.id}: no file ${i}`);
        results[i] =
          d.slot === 'payslip'
            ? await reader.read(pdf, { kind: 'payslip', currency: meta.currency })
            : d.slot === 'bank_statement'
              ? await this.readStatement(pdf, meta.currency)
              : // Other documents are only opened: a readable PDF is all that is checked.
                await reader.read(pdf, { kind: 'statement', currency: meta.currency, maxPages: 1_000 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, documents.length) }, lane));

    const failures: JobFailure[] = [];
    const warned: AccountWarning[] = [];
    const warn = (code: AccountWarningCode, detail: string) =>
      warned.push({ code, detail, account_id: null });
    const statements: Array<{ doc: UploadedDocument; read: StatementRead }> = [];
    const payslips: Array<{ doc: UploadedDocument; read: PayslipRead }> = [];
    const others: Array<Record<string, unknown>> = [];
    documents.forEach((d, i) => {
      const r = results[i];
      if (!r) return;
      const fail = (f: DocumentFailure) =>
        failures.push({ document: d.path, filename: d.filename, reason: f.reason, detail: f.detail });
      if (d.slot === 'bank_statement') {
        if (r.ok && 'transactions' in r) statements.push({ doc: d, read: r });
        else if (!r.ok) fail(r);
      } else if (d.slot === 'payslip') {
        if (r.ok && 'net_minor' in r) payslips.push({ doc: d, read: r });
        else if (!r.ok) fail(r);
      } else {
        const readable = r.ok || !UNREADABLE.has(r.reason);
        others.push({
          document: d.path,
          kind: d.slot,
          filename: d.filename,
          readable,
          ...(readable ? {} : { reason: r.ok ? null : r.reason, detail: r.ok ? null : r.detail }),
        });
        if (!readable && !r.ok) {
          if (d.slot === 'credit_report')
            fail({
              ok: false,
              reason: r.reason,
              detail: `the credit report is not a readable PDF: ${r.detail}`,
            });
          else
            warn(
              'document_unreadable',
              `${d.path} (${d.filename}) is not a readable PDF (${r.reason}): it was not taken into account`,
            );
        }
      }
    });
    const warnings = () => warned.map((w) => w.detail);
    if (failures.length) return this.fail(job, failures, warnings());

    const reconciled = reconcileStatements(statements.map((s) => s.read));
    // Rows older than the accepted window (24 months) are left out, as a source's would be refused.
    const { first: earliest } = dateWindow(new Date(job.created_at));
    const old = reconciled.transactions.filter((t) => t.date < earliest);
    const transactions: Transaction[] = reconciled.transactions.filter((t) => t.date >= earliest);
    if (old.length)
      warn(
        'rows_left_out',
        `${old.length} statement rows dated before ${earliest} (24 months ago) were left out`,
      );
    if (transactions.length === 0)
      return this.fail(
        job,
        [
          {
            document: null,
            filename: null,
            reason: 'no_transactions',
            detail: 'The statements hold no transactions to assess',
          },
        ],
        warnings(),
      );
    for (const s of statements) {
      if (s.read.ocr)
        warn(
          'statement_read_by_ocr',
          `${s.doc.path} (${s.doc.filename}) is a scan, read by OCR: its figures are checked by its printed balances, which reconcile; descriptions may hold misread characters, and the assessment's confidence is lowered`,
        );
      if (!s.read.reconciliation.ok)
        warn(
          'statement_not_reconciled',
          `${s.doc.path} (${s.doc.filename}) does not reconcile: ${s.read.reconciliation.breaks.length} place(s) where the printed balances or totals disagree with the rows; assessed with a lower confidence`,
        );
      if (s.read.tamper_signals.length)
        warn(
          'document_edit_signals',
          `${s.doc.path} (${s.doc.filename}) shows signs of editing: ${s.read.tamper_signals.map((t) => t.code).join(', ')}`,
        );
    }
    for (const w of reconciled.warnings) warn('statement_gaps', w);
    const matches = matchPayslips(
      payslips.map((p) => p.read),
      transactions,
    );
    for (const m of matches) {
      const p = payslips[m.payslip];
      if (m.status === 'unmatched' && p)
        warn(
          'payslip_unmatched',
          `${p.doc.path} (${p.doc.filename}): ${m.warning ?? 'no credit in the statements matches this payslip'}`,
        );
    }
    const source: SourceRecord = {
      type: 'documents',
      metadata: {
        external_reference: meta.external_reference ?? null,
        statements: statements.map((s) => statementEvidence(s.doc, s.read)),
        reconciliation: {
          duplicates_removed: reconciled.duplicates_removed,
          gaps: reconciled.gaps,
          accounts: reconciled.accounts,
          warnings: reconciled.warnings,
        },
        payslips: payslips.map((p, i) =>
          payslipEvidence(
            p.doc,
            p.read,
            matches.find((m) => m.payslip === i),
          ),
        ),
        other_documents: others,
      },
      warnings: warnings(),
    };
    const request: RequestMeta = {
      customer_ref: meta.customer_ref,
      currency: meta.currency,
      ...(meta.partner_ref !== undefined || meta.external_reference !== undefined
        ? { partner_ref: meta.partner_ref ?? meta.external_reference }
        : {}),
      ...(meta.webhook_url !== undefined ? { callback_url: meta.webhook_url } : {}),
      ...(meta.circumstances !== undefined ? { circumstances: meta.circumstances } : {}),
      ...(meta.declared_income_minor !== undefined
        ? { declared_income_minor: meta.declared_income_minor }
        : {}),
      ...(meta.proposed_credit !== undefined ? { proposed_credit: meta.proposed_credit } : {}),
    };
    const result = await this.assessor.run({
      kind: 'decoded',
      request: { meta: request, source, transactions },
      now: job.created_at.getTime(),
      settings: await engineSettingsFor(this.db, job.partner_id),
    });
    if (result.kind === 'failed') {
      if (result.status === 500) throw new Error(`engine failure: ${result.detail}`);
      return this.fail(
        job,
        [{ document: null, filename: null, reason: result.code, detail: result.detail }],
        warnings(),
      );
    }
    if (result.kind !== 'assessed') throw new Error(`unexpected assessment result ${result.kind}`);
    // A statement that does not reconcile, or shows signs of editing, lowers the assessment's confidence.
    const least = Math.min(1, ...statements.map((s) => s.read.confidence));
    result.assessment.confidence_score = Math.round(result.assessment.confidence_score * least * 100) / 100;
    result.extensions.warnings = [...result.extensions.warnings, ...warned];
    return completeJob(this, job, result, {
      source: 'documents',
      customerRef: meta.customer_ref,
      webhookUrl: meta.webhook_url,
      warnings: warnings(),
    });
  }

  private fail(job: Job, failures: JobFailure[], warnings: string[]): Promise<Outcome> {
    return failJob(this, job.id, failures, warnings);
  }
}

/** How often a running job's heartbeat is written, how long a silent job is left alone, how often to look. */
const HEARTBEAT_MS = 5_000;
const SILENT_S = 30;
const SWEEP_MS = 10_000;

/** A pg-boss retry only for a worker that died mid-job; a job may run up to 12 statements of 20 s each. */
const JOB_OPTIONS = { retryLimit: 3, expireInSeconds: 600 };

function statementEvidence(doc: UploadedDocument, r: StatementRead): Record<string, unknown> {
  return {
    document: doc.path,
    filename: doc.filename,
    sha256: r.document_sha256,
    bank: r.bank,
    layout: r.layout,
    account: r.account,
    period: r.period,
    pages: r.pages,
    opening_balance_minor: r.opening_balance_minor,
    closing_balance_minor: r.closing_balance_minor,
    transactions: r.transactions.length,
    reconciliation: r.reconciliation,
    confidence: r.confidence,
    tamper_signals: r.tamper_signals,
    warnings: r.warnings,
    metadata: r.metadata,
  };
}

function payslipEvidence(
  doc: UploadedDocument,
  r: PayslipRead,
  m: ReturnType<typeof matchPayslips>[number] | undefined,
): Record<string, unknown> {
  const t = m?.transaction;
  return {
    document: doc.path,
    filename: doc.filename,
    stated_period: doc.period ?? null,
    employer: r.employer,
    pay_date: r.pay_date,
    period: r.period,
    tax_period: r.tax_period,
    gross_minor: r.gross_minor,
    net_minor: r.net_minor,
    adds_up: r.adds_up,
    status: m?.status ?? 'unmatched',
    // A matched payslip verifies the income stream its credit belongs to.
    income_verified: m?.status === 'matched',
    matched_transaction: t
      ? {
          date: t.date,
          amount_minor: t.amount_minor,
          description: t.description ?? null,
          source_ref: t.source_ref ?? null,
        }
      : null,
    days_apart: m?.days_apart ?? null,
    warning: m?.warning ?? null,
    tamper_signals: r.tamper_signals,
  };
}

assertType<Sends<JobView, components['schemas']['DocumentJob'], 'DocumentJob'>>();
