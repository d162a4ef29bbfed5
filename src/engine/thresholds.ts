/**
 * Every threshold the engine applies, in one place. docs/engine.md gives the reason for each.
 * Ratios are fractions (0.02 = 2%); money is minor units (pence).
 */
export const THRESHOLDS = {
  /** Declared income above verified income by more than this fraction raises `income_discrepancy`. */
  incomeDiscrepancyRatio: 0.2,
  /** Gross gambling spend of at least this share of monthly income raises `gambling`. */
  gamblingShare: 0.02,
  /** … and at least this share raises `gambling_high` and the gambling-harm vulnerability indicator. */
  gamblingHighShare: 0.1,
  /** With no verified income, monthly gambling spend of at least this (pence) raises `gambling`. */
  gamblingMinMonthlyMinor: 5_000,
  /** … and at least this (pence) raises `gambling_high`. */
  gamblingHighMinMonthlyMinor: 20_000,
  /** Cash withdrawals of at least this share of expenditure, and at least `highCashMinMonthlyMinor`, raise `high_cash_usage`. */
  highCashShare: 0.25,
  highCashMinMonthlyMinor: 15_000,
  /** BNPL repayments in at least this many distinct calendar months raise `bnpl_usage`. */
  bnplMinMonths: 2,
  /** Income-weighted coefficient of variation of earned income above this raises `income_volatility`. */
  incomeVolatilityCv: 0.25,
  /** Share of monthly income held back from `affordable_amount` when income is volatile. */
  volatilityBufferShare: 0.1,
  /** Fewer months than this raises `insufficient_history` (and fails the FCA minimum). */
  minMonths: 3,
  /** Fewer transactions than this, or fewer than `minTransactionsPerMonth` a month, raises `too_few_transactions`. */
  minTransactions: 50,
  minTransactionsPerMonth: 10,
  /** The last transaction older than this many days before `now` raises `stale_data`. */
  staleAfterDays: 35,
  /** Own-account transfer legs must be within this many days of each other. */
  ownTransferWindowDays: 3,
  /** An unrecognised payer becomes a regular income stream only with at least this many payments … */
  unknownPayerMinPayments: 3,
  /** … and payment amounts whose coefficient of variation is at most this. */
  unknownPayerMaxCv: 0.25,
  /** A credit from a counterparty the dictionary knows as a merchant is read as pay only when its median payment is at least this (pence); smaller regular credits stay refunds. */
  wageMinMinor: 10_000,
  /** An income schedule is read from at least this many payments (two payments are no schedule: two credits 11 days apart are not "fortnightly") … */
  scheduleMinPayments: 3,
  /** … except in a history shorter than this (days), which cannot hold three monthly payments. A quarterly schedule may always be read from two. */
  shortHistoryDays: 75,
  /** An irregular income stream with no payment for this many days — a quarter — (or twice its median gap, if longer) before the end of the history has ended. */
  irregularEndedAfterDays: 91,
  /** Recurring discretionary spend is averaged by its cadence only when amounts vary less than this CV. */
  recurringSpendMaxCv: 0.15,
  /** Groups with more payments than this are not tested for a cadence (day-to-day spending). */
  recurringMaxPayments: 40,
  /** A cadence stream is "ended" when its next payment is overdue by this many periods. */
  endedAfterPeriods: 1.5,
  /** A scheduled housing or credit payment is overdue at the end of the history when its last payment is older than one period + twice the drift tolerance + this many days. */
  overdueGraceDays: 3,
  /** Returned payments in at least this many events add the resilience indicator. */
  returnedPaymentsVulnerable: 2,
  /** Negative balances or overdraft charges in at least this many calendar months = persistent overdraft. */
  persistentOverdraftMonths: 3,
  /** Bank charges for unpaid items or unarranged borrowing in this many months = the capability indicator. */
  repeatedChargesMonths: 3,
  /** A single salary, benefit or pension payment, or a single committed bill, is taken as monthly when the whole history is shorter than this (days). */
  singlePaymentMonthlyMaxSpanDays: 45,
  /** Gaps between transaction days longer than this count against continuity in the confidence score. */
  gapDays: 7,
} as const;

export type Thresholds = typeof THRESHOLDS;
