/**
 * Stage 6: how far the figures can be relied on (confidence, 0..1) and whether the assessment meets
 * the documented CONC 5.2A-minded minimum (fca_compliant), with every check and its outcome.
 */
import type { Circumstances } from '../model/circumstances.ts';
import type { Row } from './classify.ts';
import { incomeWeight } from './income.ts';
import { HOUSING_KINDS } from './kinds.ts';
import type { Period } from './period.ts';
import { clamp, round2 } from './stats.ts';
import { THRESHOLDS as T } from './thresholds.ts';
import type { Evidence, RiskFlagEvidence, Stream } from './types.ts';

export const CONFIDENCE_WEIGHTS = {
  coverage: 0.4,
  categorised_share: 0.25,
  income_regularity: 0.2,
  continuity: 0.15,
} as const;

export function confidence(
  rows: readonly Row[],
  period: Period | undefined,
  streams: readonly Stream[],
): Evidence['confidence'] {
  const weights = { ...CONFIDENCE_WEIGHTS };
  if (!period)
    return { score: 0, coverage: 0, categorised_share: 0, income_regularity: 0, continuity: 0, weights };
  const coverage = clamp(period.monthsExact / 6, 0, 1);
  let spent = 0,
    known = 0;
  for (const r of rows) {
    if (r.treatment !== 'expenditure') continue;
    spent += r.abs;
    if (r.rule !== 'unmatched') known += r.abs;
  }
  const categorised = spent > 0 ? known / spent : 1;
  let income = 0,
    regular = 0;
  for (const s of streams) {
    if (s.status !== 'active') continue;
    const w = incomeWeight(s);
    income += w;
    if (s.cadence !== 'irregular') regular += w * (1 - clamp(s.variability, 0, 1));
  }
  const regularity = income > 0 ? regular / income : 0;
  const days = [
    ...new Set(
      rows.filter((r) => r.treatment !== 'excluded' || r.reason === 'own_account_transfer').map((r) => r.day),
    ),
  ].sort((a, b) => a - b);
  let gap = 0;
  let prev: number | undefined;
  for (const d of days) {
    if (prev !== undefined) gap += Math.max(0, d - prev - T.gapDays);
    prev = d;
  }
  const continuity = period.days > 1 ? clamp(1 - gap / period.days, 0, 1) : 0;
  const score = clamp(
    weights.coverage * coverage +
      weights.categorised_share * categorised +
      weights.income_regularity * regularity +
      weights.continuity * continuity,
    0,
    1,
  );
  return {
    score: round2(score),
    coverage: round2(coverage),
    categorised_share: round2(categorised),
    income_regularity: round2(regularity),
    continuity: round2(continuity),
    weights,
  };
}

export interface FcaInput {
  rows: readonly Row[];
  period: Period | undefined;
  committedMinor: number;
  essentialMinor: number;
  risk: readonly RiskFlagEvidence[];
  circumstances: Circumstances | undefined;
}

/** The minimum, from the risk flags where a flag says the same (history, transactions, verified income). */
export function fcaChecks(f: FcaInput): Evidence['fca'] {
  const months = f.period?.monthsAnalyzed ?? 0;
  const flagged = (code: string) => f.risk.some((r) => r.code === code);
  const verified = !flagged('no_verified_income');
  const housingDue =
    f.circumstances?.housing === 'renter' || f.circumstances?.housing === 'homeowner_mortgage';
  const housingSeen = f.rows.some(
    (r) => r.treatment === 'expenditure' && r.kind !== undefined && HOUSING_KINDS.has(r.kind),
  );
  const checks = [
    {
      check: 'history_at_least_3_months',
      passed: !flagged('insufficient_history'),
      detail: `${months} months of transactions (minimum ${T.minMonths})`,
    },
    {
      check: 'enough_transactions',
      passed: !flagged('too_few_transactions'),
      detail: 'enough transactions to observe spending patterns',
    },
    {
      check: 'income_verified_from_transactions',
      passed: verified,
      detail: verified
        ? 'income established from credits in the account'
        : 'no income could be established from the transactions; a declaration alone is not enough',
    },
    {
      check: 'non_discretionary_expenditure_assessed',
      passed: f.committedMinor + f.essentialMinor > 0,
      detail: 'committed and essential expenditure observed in the transactions',
    },
    {
      check: 'housing_cost_evidenced',
      passed: !housingDue || housingSeen,
      detail: housingDue
        ? housingSeen
          ? 'rent or mortgage payments found'
          : `declared housing "${f.circumstances?.housing}" but no rent or mortgage payment was found`
        : 'not required for the declared housing',
    },
  ];
  return { compliant: checks.every((c) => c.passed), checks };
}
