/**
 * `document_api`: a third-party, document-based affordability assessment (openapi/providers/
 * document-api-v1.yaml) as an analysis source of `POST /assess`. The lender sends either the documents —
 *
 *   {"type": "document_api", "bank_statements": [{"document": "<base64 PDF>", "filename"?: …}, …],
 *    "supporting_documents"?: {"payslips"?: […], "credit_report"?: …, "id_document"?: …, "rental_agreement"?: …},
 *    "currency_code"?: "ZAR", "external_reference"?: "loan-app-12345"}
 *
 * — which the gateway submits with the partner's stored API key, or `{"type": "document_api", "job_id": …}`
 * to attach to a job the lender already started with its own account. Either way the gateway polls the
 * job until the provider ends it (2–5 minutes), then reads the transactions the provider extracted from
 * the statements into the one model and keeps its figures beside ours (map.ts).
 *
 * The failure model (the provider's page): a bank statement, classification, a payslip or the credit
 * report that fails ends the assessment with no charge — the poll returns `failed` with the provider's
 * reason for each document; an ID document or a rental agreement that fails only warns, and the
 * warnings are kept.
 *
 * **A retried submit.** The provider documents no idempotency and no way to find a job by
 * `external_reference`. The gateway sends its analysis id (`ctx.reference`) as `Idempotency-Key` and as the
 * default `external_reference`, and assumes (the spec marks it) that the provider answers a repeated key
 * with the first job. The residual risk: a provider that ignores the header, asked again after a crash
 * between its answer and the gateway's commit, starts a second job, which it charges if it succeeds. The
 * second job carries the same `external_reference` (the lender's, else the analysis id), so the lender
 * can find and dispute it.
 *
 * **Limits of the input**: at most 12 bank statements and 12 payslips, each document valid base64 (the
 * standard alphabet, padded), bank statements and the credit report PDFs (`%PDF-` within the first
 * 1024 bytes, as the provider requires; the ID document's and rental agreement's formats are not stated
 * and their failure only warns, so the provider decides), and all documents together at most 6 MB
 * decoded — `POST /assess` takes at most 8 MB, and 6 MB is 8 MB in base64.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { isRecord } from '../../src/lib/narrow.ts';
import type { AnalysisContext, AnalysisProvider, AnalysisRef, PollStep } from '../analysis.ts';
import { providerBaseUrl } from '../provider-common.ts';
import { isoCurrency, opt } from '../schema.ts';
import { SourceError } from '../source.ts';
import {
  DocumentApiClient,
  jobPath,
  pollPathOf,
  type AssessRequest,
  type DocumentApiCredentials,
} from './client.ts';
import { DOCUMENT_API_PROVIDER, failureReason, normaliseJob, type DocumentApiResult } from './map.ts';

export type { DocumentApiCredentials } from './client.ts';
export type { DocumentApiResult } from './map.ts';

export const MAX_STATEMENTS = 12;
export const MAX_PAYSLIPS = 12;
/** All the documents of one submission, decoded. */
export const MAX_DECODED_BYTES = 6_000_000;
/** The whole analysis, submission to result: three times the provider's "2–5 minutes", for its busy hours. */
export const DEADLINE_MS = 15 * 60_000;
/** The first poll, and the base of the backoff between polls. */
export const POLL_BASE_MS = 30_000;
/** A pending poll's wait, from the provider's estimate, is kept within these. */
export const MIN_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 60_000;

/** The standard base64 alphabet, padded; line breaks are not accepted (the provider's decoder may not). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** The bytes a base64 string decodes to (it is valid base64). */
export const decodedLength = (b64: string) =>
  (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
/** A PDF's header, `%PDF-`, in its first 1024 bytes (where PDF readers look for it). */
export function looksLikePdf(b64: string): boolean {
  return Buffer.from(b64.slice(0, 1368), 'base64').subarray(0, 1024).includes('%PDF-');
}

const base64 = z
  .string({
    error: (iss) =>
      iss.input === undefined ? 'is required (the file in base64)' : 'must be a string (the file in base64)',
  })
  .min(1, 'must not be empty')
  .refine(
    (s) => s.length % 4 === 0 && BASE64.test(s),
    'must be the file in base64 (standard alphabet, padded, no line breaks)',
  );
const pdf = base64.refine(looksLikePdf, 'must be a PDF in base64 (it does not start with %PDF-)');
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const PRINTABLE_NAME = /^[^\u0000-\u001f\u007f]+$/;
const filename = opt(z.string().trim().min(1).max(255).regex(PRINTABLE_NAME, 'must be printable'));

const PdfDocument = z.strictObject({ document: pdf, filename });
const AnyDocument = z.strictObject({ document: base64, filename });
const Payslip = z.strictObject({
  document: base64,
  filename,
  period: opt(z.string().trim().min(1).max(50)),
});

/** The document API's job ids are UUIDs; any id of letters, digits, `-` and `_` is taken (it goes in a URL path). */
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export const DocumentApiSourceSchema = z
  .strictObject({
    type: z.literal('document_api'),
    job_id: opt(
      z.string().regex(JOB_ID, "must be the document API's job id (letters, digits, - and _, at most 128)"),
    ),
    bank_statements: opt(
      z
        .array(PdfDocument, { error: 'must be an array of {document, filename}' })
        .min(1, 'must hold at least one bank statement')
        .max(MAX_STATEMENTS, `must hold at most ${MAX_STATEMENTS} bank statements`),
    ),
    supporting_documents: opt(
      z.strictObject({
        payslips: opt(z.array(Payslip).max(MAX_PAYSLIPS, `must hold at most ${MAX_PAYSLIPS} payslips`)),
        credit_report: opt(PdfDocument),
        id_document: opt(AnyDocument),
        rental_agreement: opt(AnyDocument),
      }),
    ),
    currency_code: opt(isoCurrency),
    external_reference: opt(z.string().trim().min(1).max(200)),
  })
  .superRefine((s, ctx) => {
    const documents = s.bank_statements !== undefined || s.supporting_documents !== undefined;
    if (s.job_id !== undefined) {
      for (const k of [
        'bank_statements',
        'supporting_documents',
        'currency_code',
        'external_reference',
      ] as const)
        if (s[k] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: 'must not be sent with job_id (a job already started has its documents)',
          });
      return;
    }
    if (s.bank_statements === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bank_statements'],
        message: documents
          ? 'is required (at least one bank statement)'
          : 'is required: send bank_statements to submit, or job_id to attach to a job already started',
      });
      return;
    }
    const sup = s.supporting_documents;
    const all = [
      ...s.bank_statements,
      ...(sup?.payslips ?? []),
      ...[sup?.credit_report, sup?.id_document, sup?.rental_agreement].filter((d) => d !== undefined),
    ];
    const bytes = all.reduce((n, d) => n + decodedLength(d.document), 0);
    if (bytes > MAX_DECODED_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['bank_statements'],
        message: `the documents are ${(bytes / 1e6).toFixed(1)} MB decoded; at most 6 MB in all`,
      });
  });

export type DocumentApiSourceInput = z.output<typeof DocumentApiSourceSchema>;

/** What an administrator stores for a partner (sealed at rest, never returned). */
export const DocumentApiCredentialsSchema = z.strictObject({
  api_key: z
    .string()
    .min(1)
    .max(500)
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces'),
  base_url: providerBaseUrl,
  webhook_secret: opt(z.string().min(1).max(500)),
});

/** What the gateway keeps between polls. */
const Ref = z.object({
  job_id: z.string().regex(JOB_ID),
  assessment_id: z.string().nullable(),
  poll_path: z.string(),
});

function credentialsOf(ctx: AnalysisContext): DocumentApiCredentials {
  const c = DocumentApiCredentialsSchema.safeParse(ctx.credentials);
  if (!c.success)
    throw new SourceError(
      422,
      "This partner's stored document API credentials are not valid (api_key, base_url, webhook_secret?); an administrator stores them again with PUT /api/admin/partners/{id}/providers/document_api",
      'provider_not_configured',
    );
  return c.data;
}

function refOf(ref: AnalysisRef): z.output<typeof Ref> {
  const r = Ref.safeParse(ref);
  // The gateway's own stored state, not the provider's answer or the partner's input.
  if (!r.success)
    throw new Error('document_api: the stored analysis ref is not {job_id, assessment_id, poll_path}');
  return r.data;
}

/** The request body for the input's documents. */
export function requestOf(
  input: DocumentApiSourceInput,
  ctx: Pick<AnalysisContext, 'reference' | 'callbackUrl'>,
): AssessRequest {
  return {
    bank_statements: input.bank_statements ?? [],
    ...(input.supporting_documents ? { supporting_documents: input.supporting_documents } : {}),
    // The gateway assesses people's affordability.
    assessment_type: 'individual',
    // Absent, the provider's default (ZAR) applies, and the currency it states is kept (map.ts).
    ...(input.currency_code ? { currency_code: input.currency_code } : {}),
    ...(ctx.callbackUrl ? { webhook_url: ctx.callbackUrl } : {}),
    external_reference: input.external_reference ?? ctx.reference,
  };
}

const SIGNATURE = /^(?:sha256=)?([0-9a-fA-F]{64})$/;

/** A header by name, whatever its case. */
function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

export const documentApi: AnalysisProvider<
  DocumentApiSourceInput,
  DocumentApiCredentials,
  DocumentApiResult
> = {
  id: 'document_api',
  kind: 'analysis',
  provider: DOCUMENT_API_PROVIDER,
  schema: DocumentApiSourceSchema,
  credentials: DocumentApiCredentialsSchema,
  deadlineMs: DEADLINE_MS,
  pollBaseMs: POLL_BASE_MS,

  async submit(input, ctx) {
    const client = new DocumentApiClient(credentialsOf(ctx), ctx.runtime);
    if (input.job_id !== undefined) {
      // Attach: the job must exist for this key (a wrong id or another account's job ends here, not later).
      const { job } = await client.job(jobPath(input.job_id), input.job_id);
      return { job_id: job.job_id, assessment_id: job.assessment_id, poll_path: jobPath(job.job_id) };
    }
    const answer = await client.submit(requestOf(input, ctx), ctx.reference);
    return {
      job_id: answer.job_id,
      assessment_id: answer.assessment_id,
      poll_path: pollPathOf(answer.poll_url, answer.job_id),
    };
  },

  async poll(ref, ctx): Promise<PollStep<DocumentApiResult>> {
    const r = refOf(ref);
    const client = new DocumentApiClient(credentialsOf(ctx), ctx.runtime);
    const { job, retryAfterMs } = await client.job(r.poll_path, r.job_id);
    if (job.status === 'processing') {
      return {
        state: 'pending',
        providerStatus: job.status,
        ...(retryAfterMs === undefined
          ? {}
          : { retryAfterMs: Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, retryAfterMs)) }),
      };
    }
    if (job.status === 'failed')
      return { state: 'failed', providerStatus: job.status, reason: failureReason(job) };
    if (!job.result)
      throw new SourceError(
        502,
        "The document API said the assessment completed but sent no result; this is the document API's answer, not your request: retry later, and tell support if it persists",
        'provider_bad_response',
      );
    return {
      state: 'done',
      providerStatus: job.status,
      result: { ...job, status: 'completed', result: job.result },
    };
  },

  normalise(result, input) {
    return normaliseJob(result, input);
  },

  webhook: {
    /**
     * `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body under the stored webhook_secret>`
     * (assumed: the spec's webhook), compared in constant time; returns the body's `job_id`, which the
     * mechanism matches against the ref's `job_id`. No stored secret: nothing verifies (undefined).
     */
    verify(headers, rawBody, credentials) {
      const secret = credentials.webhook_secret;
      const m = SIGNATURE.exec(header(headers, 'x-webhook-signature')?.trim() ?? '');
      if (!secret || !m?.[1]) return undefined;
      const expected = createHmac('sha256', secret).update(rawBody).digest();
      if (!timingSafeEqual(expected, Buffer.from(m[1], 'hex'))) return undefined;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(rawBody).toString('utf8'));
      } catch {
        return undefined;
      }
      return isRecord(body) && typeof body.job_id === 'string' && JOB_ID.test(body.job_id)
        ? body.job_id
        : undefined;
    },
  },
};
