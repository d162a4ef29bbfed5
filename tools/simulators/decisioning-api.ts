/**
 * A local simulator of the credit-decisioning open-banking API (openapi/providers/decisioning-api-v2.yaml):
 * the endpoints the gateway calls, behaving as the provider's public quick start and reference pages
 * describe, so that end-to-end tests and demos run a `decisioning_api` assessment with no internet.
 *
 * - `POST /v1/oauth/token` (form-encoded or JSON client credentials) → 201 with `expires_in`; tokens
 *   expire (`tokenTtlSeconds`) and every data call checks its bearer token (401).
 * - `POST /v2/customers` → 201; a second customer with one `customIdentifier` → 422.
 *   `GET /v2/customers?filter={"customIdentifier":…}` finds it; `GET /v2/customers/{id}`.
 * - `POST /v2/customers/{id}/analyses` with `accounts` (each with its transactions) → 202, status
 *   CREATED; IN_PROGRESS after `startAfterMs`, COMPLETED (or ERROR) after `completeAfterMs`, both times
 *   multiplied by `timeScale` (0.01 in tests: 15 ms and 80 ms instead of 1.5 s and 8 s). Read with
 *   `GET /v2/customers/{id}/analyses/{analysisId}` (the accounts and transactions echoed with ids, then
 *   `scores` and `creditInsights`), listed with `GET /v2/customers/{id}/analyses`.
 * - An analysis without a CHECKING account holding at least 20 transactions ends in ERROR (the reference:
 *   "the analysis need to contain at least one CHECKING Account with a minimum of 20 transactions").
 * - Webhooks: with `webhook` (or `setWebhook`), each analysis that ends sends analysis_completed or
 *   analysis_failed to the URL, signed `X-Hub-Signature: sha256=HMAC(secret, JSON.stringify(payload))`.
 *
 * The results are computed from the uploaded transactions by simple rules written for this simulator
 * (`analyse` below): a narrative keyword list sorts each transaction into an income or expense category
 * and the risk parts (gambling, incidents — rejected payments and their fees —, overdraft charges, heavy
 * failures, wage advances, debt collection); monthly amounts are totals over the span of the data in
 * months of 30.4375 days; the overdraft days and lowest balance come from each CHECKING account's
 * balance walked back through its transactions; the credit score (0–1000) starts at 650 and moves by
 * the fixed amounts listed in `creditScore`. They are not the provider's models, nor the gateway's
 * engine: they only make a risky history score low and a sound one high, as the provider's samples do.
 *
 * The two sample profiles of the quick start, from the repository's personas (tools/personas/):
 * "Risky" (high risk, lots of raised indicators) is `in_difficulty` — overdrawn all along, unarranged
 * overdraft fees, returned direct debits, payday loans —, "Good" (low risk) is `salaried_single_renter`
 * with an opening balance of £2,500 (the persona states no balances; the provider requires one). `sampleSource(profile)` is the
 * gateway's `source` for one, `sampleUpload(profile)` the provider's upload.
 *
 * Faults for tests: `failNext(status, n)`, `rateLimitNext(retryAfterSeconds, n)`, `hangNext(n)` (no
 * answer at all), `malformedNext(n)` (the body cut in half), `neverFinish(n)` (the next analyses stay
 * IN_PROGRESS), `errorAnalysis(n)` (the next analyses end in ERROR), `expireTokens()`.
 *
 *   npm run sim:decisioning-api [-- --port 8092] [--time-scale 0.1] [--webhook URL --webhook-secret S]
 *   npm run sim:decisioning-api -- --sample risky|good     (prints the upload of a sample profile)
 *   npm run sim:decisioning-api -- --source risky|good     (prints the gateway's `source` for it, dated to today)
 *   (client id sim-client, secret sim-secret)
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { isMain, serve, simulatorCli } from './cli.ts';
import { listenOnLoopback, sendJson, stopServer } from './server.ts';
import { isRecord } from '../../src/lib/narrow.ts';
import { generatePersona, shiftPersona, type PersonaId } from '../personas/personas.ts';
import { toUpload } from '../../adapters/decisioning_api/map.ts';
import {
  DecisioningSourceSchema,
  type DecisioningSourceInput,
} from '../../adapters/decisioning_api/input.ts';
import { signPayload } from '../../adapters/decisioning_api/webhook.ts';
import type { components } from '../../adapters/decisioning_api/generated.ts';

type Schemas = components['schemas'];

export const SAMPLE_PROFILES = {
  risky: { persona: 'in_difficulty', openingBalance: undefined },
  good: { persona: 'salaried_single_renter', openingBalance: 2500 },
} as const satisfies Record<string, { persona: PersonaId; openingBalance: number | undefined }>;
export type SampleProfile = keyof typeof SAMPLE_PROFILES;

/** A sample profile as the gateway's `source` (`type: decisioning_api`), from its persona. */
export function sampleSource(profile: SampleProfile, seed = 1, now?: Date): DecisioningSourceInput {
  const { persona, openingBalance } = SAMPLE_PROFILES[profile];
  const p = now ? shiftPersona(generatePersona(persona, seed), now) : generatePersona(persona, seed);
  const source: Record<string, unknown> = { type: 'decisioning_api', transactions: p.transactions };
  if (openingBalance !== undefined) {
    const net = p.transactions.reduce((s, t) => s - Math.round(t.amount * 100), 0);
    source.accounts = [
      { id: 'current', type: 'current', balance: (Math.round(openingBalance * 100) + net) / 100 },
    ];
  }
  return DecisioningSourceSchema.parse(source);
}

/** A sample profile as the provider's upload (what the gateway sends for `sampleSource(profile)`). */
export const sampleUpload = (profile: SampleProfile, seed = 1, now?: Date) =>
  toUpload(sampleSource(profile, seed, now));

// ---------------------------------------------------------------------------------------------------
// The simulator's analysis rules

type UploadTx = Schemas['TransactionUpload'];
interface EchoTx extends UploadTx {
  id: string;
}
interface EchoAccount extends Omit<Schemas['AccountUpload'], 'transactions'> {
  id: string;
  transactions: EchoTx[];
}

const GAMBLING =
  /\b(BET ?365|B365|SKY ?BET(TING)?|PADDY ?POWER|POKERSTARS|BETWAY|BETFAIR|BETFRED|LADBROKES|CORAL|WILLIAM ?HILL|LEOVEGAS|TOMBOLA|BINGO|LOTTERY|CASINO|POCKETWIN|GAMBLING)\b/;
const REJECTED = /\b(UNPAID|RETURNED|REJECT(ED|ION)?|BOUNCED)\b/;
const FEE = /\b(FEES?|CHARGES?)\b/;
const OVERDRAFT = /\b(OVERDRAFT|O\/D)\b/;
const WAGE_ADVANCE =
  /\b(WAGEDAY ADVANCE|WAGE ADVANCE|SALARY ADVANCE|EARLY ?WAGE|WAGESTREAM|SALARY FINANCE)\b/;
const HEAVY = /\b(SEIZURE|SAISIE|BAILIFFS?|ATTACHMENT OF EARNINGS|ENFORCEMENT AGENT|HMCTS)\b/;
const DEBT_COLLECTION =
  /\b(LOWELL|CABOT|INTRUM|ARROW GLOBAL|DEBT ?COLLECT\w*|PRA GROUP|MOORCROFT|BW LEGAL)\b/;
const LOAN =
  /\b(LENDING STREAM|DRAFTY|QUIDMARKET|MONEYBOAT|SAFETYNET|PAYDAY|LOANS?|FINANCE|KLARNA|CLEARPAY)\b/;
const WAGE = /\b(SALARY|SALAIRE|WAGES?|PAYROLL|BGC)\b/;
const ALLOWANCE = /\b(DWP|UNIVERSAL CREDIT|PIP|CHILD BENEFIT|PENSION|HMRC)\b/;
const RENT = /\b(RENT|LETTINGS?|LANDLORD|OPENRENT)\b/;
const MORTGAGE = /\bMORTGAGE\b/;
const GROCERY =
  /\b(TESCO|SAINSBURY'?S?|ASDA|ALDI|LIDL|MORRISONS|CO-OP|WAITROSE|FARMFOODS|ICELAND|CARREFOUR)\b/;
const UTILITIES = /\b(ENERGY|GAS|WATER|ELECTRIC(ITY)?|EDF|EON|E\.ON|OCTOPUS|COUNCIL|CTAX|COUNCIL TAX)\b/;
const TRANSFER = /\b(TRANSFER (TO|FROM)|TFR|OWN ACCOUNT|TO SAVINGS|FROM SAVINGS)\b/;

const DAYS_PER_MONTH = 30.4375;
const round2 = (x: number) => Math.round(x * 100) / 100;
const dayOf = (t: UploadTx) => (t.dates.bookedAt ?? t.dates.debitedAt ?? '').slice(0, 10);
const dayNum = (d: string) => Math.floor(Date.parse(`${d}T00:00:00Z`) / 86_400_000);

/** The simulator's category of one transaction (the provider's sign: negative = out). */
export function categoryOf(t: UploadTx, manyAccounts: boolean): string {
  const d = t.description.toUpperCase();
  if (manyAccounts && TRANSFER.test(d)) return 'INTERNAL_TRANSFER';
  if (t.amount >= 0) {
    if (REJECTED.test(d)) return 'REJECTION_PAYMENT';
    if (WAGE_ADVANCE.test(d)) return 'WAGE_ADVANCE';
    if (GAMBLING.test(d)) return 'GAMBLING_GAIN';
    if (LOAN.test(d)) return 'LOAN_DRAWDOWN';
    if (WAGE.test(d)) return 'WAGE';
    if (ALLOWANCE.test(d)) return 'ALLOWANCE';
    if (/\bREFUND\b/.test(d)) return 'REFUND';
    return 'OTHER_ENTRY';
  }
  if (REJECTED.test(d) && FEE.test(d)) return 'FEES_REJECTION';
  if (OVERDRAFT.test(d)) return 'FEES_OVERDRAFT';
  if (HEAVY.test(d)) return 'FEES_ACCOUNT_SEIZURE';
  if (DEBT_COLLECTION.test(d)) return 'DEBT_COLLECTION';
  if (GAMBLING.test(d)) return 'GAMBLING';
  if (WAGE_ADVANCE.test(d)) return 'WAGE_ADVANCE_REPAYMENT';
  if (MORTGAGE.test(d)) return 'LOAN_REPAYMENT_REAL_ESTATE';
  if (LOAN.test(d)) return 'LOAN_REPAYMENT';
  if (RENT.test(d)) return 'RENT';
  if (GROCERY.test(d)) return 'GROCERY';
  if (UTILITIES.test(d)) return 'UTILITIES';
  return 'OTHER_EXPENSE';
}

interface Tagged {
  tx: EchoTx;
  category: string;
}

function group(items: Tagged[], months: number) {
  const byCat = new Map<string, Tagged[]>();
  for (const it of items) {
    let l = byCat.get(it.category);
    if (!l) byCat.set(it.category, (l = []));
    l.push(it);
  }
  const sum = (l: Tagged[]) => round2(l.reduce((s, x) => s + x.tx.amount, 0));
  const categories = [...byCat]
    .map(([name, l]) => {
      const cal = new Map<string, number>();
      for (const x of l) {
        const m = dayOf(x.tx).slice(0, 7);
        cal.set(m, round2((cal.get(m) ?? 0) + x.tx.amount));
      }
      const total = sum(l);
      return {
        name,
        totalAmount: total,
        monthlyAmount: round2(total / months),
        monthlyAmountExcludingMonthsWithoutValues: round2(total / Math.max(1, cal.size)),
        calendar: [...cal].sort().map(([month, amount]) => ({ month, amount })),
        transactions: l.map((x) => x.tx),
      };
    })
    .sort((a, b) => Math.abs(b.totalAmount) - Math.abs(a.totalAmount));
  const total = sum(items);
  return { totalAmount: total, monthlyAmount: round2(total / months), categories };
}

const part = (items: Tagged[]) => ({
  totalAmount: round2(items.reduce((s, x) => s + x.tx.amount, 0)),
  transactions: items.map((x) => x.tx),
});

/** End-of-day balances of one account over the span of its transactions, walked back from its balance. */
function overdraftOf(a: EchoAccount): { days: number; lowest: number } | undefined {
  if (a.transactions.length === 0) return undefined;
  const byDay = new Map<number, number>();
  for (const t of a.transactions) {
    const d = dayNum(dayOf(t));
    byDay.set(d, (byDay.get(d) ?? 0) + Math.round(t.amount * 100));
  }
  const days = [...byDay.keys()].sort((x, y) => x - y);
  const first = days[0] ?? 0;
  const last = days.at(-1) ?? 0;
  const net = [...byDay.values()].reduce((s, x) => s + x, 0);
  let balance = Math.round(a.balance * 100) - net;
  let overdrawn = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (let d = first; d <= last; d++) {
    balance += byDay.get(d) ?? 0;
    if (balance < 0) overdrawn++;
    lowest = Math.min(lowest, balance);
  }
  return { days: overdrawn, lowest: lowest / 100 };
}

/**
 * The credit score's rules (0–1000, higher is safer): 650, +150 for a wage or allowance in all but at
 * most one of the months spanned, +100 for a history with no overdrawn day, incident or gambling;
 * −(gambling spend / income × 1000) up to 350, −20 per overdrawn day a month up to 300, −75 per
 * rejected payment up to 300, −150 for a seizure, −100 for debt collection, −50 per wage advance up to
 * 150, −400 × the share by which monthly spending exceeds monthly income, up to 200.
 */
export function creditScore(f: {
  months: number;
  regularIncomeMonths: number;
  income: number;
  expenses: number;
  gambling: number;
  overdrawnDays: number;
  rejections: number;
  seizures: number;
  debtCollection: number;
  wageAdvances: number;
}): number {
  let s = 650;
  if (f.regularIncomeMonths >= Math.ceil(f.months) - 1 && f.regularIncomeMonths > 0) s += 150;
  if (f.overdrawnDays === 0 && f.rejections === 0 && f.gambling === 0) s += 100;
  if (f.income > 0) s -= Math.min(350, Math.round((f.gambling / f.income) * 1000));
  else if (f.gambling > 0) s -= 350;
  s -= Math.min(300, Math.round((20 * f.overdrawnDays) / f.months));
  s -= Math.min(300, 75 * f.rejections);
  if (f.seizures > 0) s -= 150;
  if (f.debtCollection > 0) s -= 100;
  s -= Math.min(150, 50 * f.wageAdvances);
  if (f.income > 0 && f.expenses > f.income)
    s -= Math.min(200, Math.round(((f.expenses - f.income) / f.income) * 400));
  return Math.max(0, Math.min(1000, s));
}

/** Scores and Credit Insights of an analysis's accounts, by the rules above; an error when they are not enough. */
export function analyse(
  accounts: EchoAccount[],
):
  | { error: { code: string; message: string } }
  | { scores: Schemas['Scores']; creditInsights: Record<string, unknown> } {
  if (!accounts.some((a) => a.type === 'CHECKING' && a.transactions.length >= 20))
    return {
      error: {
        code: 'NOT_ENOUGH_DATA',
        message: 'An analysis needs at least one CHECKING account with at least 20 transactions',
      },
    };
  const many = accounts.length > 1;
  const all: Tagged[] = accounts.flatMap((a) =>
    a.transactions.map((tx) => ({ tx, category: categoryOf(tx, many) })),
  );
  const days = all.map((x) => dayNum(dayOf(x.tx)));
  const months = Math.max(1, (Math.max(...days) - Math.min(...days) + 1) / DAYS_PER_MONTH);
  const of = (...cats: string[]) => all.filter((x) => cats.includes(x.category));
  const incomes = all.filter(
    (x) => x.tx.amount >= 0 && x.category !== 'REJECTION_PAYMENT' && x.category !== 'INTERNAL_TRANSFER',
  );
  const expenses = all.filter((x) => x.tx.amount < 0 && x.category !== 'INTERNAL_TRANSFER');
  const overdrafts = accounts
    .filter((a) => a.type === 'CHECKING')
    .map(overdraftOf)
    .filter((o) => o !== undefined);
  const overdrawnDays = overdrafts.reduce((s, o) => s + o.days, 0);
  const lowest = overdrafts.length ? Math.min(...overdrafts.map((o) => o.lowest)) : undefined;
  const incomeGroup = group(incomes, months);
  const expenseGroup = group(expenses, months);
  const regular = new Set(of('WAGE', 'ALLOWANCE').map((x) => dayOf(x.tx).slice(0, 7)));
  const gambling = of('GAMBLING');
  const value = creditScore({
    months,
    regularIncomeMonths: regular.size,
    income: incomeGroup.totalAmount,
    expenses: -expenseGroup.totalAmount,
    gambling: -part(gambling).totalAmount,
    overdrawnDays,
    rejections: of('REJECTION_PAYMENT').length,
    seizures: of('FEES_ACCOUNT_SEIZURE').length,
    debtCollection: of('DEBT_COLLECTION').length,
    wageAdvances: of('WAGE_ADVANCE').length,
  });
  const overdraft: Record<string, unknown> = {
    ...part(of('FEES_OVERDRAFT')),
    daysInOverdraft: overdrawnDays,
  };
  if (lowest !== undefined) overdraft.lowestBalance = lowest;
  return {
    scores: { creditScore: { value, version: 'sim-1' } },
    creditInsights: {
      incomes: { ...incomeGroup, indicators: {}, employers: [] },
      expenses: expenseGroup,
      risks: {
        gambling: part(gambling),
        incidents: part(of('REJECTION_PAYMENT', 'FEES_REJECTION')),
        overdraft,
        heavyFailures: part(of('FEES_ACCOUNT_SEIZURE')),
        wageAdvance: part(of('WAGE_ADVANCE')),
        debtCollection: part(of('DEBT_COLLECTION')),
      },
      loans: { repayments: part(of('LOAN_REPAYMENT', 'LOAN_REPAYMENT_REAL_ESTATE')) },
      cashFlows: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The server

export interface DecisioningSimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of an access token (the reference's sample: 86,400 s). */
  tokenTtlSeconds?: number;
  /** Multiplies every delay: 1 is real time, 0.01 runs a minute in 0.6 s. */
  timeScale?: number;
  /** CREATED → IN_PROGRESS (before timeScale). */
  startAfterMs?: number;
  /** → COMPLETED or ERROR (before timeScale). */
  completeAfterMs?: number;
  /** Each answer's latency (before timeScale). */
  latencyMs?: number;
  webhook?: { url: string; secret: string };
}

interface SimCustomer {
  id: string;
  customIdentifier: string;
  createdAt: string;
}

interface SimAnalysis {
  id: string;
  customerId: string;
  created: number;
  createdAt: string;
  accounts: EchoAccount[];
  outcome: 'complete' | 'error' | 'never';
  error?: { code: string; message: string };
  result?: { scores: Schemas['Scores']; creditInsights: Record<string, unknown> };
}

export interface Delivery {
  eventName: string;
  analysisId: string;
  status?: number;
  error?: string;
}

export interface DecisioningSimulator {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Requests received, by endpoint. */
  counts: {
    token: number;
    customerCreate: number;
    customerLookup: number;
    analysisCreate: number;
    analysisList: number;
    analysisGet: number;
  };
  customers(): SimCustomer[];
  analyses(): Array<{ id: string; customerId: string; status: Schemas['AnalysisStatus'] }>;
  /** Webhook calls made (and their answer). */
  deliveries: Delivery[];
  setWebhook(url: string, secret: string): void;
  /** Answer the next `n` requests (any endpoint) with `status`. */
  failNext(status: number, n?: number): void;
  rateLimitNext(retryAfterSeconds: number, n?: number): void;
  /** Never answer the next `n` requests (the connection stays open until the client gives up). */
  hangNext(n?: number): void;
  /** Cut the body of the next `n` answers in half (invalid JSON). */
  malformedNext(n?: number): void;
  /** The next `n` analyses created stay IN_PROGRESS. */
  neverFinish(n?: number): void;
  /** The next `n` analyses created end in ERROR. */
  errorAnalysis(n?: number, error?: { code: string; message: string }): void;
  /** Every token issued so far expires now (the next data call answers 401). */
  expireTokens(): void;
  reset(): void;
  stop(): Promise<void>;
}

const newId = () => randomBytes(12).toString('hex');

type Fault = { status: number } | { retryAfter: number } | { hang: true } | { malformed: true };

/** A shallow check of an upload, saying what is wrong (the provider's 400). */
function uploadProblem(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.accounts)) return 'accounts must be an array';
  for (const [i, a] of body.accounts.entries()) {
    const at = `accounts[${i}]`;
    if (!isRecord(a)) return `${at} must be an object`;
    if (typeof a.balance !== 'number' || !Number.isFinite(a.balance)) return `${at}.balance must be a number`;
    if (typeof a.balanceDate !== 'string' || Number.isNaN(Date.parse(a.balanceDate)))
      return `${at}.balanceDate must be a date-time`;
    if (typeof a.currency !== 'string' || !/^[A-Z]{3}$/.test(a.currency))
      return `${at}.currency must be ISO 4217`;
    if (!['CHECKING', 'SAVINGS', 'LOAN', 'CREDIT_CARD', 'UNKNOWN'].includes(String(a.type)))
      return `${at}.type is not an account type`;
    if (!['PERSONAL', 'PROFESSIONAL', 'UNKNOWN'].includes(String(a.usage)))
      return `${at}.usage is not a usage`;
    if (!Array.isArray(a.transactions)) return `${at}.transactions must be an array`;
    for (const [j, t] of a.transactions.entries()) {
      const tat = `${at}.transactions[${j}]`;
      if (!isRecord(t) || !isRecord(t.dates)) return `${tat}.dates must be an object`;
      const d = t.dates.bookedAt ?? t.dates.debitedAt;
      if (typeof d !== 'string' || Number.isNaN(Date.parse(d)))
        return `${tat}.dates needs debitedAt or bookedAt`;
      if (typeof t.amount !== 'number' || !Number.isFinite(t.amount)) return `${tat}.amount must be a number`;
      if (typeof t.description !== 'string') return `${tat}.description must be a string`;
      if (typeof t.currency !== 'string') return `${tat}.currency must be a string`;
    }
  }
  return undefined;
}

export async function startDecisioningSimulator(
  o: DecisioningSimulatorOptions = {},
): Promise<DecisioningSimulator> {
  const clientId = o.clientId ?? 'sim-client';
  const clientSecret = o.clientSecret ?? 'sim-secret';
  const scale = o.timeScale ?? 1;
  const ttlMs = (o.tokenTtlSeconds ?? 86_400) * 1000;
  const startAfter = (o.startAfterMs ?? 1500) * scale;
  const completeAfter = (o.completeAfterMs ?? 8000) * scale;
  const latency = (o.latencyMs ?? 150) * scale;
  let webhook = o.webhook;

  const tokens = new Map<string, number>();
  const customers = new Map<string, SimCustomer>();
  const analyses = new Map<string, SimAnalysis>();
  const faults: Fault[] = [];
  const outcomes: Array<{ outcome: 'error' | 'never'; error?: { code: string; message: string } }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const hanging = new Set<http.ServerResponse>();
  const deliveries: Delivery[] = [];
  const counts: DecisioningSimulator['counts'] = {
    token: 0,
    customerCreate: 0,
    customerLookup: 0,
    analysisCreate: 0,
    analysisList: 0,
    analysisGet: 0,
  };

  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  const statusOf = (a: SimAnalysis): Schemas['AnalysisStatus'] => {
    const elapsed = Date.now() - a.created;
    if (elapsed < startAfter) return 'CREATED';
    if (a.outcome === 'never' || elapsed < completeAfter) return 'IN_PROGRESS';
    return a.outcome === 'error' ? 'ERROR' : 'COMPLETED';
  };

  const view = (a: SimAnalysis, full: boolean) => {
    const status = statusOf(a);
    const out: Record<string, unknown> = {
      id: a.id,
      status,
      createdAt: a.createdAt,
      updatedAt: new Date(
        a.created + (status === 'CREATED' ? 0 : status === 'IN_PROGRESS' ? startAfter : completeAfter),
      ).toISOString(),
    };
    if (!full) return out;
    out.accounts = a.accounts;
    if (status === 'ERROR') out.error = a.error;
    if (status === 'COMPLETED' && a.result) {
      out.scores = a.result.scores;
      out.creditInsights = a.result.creditInsights;
    }
    return out;
  };

  const deliver = (a: SimAnalysis) => {
    const target = webhook;
    if (!target) return;
    const eventName = a.outcome === 'error' ? 'analysis_failed' : 'analysis_completed';
    const payload = { customerId: a.customerId, analysisId: a.id };
    const body = JSON.stringify({
      subscription: { id: newId(), target: target.url, eventName },
      payload,
      time: Date.now(),
      index: deliveries.length + 1,
    });
    const d: Delivery = { eventName, analysisId: a.id };
    deliveries.push(d);
    fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signPayload(payload, target.secret) },
      body,
      signal: AbortSignal.timeout(5000),
    }).then(
      (r) => {
        d.status = r.status;
      },
      (e: Error) => {
        d.error = e.message;
      },
    );
  };

  // An answer marked malformed goes out cut in half (`delete` says whether it was marked).
  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => sendJson(res, status, body, headers, malformedNow.delete(res));
  const malformedNow = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fault = faults.shift();
      if (fault && 'hang' in fault) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (fault && 'malformed' in fault) malformedNow.add(res);
      const go = () => handle(req, Buffer.concat(chunks).toString('utf8'), res, fault);
      if (latency > 0) later(latency, go);
      else go();
    });
  });

  function bodyOf(req: http.IncomingMessage, text: string): Record<string, unknown> | undefined {
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return Object.fromEntries(new URLSearchParams(text));
    try {
      const v: unknown = JSON.parse(text);
      return isRecord(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  function handle(
    req: http.IncomingMessage,
    text: string,
    res: http.ServerResponse,
    fault: Fault | undefined,
  ): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    if (path === '/v1/oauth/token') counts.token++;
    else if (path === '/v2/customers') counts[req.method === 'POST' ? 'customerCreate' : 'customerLookup']++;
    else if (/^\/v2\/customers\/[^/]+\/analyses$/.test(path))
      counts[req.method === 'POST' ? 'analysisCreate' : 'analysisList']++;
    else if (/^\/v2\/customers\/[^/]+\/analyses\/[^/]+$/.test(path)) counts.analysisGet++;
    if (fault && 'status' in fault)
      return send(res, fault.status, { code: 'SIMULATED_FAILURE', message: 'simulated failure' });
    if (fault && 'retryAfter' in fault)
      return send(
        res,
        429,
        { code: 'TOO_MANY_REQUESTS', message: 'too many requests' },
        { 'retry-after': String(fault.retryAfter) },
      );

    if (req.method === 'POST' && path === '/v1/oauth/token') {
      const b = bodyOf(req, text);
      if (!b) return send(res, 400, { code: 'BAD_REQUEST', message: 'the body is not readable' });
      if (
        b.grant_type !== 'client_credentials' ||
        b.client_id !== clientId ||
        b.client_secret !== clientSecret
      )
        return send(res, 401, { code: 'UNAUTHORIZED', message: 'invalid client credentials' });
      const token = `simtok-${newId()}`;
      tokens.set(token, Date.now() + ttlMs);
      return send(res, 201, {
        access_token: token,
        expires_in: ttlMs / 1000,
        refresh_expires_in: (ttlMs / 1000) * 10,
        refresh_token: `simrefresh-${newId()}`,
        token_type: 'bearer',
      });
    }
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const exp = bearer ? tokens.get(bearer) : undefined;
    if (exp === undefined || exp <= Date.now())
      return send(res, 401, { code: 'UNAUTHORIZED', message: 'invalid or expired token' });

    if (path === '/v2/customers' && req.method === 'POST') {
      const b = bodyOf(req, text);
      const ci = b?.customIdentifier;
      if (typeof ci !== 'string' || ci.length === 0 || ci.length > 200)
        return send(res, 400, { code: 'BAD_REQUEST', message: 'customIdentifier must be a string' });
      if ([...customers.values()].some((c) => c.customIdentifier === ci))
        return send(res, 422, {
          code: 'UNPROCESSABLE_ENTITY',
          message: 'A customer with the same customIdentifier already exists',
        });
      const c: SimCustomer = { id: newId(), customIdentifier: ci, createdAt: new Date().toISOString() };
      customers.set(c.id, c);
      return send(res, 201, c);
    }
    if (path === '/v2/customers' && req.method === 'GET') {
      let filter: unknown = {};
      try {
        filter = JSON.parse(url.searchParams.get('filter') ?? '{}');
      } catch {
        return send(res, 400, { code: 'BAD_REQUEST', message: 'filter must be JSON' });
      }
      const want = isRecord(filter) ? filter.customIdentifier : undefined;
      const list = [...customers.values()].filter((c) => want === undefined || c.customIdentifier === want);
      return send(res, 200, {
        resources: list,
        pagination: { totalPages: 1, totalResources: list.length },
      });
    }
    let m = /^\/v2\/customers\/([^/]+)$/.exec(path);
    if (m && req.method === 'GET') {
      const c = customers.get(decodeURIComponent(m[1] ?? ''));
      return c ? send(res, 200, c) : send(res, 404, { code: 'NOT_FOUND', message: 'customer not found' });
    }
    m = /^\/v2\/customers\/([^/]+)\/analyses$/.exec(path);
    if (m) {
      const customerId = decodeURIComponent(m[1] ?? '');
      if (!customers.has(customerId))
        return send(res, 404, { code: 'NOT_FOUND', message: 'customer not found' });
      if (req.method === 'GET') {
        const list = [...analyses.values()]
          .filter((a) => a.customerId === customerId)
          .map((a) => view(a, false));
        return send(res, 200, {
          resources: list,
          pagination: { totalPages: 1, totalResources: list.length },
        });
      }
      if (req.method === 'POST') {
        const b = bodyOf(req, text);
        const problem = uploadProblem(b);
        if (problem || !b) return send(res, 400, { code: 'BAD_REQUEST', message: problem ?? 'no body' });
        const uploaded = b.accounts as Schemas['AccountUpload'][]; // checked field by field by uploadProblem just above
        const accounts: EchoAccount[] = uploaded.map((a) => ({
          ...a,
          id: newId(),
          transactions: a.transactions.map((t) => ({ ...t, id: newId() })),
        }));
        const forced = outcomes.shift();
        const computed = analyse(accounts);
        const a: SimAnalysis = {
          id: newId(),
          customerId,
          created: Date.now(),
          createdAt: new Date().toISOString(),
          accounts,
          outcome: forced?.outcome ?? ('error' in computed ? 'error' : 'complete'),
        };
        if (forced?.outcome === 'error')
          a.error = forced.error ?? { code: 'ANALYSIS_FAILED', message: 'simulated analysis failure' };
        else if ('error' in computed) a.error = computed.error;
        else a.result = computed;
        analyses.set(a.id, a);
        if (a.outcome !== 'never') later(completeAfter, () => deliver(a));
        return send(res, 202, view(a, false));
      }
    }
    m = /^\/v2\/customers\/([^/]+)\/analyses\/([^/]+)$/.exec(path);
    if (m && req.method === 'GET') {
      const a = analyses.get(decodeURIComponent(m[2] ?? ''));
      if (!a || a.customerId !== decodeURIComponent(m[1] ?? ''))
        return send(res, 404, { code: 'NOT_FOUND', message: 'analysis not found' });
      return send(res, 200, view(a, true));
    }
    return send(res, 404, { code: 'NOT_FOUND', message: 'no such endpoint' });
  }

  const url = await listenOnLoopback(server, o.port);
  const push = (f: Fault, n: number) => {
    for (let i = 0; i < n; i++) faults.push(f);
  };
  return {
    url,
    clientId,
    clientSecret,
    counts,
    deliveries,
    customers: () => [...customers.values()],
    analyses: () =>
      [...analyses.values()].map((a) => ({ id: a.id, customerId: a.customerId, status: statusOf(a) })),
    setWebhook: (url, secret) => {
      webhook = { url, secret };
    },
    failNext: (status, n = 1) => push({ status }, n),
    rateLimitNext: (retryAfter, n = 1) => push({ retryAfter }, n),
    hangNext: (n = 1) => push({ hang: true }, n),
    malformedNext: (n = 1) => push({ malformed: true }, n),
    neverFinish: (n = 1) => {
      for (let i = 0; i < n; i++) outcomes.push({ outcome: 'never' });
    },
    errorAnalysis: (n = 1, error) => {
      for (let i = 0; i < n; i++) outcomes.push(error ? { outcome: 'error', error } : { outcome: 'error' });
    },
    expireTokens: () => {
      for (const k of tokens.keys()) tokens.set(k, 0);
    },
    reset: () => {
      faults.length = 0;
      outcomes.length = 0;
      deliveries.length = 0;
      for (const k of Object.keys(counts)) counts[k as keyof typeof counts] = 0;
    },
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of hanging) res.destroy();
      return stopServer(server);
    },
  };
}

/** A stable short digest of a profile's upload (the CLI prints it so that two runs can be compared). */
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12);

// No top-level await: test files import this module, and a module graph with one cannot be require()d.
if (isMain(import.meta.url)) {
  const { port, timeScale, values, fail } = simulatorCli({
    script: 'sim:decisioning-api',
    about: 'The credit-decisioning API simulator (openapi/providers/decisioning-api-v2.yaml) on 127.0.0.1.',
    port: 8092,
    timeScale: { help: 'every delay (an analysis takes 8 s)', zero: false },
    options: [
      { name: 'webhook', value: 'URL', help: 'where analysis webhooks go (with --webhook-secret)' },
      {
        name: 'webhook-secret',
        value: 'SECRET',
        help: 'what they are signed with (X-Hub-Signature; with --webhook)',
      },
      { name: 'sample', value: 'risky|good', help: "prints that sample profile's upload, and exits" },
      {
        name: 'source',
        value: 'risky|good',
        help: "prints the gateway's source object for that profile, dated to end this week (for POST /assess), and exits",
      },
    ],
  });
  const profileOf = (v: string, option: string): SampleProfile =>
    v === 'risky' || v === 'good' ? v : fail(`--${option} must be risky or good`);
  // The gateway's `source` object for a sample profile, dated to end this week (for POST /assess).
  if (values.source !== undefined) {
    console.log(JSON.stringify(sampleSource(profileOf(values.source, 'source'), 1, new Date())));
    process.exit(0);
  }
  if (values.sample !== undefined) {
    console.log(JSON.stringify(sampleUpload(profileOf(values.sample, 'sample')), null, 2));
    process.exit(0);
  }
  const hook = values.webhook;
  const hookSecret = values['webhook-secret'];
  if ((hook === undefined) !== (hookSecret === undefined)) fail('--webhook and --webhook-secret go together');
  serve(
    startDecisioningSimulator({
      port,
      timeScale,
      ...(hook !== undefined && hookSecret !== undefined
        ? { webhook: { url: hook, secret: hookSecret } }
        : {}),
    }),
    (sim) =>
      `Credit-decisioning API simulator on ${sim.url} — client id ${sim.clientId}, secret ${sim.clientSecret}; ` +
      `analyses complete in ${(8 * timeScale).toFixed(1)} s; sample uploads: --sample risky (${digest(sampleUpload('risky'))}), --sample good (${digest(sampleUpload('good'))}). Ctrl-C stops it.`,
  );
}
