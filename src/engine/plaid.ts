/**
 * Plaid personal-finance categories (PFC v2) onto the engine's SFS categories. `category_hint` may be a
 * primary (`FOOD_AND_DRINK`) or a detailed value (`FOOD_AND_DRINK_GROCERIES`); a detailed value that has
 * its own row below wins over its primary. All 16 primaries are mapped.
 */
import type { Category } from '../model/assessment.ts';
import type { CreditMeaning, Kind } from './kinds.ts';

export interface HintMeaning {
  /** Category of a debit with this hint; `null` = the hint is ambiguous: use merchant intelligence, else Other. */
  category: Category | null;
  /** What a credit with this hint is; `null` = decide as for an untagged credit. */
  credit: CreditMeaning | null;
  /** The kind this hint implies, when it implies one (drives risk signals and housing evidence). */
  kind?: Kind;
}

const h = (category: Category | null, credit: CreditMeaning | null = null, kind?: Kind): HintMeaning =>
  kind ? { category, credit, kind } : { category, credit };

export const PLAID_PRIMARY: Record<string, HintMeaning> = {
  INCOME: h('Other', 'employment'),
  TRANSFER_IN: h('Other', 'transfer'),
  TRANSFER_OUT: h(null, null),
  LOAN_PAYMENTS: h('Credit Commitments', 'loan', 'lender'),
  BANK_FEES: h('Credit Commitments', 'refund', 'bank_fee'),
  ENTERTAINMENT: h('Communications & Leisure'),
  FOOD_AND_DRINK: h('Food & Housekeeping'),
  GENERAL_MERCHANDISE: h('Personal Costs'),
  HOME_IMPROVEMENT: h('Home & Contents', null, 'home'),
  MEDICAL: h('Care & Health', null, 'health'),
  PERSONAL_CARE: h('Personal Costs', null, 'personal_care'),
  GENERAL_SERVICES: h('Professional Costs'),
  GOVERNMENT_AND_NON_PROFIT: h('Professional Costs', 'benefit'),
  TRANSPORTATION: h('Transport'),
  TRAVEL: h('Communications & Leisure', null, 'travel'),
  RENT_AND_UTILITIES: h('Utilities'),
};

export const PLAID_DETAILED: Record<string, HintMeaning> = {
  INCOME_WAGES: h('Other', 'employment', 'payroll'),
  INCOME_RETIREMENT_PENSION: h('Other', 'pension', 'pension_provider'),
  INCOME_INTEREST_EARNED: h('Other', 'interest', 'interest'),
  INCOME_DIVIDENDS: h('Other', 'interest', 'interest'),
  INCOME_TAX_REFUND: h('Other', 'transfer'),
  INCOME_UNEMPLOYMENT: h('Other', 'benefit', 'benefit'),
  INCOME_OTHER_INCOME: h('Other', 'employment'),
  TRANSFER_IN_CASH_ADVANCES_AND_LOANS: h('Other', 'loan', 'lender'),
  TRANSFER_IN_DEPOSIT: h('Other', 'transfer'),
  TRANSFER_OUT_SAVINGS: h('Savings', null, 'savings'),
  TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS: h('Savings', null, 'savings'),
  TRANSFER_OUT_WITHDRAWAL: h('Cash Withdrawals', null, 'cash'),
  LOAN_PAYMENTS_MORTGAGE_PAYMENT: h('Home & Contents', null, 'mortgage'),
  LOAN_PAYMENTS_CREDIT_CARD_PAYMENT: h('Credit Commitments', 'loan', 'credit_card'),
  LOAN_PAYMENTS_CAR_PAYMENT: h('Credit Commitments', 'loan', 'lender'),
  LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT: h('Credit Commitments', 'loan', 'lender'),
  LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT: h('Credit Commitments', 'loan', 'lender'),
  BANK_FEES_OVERDRAFT_FEES: h('Credit Commitments', 'refund', 'bank_fee'),
  BANK_FEES_INSUFFICIENT_FUNDS: h('Credit Commitments', 'refund', 'bank_fee'),
  BANK_FEES_ATM_FEES: h('Cash Withdrawals', 'refund', 'cash'),
  ENTERTAINMENT_CASINOS_AND_GAMBLING: h('Gambling', 'gambling_winnings', 'gambling'),
  ENTERTAINMENT_TV_AND_MOVIES: h('Communications & Leisure', null, 'streaming'),
  ENTERTAINMENT_MUSIC_AND_AUDIO: h('Communications & Leisure', null, 'streaming'),
  FOOD_AND_DRINK_GROCERIES: h('Food & Housekeeping', null, 'supermarket'),
  FOOD_AND_DRINK_RESTAURANT: h('Food & Housekeeping', null, 'eating_out'),
  FOOD_AND_DRINK_FAST_FOOD: h('Food & Housekeeping', null, 'eating_out'),
  FOOD_AND_DRINK_COFFEE: h('Food & Housekeeping', null, 'eating_out'),
  GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES: h('Personal Costs', null, 'clothing'),
  GENERAL_MERCHANDISE_PET_SUPPLIES: h('Food & Housekeeping', null, 'pets'),
  GENERAL_MERCHANDISE_SUPERSTORES: h('Food & Housekeeping', null, 'supermarket'),
  GENERAL_MERCHANDISE_ONLINE_MARKETPLACES: h('Personal Costs', null, 'retail'),
  GENERAL_MERCHANDISE_ELECTRONICS: h('Home & Contents', null, 'home'),
  PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS: h('Communications & Leisure', null, 'gym'),
  GENERAL_SERVICES_INSURANCE: h('Pensions & Insurance', null, 'insurance'),
  GENERAL_SERVICES_CHILDCARE: h('Care & Health', null, 'childcare'),
  GENERAL_SERVICES_EDUCATION: h('School Costs', null, 'school'),
  GENERAL_SERVICES_AUTOMOTIVE: h('Transport', null, 'motoring'),
  GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT: h('Professional Costs', 'transfer', 'tax'),
  GOVERNMENT_AND_NON_PROFIT_DONATIONS: h('Personal Costs', null, 'charity'),
  TRANSPORTATION_GAS: h('Transport', null, 'fuel'),
  TRANSPORTATION_PUBLIC_TRANSIT: h('Transport', null, 'public_transport'),
  TRANSPORTATION_TAXIS_AND_RIDE_SHARES: h('Transport', null, 'taxi'),
  TRANSPORTATION_PARKING: h('Transport', null, 'motoring'),
  RENT_AND_UTILITIES_RENT: h('Home & Contents', null, 'rent'),
  RENT_AND_UTILITIES_GAS_AND_ELECTRICITY: h('Utilities', null, 'energy'),
  RENT_AND_UTILITIES_WATER: h('Utilities', null, 'water'),
  RENT_AND_UTILITIES_TELEPHONE: h('Communications & Leisure', null, 'telecom'),
  RENT_AND_UTILITIES_INTERNET_AND_CABLE: h('Communications & Leisure', null, 'telecom'),
};

/** Resolves a hint (primary or detailed, any case) to its meaning, or undefined if it is not a Plaid PFC. */
export function resolveHint(hint: string | undefined): HintMeaning | undefined {
  if (!hint) return undefined;
  const key = hint.trim().toUpperCase();
  const detailed = PLAID_DETAILED[key];
  if (detailed) return detailed;
  const primary = PLAID_PRIMARY[key];
  if (primary) return primary;
  // A detailed value we have no row for falls back to its primary (the longest primary it starts with).
  let best: string | undefined;
  for (const p of Object.keys(PLAID_PRIMARY))
    if (key.startsWith(p + '_') && (!best || p.length > best.length)) best = p;
  return best ? PLAID_PRIMARY[best] : undefined;
}
