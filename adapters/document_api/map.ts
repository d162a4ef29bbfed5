/**
 * The one place that reads the document API's answers (openapi/providers/document-api-v1.yaml): the
 * submission's answer, the job the poll endpoint returns, and the completed job's result onto the one
 * transaction model and a `ThirdPartyVerdict`. Most of the job's shape is this gateway's assumption (the
 * provider's page does not show its result; the spec marks each such part `x-assumption`): when the real
 * payload differs, this file and that spec change, and nothing else does.
 *
 * Conventions (assumed, as the spec documents them):
 * - **Money**: numbers in major units of the result's `currency_code`, at most two decimals; the
 *   provider defaults to ZAR when the request names no currency, and the currency it states is kept.
 * - **Direction**: a transaction's `amount` is unsigned and its `type` (`debit` = money out, `credit` =
 *   money in) decides; the model's sign is positive = money out.
 * - **Dates**: `YYYY-MM-DD` as printed on the statement (no time zone to apply).
 * - **Score**: `value` on the stated `min`–`max`, higher meaning more affordable (lower risk), as the
 *   gateway's comparison reads every provider's score (src/engine/third-party.ts).
 * - **Accounts**: the statement's masked account number (its last four digits) names the account;
 *   rows of a statement that prints none are on the `default` account.
 */
import { z } from 'zod';
import { assertType, type Binds } from '../../src/lib/contract-types.ts';
import { toMinor } from '../../src/model/money.ts';
import { DEFAULT_ACCOUNT_ID, type Transaction } from '../../src/model/transaction.ts';
import type { AnalysisOutput, AnalysisProvider, ThirdPartyFigures } from '../analysis.ts';
import { currencyCode, isoDate, opt } from '../schema.ts';
import type { components } from './generated.ts';

type Schemas = components['schemas'];

/** The document API as the partner knows it (messages begin with it), and the code of its wrong answers. */
export const DOCUMENT_API_PROVIDER: AnalysisProvider['provider'] = {
  name: 'the document API',
  badResponse: 'provider_bad_response',
};

/** The currency the provider assesses in when the request names none (its page: "default: ZAR"). */
export const PROVIDER_DEFAULT_CURRENCY = 'ZAR';

const finite = z.number().finite();
const nullableString = z.string().nullable().optional();
const nullableMoney = finite.nullable().optional();

export const WireJobStatus = z.enum(['processing', 'completed', 'failed']);

export const WireSubmitResponse = z.object({
  job_id: z.string().min(1).max(200),
  assessment_id: z.string().min(1).max(200),
  status: WireJobStatus,
  external_reference: nullableString,
  estimated_time: opt(z.string()),
  poll_url: opt(z.string()),
});

const WireProblem = z.object({ code: z.string(), message: z.string() });

export const WireDocumentOutcome = z.object({
  type: z.enum(['bank_statement', 'payslip', 'credit_report', 'id_document', 'rental_agreement']),
  index: z.number().int().min(0),
  filename: nullableString,
  status: z.enum(['pending', 'processed', 'failed']),
  error: WireProblem.nullable().optional(),
});

export const WireTransaction = z.object({
  id: opt(z.string()),
  date: isoDate,
  description: z.string(),
  amount: finite,
  type: z.enum(['debit', 'credit']),
  balance: nullableMoney,
  category: nullableString,
  statement_index: opt(z.number().int().min(0)),
});

const band = z.enum(['very_low', 'low', 'medium', 'high', 'very_high']);

export const WireResult = z.object({
  currency_code: currencyCode,
  period: z.object({ start_date: isoDate, end_date: isoDate, months: finite.min(0) }),
  income: z.object({
    monthly_average: finite,
    sources: z.array(
      z.object({
        category: z.string(),
        description: z.string(),
        monthly_average: finite,
        occurrences: opt(z.number().int()),
      }),
    ),
  }),
  expenses: z.object({
    monthly_average: finite,
    categories: z.array(
      z.object({
        category: z.string(),
        monthly_average: finite,
        transaction_count: opt(z.number().int()),
      }),
    ),
  }),
  disposable_income: z.object({ monthly_average: finite }),
  affordability: z.object({
    max_affordable_instalment: finite,
    debt_to_income_ratio: opt(finite),
    expense_to_income_ratio: opt(finite),
    existing_debt_repayments: opt(finite),
  }),
  risk_indicators: z.array(
    z.object({
      code: z.string(),
      severity: z.enum(['low', 'medium', 'high']),
      description: opt(z.string()),
    }),
  ),
  score: z
    .object({ value: finite, min: finite, max: finite, risk_band: opt(band) })
    .refine((s) => s.min < s.max && s.value >= s.min && s.value <= s.max, 'must lie within [min, max]'),
  transactions: z.array(WireTransaction),
  statements: opt(
    z.array(
      z.object({
        index: z.number().int().min(0),
        filename: nullableString,
        bank_name: nullableString,
        account_number_masked: nullableString,
        period_start: nullableString,
        period_end: nullableString,
        opening_balance: nullableMoney,
        closing_balance: nullableMoney,
      }),
    ),
  ),
});

export const WireJob = z.object({
  job_id: z.string().min(1).max(200),
  assessment_id: z.string().min(1).max(200),
  status: WireJobStatus,
  external_reference: nullableString,
  created_at: opt(z.string()),
  completed_at: nullableString,
  estimated_time: nullableString,
  documents: z.array(WireDocumentOutcome),
  error: WireProblem.nullable().optional(),
  warnings: opt(z.array(z.string())),
  result: WireResult.nullable().optional(),
});

// The runtime schemas read what the spec describes: a field that drifts in type, optionality or
// presence is a compile error naming it (src/lib/contract-types.ts).
assertType<Binds<typeof WireSubmitResponse, Schemas['SubmitResponse'], 'SubmitResponse'>>();
assertType<Binds<typeof WireDocumentOutcome, Schemas['DocumentOutcome'], 'DocumentOutcome'>>();
assertType<Binds<typeof WireTransaction, Schemas['ExtractedTransaction'], 'ExtractedTransaction'>>();
assertType<Binds<typeof WireResult, Schemas['AssessmentResult'], 'AssessmentResult'>>();
assertType<Binds<typeof WireJob, Schemas['AssessmentJob'], 'AssessmentJob'>>();

export type SubmitResponse = z.output<typeof WireSubmitResponse>;
export type Job = z.output<typeof WireJob>;
export type Result = z.output<typeof WireResult>;
export type DocumentOutcome = z.output<typeof WireDocumentOutcome>;

/** What a done poll hands to `normalise`: the completed job, with its result. Plain JSON. */
export type DocumentApiResult = Job & { status: 'completed'; result: Result };

/** The provider's words, fit to quote in a message: one line, no control characters, bounded. */
// eslint-disable-next-line no-control-regex -- control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f]+/g;
export function quote(text: string, max = 300): string {
  const one = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const KIND: Record<DocumentOutcome['type'], string> = {
  bank_statement: 'bank statement',
  payslip: 'payslip',
  credit_report: 'credit report',
  id_document: 'ID document',
  rental_agreement: 'rental agreement',
};

/** `bank statement 2 ("feb.pdf")`, `the ID document ("id.pdf")`: which document, in words. */
export function documentName(d: Pick<DocumentOutcome, 'type' | 'index' | 'filename'>): string {
  const numbered = d.type === 'bank_statement' || d.type === 'payslip';
  const name = numbered ? `${KIND[d.type]} ${d.index + 1}` : `the ${KIND[d.type]}`;
  return d.filename ? `${name} ("${quote(d.filename, 100)}")` : name;
}

/** The documents whose failure ends the assessment (the provider's failure model); the others only warn. */
export const FATAL_DOCUMENTS: ReadonlySet<DocumentOutcome['type']> = new Set([
  'bank_statement',
  'payslip',
  'credit_report',
]);

/**
 * A failed job, said for the partner: the provider's reason and every document that failed, in its words
 * (the gateway's message around it names the provider and says nothing was charged).
 */
export function failureReason(job: Job): string {
  const parts: string[] = [];
  if (job.error) parts.push(`${quote(job.error.code, 60)}: ${quote(job.error.message)}`);
  for (const d of job.documents) {
    if (d.status !== 'failed') continue;
    const why = d.error ? `${quote(d.error.code, 60)} (${quote(d.error.message, 200)})` : 'failed';
    parts.push(`${documentName(d)}: ${why}`);
  }
  return parts.length
    ? `${parts.join('; ')}; fix or replace the documents named and submit again`
    : 'the document API gave no reason';
}

/** The provider's risk word on our three-level scale (its own word stays in `raw`). */
const RISK: Record<z.output<typeof band>, ThirdPartyFigures['risk_level']> = {
  very_low: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  very_high: 'high',
};

/** The account a statement's rows belong to: its masked number's last four digits, else `default`. */
export function accountIdOf(masked: string | null | undefined): string {
  const last4 = masked?.replace(/\D/g, '').slice(-4);
  return last4 && last4.length === 4 ? `document_api-${last4}` : DEFAULT_ACCOUNT_ID;
}

/** What `normalise` needs of the source input. */
export interface NormaliseInput {
  currency_code?: string | undefined;
}

/**
 * The completed job → the one model (pure): the extracted transactions, the provider's figures as
 * `third_party` (monthly amounts in minor units of the currency it states), and warnings for what the
 * failure model let through (an ID document or rental agreement that failed) and what the provider said.
 */
export function normaliseJob(job: DocumentApiResult, input: NormaliseInput): AnalysisOutput {
  const r = job.result;
  const currency = r.currency_code;
  const accounts = new Map((r.statements ?? []).map((s) => [s.index, accountIdOf(s.account_number_masked)]));
  const transactions = r.transactions.map((t): Transaction => {
    const minor = toMinor(Math.abs(t.amount));
    const name = quote(t.description, 500) || 'UNKNOWN';
    const tx: Transaction = {
      date: t.date,
      amount_minor: t.type === 'debit' ? minor : minor === 0 ? 0 : -minor,
      currency,
      merchant_name: name,
      account_id:
        (t.statement_index === undefined ? undefined : accounts.get(t.statement_index)) ?? DEFAULT_ACCOUNT_ID,
      source: 'document_api',
    };
    if (t.balance !== null && t.balance !== undefined) tx.balance_minor = toMinor(t.balance);
    if (t.id) tx.source_ref = t.id;
    return tx;
  });

  const warnings: string[] = [];
  for (const d of job.documents) {
    if (d.status !== 'failed') continue;
    const why = d.error ? `: ${quote(d.error.message, 200)} (${quote(d.error.code, 60)})` : '';
    warnings.push(
      FATAL_DOCUMENTS.has(d.type)
        ? `The document API reports that ${documentName(d)} failed${why}, yet it completed the assessment; its figures may leave that document out`
        : `The document API could not process ${documentName(d)}${why}; as its failure model says, the assessment continued without it`,
    );
  }
  for (const w of job.warnings ?? []) warnings.push(`The document API says: ${quote(w)}`);
  if (input.currency_code && input.currency_code !== currency)
    warnings.push(
      `The document API assessed in ${currency}, not in ${input.currency_code} as asked: its figures and transactions are in ${currency}`,
    );
  if (!input.currency_code && currency !== PROVIDER_DEFAULT_CURRENCY)
    warnings.push(
      `No currency was named, so the document API's default (${PROVIDER_DEFAULT_CURRENCY}) applied, but it assessed in ${currency}: its figures and transactions are in ${currency}`,
    );
  if (transactions.length === 0)
    warnings.push('The document API returned its figures but no transactions: only its verdict is kept');

  const mapped: ThirdPartyFigures = {
    currency,
    monthly_income_minor: toMinor(r.income.monthly_average),
    monthly_expenditure_minor: toMinor(r.expenses.monthly_average),
    disposable_income_minor: toMinor(r.disposable_income.monthly_average),
    affordable_amount_minor: toMinor(r.affordability.max_affordable_instalment),
    score: { value: r.score.value, min: r.score.min, max: r.score.max, name: 'document API score' },
    indicators: r.risk_indicators.map((i) => quote(i.code, 60)),
  };
  if (r.score.risk_band) mapped.risk_level = RISK[r.score.risk_band];

  return {
    transactions,
    metadata: {
      job_id: job.job_id,
      assessment_id: job.assessment_id,
      external_reference: job.external_reference ?? null,
      completed_at: job.completed_at ?? null,
      period: r.period,
      statements: (r.statements ?? []).map((s) => ({
        index: s.index,
        filename: s.filename ?? null,
        bank_name: s.bank_name ?? null,
        account_id: accountIdOf(s.account_number_masked),
        period: { start: s.period_start ?? null, end: s.period_end ?? null },
      })),
      documents: job.documents.map((d) => ({
        type: d.type,
        index: d.index,
        filename: d.filename ?? null,
        status: d.status,
        error: d.error?.code ?? null,
      })),
      counts: { transactions: transactions.length },
    },
    warnings,
    third_party: {
      provider: 'document_api',
      product: 'document affordability assessment',
      version: 'v1',
      analysis_id: job.assessment_id,
      // The verdict as returned, without the statement rows (they are the transactions above) or the
      // statements' details (names, account numbers).
      raw: {
        currency_code: r.currency_code,
        period: r.period,
        income: r.income,
        expenses: r.expenses,
        disposable_income: r.disposable_income,
        affordability: r.affordability,
        risk_indicators: r.risk_indicators,
        score: r.score,
        warnings: job.warnings ?? [],
      },
      mapped,
    },
  };
}
