/**
 * Plain-English explanations of everything the engine can flag — each risk flag, each vulnerability
 * indicator, each reason of a proposed credit's verdict — in one place, for the evidence now and for the
 * report and the portal's outcome page. Each cites its rule in docs/engine.md by anchor. A Record per
 * kind of code: a code without an explanation does not compile, and a test checks that every code the
 * engine can emit is here and every anchor exists.
 *
 * Written to be read by the customer as well as the underwriter (the FCA's Consumer Duty asks that
 * communications be understood): what was seen, in the data, and why it matters — never a diagnosis.
 */
import { CREDIT_RULES } from './credit.ts';
import { THRESHOLDS as T } from './thresholds.ts';
import type { Explanation, VulnerabilityDriver } from './types.ts';

export type { Explanation };

export interface IndicatorExplanation extends Explanation {
  /** The FCA driver of vulnerability (FG21/1) the indicator belongs to. */
  driver: VulnerabilityDriver;
}

export const RISK_FLAG_CODES = [
  'gambling',
  'gambling_high',
  'overdraft_usage',
  'unarranged_overdraft',
  'returned_payments',
  'payday_loans',
  'high_cost_credit',
  'bnpl_usage',
  'debt_collection',
  'high_cash_usage',
  'income_volatility',
  'missed_payments',
  'negative_disposable_income',
  'income_discrepancy',
  'insufficient_history',
  'too_few_transactions',
  'no_verified_income',
  'stale_data',
] as const;
export type RiskFlagCode = (typeof RISK_FLAG_CODES)[number];

export const INDICATOR_CODES = [
  'health_disability_benefits',
  'health_sickness_benefits',
  'life_events_caring_responsibilities',
  'life_events_bereavement',
  'life_events_income_loss',
  'resilience_persistent_overdraft',
  'resilience_debt_collection',
  'resilience_high_cost_credit',
  'resilience_gambling_harm',
  'resilience_returned_payments',
  'resilience_missed_commitments',
  'resilience_negative_budget',
  'capability_repeated_bank_charges',
] as const;
export type IndicatorCode = (typeof INDICATOR_CODES)[number];

export type CreditReason = Exclude<(typeof CREDIT_RULES)[keyof typeof CREDIT_RULES], 'credit.repayment'>;

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const pounds = (minor: number) => `£${(minor / 100).toLocaleString('en-GB')}`;
const flag = (code: string) => `docs/engine.md#flag-${code.replace(/_/g, '-')}`;
const indicator = (code: string) => `docs/engine.md#vulnerability-${code.replace(/_/g, '-')}`;
/** A rule id's anchor: `credit.stress.income` → `credit-stress-income`. */
export const ruleDoc = (rule: string) => `docs/engine.md#${rule.replace(/[._]/g, '-')}`;

export const RISK_FLAG_EXPLANATIONS: Record<RiskFlagCode, Explanation> = {
  gambling: {
    title: 'Gambling',
    text: `Money staked on gambling came to at least ${pct(T.gamblingShare)} of monthly income (or at least ${pounds(T.gamblingMinMonthlyMinor)} a month where no income was found). Stakes are counted before any winnings, because winnings do not reduce the money put at risk.`,
    doc: flag('gambling'),
  },
  gambling_high: {
    title: 'High gambling spend',
    text: `Money staked on gambling came to at least ${pct(T.gamblingHighShare)} of monthly income (or at least ${pounds(T.gamblingHighMinMonthlyMinor)} a month where no income was found): a level at which gambling may be causing financial harm.`,
    doc: flag('gambling_high'),
  },
  overdraft_usage: {
    title: 'Overdraft used',
    text: 'The account went below zero, or was charged overdraft interest or fees, during the period looked at.',
    doc: flag('overdraft_usage'),
  },
  unarranged_overdraft: {
    title: 'Unarranged overdraft',
    text: 'The bank charged for, or gave notice of, borrowing beyond an agreed overdraft limit (an unarranged or unplanned overdraft).',
    doc: flag('unarranged_overdraft'),
  },
  returned_payments: {
    title: 'Returned payments',
    text: 'At least one payment was returned unpaid — usually because there was not enough money in the account when it was due — or a fee was charged for one.',
    doc: flag('returned_payments'),
  },
  payday_loans: {
    title: 'Payday loans',
    text: 'Money was paid to or received from a payday lender (high-cost short-term credit).',
    doc: flag('payday_loans'),
  },
  high_cost_credit: {
    title: 'Other high-cost credit',
    text: 'Money was paid to or received from another high-cost lender: doorstep, guarantor, logbook, rent-to-own or high-cost instalment credit.',
    doc: flag('high_cost_credit'),
  },
  bnpl_usage: {
    title: 'Buy now, pay later',
    text: `Buy-now-pay-later repayments were made in at least ${T.bnplMinMonths} different months: regular use of a form of credit that does not always show on a credit file.`,
    doc: flag('bnpl_usage'),
  },
  debt_collection: {
    title: 'Debt collection',
    text: 'Payments were made to a debt collection or enforcement agency, which usually means a debt had fallen into arrears.',
    doc: flag('debt_collection'),
  },
  high_cash_usage: {
    title: 'High cash use',
    text: `Cash withdrawals made up at least ${pct(T.highCashShare)} of spending and at least ${pounds(T.highCashMinMonthlyMinor)} a month. What cash is spent on cannot be seen, so more of the budget is unknown.`,
    doc: flag('high_cash_usage'),
  },
  income_volatility: {
    title: 'Income varies',
    text: `Earned income changed a lot from one payment or month to the next (a variability above ${T.incomeVolatilityCv}). A short month is more likely, so ${pct(T.volatilityBufferShare)} of monthly income is held back from the affordable amount.`,
    doc: flag('income_volatility'),
  },
  missed_payments: {
    title: 'Missed payments',
    text: 'A regular housing or credit payment (rent, mortgage, a loan, a card, buy now pay later) was missed, or is overdue at the end of the period. The payment is still counted in full as spending, because it is still owed.',
    doc: flag('missed_payments'),
  },
  negative_disposable_income: {
    title: 'Spending more than income',
    text: 'Monthly spending came to more than monthly income: there is nothing left over each month to repay new borrowing.',
    doc: flag('negative_disposable_income'),
  },
  income_discrepancy: {
    title: 'Declared income higher than seen',
    text: `The income the customer declared is more than ${pct(T.incomeDiscrepancyRatio)} above the income found in the bank data. The income found in the bank data is used.`,
    doc: flag('income_discrepancy'),
  },
  insufficient_history: {
    title: 'Short history',
    text: `Fewer than ${T.minMonths} months of transactions were provided, which is too short to see a reliable pattern of income and spending.`,
    doc: flag('insufficient_history'),
  },
  too_few_transactions: {
    title: 'Few transactions',
    text: `Fewer than ${T.minTransactions} transactions, or fewer than ${T.minTransactionsPerMonth} a month, were provided: the account may not be the customer's main account.`,
    doc: flag('too_few_transactions'),
  },
  no_verified_income: {
    title: 'No income found',
    text: "No income could be confirmed from the transactions. A customer's own statement of income is not enough on its own.",
    doc: flag('no_verified_income'),
  },
  stale_data: {
    title: 'Out-of-date data',
    text: `The most recent transaction is more than ${T.staleAfterDays} days old, so the data may not show the customer's current situation.`,
    doc: flag('stale_data'),
  },
};

export const INDICATOR_EXPLANATIONS: Record<IndicatorCode, IndicatorExplanation> = {
  health_disability_benefits: {
    driver: 'health',
    title: 'Disability benefits',
    text: 'Income includes a disability benefit (Personal Independence Payment, Disability Living Allowance or Attendance Allowance), which may mean a health condition affects day-to-day life.',
    doc: indicator('health_disability_benefits'),
  },
  health_sickness_benefits: {
    driver: 'health',
    title: 'Sickness benefits',
    text: 'Income includes Employment and Support Allowance, paid when illness or disability limits the ability to work.',
    doc: indicator('health_sickness_benefits'),
  },
  life_events_caring_responsibilities: {
    driver: 'life_events',
    title: 'Caring responsibilities',
    text: "Income includes Carer's Allowance: the customer cares for someone for many hours a week.",
    doc: indicator('life_events_caring_responsibilities'),
  },
  life_events_bereavement: {
    driver: 'life_events',
    title: 'Bereavement',
    text: 'Income includes Bereavement Support Payment, paid after the death of a husband, wife or civil partner.',
    doc: indicator('life_events_bereavement'),
  },
  life_events_income_loss: {
    driver: 'life_events',
    title: 'Loss of income',
    text: 'A regular earned income stopped during the period and no new job or earnings took its place.',
    doc: indicator('life_events_income_loss'),
  },
  resilience_persistent_overdraft: {
    driver: 'resilience',
    title: 'Persistent overdraft',
    text: `The account was overdrawn, or charged overdraft interest, in at least ${T.persistentOverdraftMonths} different months: little or no cushion against an unexpected cost.`,
    doc: indicator('resilience_persistent_overdraft'),
  },
  resilience_debt_collection: {
    driver: 'resilience',
    title: 'Debts in collection',
    text: 'Payments to a debt collection or enforcement agency suggest difficulty keeping up with past debts.',
    doc: indicator('resilience_debt_collection'),
  },
  resilience_high_cost_credit: {
    driver: 'resilience',
    title: 'Reliance on high-cost credit',
    text: 'Payday or other high-cost credit was used, which can be a sign of money running short before payday.',
    doc: indicator('resilience_high_cost_credit'),
  },
  resilience_gambling_harm: {
    driver: 'resilience',
    title: 'Possible gambling harm',
    text: `Gambling stakes came to at least ${pct(T.gamblingHighShare)} of income, a level at which gambling may be harming the customer's finances.`,
    doc: indicator('resilience_gambling_harm'),
  },
  resilience_returned_payments: {
    driver: 'resilience',
    title: 'Repeated returned payments',
    text: `At least ${T.returnedPaymentsVulnerable} payments were returned unpaid: bills are being missed for lack of money.`,
    doc: indicator('resilience_returned_payments'),
  },
  resilience_missed_commitments: {
    driver: 'resilience',
    title: 'Missed housing or credit payments',
    text: 'A rent, mortgage or credit payment was missed: a sign of financial strain, and of possible arrears.',
    doc: indicator('resilience_missed_commitments'),
  },
  resilience_negative_budget: {
    driver: 'resilience',
    title: 'Spending more than income',
    text: 'Spending is higher than income each month, so any unexpected cost has to be met by borrowing or savings.',
    doc: indicator('resilience_negative_budget'),
  },
  capability_repeated_bank_charges: {
    driver: 'capability',
    title: 'Repeated bank charges',
    text: `Charges for unpaid items or unarranged borrowing were made in at least ${T.repeatedChargesMonths} different months. Avoidable charges that keep recurring can be a sign of difficulty managing money day to day.`,
    doc: indicator('capability_repeated_bank_charges'),
  },
};

export const CREDIT_REASON_EXPLANATIONS: Record<CreditReason, Explanation> = {
  'credit.base': {
    title: 'Repayment not affordable now',
    text: 'After the monthly repayment, income would not cover spending (or would leave less than the lender’s minimum buffer).',
    doc: ruleDoc('credit.base'),
  },
  'credit.no_verified_income': {
    title: 'No income found',
    text: 'No income could be confirmed from the bank data, so no repayment can be shown to be affordable.',
    doc: ruleDoc('credit.no_verified_income'),
  },
  'credit.stress.income': {
    title: 'Not affordable if income falls',
    text: 'If income fell — by the lender’s stress, or by as much as it has varied — the repayment would no longer be covered.',
    doc: ruleDoc('credit.stress.income'),
  },
  'credit.stress.rate': {
    title: 'Not affordable if interest rates rise',
    text: 'If interest rates rose on variable-rate commitments such as a mortgage, the repayment would no longer be covered.',
    doc: ruleDoc('credit.stress.rate'),
  },
  'credit.stress.essential_costs': {
    title: 'Not affordable if living costs rise',
    text: 'If essential living costs (food, bills, rent, transport) rose, the repayment would no longer be covered.',
    doc: ruleDoc('credit.stress.essential_costs'),
  },
  'credit.stress.combined': {
    title: 'Not affordable if several things go wrong at once',
    text: 'If income fell, rates rose and living costs rose together, the repayment would no longer be covered.',
    doc: ruleDoc('credit.stress.combined'),
  },
  'credit.fca_minimum_not_met': {
    title: 'Assessment incomplete',
    text: 'The data did not meet the minimum for a proportionate assessment (history, number of transactions, confirmed income or housing costs), so the result should not be relied on alone.',
    doc: ruleDoc('credit.fca_minimum_not_met'),
  },
};

const ALL: ReadonlyMap<string, Explanation> = new Map<string, Explanation>([
  ...Object.entries(RISK_FLAG_EXPLANATIONS),
  ...Object.entries(INDICATOR_EXPLANATIONS),
  ...Object.entries(CREDIT_REASON_EXPLANATIONS),
]);

/** The explanation of a risk flag, a vulnerability indicator or a credit reason; undefined for anything else (a partner's declared code). */
export function explain(code: string): Explanation | undefined {
  return ALL.get(code);
}

/** The explanations of the codes given, in their order, each once (the evidence's `explanations`). */
export function explanationsOf(codes: Iterable<string>): Record<string, Explanation> {
  const out: Record<string, Explanation> = {};
  for (const c of codes) {
    const e = explain(c);
    if (e && !(c in out)) out[c] = { title: e.title, text: e.text, doc: e.doc };
  }
  return out;
}
