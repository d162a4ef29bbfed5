/**
 * A local simulator of the legacy affordability provider, as openapi/providers/legacy-provider.yaml
 * describes it (the provider's public page, with the spec's marked assumptions): the OAuth2 password token,
 * applications, personal info, BYOD upload, statements, and the five results — labelled transactions,
 * affordability, income analysis, risk insights, expense insights — computed from what was uploaded, so a
 * persona's transactions (tools/personas/) go in and the provider's figures come out, to compare with the
 * gateway's own assessment.
 *
 * Timing: each answer takes `latencyMs` (300 ms) and the analysis `processingMs` (20 s, as a real provider
 * might) after the upload, both multiplied by `timeScale` (tests use 0.01 or less). While it works the
 * analyses answer 202 and the labelled transactions 409, with `Retry-After`; before any upload every
 * result answers 404.
 * Faults for tests: `failNext(status, n)` (any request), `rateLimitNext(retryAfterSeconds, n)` (429),
 * `hangNext(n)` (the request is read and never answered), `neverFinish()` (no analysis ever completes),
 * `malformedNext(n)` (the next result answers 200 with a body that is not the described one),
 * `refuseAnalysis(applicationId)` (its results answer 400: no usable data), `refuseNextAnalyses(n)` (the
 * next `n` applications created are refused so, once their data is uploaded).
 *
 *   npm run sim:legacy-provider [-- --port 8094] [--time-scale 1]   (username sim-user, password sim-pass,
 *   or the API key sim-api-key)
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { isMain, serve, simulatorCli } from './cli.ts';
import { listenOnLoopback, sendJson as send, stopServer } from './server.ts';
import { isRecord } from '../../src/lib/narrow.ts';
import type { VeqtrxTransaction } from '../../src/model/veqtrx.ts';
import { generatePersona, type PersonaId } from '../personas/personas.ts';

export interface LegacySimulatorOptions {
  port?: number;
  username?: string;
  password?: string;
  apiKey?: string;
  /** Multiplies every delay (1 = real time). */
  timeScale?: number;
  /** How long an analysis takes after the upload, before timeScale. */
  processingMs?: number;
  /** How long each answer takes, before timeScale (a FastAPI service behind a network: 300 ms). */
  latencyMs?: number;
  /** Lifetime of a token, seconds (sent as expires_in). */
  tokenTtlSeconds?: number;
}

interface SimTransaction {
  id: string;
  datetime: string;
  amount: number;
  balance?: number;
  description?: string;
  reference?: string;
  currency: string;
}

interface SimAccount {
  id: string;
  account_number?: string;
  account_name?: string;
  account_type?: string;
  balance?: number;
  currency: string;
  bank_slug?: string;
  account_holder_name?: string;
  transactions: SimTransaction[];
}

interface SimApplication {
  id: string;
  applicant: string;
  proxy_id: string;
  application_config_id: string | null;
  redirect_url: string;
  personal?: Record<string, unknown>;
  accounts: SimAccount[];
  uploadedAt?: number;
  refused?: boolean;
}

export interface LegacySimulator {
  url: string;
  username: string;
  password: string;
  apiKey: string;
  defaultConfigId: string;
  /** Requests received, by operation. */
  counts: {
    token: number;
    list: number;
    create: number;
    get: number;
    personal: number;
    byod: number;
    statements: number;
    results: number;
  };
  applications: Map<string, SimApplication>;
  failNext(status: number, n?: number): void;
  rateLimitNext(retryAfterSeconds: number, n?: number): void;
  hangNext(n?: number): void;
  malformedNext(n?: number): void;
  neverFinish(on?: boolean): void;
  refuseAnalysis(applicationId: string): void;
  /** The next `n` applications created: their results answer 400 (no usable data), as `refuseAnalysis`. */
  refuseNextAnalyses(n?: number): void;
  reset(): void;
  stop(): Promise<void>;
}

/** A persona's transactions as the gateway's `legacy_provider` source sends them (ZAR). */
export function personaSource(
  id: PersonaId,
  seed = 1,
): { transactions: VeqtrxTransaction[]; currency: 'ZAR' } {
  const p = generatePersona(id, seed);
  return { transactions: p.transactions.map((t) => ({ ...t, currency: 'ZAR' })), currency: 'ZAR' };
}

const hex24 = () => randomBytes(12).toString('hex');

/** The provider's labels, from the narrative (its own labeller is not public: a keyword table). */
const OUT_LABELS: Array<[RegExp, string]> = [
  [/BET|POKER|CASINO|LOTT|GAMING|PADDY POWER|LADBROKES|WILLIAM HILL|HOLLYWOODBETS/i, 'gambling'],
  [/UNPAID|RETURNED/i, 'returned_debit_order'],
  [/RENT|HOUSING|YOUR MOVE|LETTING/i, 'rent'],
  [/MORTGAGE|BOND|HOME LOAN|NATIONWIDE BS/i, 'home_loan'],
  [/OVERDRAFT|FEE|CHARGE|INTEREST/i, 'bank_fees'],
  [/LENDING|LOAN|DRAFTY|KLARNA|CREDIT CARD|BARCLAYCARD|AMEX/i, 'loan_repayment'],
  [
    /TESCO|ASDA|SAINSBURY|LIDL|ALDI|ICELAND|CO-OP|MORRISONS|WAITROSE|FARMFOODS|HERON|SPAR|CHECKERS|PICK N PAY|WOOLWORTHS|SHOPRITE|OCADO|M&S/i,
    'groceries',
  ],
  [/VODAFONE|\bEE\b|\bO2\b|THREE|LEBARA|VODACOM|MTN|GIFFGAFF|MOBILE|TELKOM/i, 'airtime'],
  [/E\.ON|BRITISH GAS|OCTOPUS|EDF|ESKOM|WATER|ELECTRIC|OVO/i, 'utilities'],
  [/COUNCIL|MUNICIPAL/i, 'municipal'],
  [/ATM|NOTEMACHINE|CASH/i, 'cash_withdrawal'],
  [/TRAIN|BUS|RAIL|UBER|TFL|STAGECOACH|ARRIVA|NATIONAL EXPRESS|SHELL|BP |ESSO/i, 'transport'],
  [/GREGGS|MCDONALDS|JUST EAT|DELIVEROO|KFC|NANDO|COSTA|STARBUCKS|PRET|DOMINO/i, 'eating_out'],
  [/NETFLIX|SPOTIFY|DISNEY|AMAZON PRIME|SKY /i, 'subscriptions'],
  [/PHARMACY|BOOTS|SUPERDRUG/i, 'pharmacy'],
  [/INSURANCE|AVIVA|ADMIRAL|DIRECT LINE/i, 'insurance'],
  [/SAVINGS|ISA|INVEST/i, 'savings'],
];
const IN_LABELS: Array<[RegExp, string]> = [
  [/DWP|SASSA|GRANT|\bPIP\b|\bUC\b|BENEFIT|CHILD BENEFIT|PENSION CREDIT/i, 'social_grant'],
  [/PENSION|ANNUITY/i, 'pension'],
  [/LENDING|LOAN|DRAFTY|CASH ADVANCE/i, 'loan_received'],
  [/BET|POKER|CASINO|GAMING/i, 'gambling'],
  [/REFUND|HMRC/i, 'tax_refund'],
  [/SALARY|PAYROLL|WAGES|LTD|LIMITED|PLC|NHS|UBER|DELIVEROO|CLEAN|SERVICES/i, 'salary'],
];
const DISCRETIONARY = new Set([
  'gambling',
  'eating_out',
  'subscriptions',
  'shopping',
  'transport',
  'cash_withdrawal',
  'other',
]);

export function labelOf(t: { amount: number; description?: string; reference?: string }): string {
  const text = `${t.description ?? ''} ${t.reference ?? ''}`;
  const table = t.amount < 0 ? OUT_LABELS : IN_LABELS;
  for (const [re, label] of table) if (re.test(text)) return label;
  return t.amount < 0 ? 'shopping' : 'transfer_in';
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const monthKey = (dt: string) => dt.slice(0, 7);

/** The provider's results, computed from the uploaded accounts. */
export function analyse(app: SimApplication) {
  const all = app.accounts.flatMap((a) => a.transactions.map((t) => ({ ...t, label: labelOf(t) })));
  const months = [...new Set(all.map((t) => monthKey(t.datetime)))].sort();
  const first = all.map((t) => t.datetime.slice(0, 10)).sort()[0] ?? '';
  const last =
    all
      .map((t) => t.datetime.slice(0, 10))
      .sort()
      .at(-1) ?? '';
  const isFull = (m: string) => {
    const [y, mo] = m.split('-').map(Number);
    const days = new Date(Date.UTC(y ?? 0, mo ?? 1, 0)).getUTCDate();
    return first <= `${m}-03` && last >= `${m}-${String(days - 2).padStart(2, '0')}`;
  };
  const monthly = months.map((m) => {
    const rows = all.filter((t) => monthKey(t.datetime) === m);
    const inflow = (l: (s: string) => boolean) =>
      round2(rows.filter((t) => t.amount > 0 && l(t.label)).reduce((s, t) => s + t.amount, 0));
    const outflow = (l: (s: string) => boolean) =>
      round2(rows.filter((t) => t.amount < 0 && l(t.label)).reduce((s, t) => s - t.amount, 0));
    const primary = inflow((l) => l === 'salary' || l === 'pension');
    const secondary = inflow((l) => l === 'social_grant');
    const disc = outflow((l) => DISCRETIONARY.has(l));
    const nonDisc = outflow((l) => !DISCRETIONARY.has(l) && l !== 'savings');
    const [year, month] = m.split('-').map(Number);
    return {
      year: year ?? 0,
      month: month ?? 0,
      primary_income: primary,
      secondary_income: secondary,
      non_discretionary_expenses: nonDisc,
      discretionary_expenses: disc,
      affordability_amount: round2(primary + secondary - nonDisc - disc),
      full_month: isFull(m),
    };
  });
  const full = monthly.filter((m) => m.full_month);
  const avg = (f: (m: (typeof monthly)[number]) => number) =>
    full.length ? round2(full.reduce((s, m) => s + f(m), 0) / full.length) : 0;
  const bank_connection = app.accounts[0]?.id ?? '';
  const perMonth = (label: string, sign: 1 | -1) =>
    months.map((m) => {
      const [year, month] = m.split('-').map(Number);
      const total = round2(
        all
          .filter((t) => monthKey(t.datetime) === m && t.label === label && Math.sign(t.amount) === sign)
          .reduce((s, t) => s + Math.abs(t.amount), 0),
      );
      const salary = monthly.find((x) => x.year === year && x.month === month)?.primary_income ?? 0;
      return { year: year ?? 0, month: month ?? 0, total, salary };
    });
  const gambling = perMonth('gambling', -1);
  const cash = perMonth('cash_withdrawal', -1);
  const ssi = perMonth('social_grant', 1);
  const overdraftDays = new Set(all.filter((t) => (t.balance ?? 0) < 0).map((t) => t.datetime.slice(0, 10)));
  const returned = all.filter((t) => t.label === 'returned_debit_order');
  const lastMonth = months.at(-1) ?? '';
  const returnedSince = (n: number) =>
    returned.filter((t) => months.indexOf(monthKey(t.datetime)) >= months.length - n).length;
  const totalIn = all.filter((t) => t.amount > 0).reduce((s, t) => s + t.amount, 0);
  const totalOut = all.filter((t) => t.amount < 0).reduce((s, t) => s - t.amount, 0);
  const expenseByLabel = new Map<string, number>();
  for (const t of all)
    if (t.amount < 0) expenseByLabel.set(t.label, (expenseByLabel.get(t.label) ?? 0) - t.amount);
  const salaryDays = all.filter((t) => t.label === 'salary').map((t) => Number(t.datetime.slice(8, 10)));
  const incomeMonths = new Set(all.filter((t) => t.label === 'salary').map((t) => monthKey(t.datetime)));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  return {
    labelled: app.accounts.map((a) => ({
      account: a.id,
      transactions: a.transactions.map((t) => ({
        id: t.id,
        datetime: t.datetime,
        amount: t.amount,
        ...(t.description !== undefined ? { description: t.description } : {}),
        ...(t.reference !== undefined ? { reference: t.reference } : {}),
        currency: t.currency,
        label: labelOf(t),
        ...(t.balance !== undefined ? { balance: t.balance } : {}),
        ...(a.bank_slug ? { bank_slug: a.bank_slug } : {}),
      })),
    })),
    affordability: {
      bank_connection,
      affordability: {
        monthly_affordability: monthly,
        average_full_month_primary_income: avg((m) => m.primary_income),
        average_full_month_secondary_income: avg((m) => m.secondary_income),
        average_full_month_discretionary_expenses: avg((m) => m.discretionary_expenses),
        average_full_month_non_discretionary_expenses: avg((m) => m.non_discretionary_expenses),
        average_full_month_affordability: avg((m) => m.affordability_amount),
      },
    },
    income_analysis: {
      bank_connection,
      income_analysis: {
        consistency_score: round2(months.length ? incomeMonths.size / months.length : 0),
        longevity_score: round2(Math.min(1, incomeMonths.size / 6)),
        regularity_score: round2(
          salaryDays.length
            ? 1 / (1 + Math.sqrt(mean(salaryDays.map((d) => (d - mean(salaryDays)) ** 2))))
            : 0,
        ),
        income_month_breaks: months.filter((m) => !incomeMonths.has(m)).length,
        income_indicator: incomeMonths.size > 0 ? 1 : 0,
        months_back: months.length,
        income_heatmap: Object.fromEntries(
          [...new Set(salaryDays)].map((d) => [String(d), salaryDays.filter((x) => x === d).length]),
        ),
        strike_date: salaryDays.length ? Math.round(mean(salaryDays)) : 0,
      },
    },
    risk_insights: {
      bank_connection,
      risk_insights: {
        begin_date: first,
        end_date: last,
        risk_insights: {
          gambling_insights: {
            monthly_gambling_analysis: gambling.map((g) => ({
              year: g.year,
              month: g.month,
              total_gambling_amount: g.total,
              total_salary_amount: g.salary,
              gambling_proportion: g.salary ? round2(g.total / g.salary) : 0,
            })),
            monthly_average_gambling_spend: round2(mean(gambling.map((g) => g.total))),
            monthly_average_gambling_proportion: round2(
              mean(gambling.map((g) => (g.salary ? g.total / g.salary : 0))),
            ),
          },
          overdraft_insights: {
            total_days_in_overdraft: overdraftDays.size,
            total_proportion_of_days_in_overdraft: round2(
              overdraftDays.size / Math.max(1, months.length * 30),
            ),
            unique_months: new Set([...overdraftDays].map((d) => d.slice(0, 7))).size,
            monthly_average_days_in_overdraft: round2(overdraftDays.size / Math.max(1, months.length)),
            monthly_overdraft_analysis: months.map((m) => ({
              year: Number(m.slice(0, 4)),
              month: Number(m.slice(5, 7)),
              days_in_overdraft: [...overdraftDays].filter((d) => d.startsWith(m)).length,
            })),
          },
          returned_debit_orders_insights: {
            last_month_count: returned.filter((t) => monthKey(t.datetime) === lastMonth).length,
            last_3_months_count: returnedSince(3),
            last_6_months_count: returnedSince(6),
            last_12_months_count: returnedSince(12),
            monthly_average_debit_order_value: round2(mean(returned.map((t) => Math.abs(t.amount)))),
          },
          atm_and_cash_insights: {
            monthly_atm_and_cash_spend_analysis: cash.map((c) => ({
              year: c.year,
              month: c.month,
              total_withdrawal_amount: c.total,
              total_salary_amount: c.salary,
              cash_proportion: c.salary ? round2(c.total / c.salary) : 0,
            })),
            atm_and_cash_average_amount: round2(mean(cash.map((c) => c.total))),
            average_withdrawal_proportion: round2(mean(cash.map((c) => (c.salary ? c.total / c.salary : 0)))),
          },
          net_saver_spender_insights: { net_saver_spender: totalIn >= totalOut ? 'saver' : 'spender' },
          ssi_insights: {
            monthly_ssi_analysis: ssi.map((s) => ({
              year: s.year,
              month: s.month,
              total_social_security_amount: s.total,
            })),
            monthly_average_ssi: round2(mean(ssi.map((s) => s.total))),
          },
        },
      },
    },
    expense_insights: {
      bank_connection,
      expenses_insights: {
        top_expense_amounts: [...expenseByLabel]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10)
          .map(([label, amount]) => ({
            label,
            amount: round2(amount),
            average_monthly_spend: round2(amount / Math.max(1, months.length)),
            percentage_of_total_spend: totalOut ? round2((amount / totalOut) * 100) : 0,
          })),
        unique_months: months.length,
        spend_split: {
          discretionary_spend_percentage: totalOut
            ? round2(
                ([...expenseByLabel].filter(([l]) => DISCRETIONARY.has(l)).reduce((s, [, v]) => s + v, 0) /
                  totalOut) *
                  100,
              )
            : 0,
          non_discretionary_spend_percentage: totalOut
            ? round2(
                ([...expenseByLabel].filter(([l]) => !DISCRETIONARY.has(l)).reduce((s, [, v]) => s + v, 0) /
                  totalOut) *
                  100,
              )
            : 0,
        },
      },
    },
  };
}

const RESULT_PATHS = {
  'labelled-transactions': 'labelled',
  affordability: 'affordability',
  'income-analysis': 'income_analysis',
  'risk-insights': 'risk_insights',
  'expense-insights': 'expense_insights',
} as const;

type Fault = { kind: 'status'; status: number } | { kind: 'rate'; retryAfter: number } | { kind: 'hang' };

export async function startLegacyProviderSimulator(o: LegacySimulatorOptions = {}): Promise<LegacySimulator> {
  const username = o.username ?? 'sim-user';
  const password = o.password ?? 'sim-pass';
  const apiKey = o.apiKey ?? 'sim-api-key';
  const scale = o.timeScale ?? 1;
  const processingMs = o.processingMs ?? 20_000;
  const latencyMs = (o.latencyMs ?? 300) * scale;
  const ttl = o.tokenTtlSeconds ?? 900;
  const defaultConfigId = '5eb7cf5a86d9755df3a6c500';
  const tokens = new Map<string, number>();
  const applications = new Map<string, SimApplication>();
  const faults: Fault[] = [];
  let malformed = 0;
  let never = false;
  let refuseNew = 0;
  const counts: LegacySimulator['counts'] = {
    token: 0,
    list: 0,
    create: 0,
    get: 0,
    personal: 0,
    byod: 0,
    statements: 0,
    results: 0,
  };

  const invalid = (res: http.ServerResponse, loc: string[], msg: string) =>
    send(res, 422, { detail: [{ loc, msg, type: 'value_error' }] });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fault = faults.shift();
      if (fault?.kind === 'hang') return; // read, never answered (the client's timeout ends it)
      const go = () => handle(req, Buffer.concat(chunks).toString('utf8'), res, fault);
      if (latencyMs >= 1) setTimeout(go, latencyMs);
      else go();
    });
  });

  function handle(
    req: http.IncomingMessage,
    body: string,
    res: http.ServerResponse,
    fault: Fault | undefined,
  ) {
    const url = new URL(req.url ?? '/', 'http://sim');
    const p = url.pathname;
    if (p === '/token') counts.token++;
    if (fault?.kind === 'status') return send(res, fault.status, { detail: 'simulated failure' });
    if (fault?.kind === 'rate')
      return send(res, 429, { detail: 'Too many requests' }, { 'retry-after': String(fault.retryAfter) });

    if (req.method === 'POST' && p === '/token') {
      const form = new URLSearchParams(body);
      if (form.get('username') !== username || form.get('password') !== password)
        return send(res, 401, { detail: 'Incorrect username or password' }, { 'www-authenticate': 'Bearer' });
      const token = `legtok-${randomBytes(12).toString('hex')}`;
      tokens.set(token, Date.now() + ttl * 1000);
      return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: ttl });
    }
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const exp = bearer ? tokens.get(bearer) : undefined;
    if (bearer !== apiKey && (!exp || exp < Date.now()))
      return send(res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });

    let json: unknown;
    if (req.method === 'POST') {
      try {
        json = JSON.parse(body);
      } catch {
        return invalid(res, ['body'], 'JSON decode error');
      }
      if (!isRecord(json)) return invalid(res, ['body'], 'Input should be a valid dictionary');
    }
    const b = isRecord(json) ? json : {};

    if (p === '/applications' && req.method === 'GET') {
      counts.list++;
      const skip = Number(url.searchParams.get('skip') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const list = [...applications.values()]
        .slice(skip, skip + limit)
        .map((a) => ({ id: a.id, applicant: a.applicant, proxy_id: a.proxy_id }));
      return send(res, 200, list);
    }
    if (p === '/applications' && req.method === 'POST') {
      counts.create++;
      if (typeof b.applicant_id !== 'string' || !b.applicant_id)
        return invalid(res, ['body', 'applicant_id'], 'Field required');
      if (typeof b.redirect_url !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(b.redirect_url))
        return invalid(res, ['body', 'redirect_url'], 'Input should be a valid URL');
      const config = b.application_config_id ?? null;
      if (config !== null && config !== defaultConfigId)
        return send(res, 404, { detail: 'Application config not found' });
      const app: SimApplication = {
        id: hex24(),
        applicant: b.applicant_id,
        proxy_id: hex24(),
        application_config_id: typeof config === 'string' ? config : null,
        redirect_url: b.redirect_url,
        accounts: [],
        ...(refuseNew > 0 ? { refused: true } : {}),
      };
      if (refuseNew > 0) refuseNew--;
      applications.set(app.id, app);
      return send(res, 201, { id: app.id, applicant: app.applicant, proxy_id: app.proxy_id });
    }
    const m = /^\/applications\/([^/]+)(?:\/([a-z-]+))?$/.exec(p);
    const app = m ? applications.get(decodeURIComponent(m[1] ?? '')) : undefined;
    const sub = m?.[2];
    if (m && !app) return send(res, 404, { detail: 'Application not found' });
    if (app && sub === undefined && req.method === 'GET') {
      counts.get++;
      return send(res, 200, { id: app.id, applicant: app.applicant, proxy_id: app.proxy_id });
    }
    if (app && sub === 'personal-info' && req.method === 'POST') {
      counts.personal++;
      for (const k of [
        'first_names',
        'last_names',
        'date_of_birth',
        'nationality',
        'id_type',
        'id_country',
        'email',
        'gov_id',
      ])
        if (typeof b[k] !== 'string') return invalid(res, ['body', k], 'Field required');
      app.personal = b;
      return send(res, 200, { id: hex24(), application: app.id, data: b });
    }
    if (app && sub === 'byod' && req.method === 'POST') {
      counts.byod++;
      if (!Array.isArray(b.accounts)) return invalid(res, ['body', 'accounts'], 'Field required');
      const accounts: SimAccount[] = [];
      for (const [i, a] of b.accounts.entries()) {
        if (!isRecord(a) || !Array.isArray(a.transactions))
          return invalid(res, ['body', 'accounts', String(i), 'transactions'], 'Field required');
        const currency = typeof a.currency === 'string' ? a.currency : 'ZAR';
        const txs: SimTransaction[] = [];
        for (const [j, t] of a.transactions.entries()) {
          if (!isRecord(t) || typeof t.datetime !== 'string' || typeof t.amount !== 'number')
            return invalid(
              res,
              ['body', 'accounts', String(i), 'transactions', String(j)],
              'Invalid transaction',
            );
          txs.push({
            id: hex24(),
            datetime: t.datetime,
            amount: t.amount,
            ...(typeof t.balance === 'number' ? { balance: t.balance } : {}),
            ...(typeof t.description === 'string' ? { description: t.description } : {}),
            ...(typeof t.reference === 'string' ? { reference: t.reference } : {}),
            currency: typeof t.currency === 'string' ? t.currency : currency,
          });
        }
        const str = (k: string) => (typeof a[k] === 'string' ? { [k]: a[k] } : {});
        accounts.push({
          id: hex24(),
          ...str('account_number'),
          ...str('account_name'),
          ...str('account_type'),
          ...str('bank_slug'),
          ...str('account_holder_name'),
          ...(typeof a.balance === 'number' ? { balance: a.balance } : {}),
          currency,
          transactions: txs,
        });
      }
      app.accounts.push(...accounts);
      app.uploadedAt = Date.now();
      return send(res, 200, { accounts });
    }
    if (app && sub === 'statements' && req.method === 'GET') {
      counts.statements++;
      if (!app.accounts.length) return send(res, 404, { detail: 'No statements for this application' });
      return send(res, 200, {
        accounts_summary: app.accounts.map((a) => ({
          account: a.id,
          account_type: a.account_type ?? 'current',
          bank: a.bank_slug ?? 'unknown',
          is_manual_upload: true,
          total_transactions: a.transactions.length,
        })),
      });
    }
    const result = sub && sub in RESULT_PATHS ? RESULT_PATHS[sub as keyof typeof RESULT_PATHS] : undefined;
    if (app && result && req.method === 'GET') {
      counts.results++;
      if (app.uploadedAt === undefined)
        return send(res, 404, { detail: 'No bank data for this application' });
      if (app.refused) return send(res, 400, { detail: 'Insufficient transaction data to analyse' });
      const ready = app.uploadedAt + processingMs * scale;
      if (never || Date.now() < ready) {
        const after = String(
          Math.max(1, Math.ceil((never ? processingMs * scale : ready - Date.now()) / 1000)),
        );
        return send(
          res,
          result === 'labelled' ? 409 : 202,
          { detail: 'The analysis is still processing' },
          { 'retry-after': after },
        );
      }
      if (malformed > 0) {
        malformed--;
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          result === 'labelled' ? '[{"account": 12, "transactions": "none"}]' : '{"bank_connection": ',
        );
      }
      return send(res, 200, analyse(app)[result]);
    }
    return send(res, 404, { detail: 'Not Found' });
  }

  const url = await listenOnLoopback(server, o.port);
  return {
    url,
    username,
    password,
    apiKey,
    defaultConfigId,
    counts,
    applications,
    failNext: (status, n = 1) => {
      for (let i = 0; i < n; i++) faults.push({ kind: 'status', status });
    },
    rateLimitNext: (s, n = 1) => {
      for (let i = 0; i < n; i++) faults.push({ kind: 'rate', retryAfter: s });
    },
    hangNext: (n = 1) => {
      for (let i = 0; i < n; i++) faults.push({ kind: 'hang' });
    },
    malformedNext: (n = 1) => void (malformed += n),
    neverFinish: (on = true) => void (never = on),
    refuseAnalysis: (id) => {
      const a = applications.get(id);
      if (a) a.refused = true;
    },
    refuseNextAnalyses: (n = 1) => void (refuseNew += n),
    reset: () => {
      faults.length = 0;
      malformed = 0;
      never = false;
      refuseNew = 0;
      for (const k of Object.keys(counts)) counts[k as keyof typeof counts] = 0;
    },
    stop: () => stopServer(server),
  };
}

// No top-level await: test files import this module.
if (isMain(import.meta.url)) {
  const { port, timeScale } = simulatorCli({
    script: 'sim:legacy-provider',
    about: 'The legacy provider simulator (openapi/providers/legacy-provider.yaml) on 127.0.0.1.',
    port: 8094,
    timeScale: { help: 'the time an analysis takes (20 s) and every delay', zero: true },
  });
  serve(
    startLegacyProviderSimulator({ port, timeScale }),
    (sim) =>
      `Legacy provider simulator on ${sim.url} — username ${sim.username}, password ${sim.password} (or API key ${sim.apiKey}); application config ${sim.defaultConfigId}; analyses finish ${20 * timeScale} s after the upload. Ctrl-C stops it.`,
  );
}
