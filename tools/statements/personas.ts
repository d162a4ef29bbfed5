/**
 * Statements from the seeded personas (tools/personas): a persona's current account cut into monthly
 * statements, each drawn in a bank's layout, with the truth the reader must find.
 */
import { toMinor } from '../../src/model/money.ts';
import { generatePersona, type PersonaId } from '../personas/personas.ts';
import type { LAYOUTS } from './layouts.ts';
import { renderStatement, type Rendered, type StatementRow, type StatementSpec } from './render.ts';

export interface PersonaStatementOptions {
  bank: keyof typeof LAYOUTS;
  persona: PersonaId;
  seed?: number;
  /** The months to draw, `YYYY-MM` (default: every month the persona's history covers). */
  months?: string[];
  opening_minor?: number;
  faults?: StatementSpec['faults'];
  producer?: string;
}

const HOLDERS = [
  'MR JAMES WILSON',
  'MRS SARAH AHMED',
  'MS PRIYA PATEL',
  'MR DAVID OKAFOR',
  'MISS EMMA JONES',
  'DR OWEN PRICE',
];

export function personaRows(persona: PersonaId, seed = 1): StatementRow[] {
  const p = generatePersona(persona, seed);
  return p.transactions
    .filter((t) => (t.account_id ?? 'current') === 'current')
    .map((t) => ({
      date: t.date,
      description: t.description ?? t.merchant_name,
      amount_minor: toMinor(t.amount),
    }));
}

const lastDay = (ym: string) => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** One statement per month, the balance carried from each to the next. */
export async function personaStatements(o: PersonaStatementOptions): Promise<Rendered[]> {
  const seed = o.seed ?? 1;
  const rows = personaRows(o.persona, seed);
  const months = o.months ?? [...new Set(rows.map((r) => r.date.slice(0, 7)))].sort();
  let balance = o.opening_minor ?? 150_000 + (seed % 7) * 12_345;
  // Rows before the first month drawn move the balance too.
  for (const r of rows) if (r.date < `${months[0]}-01`) balance -= r.amount_minor;
  const out: Rendered[] = [];
  for (const ym of months) {
    const period = { start: `${ym}-01`, end: lastDay(ym) };
    const inMonth = rows.filter((r) => r.date >= period.start && r.date <= period.end);
    const rendered = await renderStatement({
      layout: o.bank,
      holder: HOLDERS[seed % HOLDERS.length]!,
      sortCode: '20-45-77',
      accountNumber: String(40_000_000 + seed * 7919).slice(0, 8),
      period,
      opening_minor: balance,
      rows: inMonth,
      ...(o.faults ? { faults: o.faults } : {}),
      ...(o.producer ? { producer: o.producer } : {}),
    });
    balance = rendered.truth.closing_minor;
    out.push(rendered);
  }
  return out;
}
