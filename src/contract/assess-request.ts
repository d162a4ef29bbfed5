/**
 * Decoding a `POST /assess` body: bytes → JSON → the validated request → the one transaction model.
 * It is pure and runs where the engine runs (the assessment worker threads), so that parsing and
 * validating 10,000 transactions never holds the event loop that serves HTTP and the database.
 * Failures come back as values (they cross a thread boundary), shaped as the API's 400.
 */
import { present } from '../lib/narrow.ts';
import type { ErrorCode, FieldError } from '../lib/errors.ts';
import type { SourceRecord } from '../model/assessment.ts';
import type { Circumstances } from '../model/circumstances.ts';
import { DEFAULT_CURRENCY, toMinor } from '../model/money.ts';
import type { Transaction } from '../model/transaction.ts';
import { sourceAdapter, transactions as transactionsAdapter } from '../../adapters/registry.ts';
import { mapTransactions } from '../../adapters/transactions/index.ts';
import { SourceInputError } from '../../adapters/source.ts';
import { MAX_TRANSACTIONS } from '../../adapters/schema.ts';
import { dateWindow, outsideDateWindow } from '../model/dates.ts';
import { AssessRequestSchema, proposedCreditOf } from './schemas.ts';
import type { ProposedCredit } from '../engine/credit.ts';
import { countFailure, nestingFailure, stringFailure } from './input-guards.ts';
import { zodFailure } from './validate.ts';

export type { SourceRecord };

/** The parts of the request that the service needs besides the transactions. */
export interface RequestMeta {
  customer_ref: string;
  partner_ref?: string;
  callback_url?: string;
  circumstances?: Circumstances;
  declared_income_minor?: number;
  /**
   * The currency the request states (extension `currency`; for raw transactions GBP when it has none):
   * every transaction must be in it. Undefined for a source sent without one: the source's own
   * currency then stands (one currency, or the engine refuses the mix).
   */
  currency?: string;
  /** Whether `currency` is the default rather than sent (for the wording of a refusal). */
  currency_defaulted?: boolean;
  /** Extension: the credit the assessment is for, in the engine's units. */
  proposed_credit?: ProposedCredit;
}

export interface DecodedRequest {
  meta: RequestMeta;
  source: SourceRecord;
  transactions: Transaction[];
}

export type DecodeFailure = {
  kind: 'failed';
  status: 400;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
};

/**
 * The request states a currency and a transaction is in another: refused as a mixed-currency request
 * (400 `mixed_currency`, like a source that mixes currencies), never converted or summed. `pathOf`
 * names the transaction in the request when it can (raw transactions: `transactions[3]`).
 */
export function currencyMismatch(
  transactions: readonly Transaction[],
  meta: Pick<RequestMeta, 'currency' | 'currency_defaulted'>,
  pathOf?: (i: number) => string,
): DecodeFailure | undefined {
  const stated = meta.currency;
  if (stated === undefined) return undefined;
  const others = new Set<string>();
  let first = -1;
  let firstCurrency = '';
  transactions.forEach((t, i) => {
    if (t.currency.toUpperCase() === stated) return;
    others.add(t.currency.toUpperCase());
    if (first < 0) {
      first = i;
      firstCurrency = t.currency.toUpperCase();
    }
  });
  if (first < 0) return undefined;
  const which = meta.currency_defaulted ? `${stated} (the default when the request has no currency)` : stated;
  const all = [...others, stated].sort().join(', ');
  const where = pathOf
    ? `${pathOf(first)} is in ${firstCurrency}`
    : `the source's transactions are in ${[...others].sort().join(', ')}`;
  const detail = `transactions are in more than one currency (${all}): ${where}, but this assessment is in ${which}; assess one currency at a time and send currency to name it`;
  const errors = pathOf
    ? [
        {
          path: `${pathOf(first)}.currency`,
          message: `is ${firstCurrency}; the request's currency is ${stated}`,
        },
      ]
    : undefined;
  return { kind: 'failed', status: 400, code: 'mixed_currency', detail, ...(errors ? { errors } : {}) };
}

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

const failure = (code: ErrorCode, detail: string): DecodeFailure => ({
  kind: 'failed',
  status: 400,
  code,
  detail,
});

const fieldFailure = (code: ErrorCode, what: string, e: FieldError): DecodeFailure => ({
  kind: 'failed',
  status: 400,
  code,
  detail: `${what}: ${e.path}: ${e.message}`,
  errors: [e],
});

/** The 400 for a string or key anywhere in `value` that is ill-formed Unicode or a control character, naming its path. */
export function invalidStringFailure(value: unknown): DecodeFailure | undefined {
  const bad = stringFailure(value);
  return bad ? fieldFailure('invalid_string', 'Invalid string', bad) : undefined;
}

/**
 * A JSON body's bytes → its value, after the refusals every JSON body of the partner API gets first, each
 * before the work it spares: nesting depth (on the bytes, before parsing), malformed JSON, then ill-formed
 * or control-character strings.
 */
export function parseGuardedJson(bytes: Uint8Array): { kind: 'parsed'; value: unknown } | DecodeFailure {
  const deep = nestingFailure(bytes);
  if (deep) return failure('too_deeply_nested', deep);
  const json = parseJsonBytes(bytes);
  if (!json.ok) return failure('malformed_json', MALFORMED_JSON);
  return invalidStringFailure(json.value) ?? { kind: 'parsed', value: json.value };
}

/** The first date outside the accepted window (src/model/dates.ts), as a 400 naming its path. */
export function dateWindowFailure(
  dates: Iterable<{ path: string; date: string }>,
  now: Date,
): DecodeFailure | undefined {
  const w = dateWindow(now);
  for (const { path, date } of dates) {
    const why = outsideDateWindow(date, w);
    if (why)
      return fieldFailure('date_out_of_window', 'A date is outside the accepted window', {
        path,
        message: why,
      });
  }
  return undefined;
}

/**
 * Something to assess: at least one transaction dated on or before the day of the assessment (the
 * engine leaves later ones out as `future_dated`), else a 400 — a body of only future rows is not charged.
 */
export function nothingToAssess(transactions: readonly Transaction[], now: Date): DecodeFailure | undefined {
  if (transactions.length === 0) return undefined; // each path has its own "no transactions" refusal
  const { today } = dateWindow(now);
  if (transactions.some((t) => t.date <= today)) return undefined;
  return failure(
    'no_transactions_to_assess',
    `Every transaction is dated after ${today}, the day of the assessment: there is nothing to assess yet (nothing was charged)`,
  );
}

/**
 * Bytes → the request, with its transactions when the source is a mapping (pure) one. The cheap
 * refusals come first, each before the work it spares: nesting depth (on the bytes, before parsing),
 * ill-formed or control-character strings, row counts (before any row is validated), then the schema,
 * then the date window (`now`: the moment of the assessment).
 */
export function decodeAssessBody(bytes: Uint8Array, now: Date): Decoded {
  const json = parseGuardedJson(bytes);
  if (json.kind === 'failed') return json;
  const many = countFailure(json.value, {
    transactions: MAX_TRANSACTIONS,
    accounts: 50,
    list: MAX_TRANSACTIONS * 2,
  });
  if (many) return fieldFailure('too_many_transactions', 'Too many rows', many);
  const r = AssessRequestSchema.safeParse(json.value);
  if (!r.success)
    return { kind: 'failed', status: 400, code: 'validation_error', ...zodFailure(r.error, 'request body') };
  const b = r.data;
  const meta: RequestMeta = { customer_ref: b.customer_ref };
  if (b.partner_ref !== undefined) meta.partner_ref = b.partner_ref;
  if (b.callback_url !== undefined) meta.callback_url = b.callback_url;
  if (b.circumstances !== undefined) meta.circumstances = b.circumstances;
  if (b.declared_income !== undefined) meta.declared_income_minor = toMinor(b.declared_income);
  if (b.currency !== undefined) meta.currency = b.currency;
  if (b.proposed_credit !== undefined) meta.proposed_credit = proposedCreditOf(b.proposed_credit);
  if (!b.source) {
    const given = present(b.transactions, 'transactions'); // the schema asks for one of source and transactions
    const outside = dateWindowFailure(
      given.map((t, i) => ({ path: `transactions[${i}].date`, date: t.date })),
      now,
    );
    if (outside) return outside;
    // The native call: GBP unless the request says otherwise; a transaction may only repeat it.
    meta.currency = b.currency ?? DEFAULT_CURRENCY;
    if (b.currency === undefined) meta.currency_defaulted = true;
    const transactions = mapTransactions(given, meta.currency);
    const mismatch = currencyMismatch(transactions, meta, (i) => `transactions[${i}]`);
    if (mismatch) return mismatch;
    const future = nothingToAssess(transactions, now);
    if (future) return future;
    const source: SourceRecord = { type: transactionsAdapter.id, metadata: {}, warnings: [] };
    if (b.accounts?.length)
      source.accounts = b.accounts.map((a) => ({ account_id: a.account_id, type: a.type, holder: a.holder }));
    return { kind: 'decoded', meta, source, transactions };
  }
  const adapter = sourceAdapter(b.source.type);
  if (adapter.dates) {
    const outside = dateWindowFailure(prefixed(adapter.dates(b.source)), now);
    if (outside) return outside;
  }
  // A source that needs the network (fetched now, or analysed by a third party as a job).
  if (adapter.kind !== 'mapping')
    return { kind: 'fetch', meta, source: { type: adapter.id, input: b.source } };
  try {
    const out = adapter.map(b.source);
    const mismatch = currencyMismatch(out.transactions, meta);
    if (mismatch) return mismatch;
    const future = nothingToAssess(out.transactions, now);
    if (future) return future;
    const source: SourceRecord = { type: adapter.id, metadata: out.metadata, warnings: out.warnings };
    if (out.accounts?.length) source.accounts = out.accounts;
    return { kind: 'decoded', meta, source, transactions: out.transactions };
  } catch (e) {
    if (e instanceof SourceInputError) return failure(e.code, `Invalid source (${adapter.id}): ${e.message}`);
    throw e;
  }
}

function* prefixed(
  dates: Iterable<{ path: string; date: string }>,
): Iterable<{ path: string; date: string }> {
  for (const d of dates) yield { path: `source.${d.path}`, date: d.date };
}
