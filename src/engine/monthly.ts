/**
 * What a series of payments is worth a month: the rules that income (stage 3) and expenditure (stage 4)
 * share, each written once. Amounts in pence. docs/engine.md § Income, § Expenditure.
 */
import type { Money } from '../model/money.ts';
import { DRIFT_TOLERANCE, PER_MONTH, PERIOD_DAYS, type Cadence, type CadenceFit } from './cadence.ts';
import type { Period } from './period.ts';
import { THRESHOLDS } from './thresholds.ts';

/** A schedule has ended when, at the end of the history, its last payment is `endedAfterPeriods` periods old (and the drift tolerance). */
export function scheduleEnded(cadence: Cadence, quietDays: number): boolean {
  return quietDays > THRESHOLDS.endedAfterPeriods * PERIOD_DAYS[cadence] + DRIFT_TOLERANCE[cadence];
}

/**
 * One payment of a schedule, pence. A schedule owed in full every period (a payroll, the DWP, a pension
 * scheme; a mortgage, a loan, a bill) is the mean of the payments made: a slot without a payment does not
 * make it smaller. Any other schedule counts an empty slot as a period without money: total ÷ slots.
 */
export function perPayment(total: number, fit: CadenceFit, owedInFull: boolean): number {
  return total / (owedInFull ? fit.slots - fit.missed : fit.slots);
}

/** A schedule's payment a month, pence. */
export function perMonth(payment: number, cadence: Cadence): number {
  return payment * PER_MONTH[cadence];
}

/**
 * A single payment in a history too short to hold a second one (`singlePaymentMonthlyMaxSpanDays`) is taken
 * as monthly, for the kinds of payment that are monthly (pay, benefits, pensions; committed bills): the
 * basis that says so, or undefined.
 */
export function takenAsMonthly(payments: number, period: Period): string | undefined {
  return payments === 1 && period.days < THRESHOLDS.singlePaymentMonthlyMaxSpanDays
    ? `one payment in a ${period.days}-day history, taken as monthly`
    : undefined;
}

/** Payments with no schedule: their total over the months of the history (pence a month), and the basis. */
export function averaged(total: number, period: Period, money: Money): { monthly: number; basis: string } {
  return {
    monthly: total / period.averagingMonths,
    basis: `total ${money(total)} over ${period.averagingMonths.toFixed(2)} months`,
  };
}

/**
 * A monthly figure in pence as the engine has always carried it: through pounds and back. `x / 100 * 100`
 * is `x` to within a unit in the last place, and that unit decides `Math.round` at an exact half penny
 * (14.5 rounds to 14 this way, 15 directly). Kept so that every figure stays what it was: rounding such
 * halves up is a change of figures, for an issue of its own.
 */
export const viaPounds = (minor: number): number => (minor / 100) * 100;
