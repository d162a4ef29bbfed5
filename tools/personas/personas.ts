/**
 * Eight seeded six-month histories (one of five weeks) with their ground truth, for testing the engine
 * and for demos. `generatePersona(id, seed)` is deterministic for a given seed.
 */
import type { Category } from '../../src/model/assessment.ts';
import type { Circumstances } from '../../src/model/circumstances.ts';
import type { VeqtrxTransaction } from '../../src/model/veqtrx.ts';
import { isoDate, ymd } from '../../src/engine/calendar.ts';
import { Builder, type Truth } from './builder.ts';

export interface Persona {
  id: PersonaId;
  description: string;
  seed: number;
  /** The clock to assess at. */
  now: string;
  circumstances: Circumstances;
  declared_income: number;
  transactions: VeqtrxTransaction[];
  truth: Truth;
}

export const PERSONA_IDS = [
  'salaried_single_renter',
  'couple_two_children_mortgage',
  'gig_worker',
  'benefits_claimant_pip',
  'problem_gambler',
  'in_difficulty',
  'high_earner_savings',
  'thin_file',
] as const;
export type PersonaId = (typeof PERSONA_IDS)[number];

const END = '2026-10-31';
const NOW = '2026-11-02T09:00:00.000Z';
const SIX_MONTHS = 184;
const MON = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

const card = (name: string, day: number) => {
  const { d, m } = ymd(day);
  return `CARD PAYMENT TO ${name} ON ${String(d).padStart(2, '0')} ${MON[m - 1]}`;
};

interface Habit {
  category: Category;
  merchants: readonly string[];
  perWeek: number;
  lo: number;
  hi: number;
}

/** Day-to-day card spending: each habit happens `perWeek` times a week on average. */
function everyday(b: Builder, habits: readonly Habit[], account = 'current'): void {
  for (const day of b.days()) {
    for (const h of habits) {
      if (b.rng() < h.perWeek / 7) {
        const m = b.pick(h.merchants);
        b.spend(day, b.int(h.lo, h.hi), h.category, m, { description: card(m, day), account });
      }
    }
  }
  // Anchor the span: a small shop on the first and the last day.
  b.spend(b.start, 345, 'Food & Housekeeping', 'CO-OP GROUP 070312', {
    description: card('CO-OP GROUP 070312', b.start),
    account,
  });
  b.spend(b.end, 289, 'Food & Housekeeping', 'CO-OP GROUP 070312', {
    description: card('CO-OP GROUP 070312', b.end),
    account,
  });
}

const GROCERIES = [
  'TESCO STORES 3297',
  "SAINSBURY'S S/MKTS",
  'ASDA STORES 4412',
  'ALDI 66 LEEDS',
  'LIDL GB LEEDS',
  'MORRISONS 0291',
];
const EATING_OUT = [
  'GREGGS PLC',
  'COSTA COFFEE 43012',
  'MCDONALDS 1123',
  'PRET A MANGER',
  "NANDO'S LEEDS",
  'DELIVEROO.CO.UK',
];
const CLOTHES = ['PRIMARK STORES', 'NEXT RETAIL LTD', 'H&M 0345', 'TK MAXX', 'ASOS.COM'];
const TOILETRIES = ['BOOTS 1187', 'SUPERDRUG 0211', 'SAVERS HEALTH'];

type Gen = (seed: number) => Omit<Persona, 'id' | 'seed'>;

const monthlyDD = (b: Builder, dom: number) => b.monthlyDays(dom, 'next');

const GENERATORS: Record<PersonaId, Gen> = {
  salaried_single_renter(seed) {
    const b = new Builder(seed, END, SIX_MONTHS);
    b.income(b.monthlyDays(25, 'prev'), 235000, 1, 'ACME LOGISTICS LTD', {
      description: 'BGC ACME LOGISTICS LTD SALARY',
    });
    b.bill(b.monthlyDays(1, 'prev'), 85000, 1, 'Home & Contents', 'FOXTONS LETTINGS', {
      description: 'SO FOXTONS RENT FLAT 2',
    });
    b.bill(monthlyDD(b, 15), 14000, 1, 'Home & Contents', 'LEEDS CITY COUNCIL', {
      description: 'DD LEEDS CITY COUNCIL CTAX 40012345',
    });
    b.bill(monthlyDD(b, 8), 9500, 1, 'Utilities', 'OCTOPUS ENERGY', {
      description: 'DD OCTOPUS ENERGY A-1F2E3D',
    });
    b.bill(monthlyDD(b, 12), 3800, 1, 'Utilities', 'YORKSHIRE WATER', {
      description: 'DD YORKSHIRE WATER 2231',
    });
    b.bill(monthlyDD(b, 3), 2500, 1, 'Communications & Leisure', 'EE LIMITED', {
      description: 'DD EE LIMITED',
    });
    b.bill(monthlyDD(b, 20), 3500, 1, 'Communications & Leisure', 'VIRGIN MEDIA', {
      description: 'DD VIRGIN MEDIA PYMTS',
    });
    b.bill(monthlyDD(b, 1), 1413, 1, 'Communications & Leisure', 'TV LICENCE MBP', {
      description: 'DD TV LICENCE MBP',
    });
    b.bill(b.monthlyDays(11, 'next'), 1099, 1, 'Communications & Leisure', 'NETFLIX.COM', {
      description: card('NETFLIX.COM', b.start),
    });
    b.bill(b.monthlyDays(17, 'next'), 1199, 1, 'Communications & Leisure', 'Spotify UK', {
      description: 'SPOTIFY P1A2B3C4',
    });
    b.bill(monthlyDD(b, 2), 2499, 1, 'Communications & Leisure', 'PUREGYM LTD', {
      description: 'DD PUREGYM LTD',
    });
    everyday(b, [
      { category: 'Food & Housekeeping', merchants: GROCERIES, perWeek: 2.5, lo: 1800, hi: 6500 },
      { category: 'Food & Housekeeping', merchants: EATING_OUT, perWeek: 2, lo: 350, hi: 2800 },
      {
        category: 'Transport',
        merchants: ['NORTHERN TRAINS', 'FIRST BUS LEEDS', 'UBER *TRIP'],
        perWeek: 3,
        lo: 280,
        hi: 1600,
      },
      { category: 'Personal Costs', merchants: CLOTHES, perWeek: 0.5, lo: 1200, hi: 6000 },
      { category: 'Personal Costs', merchants: TOILETRIES, perWeek: 0.7, lo: 300, hi: 1800 },
      { category: 'Cash Withdrawals', merchants: ['LINK ATM LEEDS'], perWeek: 0.3, lo: 2000, hi: 4000 },
    ]);
    // A return: bought and refunded in full.
    const d = b.start + 40;
    b.spend(d, 4500, 'Personal Costs', 'ASOS.COM', { description: card('ASOS.COM', d) });
    b.spend(d + 9, -4500, 'Personal Costs', 'ASOS.COM', { description: 'ASOS.COM REFUND' });
    return {
      description:
        'A salaried single renter in Leeds: monthly salary, rent by standing order, the usual bills, everyday card spending and one refunded purchase.',
      now: NOW,
      circumstances: {
        housing: 'renter',
        household_adults: 1,
        children_u16: 0,
        children_16_18: 0,
        vulnerabilities: [],
      },
      declared_income: 2300,
      transactions: b.build(),
      truth: b.truth({ risk_flags: [], detected_vulnerabilities: [], fca_compliant: true }, 2300),
    };
  },

  couple_two_children_mortgage(seed) {
    const b = new Builder(seed, END, SIX_MONTHS);
    b.income(b.monthlyDays(28, 'prev'), 290000, 1, 'NHS BOLTON FT', {
      description: 'BGC NHS BOLTON FT SALARY',
    });
    b.income(b.periodDays(b.start + 3, 28, 'prev'), 115000, 13 / 12, 'GREGGS PLC PAYROLL', {
      description: 'BGC GREGGS PLC WAGES',
    });
    b.income(b.periodDays(b.start + 6, 28, 'prev'), 17320, 13 / 12, 'HMRC CHILD BENEFIT', {
      description: 'HMRC CHILD BENEFIT 1234567890',
    });
    b.bill(monthlyDD(b, 1), 115000, 1, 'Home & Contents', 'NATIONWIDE MORTGAGE', {
      description: 'DD NATIONWIDE BS MORTGAGE',
    });
    b.bill(monthlyDD(b, 1), 19000, 1, 'Home & Contents', 'BOLTON COUNCIL', {
      description: 'DD BOLTON COUNCIL CTAX',
    });
    b.bill(monthlyDD(b, 10), 16000, 1, 'Utilities', 'BRITISH GAS', { description: 'DD BRITISH GAS' });
    b.bill(monthlyDD(b, 14), 4500, 1, 'Utilities', 'UNITED UTILITIES', {
      description: 'DD UNITED UTILITIES WATER',
    });
    b.bill(monthlyDD(b, 6), 6500, 1, 'Communications & Leisure', 'SKY DIGITAL', {
      description: 'DD SKY DIGITAL',
    });
    b.bill(monthlyDD(b, 18), 3000, 1, 'Communications & Leisure', 'O2 UK', {
      description: 'DD TELEFONICA UK O2',
    });
    b.bill(monthlyDD(b, 18), 2200, 1, 'Communications & Leisure', 'O2 UK', {
      description: 'DD TELEFONICA UK O2',
    });
    b.bill(monthlyDD(b, 5), 60000, 1, 'Care & Health', 'BUSY BEES NURSERIES', {
      description: 'DD BUSY BEES NURSERIES',
    });
    b.bill(monthlyDD(b, 9), 5500, 1, 'Pensions & Insurance', 'ADMIRAL INSURANCE', {
      description: 'DD ADMIRAL INSURANCE',
    });
    b.bill(monthlyDD(b, 22), 2500, 1, 'Pensions & Insurance', 'LEGAL AND GENERAL', {
      description: 'DD LEGAL AND GENERAL LIFE',
    });
    b.bill(monthlyDD(b, 16), 4000, 1, 'School Costs', 'PARENTPAY', { description: 'PARENTPAY SCHOOL MEALS' });
    everyday(b, [
      {
        category: 'Food & Housekeeping',
        merchants: ['ASDA STORES 4412', 'ALDI 66 BOLTON', 'TESCO EXTRA 2291'],
        perWeek: 3,
        lo: 3000,
        hi: 12000,
      },
      {
        category: 'Food & Housekeeping',
        merchants: ['MCDONALDS 1123', 'GREGGS PLC', 'PIZZA HUT'],
        perWeek: 1,
        lo: 800,
        hi: 3500,
      },
      {
        category: 'Transport',
        merchants: ['SHELL BOLTON', 'ESSO SERVICE STATION', 'TESCO PFS 2291'],
        perWeek: 1.2,
        lo: 4000,
        hi: 7500,
      },
      {
        category: 'Personal Costs',
        merchants: ['NEXT RETAIL LTD', 'PRIMARK STORES', 'CLARKS', 'BOOTS 1187'],
        perWeek: 1,
        lo: 1000,
        hi: 6000,
      },
      {
        category: 'Home & Contents',
        merchants: ['B&Q 1122', 'DUNELM', 'IKEA LTD'],
        perWeek: 0.3,
        lo: 1500,
        hi: 9000,
      },
    ]);
    return {
      description:
        'A couple with two children and a mortgage: a monthly and a four-weekly salary, Child Benefit, nursery fees and family bills.',
      now: NOW,
      circumstances: {
        housing: 'homeowner_mortgage',
        household_adults: 2,
        children_u16: 2,
        children_16_18: 0,
        vulnerabilities: [],
      },
      declared_income: 4200,
      transactions: b.build(),
      truth: b.truth({ risk_flags: [], detected_vulnerabilities: [], fca_compliant: true }, 4200),
    };
  },

  gig_worker(seed) {
    const b = new Builder(seed, END, SIX_MONTHS);
    // Weekly platform payouts that vary a lot, and sporadic courier jobs.
    let weekly = 0,
      n = 0;
    for (const d of b.periodDays(b.start + 4, 7, 'next')) {
      const p = b.int(10000, 60000);
      b.tx(d, -p, 'UBER BV', { description: 'FPI UBER BV PAYOUT' });
      weekly += p;
      n++;
    }
    for (const d of b.days())
      if (b.rng() < 0.06)
        b.incomeOnce(d, b.int(3000, 9000), 'STUART DELIVERY LTD', { description: 'FPI STUART DELIVERY' });
    // Truth for a weekly stream: the mean payout times 52/12.
    b.income([], Math.round(weekly / n), 52 / 12, 'UBER BV');
    b.bill(b.monthlyDays(1, 'prev'), 52000, 1, 'Home & Contents', 'J SMITH', {
      description: 'SO J SMITH RENT',
    });
    b.bill(monthlyDD(b, 15), 11500, 1, 'Home & Contents', 'MANCHESTER CITY COUNCIL', {
      description: 'DD MANCHESTER CITY COUNCIL',
    });
    b.bill(monthlyDD(b, 7), 7000, 1, 'Utilities', 'EDF ENERGY', { description: 'DD EDF ENERGY' });
    b.bill(monthlyDD(b, 20), 1500, 1, 'Communications & Leisure', 'GIFFGAFF', {
      description: 'GIFFGAFF TOPUP',
    });
    b.bill(monthlyDD(b, 25), 6000, 1, 'Pensions & Insurance', 'HASTINGS DIRECT', {
      description: 'DD HASTINGS INSURANCE',
    });
    everyday(b, [
      {
        category: 'Food & Housekeeping',
        merchants: ['LIDL GB MANCHESTER', 'ALDI 21 MANCHESTER', 'ICELAND FOODS'],
        perWeek: 2,
        lo: 1200,
        hi: 4000,
      },
      {
        category: 'Food & Housekeeping',
        merchants: ['GREGGS PLC', 'SUBWAY 3321', 'KFC MANCHESTER'],
        perWeek: 1.5,
        lo: 300,
        hi: 1000,
      },
      {
        category: 'Transport',
        merchants: ['SHELL MANCHESTER', 'BP CONNECT 0212', 'ESSO SERVICE STATION'],
        perWeek: 1.5,
        lo: 2000,
        hi: 4500,
      },
      {
        category: 'Personal Costs',
        merchants: ['PRIMARK STORES', 'SPORTS DIRECT'],
        perWeek: 0.3,
        lo: 1000,
        hi: 4000,
      },
    ]);
    return {
      description:
        'A gig worker: weekly ride-hailing payouts that swing widely, sporadic courier jobs, private rent; declares more than the account shows.',
      now: NOW,
      circumstances: {
        housing: 'renter',
        household_adults: 1,
        children_u16: 0,
        children_16_18: 0,
        vulnerabilities: [],
      },
      declared_income: 2600,
      transactions: b.build(),
      truth: b.truth(
        {
          risk_flags: ['income_discrepancy', 'income_volatility'],
          detected_vulnerabilities: [],
          fca_compliant: true,
        },
        2600,
      ),
    };
  },

  benefits_claimant_pip(seed) {
    const b = new Builder(seed, END, SIX_MONTHS);
    b.income(b.monthlyDays(12, 'prev'), 69145, 1, 'DWP UC', { description: 'DWP UC 0123456789' });
    b.income(b.periodDays(b.start + 2, 28, 'prev'), 43420, 13 / 12, 'DWP PIP', {
      description: 'DWP PIP NI AB123456C',
    });
    b.bill(b.monthlyDays(1, 'next'), 42000, 1, 'Home & Contents', 'CLARION HOUSING', {
      description: 'DD CLARION HOUSING RENT',
    });
    b.bill(monthlyDD(b, 1), 3000, 1, 'Home & Contents', 'SHEFFIELD CITY COUNCIL', {
      description: 'DD SHEFFIELD CITY COUNCIL',
    });
    b.bill(monthlyDD(b, 23), 1000, 1, 'Communications & Leisure', 'LEBARA MOBILE', {
      description: 'LEBARA MOBILE',
    });
    everyday(b, [
      { category: 'Utilities', merchants: ['PAYPOINT SHEFFIELD'], perWeek: 1, lo: 2000, hi: 3000 },
      {
        category: 'Food & Housekeeping',
        merchants: ['LIDL GB SHEFFIELD', 'ICELAND FOODS', 'HERON FOODS'],
        perWeek: 2.5,
        lo: 1000,
        hi: 3500,
      },
      { category: 'Care & Health', merchants: ['LLOYDS PHARMACY'], perWeek: 0.3, lo: 500, hi: 1500 },
      { category: 'Transport', merchants: ['STAGECOACH BUS'], perWeek: 2, lo: 250, hi: 600 },
      {
        category: 'Personal Costs',
        merchants: ['PRIMARK STORES', 'BOOTS 1187'],
        perWeek: 0.4,
        lo: 500,
        hi: 2500,
      },
    ]);
    return {
      description:
        'A benefits claimant in social housing with Universal Credit and PIP, paying rent and topping up a prepayment meter.',
      now: NOW,
      circumstances: {
        housing: 'social_housing',
        household_adults: 1,
        children_u16: 0,
        children_16_18: 0,
        vulnerabilities: ['mental_health', 'mental_health'],
      },
      declared_income: 1150,
      transactions: b.build(),
      truth: b.truth(
        { risk_flags: [], detected_vulnerabilities: ['health_disability_benefits'], fca_compliant: true },
        1150,
      ),
    };
  },

  problem_gambler(seed) {
    const b = new Builder(seed, END, SIX_MONTHS);
    b.income(b.monthlyDays(31, 'prev'), 260000, 1, 'BRIGHT SPARK ELECTRICAL LTD', {
      description: 'BGC BRIGHT SPARK ELECTRICAL LTD',
    });
    b.bill(b.monthlyDays(1, 'prev'), 80000, 1, 'Home & Contents', 'YOUR MOVE', {
      description: 'SO YOUR MOVE LETTINGS',
    });
    b.bill(monthlyDD(b, 15), 13000, 1, 'Home & Contents', 'BIRMINGHAM CITY COUNCIL', {
      description: 'DD BIRMINGHAM CITY COUNCIL',
    });
    b.bill(monthlyDD(b, 8), 8000, 1, 'Utilities', 'E.ON NEXT', { description: 'DD EON NEXT' });
    b.bill(monthlyDD(b, 3), 2000, 1, 'Communications & Leisure', 'VODAFONE LTD', {
      description: 'DD VODAFONE LTD',
    });
    everyday(b, [
      {
        category: 'Gambling',
        merchants: ['BET365', 'SKY BETTING AND GAMING', 'POKERSTARS', 'PADDY POWER'],
        perWeek: 4,
        lo: 2000,
        hi: 12000,
      },
      {
        category: 'Food & Housekeeping',
        merchants: ['TESCO EXPRESS 2211', 'ASDA STORES 0012'],
        perWeek: 2,
        lo: 1500,
        hi: 4500,
      },
      {
        category: 'Food & Housekeeping',
        merchants: ['GREGGS PLC', 'MCDONALDS 1123'],
        perWeek: 2,
        lo: 300,
        hi: 1200,
      },
      {
        category: 'Transport',
        merchants: ['NATIONAL EXPRESS', 'WEST MIDLANDS TRAINS'],
        perWeek: 2,
        lo: 300,
        hi: 900,
      },
    ]);
    // Occasional winnings, netted against gambling spend.
    for (const d of b.days())
      if (b.rng() < 0.04)
        b.spend(d, -b.int(5000, 20000), 'Gambling', 'BET365', { description: 'BET365 WITHDRAWAL' });
    return {
      description:
        'A problem gambler: a steady salary and heavy, frequent deposits with online bookmakers and casinos, with occasional winnings.',
      now: NOW,
      circumstances: {
        housing: 'renter',
        household_adults: 1,
        children_u16: 0,
        children_16_18: 0,
        vulnerabilities: [],
      },
      declared_income: 2600,
      transactions: b.build(),
      truth: b.truth(
        {
          risk_flags: ['gambling', 'gambling_high'],
          detected_vulnerabilities: ['resilience_gambling_harm'],
          fca_compliant: true,
        },
        2600,
      ),
    };
  },

  in_difficulty(seed) {
    const b = new Builder(seed, END, SIX_MONTHS);
    b.income(b.monthlyDays(28, 'prev'), 165000, 1, 'QUICKCLEAN SERVICES LTD', {
      description: 'BGC QUICKCLEAN SERVICES LTD',
    });
    b.bill(b.monthlyDays(1, 'prev'), 75000, 1, 'Home & Contents', 'OPENRENT', {
      description: 'SO OPENRENT RENT',
    });
    b.bill(monthlyDD(b, 15), 12000, 1, 'Home & Contents', 'LIVERPOOL CITY COUNCIL', {
      description: 'DD LIVERPOOL CITY COUNCIL',
    });
    const gasDays = monthlyDD(b, 8);
    b.bill(gasDays, 11000, 1, 'Utilities', 'BRITISH GAS', { description: 'DD BRITISH GAS' });
    b.bill(monthlyDD(b, 3), 3000, 1, 'Communications & Leisure', 'THREE MOBILE', {
      description: 'DD HUTCHISON 3G UK',
    });
    // Payday loans: money in, then monthly repayments.
    b.neutral(b.start + 10, -30000, 'LENDING STREAM', { description: 'FPI LENDING STREAM LOAN' });
    b.neutral(b.start + 70, -25000, 'DRAFTY', { description: 'FPI DRAFTY DRAWDOWN' });
    b.bill(monthlyDD(b, 20), 11000, 1, 'Credit Commitments', 'LENDING STREAM', {
      description: 'DD LENDING STREAM',
    });
    b.bill(monthlyDD(b, 24), 6500, 1, 'Credit Commitments', 'DRAFTY', { description: 'DD DRAFTY' });
    // Overdraft interest and unarranged overdraft fees every month.
    b.bill(b.monthlyDays(27, 'prev'), 1850, 1, 'Credit Commitments', 'OVERDRAFT INTEREST', {
      description: 'ARRANGED OVERDRAFT INTEREST',
    });
    b.bill(b.monthlyDays(27, 'prev'), 1500, 1, 'Credit Commitments', 'UNARRANGED OVERDRAFT FEE', {
      description: 'UNARRANGED OVERDRAFT FEE',
    });
    // Three returned direct debits: the reversal credit and the unpaid item fee.
    for (const d of gasDays.slice(1, 4)) {
      b.neutral(d + 1, -11000, 'UNPAID DD BRITISH GAS', { description: 'RETURNED DIRECT DEBIT BRITISH GAS' });
      b.spend(d + 1, 500, 'Credit Commitments', 'UNPAID ITEM FEE', { description: 'UNPAID ITEM FEE' });
    }
    everyday(b, [
      {
        category: 'Food & Housekeeping',
        merchants: ['ALDI 12 LIVERPOOL', 'LIDL GB LIVERPOOL', 'FARMFOODS'],
        perWeek: 3,
        lo: 1500,
        hi: 4000,
      },
      {
        category: 'Food & Housekeeping',
        merchants: ['GREGGS PLC', 'JUST EAT'],
        perWeek: 2.5,
        lo: 400,
        hi: 2200,
      },
      { category: 'Transport', merchants: ['ARRIVA BUS', 'MERSEYRAIL'], perWeek: 3, lo: 250, hi: 800 },
      { category: 'Cash Withdrawals', merchants: ['NOTEMACHINE LIVERPOOL'], perWeek: 1, lo: 1000, hi: 3000 },
      {
        category: 'Personal Costs',
        merchants: ['PRIMARK STORES', 'NEW LOOK 0231'],
        perWeek: 0.6,
        lo: 800,
        hi: 3000,
      },
    ]);
    return {
      description:
        'Someone in financial difficulty: payday loans, an overdraft that tips into unarranged borrowing, and returned direct debits.',
      now: NOW,
      circumstances: {
        housing: 'renter',
        household_adults: 1,
        children_u16: 0,
        children_16_18: 0,
        vulnerabilities: [],
      },
      declared_income: 1650,
      transactions: b.build({ current: -20000 }),
      truth: b.truth(
        {
          risk_flags: [
            'negative_disposable_income',
            'overdraft_usage',
            'payday_loans',
            'returned_payments',
            'unarranged_overdraft',
          ],
          detected_vulnerabilities: [
            'resilience_high_cost_credit',
            'resilience_negative_budget',
            'resilience_persistent_overdraft',
            'resilience_returned_payments',
            'capability_repeated_bank_charges',
          ],
          fca_compliant: true,
        },
        1650,
      ),
    };
  },

  high_earner_savings(seed) {
    const b = new Builder(seed, END, SIX_MONTHS);
    b.income(b.monthlyDays(20, 'prev'), 680000, 1, 'HALCYON CAPITAL PARTNERS LLP', {
      description: 'BGC HALCYON CAPITAL PARTNERS LLP SALARY',
    });
    b.income(b.monthlyDays(1, 'next'), 2500, 1, 'GROSS INTEREST', {
      description: 'GROSS INTEREST',
      account: 'savings',
    });
    b.bill(monthlyDD(b, 1), 210000, 1, 'Home & Contents', 'BARCLAYS MORTGAGE', {
      description: 'DD BARCLAYS BANK MORTGAGE',
    });
    b.bill(monthlyDD(b, 1), 25000, 1, 'Home & Contents', 'ROYAL BOROUGH OF KINGSTON', {
      description: 'DD ROYAL BOROUGH OF KINGSTON CTAX',
    });
    b.bill(monthlyDD(b, 9), 18000, 1, 'Utilities', 'OCTOPUS ENERGY', { description: 'DD OCTOPUS ENERGY' });
    b.bill(monthlyDD(b, 11), 5200, 1, 'Utilities', 'THAMES WATER', { description: 'DD THAMES WATER' });
    b.bill(monthlyDD(b, 5), 7500, 1, 'Communications & Leisure', 'BT GROUP', {
      description: 'DD BT GROUP PLC',
    });
    b.bill(monthlyDD(b, 3), 9900, 1, 'Communications & Leisure', 'DAVID LLOYD CLUBS', {
      description: 'DD DAVID LLOYD LEISURE',
    });
    b.bill(monthlyDD(b, 14), 120000, 1, 'Credit Commitments', 'AMERICAN EXPRESS', {
      description: 'DD AMERICAN EXPRESS',
    });
    b.bill(monthlyDD(b, 22), 6000, 1, 'Pensions & Insurance', 'AVIVA LIFE', {
      description: 'DD AVIVA LIFE PROTECTION',
    });
    // Savings: a monthly ISA contribution (not expenditure) and transfers between own accounts.
    for (const d of b.monthlyDays(21, 'next')) {
      b.neutral(d, 150000, 'TO SAVINGS', { description: 'TFR TO SAVINGS 40-11-22 12345678' });
      b.neutral(d, -150000, 'FROM CURRENT ACCOUNT', {
        description: 'TFR FROM CURRENT 40-11-22 87654321',
        account: 'savings',
      });
      b.neutral(d + 1, 50000, 'VANGUARD ASSET', { description: 'DD VANGUARD ASSET MGMT ISA' });
    }
    for (let i = 0; i < 5; i++) {
      const d = b.start + 15 + i * 33;
      const p = b.int(300, 2000) * 100;
      b.neutral(d, p, 'TRANSFER TO CURRENT', { description: 'TFR TO CURRENT', account: 'savings' });
      b.neutral(d + 1, -p, 'TRANSFER FROM SAVINGS', { description: 'TFR FROM SAVINGS' });
    }
    b.neutral(b.start + 100, -20000, 'MUM', { description: 'FPI MUM HAPPY BIRTHDAY' });
    everyday(b, [
      {
        category: 'Food & Housekeeping',
        merchants: ['WAITROSE & PARTNERS', 'OCADO RETAIL', 'M&S SIMPLY FOOD'],
        perWeek: 2,
        lo: 3000,
        hi: 12000,
      },
      {
        category: 'Food & Housekeeping',
        merchants: ['DISHOOM LONDON', 'WAGAMAMA', 'PRET A MANGER'],
        perWeek: 3,
        lo: 800,
        hi: 9000,
      },
      {
        category: 'Transport',
        merchants: ['TFL TRAVEL CH', 'TRAINLINE', 'ADDISON LEE'],
        perWeek: 4,
        lo: 300,
        hi: 4500,
      },
      {
        category: 'Communications & Leisure',
        merchants: ['BRITISH AIRWAYS', 'BOOKING.COM', 'TICKETMASTER'],
        perWeek: 0.2,
        lo: 5000,
        hi: 40000,
      },
      {
        category: 'Personal Costs',
        merchants: ['JOHN LEWIS PLC', 'UNIQLO', 'AMAZON.CO.UK'],
        perWeek: 1.5,
        lo: 2000,
        hi: 15000,
      },
    ]);
    return {
      description:
        'A high earner with a savings account: a large salary, a monthly ISA, and many transfers between their own current and savings accounts.',
      now: NOW,
      circumstances: {
        housing: 'homeowner_mortgage',
        household_adults: 2,
        children_u16: 0,
        children_16_18: 0,
        vulnerabilities: [],
      },
      declared_income: 6800,
      transactions: b.build({ current: 2000000, savings: 2500000 }),
      truth: b.truth({ risk_flags: [], detected_vulnerabilities: [], fca_compliant: true }, 6800),
    };
  },

  thin_file(seed) {
    const b = new Builder(seed, END, 36);
    b.income(b.monthlyDays(25, 'prev'), 190000, 1, 'COFFEE CO LTD', {
      description: 'BGC COFFEE CO LTD SALARY',
    });
    b.bill(b.monthlyDays(1, 'prev'), 65000, 1, 'Home & Contents', 'OPENRENT', {
      description: 'SO OPENRENT RENT',
    });
    b.bill(monthlyDD(b, 10), 6000, 1, 'Utilities', 'OVO ENERGY', { description: 'DD OVO ENERGY' });
    everyday(b, [
      {
        category: 'Food & Housekeeping',
        merchants: ['TESCO EXPRESS 2211', 'SAINSBURYS LOCAL'],
        perWeek: 2,
        lo: 1200,
        hi: 4000,
      },
      { category: 'Transport', merchants: ['TFL TRAVEL CH'], perWeek: 3, lo: 280, hi: 800 },
    ]);
    return {
      description: 'A thin file: five weeks of history with one pay day, rent and a little spending.',
      now: NOW,
      circumstances: {
        housing: 'renter',
        household_adults: 1,
        children_u16: 0,
        children_16_18: 0,
        vulnerabilities: [],
      },
      declared_income: 1900,
      transactions: b.build(),
      truth: b.truth(
        {
          risk_flags: ['insufficient_history', 'too_few_transactions'],
          detected_vulnerabilities: [],
          fca_compliant: false,
        },
        1900,
      ),
    };
  },
};

export function generatePersona(id: PersonaId, seed = 1): Persona {
  const gen = GENERATORS[id];
  return { id, seed, ...gen(seed) };
}

export function generateAll(seed = 1): Persona[] {
  return PERSONA_IDS.map((id, i) => generatePersona(id, seed * 100 + i));
}

/**
 * The persona moved forward (or back) by whole weeks so that its history ends in the week before `to`
 * and its `now` is within 6 days of it — for a demo on today's date, where the fixed dates would be
 * stale. Whole weeks keep every transaction on its weekday (weekly, fortnightly and four-weekly pay,
 * weekends without payments); a pay day fixed in the month moves by a few days. `truth` is the
 * generator's for the original dates.
 */
export function shiftPersona(p: Persona, to: Date): Persona {
  const week = 7 * 86_400_000;
  const shift = Math.floor((to.getTime() - Date.parse(p.now)) / week) * week;
  const move = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + shift).toISOString().slice(0, 10);
  return {
    ...p,
    now: new Date(Date.parse(p.now) + shift).toISOString(),
    transactions: p.transactions.map((t) => ({ ...t, date: move(t.date) })),
  };
}

/**
 * A history of exactly `n` transactions for benchmarks: the full personas of successive seeds, each
 * persona's accounts renamed so that no two customers' transfers pair up.
 */
export function benchmarkHistory(n: number): VeqtrxTransaction[] {
  const out: VeqtrxTransaction[] = [];
  for (let seed = 1; out.length < n; seed++) {
    for (const p of generateAll(seed)) {
      if (p.id === 'thin_file') continue;
      for (const t of p.transactions)
        out.push({ ...t, account_id: `${t.account_id ?? 'default'}-${seed}-${p.id}` });
    }
  }
  return out.slice(0, n);
}

export { isoDate };
