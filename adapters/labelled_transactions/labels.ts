/**
 * The legacy provider's transaction labels onto Plaid personal-finance categories (PFC v2), which the
 * engine already reads as `category_hint` (src/engine/plaid.ts maps them onto its categories). The
 * provider's page names the `label` field but not its values; these are the labels its affordability
 * outputs use (salary, debit orders, groceries, airtime, …) in the forms they appear in, normalised:
 * lower case, anything that is not a letter or digit becomes `_` ("Salary & Wages" → `salary_wages`).
 * A label that is not here gives no hint: the engine's merchant intelligence decides, as it does for
 * an untagged transaction. docs/sources.md shows this table; a test keeps the two the same.
 */
export const LABEL_TO_PFC: Readonly<Record<string, string>> = {
  // income
  salary: 'INCOME_WAGES',
  salaries: 'INCOME_WAGES',
  salary_wages: 'INCOME_WAGES',
  wages: 'INCOME_WAGES',
  payroll: 'INCOME_WAGES',
  pension: 'INCOME_RETIREMENT_PENSION',
  annuity: 'INCOME_RETIREMENT_PENSION',
  government_grant: 'GOVERNMENT_AND_NON_PROFIT',
  social_grant: 'GOVERNMENT_AND_NON_PROFIT',
  benefits: 'GOVERNMENT_AND_NON_PROFIT',
  interest_received: 'INCOME_INTEREST_EARNED',
  interest_earned: 'INCOME_INTEREST_EARNED',
  dividends: 'INCOME_DIVIDENDS',
  tax_refund: 'INCOME_TAX_REFUND',
  unemployment: 'INCOME_UNEMPLOYMENT',
  other_income: 'INCOME_OTHER_INCOME',
  income: 'INCOME_OTHER_INCOME',
  transfer_in: 'TRANSFER_IN',
  deposit: 'TRANSFER_IN_DEPOSIT',
  cash_deposit: 'TRANSFER_IN_DEPOSIT',
  loan_received: 'TRANSFER_IN_CASH_ADVANCES_AND_LOANS',
  loan_disbursement: 'TRANSFER_IN_CASH_ADVANCES_AND_LOANS',
  cash_advance: 'TRANSFER_IN_CASH_ADVANCES_AND_LOANS',
  // housing and utilities
  rent: 'RENT_AND_UTILITIES_RENT',
  bond_repayment: 'LOAN_PAYMENTS_MORTGAGE_PAYMENT',
  home_loan: 'LOAN_PAYMENTS_MORTGAGE_PAYMENT',
  mortgage: 'LOAN_PAYMENTS_MORTGAGE_PAYMENT',
  utilities: 'RENT_AND_UTILITIES',
  municipal: 'RENT_AND_UTILITIES',
  electricity: 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
  gas_electricity: 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
  water: 'RENT_AND_UTILITIES_WATER',
  airtime: 'RENT_AND_UTILITIES_TELEPHONE',
  airtime_data: 'RENT_AND_UTILITIES_TELEPHONE',
  cellphone: 'RENT_AND_UTILITIES_TELEPHONE',
  telephone: 'RENT_AND_UTILITIES_TELEPHONE',
  internet: 'RENT_AND_UTILITIES_INTERNET_AND_CABLE',
  // credit
  loan_repayment: 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT',
  personal_loan: 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT',
  debt_repayment: 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT',
  micro_loan: 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT',
  credit_card: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
  credit_card_repayment: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
  vehicle_finance: 'LOAN_PAYMENTS_CAR_PAYMENT',
  car_payment: 'LOAN_PAYMENTS_CAR_PAYMENT',
  student_loan: 'LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT',
  bank_fees: 'BANK_FEES',
  bank_charges: 'BANK_FEES',
  overdraft_fees: 'BANK_FEES_OVERDRAFT_FEES',
  returned_debit_order: 'BANK_FEES_INSUFFICIENT_FUNDS',
  unpaid_debit_order: 'BANK_FEES_INSUFFICIENT_FUNDS',
  // living costs
  groceries: 'FOOD_AND_DRINK_GROCERIES',
  restaurants: 'FOOD_AND_DRINK_RESTAURANT',
  eating_out: 'FOOD_AND_DRINK_RESTAURANT',
  takeaways: 'FOOD_AND_DRINK_FAST_FOOD',
  fast_food: 'FOOD_AND_DRINK_FAST_FOOD',
  coffee: 'FOOD_AND_DRINK_COFFEE',
  fuel: 'TRANSPORTATION_GAS',
  petrol: 'TRANSPORTATION_GAS',
  transport: 'TRANSPORTATION',
  public_transport: 'TRANSPORTATION_PUBLIC_TRANSIT',
  taxi: 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES',
  parking: 'TRANSPORTATION_PARKING',
  vehicle_maintenance: 'GENERAL_SERVICES_AUTOMOTIVE',
  insurance: 'GENERAL_SERVICES_INSURANCE',
  life_insurance: 'GENERAL_SERVICES_INSURANCE',
  funeral_cover: 'GENERAL_SERVICES_INSURANCE',
  medical: 'MEDICAL',
  medical_aid: 'MEDICAL',
  pharmacy: 'MEDICAL',
  health: 'MEDICAL',
  education: 'GENERAL_SERVICES_EDUCATION',
  school_fees: 'GENERAL_SERVICES_EDUCATION',
  childcare: 'GENERAL_SERVICES_CHILDCARE',
  clothing: 'GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES',
  shopping: 'GENERAL_MERCHANDISE',
  retail: 'GENERAL_MERCHANDISE',
  electronics: 'GENERAL_MERCHANDISE_ELECTRONICS',
  pets: 'GENERAL_MERCHANDISE_PET_SUPPLIES',
  home_improvement: 'HOME_IMPROVEMENT',
  furniture: 'HOME_IMPROVEMENT',
  personal_care: 'PERSONAL_CARE',
  gym: 'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS',
  entertainment: 'ENTERTAINMENT',
  subscriptions: 'ENTERTAINMENT_TV_AND_MOVIES',
  streaming: 'ENTERTAINMENT_TV_AND_MOVIES',
  music: 'ENTERTAINMENT_MUSIC_AND_AUDIO',
  travel: 'TRAVEL',
  gambling: 'ENTERTAINMENT_CASINOS_AND_GAMBLING',
  betting: 'ENTERTAINMENT_CASINOS_AND_GAMBLING',
  lottery: 'ENTERTAINMENT_CASINOS_AND_GAMBLING',
  donations: 'GOVERNMENT_AND_NON_PROFIT_DONATIONS',
  charity: 'GOVERNMENT_AND_NON_PROFIT_DONATIONS',
  tax: 'GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT',
  professional_services: 'GENERAL_SERVICES',
  // money moved, not spent
  cash_withdrawal: 'TRANSFER_OUT_WITHDRAWAL',
  atm_withdrawal: 'TRANSFER_OUT_WITHDRAWAL',
  savings: 'TRANSFER_OUT_SAVINGS',
  investment: 'TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS',
  transfer_out: 'TRANSFER_OUT',
  transfer: 'TRANSFER_OUT',
};

export function normaliseLabel(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The PFC hint for a provider label, or undefined when the label is not in the table. */
export function hintForLabel(label: string): string | undefined {
  return LABEL_TO_PFC[normaliseLabel(label)];
}
