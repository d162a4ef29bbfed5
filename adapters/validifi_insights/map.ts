/**
 * ValidiFI INSIGHTS and AffordAI answers as the adapter reads them (openapi/providers/validifi-v4.yaml:
 * the shapes inside the envelopes are this gateway's assumption, `x-assumed` there), and the one mapping
 * of a finished analysis onto a `ThirdPartyVerdict`. When the real payloads differ, this file and the spec
 * change; nothing else reads these fields.
 *
 * - Figures: `monthlyIncome`, `monthlyExpenses`, `excessCash` (disposable) and `recommendedPaymentAmount`
 *   (the affordable payment, made monthly from its frequency: weekly × 52/12, biweekly × 26/12; a daily one
 *   is not made monthly) in the account currency (`currencyCode`, USD when absent) → minor units.
 * - Score: `riskScore`, on ValidiFI's 1–999 scale (higher is riskier).
 * - Risk level: `affordabilityRisk` (Low/Medium/High), else the recommended action (Approve/Review/Decline).
 * - Indicators, in ValidiFI's terms: the account not owned by the applicant, a high fraud risk, NSF returns
 *   and overdrafts in the last 90 days, a closed account.
 * - Transactions: none — the products return figures, not transactions.
 * Pure: no I/O, no clock.
 */
import { z } from 'zod';
import { assertType, type Binds } from '../../src/lib/contract-types.ts';
import { toMinor } from '../../src/model/money.ts';
import type { AnalysisOutput, ThirdPartyFigures } from '../analysis.ts';
import { currencyCode, opt } from '../schema.ts';
import type { components } from '../validifi/generated.ts';

type Schemas = components['schemas'];

export const PRODUCTS = { BankQUALIFY: 1, 'BankVERIFY+': 2, 'BankLOGIN+': 3 } as const;
export type Product = keyof typeof PRODUCTS;
export const productName = (id: number): Product =>
  id === 1 ? 'BankQUALIFY' : id === 2 ? 'BankVERIFY+' : 'BankLOGIN+';

const num = opt(z.number().finite());
const word = <const T extends readonly [string, ...string[]]>(values: T) => opt(z.enum(values));
const TERMS = ['daily_oblig', 'weekly_oblig', 'biweekly_oblig', 'monthly_oblig'] as const;

export const WireStatusError = z.object({ errorCode: z.number().int(), description: opt(z.string()) });
export const WireStatus = z.object({
  statusCode: z.number().int(),
  status: opt(z.string()),
  /** null in the page's success sample. */
  errors: z.array(WireStatusError).nullable().optional(),
});

export const WireInsightsResult = z.object({
  version: opt(z.string()),
  accountOwnership: word(['Match', 'PartialMatch', 'NoMatch', 'Unknown']),
  accountStatus: opt(z.string()),
  fraudRisk: word(['Low', 'Medium', 'High']),
  affordabilityRisk: word(['Low', 'Medium', 'High']),
  riskScore: opt(z.number().min(1).max(999)),
  recommendedAction: word(['Approve', 'Review', 'Decline']),
  reasonCodes: opt(z.array(z.string())),
  currencyCode: opt(currencyCode),
  monthlyIncome: num,
  monthlyExpenses: num,
  excessCash: num,
  recommendedPaymentAmount: num,
  recommendedPaymentFrequency: word(TERMS),
  nsfCount90Days: opt(z.number().int()),
  overdraftCount90Days: opt(z.number().int()),
});

export const WireInsights = z.object({
  inquiryId: opt(z.string().min(1)),
  inquiryDate: opt(z.string()),
  status: opt(WireStatus),
  bqAccountAnalyticsResult: opt(WireInsightsResult),
  bvpAccountAnalyticsResult: opt(WireInsightsResult),
  blpAccountAnalyticsResult: opt(WireInsightsResult),
});

export const WireAffordAIFile = z.object({
  fileExtension: opt(z.string()),
  reportName: opt(z.string()),
  report: opt(z.string()),
});

export const WireAffordAI = z.object({
  reportId: opt(z.string().min(1)),
  referenceId: opt(z.string()),
  status: opt(WireStatus),
  fileData: opt(WireAffordAIFile),
});

export type InsightsResult = z.output<typeof WireInsightsResult>;
export type Insights = z.output<typeof WireInsights>;
export type AffordAI = z.output<typeof WireAffordAI>;
export type StatusModule = z.output<typeof WireStatus>;

assertType<Binds<typeof WireStatus, Schemas['StatusModule'], 'StatusModule'>>();
assertType<Binds<typeof WireInsightsResult, Schemas['InsightsResult'], 'InsightsResult'>>();
assertType<Binds<typeof WireAffordAIFile, Schemas['AffordAIFile'], 'AffordAIFile'>>();

/** The AffordAI status codes, as the page numbers them. */
export const AFFORDAI_STATUS: Readonly<Record<number, string>> = {
  1: 'Success',
  2: 'Success with non-fatal errors',
  3: 'Fatal error from request format',
  4: 'Fatal error from dependency',
};

/** The AffordAI error codes, as the page lists them (14 is not listed). */
export const AFFORDAI_ERRORS: Readonly<Record<number, string>> = {
  1: 'Fatal: blpInquiryId could not be found in the request body',
  2: 'Fatal: blpInquiryId was not in the correct format',
  3: 'Fatal: This blpInquiryId does not exist or you are not authorized to access this request',
  4: 'Fatal: This blpInquiryId is not supported. AffordAI requires BankLOGIN+ 2.0 or above',
  5: 'Fatal: This blpInquiryId was not a successful BankLOGIN+ inquiry',
  6: 'Fatal: Could not connect to BankLOGIN+',
  7: 'Caution: Limited data available',
  8: 'Caution: blpInquiryId was found but ReferenceId does not match',
  9: 'Fatal: Could not connect to Microsoft Power BI',
  10: 'Fatal: Microsoft Power BI did not recognize the requested report',
  11: 'Fatal: Microsoft Power BI failed to return the requested report',
  12: 'Caution: Microsoft Power BI was successful but took longer than expected',
  13: 'Fatal: Could not parse this blpInquiryId',
  15: 'Fatal: Database error',
};

/** `statusCode N (word)`, the way poll steps and messages name a status. */
export const statusWord = (s: StatusModule | undefined): string =>
  s ? `statusCode ${s.statusCode} (${s.status ?? AFFORDAI_STATUS[s.statusCode] ?? 'unknown'})` : 'no status';

/** The errors of a status module, with the page's descriptions where the answer gives none. */
export const errorsOf = (s: StatusModule | undefined): string[] =>
  (s?.errors ?? []).map(
    (e) =>
      `errorCode ${e.errorCode}: ${(e.description ?? AFFORDAI_ERRORS[e.errorCode] ?? 'no description').slice(0, 200)}`,
  );

/** The report as the poll found it: its status, without the file (collect fetches that). */
export interface ReportState {
  reportId: string;
  referenceId?: string | undefined;
  status?: StatusModule | undefined;
  reportName?: string | undefined;
}

/** What a finished analysis holds. */
export interface InsightsAnalysis {
  productId: number;
  /** Null when a report was attached without its inquiry. */
  inquiry: Insights | null;
  /** The inquiry as returned. */
  rawInquiry: unknown;
  report: ReportState | null;
  simulated: boolean;
}

export const resultOf = (i: Insights): InsightsResult | undefined =>
  i.blpAccountAnalyticsResult ?? i.bvpAccountAnalyticsResult ?? i.bqAccountAnalyticsResult;

const PER_MONTH: Readonly<Record<(typeof TERMS)[number], number | undefined>> = {
  monthly_oblig: 1,
  biweekly_oblig: 26 / 12,
  weekly_oblig: 52 / 12,
  daily_oblig: undefined,
};

const minor = (major: number | undefined) =>
  major === undefined ? undefined : toMinor(Math.round(major * 100) / 100);

const RISK = { Low: 'low', Medium: 'medium', High: 'high' } as const;
const ACTION = { Approve: 'low', Review: 'medium', Decline: 'high' } as const;

export function insightsIndicators(r: InsightsResult): string[] {
  const out: string[] = [];
  if (r.accountOwnership === 'NoMatch') out.push('account_ownership_no_match');
  if (r.fraudRisk === 'High') out.push('high_fraud_risk');
  if ((r.nsfCount90Days ?? 0) > 0) out.push('nsf_returns');
  if ((r.overdraftCount90Days ?? 0) > 0) out.push('overdraft');
  if (r.accountStatus && /closed/i.test(r.accountStatus)) out.push('account_closed');
  return out;
}

export function insightsFigures(r: InsightsResult): ThirdPartyFigures {
  const out: ThirdPartyFigures = { currency: r.currencyCode ?? 'USD' };
  const income = minor(r.monthlyIncome);
  const spend = minor(r.monthlyExpenses);
  const excess = minor(r.excessCash);
  const freq = r.recommendedPaymentFrequency ? PER_MONTH[r.recommendedPaymentFrequency] : undefined;
  const payment =
    r.recommendedPaymentAmount !== undefined && freq !== undefined
      ? minor(r.recommendedPaymentAmount * freq)
      : undefined;
  if (income !== undefined) out.monthly_income_minor = income;
  if (spend !== undefined) out.monthly_expenditure_minor = spend;
  if (excess !== undefined) out.disposable_income_minor = excess;
  if (payment !== undefined) out.affordable_amount_minor = payment;
  if (r.riskScore !== undefined)
    out.score = { value: r.riskScore, min: 1, max: 999, name: 'ValidiFI risk score (higher is riskier)' };
  const level = r.affordabilityRisk
    ? RISK[r.affordabilityRisk]
    : r.recommendedAction
      ? ACTION[r.recommendedAction]
      : undefined;
  if (level) out.risk_level = level;
  const indicators = insightsIndicators(r);
  if (indicators.length) out.indicators = indicators;
  return out;
}

export function normaliseInsights(a: InsightsAnalysis, reportRequested: boolean): AnalysisOutput {
  const product = productName(a.productId);
  const result = a.inquiry ? resultOf(a.inquiry) : undefined;
  const warnings = [
    `ValidiFI ${product} returns figures and verdicts, not transactions: the provider's verdict is kept, and there is no transaction data for the engine to assess`,
  ];
  if (a.inquiry && !result)
    warnings.push(`ValidiFI's ${product} answer held no result: no figures are mapped`);
  if (!a.inquiry)
    warnings.push('A report was attached without its BankLOGIN+ inquiry: no figures are mapped');
  const cautions = errorsOf(a.report?.status);
  if (cautions.length) warnings.push(`AffordAI reported non-fatal errors: ${cautions.join('; ')}`);
  if (a.simulated)
    warnings.push(
      "The AffordAI report was simulated (ValidiFI's `simulate` option): its fields mimic a report, and no PDF is kept",
    );
  if (reportRequested && !a.report) warnings.push('No AffordAI report was requested for this inquiry');
  const analysisId = a.inquiry?.inquiryId ?? a.report?.reportId ?? '';
  return {
    transactions: [],
    metadata: {
      provider: 'validifi_insights',
      product,
      inquiry_id: a.inquiry?.inquiryId ?? null,
      inquiry_date: a.inquiry?.inquiryDate ?? null,
      inquiry_status: a.inquiry?.status ? statusWord(a.inquiry.status) : null,
      ...(a.report
        ? {
            affordai: {
              report_id: a.report.reportId,
              status: statusWord(a.report.status),
              errors: errorsOf(a.report.status),
              report_name: a.report.reportName ?? null,
              simulated: a.simulated,
            },
          }
        : {}),
    },
    warnings,
    third_party: {
      provider: 'validifi_insights',
      product: a.report ? `${product} + AffordAI` : product,
      version: result?.version ? `${product} ${result.version} (API v4)` : 'v4',
      analysis_id: analysisId,
      raw: {
        insights: a.rawInquiry ?? null,
        ...(a.report ? { affordai: { reportId: a.report.reportId, status: a.report.status ?? null } } : {}),
      },
      mapped: result ? insightsFigures(result) : {},
    },
  };
}
