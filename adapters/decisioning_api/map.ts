/**
 * The one place that reads and writes the credit-decisioning API's payloads
 * (openapi/providers/decisioning-api-v2.yaml; its `x-assumption`s are this gateway's): the upload built
 * from the lender's Veqtrx transactions, the analysis read back, and the analysis mapped onto the one
 * transaction model and a `ThirdPartyVerdict`. Pure: no I/O, no clock.
 *
 * Conventions:
 * - **Sign**: the provider's `amount` is signed, negative = money out (its open-banking samples); the
 *   model's is the opposite (positive = out). Major units both ways at the edge, minor units inside.
 * - **Dates**: uploaded as `<date>T12:00:00.000Z` (midday UTC is the same calendar day from UTC-11 to
 *   UTC+11, as the provider's own samples do); read back as the booking date (`bookedAt`, else
 *   `debitedAt`) in the source's `time_zone`.
 * - **Text**: the provider has one text per transaction, `description` (the bank narrative it
 *   categorises): the lender's `description` when given, else its `merchant_name`. Read back, it is the
 *   model's `merchant_name`. The provider's categories (`enrichments.category`) are its own taxonomy, not
 *   Plaid's, and are not used as category hints.
 * - **Accounts**: each account of the upload carries the lender's account id as its `name`, and the
 *   transactions read back keep it; an account the gateway did not upload is named by the provider's id.
 * - **Figures**: `creditInsights.incomes.monthlyAmount` and `expenses.monthlyAmount` (negative) are the
 *   monthly income and expenditure, in the accounts' currency; the score is `scores.creditScore` on its
 *   0–1000 scale (else `paymentScore`, 1–10); the indicators are the risk parts (`risks.gambling`,
 *   `incidents` — rejected payments and their fees —, `overdraft`, `heavyFailures`, `wageAdvance`,
 *   `debtCollection`) that hold anything. The provider states no disposable income, affordable amount
 *   or risk word, so none is mapped.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { assertType, type Binds } from '../../src/lib/contract-types.ts';
import { isRecord, present } from '../../src/lib/narrow.ts';
import { readAccountHolder, type AccountFacts, type AccountType } from '../../src/model/accounts.ts';
import { bookingDate, isDateTime } from '../../src/model/dates.ts';
import { toMinor } from '../../src/model/money.ts';
import { DEFAULT_ACCOUNT_ID, type Transaction } from '../../src/model/transaction.ts';
import { fromVeqtrx } from '../../src/model/veqtrx.ts';
import type { AnalysisOutput, AnalysisProvider, AnalysisRef, ThirdPartyFigures } from '../analysis.ts';
import { currencyCode, opt } from '../schema.ts';
import { maskAccountNumber } from '../source.ts';
import type { components } from './generated.ts';
import { accountCurrencies, isAttach, type DecisioningSourceInput } from './input.ts';

type Schemas = components['schemas'];

/** The provider as the partner knows it, and the code of its wrong answers. */
export const DECISIONING_PROVIDER: AnalysisProvider['provider'] = {
  name: 'the credit-decisioning API',
  badResponse: 'provider_bad_response',
};
/** The `source` of its transactions in the model. */
export const SOURCE_ID = 'decisioning_api';
/** The version of the provider's API this adapter speaks (its score states its own when it has one). */
export const API_VERSION = 'v2';
export const PRODUCT = 'credit-decisioning';

const finite = z.number().finite();
const dateTimeText = z.string().refine(isDateTime, 'is not an ISO 8601 date-time');

export const WireToken = z.object({
  access_token: z.string().min(1),
  expires_in: finite.positive(),
  refresh_expires_in: opt(finite),
  refresh_token: opt(z.string()),
  token_type: opt(z.string()),
});

export const WireError = z.object({ code: opt(z.string()), message: opt(z.string()) });

export const WireCustomer = z.object({
  id: z.string().min(1),
  customIdentifier: opt(z.string()),
  createdAt: opt(z.string()),
});

const WirePagination = z.object({
  first: opt(z.string()),
  last: opt(z.string()),
  next: opt(z.string()),
  previous: opt(z.string()),
  totalPages: opt(finite),
  totalResources: opt(finite),
});

export const WireCustomerList = z.object({
  resources: z.array(WireCustomer),
  pagination: opt(WirePagination),
});

const WireDates = z
  .object({ debitedAt: opt(dateTimeText), bookedAt: opt(dateTimeText) })
  .refine(
    (d) => d.debitedAt !== undefined || d.bookedAt !== undefined,
    'hold neither debitedAt nor bookedAt',
  );

export const WireTransaction = z.object({
  id: opt(z.string()),
  dates: WireDates,
  description: opt(z.string()),
  amount: finite,
  currency: opt(currencyCode),
  isComing: opt(z.boolean()),
  enrichments: opt(
    z.object({ category: opt(z.string()), type: opt(z.string()), isRejected: opt(z.boolean()) }),
  ),
});

const WireOwner = z.object({ name: opt(z.string()) });

export const WireAccount = z.object({
  id: opt(z.string()),
  balance: opt(finite),
  balanceDate: opt(z.string()),
  currency: opt(currencyCode),
  type: opt(z.string()),
  usage: opt(z.string()),
  name: opt(z.string()),
  number: opt(z.string()),
  iban: opt(z.string()),
  owners: opt(z.array(WireOwner)),
  bank: opt(z.object({ id: opt(z.string()), name: opt(z.string()) })),
  transactions: opt(z.array(WireTransaction)),
});

const WireScore = z.object({ value: finite, version: opt(z.string()), indicators: opt(z.unknown()) });

const WireCategory = z.object({
  name: z.string(),
  totalAmount: opt(finite),
  monthlyAmount: opt(finite),
  monthlyAmountExcludingMonthsWithoutValues: opt(finite),
  calendar: opt(z.unknown()),
  transactions: opt(z.unknown()),
});

const WireCategoryGroup = z.object({
  totalAmount: opt(finite),
  monthlyAmount: opt(finite),
  indicators: opt(z.unknown()),
  employers: opt(z.unknown()),
  categories: opt(z.array(WireCategory)),
});

const WireRiskIndicator = z.object({ totalAmount: opt(finite), transactions: opt(z.array(z.unknown())) });
const WireOverdraft = WireRiskIndicator.extend({
  daysInOverdraft: opt(finite),
  lowestBalance: opt(finite),
});

const WireRisks = z.object({
  gambling: opt(WireRiskIndicator),
  incidents: opt(WireRiskIndicator),
  overdraft: opt(WireOverdraft),
  heavyFailures: opt(WireRiskIndicator),
  wageAdvance: opt(WireRiskIndicator),
  debtCollection: opt(WireRiskIndicator),
});

const WireCreditInsights = z.object({
  incomes: opt(WireCategoryGroup),
  expenses: opt(WireCategoryGroup),
  risks: opt(WireRisks),
  loans: opt(z.unknown()),
  cashFlows: opt(z.unknown()),
});

export const ANALYSIS_STATUSES = ['CREATED', 'IN_PROGRESS', 'COMPLETED', 'ERROR'] as const;

export const WireAnalysis = z.object({
  id: z.string().min(1),
  status: z.enum(ANALYSIS_STATUSES),
  accounts: opt(z.array(WireAccount)),
  scores: opt(z.object({ creditScore: opt(WireScore), paymentScore: opt(WireScore) })),
  creditInsights: opt(WireCreditInsights),
  error: opt(WireError),
  createdAt: opt(z.string()),
  updatedAt: opt(z.string()),
});

export const WireAnalysisList = z.object({
  resources: z.array(WireAnalysis),
  pagination: opt(WirePagination),
});

export const WireWebhookEvent = z.object({
  subscription: z.object({ id: opt(z.string()), target: opt(z.string()), eventName: z.string() }),
  payload: z.object({ customerId: opt(z.string()), analysisId: opt(z.string()) }),
  time: opt(finite),
  index: opt(finite),
});

export type Analysis = z.output<typeof WireAnalysis>;
export type WireAccountOut = z.output<typeof WireAccount>;

// The runtime schemas read what the spec describes: a field that drifts in type, optionality or
// presence is a compile error naming it (src/lib/contract-types.ts).
assertType<Binds<typeof WireToken, Schemas['TokenResponse'], 'TokenResponse'>>();
assertType<Binds<typeof WireError, Schemas['Error'], 'Error'>>();
assertType<Binds<typeof WireCustomer, Schemas['Customer'], 'Customer'>>();
assertType<Binds<typeof WireCustomerList, Schemas['CustomerList'], 'CustomerList'>>();
assertType<Binds<typeof WireTransaction, Schemas['Transaction'], 'Transaction'>>();
assertType<Binds<typeof WireAccount, Schemas['Account'], 'Account'>>();
assertType<Binds<typeof WireAnalysis, Schemas['Analysis'], 'Analysis'>>();
assertType<Binds<typeof WireAnalysisList, Schemas['AnalysisList'], 'AnalysisList'>>();
assertType<Binds<typeof WireWebhookEvent, Schemas['WebhookEvent'], 'WebhookEvent'>>();

/** What a poll hands to `normalise`: the analysis as read, and the verdict part kept for the evidence. */
export interface DecisioningResult {
  analysis: Analysis;
  /** `scores` and `creditInsights` as returned, the transaction lists inside the insights replaced by their counts. */
  raw: { scores: unknown; creditInsights: unknown };
}

/**
 * The verdict part of the provider's answer for the evidence: `scores` and `creditInsights` as
 * returned, except that each `transactions` list inside the insights becomes `transactionCount` (the
 * transactions themselves are the assessment's, once, in the one model — not again per category).
 */
export function verdictOf(body: unknown): DecisioningResult['raw'] {
  const b = isRecord(body) ? body : {};
  return { scores: b.scores ?? null, creditInsights: compact(b.creditInsights ?? null) };
}

function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'transactions' && Array.isArray(x)) out.transactionCount = x.length;
    else out[k] = compact(x);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The upload

type Upload = Schemas['AnalysisCreate'];
type UploadAccount = Schemas['AccountUpload'];

const UPLOAD_TYPE: Record<string, UploadAccount['type']> = {
  current: 'CHECKING',
  savings: 'SAVINGS',
  credit_card: 'CREDIT_CARD',
  loan: 'LOAN',
  other: 'UNKNOWN',
};

/** A date uploaded as midday UTC (the same calendar day in every time zone from UTC-11 to UTC+11). */
const middayUtc = (date: string) => `${date}T12:00:00.000Z`;

/** The provider's sign (negative = out) from the model's and Veqtrx's (positive = out); never -0. */
const flip = (amount: number) => (amount === 0 ? 0 : -amount);

/**
 * The lender's transactions and accounts as the provider's upload: one account per `account_id` (in
 * order of first appearance), its `name` the lender's id. An account's balance is the lender's, else
 * its last transaction's running `balance` (the schema requires one or the other).
 */
export function toUpload(input: DecisioningSourceInput): Upload {
  const txs = input.transactions ?? [];
  const byAccount = new Map<string, typeof txs>();
  for (const t of txs) {
    const id = t.account_id ?? DEFAULT_ACCOUNT_ID;
    let list = byAccount.get(id);
    if (!list) byAccount.set(id, (list = []));
    list.push(t);
  }
  const currencies = accountCurrencies(txs, input.accounts);
  const accounts: UploadAccount[] = [];
  for (const [id, list] of byAccount) {
    const stated = input.accounts?.find((a) => a.id === id);
    // The last date, and the running balance of the last transaction that has one (the later of equal
    // dates in the order given).
    let lastDate = '1970-01-01';
    let fromRows: { date: string; balance: number } | undefined;
    for (const t of list) {
      if (t.date >= lastDate) lastDate = t.date;
      if (t.balance !== undefined && (fromRows === undefined || t.date >= fromRows.date))
        fromRows = { date: t.date, balance: t.balance };
    }
    // The schema requires one of them (DecisioningSourceSchema).
    const balance = present(stated?.balance ?? fromRows?.balance, `the balance of account ${id}`);
    const account: UploadAccount = {
      balance,
      balanceDate: middayUtc(stated?.balance_date ?? lastDate),
      currency: currencies.get(id) ?? 'GBP',
      type: UPLOAD_TYPE[stated?.type ?? 'current'] ?? 'UNKNOWN',
      usage: stated?.usage === 'business' ? 'PROFESSIONAL' : 'PERSONAL',
      name: id,
      transactions: list.map((t) => ({
        dates: { debitedAt: middayUtc(t.date), bookedAt: middayUtc(t.date) },
        description: t.description?.trim() || t.merchant_name,
        amount: flip(t.amount),
        currency: currencies.get(id) ?? 'GBP',
      })),
    };
    if (stated?.holder_name) account.owners = [{ name: stated.holder_name }];
    accounts.push(account);
  }
  return { accounts };
}

/**
 * What an analysis holds, as one hash: its transactions' dates, amounts (minor units, the provider's
 * sign) and texts, whatever their order or accounts. Two analyses with one fingerprint were given the
 * same data: reusing one for the other changes nothing.
 */
export function fingerprint(
  accounts: ReadonlyArray<{
    transactions?: ReadonlyArray<{
      dates: { debitedAt?: string | undefined; bookedAt?: string | undefined };
      amount: number;
      description?: string | undefined;
    }>;
  }>,
): string {
  const lines: string[] = [];
  for (const a of accounts)
    for (const t of a.transactions ?? [])
      lines.push(
        `${(t.dates.debitedAt ?? t.dates.bookedAt ?? '').slice(0, 10)}|${toMinor(t.amount)}|${(t.description ?? '').trim()}`,
      );
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

// ---------------------------------------------------------------------------------------------------
// The analysis, normalised

const ACCOUNT_TYPE: Record<string, AccountType> = {
  CHECKING: 'current',
  SAVINGS: 'savings',
  CREDIT_CARD: 'credit_card',
  LOAN: 'loan',
};

const RISK_PARTS = [
  'gambling',
  'incidents',
  'overdraft',
  'heavyFailures',
  'wageAdvance',
  'debtCollection',
] as const;

/** The currency assumed for a transaction when neither it nor its account states one (the provider's connectors default to EUR). */
export const FALLBACK_CURRENCY = 'EUR';

/** The model's id for an account of the analysis: the lender's id when the gateway uploaded it, else the provider's. */
function accountIdOf(a: WireAccountOut, i: number, uploaded: ReadonlySet<string>): string {
  const name = a.name?.trim();
  if (name && uploaded.has(name)) return name;
  return a.id?.trim() || name || `account-${i + 1}`;
}

function factsOf(a: WireAccountOut, id: string): AccountFacts | undefined {
  const type = a.type ? ACCOUNT_TYPE[a.type.toUpperCase()] : undefined;
  const business = a.usage?.toUpperCase() === 'PROFESSIONAL';
  const owner = a.owners?.map((o) => readAccountHolder(o.name)).find((h) => h !== undefined);
  const holder = business ? 'business' : owner;
  if (!type && !holder) return undefined;
  const stated = [a.type, a.usage, owner ? a.owners?.find((o) => readAccountHolder(o.name))?.name : undefined]
    .filter(Boolean)
    .join('; ');
  return { account_id: id, type: business ? 'business' : type, holder, stated };
}

function inputFactsOf(input: DecisioningSourceInput): AccountFacts[] {
  return (input.accounts ?? []).flatMap((a): AccountFacts[] => {
    const type: AccountType | undefined =
      a.usage === 'business' ? 'business' : a.type === undefined ? undefined : a.type;
    const holder = a.usage === 'business' ? 'business' : readAccountHolder(a.holder_name);
    if (!type && !holder) return [];
    return [
      {
        account_id: a.id,
        type,
        holder,
        stated: [a.type, a.usage, holder === 'attorney' ? a.holder_name : undefined]
          .filter(Boolean)
          .join('; '),
      },
    ];
  });
}

/** Indicators the provider raised: the risk parts that hold a transaction or a non-zero total. */
export function raisedIndicators(a: Analysis): string[] {
  const risks = a.creditInsights?.risks;
  if (!risks) return [];
  return RISK_PARTS.filter((k) => {
    const part = risks[k];
    if (!part) return false;
    const o = k === 'overdraft' ? risks.overdraft : undefined;
    return (
      (part.transactions?.length ?? 0) > 0 ||
      (part.totalAmount ?? 0) !== 0 ||
      (o?.daysInOverdraft ?? 0) > 0 ||
      (o?.lowestBalance ?? 0) < 0
    );
  });
}

function figuresOf(a: Analysis, currency: string | undefined, warnings: string[]): ThirdPartyFigures {
  const out: ThirdPartyFigures = {};
  const incomes = a.creditInsights?.incomes?.monthlyAmount;
  const expenses = a.creditInsights?.expenses?.monthlyAmount;
  if (currency) {
    out.currency = currency;
    if (incomes !== undefined) out.monthly_income_minor = Math.abs(toMinor(incomes));
    if (expenses !== undefined) out.monthly_expenditure_minor = Math.abs(toMinor(expenses));
  } else if (incomes !== undefined || expenses !== undefined) {
    warnings.push(
      "The provider's accounts are in more than one currency (or state none): its monthly income and expenditure are kept as returned but not mapped",
    );
  }
  const credit = a.scores?.creditScore;
  const payment = a.scores?.paymentScore;
  if (credit) out.score = { value: credit.value, min: 0, max: 1000, name: 'creditScore' };
  else if (payment) out.score = { value: payment.value, min: 1, max: 10, name: 'paymentScore' };
  if (out.score && (out.score.value < out.score.min || out.score.value > out.score.max))
    warnings.push(
      `The provider's ${out.score.name ?? 'score'} is ${out.score.value}, outside its documented scale (${out.score.min}–${out.score.max})`,
    );
  const indicators = raisedIndicators(a);
  if (a.creditInsights?.risks) out.indicators = indicators;
  return out;
}

/**
 * The analysis onto the one model: the transactions it echoes (or, when it echoes none, those the lender
 * submitted), what it says about the accounts, and the provider's verdict beside ours.
 */
export function normaliseAnalysis(
  result: DecisioningResult,
  input: DecisioningSourceInput,
  ref: AnalysisRef,
): AnalysisOutput {
  const a = result.analysis;
  const warnings: string[] = [];
  const zone = input.time_zone;
  const uploaded = new Set(
    (input.transactions ?? [])
      .map((t) => t.account_id ?? DEFAULT_ACCOUNT_ID)
      .concat((input.accounts ?? []).map((x) => x.id)),
  );
  const echoed = (a.accounts ?? []).some((x) => x.transactions !== undefined);
  const transactions: Transaction[] = [];
  const accounts: AccountFacts[] = [];
  const accountMeta: Array<Record<string, unknown>> = [];
  let assumedCurrency = 0;
  if (echoed) {
    (a.accounts ?? []).forEach((acc, i) => {
      const id = accountIdOf(acc, i, uploaded);
      for (const t of acc.transactions ?? []) {
        const currency = t.currency ?? acc.currency;
        if (!currency) assumedCurrency++;
        const minor = toMinor(t.amount);
        const tx: Transaction = {
          date: bookingDate(t.dates.bookedAt ?? t.dates.debitedAt ?? '', zone),
          amount_minor: minor === 0 ? 0 : -minor,
          currency: currency ?? FALLBACK_CURRENCY,
          merchant_name: t.description?.trim() || 'UNKNOWN',
          account_id: id,
          source: SOURCE_ID,
        };
        if (t.id) tx.source_ref = t.id;
        transactions.push(tx);
      }
      const f = factsOf(acc, id);
      if (f) accounts.push(f);
      accountMeta.push({
        account_id: id,
        type: acc.type ?? null,
        usage: acc.usage ?? null,
        currency: acc.currency ?? null,
        balance: acc.balance ?? null,
        balance_date: acc.balanceDate ?? null,
        bank: acc.bank?.name ?? null,
        iban: maskAccountNumber(acc.iban),
        transactions: acc.transactions?.length ?? 0,
      });
    });
    if (assumedCurrency)
      warnings.push(
        `${assumedCurrency} transactions from the provider state no currency, nor does their account: ${FALLBACK_CURRENCY} was assumed`,
      );
  } else if (!isAttach(input) && input.transactions) {
    const currencies = accountCurrencies(input.transactions, input.accounts);
    for (const t of input.transactions)
      transactions.push(
        fromVeqtrx(t, SOURCE_ID, currencies.get(t.account_id ?? DEFAULT_ACCOUNT_ID) ?? 'GBP'),
      );
    accounts.push(...inputFactsOf(input));
    warnings.push(
      "The provider's analysis does not echo the accounts and transactions: the transactions submitted to it were assessed",
    );
  } else {
    warnings.push(
      "The provider's analysis holds no transactions: only its own figures and scores are available, and the gateway's assessment has no transactions to read",
    );
  }

  const currencies = new Set(
    (a.accounts ?? [])
      .map((x) => x.currency)
      .concat(echoed ? [] : [...accountCurrencies(input.transactions ?? [], input.accounts).values()]),
  );
  const single = currencies.size === 1 && !currencies.has(undefined) ? [...currencies][0] : undefined;
  if (a.scores === undefined) warnings.push('The provider returned no scores for this analysis');
  if (a.creditInsights === undefined)
    warnings.push('The provider returned no creditInsights for this analysis');
  const mapped = figuresOf(a, single, warnings);
  const version = a.scores?.creditScore?.version ?? a.scores?.paymentScore?.version;
  return {
    transactions,
    accounts,
    metadata: {
      provider_customer_id: typeof ref.customer_id === 'string' ? ref.customer_id : null,
      analysis_id: a.id,
      custom_identifier: typeof ref.custom_identifier === 'string' ? ref.custom_identifier : null,
      attached: isAttach(input),
      status: a.status,
      created_at: a.createdAt ?? null,
      updated_at: a.updatedAt ?? null,
      transactions_from: echoed ? 'provider' : transactions.length ? 'submitted' : 'none',
      accounts: accountMeta,
      counts: { accounts: echoed ? accountMeta.length : uploaded.size, transactions: transactions.length },
    },
    warnings,
    third_party: {
      provider: 'decisioning_api',
      product: PRODUCT,
      version: version ? `${API_VERSION} (score ${version})` : API_VERSION,
      analysis_id: a.id,
      raw: { status: a.status, ...result.raw },
      mapped,
    },
  };
}
