/**
 * The balance chain: opening balance + money in − money out must give every printed running balance,
 * every balance carried or brought forward, and the closing balance; the rows must add up to every
 * printed total. Where a printed figure disagrees, the break is recorded and the chain continues from
 * the printed figure, so one bad row is one break and the evidence shows where it is.
 */
import { at, present } from '../../src/lib/narrow.ts';
import type { Reconciliation, ReconciliationBreak } from './types.ts';

export interface ChainRow {
  /** Positive = money out (the model's sign). */
  amount_minor: number;
  /** The balance printed after the row, if printed. */
  balance_minor?: number;
  page: number;
}

export interface ChainInput {
  rows: ChainRow[];
  opening: { minor: number; page: number } | null;
  closing: { minor: number; page: number } | null;
  /** Balances printed between rows (brought/carried forward at page breaks): after `after` rows. */
  checkpoints: { after: number; minor: number; page: number }[];
  totals: { kind: 'in' | 'out'; minor: number; page: number }[];
}

export interface ChainResult {
  reconciliation: Reconciliation;
  opening_minor: number;
  closing_minor: number;
  /** Rows where the chain broke and then resumed agreeing with the printed balances (an edited figure). */
  isolated: number[];
}

export function reconcileChain(input: ChainInput): ChainResult {
  const { rows } = input;
  const breaks: ReconciliationBreak[] = [];
  let opening = input.opening?.minor;
  let openingDerived = false;
  if (opening === undefined) {
    // Worked back from the first printed balance (or checkpoint) before which rows are known.
    const firstCp = input.checkpoints.find((c) => c.after === 0);
    if (firstCp) opening = firstCp.minor;
    else {
      const k = rows.findIndex((r) => r.balance_minor !== undefined);
      if (k >= 0) {
        opening =
          present(at(rows, k).balance_minor, 'balance') +
          rows.slice(0, k + 1).reduce((s, r) => s + r.amount_minor, 0);
        openingDerived = true;
      } else {
        opening = 0;
        openingDerived = true;
      }
    }
  }
  let running = opening;
  let balancesChecked = 0;
  const brokeAt: number[] = [];
  const cps = [...input.checkpoints].sort((a, b) => a.after - b.after);
  let ci = 0;
  const checkCheckpoints = (after: number) => {
    while (ci < cps.length && at(cps, ci).after === after) {
      const cp = at(cps, ci++);
      if (after === 0 && input.opening === null) continue; // it is the opening balance itself
      balancesChecked++;
      if (cp.minor !== running) {
        breaks.push({
          row: after === 0 ? null : after - 1,
          kind: after === 0 ? 'opening_balance' : 'running_balance',
          expected: running,
          printed: cp.minor,
          page: cp.page,
        });
        running = cp.minor;
      }
    }
  };
  checkCheckpoints(0);
  for (let i = 0; i < rows.length; i++) {
    const r = at(rows, i);
    running -= r.amount_minor;
    if (r.balance_minor !== undefined) {
      balancesChecked++;
      if (r.balance_minor !== running) {
        breaks.push({
          row: i,
          kind: 'running_balance',
          expected: running,
          printed: r.balance_minor,
          page: r.page,
        });
        brokeAt.push(i);
        running = r.balance_minor;
      }
    }
    checkCheckpoints(i + 1);
  }
  while (ci < cps.length) checkCheckpoints(at(cps, ci).after);
  let closing = running;
  if (input.closing) {
    balancesChecked++;
    if (input.closing.minor !== running) {
      breaks.push({
        row: rows.length ? rows.length - 1 : null,
        kind: 'closing_balance',
        expected: running,
        printed: input.closing.minor,
        page: input.closing.page,
      });
    }
    closing = input.closing.minor;
  }
  const paidIn = rows.reduce((s, r) => s + (r.amount_minor < 0 ? -r.amount_minor : 0), 0);
  const paidOut = rows.reduce((s, r) => s + (r.amount_minor > 0 ? r.amount_minor : 0), 0);
  for (const t of input.totals) {
    const expected = t.kind === 'in' ? paidIn : paidOut;
    if (t.minor !== expected)
      breaks.push({
        row: null,
        kind: t.kind === 'in' ? 'total_in' : 'total_out',
        expected,
        printed: t.minor,
        page: t.page,
      });
  }
  // Breaks a reader's mistake would not make: a single row whose amount disagrees with balances that
  // otherwise agree (the chain resumes at the next printed balance), or a single printed balance that
  // disagrees with the balances either side of it (they agree with each other through the amounts).
  const isolated: number[] = [];
  const broke = new Set(brokeAt);
  for (const i of brokeAt) {
    if (!broke.has(i)) continue;
    const next = rows.findIndex((r, j) => j > i && r.balance_minor !== undefined);
    if (next < 0) continue;
    if (!broke.has(next)) {
      isolated.push(i);
      continue;
    }
    let prevBalance = opening;
    let from = 0;
    for (let j = i - 1; j >= 0; j--) {
      if (at(rows, j).balance_minor !== undefined) {
        prevBalance = present(at(rows, j).balance_minor, 'balance');
        from = j + 1;
        break;
      }
    }
    const through = rows.slice(from, next + 1).reduce((s, r) => s + r.amount_minor, 0);
    if (prevBalance - through === at(rows, next).balance_minor) {
      isolated.push(i);
      broke.delete(next); // the next break is the same edit seen from the other side
    }
  }
  return {
    reconciliation: {
      ok: breaks.length === 0,
      breaks,
      balances_checked: balancesChecked,
      totals_checked: input.totals.length,
      opening_derived: openingDerived,
    },
    opening_minor: opening,
    closing_minor: closing,
    isolated,
  };
}
