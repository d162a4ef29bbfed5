/**
 * Worker-thread entry: decodes the request (JSON parse, validation, mapping onto the one transaction
 * model), runs the pure engine — its evidence's ledger made straight in the columnar form it is stored in —
 * and packs the evidence (src/store/evidence.ts), so that all the CPU of an
 * assessment is spent off the event loop that serves HTTP and the embedded database; and turns stored
 * evidence back into the evidence route's JSON. Errors come back as values (a cloned Error loses its
 * fields). Bytes going back (the packed evidence, the evidence JSON) are moved to the event loop's
 * thread, not copied.
 */
import { errorMessage } from '../lib/narrow.ts';
import { Piscina } from 'piscina';
import { assessColumnar, EngineInputError } from '../engine/index.ts';
import type { EngineSettings, Evidence } from '../engine/types.ts';
import {
  currencyMismatch,
  decodeAssessBody,
  nothingToAssess,
  type DecodedRequest,
  type DecodeFailure,
  type FetchNeeded,
  type RequestMeta,
} from '../contract/assess-request.ts';
import { accountWarnings } from '../model/accounts.ts';
import type { AssessmentExtensions, AssessmentFigures } from '../model/assessment.ts';
import { DEFAULT_CURRENCY } from '../model/money.ts';
import { compareThirdParty } from '../engine/third-party.ts';
import { evidenceJson, evidencePartJson, packEvidence } from '../store/evidence.ts';
import { joinChunks, ownBuffer, Scratch } from '../lib/owned-bytes.ts';
import {
  decodeDocumentsBody,
  type DecodedDocuments,
  type DocumentsFailure,
} from '../contract/documents-request.ts';

/**
 * What a worker is given: the `/assess` body as received (decoded in the worker; as one buffer or as the
 * chunks it arrived in, joined there), or a request that a fetching source has already turned into
 * transactions (`now` is epoch milliseconds); or an assessment's stored evidence, to be turned into the
 * evidence route's JSON.
 */
export type AssessJob =
  | { kind: 'body'; body: Uint8Array | readonly Uint8Array[]; now: number; settings?: EngineSettings }
  | { kind: 'decoded'; request: DecodedRequest; now: number; settings?: EngineSettings }
  | { kind: 'evidence'; stored: Uint8Array }
  /** One part of an assessment's stored evidence (its monthly series), as the route's JSON. */
  | { kind: 'evidence-part'; stored: Uint8Array; part: 'series'; assessmentId: string }
  /** A `POST /assess/documents` JSON body: parsed, validated and its documents decoded from base64. */
  | { kind: 'documents-body'; body: Uint8Array | readonly Uint8Array[] };

export type AssessJobResult =
  | {
      kind: 'assessed';
      meta: RequestMeta;
      source: string;
      assessment: AssessmentFigures;
      extensions: AssessmentExtensions;
      evidencePacked: Uint8Array;
    }
  | { kind: 'evidence'; json: Uint8Array }
  | { kind: 'evidence-part'; json: Uint8Array | undefined }
  | FetchNeeded
  | DecodeFailure
  | DecodedDocuments
  | DocumentsFailure
  | { kind: 'failed'; status: 500; code: 'engine_failure'; detail: string };

/** The response's extension fields, from the evidence and what the source says about its accounts. */
export function extensionsOf(
  req: DecodedRequest,
  evidence: Pick<Evidence, 'currency' | 'exclusions' | 'proposed_credit'>,
): AssessmentExtensions {
  const used = new Set(req.transactions.map((t) => t.account_id));
  const out: AssessmentExtensions = {
    currency: evidence.currency ?? req.meta.currency ?? DEFAULT_CURRENCY,
    exclusions: evidence.exclusions.map((e) => ({ reason: e.reason, count: e.count })),
    warnings: accountWarnings(req.source.accounts ?? [], used),
  };
  const c = evidence.proposed_credit;
  if (c)
    out.proposed_credit = {
      amount: c.amount,
      term_months: c.term_months,
      apr: c.apr,
      monthly_repayment: c.monthly_repayment,
      disposable_after_repayment: c.disposable_after_repayment,
      verdict: c.verdict,
      reasons: c.reasons,
    };
  return out;
}

/**
 * This thread's buffer for a body's chunks, joined to be decoded (the decoded request keeps none of its
 * bytes): reused rather than a fresh 1.6 MB for a 10,000-transaction body. Up to 32 MB.
 */
const bodyScratch = new Scratch(32 * 1024 * 1024);

export function runJob(job: AssessJob): AssessJobResult {
  if (job.kind === 'evidence') return { kind: 'evidence', json: evidenceJson(job.stored) };
  if (job.kind === 'evidence-part')
    return { kind: 'evidence-part', json: evidencePartJson(job.stored, job.part, job.assessmentId) };
  if (job.kind === 'documents-body')
    return decodeDocumentsBody(job.body instanceof Uint8Array ? job.body : joinChunks(job.body));
  let req: DecodedRequest;
  if (job.kind === 'body') {
    const body = job.body instanceof Uint8Array ? job.body : bodyScratch.join(job.body);
    const d = decodeAssessBody(body, new Date(job.now));
    if (d.kind !== 'decoded') return d;
    req = d;
  } else {
    // A fetching source's transactions: the request's stated currency (if any) is checked here.
    req = job.request;
    const mismatch = currencyMismatch(req.transactions, req.meta);
    if (mismatch) return mismatch;
    const future = nothingToAssess(req.transactions, new Date(job.now));
    if (future) return future;
  }
  try {
    const { assessment, evidence } = assessColumnar({
      transactions: req.transactions,
      now: new Date(job.now),
      ...(req.meta.circumstances ? { circumstances: req.meta.circumstances } : {}),
      ...(req.meta.declared_income_minor !== undefined
        ? { declared_income_minor: req.meta.declared_income_minor }
        : {}),
      ...(req.meta.proposed_credit ? { proposed_credit: req.meta.proposed_credit } : {}),
      ...(job.settings?.stress ? { stress: job.settings.stress } : {}),
      ...(job.settings?.guidelines ? { guidelines: job.settings.guidelines } : {}),
    });
    let source = req.source;
    if (evidence.currency && evidence.currency !== 'GBP') {
      source = {
        ...source,
        warnings: [
          ...source.warnings,
          `the transactions are in ${evidence.currency}; the engine's merchant dictionary, thresholds and spending guidelines are calibrated on UK (GBP) data`,
        ],
      };
    }
    const extensions = extensionsOf(req, evidence);
    const verdict = source.third_party;
    const comparison = verdict && compareThirdParty(assessment, extensions.currency, verdict);
    if (verdict && comparison)
      extensions.third_party = {
        provider: verdict.provider,
        product: verdict.product,
        version: verdict.version,
        analysis_id: verdict.analysis_id,
        figures: verdict.mapped,
        disagreements: comparison.disagreements,
      };
    const evidencePacked = packEvidence({
      ...evidence,
      source,
      warnings: extensions.warnings,
      ...(comparison ? { third_party_comparison: comparison } : {}),
    });
    return {
      kind: 'assessed',
      meta: req.meta,
      source: req.source.type,
      assessment,
      extensions,
      evidencePacked,
    };
  } catch (e) {
    if (e instanceof EngineInputError)
      return { kind: 'failed', status: 400, code: e.code, detail: e.message };
    return { kind: 'failed', status: 500, code: 'engine_failure', detail: errorMessage(e) };
  }
}

/** What the pool's threads run: runJob, its result's bytes moved rather than copied. */
export default function run(job: AssessJob): AssessJobResult {
  const result = runJob(job);
  const bytes =
    result.kind === 'evidence'
      ? [result.json]
      : result.kind === 'evidence-part'
        ? result.json
          ? [result.json]
          : []
        : result.kind === 'assessed'
          ? [result.evidencePacked]
          : result.kind === 'documents'
            ? result.contents
            : [];
  const own = bytes.map(ownBuffer).filter((b): b is ArrayBuffer => b !== undefined);
  if (!own.length) return result;
  const movable = { [Piscina.transferableSymbol]: own, [Piscina.valueSymbol]: result };
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- Piscina's typings want its own unique symbols as keys and return its wrapper; the pool hands the thread's caller the value inside, an AssessJobResult
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as AssessJobResult;
}
