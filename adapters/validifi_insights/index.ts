/**
 * `validifi_insights`: ValidiFI's INSIGHTS products — BankQUALIFY (1), BankVERIFY+ (2), BankLOGIN+ (3) —
 * run on an account ValidiFI holds (its CONNECT account token, as the `validifi` source takes it), and
 * optionally the AffordAI PDF report of a BankLOGIN+ inquiry, called as a third-party analysis provider
 * (adapters/analysis.ts) with the partner's stored ValidiFI client credentials.
 *
 *   {"type": "validifi_insights", "product": "BankLOGIN+", "account_token": "…", "affordai": true,
 *    "offer_amount"?, "payment_amount"?, "terms"?, "consumer"?, "affordai_simulate"?, "show_pii"?}
 *   {"type": "validifi_insights", "product": "BankLOGIN+", "inquiry_id": "…", "affordai"?: true}  (attach an inquiry)
 *   {"type": "validifi_insights", "report_id": "…", "inquiry_id"?: "…"}                          (attach a report)
 *
 * What each product needs (ValidiFI's page: BankQUALIFY's "six simple attributes", BankVERIFY+'s "routing
 * and account numbers and a few pieces of PII", BankLOGIN+'s transaction data): every product the
 * account; BankQUALIFY and BankVERIFY+ the offer amount, payment amount and terms, and the consumer's
 * name (BankVERIFY+ also an email, phone or address); BankLOGIN+ nothing more (the account's CONNECT
 * data). AffordAI needs a successful BankLOGIN+ (2.0 or above) inquiry.
 *
 * The flow:
 * - `submit` gets the token (client credentials, TokenCache per credential), runs the product with
 *   `referenceId` = the gateway's reference and `refresh` false — so a second run finds the same inquiry
 *   (the spec's assumption) — and, with `affordai`, requests the report once the inquiry has succeeded.
 *   An inquiry still analysing (202) when a report is wanted makes `submit` a ProviderUnavailable: the
 *   mechanism runs it again later, and it finds the inquiry and requests the report then.
 * - `poll` reads the inquiry (202: pending) and the report through its numbered states: rendering (202)
 *   is pending; statusCode 1 or 2 done; 3 (the request) or 4 (a dependency) failed, with its error codes.
 * - `collect` fetches the report's file and returns it as `affordai-report.pdf` (none for a simulated one).
 * - `normalise` maps the product's figures and verdicts (adapters/validifi_insights/map.ts).
 * Messages name ValidiFI and never hold a credential, a token or the account token.
 */
import { z } from 'zod';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { isRecord } from '../../src/lib/narrow.ts';
import {
  ProviderUnavailable,
  type AnalysisContext,
  type AnalysisDocument,
  type AnalysisProvider,
  type AnalysisRef,
  type PollStep,
} from '../analysis.ts';
import { malformed, refusal } from '../provider-common.ts';
import { ProviderHttp, TokenCache, retryAfterMs, type BearerToken } from '../provider-http.ts';
import { PRINTABLE, isoDate, money, opt, printableToken } from '../schema.ts';
import { SourceError } from '../source.ts';
import type { ValidifiCredentials } from '../validifi/client.ts';
import { ValidifiCredentialsSchema, ValidifiSourceSchema } from '../validifi/index.ts';
import type { components } from '../validifi/generated.ts';
import {
  PRODUCTS,
  WireAffordAI,
  WireInsights,
  errorsOf,
  normaliseInsights,
  resultOf,
  statusWord,
  type AffordAI,
  type Insights,
  type InsightsAnalysis,
  type Product,
} from './map.ts';

export { normaliseInsights, type InsightsAnalysis } from './map.ts';

const VALIDIFI = { id: 'validifi', name: 'ValidiFI' } as const;
const PROVIDER = { name: 'ValidiFI', badResponse: 'validifi_bad_response' as const };
const CREDENTIALS_HINT =
  "check the partner's ValidiFI client credentials, and that ValidiFI has this gateway's IP address on its allow-list (production)";
/** The report's file name in the gateway (GET /assessment/{id}/documents/{name}). */
export const AFFORDAI_DOCUMENT = 'affordai-report.pdf';

const Consumer = z.object({
  first_name: z.string().trim().min(1).max(100),
  last_name: z.string().trim().min(1).max(100),
  email: opt(z.string().trim().email().max(320)),
  phone: opt(z.string().trim().min(7).max(30)),
  date_of_birth: opt(isoDate),
  address: opt(
    z.object({
      line1: z.string().trim().min(1).max(200),
      line2: opt(z.string().trim().max(200)),
      city: z.string().trim().min(1).max(100),
      state: z.string().trim().min(2).max(50),
      zip: z.string().trim().min(3).max(20),
    }),
  ),
});

const amount = opt(money(0.01, 10_000_000));

export const ValidifiInsightsSourceSchema = z
  .object({
    type: z.literal('validifi_insights'),
    product: opt(z.enum(['BankQUALIFY', 'BankVERIFY+', 'BankLOGIN+'])),
    /** The ValidiFI CONNECT account token (as the `validifi` source takes it). */
    account_token: opt(
      z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(200)
        .regex(PRINTABLE, 'must be printable ASCII without spaces'),
    ),
    /** An INSIGHTS inquiry the lender already ran: attach to it. */
    inquiry_id: opt(z.string().trim().pipe(printableToken(100))),
    /** An AffordAI report the lender already requested: attach to it. */
    report_id: opt(z.string().trim().pipe(printableToken(100))),
    offer_amount: amount,
    payment_amount: amount,
    terms: opt(z.enum(['daily_oblig', 'weekly_oblig', 'biweekly_oblig', 'monthly_oblig'])),
    consumer: opt(Consumer),
    /** Also request the AffordAI PDF report (BankLOGIN+ only). */
    affordai: z.boolean().default(false),
    /** ValidiFI's `simulate`: the AffordAI error code to simulate (0: a success without a full report). Sandbox testing. */
    affordai_simulate: opt(z.number().int().min(0).max(15)),
    /** `customization.showPII`: false redacts the consumer's name, address, phone and email on the PDF. */
    show_pii: opt(z.boolean()),
  })
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (s.report_id !== undefined) {
      if (s.account_token !== undefined) issue('account_token', 'must not be sent with report_id');
      if (s.product !== undefined && s.product !== 'BankLOGIN+')
        issue('product', 'an AffordAI report is of a BankLOGIN+ inquiry');
      return;
    }
    if (s.product === undefined) issue('product', 'is required: BankQUALIFY, BankVERIFY+ or BankLOGIN+');
    if ((s.account_token === undefined) === (s.inquiry_id === undefined))
      issue(
        'account_token',
        'give either account_token (run the product) or inquiry_id (attach an inquiry), or report_id',
      );
    if (s.affordai && s.product !== undefined && s.product !== 'BankLOGIN+')
      issue('affordai', 'AffordAI reports are made from BankLOGIN+ inquiries only');
    if (s.affordai_simulate !== undefined && !s.affordai) issue('affordai_simulate', 'needs affordai: true');
    if (s.account_token === undefined) return;
    if (s.product === 'BankQUALIFY' || s.product === 'BankVERIFY+') {
      for (const k of ['offer_amount', 'payment_amount', 'terms', 'consumer'] as const)
        if (s[k] === undefined) issue(k, `is required for ${s.product}`);
      if (
        s.product === 'BankVERIFY+' &&
        s.consumer &&
        !s.consumer.email &&
        !s.consumer.phone &&
        !s.consumer.address
      )
        issue('consumer', 'needs an email, phone or address for BankVERIFY+');
    }
  });

export type ValidifiInsightsInput = z.output<typeof ValidifiInsightsSourceSchema>;

/** The ValidiFI client credentials the gateway already stores for the partner (ValidifiCredentials). */
export const ValidifiInsightsCredentialsSchema = ValidifiCredentialsSchema;

const tokens = new TokenCache();
/** Forgets every cached token (tests). */
export const clearInsightsTokenCache = (): void => tokens.clear();

function credentialsOf(ctx: AnalysisContext): ValidifiCredentials {
  const c = ValidifiInsightsCredentialsSchema.safeParse(ctx.credentials);
  if (!c.success)
    throw new SourceError(
      422,
      'This partner has no usable ValidiFI credentials; an administrator stores them with PUT /api/admin/partners/{id}/providers/validifi',
      'provider_not_configured',
    );
  return c.data;
}

class InsightsClient {
  private readonly http: ProviderHttp;

  constructor(
    private readonly creds: ValidifiCredentials,
    ctx: AnalysisContext,
  ) {
    this.http = new ProviderHttp(VALIDIFI, creds.base_url, ctx.runtime);
  }

  private parts(): string[] {
    return [this.creds.base_url.replace(/\/+$/, ''), this.creds.client_id, this.creds.client_secret];
  }

  private async fetchToken(): Promise<BearerToken> {
    const body: components['schemas']['TokenRequest'] = {
      clientId: this.creds.client_id,
      clientSecret: this.creds.client_secret,
      grantType: 'client_credentials',
    };
    const res = await this.http.call('the token', { method: 'POST', url: '/v4/token', data: body });
    if (res.status === 400 || res.status === 401 || res.status === 403)
      throw new SourceError(
        502,
        `ValidiFI refused this partner's client credentials (HTTP ${res.status}); ${CREDENTIALS_HINT}`,
        'validifi_credentials_refused',
      );
    if (res.status !== 200) throw refusal(PROVIDER, 'the token', res.status, undefined, CREDENTIALS_HINT);
    const { accessToken, expiresOn } = isRecord(res.data) ? res.data : {};
    const expiresAt = typeof expiresOn === 'string' ? Date.parse(expiresOn) : NaN;
    if (typeof accessToken !== 'string' || !accessToken || Number.isNaN(expiresAt))
      throw malformed(PROVIDER, 'the token');
    return { value: accessToken, expiresAt };
  }

  /** One call with the bearer token; a 401 refreshes it once, then is ValidiFI's refusal. */
  async request(what: string, config: AxiosRequestConfig): Promise<AxiosResponse> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await tokens.get(this.parts(), () => this.fetchToken());
      const res = await this.http.call(what, { ...config, headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 401) return res;
      tokens.forget(this.parts(), token);
      if (refreshed)
        throw new SourceError(
          502,
          `ValidiFI refused a fresh bearer token for ${what} (HTTP 401); ${CREDENTIALS_HINT}`,
          'validifi_unauthorized',
        );
    }
  }
}

const insightsUrl = (productId: number, inquiryId: string) =>
  `/v4/INSIGHTS/${productId}/${encodeURIComponent(inquiryId)}`;
const reportUrl = (reportId: string) => `/v4/AffordAI/${encodeURIComponent(reportId)}`;

const parseInsights = (data: unknown, what: string): Insights => {
  const r = WireInsights.safeParse(data);
  if (!r.success) throw malformed(PROVIDER, what);
  return r.data;
};
const parseReport = (data: unknown, what: string): AffordAI => {
  const r = WireAffordAI.safeParse(data);
  if (!r.success) throw malformed(PROVIDER, what);
  return r.data;
};

/** A refusal with ValidiFI's status module: its status code and errors in the message. */
function refusedWithStatus(what: string, status: number, s: Insights['status']): SourceError {
  const errors = errorsOf(s);
  return new SourceError(
    502,
    `ValidiFI refused ${what} (HTTP ${status}, ${statusWord(s)})${errors.length ? `: ${errors.join('; ')}` : ''}`,
    'provider_request_refused',
  );
}

function insightsRequest(
  input: ValidifiInsightsInput,
  product: Product,
  reference: string,
): components['schemas']['InsightsRequest'] {
  const c = input.consumer;
  return {
    productId: PRODUCTS[product],
    referenceId: reference,
    inquiryId: null,
    account: { accountToken: input.account_token ?? '' },
    ...(input.offer_amount !== undefined ? { offerAmount: input.offer_amount } : {}),
    ...(input.terms !== undefined ? { terms: input.terms } : {}),
    ...(input.payment_amount !== undefined ? { paymentAmount: input.payment_amount } : {}),
    refresh: false,
    ...(c
      ? {
          consumer: {
            firstName: c.first_name,
            lastName: c.last_name,
            ...(c.email ? { email: c.email } : {}),
            ...(c.phone ? { phone: c.phone } : {}),
            ...(c.date_of_birth ? { dateOfBirth: c.date_of_birth } : {}),
            ...(c.address
              ? {
                  address: {
                    addressLine1: c.address.line1,
                    ...(c.address.line2 ? { addressLine2: c.address.line2 } : {}),
                    city: c.address.city,
                    state: c.address.state,
                    zip: c.address.zip,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(product === 'BankLOGIN+' ? { blp: { version: '2.0', dataSource: 'CONNECT' } } : {}),
  };
}

/** Whether an inquiry's answer is a finished, successful one (statusCode 1 or 2, or no status module). */
const succeeded = (i: Insights) => i.status === undefined || i.status.statusCode <= 2;

/** Runs the product (or finds the earlier run); returns the inquiry and whether it is finished. */
async function runInsights(
  client: InsightsClient,
  input: ValidifiInsightsInput,
  product: Product,
  reference: string,
): Promise<{ inquiry: Insights; finished: boolean }> {
  const res = await client.request(`the ${product} inquiry`, {
    method: 'POST',
    url: '/v4/INSIGHTS',
    data: insightsRequest(input, product, reference),
  });
  if (res.status === 400 || res.status === 422) {
    const body = WireInsights.safeParse(res.data);
    if (body.success && body.data.status)
      throw refusedWithStatus(`the ${product} inquiry`, res.status, body.data.status);
  }
  if (res.status !== 200 && res.status !== 202)
    throw refusal(PROVIDER, `the ${product} inquiry`, res.status, res.data, CREDENTIALS_HINT);
  const inquiry = parseInsights(res.data, `the ${product} inquiry`);
  if (!inquiry.inquiryId) throw malformed(PROVIDER, `the ${product} inquiry (no inquiryId)`);
  return { inquiry, finished: res.status === 200 };
}

/** Requests the AffordAI report of a finished BankLOGIN+ inquiry; returns its id. */
async function requestReport(
  client: InsightsClient,
  input: ValidifiInsightsInput,
  blpInquiryId: string,
  reference: string,
): Promise<string> {
  const body: components['schemas']['AffordAIRequest'] = {
    blpInquiryId,
    referenceId: reference.slice(0, 100),
    ...(input.affordai_simulate !== undefined ? { simulate: input.affordai_simulate } : {}),
    ...(input.show_pii !== undefined ? { customization: { showPII: input.show_pii } } : {}),
  };
  const res = await client.request('the AffordAI report', {
    method: 'POST',
    url: '/v4/AffordAI',
    data: body,
  });
  if (res.status === 200 || res.status === 202 || res.status === 400) {
    const r = parseReport(res.data, 'the AffordAI report');
    if (res.status === 400 || (r.status && r.status.statusCode >= 3)) {
      // 4: a dependency of ValidiFI's failed (BankLOGIN+, Power BI, its database): worth asking again later.
      if (r.status?.statusCode === 4)
        throw new ProviderUnavailable(
          `ValidiFI could not make the AffordAI report now (${statusWord(r.status)}: ${errorsOf(r.status).join('; ')})`,
        );
      throw refusedWithStatus('the AffordAI report', res.status, r.status);
    }
    if (!r.reportId) throw malformed(PROVIDER, 'the AffordAI report (no reportId)');
    return r.reportId;
  }
  throw refusal(PROVIDER, 'the AffordAI report', res.status, res.data, CREDENTIALS_HINT);
}

function stringOf(ref: AnalysisRef, key: string): string | undefined {
  const v = ref[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export const validifiInsights: AnalysisProvider<
  ValidifiInsightsInput,
  ValidifiCredentials,
  InsightsAnalysis
> = {
  id: 'validifi_insights',
  kind: 'analysis',
  provider: PROVIDER,
  schema: ValidifiInsightsSourceSchema,
  credentials: ValidifiInsightsCredentialsSchema,
  deadlineMs: 15 * 60_000,
  pollBaseMs: 3_000,

  async submit(input, ctx): Promise<AnalysisRef> {
    try {
      return await submitInsights(input, ctx);
    } catch (e) {
      throw scrub(e, input.account_token);
    }
  },

  async poll(ref, ctx): Promise<PollStep<InsightsAnalysis>> {
    return pollInsights(ref, ctx);
  },

  async collect(ref, result, ctx): Promise<AnalysisDocument[]> {
    return collectReport(result, ctx);
  },

  transactionsFrom(input) {
    // The products return figures only: the gateway's own come from the account's CONNECT history.
    return input.account_token === undefined
      ? undefined
      : {
          type: 'validifi',
          input: ValidifiSourceSchema.parse({ type: 'validifi', account_token: input.account_token }),
        };
  },

  normalise(result, input) {
    return normaliseInsights(result, input.affordai || input.report_id !== undefined);
  },
};

/**
 * The error with the account token taken out of its message: ValidiFI's own words (its status module's
 * descriptions) are passed on to the partner, and a provider may echo what it was sent.
 */
function scrub(e: unknown, secret: string | undefined): unknown {
  if (!secret || !(e instanceof Error) || !e.message.includes(secret)) return e;
  const message = e.message.split(secret).join('[account token]');
  if (e instanceof SourceError) return new SourceError(e.status, message, e.code);
  if (e instanceof ProviderUnavailable) return new ProviderUnavailable(message, e.retryAfterMs);
  return new Error(message);
}

async function submitInsights(input: ValidifiInsightsInput, ctx: AnalysisContext): Promise<AnalysisRef> {
  const client = new InsightsClient(credentialsOf(ctx), ctx);
  const simulated = input.affordai_simulate !== undefined;
  if (input.report_id !== undefined) {
    const res = await client.request('the AffordAI report', {
      method: 'GET',
      url: reportUrl(input.report_id),
    });
    if (res.status === 404)
      throw new SourceError(
        400,
        'ValidiFI has no AffordAI report with this report_id; send the reportId its AffordAI answer held',
        'invalid_source',
      );
    if (![200, 202, 400].includes(res.status))
      throw refusal(PROVIDER, 'the AffordAI report', res.status, res.data, CREDENTIALS_HINT);
    parseReport(res.data, 'the AffordAI report');
    return {
      product_id: PRODUCTS['BankLOGIN+'],
      inquiry_id: input.inquiry_id ?? null,
      report_id: input.report_id,
      simulated: false,
      attached: true,
    };
  }
  const product = input.product ?? 'BankLOGIN+'; // the schema requires it here
  const productId = PRODUCTS[product];
  let inquiryId: string;
  let inquiry: Insights | undefined;
  let finished: boolean;
  if (input.inquiry_id !== undefined) {
    const res = await client.request(`the ${product} inquiry`, {
      method: 'GET',
      url: insightsUrl(productId, input.inquiry_id),
    });
    if (res.status === 404)
      throw new SourceError(
        400,
        `ValidiFI has no ${product} inquiry with this inquiry_id; send the inquiryId its INSIGHTS answer held, with its product`,
        'invalid_source',
      );
    if (res.status !== 200 && res.status !== 202)
      throw refusal(PROVIDER, `the ${product} inquiry`, res.status, res.data, CREDENTIALS_HINT);
    inquiry = parseInsights(res.data, `the ${product} inquiry`);
    inquiryId = input.inquiry_id;
    finished = res.status === 200;
  } else {
    ({ inquiry, finished } = await runInsights(client, input, product, ctx.reference));
    inquiryId = inquiry.inquiryId ?? '';
  }
  let reportId: string | null = null;
  if (input.affordai) {
    if (!finished)
      throw new ProviderUnavailable(
        `ValidiFI is still analysing the ${product} inquiry; the AffordAI report is requested when it is done`,
      );
    if (!succeeded(inquiry)) throw refusedWithStatus(`the ${product} inquiry`, 200, inquiry.status);
    reportId = await requestReport(client, input, inquiryId, ctx.reference);
  }
  return {
    product_id: productId,
    inquiry_id: inquiryId,
    report_id: reportId,
    simulated: simulated && reportId !== null,
    attached: input.inquiry_id !== undefined,
  };
}

async function pollInsights(ref: AnalysisRef, ctx: AnalysisContext): Promise<PollStep<InsightsAnalysis>> {
  const client = new InsightsClient(credentialsOf(ctx), ctx);
  const productId = typeof ref.product_id === 'number' ? ref.product_id : PRODUCTS['BankLOGIN+'];
  const inquiryId = stringOf(ref, 'inquiry_id');
  const reportId = stringOf(ref, 'report_id');
  let inquiry: Insights | null = null;
  let rawInquiry: unknown = null;
  if (inquiryId) {
    const res = await client.request('the INSIGHTS inquiry', {
      method: 'GET',
      url: insightsUrl(productId, inquiryId),
    });
    if (res.status === 202) {
      const after = retryAfterMs(res.headers['retry-after'], Date.now());
      return {
        state: 'pending',
        providerStatus: 'INSIGHTS inquiry analysing (HTTP 202)',
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      };
    }
    if (res.status === 404)
      throw new SourceError(
        502,
        'ValidiFI no longer finds the INSIGHTS inquiry it started; retry, and tell support if it persists',
        PROVIDER.badResponse,
      );
    if (res.status !== 200)
      throw refusal(PROVIDER, 'the INSIGHTS inquiry', res.status, res.data, CREDENTIALS_HINT);
    inquiry = parseInsights(res.data, 'the INSIGHTS inquiry');
    rawInquiry = res.data;
    if (!succeeded(inquiry))
      return {
        state: 'failed',
        providerStatus: `INSIGHTS ${statusWord(inquiry.status)}`,
        reason: `ValidiFI ended the inquiry without a result (${statusWord(inquiry.status)})${errorsOf(inquiry.status).length ? `: ${errorsOf(inquiry.status).join('; ')}` : ''}`,
      };
    if (!resultOf(inquiry)) throw malformed(PROVIDER, 'the INSIGHTS inquiry (no result)');
  }
  let report: InsightsAnalysis['report'] = null;
  if (reportId) {
    const res = await client.request('the AffordAI report', { method: 'GET', url: reportUrl(reportId) });
    if (res.status === 404)
      throw new SourceError(
        502,
        'ValidiFI no longer finds the AffordAI report; retry, and tell support if it persists',
        PROVIDER.badResponse,
      );
    if (![200, 202, 400].includes(res.status))
      throw refusal(PROVIDER, 'the AffordAI report', res.status, res.data, CREDENTIALS_HINT);
    const r = parseReport(res.data, 'the AffordAI report');
    if (res.status === 202 || !r.status) {
      const after = retryAfterMs(res.headers['retry-after'], Date.now());
      return {
        state: 'pending',
        providerStatus: 'AffordAI report rendering (HTTP 202)',
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      };
    }
    if (r.status.statusCode >= 3)
      return {
        state: 'failed',
        providerStatus: `AffordAI ${statusWord(r.status)}`,
        reason: `ValidiFI could not make the AffordAI report (${statusWord(r.status)})${errorsOf(r.status).length ? `: ${errorsOf(r.status).join('; ')}` : ''}`,
      };
    report = {
      reportId,
      referenceId: r.referenceId,
      status: r.status,
      reportName: r.fileData?.reportName,
    };
  }
  return {
    state: 'done',
    providerStatus: report
      ? `AffordAI ${statusWord(report.status)}`
      : `INSIGHTS ${statusWord(inquiry?.status)}`,
    result: { productId, inquiry, rawInquiry, report, simulated: ref.simulated === true },
  };
}

async function collectReport(result: InsightsAnalysis, ctx: AnalysisContext): Promise<AnalysisDocument[]> {
  if (!result.report || result.simulated) return [];
  const client = new InsightsClient(credentialsOf(ctx), ctx);
  const res = await client.request('the AffordAI report file', {
    method: 'GET',
    url: reportUrl(result.report.reportId),
  });
  if (res.status !== 200)
    throw refusal(PROVIDER, 'the AffordAI report file', res.status, res.data, CREDENTIALS_HINT);
  const r = parseReport(res.data, 'the AffordAI report file');
  const b64 = r.fileData?.report;
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64.replace(/\s+/g, '')))
    throw malformed(PROVIDER, 'the AffordAI report file (no base64 report)');
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-')
    throw malformed(PROVIDER, 'the AffordAI report file (not a PDF)');
  return [{ name: AFFORDAI_DOCUMENT, content_type: 'application/pdf', bytes }];
}
