/**
 * Our figures beside a third-party provider's (issue 14): for an assessment whose data went through an
 * analysis provider, the evidence shows each figure both sides state, the difference, and whether it is
 * a disagreement a lender should look at. Pure: the engine's figures and the provider's verdict in.
 *
 * A disagreement (rule `third_party.disagreement`, docs/engine.md):
 * - an amount (monthly income, expenditure, disposable income, affordable amount) differs by more than
 *   `AMOUNT_THRESHOLD_PCT` of the larger of the two and by more than `AMOUNT_FLOOR_MINOR` (so that £3
 *   against £4 of disposable income is not called one);
 * - the scores, each placed on its own range (ours 0–100, the provider's its stated min–max, both read
 *   as "higher is more affordable / less risky"), are more than `SCORE_THRESHOLD` apart on a 0–1 scale.
 * The provider's figures are never used in ours: they are shown, compared and flagged, nothing more.
 */
import type { AssessmentFigures } from '../model/assessment.ts';
import type { ThirdPartyVerdict } from '../model/third-party.ts';

export const AMOUNT_THRESHOLD_PCT = 10;
export const AMOUNT_FLOOR_MINOR = 5_000;
export const SCORE_THRESHOLD = 0.25;

const AMOUNTS = [
  ['monthly_income', 'monthly_income_minor'],
  ['monthly_expenditure', 'monthly_expenditure_minor'],
  ['disposable_income', 'disposable_income_minor'],
  ['affordable_amount', 'affordable_amount_minor'],
] as const;

export interface FigureComparison {
  figure: (typeof AMOUNTS)[number][0] | 'score';
  /** Amounts in minor units of the assessment's currency; scores on 0–1 (ours /100; theirs by its range). */
  ours: number;
  theirs: number;
  /** Amounts: |ours − theirs| as a percentage of the larger; scores: the gap on 0–1. */
  difference: number;
  disagrees: boolean;
}

export interface ThirdPartyComparison {
  provider: string;
  product: string;
  /** Only the figures both sides state. */
  figures: FigureComparison[];
  /** The figures that disagree, in words, for the lender. */
  disagreements: string[];
  /** Set when the provider's amounts are in another currency: no amount is compared then. */
  currency_mismatch?: { ours: string; theirs: string };
  rule: 'third_party.disagreement';
  thresholds: { amount_pct: number; amount_floor_minor: number; score: number };
}

const pounds = (minor: number) => minor / 100;

export function compareThirdParty(
  ours: AssessmentFigures,
  currency: string,
  verdict: ThirdPartyVerdict,
): ThirdPartyComparison {
  const theirs = verdict.mapped;
  const figures: FigureComparison[] = [];
  const disagreements: string[] = [];
  const mismatch = theirs.currency !== undefined && theirs.currency !== currency;
  if (!mismatch) {
    for (const [figure, key] of AMOUNTS) {
      const t = theirs[key];
      if (t === undefined) continue;
      const o = Math.round(ours[figure] * 100);
      const gap = Math.abs(o - t);
      const larger = Math.max(Math.abs(o), Math.abs(t));
      const difference = larger === 0 ? 0 : Math.round((gap / larger) * 1000) / 10;
      const disagrees = difference > AMOUNT_THRESHOLD_PCT && gap > AMOUNT_FLOOR_MINOR;
      figures.push({ figure, ours: o, theirs: t, difference, disagrees });
      if (disagrees)
        disagreements.push(
          `${figure.replace(/_/g, ' ')}: ours ${pounds(o).toFixed(2)}, ${verdict.provider}'s ${pounds(t).toFixed(2)} ${currency} (${difference}% apart)`,
        );
    }
  }
  const s = theirs.score;
  if (s && s.max > s.min) {
    const o = Math.min(1, Math.max(0, ours.affordability_score / 100));
    const t = Math.min(1, Math.max(0, (s.value - s.min) / (s.max - s.min)));
    const difference = Math.round(Math.abs(o - t) * 100) / 100;
    const disagrees = difference > SCORE_THRESHOLD;
    figures.push({ figure: 'score', ours: o, theirs: t, difference, disagrees });
    if (disagrees)
      disagreements.push(
        `score: ours ${ours.affordability_score}/100, ${verdict.provider}'s ${s.value} on ${s.min}–${s.max} (${Math.round(difference * 100)} points apart on a common 0–100 scale)`,
      );
  }
  return {
    provider: verdict.provider,
    product: verdict.product,
    figures,
    disagreements,
    ...(mismatch && theirs.currency
      ? { currency_mismatch: { ours: currency, theirs: theirs.currency } }
      : {}),
    rule: 'third_party.disagreement',
    thresholds: {
      amount_pct: AMOUNT_THRESHOLD_PCT,
      amount_floor_minor: AMOUNT_FLOOR_MINOR,
      score: SCORE_THRESHOLD,
    },
  };
}
