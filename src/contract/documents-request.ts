/**
 * `POST /assess/documents`: the request (the document API's shape plus the Veqtrx fields), as JSON with
 * each document in base64, or as multipart/form-data with each document a file part. Either becomes the
 * same `DecodedDocuments`: the request's fields, and the documents as bytes with where they came from.
 *
 * The JSON body (up to 28 MB) is parsed, validated and its base64 decoded in an assessment worker thread
 * (`decodeDocumentsBody`), never on the event loop.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isoCurrency, money, opt } from '../../adapters/schema.ts';
import type { ErrorCode, FieldError } from '../lib/errors.ts';
import type { Circumstances } from '../model/circumstances.ts';
import { DEFAULT_CURRENCY, toMinor } from '../model/money.ts';
import { invalidStringFailure, parseGuardedJson } from './assess-request.ts';
import { CircumstancesSchema, ProposedCreditSchema, proposedCreditOf, WebhookUrlSchema } from './schemas.ts';
import type { ProposedCredit } from '../engine/credit.ts';
import { zodFailure } from './validate.ts';
import type { components } from './generated/partner-v1.ts';
import { assertType, type Binds } from '../lib/contract-types.ts';

/** The most documents of each kind, and in all. */
export const MAX_STATEMENTS = 12;
export const MAX_PAYSLIPS = 12;
/** Decoded bytes of all the documents of one request. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** Pages of one bank statement. */
export const MAX_STATEMENT_PAGES = 50;
/**
 * The JSON body's limit: 20 MB of documents is 26.7 MB in base64, plus the fields (28 MB). A multipart
 * body carries the documents as they are; its limit is the documents' plus 1 MB of fields and framing.
 */
export const DOCUMENTS_JSON_LIMIT = 28 * 1024 * 1024;
export const DOCUMENTS_MULTIPART_LIMIT = MAX_DOCUMENT_BYTES + 1024 * 1024;

export const DOCUMENT_SLOTS = [
  'bank_statement',
  'payslip',
  'credit_report',
  'id_document',
  'rental_agreement',
] as const;
export type DocumentSlot = (typeof DOCUMENT_SLOTS)[number];

const filename = z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(255);
/** Base64 (standard or URL-safe alphabet, padding optional, line breaks allowed). */
const BASE64 = /^[A-Za-z0-9+/_\-\r\n]*={0,2}[\r\n]*$/;
const base64 = z
  .string({
    error: (iss) =>
      iss.input === undefined ? 'is required (the file in base64)' : 'must be a string (the file in base64)',
  })
  .min(1, 'must not be empty')
  .regex(BASE64, 'must be the file in base64');
const period = z.string().trim().min(1).max(50);

export const DocumentFileSchema = z.object({ document: base64, filename });
export const PayslipFileSchema = z.object({ document: base64, filename, period: opt(period) });

/** The request's fields other than the documents (the multipart `request` part, or the JSON body's). */
const fields = {
  customer_ref: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(200),
  partner_ref: opt(z.string().trim().min(1).max(200)),
  external_reference: opt(z.string().trim().min(1).max(200)),
  circumstances: opt(CircumstancesSchema),
  declared_income: opt(money(0, 10_000_000)),
  currency_code: opt(isoCurrency),
  webhook_url: opt(WebhookUrlSchema),
  proposed_credit: opt(ProposedCreditSchema),
};

export const DocumentsRequestSchema = z.object({
  ...fields,
  bank_statements: z
    .array(DocumentFileSchema, {
      error: (iss) =>
        iss.input === undefined
          ? 'is required (at least one bank statement)'
          : 'must be an array of {document, filename}',
    })
    .min(1, 'must hold at least one bank statement')
    .max(MAX_STATEMENTS, `must hold at most ${MAX_STATEMENTS} bank statements`),
  supporting_documents: opt(
    z.object({
      payslips: opt(
        z.array(PayslipFileSchema).max(MAX_PAYSLIPS, `must hold at most ${MAX_PAYSLIPS} payslips`),
      ),
      credit_report: opt(DocumentFileSchema),
      id_document: opt(DocumentFileSchema),
      rental_agreement: opt(DocumentFileSchema),
    }),
  ),
});

/** The multipart `request` part (or the same fields as form fields): everything but the files. */
export const DocumentsFieldsSchema = z.object({
  ...fields,
  payslip_periods: opt(z.array(period).max(MAX_PAYSLIPS)),
});

/** What the service keeps of the request (no document bytes). */
export interface DocumentsMeta {
  customer_ref: string;
  partner_ref?: string;
  external_reference?: string;
  circumstances?: Circumstances;
  declared_income_minor?: number;
  currency: string;
  webhook_url?: string;
  /** The credit the assessment is for, in the engine's units. */
  proposed_credit?: ProposedCredit;
}

/** One uploaded document, described (its bytes travel beside it). */
export interface UploadedDocument {
  slot: DocumentSlot;
  /** Where it was in the request: `bank_statements[0]`, `supporting_documents.payslips[1]`, `supporting_documents.credit_report`. */
  path: string;
  filename: string;
  /** A payslip's stated period, as sent. */
  period?: string;
  bytes: number;
  sha256: string;
}

export interface DecodedDocuments {
  kind: 'documents';
  meta: DocumentsMeta;
  documents: UploadedDocument[];
  /** Each document's bytes, in the order of `documents`. */
  contents: Uint8Array[];
  /**
   * "The same request" for an Idempotency-Key: a hash of the fields and of each document's place, name and
   * content — the same whether the request came as JSON or as multipart, whatever its boundary or base64
   * line breaks.
   */
  requestHash: string;
}

export interface DocumentsFailure {
  kind: 'failed';
  status: 400 | 413;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
}

export const tooLarge = (total: number): DocumentsFailure => ({
  kind: 'failed',
  status: 413,
  code: 'documents_too_large',
  detail: `The documents are ${(total / 1024 / 1024).toFixed(1)} MB decoded; at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB of documents in one request`,
});

export function metaOf(b: z.output<typeof DocumentsFieldsSchema>): DocumentsMeta {
  const meta: DocumentsMeta = { customer_ref: b.customer_ref, currency: b.currency_code ?? DEFAULT_CURRENCY };
  if (b.partner_ref !== undefined) meta.partner_ref = b.partner_ref;
  if (b.external_reference !== undefined) meta.external_reference = b.external_reference;
  if (b.circumstances !== undefined) meta.circumstances = b.circumstances;
  if (b.declared_income !== undefined) meta.declared_income_minor = toMinor(b.declared_income);
  if (b.webhook_url !== undefined) meta.webhook_url = b.webhook_url;
  if (b.proposed_credit !== undefined) meta.proposed_credit = proposedCreditOf(b.proposed_credit);
  return meta;
}

/** The Idempotency-Key hash of a decoded request (see DecodedDocuments.requestHash). */
export function documentsRequestHash(meta: DocumentsMeta, documents: readonly UploadedDocument[]): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, canon(x)]),
          )
        : v;
  const h = createHash('sha256').update(
    JSON.stringify(canon({ meta, documents: documents.map(({ bytes: _b, ...d }) => d) })),
  );
  return `docs:${h.digest('hex')}`;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The JSON body's bytes → the request and its documents' bytes, or a 400/413. Runs in a worker thread. */
export function decodeDocumentsBody(bytes: Uint8Array): DecodedDocuments | DocumentsFailure {
  const json = parseGuardedJson(bytes);
  if (json.kind === 'failed') return json;
  const r = DocumentsRequestSchema.safeParse(json.value);
  if (!r.success)
    return { kind: 'failed', status: 400, code: 'validation_error', ...zodFailure(r.error, 'request body') };
  const b = r.data;
  const files: Array<{ doc: Omit<UploadedDocument, 'bytes' | 'sha256'>; base64: string }> = [];
  b.bank_statements.forEach((s, i) =>
    files.push({
      doc: { slot: 'bank_statement', path: `bank_statements[${i}]`, filename: s.filename },
      base64: s.document,
    }),
  );
  const sup = b.supporting_documents;
  sup?.payslips?.forEach((p, i) =>
    files.push({
      doc: {
        slot: 'payslip',
        path: `supporting_documents.payslips[${i}]`,
        filename: p.filename,
        ...(p.period !== undefined ? { period: p.period } : {}),
      },
      base64: p.document,
    }),
  );
  for (const slot of ['credit_report', 'id_document', 'rental_agreement'] as const) {
    const d = sup?.[slot];
    if (d)
      files.push({
        doc: { slot, path: `supporting_documents.${slot}`, filename: d.filename },
        base64: d.document,
      });
  }
  // The decoded size is known from the base64's length before anything is decoded.
  const estimate = files.reduce(
    (n, f) => n + Math.floor((f.base64.replace(/[\r\n=]/g, '').length * 3) / 4),
    0,
  );
  if (estimate > MAX_DOCUMENT_BYTES) return tooLarge(estimate);
  const documents: UploadedDocument[] = [];
  const contents: Uint8Array[] = [];
  const errors: FieldError[] = [];
  for (const f of files) {
    const bytesOf = Buffer.from(
      f.base64,
      f.base64.includes('-') || f.base64.includes('_') ? 'base64url' : 'base64',
    );
    if (bytesOf.length === 0) {
      errors.push({ path: `${f.doc.path}.document`, message: 'decodes to no bytes' });
      continue;
    }
    // A Buffer of its own memory, so it can be moved to the event loop's thread.
    const own = new Uint8Array(bytesOf.length);
    own.set(bytesOf);
    contents.push(own);
    documents.push({ ...f.doc, bytes: own.length, sha256: sha256(own) });
  }
  if (errors.length)
    return {
      kind: 'failed',
      status: 400,
      code: 'validation_error',
      detail: `Invalid request body: ${errors[0]?.path}: ${errors[0]?.message}`,
      errors,
    };
  const meta = metaOf(b);
  return { kind: 'documents', meta, documents, contents, requestHash: documentsRequestHash(meta, documents) };
}

/** A file part of a multipart request, as read (src/http/documents-body.ts). */
export interface MultipartFile {
  /** The part's name: `bank_statements`, `payslips`, `credit_report`, `id_document`, `rental_agreement`. */
  part: string;
  filename: string;
  content: Uint8Array;
  sha256: string;
}

const fieldFailure = (path: string, message: string): DocumentsFailure => ({
  kind: 'failed',
  status: 400,
  code: 'validation_error',
  detail: `Invalid request: ${path}: ${message}`,
  errors: [{ path, message }],
});

/** The form fields given as JSON text (objects and arrays). */
const JSON_FIELDS = new Set(['circumstances', 'payslip_periods', 'proposed_credit']);
const NUMBER_FIELDS = new Set(['declared_income']);

/**
 * A multipart request's fields and files → the request, as the JSON form gives it: the fields from the
 * `request` part (JSON) or from form fields, never both; the files in the order they came, by part.
 */
export function decodeDocumentsParts(
  formFields: ReadonlyMap<string, string>,
  files: readonly MultipartFile[],
): DecodedDocuments | DocumentsFailure {
  let value: Record<string, unknown>;
  const request = formFields.get('request');
  if (request !== undefined) {
    const others = [...formFields.keys()].filter((k) => k !== 'request');
    if (others.length)
      return fieldFailure(
        others[0] ?? '',
        'send the fields either in the `request` part or as form fields, not both',
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(request);
    } catch {
      return {
        kind: 'failed',
        status: 400,
        code: 'malformed_json',
        detail: 'Malformed JSON in the `request` part',
      };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return fieldFailure('request', 'must be a JSON object');
    value = { ...parsed };
  } else {
    value = {};
    for (const [k, v] of formFields) {
      if (JSON_FIELDS.has(k)) {
        try {
          value[k] = JSON.parse(v);
        } catch {
          return fieldFailure(k, 'must be JSON text');
        }
      } else if (NUMBER_FIELDS.has(k)) value[k] = v.trim() === '' ? v : Number(v);
      else value[k] = v;
    }
  }
  const bad = invalidStringFailure(value);
  if (bad) return bad;
  const r = DocumentsFieldsSchema.strict().safeParse(value);
  if (!r.success)
    return {
      kind: 'failed',
      status: 400,
      code: 'validation_error',
      ...zodFailure(r.error, 'request fields'),
    };
  const byPart = (p: string) => files.filter((f) => f.part === p);
  const statements = byPart('bank_statements');
  const payslips = byPart('payslips');
  if (statements.length === 0)
    return fieldFailure('bank_statements', 'is required (at least one bank statement file part)');
  if (statements.length > MAX_STATEMENTS)
    return fieldFailure('bank_statements', `must hold at most ${MAX_STATEMENTS} bank statements`);
  if (payslips.length > MAX_PAYSLIPS)
    return fieldFailure('payslips', `must hold at most ${MAX_PAYSLIPS} payslips`);
  const periods = r.data.payslip_periods ?? [];
  if (periods.length > payslips.length)
    return fieldFailure('payslip_periods', `has ${periods.length} periods for ${payslips.length} payslips`);
  const documents: UploadedDocument[] = [];
  const contents: Uint8Array[] = [];
  const add = (f: MultipartFile, doc: Omit<UploadedDocument, 'bytes' | 'sha256' | 'filename'>) => {
    documents.push({ ...doc, filename: f.filename.slice(0, 255), bytes: f.content.length, sha256: f.sha256 });
    contents.push(f.content);
  };
  statements.forEach((f, i) => add(f, { slot: 'bank_statement', path: `bank_statements[${i}]` }));
  payslips.forEach((f, i) => {
    const period = periods[i];
    add(f, {
      slot: 'payslip',
      path: `supporting_documents.payslips[${i}]`,
      ...(period !== undefined ? { period } : {}),
    });
  });
  for (const slot of ['credit_report', 'id_document', 'rental_agreement'] as const) {
    const these = byPart(slot);
    if (these.length > 1) return fieldFailure(slot, 'must be one file');
    const f = these[0];
    if (f) add(f, { slot, path: `supporting_documents.${slot}` });
  }
  const empty = documents.find((d) => d.bytes === 0);
  if (empty) return fieldFailure(empty.path, 'is an empty file');
  const total = documents.reduce((n, d) => n + d.bytes, 0);
  if (total > MAX_DOCUMENT_BYTES) return tooLarge(total);
  const meta = metaOf(r.data);
  return { kind: 'documents', meta, documents, contents, requestHash: documentsRequestHash(meta, documents) };
}

// Bound to the spec (src/lib/contract-types.ts): a field that drifts in type, optionality or presence is a
// compile error naming it.
type Spec = components['schemas'];
assertType<Binds<typeof DocumentsRequestSchema, Spec['DocumentsRequest'], 'DocumentsRequest'>>();
assertType<Binds<typeof DocumentsFieldsSchema, Spec['DocumentsFields'], 'DocumentsFields'>>();
assertType<Binds<typeof DocumentFileSchema, Spec['DocumentFile'], 'DocumentFile'>>();
assertType<Binds<typeof PayslipFileSchema, Spec['PayslipFile'], 'PayslipFile'>>();
