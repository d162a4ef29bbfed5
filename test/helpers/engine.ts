import { assess, type EngineInput, type EngineResult } from '../../src/engine/index.ts';
import { fromVeqtrx, toMinor, type Transaction, type VeqtrxTransaction } from '../../src/model/index.ts';

export const NOW = new Date('2026-11-02T09:00:00Z');

/** A transaction in Veqtrx terms (major units, positive = money out). */
export function tx(
  date: string,
  amount: number,
  merchant: string,
  extra: Partial<VeqtrxTransaction> & { source_ref?: string; currency?: string } = {},
): Transaction {
  const { source_ref, currency, ...rest } = extra;
  const t = fromVeqtrx({ date, amount, merchant_name: merchant, ...rest });
  if (source_ref) t.source_ref = source_ref;
  if (currency) t.currency = currency;
  return t;
}

/** Monthly dates on a day of month between two months inclusive, e.g. monthly(25, '2026-05', '2026-10'). */
export function monthly(dom: number, from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}-${String(dom).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export function run(
  transactions: Transaction[],
  opts: Partial<Omit<EngineInput, 'transactions'>> & { declared?: number } = {},
): EngineResult {
  const { declared, ...rest } = opts;
  const input: EngineInput = { transactions, now: NOW, ...rest };
  if (declared !== undefined) input.declared_income_minor = toMinor(declared);
  return assess(input);
}

/** A steady six-month base: salary, rent, bills and enough everyday spending to be a full file. */
export function baseline(): Transaction[] {
  const out: Transaction[] = [];
  for (const d of monthly(25, '2026-05', '2026-10'))
    out.push(tx(d, -2200, 'ACME LTD', { description: 'BGC ACME LTD SALARY' }));
  for (const d of monthly(1, '2026-05', '2026-10'))
    out.push(tx(d, 800, 'FOXTONS', { description: 'SO FOXTONS RENT' }));
  for (const d of monthly(10, '2026-05', '2026-10')) out.push(tx(d, 90, 'OCTOPUS ENERGY'));
  for (let i = 0; i < 60; i++) {
    const day = 1 + ((i * 3) % 28);
    const month = 5 + (i % 6);
    out.push(
      tx(
        `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        30 + (i % 7),
        'TESCO STORES 3297',
      ),
    );
  }
  out.push(tx('2026-10-31', 2.5, 'TESCO STORES 3297'));
  return out;
}

export const toVeqtrx = (p: { transactions: VeqtrxTransaction[] }) =>
  p.transactions.map((t) => fromVeqtrx(t));
