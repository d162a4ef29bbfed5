/**
 * Worker-thread entry: decodes the request (JSON parse, validation, mapping onto the one transaction
 * model), runs the pure engine and packs the evidence (JSON + gzip), so that all the CPU of an
 * assessment is spent off the event loop that serves HTTP and the embedded database.
 * Errors come back as values (a cloned Error loses its fields).
 */
import { gzipSync, constants } from 'node:zlib';
import { assess, EngineInputError } from '../engine/index.ts';
import type { Evidence } from '../engine/types.ts';
import { currencyMismatch, decodeAssessBody, nothingToAssess, type DecodedRequest, type DecodeFailure, type FetchNeeded, type RequestMeta } from '../contract/assess-request.ts';
import { accountWarnings } from '../model/accounts.ts';
import type { AssessmentExtensions, AssessmentFigures } from '../model/assessment.ts';
import { DEFAULT_CURRENCY } from '../model/money.ts';

/**
 * What a worker is given: the `/assess` body as received (decoded in the worker), or a request that a
 * fetching source has already turned into transactions. `now` is epoch milliseconds.
 */
export type AssessJob = { kind: 'body'; body: Uint8Array; now: number } | { kind: 'decoded'; request: DecodedRequest; now: number };

export type AssessJobResult =
  | { kind: 'assessed'; meta: RequestMeta; source: string; assessment: AssessmentFigures; extensions: AssessmentExtensions; evidenceGz: Uint8Array }
  | FetchNeeded
  | DecodeFailure
  | { kind: 'failed'; status: 500; code: 'engine_failure'; detail: string };

/** The response's extension fields, from the evidence and what the source says about its accounts. */
export function extensionsOf(req: DecodedRequest, evidence: Evidence): AssessmentExtensions {
  const used = new Set(req.transactions.map((t) => t.account_id));
  return {
    currency: evidence.currency ?? req.meta.currency ?? DEFAULT_CURRENCY,
    exclusions: evidence.exclusions.map((e) => ({ reason: e.reason, count: e.count })),
    warnings: accountWarnings(req.source.accounts ?? [], used),
  };
}

export default function run(job: AssessJob): AssessJobResult {
  let req: DecodedRequest;
  if (job.kind === 'body') {
    const d = decodeAssessBody(job.body, new Date(job.now));
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
    const { assessment, evidence } = assess({
      transactions: req.transactions,
      now: new Date(job.now),
      ...(req.meta.circumstances ? { circumstances: req.meta.circumstances } : {}),
      ...(req.meta.declared_income_minor !== undefined ? { declared_income_minor: req.meta.declared_income_minor } : {}),
    });
    let source = req.source;
    if (evidence.currency && evidence.currency !== 'GBP') {
      source = { ...source, warnings: [...source.warnings, `the transactions are in ${evidence.currency}; the engine's merchant dictionary, thresholds and spending guidelines are calibrated on UK (GBP) data`] };
    }
    const extensions = extensionsOf(req, evidence);
    // gzip from bytes: zlib reads a Buffer faster than it converts a string itself.
    const evidenceGz = gzipSync(Buffer.from(JSON.stringify({ ...evidence, source, warnings: extensions.warnings })), { level: constants.Z_BEST_SPEED });
    return { kind: 'assessed', meta: req.meta, source: req.source.type, assessment, extensions, evidenceGz };
  } catch (e) {
    if (e instanceof EngineInputError) return { kind: 'failed', status: 400, code: e.code, detail: e.message };
    return { kind: 'failed', status: 500, code: 'engine_failure', detail: (e as Error).message };
  }
}
