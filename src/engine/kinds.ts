/**
 * What a matched counterparty's *kind* means: its default SFS category, how a debit to it is classed
 * (committed / essential / discretionary, or savings), and what a credit from it is.
 * The merchant dictionary (data/curated/*.json, data/brands.json) names a kind for every entry; this table is the one
 * place where a kind's meaning is decided. docs/engine.md explains each choice.
 */
import type { Category } from '../model/assessment.ts';

export type SpendClass = 'committed' | 'essential' | 'discretionary' | 'savings';

/** What a credit from a counterparty of this kind is. */
export const CREDIT_MEANINGS = [
  'refund',
  'employment',
  'benefit',
  'pension',
  'gig',
  'interest',
  'loan',
  'gambling_winnings',
  'transfer',
] as const;
export type CreditMeaning = (typeof CREDIT_MEANINGS)[number];
export const isCreditMeaning = (c: string): c is CreditMeaning => CREDIT_MEANINGS.some((m) => m === c);

export interface KindInfo {
  category: Category;
  class: SpendClass;
  credit: CreditMeaning;
}

const k = (category: Category, cls: SpendClass, credit: CreditMeaning = 'refund'): KindInfo => ({
  category,
  class: cls,
  credit,
});

export const KINDS = {
  rent: k('Home & Contents', 'committed'),
  social_rent: k('Home & Contents', 'committed'),
  mortgage: k('Home & Contents', 'committed'),
  council_tax: k('Home & Contents', 'committed'),
  home: k('Home & Contents', 'discretionary'),
  energy: k('Utilities', 'committed'),
  water: k('Utilities', 'committed'),
  telecom: k('Communications & Leisure', 'committed'),
  tv_licence: k('Communications & Leisure', 'committed'),
  streaming: k('Communications & Leisure', 'discretionary'),
  leisure: k('Communications & Leisure', 'discretionary'),
  travel: k('Communications & Leisure', 'discretionary'),
  gym: k('Communications & Leisure', 'discretionary'),
  supermarket: k('Food & Housekeeping', 'essential'),
  convenience: k('Food & Housekeeping', 'essential'),
  pets: k('Food & Housekeeping', 'essential'),
  eating_out: k('Food & Housekeeping', 'discretionary'),
  clothing: k('Personal Costs', 'essential'),
  personal_care: k('Personal Costs', 'essential'),
  retail: k('Personal Costs', 'discretionary'),
  charity: k('Personal Costs', 'discretionary'),
  health: k('Care & Health', 'essential'),
  childcare: k('Care & Health', 'committed'),
  school: k('School Costs', 'committed'),
  public_transport: k('Transport', 'essential'),
  fuel: k('Transport', 'essential'),
  motoring: k('Transport', 'essential'),
  taxi: k('Transport', 'essential'),
  car_hire: k('Transport', 'discretionary'),
  insurance: k('Pensions & Insurance', 'committed'),
  pension_provider: k('Pensions & Insurance', 'committed', 'pension'),
  professional: k('Professional Costs', 'committed'),
  tax: k('Professional Costs', 'committed'),
  lender: k('Credit Commitments', 'committed', 'loan'),
  credit_card: k('Credit Commitments', 'committed', 'loan'),
  bnpl: k('Credit Commitments', 'committed', 'loan'),
  catalogue_credit: k('Credit Commitments', 'committed', 'loan'),
  payday: k('Credit Commitments', 'committed', 'loan'),
  high_cost_credit: k('Credit Commitments', 'committed', 'loan'),
  debt_collector: k('Credit Commitments', 'committed'),
  bank_fee: k('Credit Commitments', 'committed'),
  interest: k('Credit Commitments', 'committed', 'interest'),
  savings: k('Savings', 'savings', 'transfer'),
  gambling: k('Gambling', 'discretionary', 'gambling_winnings'),
  cash: k('Cash Withdrawals', 'discretionary', 'transfer'),
  benefit: k('Other', 'discretionary', 'benefit'),
  payroll: k('Other', 'discretionary', 'employment'),
  gig_platform: k('Other', 'discretionary', 'gig'),
} as const satisfies Record<string, KindInfo>;

export type Kind = keyof typeof KINDS;

export function isKind(value: string): value is Kind {
  return Object.hasOwn(KINDS, value);
}

/** Default class of spend in a category, for transactions categorised without a kind (hints, fallback). */
export const CATEGORY_CLASS: Record<Category, SpendClass> = {
  'Home & Contents': 'committed',
  Utilities: 'committed',
  'Care & Health': 'essential',
  Transport: 'essential',
  'School Costs': 'committed',
  'Pensions & Insurance': 'committed',
  'Professional Costs': 'committed',
  'Communications & Leisure': 'discretionary',
  'Food & Housekeeping': 'essential',
  'Personal Costs': 'essential',
  'Credit Commitments': 'committed',
  Savings: 'savings',
  Gambling: 'discretionary',
  'Cash Withdrawals': 'discretionary',
  Other: 'discretionary',
};

/** The SFS "flexible" categories that spending guidelines (trigger figures) apply to. */
export const FLEXIBLE_CATEGORIES = [
  'Communications & Leisure',
  'Food & Housekeeping',
  'Personal Costs',
] as const satisfies readonly Category[];
export type FlexibleCategory = (typeof FLEXIBLE_CATEGORIES)[number];

/** Kinds whose presence evidences the housing cost (rent or mortgage). */
export const HOUSING_KINDS: ReadonlySet<string> = new Set(['rent', 'social_rent', 'mortgage']);
