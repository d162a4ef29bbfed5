/**
 * A small seeded history builder: schedules (monthly, four-weekly, weekly …) with UK pay-day drift,
 * random day-to-day spending, running balances, and the ground truth the generator knows because it
 * chose every amount. Money is handled in pence.
 */
import type { Category } from '../../src/model/assessment.ts';
import type { VeqtrxTransaction } from '../../src/model/veqtrx.ts';
import {
  DAYS_PER_MONTH,
  daysInMonth,
  fromYmd,
  isoDate,
  nextWorkingDay,
  previousWorkingDay,
  weekday,
  ymd,
} from '../../src/engine/calendar.ts';

/** mulberry32: a tiny, well-known seeded PRNG (deterministic across platforms). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Truth {
  /** Verified monthly income the engine should find. */
  monthly_income: number;
  categories: Partial<Record<Category, number>>;
  risk_flags: string[];
  /** Indicators the engine should detect from the data (declared codes are not included). */
  detected_vulnerabilities: string[];
  fca_compliant: boolean;
}

interface Pending {
  day: number;
  pence: number;
  merchant: string;
  description?: string;
  account: string;
  hint?: string;
}

export class Builder {
  readonly rng: () => number;
  readonly start: number;
  readonly end: number;
  private readonly txs: Pending[] = [];
  private readonly recurring = new Map<Category, number>();
  private readonly oneOff = new Map<Category, number>();
  private incomePence = 0;

  constructor(seed: number, endIso: string, days: number) {
    this.rng = mulberry32(seed);
    const [y, m, d] = endIso.split('-').map(Number) as [number, number, number];
    this.end = fromYmd(y, m, d);
    this.start = this.end - days + 1;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rng() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rng() * xs.length)]!;
  }

  /** Adds one transaction; positive pence = money out. Dates outside the window are dropped. */
  tx(
    day: number,
    pence: number,
    merchant: string,
    opts: { description?: string; account?: string; hint?: string } = {},
  ): boolean {
    if (day < this.start || day > this.end) return false;
    const p: Pending = { day, pence, merchant, account: opts.account ?? 'current' };
    if (opts.description) p.description = opts.description;
    if (opts.hint) p.hint = opts.hint;
    this.txs.push(p);
    return true;
  }

  /** Day-to-day spending that counts towards a category's truth as total / months. */
  spend(
    day: number,
    pence: number,
    category: Category,
    merchant: string,
    opts: { description?: string; account?: string; hint?: string } = {},
  ): void {
    if (this.tx(day, pence, merchant, opts))
      this.oneOff.set(category, (this.oneOff.get(category) ?? 0) + pence);
  }

  /** Nominal pay days of a monthly schedule, moved to a working day as banks do. */
  monthlyDays(dom: number, shift: 'prev' | 'next'): number[] {
    const out: number[] = [];
    const a = ymd(this.start - 40);
    for (let y = a.y, m = a.m, i = 0; i < 10; i++) {
      const nominal = fromYmd(y, m, Math.min(dom, daysInMonth(y, m)));
      out.push(shift === 'prev' ? previousWorkingDay(nominal) : nextWorkingDay(nominal));
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
    }
    return out.filter((d) => d >= this.start && d <= this.end);
  }

  periodDays(firstNominal: number, period: number, shift: 'prev' | 'next'): number[] {
    const out: number[] = [];
    let d = firstNominal;
    while (d > this.start) d -= period;
    for (; d <= this.end; d += period) {
      const w = shift === 'prev' ? previousWorkingDay(d) : nextWorkingDay(d);
      if (w >= this.start && w <= this.end) out.push(w);
    }
    return out;
  }

  /** A recurring bill: its truth is the nominal monthly rate. */
  bill(
    days: number[],
    pence: number,
    perMonth: number,
    category: Category,
    merchant: string,
    opts: { description?: string; account?: string; hint?: string } = {},
  ): void {
    for (const d of days) this.tx(d, pence, merchant, opts);
    this.recurring.set(category, (this.recurring.get(category) ?? 0) + pence * perMonth);
  }

  /** A recurring income: its truth is the nominal monthly rate. */
  income(
    days: number[],
    pence: number,
    perMonth: number,
    merchant: string,
    opts: { description?: string; account?: string; hint?: string } = {},
  ): void {
    for (const d of days) this.tx(d, -pence, merchant, opts);
    this.incomePence += pence * perMonth;
  }

  /** Income whose truth is its total over the months (irregular or varying amounts). */
  incomeOnce(
    day: number,
    pence: number,
    merchant: string,
    opts: { description?: string; account?: string } = {},
  ): void {
    if (this.tx(day, -pence, merchant, opts)) this.incomeTotalPence += pence;
  }
  private incomeTotalPence = 0;

  /** Not income, not expenditure (own transfers, loans in, refunds handled by the caller). */
  neutral(
    day: number,
    pence: number,
    merchant: string,
    opts: { description?: string; account?: string; hint?: string } = {},
  ): void {
    this.tx(day, pence, merchant, opts);
  }

  /** Each day in the window, in order. */
  *days(): Generator<number> {
    for (let d = this.start; d <= this.end; d++) yield d;
  }

  weekday(day: number): number {
    return weekday(day);
  }

  /** Transactions in Veqtrx wire form (with running balances when `opening` is given per account). */
  build(opening?: Record<string, number>): VeqtrxTransaction[] {
    const sorted = [...this.txs].sort(
      (a, b) => a.day - b.day || a.account.localeCompare(b.account) || b.pence - a.pence,
    );
    const balances = new Map(Object.entries(opening ?? {}));
    return sorted.map((p) => {
      const t: VeqtrxTransaction = {
        date: isoDate(p.day),
        amount: p.pence / 100,
        merchant_name: p.merchant,
        account_id: p.account,
      };
      if (p.description) t.description = p.description;
      if (p.hint) t.category_hint = p.hint;
      if (opening && balances.has(p.account)) {
        const b = balances.get(p.account)! - p.pence;
        balances.set(p.account, b);
        t.balance = b / 100;
      }
      return t;
    });
  }

  /**
   * The ground truth. `negative_disposable_income` (and its resilience indicator) follow from the
   * generator's own figures: spending above the income a lender may use (declared, when lower).
   */
  truth(rest: Omit<Truth, 'monthly_income' | 'categories'>, declaredIncome?: number): Truth {
    const days = this.txs.map((t) => t.day);
    const span = Math.max(...days) - Math.min(...days) + 1;
    const months = Math.max(1, span / DAYS_PER_MONTH);
    const categories: Partial<Record<Category, number>> = {};
    for (const c of new Set([...this.recurring.keys(), ...this.oneOff.keys()])) {
      const v = (this.recurring.get(c) ?? 0) + (this.oneOff.get(c) ?? 0) / months;
      if (v > 0) categories[c] = Math.round(v) / 100;
    }
    const income = Math.round(this.incomePence + this.incomeTotalPence / months) / 100;
    const used = declaredIncome !== undefined && declaredIncome < income ? declaredIncome : income;
    const spend = Object.values(categories).reduce((a, b) => a + b, 0);
    const risk = new Set(rest.risk_flags);
    const vulnerable = new Set(rest.detected_vulnerabilities);
    if (spend > used) {
      risk.add('negative_disposable_income');
      vulnerable.add('resilience_negative_budget');
    }
    const order = ['health', 'life_events', 'resilience', 'capability'];
    const detected = [...vulnerable].sort(
      (a, b) =>
        order.findIndex((o) => a.startsWith(o)) - order.findIndex((o) => b.startsWith(o)) || (a < b ? -1 : 1),
    );
    return {
      ...rest,
      monthly_income: income,
      categories,
      risk_flags: [...risk].sort(),
      detected_vulnerabilities: detected,
    };
  }
}
