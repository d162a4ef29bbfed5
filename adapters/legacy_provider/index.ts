/**
 * `legacy_provider`: the legacy affordability provider (openapi/providers/legacy-provider.yaml) called as
 * a third-party analysis provider (adapters/analysis.ts). The lender sends either its customer's
 * transactions in the Veqtrx format — the gateway creates an application with the lender's application
 * config, prefills the applicant's personal information when given, uploads the transactions as BYOD
 * accounts, then polls the analysis — or `{"application_id"}` of an application it already has there.
 *
 *   {"type": "legacy_provider", "transactions": [...], "currency"?: "ZAR", "application_config_id"?,
 *    "redirect_url"?, "personal_info"?, "accounts"?: [{account_id, account_number?, ...}], "time_zone"?}
 *   {"type": "legacy_provider", "application_id": "5eb7cf5a86d9755df3a6c593", "time_zone"?}
 *
 * - **Submitting twice** for one `ctx.reference` finds the first application: its `applicant_id` is derived
 *   from the partner and the reference (24 hex digits, the form of the page's ids), and an earlier application
 *   for that applicant is looked up in the organisation's list before one is created; the upload is sent
 *   again only when the application holds no data yet (its statements summary is empty).
 * - **Polling** reads affordability, income analysis, risk insights, expense insights and the labelled
 *   transactions; any of them still being computed (202, 404 or 409 — the page does not say how the
 *   provider answers while it works: the spec's assumption) is "pending", with its Retry-After. A 400 is
 *   the provider's refusal to analyse: the analysis failed, in its words.
 * - **Credentials**: the organisation's `username` and `password` (OAuth2 password flow, token cached per
 *   credential), or a long-lived `api_key` sent as the bearer token; `base_url`; optionally the default
 *   `application_config_id` and `redirect_url`. The provider describes no webhooks: there is no
 *   webhook secret, and the gateway polls.
 * Messages name the provider and never hold a credential, a token or an account number.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isRecord } from '../../src/lib/narrow.ts';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { type AnalysisContext, type AnalysisProvider, type AnalysisRef, type PollStep } from '../analysis.ts';
import { LabelledTransactionsSchema } from '../labelled_transactions/index.ts';
import { malformed, providerBaseUrl, providerReason, refusal } from '../provider-common.ts';
import { ProviderHttp, TokenCache, retryAfterMs, type BearerToken } from '../provider-http.ts';
import { MAX_TRANSACTIONS, isoCurrency, isoDate, money, opt, printableToken, timeZone } from '../schema.ts';
import { SourceError } from '../source.ts';
import { TransactionSchema } from '../transactions/index.ts';
import type { components } from './generated.ts';
import { LEGACY_DEFAULT_CURRENCY, normaliseLegacy, toByodRequest, type LegacyResult } from './map.ts';
import {
  WireAffordability,
  WireApplication,
  WireExpenses,
  WireIncome,
  WireRisk,
  WireStatements,
  WireToken,
} from './wire.ts';

export { toByodRequest, normaliseLegacy, type LegacyResult } from './map.ts';

export const LEGACY_PROVIDER = { id: 'legacy_provider', name: 'The legacy provider' } as const;
const PROVIDER = { name: LEGACY_PROVIDER.name, badResponse: 'provider_bad_response' as const };
const CREDENTIALS_HINT =
  'an administrator must store valid credentials for the legacy provider (its username and password, or its API key)';

/** A token the provider issues without `expires_in` is used for this long (the spec's assumption). */
export const DEFAULT_TOKEN_TTL_MS = 15 * 60_000;
/** Applications looked through (pages of 100) for an earlier submission before a new one is created. */
export const LOOKUP_PAGES = 50;
const PAGE = 100;

const PersonalInfoSchema = z.object({
  first_names: z.string().trim().min(2).max(24),
  last_names: z.string().trim().min(2).max(24),
  date_of_birth: isoDate,
  nationality: z.string().trim().min(1).max(100),
  id_type: z.string().trim().min(1).max(100),
  id_country: z.string().trim().min(1).max(100),
  email: z.string().trim().email().max(320),
  phone: opt(z.string().trim().min(1).max(30)),
  gov_id: z.string().trim().min(7).max(13),
});

const UploadAccountSchema = z.object({
  account_id: z.string().trim().min(1).max(100),
  account_number: opt(z.string().trim().min(1).max(64)),
  account_name: opt(z.string().trim().min(1).max(200)),
  account_type: opt(z.string().trim().min(1).max(100)),
  bank_slug: opt(z.string().trim().min(1).max(100)),
  account_holder_name: opt(z.string().trim().min(1).max(200)),
  balance: opt(money(-100_000_000, 100_000_000)),
});

const SUBMIT_ONLY = [
  'transactions',
  'currency',
  'application_config_id',
  'redirect_url',
  'personal_info',
  'accounts',
] as const;

export const LegacyProviderSourceSchema = z
  .object({
    type: z.literal('legacy_provider'),
    /** An application the lender already has at the provider: attach to it, upload nothing. */
    application_id: opt(z.string().trim().pipe(printableToken(100))),
    /** The customer's transactions, Veqtrx format (major units, positive = money out). */
    transactions: opt(z.array(TransactionSchema).min(1).max(MAX_TRANSACTIONS)),
    /** The transactions' currency (the provider's market is South Africa: ZAR by default). */
    currency: opt(isoCurrency),
    application_config_id: opt(z.string().trim().pipe(printableToken(100))),
    redirect_url: opt(z.string().url().max(2000)),
    personal_info: opt(PersonalInfoSchema),
    accounts: opt(z.array(UploadAccountSchema).max(50)),
    time_zone: timeZone('Africa/Johannesburg'),
  })
  .superRefine((s, ctx) => {
    if (s.application_id === undefined && s.transactions === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['transactions'],
        message: 'is required unless application_id names an existing application',
      });
    if (s.application_id !== undefined)
      for (const k of SUBMIT_ONLY)
        if (s[k] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: 'must not be sent with application_id (the application already has its data)',
          });
    const currency = s.currency ?? LEGACY_DEFAULT_CURRENCY;
    s.transactions?.forEach((t, i) => {
      if (t.currency !== undefined && t.currency !== currency)
        ctx.addIssue({
          code: 'custom',
          path: ['transactions', i, 'currency'],
          message: `must be the source's currency (${currency}): one assessment is one currency`,
        });
    });
  });

export type LegacyProviderInput = z.output<typeof LegacyProviderSourceSchema>;

export const LegacyProviderCredentialsSchema = z
  .object({
    base_url: providerBaseUrl,
    username: opt(z.string().min(1).max(500)),
    password: opt(z.string().min(1).max(500)),
    api_key: opt(z.string().min(1).max(2000)),
    application_config_id: opt(printableToken(100)),
    redirect_url: opt(z.string().url().max(2000)),
  })
  .superRefine((c, ctx) => {
    const password = c.username !== undefined && c.password !== undefined;
    if (password === (c.api_key !== undefined) || (c.username === undefined) !== (c.password === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['api_key'],
        message: 'give either username and password, or api_key',
      });
  });

export type LegacyProviderCredentials = z.output<typeof LegacyProviderCredentialsSchema>;

const tokens = new TokenCache();
/** Forgets every cached token (tests). */
export const clearLegacyTokenCache = (): void => tokens.clear();

/** The applicant id an analysis is created under: stable per partner and reference, 24 hex digits. */
export const applicantIdFor = (partnerId: string, reference: string): string =>
  createHash('sha256').update(`veqtrx\u0000${partnerId}\u0000${reference}`).digest('hex').slice(0, 24);

function credentialsOf(ctx: AnalysisContext): LegacyProviderCredentials {
  const c = LegacyProviderCredentialsSchema.safeParse(ctx.credentials);
  if (!c.success)
    throw new SourceError(
      422,
      'This partner has no usable credentials for the legacy provider; an administrator stores them (base_url, and username and password or api_key)',
      'provider_not_configured',
    );
  return c.data;
}

/** The provider over HTTP: the bearer token (fetched, cached, refreshed once on a 401) and one call. */
class LegacyClient {
  private readonly http: ProviderHttp;

  constructor(
    private readonly creds: LegacyProviderCredentials,
    ctx: AnalysisContext,
  ) {
    this.http = new ProviderHttp(LEGACY_PROVIDER, creds.base_url, ctx.runtime);
  }

  private parts(): string[] {
    return [this.creds.base_url, this.creds.username ?? '', this.creds.password ?? ''];
  }

  private async bearer(): Promise<string> {
    if (this.creds.api_key !== undefined) return this.creds.api_key;
    return tokens.get(this.parts(), () => this.fetchToken());
  }

  private async fetchToken(): Promise<BearerToken> {
    const form = new URLSearchParams({
      grant_type: 'password',
      username: this.creds.username ?? '',
      password: this.creds.password ?? '',
    });
    const res = await this.http.call('the token', {
      method: 'POST',
      url: '/token',
      data: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 422)
      throw new SourceError(
        502,
        `${PROVIDER.name} refused this partner's username and password (HTTP ${res.status}); ${CREDENTIALS_HINT}`,
        'provider_credentials_refused',
      );
    if (res.status !== 200) throw refusal(PROVIDER, 'the token', res.status, undefined, CREDENTIALS_HINT);
    const t = WireToken.safeParse(res.data);
    if (!t.success) throw malformed(PROVIDER, 'the token');
    return {
      value: t.data.access_token,
      expiresAt: Date.now() + (t.data.expires_in ? t.data.expires_in * 1000 : DEFAULT_TOKEN_TTL_MS),
    };
  }

  /** One call with the bearer token; a 401 with a password-flow token refreshes it once. */
  async request(what: string, config: AxiosRequestConfig): Promise<AxiosResponse> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.bearer();
      const res = await this.http.call(what, {
        ...config,
        headers: { ...(isRecord(config.headers) ? config.headers : {}), authorization: `Bearer ${token}` },
      });
      if (res.status !== 401 || this.creds.api_key !== undefined || refreshed) return res;
      tokens.forget(this.parts(), token);
    }
  }
}

const path = (id: string, rest = '') => `/applications/${encodeURIComponent(id)}${rest}`;

/** An earlier application for `applicant`, looked up page by page; undefined when there is none. */
async function findApplication(
  client: LegacyClient,
  applicant: string,
): Promise<z.output<typeof WireApplication> | undefined> {
  for (let page = 0; page < LOOKUP_PAGES; page++) {
    const res = await client.request('the list of applications', {
      method: 'GET',
      url: '/applications',
      params: { skip: page * PAGE, limit: PAGE },
    });
    if (res.status !== 200)
      throw refusal(PROVIDER, 'the list of applications', res.status, res.data, CREDENTIALS_HINT);
    const list = z.array(WireApplication).safeParse(res.data);
    if (!list.success) throw malformed(PROVIDER, 'the list of applications');
    const found = list.data.find((a) => a.applicant === applicant);
    if (found) return found;
    if (list.data.length < PAGE) return undefined;
  }
  return undefined;
}

/** Whether the application already holds uploaded accounts (an earlier run of submit got that far). */
async function hasData(client: LegacyClient, id: string): Promise<boolean> {
  const res = await client.request('the statements', { method: 'GET', url: path(id, '/statements') });
  if (res.status === 404) return false;
  if (res.status !== 200) throw refusal(PROVIDER, 'the statements', res.status, res.data, CREDENTIALS_HINT);
  const s = WireStatements.safeParse(res.data);
  if (!s.success) throw malformed(PROVIDER, 'the statements');
  return (s.data.accounts_summary ?? []).some((a) => (a.total_transactions ?? 1) > 0);
}

function stringRef(ref: AnalysisRef, key: string): string {
  const v = ref[key];
  if (typeof v !== 'string' || v === '') throw new Error(`the analysis reference has no ${key}`);
  return v;
}

/** The result endpoints, in the order they are read. */
const RESULTS = [
  ['affordability', 'the affordability', '/affordability'],
  ['income_analysis', 'the income analysis', '/income-analysis'],
  ['risk_insights', 'the risk insights', '/risk-insights'],
  ['expense_insights', 'the expense insights', '/expense-insights'],
  ['labelled', 'the labelled transactions', '/labelled-transactions'],
] as const;

type Key = (typeof RESULTS)[number][0];

export const legacyProvider: AnalysisProvider<LegacyProviderInput, LegacyProviderCredentials, LegacyResult> =
  {
    id: 'legacy_provider',
    kind: 'analysis',
    provider: PROVIDER,
    schema: LegacyProviderSourceSchema,
    credentials: LegacyProviderCredentialsSchema,
    deadlineMs: 20 * 60_000,
    pollBaseMs: 5_000,

    async submit(input, ctx): Promise<AnalysisRef> {
      const creds = credentialsOf(ctx);
      const client = new LegacyClient(creds, ctx);
      if (input.application_id !== undefined) {
        const res = await client.request('the application', {
          method: 'GET',
          url: path(input.application_id),
        });
        if (res.status === 404 || res.status === 422)
          throw new SourceError(
            400,
            `${PROVIDER.name} has no application with this application_id (HTTP ${res.status}); send the id its Create Application answered`,
            'invalid_source',
          );
        if (res.status !== 200)
          throw refusal(PROVIDER, 'the application', res.status, res.data, CREDENTIALS_HINT);
        const app = WireApplication.safeParse(res.data);
        if (!app.success) throw malformed(PROVIDER, 'the application');
        return { application_id: app.data.id, time_zone: input.time_zone, attached: true };
      }
      const transactions = input.transactions ?? [];
      const currency = input.currency ?? LEGACY_DEFAULT_CURRENCY;
      const applicant = applicantIdFor(ctx.partnerId, ctx.reference);
      let app = await findApplication(client, applicant);
      let fresh = false;
      if (!app) {
        const redirect = input.redirect_url ?? creds.redirect_url ?? ctx.callbackUrl;
        if (!redirect)
          throw new SourceError(
            422,
            `${PROVIDER.name} requires a redirect_url for every application: send one in the source, or store one with the partner's credentials`,
            'provider_not_configured',
          );
        const body: components['schemas']['CreateApplication'] = {
          application_config_id: input.application_config_id ?? creds.application_config_id ?? null,
          applicant_id: applicant,
          redirect_url: redirect,
        };
        const res = await client.request('a new application', {
          method: 'POST',
          url: '/applications',
          data: body,
        });
        if (res.status === 404)
          throw new SourceError(
            422,
            `${PROVIDER.name} has no such application config (HTTP 404); send an application_config_id it knows, or none for its default`,
            'provider_request_refused',
          );
        if (res.status !== 201 && res.status !== 200)
          throw refusal(PROVIDER, 'a new application', res.status, res.data, CREDENTIALS_HINT);
        const created = WireApplication.safeParse(res.data);
        if (!created.success) throw malformed(PROVIDER, 'a new application');
        app = created.data;
        fresh = true;
      }
      if (input.personal_info) {
        const body: components['schemas']['PersonalInfo'] = { ...input.personal_info };
        const res = await client.request('the personal information', {
          method: 'POST',
          url: path(app.id, '/personal-info'),
          data: body,
        });
        if (res.status !== 200 && res.status !== 201)
          throw refusal(PROVIDER, 'the personal information', res.status, res.data, CREDENTIALS_HINT);
      }
      if (fresh || !(await hasData(client, app.id))) {
        const res = await client.request('the BYOD upload', {
          method: 'POST',
          url: path(app.id, '/byod'),
          data: toByodRequest(transactions, currency, input.accounts),
        });
        if (res.status !== 200 && res.status !== 201)
          throw refusal(PROVIDER, 'the BYOD upload', res.status, res.data, CREDENTIALS_HINT);
      }
      return {
        application_id: app.id,
        time_zone: input.time_zone,
        currency,
        uploaded: transactions.length,
        attached: false,
      };
    },

    async poll(ref, ctx): Promise<PollStep<LegacyResult>> {
      const id = stringRef(ref, 'application_id');
      const timeZone = typeof ref.time_zone === 'string' ? ref.time_zone : 'Africa/Johannesburg';
      const client = new LegacyClient(credentialsOf(ctx), ctx);
      const bodies = new Map<Key, unknown>();
      for (const [key, what, rest] of RESULTS) {
        const res = await client.request(what, { method: 'GET', url: path(id, rest) });
        if (res.status === 202 || res.status === 404 || res.status === 409) {
          const after = retryAfterMs(res.headers['retry-after'], Date.now());
          return {
            state: 'pending',
            providerStatus: `${what}: not ready (HTTP ${res.status})`,
            ...(after !== undefined ? { retryAfterMs: after } : {}),
          };
        }
        if (res.status === 400) {
          const reason = providerReason(res.data);
          return {
            state: 'failed',
            providerStatus: `${what}: refused (HTTP 400)`,
            reason: `${PROVIDER.name} would not produce ${what} for this application${reason ? `: "${reason}"` : ''}`,
          };
        }
        if (res.status !== 200) throw refusal(PROVIDER, what, res.status, res.data, CREDENTIALS_HINT);
        bodies.set(key, res.data);
      }
      const read = <T>(schema: z.ZodType<T>, key: Key, what: string): T => {
        const r = schema.safeParse(bodies.get(key));
        if (!r.success) throw malformed(PROVIDER, what);
        return r.data;
      };
      const labelledBody = bodies.get('labelled');
      if (!Array.isArray(labelledBody)) throw malformed(PROVIDER, 'the labelled transactions');
      const count = labelledBody.reduce<number>(
        (n, a) => n + (isRecord(a) && Array.isArray(a.transactions) ? a.transactions.length : 0),
        0,
      );
      let labelled: LegacyResult['labelled'] = null;
      if (count > 0) {
        const parsed = LabelledTransactionsSchema.safeParse({
          type: 'labelled_transactions',
          accounts: labelledBody,
          time_zone: timeZone,
        });
        if (!parsed.success) {
          const first = parsed.error.issues[0];
          const where = first ? ` (${first.path.join('.')}: ${first.message})` : '';
          throw new SourceError(
            502,
            `${PROVIDER.name} returned labelled transactions the gateway cannot read${where}; retry later, and tell support if it persists`,
            PROVIDER.badResponse,
          );
        }
        labelled = parsed.data;
      }
      return {
        state: 'done',
        providerStatus: 'complete',
        result: {
          application_id: id,
          labelled,
          affordability: read(WireAffordability, 'affordability', 'the affordability'),
          income: read(WireIncome, 'income_analysis', 'the income analysis'),
          risk: read(WireRisk, 'risk_insights', 'the risk insights'),
          expenses: read(WireExpenses, 'expense_insights', 'the expense insights'),
          raw: {
            affordability: bodies.get('affordability'),
            income_analysis: bodies.get('income_analysis'),
            risk_insights: bodies.get('risk_insights'),
            expense_insights: bodies.get('expense_insights'),
          },
        },
      };
    },

    normalise(result, input, ref) {
      return normaliseLegacy(result, {
        currency: typeof ref.currency === 'string' ? ref.currency : input.currency,
        uploaded: typeof ref.uploaded === 'number' ? ref.uploaded : undefined,
      });
    },
  };
