/**
 * Third-party analysis providers (issue 14): a lender that already pays another provider for an
 * analysis sends the customer's data (or the id of an analysis it already started) as a `source` of
 * `POST /assess`; the gateway submits it to the provider on the lender's behalf, polls until the provider
 * is done — minutes, across restarts and replicas, as a durable job — and normalises what comes back:
 * transactions (when the provider returns them) feed the engine like any other source; the provider's
 * own figures and scores go into the evidence as `third_party`, beside ours.
 *
 * An `AnalysisProvider` is the provider-specific half: how to submit, how to ask how it is going, how to
 * read the answer. The durable half — the job, its backoff and deadline, the charge, the webhook — is one
 * mechanism for every provider (src/services/analyses.ts) and never appears in an adapter.
 *
 * Rules for an adapter:
 * - Every call goes through `ctx.runtime` (the provider's bottleneck limiter, Redis-shared with
 *   REDIS_URL, and its per-call timeout); an adapter never calls `fetch`/axios on its own.
 * - `submit` must be safe to run twice for one `ctx.reference` (a crash between the provider's answer
 *   and the gateway's commit runs it again): use the provider's own idempotency or unique identifier with
 *   the reference, or look the earlier submission up, so a retry finds the analysis rather than starting a
 *   second one (and paying for it twice).
 * - `poll` only reads. A provider that is busy, rate-limited (429, honour `Retry-After`), failing (5xx)
 *   or silent throws `ProviderUnavailable` — the mechanism tries again later, within the deadline; a
 *   refusal that trying again cannot fix (4xx: bad credentials, out of credits, a malformed request) throws
 *   `SourceError` and ends the job at no charge, with the message shown to the partner.
 * - `normalise` is pure (no I/O, no clock): the provider's answer in, the one model out.
 * - Credentials, tokens and the provider's raw request never appear in a message, a log or the evidence.
 */
import type { z } from 'zod';
import type { AccountFacts } from '../src/model/accounts.ts';
import type { Transaction } from '../src/model/transaction.ts';
import type { ErrorCode } from '../src/lib/errors.ts';
import type { ProviderRuntime } from './runtime.ts';

import type { AnalysisProviderId, ThirdPartyVerdict } from '../src/model/third-party.ts';

export type { AnalysisProviderId, ThirdPartyFigures, ThirdPartyVerdict } from '../src/model/third-party.ts';

/** What a provider call may use. */
export interface AnalysisContext {
  partnerId: string;
  /** The gateway's clock (the assessment's date). */
  now: Date;
  /** The partner's stored credentials for this provider, parsed by the adapter's `credentials` schema. */
  credentials: unknown;
  /** Outbound-call policy: the provider's limiter, timeouts, retries of one call. */
  runtime: ProviderRuntime;
  /**
   * The gateway's own id for this analysis (the job id): stable across retries and restarts, unique per
   * partner. Use it as the provider's idempotency key / external reference / custom identifier.
   */
  reference: string;
  /** Where the provider may call back to short-cut the wait (when the gateway has a public URL). */
  callbackUrl?: string;
}

/**
 * What the gateway keeps between two polls: the provider's ids (analysis id, job id, customer id…), as
 * plain JSON. Stored with the job; never holds a credential or a token.
 */
export type AnalysisRef = Readonly<Record<string, string | number | boolean | null>>;

/** One look at the provider's analysis. */
export type PollStep<R> =
  | {
      state: 'pending';
      /** The provider's own status word (`processing`, `IN_PROGRESS`, AffordAI's numbered state…). */
      providerStatus: string;
      /** When the provider says to look again (its `Retry-After`, an estimate), in milliseconds. */
      retryAfterMs?: number;
    }
  | { state: 'done'; providerStatus: string; result: R }
  | {
      /** The provider ended the analysis without a result (its failure model): not retried, not charged. */
      state: 'failed';
      providerStatus: string;
      /** Shown to the partner: what failed, in the provider's words where it gives any. */
      reason: string;
    };

/** A file the provider produced (the AffordAI PDF), stored and served as `GET /assessment/{id}/documents/{name}`. */
export interface AnalysisDocument {
  /** `[a-z0-9-]{1,80}\.pdf` (the route serves PDFs only) */
  name: string;
  content_type: string;
  bytes: Uint8Array;
}

export interface AnalysisOutput {
  /** The transactions the provider returned or echoed, in the one model (empty when it returns only figures). */
  transactions: Transaction[];
  accounts?: AccountFacts[];
  /** What the provider says about the data (accounts, counts, dates), for the evidence. */
  metadata: Record<string, unknown>;
  /** What the lender should know about the mapping. */
  warnings: string[];
  third_party: ThirdPartyVerdict;
  documents?: AnalysisDocument[];
}

/** A provider's webhook, verified: which analysis it is about (the mechanism then polls it at once). */
export interface AnalysisWebhook<C> {
  /**
   * Verifies the call (signature with the partner's stored secret, constant-time) and returns the
   * provider's analysis id it names, or undefined when the call is not genuine or not about an analysis.
   */
  verify(
    headers: Readonly<Record<string, string | undefined>>,
    rawBody: Uint8Array,
    credentials: C,
  ): string | undefined;
}

export interface AnalysisProvider<I = unknown, C = unknown, R = unknown> {
  readonly id: AnalysisProviderId;
  readonly kind: 'analysis';
  /** The provider as the partner knows it ("the document API"), and the code of its wrong answers. */
  readonly provider: { name: string; badResponse: ErrorCode };
  /** The `source` variant of `POST /assess` (its `type` is `id`): the data to submit, or an existing analysis to attach to. */
  readonly schema: z.ZodType<I>;
  /** The credentials a partner stores for this provider (sealed at rest, never returned). */
  readonly credentials: z.ZodType<C>;
  /**
   * The dates of the input that the accepted date window applies to (as `SourceAdapter.dates`): the
   * request decoder refuses the request (400 naming the path) when one is outside.
   */
  dates?(input: I): Iterable<{ path: string; date: string }>;
  /** The whole analysis must end within this (submission to result), unless the partner configures another. */
  readonly deadlineMs: number;
  /** How long to wait before the first poll, and the base of the backoff between polls. */
  readonly pollBaseMs: number;
  /** Starts the analysis (or finds the one `input` names, or the one an earlier run of `reference` started). */
  submit(input: I, ctx: AnalysisContext): Promise<AnalysisRef>;
  poll(ref: AnalysisRef, ctx: AnalysisContext): Promise<PollStep<R>>;
  /** Fetches what the result refers to but does not hold (the AffordAI PDF), once the poll said done. */
  collect?(ref: AnalysisRef, result: R, ctx: AnalysisContext): Promise<AnalysisDocument[]>;
  normalise(result: R, input: I, ref: AnalysisRef): AnalysisOutput;
  /**
   * For a provider that returns figures only: a fetching source (its `type` and `source` object) the
   * gateway reads the customer's transactions from itself, so that the assessment has figures of its
   * own beside the provider's (ValidiFI INSIGHTS → the account's CONNECT history).
   */
  transactionsFrom?(input: I): { type: string; input: unknown } | undefined;
  readonly webhook?: AnalysisWebhook<C>;
}

/**
 * The provider could not be asked right now — 429, 5xx, a timeout, a dropped connection — and asking
 * again later may work: the mechanism retries, after `retryAfterMs` when the provider said (Retry-After),
 * else with its own backoff, until the deadline.
 */
export class ProviderUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderUnavailable';
  }
}
