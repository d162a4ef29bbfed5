/**
 * A local simulator of the document assessment API (openapi/providers/document-api-v1.yaml), so that
 * tests and demos drive the `document_api` adapter end to end with no internet. It behaves as the
 * provider's page describes, and as that spec assumes where the page is silent:
 *
 * - `POST /api/v1/assess` with `Authorization: Bearer <key>`: 401 for a missing or unknown key, 400 for an
 *   invalid body (`{error, message, details[]}`), 402 when the key's credits are used up (credits still
 *   reserved by jobs in flight count), 202 with `job_id`, `assessment_id`, `status: processing`,
 *   `external_reference`, `estimated_time`, `poll_url`. An `Idempotency-Key` already used by the key with
 *   the same body answers 200 with the first job; with another body, 409.
 * - `GET /api/v1/assess/{job_id}`: the job (404 for another key's job or an unknown one), `processing`
 *   for 2–5 minutes (120 s, plus 20 s a statement and 10 s a supporting document, at most 300 s — times
 *   `timeScale`), then `completed` with the result or `failed`.
 * - **The results are read from the statements themselves**: each bank statement is decoded and read with
 *   the repository's own statement reader (adapters/documents/, `readStatement`), its rows de-duplicated
 *   across statements (`reconcileStatements`), categorised by their narratives (the rules below), and the
 *   figures worked out from them. Whatever PDF is sent is what is assessed — the tests send statements
 *   drawn from the repository's personas (tools/statements/ over tools/personas/; `personaDocuments`).
 * - **The failure model**: a bank statement that is not a PDF or cannot be read (encrypted, a scan, not a
 *   statement), statements with no rows at all (classification fails), a payslip `readPayslip` cannot read,
 *   or a credit report that is not a PDF fail the job — no charge. An ID document that is not a PDF, JPEG
 *   or PNG, or a rental agreement that is not a PDF, fails alone: the job continues with a warning.
 *   Credits are taken only when a job completes.
 * - **Webhooks**: when a job ends and it had a `webhook_url`, a POST of `{event, job_id, assessment_id,
 *   status, external_reference, occurred_at}` signed `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the
 *   body under webhookSecret>` (recorded in `deliveries`).
 *
 * Faults, each for the next `n` requests to the API: `failNext(status, n)` (that status, e.g. 500),
 * `rateLimitNext(retryAfterSeconds, n)` (429 with `Retry-After`), `hangNext(n, {process?})` (no answer
 * ever; with `process: true` the request is carried out first — a submit whose answer is lost),
 * `malformedNext(n)` (200 with a truncated JSON body); and `neverFinish(jobId)` (the job stays
 * `processing` forever).
 *
 *   npm run sim:document-api [-- --port 8093] [--time-scale 0.05] [--credits 100]
 *   (API keys ckiq_live_sim_key with the credits given, ckiq_live_sim_nocredit with none)
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { isMain, serve, simulatorCli } from './cli.ts';
import { listenOnLoopback, sendJson, stopServer } from './server.ts';
import { readPayslip, readStatement, reconcileStatements } from '../../adapters/documents/index.ts';
import type { StatementRead, StatementResult } from '../../adapters/documents/types.ts';
import { isRecord } from '../../src/lib/narrow.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import { dayNumber } from '../../src/model/dates.ts';
import type { PersonaId } from '../personas/personas.ts';
import { personaStatements } from '../statements/personas.ts';
import type { LAYOUTS } from '../statements/layouts.ts';

export const SIM_API_KEY = 'ckiq_live_sim_key';
export const SIM_NO_CREDIT_KEY = 'ckiq_live_sim_nocredit';
export const SIM_WEBHOOK_SECRET = 'whsec_sim_document_api';

export interface DocumentApiSimOptions {
  port?: number;
  /** Processing time and response latency multiplier: 1 is the provider's 2–5 minutes; 0.01 makes it 1.2–3 s. */
  timeScale?: number;
  /** API keys and their credits (default: SIM_API_KEY with 100, SIM_NO_CREDIT_KEY with 0). */
  keys?: Record<string, number>;
  /** The secret webhooks are signed with. */
  webhookSecret?: string;
}

type JobStatus = 'processing' | 'completed' | 'failed';
type DocType = 'bank_statement' | 'payslip' | 'credit_report' | 'id_document' | 'rental_agreement';

interface Problem {
  code: string;
  message: string;
}

interface DocOutcome {
  type: DocType;
  index: number;
  filename: string | null;
  status: 'pending' | 'processed' | 'failed';
  error: Problem | null;
}

export interface SimJob {
  job_id: string;
  assessment_id: string;
  keyHash: string;
  external_reference: string | null;
  currency: string;
  webhook_url: string | null;
  created_at: string;
  /** Epoch ms when processing is over (the analysis may still be running then; the job ends when both are). */
  readyAt: number;
  status: JobStatus;
  completed_at: string | null;
  documents: DocOutcome[];
  warnings: string[];
  error: Problem | null;
  result: Record<string, unknown> | null;
  /** The analysis's outcome, once worked out (kept back until `readyAt`). */
  outcome?: { error: Problem | null; result: Record<string, unknown> | null };
}

export interface Delivery {
  url: string;
  job_id: string;
  event: string;
  status?: number;
  error?: string;
}

export interface DocumentApiSimulator {
  url: string;
  apiKey: string;
  webhookSecret: string;
  /** Requests received, by endpoint (faulted ones included). */
  counts: { submit: number; poll: number };
  /** Every job created, by id. */
  jobs: Map<string, SimJob>;
  deliveries: Delivery[];
  /** The credits left on a key. */
  credits(key: string): number;
  setCredits(key: string, n: number): void;
  /** Answer the next `n` requests with `status`. */
  failNext(status: number, n?: number): void;
  /** Answer the next `n` requests 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(retryAfterSeconds: number, n?: number): void;
  /** Never answer the next `n` requests (with `process`, carry each out first and lose only the answer). */
  hangNext(n?: number, o?: { process?: boolean }): void;
  /** Answer the next `n` requests 200 with a truncated JSON body. */
  malformedNext(n?: number): void;
  /** The job stays `processing` forever. */
  neverFinish(jobId: string): void;
  /** Resolves when the job has ended (completed or failed), or rejects after `timeoutMs`. */
  settled(jobId: string, timeoutMs?: number): Promise<SimJob>;
  /**
   * Resolves when the job's processing time is over and its documents are read — when it ends, or would
   * have ended were it not held by `neverFinish` — or rejects after `timeoutMs`.
   */
  due(jobId: string, timeoutMs?: number): Promise<SimJob>;
  reset(): void;
  stop(): Promise<void>;
}

/** A persona's bank statements (one a month) as the request's `bank_statements`, and what was drawn on them. */
export async function personaDocuments(
  persona: PersonaId,
  o: { seed?: number; bank?: keyof typeof LAYOUTS; months?: string[] } = {},
) {
  const rendered = await personaStatements({
    persona,
    bank: o.bank ?? 'barclays',
    seed: o.seed ?? 1,
    ...(o.months ? { months: o.months } : {}),
  });
  return rendered.map((r) => ({
    document: r.pdf.toString('base64'),
    filename: `${persona}-${r.truth.period.start.slice(0, 7)}.pdf`,
    truth: r.truth,
  }));
}

// ---- The analysis: categories by narrative (simple keyword rules, as a provider's first pass would be).

const INCOME_RULES: Array<[string, RegExp]> = [
  ['benefits', /\b(DWP|HMRC|UC|PIP|CHILD BENEFIT|SASSA|UIF)\b/],
  ['salary', /\b(SALARY|WAGES|PAYROLL|BGC)\b/],
  ['self_employment', /\b(PAYOUT|UBER BV|DELIVERY|INVOICE)\b/],
];
/** Money in that is not income: refunds, returned debits, credit drawn, gambling returns, own transfers. */
const NOT_INCOME =
  /\b(REFUND|RETURNED|REVERSAL|LOAN|DRAWDOWN|LENDING|WITHDRAWAL|WINNINGS|TRANSFER FROM|FROM SAVINGS)\b/;
const EXPENSE_RULES: Array<[string, RegExp]> = [
  [
    'gambling',
    /\b(BET\d*|BETFAIR|BET365|PADDY POWER|POKERSTARS|SKY BETTING|CASINO|LOTTERY|LADBROKES|WILLIAM HILL|CORAL)\b/,
  ],
  ['debt_repayments', /\b(LOAN|LENDING|DRAFTY|CREDIT CARD|FINANCE|KLARNA|CLEARPAY|OVERDRAFT INTEREST)\b/],
  ['housing', /\b(RENT|LETTINGS|HOUSING|MORTGAGE)\b/],
  ['utilities', /\b(ENERGY|WATER|BRITISH GAS|EON|E\.ON|EDF|OCTOPUS|COUNCIL|CTAX|TV LICENCE|ESKOM)\b/],
  ['telecoms', /\b(EE|VODAFONE|VIRGIN MEDIA|GIFFGAFF|LEBARA|HUTCHISON|O2|BT|SKY|TOPUP|MTN|VODACOM)\b/],
  [
    'groceries',
    /\b(TESCO|SAINSBURY|ASDA|ALDI|LIDL|MORRISONS|CO-OP|ICELAND|FARMFOODS|HERON|WAITROSE|CHECKERS|WOOLWORTHS|PICK N PAY|SHOPRITE|SPAR)/,
  ],
  [
    'transport',
    /\b(TRAINS?|RAIL|BUS|UBER \*TRIP|ESSO|SHELL|BP|NATIONAL EXPRESS|STAGECOACH|ARRIVA|MERSEYRAIL|TFL|FUEL)\b/,
  ],
  ['eating_out', /\b(PRET|MCDONALDS|COSTA|GREGGS|NANDO|DELIVEROO|JUST EAT|SUBWAY|KFC|STARBUCKS)/],
  ['subscriptions', /\b(NETFLIX|SPOTIFY|PUREGYM|DISNEY|AMAZON PRIME|APPLE\.COM)/],
  ['insurance', /\bINSURANCE\b/],
  ['cash', /\b(ATM|NOTEMACHINE|CASH)\b/],
  ['fees', /\b(FEE|CHARGE)\b/],
];
const HIGH_COST_CREDIT = /\b(LENDING STREAM|DRAFTY|PAYDAY|QUICKQUID|MONEYBOAT|CASHFLOAT)\b/;
const RETURNED = /\b(RETURNED|UNPAID)\b/;

const round2 = (x: number) => Math.round(x * 100) / 100;
const major = (minor: number) => round2(minor / 100);

function incomeCategory(t: Transaction): string | undefined {
  const n = t.merchant_name.toUpperCase();
  if (NOT_INCOME.test(n)) return undefined;
  return INCOME_RULES.find(([, re]) => re.test(n))?.[0] ?? 'other_income';
}
function expenseCategory(t: Transaction): string {
  const n = t.merchant_name.toUpperCase();
  return EXPENSE_RULES.find(([, re]) => re.test(n))?.[0] ?? 'shopping_and_other';
}
/** A narrative without its dates and reference numbers, to group a source of income. */
const sourceName = (s: string) =>
  s
    .toUpperCase()
    .replace(/\bON \d{1,2} [A-Z]{3}\b/g, '')
    .replace(/[A-Z]*\d[\w-]*/g, '')
    .replace(/\s+/g, ' ')
    .trim() || s;

/** The result as the spec's `AssessmentResult`, from what the statements say. */
export function assess(
  read: Array<{ index: number; filename: string | null; statement: StatementRead }>,
  currency: string,
): Record<string, unknown> {
  const merged = reconcileStatements(read.map((r) => r.statement));
  const bySha = new Map(read.map((r) => [r.statement.document_sha256.slice(0, 16), r.index]));
  const start = read.map((r) => r.statement.period.start).sort()[0] ?? '';
  const end =
    read
      .map((r) => r.statement.period.end)
      .sort()
      .at(-1) ?? '';
  const months = round2((dayNumber(end) - dayNumber(start) + 1) / (365.25 / 12));
  const perMonth = (minor: number) => (months > 0 ? major(minor / months) : 0);

  const sources = new Map<string, { category: string; total: number; n: number }>();
  const expenses = new Map<string, { total: number; n: number }>();
  let income = 0;
  let spent = 0;
  let returned = 0;
  let highCost = false;
  let overdrawn = false;
  const transactions = merged.transactions.map((t, i) => {
    const name = t.merchant_name.toUpperCase();
    let category: string;
    if (t.amount_minor < 0) {
      const c = incomeCategory(t);
      category = c ?? 'non_income_credit';
      if (c) {
        income -= t.amount_minor;
        const k = sourceName(t.merchant_name);
        const s = sources.get(k) ?? { category: c, total: 0, n: 0 };
        s.total -= t.amount_minor;
        s.n++;
        sources.set(k, s);
      }
    } else {
      category = expenseCategory(t);
      spent += t.amount_minor;
      const e = expenses.get(category) ?? { total: 0, n: 0 };
      e.total += t.amount_minor;
      e.n++;
      expenses.set(category, e);
    }
    if (RETURNED.test(name)) returned++;
    if (HIGH_COST_CREDIT.test(name)) highCost = true;
    if ((t.balance_minor ?? 0) < 0 || /OVERDRAFT/.test(name)) overdrawn = true;
    return {
      id: `txn_${String(i + 1).padStart(5, '0')}`,
      date: t.date,
      description: t.merchant_name,
      amount: major(Math.abs(t.amount_minor)),
      type: t.amount_minor > 0 ? 'debit' : 'credit',
      balance: t.balance_minor === undefined ? null : major(t.balance_minor),
      category,
      statement_index: bySha.get(t.source_ref?.split(':')[0] ?? '') ?? 0,
    };
  });

  const incomeMonthly = perMonth(income);
  const spentMonthly = perMonth(spent);
  const disposable = round2(incomeMonthly - spentMonthly);
  const debt = perMonth(expenses.get('debt_repayments')?.total ?? 0);
  const gambling = perMonth(expenses.get('gambling')?.total ?? 0);
  const indicators: Array<{ code: string; severity: 'low' | 'medium' | 'high'; description: string }> = [];
  if (gambling > 0) {
    const share = incomeMonthly > 0 ? gambling / incomeMonthly : 1;
    indicators.push({
      code: 'gambling',
      severity: share > 0.1 ? 'high' : share > 0.02 ? 'medium' : 'low',
      description: `Gambling transactions of ${gambling.toFixed(2)} ${currency} a month`,
    });
  }
  if (returned > 0)
    indicators.push({
      code: 'returned_payments',
      severity: returned >= 2 ? 'high' : 'medium',
      description: `${returned} returned or unpaid items`,
    });
  if (overdrawn)
    indicators.push({
      code: 'overdraft_usage',
      severity: 'medium',
      description: 'The account was overdrawn',
    });
  if (highCost)
    indicators.push({
      code: 'high_cost_credit',
      severity: 'medium',
      description: 'Payments to or from high-cost lenders',
    });
  if (disposable < 0)
    indicators.push({
      code: 'negative_disposable_income',
      severity: 'high',
      description: 'Expenses exceed income',
    });
  const penalty = { low: 25, medium: 75, high: 150 };
  const margin = incomeMonthly > 0 ? disposable / incomeMonthly : -1;
  const score = Math.round(
    Math.max(
      0,
      Math.min(
        1000,
        700 +
          Math.max(-300, Math.min(200, margin * 300)) -
          indicators.reduce((n, x) => n + penalty[x.severity], 0),
      ),
    ),
  );
  const band =
    score >= 800
      ? 'very_low'
      : score >= 650
        ? 'low'
        : score >= 500
          ? 'medium'
          : score >= 350
            ? 'high'
            : 'very_high';

  return {
    currency_code: currency,
    period: { start_date: start, end_date: end, months },
    income: {
      monthly_average: incomeMonthly,
      sources: [...sources]
        .sort((a, b) => b[1].total - a[1].total)
        .map(([description, s]) => ({
          category: s.category,
          description,
          monthly_average: perMonth(s.total),
          occurrences: s.n,
        })),
    },
    expenses: {
      monthly_average: spentMonthly,
      categories: [...expenses]
        .sort((a, b) => b[1].total - a[1].total)
        .map(([category, e]) => ({ category, monthly_average: perMonth(e.total), transaction_count: e.n })),
    },
    disposable_income: { monthly_average: disposable },
    affordability: {
      // 40% of what is left each month, kept back as a buffer for the rest.
      max_affordable_instalment: round2(Math.max(0, disposable * 0.4)),
      ...(incomeMonthly > 0
        ? {
            debt_to_income_ratio: round2(debt / incomeMonthly),
            expense_to_income_ratio: round2(spentMonthly / incomeMonthly),
          }
        : {}),
      existing_debt_repayments: debt,
    },
    risk_indicators: indicators,
    score: { value: score, min: 0, max: 1000, risk_band: band },
    transactions,
    statements: read.map((r) => ({
      index: r.index,
      filename: r.filename,
      bank_name: r.statement.bank,
      account_number_masked: r.statement.account.last4 ? `****${r.statement.account.last4}` : null,
      period_start: r.statement.period.start,
      period_end: r.statement.period.end,
      opening_balance: major(r.statement.opening_balance_minor),
      closing_balance: major(r.statement.closing_balance_minor),
    })),
  };
}

// ---- The request's validation (400s) and the documents' reading.

interface SubmittedDoc {
  type: DocType;
  index: number;
  document: string;
  filename: string | null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const startsWith = (b: Buffer, magic: number[]) => magic.every((x, i) => b[i] === x);
const isPdf = (b: Buffer) => b.subarray(0, 1024).includes('%PDF-');
const isImage = (b: Buffer) => startsWith(b, [0xff, 0xd8, 0xff]) || startsWith(b, [0x89, 0x50, 0x4e, 0x47]);

function validate(body: unknown): {
  details: Array<{ field: string; message: string }>;
  docs: SubmittedDoc[];
} {
  const details: Array<{ field: string; message: string }> = [];
  const docs: SubmittedDoc[] = [];
  const file = (v: unknown, field: string, type: DocType, index: number) => {
    if (!isRecord(v)) return details.push({ field, message: 'must be an object with document' });
    if (
      typeof v.document !== 'string' ||
      v.document.length === 0 ||
      v.document.length % 4 !== 0 ||
      !BASE64.test(v.document)
    )
      return details.push({ field: `${field}.document`, message: 'must be a base64-encoded document' });
    if (v.filename !== undefined && typeof v.filename !== 'string')
      return details.push({ field: `${field}.filename`, message: 'must be a string' });
    docs.push({
      type,
      index,
      document: v.document,
      filename: typeof v.filename === 'string' ? v.filename : null,
    });
  };
  if (!isRecord(body)) return { details: [{ field: '', message: 'the body must be a JSON object' }], docs };
  if (!Array.isArray(body.bank_statements) || body.bank_statements.length === 0)
    details.push({ field: 'bank_statements', message: 'at least 1 bank statement is required' });
  else body.bank_statements.forEach((s, i) => file(s, `bank_statements[${i}]`, 'bank_statement', i));
  const sup = body.supporting_documents;
  if (sup !== undefined) {
    if (!isRecord(sup)) details.push({ field: 'supporting_documents', message: 'must be an object' });
    else {
      if (sup.payslips !== undefined) {
        if (!Array.isArray(sup.payslips))
          details.push({ field: 'supporting_documents.payslips', message: 'must be an array' });
        else sup.payslips.forEach((p, i) => file(p, `supporting_documents.payslips[${i}]`, 'payslip', i));
      }
      for (const k of ['credit_report', 'id_document', 'rental_agreement'] as const)
        if (sup[k] !== undefined) file(sup[k], `supporting_documents.${k}`, k, 0);
    }
  }
  if (
    body.assessment_type !== undefined &&
    body.assessment_type !== 'individual' &&
    body.assessment_type !== 'business'
  )
    details.push({ field: 'assessment_type', message: 'must be individual or business' });
  if (
    body.currency_code !== undefined &&
    (typeof body.currency_code !== 'string' || !/^[A-Za-z]{3}$/.test(body.currency_code))
  )
    details.push({ field: 'currency_code', message: 'must be an ISO currency code' });
  if (
    body.webhook_url !== undefined &&
    (typeof body.webhook_url !== 'string' ||
      !/^https?:\/\//.test(body.webhook_url) ||
      !URL.canParse(body.webhook_url))
  )
    details.push({ field: 'webhook_url', message: 'must be an http(s) URL' });
  if (
    body.external_reference !== undefined &&
    (typeof body.external_reference !== 'string' || body.external_reference.length > 255)
  )
    details.push({ field: 'external_reference', message: 'must be a string of at most 255 characters' });
  return { details, docs };
}

/** Reads every document and works out the job's outcome (the failure model), as the provider would. */
async function analyse(
  docs: SubmittedDoc[],
  outcomes: DocOutcome[],
  currency: string,
): Promise<{ error: Problem | null; result: Record<string, unknown> | null; warnings: string[] }> {
  const warnings: string[] = [];
  const read: Array<{ index: number; filename: string | null; statement: StatementRead }> = [];
  const fail = (i: number, code: string, message: string) => {
    const o = outcomes[i];
    if (o) {
      o.status = 'failed';
      o.error = { code, message };
    }
  };
  for (const [i, d] of docs.entries()) {
    const bytes = Buffer.from(d.document, 'base64');
    const o = outcomes[i];
    if (d.type === 'id_document' || d.type === 'rental_agreement') {
      const ok = isPdf(bytes) || (d.type === 'id_document' && isImage(bytes));
      if (ok) {
        if (o) o.status = 'processed';
      } else {
        fail(i, 'unsupported_format', d.type === 'id_document' ? 'not a PDF, JPEG or PNG' : 'not a PDF');
        warnings.push(
          `The ${d.type === 'id_document' ? 'ID document' : 'rental agreement'} could not be processed; the assessment continued without it`,
        );
      }
      continue;
    }
    if (!isPdf(bytes)) {
      fail(i, 'not_pdf', 'the document is not a PDF');
      continue;
    }
    if (d.type === 'bank_statement') {
      const r: StatementResult = await readStatement(new Uint8Array(bytes), { currency });
      if (!r.ok) fail(i, r.reason, r.detail);
      else {
        read.push({ index: d.index, filename: d.filename, statement: r });
        if (o) o.status = 'processed';
      }
    } else if (d.type === 'payslip') {
      const r = await readPayslip(new Uint8Array(bytes), { currency });
      if (!r.ok) fail(i, r.reason, r.detail);
      else if (o) o.status = 'processed';
    } else if (o) o.status = 'processed'; // a credit report that is a PDF
  }
  const failed = (t: DocType) => outcomes.some((o) => o.type === t && o.status === 'failed');
  if (failed('bank_statement'))
    return {
      error: { code: 'bank_statement_failed', message: 'A bank statement could not be processed' },
      result: null,
      warnings,
    };
  if (failed('payslip'))
    return {
      error: { code: 'payslip_failed', message: 'A payslip could not be processed' },
      result: null,
      warnings,
    };
  if (failed('credit_report'))
    return {
      error: { code: 'credit_report_failed', message: 'The credit report could not be processed' },
      result: null,
      warnings,
    };
  if (read.every((r) => r.statement.transactions.length === 0))
    return {
      error: {
        code: 'classification_failed',
        message: 'No transactions could be classified in the bank statements',
      },
      result: null,
      warnings,
    };
  for (const r of read)
    if (!r.statement.reconciliation.ok)
      warnings.push(
        `Bank statement ${r.index + 1}: the balances do not reconcile; its figures may be misread`,
      );
  return { error: null, result: assess(read, currency), warnings };
}

// ---- The server.

type Fault =
  { status: number } | { retryAfter: number } | { hang: true; process: boolean } | { malformed: true };

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export async function startDocumentApiSimulator(
  o: DocumentApiSimOptions = {},
): Promise<DocumentApiSimulator> {
  const scale = o.timeScale ?? 1;
  const secret = o.webhookSecret ?? SIM_WEBHOOK_SECRET;
  // Keys by their hash: a key is looked up, never compared character by character.
  const credits = new Map<string, number>(
    Object.entries(o.keys ?? { [SIM_API_KEY]: 100, [SIM_NO_CREDIT_KEY]: 0 }).map(([k, n]) => [hash(k), n]),
  );
  const reserved = new Map<string, number>();
  const jobs = new Map<string, SimJob>();
  const idempotency = new Map<string, { body: string; jobId: string }>();
  const never = new Set<string>();
  const faults: Fault[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Map<string, Array<() => void>>();
  const due = new Map<string, Array<() => void>>();
  const wait = (on: Map<string, Array<() => void>>, id: string, what: string, timeoutMs: number) =>
    new Promise<SimJob>((resolve, reject) => {
      const j = jobs.get(id);
      if (!j) return reject(new Error(`no job ${id}`));
      const t = setTimeout(
        () => reject(new Error(`job ${id} did not ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = on.get(id) ?? [];
      list.push(() => {
        clearTimeout(t);
        resolve(j);
      });
      on.set(id, list);
      finish(j);
    });
  const deliveries: Delivery[] = [];
  const counts = { submit: 0, poll: 0 };

  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };
  /** Where an answer goes: the response, or nowhere (a hung request carried out). */
  type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;
  const replyTo =
    (res: http.ServerResponse): Reply =>
    (status, body, headers = {}) =>
      // Realistic latency, compressed like processing: 150 ms for an answer with a body of results.
      later(status === 200 || status === 202 ? 150 * scale : 0, () => sendJson(res, status, body, headers));
  const lost: Reply = () => undefined;
  const error = (
    reply: Reply,
    status: number,
    code: string,
    message: string,
    extra: object = {},
    headers: Record<string, string> = {},
  ) => reply(status, { error: code, message, ...extra }, headers);

  const estimate = `${Math.ceil(120 * scale)}-${Math.ceil(300 * scale)}s`;
  const submitView = (j: SimJob) => ({
    job_id: j.job_id,
    assessment_id: j.assessment_id,
    status: j.status,
    external_reference: j.external_reference,
    estimated_time: estimate,
    poll_url: `/api/v1/assess/${j.job_id}`,
  });
  const jobView = (j: SimJob) => ({
    job_id: j.job_id,
    assessment_id: j.assessment_id,
    status: j.status,
    external_reference: j.external_reference,
    created_at: j.created_at,
    completed_at: j.completed_at,
    estimated_time: j.status === 'processing' ? estimate : null,
    documents: j.documents,
    error: j.error,
    warnings: j.warnings,
    result: j.result,
  });

  /** Ends the job when both its processing time is over and its analysis is done (and not held back). */
  const finish = (j: SimJob) => {
    if (j.status !== 'processing' || !j.outcome || Date.now() < j.readyAt) return;
    for (const w of due.get(j.job_id) ?? []) w();
    due.delete(j.job_id);
    if (never.has(j.job_id)) return;
    j.status = j.outcome.error ? 'failed' : 'completed';
    j.error = j.outcome.error;
    j.result = j.outcome.result;
    j.completed_at = new Date().toISOString();
    reserved.set(j.keyHash, (reserved.get(j.keyHash) ?? 1) - 1);
    if (j.status === 'completed') credits.set(j.keyHash, (credits.get(j.keyHash) ?? 0) - 1);
    for (const w of waiters.get(j.job_id) ?? []) w();
    waiters.delete(j.job_id);
    if (j.webhook_url) void deliver(j);
  };

  const deliver = async (j: SimJob) => {
    const event = j.status === 'completed' ? 'assessment.completed' : 'assessment.failed';
    const body = JSON.stringify({
      event,
      job_id: j.job_id,
      assessment_id: j.assessment_id,
      status: j.status,
      external_reference: j.external_reference,
      occurred_at: j.completed_at,
    });
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    const d: Delivery = { url: j.webhook_url ?? '', job_id: j.job_id, event };
    deliveries.push(d);
    try {
      const r = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-signature': `sha256=${signature}` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      d.status = r.status;
      await r.body?.cancel();
    } catch (e) {
      d.error = e instanceof Error ? e.message : String(e);
    }
  };

  const submit = (req: http.IncomingMessage, raw: string, reply: Reply, keyHash: string) => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(reply, 400, 'validation_error', 'The body is not valid JSON');
    }
    const { details, docs } = validate(body);
    if (details.length || !isRecord(body))
      return error(reply, 400, 'validation_error', 'Invalid request', { details });
    const key = req.headers['idempotency-key'];
    const slot = typeof key === 'string' && key ? `${keyHash}:${key}` : undefined;
    const bodyHash = hash(raw);
    const earlier = slot ? idempotency.get(slot) : undefined;
    if (earlier) {
      const j = jobs.get(earlier.jobId);
      if (earlier.body !== bodyHash || !j)
        return error(
          reply,
          409,
          'idempotency_conflict',
          'This Idempotency-Key was used with another request',
        );
      return reply(200, submitView(j));
    }
    const left = (credits.get(keyHash) ?? 0) - (reserved.get(keyHash) ?? 0);
    if (left <= 0) return error(reply, 402, 'insufficient_credits', 'Insufficient credits');
    reserved.set(keyHash, (reserved.get(keyHash) ?? 0) + 1);
    const currency = typeof body.currency_code === 'string' ? body.currency_code.toUpperCase() : 'ZAR';
    const supporting = docs.filter((d) => d.type !== 'bank_statement').length;
    const seconds = Math.min(300, 120 + 20 * (docs.length - supporting) + 10 * supporting);
    const j: SimJob = {
      job_id: randomUUID(),
      assessment_id: randomUUID(),
      keyHash,
      external_reference: typeof body.external_reference === 'string' ? body.external_reference : null,
      currency,
      webhook_url: typeof body.webhook_url === 'string' ? body.webhook_url : null,
      created_at: new Date().toISOString(),
      readyAt: Date.now() + seconds * 1000 * scale,
      status: 'processing',
      completed_at: null,
      documents: docs.map((d) => ({
        type: d.type,
        index: d.index,
        filename: d.filename,
        status: 'pending',
        error: null,
      })),
      warnings: [],
      error: null,
      result: null,
    };
    jobs.set(j.job_id, j);
    if (slot) idempotency.set(slot, { body: bodyHash, jobId: j.job_id });
    analyse(docs, j.documents, currency).then(
      (out) => {
        j.warnings = out.warnings;
        j.outcome = { error: out.error, result: out.result };
        finish(j);
      },
      (e: unknown) => {
        j.outcome = {
          error: { code: 'processing_error', message: e instanceof Error ? e.message : 'processing failed' },
          result: null,
        };
        finish(j);
      },
    );
    later(Math.max(0, j.readyAt - Date.now()), () => finish(j));
    return reply(202, submitView(j));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      const isSubmit = url.pathname === '/api/v1/assess';
      const jobMatch = /^\/api\/v1\/assess\/([^/]+)$/.exec(url.pathname);
      if (isSubmit) counts.submit++;
      else if (jobMatch) counts.poll++;
      const fault = isSubmit || jobMatch ? faults.shift() : undefined;
      let reply = replyTo(res);
      if (fault && 'status' in fault) return error(reply, fault.status, 'server_error', 'Simulated failure');
      if (fault && 'retryAfter' in fault)
        return error(
          reply,
          429,
          'rate_limited',
          'Rate limit exceeded',
          {},
          { 'retry-after': String(fault.retryAfter) },
        );
      if (fault && 'malformed' in fault) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"job_id": "550e8400-e29b-41d4-a716-4466554400');
      }
      if (fault && 'hang' in fault) {
        // Never answered (the socket stays open until the client gives up or the simulator stops); with
        // `process` the request is carried out first and only its answer is lost.
        if (!fault.process) return;
        reply = lost;
      }
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const keyHash = bearer ? hash(bearer) : undefined;
      if (!keyHash || !credits.has(keyHash))
        return error(reply, 401, 'unauthorized', 'Invalid or missing API key');
      if (isSubmit && req.method === 'POST')
        return submit(req, Buffer.concat(chunks).toString('utf8'), reply, keyHash);
      if (jobMatch && req.method === 'GET') {
        const j = jobs.get(decodeURIComponent(jobMatch[1] ?? ''));
        if (!j || j.keyHash !== keyHash) return error(reply, 404, 'not_found', 'No such job');
        finish(j);
        return reply(200, jobView(j));
      }
      return error(reply, isSubmit || jobMatch ? 405 : 404, 'not_found', 'No such endpoint');
    });
  });

  const url = await listenOnLoopback(server, o.port);
  const push = (n: number, f: Fault) => {
    for (let i = 0; i < n; i++) faults.push(f);
  };
  return {
    url,
    apiKey: Object.keys(o.keys ?? { [SIM_API_KEY]: 0 })[0] ?? SIM_API_KEY,
    webhookSecret: secret,
    counts,
    jobs,
    deliveries,
    credits: (key) => credits.get(hash(key)) ?? 0,
    setCredits: (key, n) => void credits.set(hash(key), n),
    failNext: (status, n = 1) => push(n, { status }),
    rateLimitNext: (s, n = 1) => push(n, { retryAfter: s }),
    hangNext: (n = 1, h = {}) => push(n, { hang: true, process: h.process ?? false }),
    malformedNext: (n = 1) => push(n, { malformed: true }),
    neverFinish: (id) => void never.add(id),
    settled: (id, timeoutMs = 60_000) => {
      const j = jobs.get(id);
      return j && j.status !== 'processing' ? Promise.resolve(j) : wait(waiters, id, 'end', timeoutMs);
    },
    due: (id, timeoutMs = 60_000) => {
      const j = jobs.get(id);
      return j && (j.status !== 'processing' || (j.outcome && Date.now() >= j.readyAt))
        ? Promise.resolve(j)
        : wait(due, id, 'come due', timeoutMs);
    },
    reset: () => {
      faults.length = 0;
      never.clear();
      deliveries.length = 0;
      counts.submit = counts.poll = 0;
    },
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return stopServer(server);
    },
  };
}

// No top-level await: test files import this module, and a module graph with one cannot be require()d.
if (isMain(import.meta.url)) {
  const { port, timeScale, values, fail } = simulatorCli({
    script: 'sim:document-api',
    about: 'The document assessment API simulator (openapi/providers/document-api-v1.yaml) on 127.0.0.1.',
    port: 8093,
    timeScale: { help: "the processing time (2–5 minutes) and every answer's latency", zero: false },
    options: [
      {
        name: 'credits',
        value: 'N',
        help: `the credits of the API key ${SIM_API_KEY}; ${SIM_NO_CREDIT_KEY} has none`,
        default: '100',
      },
    ],
  });
  const n = Number(values.credits);
  if (!Number.isInteger(n) || n < 0) fail('--credits must be a whole number of 0 or more');
  serve(
    startDocumentApiSimulator({ port, timeScale, keys: { [SIM_API_KEY]: n, [SIM_NO_CREDIT_KEY]: 0 } }),
    (sim) =>
      `Document API simulator on ${sim.url} — API key ${SIM_API_KEY} (${n} credits), ${SIM_NO_CREDIT_KEY} (none); webhook secret ${sim.webhookSecret}; ` +
      `processing ${Math.round(120 * timeScale)}–${Math.round(300 * timeScale)} s. Ctrl-C stops it.`,
  );
}
