/**
 * Decoding a `POST /assess` body: bytes → JSON → the validated request → the one transaction model.
 * It is pure and runs where the engine runs (the assessment worker threads), so that parsing and
 * validating 10,000 transactions never holds the event loop that serves HTTP and the database.
 * Failures come back as values (they cross a thread boundary), shaped as the API's 400.
 */
import type { FieldError } from '../lib/errors.ts';
import type { Circumstances } from '../model/circumstances.ts';
import { toMinor } from '../model/money.ts';
import type { Transaction } from '../model/transaction.ts';
import { sourceAdapter, transactions as transactionsAdapter } from '../../adapters/registry.ts';
import { SourceInputError } from '../../adapters/source.ts';
import { AssessRequestSchema } from './schemas.ts';
import { zodFailure } from './validate.ts';

/** The parts of the request that the service needs besides the transactions. */
export interface RequestMeta {
  customer_ref: string;
  partner_ref?: string;
  callback_url?: string;
  circumstances?: Circumstances;
  declared_income_minor?: number;
}

/** Where the transactions came from, as the evidence records it. */
export interface SourceRecord {
  /** The adapter id (`transactions`, `labelled_transactions`, …). */
  type: string;
  metadata: Record<string, unknown>;
  warnings: string[];
}

export interface DecodedRequest {
  meta: RequestMeta;
  source: SourceRecord;
  transactions: Transaction[];
}

export type DecodeFailure = { kind: 'failed'; status: 400; code: string; detail: string; errors?: FieldError[] };

/** A source that needs the network: the service fetches it, then the transactions are assessed. */
export interface FetchNeeded {
  kind: 'fetch';
  meta: RequestMeta;
  source: { type: string; input: unknown };
}

export type Decoded = ({ kind: 'decoded' } & DecodedRequest) | FetchNeeded | DecodeFailure;

export const MALFORMED_JSON = 'Malformed JSON in request body';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** JSON text (UTF-8 bytes, an optional BOM) → its value, or `ok: false` when it is not JSON (or not UTF-8). */
export function parseJsonBytes(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

const failure = (code: string, detail: string): DecodeFailure => ({ kind: 'failed', status: 400, code, detail });

/** Bytes → the request, with its transactions when the source is a mapping (pure) one. */
export function decodeAssessBody(bytes: Uint8Array): Decoded {
  const json = parseJsonBytes(bytes);
  if (!json.ok) return failure('malformed_json', MALFORMED_JSON);
  const r = AssessRequestSchema.safeParse(json.value);
  if (!r.success) return { kind: 'failed', status: 400, code: 'validation_error', ...zodFailure(r.error, 'request body') };
  const b = r.data;
  const meta: RequestMeta = { customer_ref: b.customer_ref };
  if (b.partner_ref !== undefined) meta.partner_ref = b.partner_ref;
  if (b.callback_url !== undefined) meta.callback_url = b.callback_url;
  if (b.circumstances !== undefined) meta.circumstances = b.circumstances;
  if (b.declared_income !== undefined) meta.declared_income_minor = toMinor(b.declared_income);
  const input = b.source ?? b.transactions!;
  const adapter = b.source ? sourceAdapter(b.source.type) : transactionsAdapter;
  if (adapter.kind === 'fetching') return { kind: 'fetch', meta, source: { type: adapter.id, input } };
  try {
    const out = adapter.map(input);
    return { kind: 'decoded', meta, source: { type: adapter.id, metadata: out.metadata, warnings: out.warnings }, transactions: out.transactions };
  } catch (e) {
    if (e instanceof SourceInputError) return failure(e.code, `Invalid source (${adapter.id}): ${e.message}`);
    throw e;
  }
}
