/**
 * `decisioning_api`: the third-party credit-decisioning open-banking API (openapi/providers/
 * decisioning-api-v2.yaml) as an analysis provider (adapters/analysis.ts). A lender that pays for its
 * analyses sends either the customer's transactions — the gateway creates the customer at the provider,
 * uploads the accounts and transactions and polls the analysis until it is COMPLETED — or the ids of an
 * analysis it already started there, which the gateway polls and reads. Either way the provider's
 * transactions feed the engine like any other source and its scores and Credit Insights are kept beside
 * the gateway's verdict (`third_party`).
 *
 * Submitting twice for one reference starts one analysis (`submit` may run again after a crash):
 * - the provider customer's `customIdentifier` is the lender's `customer_identifier`, else the gateway's
 *   reference (its job id). Creating it again answers 422 (unique per identifier); the gateway then looks
 *   it up by its identifier (`GET /v2/customers?filter={"customIdentifier":…}`).
 * - A customer that already existed is asked for its analyses before one is created. On the gateway's
 *   own customer (identifier = reference) any analysis there is this reference's: the newest is used.
 *   On the lender's customer, which may hold the lender's other analyses, one is used only when it holds
 *   exactly the transactions being submitted (their dates, amounts and texts: `fingerprint`) — one the
 *   lender made of the same data is then as good as a new one; otherwise a new analysis is created.
 *   The newest MAX_REUSE_CHECKS analyses are compared.
 *
 * Webhooks: the provider's subscriptions are set up in its console, not per analysis; a partner that
 * points its analysis_completed / analysis_failed subscription at the gateway stores its secret as
 * `webhook_secret`, and the gateway verifies `X-Hub-Signature` (webhook.ts). `ctx.callbackUrl` is not sent.
 */
import { MAX_TRANSACTIONS } from '../schema.ts';
import { SourceError, SourceInputError } from '../source.ts';
import { retryAfterMs } from '../provider-http.ts';
import type { AnalysisContext, AnalysisProvider, AnalysisRef } from '../analysis.ts';
import { DecisioningClient, sentence } from './client.ts';
import {
  DecisioningCredentialsSchema,
  DecisioningSourceSchema,
  isAttach,
  type DecisioningCredentials,
  type DecisioningSourceInput,
} from './input.ts';
import {
  DECISIONING_PROVIDER,
  fingerprint,
  normaliseAnalysis,
  toUpload,
  type DecisioningResult,
} from './map.ts';
import { decisioningWebhook } from './webhook.ts';

export { clearTokenCache } from './client.ts';
export { DecisioningCredentialsSchema, DecisioningSourceSchema } from './input.ts';
export type { DecisioningCredentials, DecisioningSourceInput } from './input.ts';
export type { DecisioningResult } from './map.ts';

/** On the lender's own customer, this many of its newest analyses are compared with the submission. */
export const MAX_REUSE_CHECKS = 5;
/** Submission to result: the provider's analyses take seconds to minutes. */
export const DEADLINE_MS = 20 * 60_000;
/** The first look after submitting, and the base of the backoff between looks. */
export const POLL_BASE_MS = 5_000;

const refString = (ref: AnalysisRef, key: string): string => {
  const v = ref[key];
  if (typeof v !== 'string' || v === '')
    throw new Error(`decisioning_api: the analysis reference has no ${key} (it was not made by submit)`);
  return v;
};

/** A client for one call of the mechanism, with the partner's stored credentials. */
const clientFor = (ctx: AnalysisContext) =>
  new DecisioningClient(DecisioningCredentialsSchema.parse(ctx.credentials), ctx.runtime);

/** An earlier analysis of this submission on an existing customer, if there is one (see the file's doc). */
async function earlierAnalysis(
  client: DecisioningClient,
  customerId: string,
  ours: boolean,
  wanted: string,
): Promise<string | undefined> {
  const analyses = await client.listAnalyses(customerId);
  if (ours) return analyses[0]?.id;
  for (const listed of analyses.slice(0, MAX_REUSE_CHECKS)) {
    const a = listed.accounts?.some((x) => x.transactions)
      ? listed
      : (await client.getAnalysis(customerId, listed.id, false)).analysis;
    if (a.accounts && fingerprint(a.accounts) === wanted) return a.id;
  }
  return undefined;
}

export const decisioningApi: AnalysisProvider<
  DecisioningSourceInput,
  DecisioningCredentials,
  DecisioningResult
> = {
  id: 'decisioning_api',
  kind: 'analysis',
  provider: DECISIONING_PROVIDER,
  schema: DecisioningSourceSchema,
  credentials: DecisioningCredentialsSchema,
  deadlineMs: DEADLINE_MS,
  pollBaseMs: POLL_BASE_MS,

  async submit(input, ctx) {
    const client = clientFor(ctx);
    if (isAttach(input)) {
      // The lender's ids: refused now (404) rather than at the first poll when they name nothing.
      const { analysis } = await client.getAnalysis(input.customer_id, input.analysis_id, true);
      return { customer_id: input.customer_id, analysis_id: analysis.id, attached: true };
    }
    const identifier = input.customer_identifier ?? ctx.reference;
    const upload = toUpload(input);
    const customer = await client.ensureCustomer(identifier);
    const ref = { customer_id: customer.id, custom_identifier: identifier, attached: false };
    if (!customer.created) {
      const earlier = await earlierAnalysis(
        client,
        customer.id,
        identifier === ctx.reference,
        fingerprint(upload.accounts),
      );
      if (earlier) return { ...ref, analysis_id: earlier };
    }
    const analysis = await client.createAnalysis(customer.id, upload);
    return { ...ref, analysis_id: analysis.id };
  },

  async poll(ref, ctx) {
    const client = clientFor(ctx);
    const got = await client.getAnalysis(
      refString(ref, 'customer_id'),
      refString(ref, 'analysis_id'),
      ref.attached === true,
    );
    const { analysis } = got;
    switch (analysis.status) {
      case 'CREATED':
      case 'IN_PROGRESS': {
        const after = retryAfterMs(got.retryAfter, Date.now());
        return after === undefined
          ? { state: 'pending', providerStatus: analysis.status }
          : { state: 'pending', providerStatus: analysis.status, retryAfterMs: after };
      }
      case 'ERROR': {
        const why = [analysis.error?.code, analysis.error?.message]
          .filter((s): s is string => typeof s === 'string' && s.trim() !== '')
          .join(': ')
          .slice(0, 300);
        return {
          state: 'failed',
          providerStatus: analysis.status,
          reason: `${sentence(DECISIONING_PROVIDER.name)} ended the analysis with an error${why ? ` (${why})` : ' and gave no reason'}`,
        };
      }
      case 'COMPLETED':
        // "Once the analysis is finished, you should see scores and creditInsights defined."
        if (analysis.scores === undefined && analysis.creditInsights === undefined)
          throw new SourceError(
            502,
            `${sentence(DECISIONING_PROVIDER.name)} said the analysis is COMPLETED but returned neither scores nor creditInsights; retry later, and tell support if it persists`,
            'provider_bad_response',
          );
        {
          // An analysis the lender started may hold more than one assessment takes.
          const rows = (analysis.accounts ?? []).reduce((k, a) => k + (a.transactions?.length ?? 0), 0);
          if (rows > MAX_TRANSACTIONS)
            throw new SourceInputError(
              `the analysis holds ${rows.toLocaleString('en-GB')} transactions; at most ${MAX_TRANSACTIONS.toLocaleString('en-GB')} in one assessment`,
            );
        }
        return { state: 'done', providerStatus: analysis.status, result: { analysis, raw: got.raw } };
    }
  },

  normalise: (result, input, ref) => normaliseAnalysis(result, input, ref),

  webhook: decisioningWebhook,
};
