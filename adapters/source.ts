/**
 * The source adapter interface. Every way transaction data reaches the gateway — raw Veqtrx
 * transactions, a legacy provider's output, a stored Plaid response, an aggregator token — is a
 * `SourceAdapter`: it declares its id and the zod schema of its input (the `source` object of
 * `POST /assess`, also described in openapi/partner-v1.yaml) and turns that input into the one
 * transaction model plus metadata and warnings. After that every path is the same: the same engine,
 * the same stored assessment, the same quota unit, the same webhook.
 *
 * Two kinds:
 * - `mapping`: a pure function of the input (no I/O, no clock). It runs in the assessment worker
 *   threads, beside the engine.
 * - `fetching`: needs the network (an aggregator API). It runs on the event loop with a context that
 *   gives it the partner's stored credentials, then its transactions go to the worker.
 *
 * Adapters import the model, never the engine or the store: the engine stays one pure function of the
 * model, and a source never reads or writes the database itself.
 */
import type { z } from 'zod';
import type { AccountFacts } from '../src/model/accounts.ts';
import type { Transaction } from '../src/model/transaction.ts';
import type { ProviderRuntime } from './runtime.ts';
import type { ErrorCode } from '../src/lib/errors.ts';
import type { AnalysisProvider } from './analysis.ts';

export interface SourceOutput {
  transactions: Transaction[];
  /** What the source says about the data (accounts, institution, counts): kept in the evidence. */
  metadata: Record<string, unknown>;
  /** What the lender should know about the mapping (e.g. pending transactions left out). */
  warnings: string[];
  /**
   * What the source states about each account's type and holder, when it states anything: the
   * assessment warns about accounts that are not the customer's own current account (model/accounts.ts).
   */
  accounts?: AccountFacts[];
}

interface Declared<I> {
  /** The `type` of the `source` object, and the adapter's folder name. */
  readonly id: string;
  /** The input, validated before the adapter sees it. */
  readonly schema: z.ZodType<I>;
  /**
   * The dates of the input that the accepted date window (src/model/dates.ts `dateWindow`) applies to,
   * each with its path in the `source` object and as a `YYYY-MM-DD` booking date: the request decoder
   * refuses the request (400 naming the path) when one is outside, the same rule for every source.
   */
  dates?(input: I): Iterable<{ path: string; date: string }>;
}

/** `dates` of a fetching source whose input names its period: its `start_date` and `end_date`, when given. */
export function* periodDates(input: {
  start_date?: string | undefined;
  end_date?: string | undefined;
}): Iterable<{ path: string; date: string }> {
  if (input.start_date) yield { path: 'start_date', date: input.start_date };
  if (input.end_date) yield { path: 'end_date', date: input.end_date };
}

export interface MappingSource<I = unknown> extends Declared<I> {
  readonly kind: 'mapping';
  map(input: I): SourceOutput;
}

/** What a fetching source may use: the partner it works for, their stored credentials, the clock. */
export interface FetchContext {
  partnerId: string;
  now: Date;
  /** The partner's stored credentials for a provider (decrypted), or undefined when none are stored. */
  credentials(provider: string): Promise<unknown>;
  /** Outbound-call policy shared by every fetching source: limiters, timeouts. */
  runtime: ProviderRuntime;
}

export interface FetchingSource<I = unknown> extends Declared<I> {
  readonly kind: 'fetching';
  /** The provider as the partner knows it, for messages that blame it ("ValidiFI"), and the code of its wrong answers. */
  readonly provider: { name: string; badResponse: ErrorCode };
  fetch(input: I, ctx: FetchContext): Promise<SourceOutput>;
}

/** Every kind of source: mapped in the worker, fetched on the event loop, or analysed by a third party (a job). */
export type SourceAdapter<I = unknown> = MappingSource<I> | FetchingSource<I> | AnalysisProvider<I>;

/**
 * A source could not give transactions, with the HTTP status the partner should see: 400/422 their
 * input or configuration, 409 the customer must act (e.g. reconnect their bank), 502 the provider gave
 * a bad or refusing answer, 504 it did not answer in time. The message is shown to the partner, so it
 * names the provider and what to do, and never holds a secret.
 */
export class SourceError extends Error {
  constructor(
    readonly status: 400 | 409 | 422 | 502 | 504,
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/** The last four characters of an account number, for metadata and evidence (never the whole number). */
export const maskAccountNumber = (n: string | undefined): string | null =>
  n && n.trim().length >= 4 ? `••••${n.trim().slice(-4)}` : null;

/** A provider's data that the gateway will not assess as it stands: a 400 naming what is wrong. */
export class SourceInputError extends SourceError {
  constructor(message: string, code: ErrorCode = 'invalid_source') {
    super(400, message, code);
    this.name = 'SourceInputError';
  }
}

/**
 * Rows a provider sent from outside what was asked for (`what`, e.g. "dated outside the period asked for
 * (…)"), by their booking dates: a 502 naming the provider when nothing else came (its wrong answer, not the
 * lender's request), else the warning that says they were left out and the span of their dates.
 */
export function leftOutRows(
  provider: FetchingSource['provider'],
  dates: readonly string[],
  what: string,
  nothingElse: boolean,
): string {
  const sorted = [...dates].sort();
  const span = sorted[0] === sorted.at(-1) ? sorted[0] : `${sorted[0]} to ${sorted.at(-1)}`;
  if (nothingElse) {
    throw new SourceError(
      502,
      `${provider.name} returned ${dates.length} transactions, all ${what}: ${span}; this is ${provider.name}'s answer, not your request: retry later, and tell support if it persists`,
      provider.badResponse,
    );
  }
  return `${dates.length} transactions from ${provider.name} ${what} were left out: ${span}`;
}
