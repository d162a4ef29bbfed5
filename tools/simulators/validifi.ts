/**
 * A local ValidiFI v4 simulator: the token, CONNECT transaction history and account export endpoints
 * the gateway calls, serving generated personas, so end-to-end tests, the benchmark and the demo run a
 * ValidiFI-sourced assessment with no internet. It behaves as the page describes: client-credentials
 * tokens that expire, bearer checks, history windows of at most 90 days, `syncStatus`.
 *
 * Account tokens:
 * - `sim-<persona>-<seed>` (e.g. `sim-gig_worker-1`): that persona's history, dated up to
 *   2026-11-02 (or up to `now`); its `account_token_id` is the same string.
 * - `sim-mfa`: an account that needs MFA (syncStatus "MFARequired", a challenge).
 * - `sim-reauth`: credentials changed at the bank (syncStatus "ReAuthenticationRequired").
 * - anything registered with `register()`; anything else is 404.
 * - registered with `omitTransactions`: "Synced" without a `transactions` field.
 * Faults for tests: `failNext(status, n)`, `delayNext(ms, n)`, `rateLimitNext(retryAfterSeconds, n)`,
 * `expireExport(token)` (the export is past its 24 hours: 404).
 *
 * INSIGHTS and AffordAI (openapi/providers/validifi-v4.yaml, with its `x-assumed` shapes): `POST /v4/INSIGHTS`
 * runs BankQUALIFY (1), BankVERIFY+ (2) or BankLOGIN+ (3) on an account above, its figures computed from the
 * account's history (the persona's); BankLOGIN+ analyses for `insightsMs` (3 s) and AffordAI renders for
 * `reportMs` (8 s), both × `timeScale`, answering 202 meanwhile. `POST /v4/AffordAI` checks the request as the
 * page's error codes 1–5 say, honours `simulate` (every listed code; 0 a success without a full report), and
 * renders a real PDF (pdfkit). `GET /v4/INSIGHTS/{productId}/{inquiryId}` and `GET /v4/AffordAI/{reportId}`
 * read them. A repeated INSIGHTS request (same referenceId, product and account, `refresh` false) answers
 * the earlier inquiry. `sim-mfa` fails BankLOGIN+ (statusCode 4). Their faults: `neverFinish()` (nothing
 * analysing or rendering ever finishes), `holdReports()` (no report finishes rendering), `malformedNext(n)` (the next INSIGHTS or AffordAI answers are not
 * the described shape), `failReportNext(errorCode)` (the next report ends with that error), and the faults above.
 *
 * CONNECT (openapi/providers/validifi-v4.yaml, its `x-assumed` session endpoints): `POST /v4/CONNECT/session`
 * (the CONNECT client id and secret in `token`: sim-connect-client / sim-connect-secret) answers a session
 * whose `url` is the simulator's hosted widget: plain HTML forms — pick a bank, log in with the sandbox
 * credentials `ribbit_good` / `pass_good` (a wrong password shows an error; `ribbit_mfa` links an account
 * that needs MFA, `sim-mfa`), consent — then a 303 to the session's `settings.redirectUrl` with
 * `sessionToken`, `eventName=complete` and `connectComplete=true`; "Cancel" sends `eventName=exit`.
 * `GET /v4/CONNECT/session/{sessionToken}` (bearer) reads the outcome: the linked account's token (a new
 * `sim-connect-…` token serving `connectPersona`'s history). Sessions expire after `connectTtlSeconds`
 * (30 minutes), or at once with `expireConnectSession(token)`. The hosted pages take no faults.
 *
 *   npm run sim:validifi [-- --port 8091] [--now today|YYYY-MM-DD] [--time-scale 1]   (client id sim-client, secret sim-secret;
 *   --now: the personas' histories moved by whole weeks to end just before that day, not on 2026-11-02)
 */
import { at, isRecord } from '../../src/lib/narrow.ts';
import { AFFORDAI_ERRORS } from '../../adapters/validifi_insights/map.ts';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { isMain, serve, simulatorCli, NOW_OPTION, nowOf, historiesTo } from './cli.ts';
import { listenOnLoopback, sendJson as send, stopServer } from './server.ts';
import PDFDocument from 'pdfkit';
import { PERSONA_IDS, generatePersona, shiftPersona, type PersonaId } from '../personas/personas.ts';
import { toValidifi } from '../personas/formats.ts';
import { esc, page, readForm, redirectTo, sendHtml } from './hosted-page.ts';
import type { VeqtrxTransaction } from '../../src/model/veqtrx.ts';

export interface SimAccount {
  transactions: ReturnType<typeof toValidifi>;
  syncStatus?: string;
  syncInstructions?: string;
  challenges?: unknown[];
  export?: Record<string, unknown>;
  /** A "Synced" history without its `transactions` field (a payload the gateway must not take for an empty account). */
  omitTransactions?: boolean;
  /** Send every transaction whatever window was asked for (a provider that ignores the date range). */
  ignoreRange?: boolean;
}

export interface SimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of a token (the real API: 20 minutes). */
  tokenTtlSeconds?: number;
  /** The CONNECT client's id and secret (Ribbit's are not the API's). */
  connectClientId?: string;
  connectClientSecret?: string;
  /** Lifetime of a CONNECT session (30 minutes). */
  connectTtlSeconds?: number;
  /** Whose history an account linked through the hosted CONNECT page serves (couple_two_children_mortgage, seed 1). */
  connectPersona?: { id: PersonaId; seed: number };
  /** Serve the personas' histories moved by whole weeks to end just before this date (shiftPersona), not on 2026-11-02. */
  now?: Date;
  /** Multiplies the INSIGHTS and AffordAI delays (1 = real time; tests use 0.01 or 0). */
  timeScale?: number;
  /** How long a BankLOGIN+ inquiry analyses, before timeScale. */
  insightsMs?: number;
  /** How long an AffordAI report renders, before timeScale. */
  reportMs?: number;
}

export interface ValidifiSimulator {
  url: string;
  clientId: string;
  clientSecret: string;
  connectClientId: string;
  connectClientSecret: string;
  /** CONNECT session requests received: created (POST) and read (GET). */
  connectCounts: { session: number; status: number };
  /** The CONNECT session is past its expiration (its page and its status say so). */
  expireConnectSession(sessionToken: string): void;
  /** Requests received, by endpoint. */
  counts: { token: number; history: number; export: number };
  /** The windows asked for, as [startDateTime, endDateTime]. */
  windows: Array<[string, string]>;
  /** INSIGHTS and AffordAI requests received. */
  insightCounts: { insights: number; insightsGet: number; affordai: number; affordaiGet: number };
  /** INSIGHTS inquiries and AffordAI reports created (a repeated request answered with an earlier one is not counted). */
  created: { inquiries: number; reports: number };
  /** Nothing analysing or rendering ever finishes (or, with false, finishes as usual again). */
  neverFinish(on?: boolean): void;
  /** No AffordAI report finishes rendering (inquiries do), until called with false. */
  holdReports(on?: boolean): void;
  /** The next `n` INSIGHTS, AffordAI or CONNECT-session answers are not the described shape. */
  malformedNext(n?: number): void;
  /** The next report requested ends with this AffordAI error code once rendered. */
  failReportNext(errorCode: number): void;
  register(token: string, account: SimAccount): void;
  /** Answer the next `n` requests (any endpoint) with `status`. */
  failNext(status: number, n?: number): void;
  delayNext(ms: number, n?: number): void;
  rateLimitNext(retryAfterSeconds: number, n?: number): void;
  /** The account's export is past its 24-hour life: its endpoint answers 404 (the history still works). */
  expireExport(token: string): void;
  /** Revoke every token issued so far (the next data call gets 401). */
  revokeTokens(): void;
  reset(): void;
  stop(): Promise<void>;
}

/** A persona's ValidiFI account. */
export function personaAccount(
  id: PersonaId,
  seed: number,
  currency = 'GBP',
  now?: Date,
): { account: SimAccount; transactions: VeqtrxTransaction[] } {
  const p = now ? shiftPersona(generatePersona(id, seed), now) : generatePersona(id, seed);
  return {
    transactions: p.transactions,
    account: {
      transactions: toValidifi(p.transactions, currency),
      export: {
        institutionName: 'Simulated Bank',
        accountType: 'Checking',
        accountHolderName: `Persona ${id}`,
        routingNumber: '042000314',
        accountNumber: `98765${String(seed).padStart(4, '0')}4321`,
        accountNickname: `${id} checking`,
        lastAvailableBalance: 1220.5,
        lastCurrentBalance: 1250.75,
      },
    },
  };
}

const DAY = 86_400_000;

/** The banks the hosted CONNECT page offers. */
const SIM_BANKS = [
  { bankId: 101, bankName: 'Simulated Bank' },
  { bankId: 102, bankName: 'Sandbox Building Society' },
];

interface SimConnectSession {
  sessionToken: string;
  customerId: string;
  redirectUrl?: string;
  expiresAt: number;
  status: 'Pending' | 'Complete' | 'Exited';
  bankId?: number;
  loggedIn: boolean;
  mfa?: boolean;
  eventDate?: string;
  exitReason?: string;
  account?: {
    bankId: number;
    bankName: string;
    accountNickname: string;
    accountType: string;
    accountToken: string;
    last4Digits: string;
  };
}

/** The AffordAI status codes and error codes, as ValidiFI's page lists them. */
const AFFORDAI_STATUS: Record<number, string> = {
  1: 'Success',
  2: 'Success with non-fatal errors',
  3: 'Fatal error from request format',
  4: 'Fatal error from dependency',
};
// The AffordAI error codes as ValidiFI's page lists them: one table, the adapter's.
/** Errors of ValidiFI's dependencies (statusCode 4); the other fatal ones are the request's (3). */
const FATAL_DEPENDENCY = new Set([6, 9, 10, 11, 15]);
const CAUTIONS = new Set([7, 8, 12]);

interface SimInquiry {
  inquiryId: string;
  productId: 1 | 2 | 3;
  referenceId: string;
  token: string;
  inquiryDate: string;
  readyAt: number;
  transactions: number;
  status: {
    statusCode: number;
    status: string;
    errors: Array<{ errorCode: number; description: string }> | null;
  };
  result?: Record<string, unknown>;
}

interface SimReport {
  reportId: string;
  referenceId: string;
  /** Absent for a simulated report (`simulate`), which stands for no inquiry. */
  inquiry?: SimInquiry;
  readyAt: number;
  cautions: number[];
  failure?: number;
  /** A simulated report: its file is not a full base64 report (the page: "does not return a full base64 string"). */
  simulated?: boolean;
}

const RESULT_KEY = {
  1: 'bqAccountAnalyticsResult',
  2: 'bvpAccountAnalyticsResult',
  3: 'blpAccountAnalyticsResult',
} as const;

function inquiryBody(inq: SimInquiry, ready: boolean): Record<string, unknown> {
  if (!ready)
    return {
      inquiryId: inq.inquiryId,
      inquiryDate: inq.inquiryDate,
      status: { statusCode: 0, status: 'Pending', errors: null },
    };
  return {
    inquiryId: inq.inquiryId,
    inquiryDate: inq.inquiryDate,
    status: inq.status,
    ...(inq.result ? { [RESULT_KEY[inq.productId]]: inq.result } : {}),
  };
}

const reportName = (referenceId: string) => {
  const now = new Date().toISOString();
  return `AffordAI_${referenceId || 'none'}_${now.slice(0, 10).replace(/-/g, '')}_${now.slice(11, 19).replace(/:/g, '')}`;
};

const round2 = (x: number) => Math.round(x * 100) / 100;
const PER_MONTH: Record<string, number> = {
  monthly_oblig: 1,
  biweekly_oblig: 26 / 12,
  weekly_oblig: 52 / 12,
  daily_oblig: 365 / 12,
};

/** A product's answer for an account, computed from its history (the persona's). */
function insightsOf(
  productId: 1 | 2 | 3,
  a: SimAccount,
  consumer: Record<string, unknown> | undefined,
  offer: { paymentAmount: number | undefined; terms: string | undefined },
): Pick<SimInquiry, 'status' | 'result'> {
  if ((a.syncStatus ?? 'Synced') !== 'Synced' && productId === 3)
    return {
      status: {
        statusCode: 4,
        status: 'Fatal error from dependency',
        errors: [
          {
            errorCode: 0,
            description: `The account cannot be read (syncStatus ${a.syncStatus ?? ''}): relaunch CONNECT`,
          },
        ],
      },
    };
  const txs = a.transactions;
  const dates = txs.map((t) => Date.parse(t.postedDate)).sort((x, y) => x - y);
  const first = dates[0] ?? Date.now();
  const last = dates.at(-1) ?? Date.now();
  const months = Math.max(1, (last - first) / (30.44 * DAY));
  const credits = txs
    .filter((t) => t.transactionType === 'Credit')
    .reduce((s, t) => s + Math.abs(t.amount), 0);
  const debits = txs.filter((t) => t.transactionType === 'Debit').reduce((s, t) => s + Math.abs(t.amount), 0);
  const income = round2(credits / months);
  const expenses = round2(debits / months);
  const excess = round2(income - expenses);
  const recent = txs.filter((t) => Date.parse(t.postedDate) >= last - 90 * DAY);
  const nsf = recent.filter((t) => /UNPAID|RETURNED|NSF/i.test(`${t.description} ${t.merchantName}`)).length;
  const overdraft = recent.filter((t) => (t.runningBalance ?? 0) < 0).length;
  const gambling = recent.filter((t) => /BET|POKER|CASINO|GAMING|PADDY POWER/i.test(t.merchantName)).length;
  const payment =
    offer.paymentAmount !== undefined
      ? offer.paymentAmount * (PER_MONTH[offer.terms ?? 'monthly_oblig'] ?? 1)
      : 0;
  const headroom = excess - payment;
  const affordabilityRisk = headroom <= 0 ? 'High' : headroom < income * 0.1 ? 'Medium' : 'Low';
  const riskScore = Math.max(
    1,
    Math.min(
      999,
      Math.round(500 - (headroom / Math.max(1, income)) * 400 + nsf * 60 + overdraft * 5 + gambling * 10),
    ),
  );
  const holder = typeof a.export?.accountHolderName === 'string' ? a.export.accountHolderName : '';
  const lastName = typeof consumer?.lastName === 'string' ? consumer.lastName : undefined;
  const ownership =
    lastName === undefined
      ? 'Unknown'
      : holder.toLowerCase().includes(lastName.toLowerCase())
        ? 'Match'
        : 'NoMatch';
  const reasonCodes = [
    ...(nsf ? ['NSF_RETURNS_90D'] : []),
    ...(overdraft ? ['OVERDRAFT_90D'] : []),
    ...(gambling ? ['GAMBLING_90D'] : []),
    ...(headroom <= 0 ? ['NO_EXCESS_CASH'] : []),
  ];
  const common = {
    accountOwnership: ownership,
    accountStatus: 'Open',
    fraudRisk: ownership === 'NoMatch' ? 'High' : 'Low',
    affordabilityRisk,
    riskScore,
    recommendedAction:
      affordabilityRisk === 'High' || ownership === 'NoMatch'
        ? 'Decline'
        : affordabilityRisk === 'Medium'
          ? 'Review'
          : 'Approve',
    reasonCodes,
  };
  const result =
    productId === 3
      ? {
          version: '2.0',
          ...common,
          currencyCode: txs[0]?.currencyCode ?? 'USD',
          monthlyIncome: income,
          monthlyExpenses: expenses,
          excessCash: excess,
          recommendedPaymentAmount: Math.max(0, round2(excess * 0.35)),
          recommendedPaymentFrequency: 'monthly_oblig',
          nsfCount90Days: nsf,
          overdraftCount90Days: overdraft,
        }
      : { version: productId === 1 ? '1.0' : '2.1', ...common };
  return { status: { statusCode: 1, status: 'Success', errors: null }, result };
}

/** A small real AffordAI-like PDF: the report's summary (the real one has six sections and three tables). */
function affordaiPdf(report: SimReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: 'AffordAI Affordability Report', Producer: 'ValidiFI simulator' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const r = report.inquiry?.result ?? {};
  doc.fontSize(18).text('AffordAI Affordability Report');
  doc
    .moveDown()
    .fontSize(10)
    .text(`Report ${report.reportId} — reference ${report.referenceId || '(none)'}`);
  if (report.inquiry)
    doc.text(`BankLOGIN+ inquiry ${report.inquiry.inquiryId} of ${report.inquiry.inquiryDate}`);
  doc.moveDown().fontSize(12).text('Summary');
  for (const k of [
    'monthlyIncome',
    'monthlyExpenses',
    'excessCash',
    'recommendedPaymentAmount',
    'riskScore',
    'affordabilityRisk',
    'recommendedAction',
  ]) {
    const v = r[k];
    if (typeof v === 'number' || typeof v === 'string') doc.fontSize(10).text(`${k}: ${v}`);
  }
  doc.end();
  return done;
}

export async function startValidifiSimulator(o: SimulatorOptions = {}): Promise<ValidifiSimulator> {
  const clientId = o.clientId ?? 'sim-client';
  const clientSecret = o.clientSecret ?? 'sim-secret';
  const ttl = (o.tokenTtlSeconds ?? 1200) * 1000;
  const tokens = new Map<string, number>();
  const accounts = new Map<string, SimAccount>();
  const expired = new Set<string>();
  const faults: Array<{ status?: number; delayMs?: number; retryAfter?: number }> = [];
  let issued = 0;
  const counts: ValidifiSimulator['counts'] = { token: 0, history: 0, export: 0 };
  const windows: ValidifiSimulator['windows'] = [];
  const insightCounts: ValidifiSimulator['insightCounts'] = {
    insights: 0,
    insightsGet: 0,
    affordai: 0,
    affordaiGet: 0,
  };
  const created: ValidifiSimulator['created'] = { inquiries: 0, reports: 0 };
  const scale = o.timeScale ?? 1;
  const insightsMs = o.insightsMs ?? 3000;
  const reportMs = o.reportMs ?? 8000;
  const inquiries = new Map<string, SimInquiry>();
  const byReference = new Map<string, string>();
  const reports = new Map<string, SimReport>();
  const pdfs = new Map<string, Promise<Buffer>>();
  let never = false;
  let held = false;
  let malformed = 0;
  let failReport: number | undefined;

  const connectClientId = o.connectClientId ?? 'sim-connect-client';
  const connectClientSecret = o.connectClientSecret ?? 'sim-connect-secret';
  const connectTtl = (o.connectTtlSeconds ?? 1800) * 1000;
  const connectPersona = o.connectPersona ?? { id: 'couple_two_children_mortgage', seed: 1 };
  const sessions = new Map<string, SimConnectSession>();
  const connectCounts: ValidifiSimulator['connectCounts'] = { session: 0, status: 0 };
  let selfUrl = '';

  const account = (token: string): SimAccount | undefined => {
    const known = accounts.get(token);
    if (known) return known;
    if (token === 'sim-mfa')
      return {
        transactions: [],
        syncStatus: 'MFARequired',
        syncInstructions: 'Launch CONNECT in update mode to answer the MFA challenge',
        challenges: [{ type: 'question', text: 'What was your first pet called?' }],
      };
    if (token === 'sim-reauth')
      return {
        transactions: [],
        syncStatus: 'ReAuthenticationRequired',
        syncInstructions: 'The bank credentials changed; relaunch CONNECT',
      };
    const m = /^sim-([a-z_]+)-(\d{1,6})$/.exec(token);
    const persona = PERSONA_IDS.find((id) => id === m?.[1]);
    if (m && persona) {
      const a = personaAccount(persona, Number(m[2]), 'GBP', o.now).account;
      accounts.set(token, a);
      return a;
    }
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // The hosted CONNECT page is the customer's browser's, not the API: no faults there.
      if ((req.url ?? '').startsWith('/connect/'))
        return connectPage(req, Buffer.concat(chunks).toString('utf8'), res);
      const fault = faults.shift();
      const go = () => handle(req, Buffer.concat(chunks).toString('utf8'), res, fault);
      if (fault?.delayMs) setTimeout(go, fault.delayMs);
      else go();
    });
  });

  function handle(
    req: http.IncomingMessage,
    body: string,
    res: http.ServerResponse,
    fault: (typeof faults)[number] | undefined,
  ): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname === '/v4/token') counts.token++;
    else if (url.pathname.startsWith('/v4/connect/transactions/')) counts.history++;
    else if (/^\/v4\/accounts\/[^/]+\/export$/.test(url.pathname)) counts.export++;
    if (fault?.status) return send(res, fault.status, { error: 'simulated failure' });
    if (fault?.retryAfter !== undefined)
      return send(res, 429, { error: 'too many requests' }, { 'retry-after': String(fault.retryAfter) });

    if (req.method === 'POST' && url.pathname === '/v4/token') {
      const b = jsonObject(body);
      if (!b) return send(res, 400, { error: 'invalid json' });
      if (b.clientId !== clientId || b.clientSecret !== clientSecret || b.grantType !== 'client_credentials')
        return send(res, 401, { error: 'invalid client' });
      const token = `simtok-${++issued}-${Math.random().toString(36).slice(2)}`;
      const expires = Date.now() + ttl;
      tokens.set(token, expires);
      return send(res, 200, {
        accessToken: token,
        tokenType: 'Bearer',
        expiresOn: new Date(expires).toISOString().replace('Z', '+00:00'),
      });
    }
    if (req.method === 'POST' && url.pathname === '/v4/CONNECT/session') return newSession(body, res);
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const exp = bearer ? tokens.get(bearer) : undefined;
    if (!exp || exp < Date.now()) return send(res, 401, { error: 'unauthorized' });
    const sm = /^\/v4\/CONNECT\/session\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && sm) return sessionStatus(decodeURIComponent(sm[1] ?? ''), res);

    let m = /^\/v4\/connect\/transactions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const a = account(decodeURIComponent(at(m, 1, 'account id')));
      if (!a) return send(res, 404, { error: 'account not found' });
      const start = Date.parse(url.searchParams.get('startDateTime') ?? '') || Date.now() - 90 * DAY;
      const end = Date.parse(url.searchParams.get('endDateTime') ?? '') || Date.now();
      windows.push([url.searchParams.get('startDateTime') ?? '', url.searchParams.get('endDateTime') ?? '']);
      if (end < start || end - start > 90 * DAY)
        return send(res, 400, { error: 'the date range must be at most 90 days' });
      const status = a.syncStatus ?? 'Synced';
      const base = {
        userId: '5823BD01-13F6-4D1C-99F2-33B0F3607216',
        tokenId: '9279BC87-0A9C-4152-8DCD-4F30D7735FF3',
        syncStatus: status,
        syncInstructions: a.syncInstructions ?? '',
        challenges: a.challenges ?? [],
      };
      if (status !== 'Synced') return send(res, 200, base);
      const inRange = a.ignoreRange
        ? a.transactions
        : a.transactions.filter((t) => {
            const at = Date.parse(t.postedDate);
            return at >= start && at <= end;
          });
      return send(res, 200, a.omitTransactions ? base : { ...base, transactions: inRange });
    }
    m = /^\/v4\/accounts\/([^/]+)\/export$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const id = decodeURIComponent(at(m, 1, 'account id'));
      if (expired.has(id)) return send(res, 404, { error: 'account not found' });
      const a = account(id);
      if (!a?.export) return send(res, 404, { error: 'account not found' });
      return send(res, 200, a.export);
    }
    if (
      url.pathname === '/v4/INSIGHTS' ||
      url.pathname.startsWith('/v4/INSIGHTS/') ||
      url.pathname.startsWith('/v4/AffordAI')
    )
      return insightsRoutes(req, url, body, res);
    return send(res, 404, { error: 'no such endpoint' });
  }

  function malformedConnect(res: http.ServerResponse): boolean {
    if (malformed <= 0) return false;
    malformed--;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"sessionToken": 7, "status": "unknown", "url": [');
    return true;
  }

  function newSession(body: string, res: http.ServerResponse): void {
    connectCounts.session++;
    if (malformedConnect(res)) return;
    const b = jsonObject(body);
    if (!b) return send(res, 400, { error: 'invalid json' });
    const t = isRecord(b.token) ? b.token : {};
    if (t.clientId !== connectClientId || t.clientSecret !== connectClientSecret)
      return send(res, 401, { error: 'invalid CONNECT client' });
    const customer = isRecord(b.customer) ? b.customer : {};
    if (typeof customer.customerId !== 'string' || customer.customerId === '')
      return send(res, 400, { error: 'customer.customerId is required' });
    const settings = isRecord(b.settings) ? b.settings : {};
    const redirectUrl = typeof settings.redirectUrl === 'string' ? settings.redirectUrl : undefined;
    if (redirectUrl !== undefined && !URL.canParse(redirectUrl))
      return send(res, 400, { error: 'settings.redirectUrl is not a URL' });
    const sessionToken = randomUUID().toUpperCase();
    const session: SimConnectSession = {
      sessionToken,
      customerId: customer.customerId,
      ...(redirectUrl ? { redirectUrl } : {}),
      expiresAt: Date.now() + connectTtl,
      status: 'Pending',
      loggedIn: false,
    };
    sessions.set(sessionToken, session);
    return send(res, 200, {
      sessionToken,
      customerId: session.customerId,
      url: `${selfUrl}/connect/${sessionToken}`,
      expiration: new Date(session.expiresAt).toISOString(),
    });
  }

  const statusOf = (s: SimConnectSession) =>
    s.status === 'Pending' && Date.now() >= s.expiresAt ? 'Expired' : s.status;

  function sessionStatus(token: string, res: http.ServerResponse): void {
    connectCounts.status++;
    if (malformedConnect(res)) return;
    const s = sessions.get(token);
    if (!s) return send(res, 404, { error: 'session not found' });
    return send(res, 200, {
      sessionToken: s.sessionToken,
      customerId: s.customerId,
      status: statusOf(s),
      expiration: new Date(s.expiresAt).toISOString(),
      ...(s.eventDate ? { eventDate: s.eventDate } : {}),
      ...(s.status === 'Complete' ? { connectComplete: true, connectType: 'BankLOGIN' } : {}),
      ...(s.status === 'Exited'
        ? { connectComplete: false, exitReason: s.exitReason ?? 'The customer closed CONNECT' }
        : {}),
      ...(s.account ? { account: s.account } : {}),
    });
  }

  /** The hosted CONNECT widget: GET the bank list, then POST bank → login → consent (or exit). */
  function connectPage(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const m = /^\/connect\/([^/]+)(?:\/(bank|login|consent|exit))?$/.exec(url.pathname);
    const s = m ? sessions.get(decodeURIComponent(m[1] ?? '')) : undefined;
    if (!m || !s) return sendHtml(res, 404, page('CONNECT', '<p>This CONNECT link is not valid.</p>'));
    const step = m[2];
    if (statusOf(s) === 'Expired')
      return sendHtml(
        res,
        410,
        page('CONNECT', '<p>This CONNECT session has expired. Ask for a new link.</p>'),
      );
    if (s.status !== 'Pending')
      return sendHtml(res, 409, page('CONNECT', '<p>This CONNECT session has already ended.</p>'));
    const action = (to: string) => `/connect/${encodeURIComponent(s.sessionToken)}/${to}`;
    const cancel = `<form method="post" action="${action('exit')}"><button type="submit" name="exit" value="1">Cancel</button></form>`;
    const form = readForm(body);
    const bank = SIM_BANKS.find((b) => String(b.bankId) === (form.get('bankId') ?? String(s.bankId ?? '')));
    const finish = (eventName: 'complete' | 'exit') => {
      s.eventDate = new Date().toISOString();
      if (!s.redirectUrl)
        return sendHtml(res, 200, page('CONNECT', '<p>Done. You can close this window.</p>'));
      return redirectTo(res, s.redirectUrl, {
        sessionToken: s.sessionToken,
        eventName,
        connectComplete: String(eventName === 'complete'),
      });
    };
    const loginPage = (error?: string) =>
      sendHtml(
        res,
        200,
        page(
          `Log in to ${bank?.bankName ?? 'your bank'}`,
          `<form method="post" action="${action('login')}">
<input type="hidden" name="bankId" value="${esc(String(bank?.bankId ?? ''))}">
<label>User name <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<p>Sandbox: ribbit_good / pass_good</p>
<button type="submit">Log in</button></form>${cancel}`,
          error,
        ),
      );
    if (req.method === 'GET' && step === undefined) {
      const options = SIM_BANKS.map(
        (b, i) =>
          `<label><input type="radio" name="bankId" value="${b.bankId}"${i === 0 ? ' checked' : ''}> ${esc(b.bankName)}</label>`,
      ).join('\n');
      return sendHtml(
        res,
        200,
        page(
          'Connect your bank account',
          `<form method="post" action="${action('bank')}">${options}<button type="submit">Continue</button></form>${cancel}`,
        ),
      );
    }
    if (req.method !== 'POST') return sendHtml(res, 405, page('CONNECT', '<p>Not allowed.</p>'));
    if (step === 'exit') {
      s.status = 'Exited';
      s.exitReason = 'The customer closed CONNECT';
      return finish('exit');
    }
    if (step === 'bank') {
      if (!bank) return sendHtml(res, 400, page('CONNECT', '<p>Choose a bank.</p>'));
      s.bankId = bank.bankId;
      return loginPage();
    }
    if (step === 'login') {
      if (!bank) return sendHtml(res, 400, page('CONNECT', '<p>Choose a bank.</p>'));
      const user = form.get('username') ?? '';
      if (!['ribbit_good', 'ribbit_mfa'].includes(user) || form.get('password') !== 'pass_good')
        return loginPage('The user name or password is not right. Try again.');
      s.bankId = bank.bankId;
      s.loggedIn = true;
      s.mfa = user === 'ribbit_mfa';
      return sendHtml(
        res,
        200,
        page(
          'Share your account',
          `<form method="post" action="${action('consent')}">
<label><input type="radio" name="account" value="checking" checked> Checking ••4321</label>
<label><input type="checkbox" name="consent" value="yes"> I allow ${esc(bank.bankName)} to share this account's details and transactions through ValidiFI</label>
<button type="submit">Link account</button></form>${cancel}`,
        ),
      );
    }
    if (step === 'consent') {
      if (!s.loggedIn || !bank) return sendHtml(res, 400, page('CONNECT', '<p>Log in first.</p>'));
      if (form.get('consent') !== 'yes')
        return sendHtml(
          res,
          200,
          page(
            'Share your account',
            `<form method="post" action="${action('consent')}">
<label><input type="checkbox" name="consent" value="yes"> I allow ${esc(bank.bankName)} to share this account's details and transactions through ValidiFI</label>
<button type="submit">Link account</button></form>${cancel}`,
            'Tick the box to allow sharing, or cancel.',
          ),
        );
      let token = 'sim-mfa';
      if (!s.mfa) {
        token = `sim-connect-${randomUUID()}`;
        const a = personaAccount(connectPersona.id, connectPersona.seed, 'GBP', o.now).account;
        accounts.set(token, { ...a, export: { ...a.export, institutionName: bank.bankName } });
      }
      s.status = 'Complete';
      s.account = {
        bankId: bank.bankId,
        bankName: bank.bankName,
        accountNickname: 'Checking x4321',
        accountType: 'Checking',
        accountToken: token,
        last4Digits: '4321',
      };
      return finish('complete');
    }
    return sendHtml(res, 404, page('CONNECT', '<p>No such page.</p>'));
  }

  function insightsRoutes(req: http.IncomingMessage, url: URL, body: string, res: http.ServerResponse): void {
    const refused = (
      statusCode: 3 | 4,
      errors: Array<{ errorCode: number; description: string }>,
      extra = {},
    ) => send(res, 400, { ...extra, status: { statusCode, status: AFFORDAI_STATUS[statusCode], errors } });
    const malformedNow = () => {
      if (malformed <= 0) return false;
      malformed--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"inquiryId": 42, "status": "fine", "fileData": [');
      return true;
    };
    const b = req.method === 'POST' ? jsonObject(body) : {};
    if (!b) return refused(3, [{ errorCode: 0, description: 'The request body is not JSON' }]);
    const later = (readyAt: number) => ({
      'retry-after': String(Math.max(1, Math.ceil((readyAt - Date.now()) / 1000))),
    });

    if (req.method === 'POST' && url.pathname === '/v4/INSIGHTS') {
      insightCounts.insights++;
      if (malformedNow()) return;
      const productId = b.productId;
      if (productId !== 1 && productId !== 2 && productId !== 3)
        return refused(3, [{ errorCode: 0, description: 'productId must be 1, 2 or 3' }]);
      const accountToken =
        isRecord(b.account) && typeof b.account.accountToken === 'string' ? b.account.accountToken : '';
      const a = account(accountToken);
      if (!a) return refused(3, [{ errorCode: 0, description: 'account.accountToken was not found' }]);
      const referenceId = typeof b.referenceId === 'string' ? b.referenceId : '';
      const key = `${productId}\u0000${referenceId}\u0000${accountToken}`;
      const earlier = referenceId && b.refresh !== true ? byReference.get(key) : undefined;
      const known = earlier ? inquiries.get(earlier) : undefined;
      const inq =
        known ??
        newInquiry(productId, referenceId, accountToken, a, isRecord(b.consumer) ? b.consumer : undefined, b);
      if (!known && referenceId) byReference.set(key, inq.inquiryId);
      const ready = !never && Date.now() >= inq.readyAt;
      return send(res, ready ? 200 : 202, inquiryBody(inq, ready), ready ? {} : later(inq.readyAt));
    }
    let m = /^\/v4\/INSIGHTS\/(\d+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      insightCounts.insightsGet++;
      if (malformedNow()) return;
      const inq = inquiries.get(decodeURIComponent(m[2] ?? ''));
      if (!inq || String(inq.productId) !== m[1]) return send(res, 404, { error: 'inquiry not found' });
      const ready = !never && Date.now() >= inq.readyAt;
      return send(res, ready ? 200 : 202, inquiryBody(inq, ready), ready ? {} : later(inq.readyAt));
    }
    if (req.method === 'POST' && url.pathname === '/v4/AffordAI') {
      insightCounts.affordai++;
      if (malformedNow()) return;
      const referenceId = typeof b.referenceId === 'string' ? b.referenceId.slice(0, 100) : '';
      const error = (code: number) =>
        refused(
          FATAL_DEPENDENCY.has(code) ? 4 : 3,
          [{ errorCode: code, description: AFFORDAI_ERRORS[code] ?? 'Unknown error' }],
          {
            reportId: randomUUID().toUpperCase(),
            referenceId,
            fileData: null,
          },
        );
      const blp = b.blpInquiryId;
      if (typeof b.simulate === 'number') {
        const code = b.simulate;
        if (code !== 0 && !CAUTIONS.has(code)) return error(code);
        const simulated: SimReport = {
          reportId: randomUUID().toUpperCase(),
          referenceId,
          readyAt: Date.now(),
          cautions: code === 0 ? [] : [code],
          simulated: true,
        };
        reports.set(simulated.reportId, simulated);
        created.reports++;
        return answerReport(res, simulated);
      }
      if (typeof blp !== 'string' || blp === '') return error(1);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(blp)) return error(2);
      const inq = inquiries.get(blp);
      if (!inq) return error(3);
      if (inq.productId !== 3) return error(4);
      if (never || Date.now() < inq.readyAt || inq.status.statusCode > 2) return error(5);
      const cautions: number[] = [];
      if (inq.transactions < 60) cautions.push(7);
      if (referenceId && referenceId !== inq.referenceId) cautions.push(8);
      const report: SimReport = {
        reportId: randomUUID().toUpperCase(),
        referenceId: referenceId || inq.referenceId,
        inquiry: inq,
        readyAt: Date.now() + reportMs * scale,
        cautions,
        ...(failReport !== undefined ? { failure: failReport } : {}),
      };
      failReport = undefined;
      reports.set(report.reportId, report);
      created.reports++;
      return answerReport(res, report);
    }
    m = /^\/v4\/AffordAI\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      insightCounts.affordaiGet++;
      if (malformedNow()) return;
      const report = reports.get(decodeURIComponent(m[1] ?? ''));
      if (!report) return send(res, 404, { error: 'report not found' });
      return answerReport(res, report);
    }
    return send(res, 404, { error: 'no such endpoint' });
  }

  function newInquiry(
    productId: 1 | 2 | 3,
    referenceId: string,
    token: string,
    a: SimAccount,
    consumer: Record<string, unknown> | undefined,
    b: Record<string, unknown>,
  ): SimInquiry {
    const inquiryId = randomUUID();
    const analysis = insightsOf(productId, a, consumer, {
      paymentAmount: typeof b.paymentAmount === 'number' ? b.paymentAmount : undefined,
      terms: typeof b.terms === 'string' ? b.terms : undefined,
    });
    const inq: SimInquiry = {
      inquiryId,
      productId,
      referenceId,
      token,
      inquiryDate: new Date().toISOString(),
      readyAt: Date.now() + (productId === 3 ? insightsMs * scale : 0),
      transactions: a.transactions.length,
      ...analysis,
    };
    inquiries.set(inquiryId, inq);
    created.inquiries++;
    return inq;
  }

  function answerReport(res: http.ServerResponse, report: SimReport): void {
    const envelope = { reportId: report.reportId, referenceId: report.referenceId };
    if (never || held || Date.now() < report.readyAt)
      return send(
        res,
        202,
        { ...envelope, status: null, fileData: null },
        {
          'retry-after': String(Math.max(1, Math.ceil((report.readyAt - Date.now()) / 1000))),
        },
      );
    if (report.failure !== undefined)
      return send(res, 400, {
        ...envelope,
        status: {
          statusCode: FATAL_DEPENDENCY.has(report.failure) ? 4 : 3,
          status: AFFORDAI_STATUS[FATAL_DEPENDENCY.has(report.failure) ? 4 : 3],
          errors: [
            { errorCode: report.failure, description: AFFORDAI_ERRORS[report.failure] ?? 'Unknown error' },
          ],
        },
        fileData: null,
      });
    let pdf = pdfs.get(report.reportId);
    if (report.simulated) pdf = Promise.resolve(Buffer.from('SIMULATED'));
    if (!pdf) {
      pdf = affordaiPdf(report);
      pdfs.set(report.reportId, pdf);
    }
    pdf.then(
      (bytes) => {
        const code = report.cautions.length ? 2 : 1;
        send(res, 200, {
          ...envelope,
          status: {
            statusCode: code,
            status: AFFORDAI_STATUS[code],
            errors: report.cautions.length
              ? report.cautions.map((c) => ({ errorCode: c, description: AFFORDAI_ERRORS[c] }))
              : null,
          },
          fileData: {
            fileExtension: 'pdf',
            reportName: reportName(report.referenceId),
            report: bytes.toString('base64'),
          },
        });
      },
      () => send(res, 500, { error: 'the report could not be drawn' }),
    );
  }

  const url = await listenOnLoopback(server, o.port);
  selfUrl = url;
  return {
    url,
    clientId,
    clientSecret,
    connectClientId,
    connectClientSecret,
    connectCounts,
    expireConnectSession: (t) => {
      const session = sessions.get(t);
      if (session) session.expiresAt = Date.now() - 1;
    },
    counts,
    windows,
    insightCounts,
    created,
    neverFinish: (on = true) => void (never = on),
    holdReports: (on = true) => void (held = on),
    malformedNext: (n = 1) => void (malformed += n),
    failReportNext: (code) => void (failReport = code),
    register: (token, a) => void accounts.set(token, a),
    failNext: (status, n = 1) => {
      for (let i = 0; i < n; i++) faults.push({ status });
    },
    delayNext: (ms, n = 1) => {
      for (let i = 0; i < n; i++) faults.push({ delayMs: ms });
    },
    rateLimitNext: (s, n = 1) => {
      for (let i = 0; i < n; i++) faults.push({ retryAfter: s });
    },
    expireExport: (token) => void expired.add(token),
    revokeTokens: () => tokens.clear(),
    reset: () => {
      faults.length = 0;
      expired.clear();
      windows.length = 0;
      counts.token = counts.history = counts.export = 0;
      connectCounts.session = connectCounts.status = 0;
      insightCounts.insights =
        insightCounts.insightsGet =
        insightCounts.affordai =
        insightCounts.affordaiGet =
        created.inquiries =
        created.reports =
          0;
      never = false;
      held = false;
      malformed = 0;
      failReport = undefined;
    },
    stop: () => stopServer(server),
  };
}

// No top-level await: test files import this module, and a module graph with one cannot be require()d.
if (isMain(import.meta.url)) {
  const { port, timeScale, values, fail } = simulatorCli({
    script: 'sim:validifi',
    about:
      'The ValidiFI simulator (openapi/providers/validifi-v4.yaml: CONNECT histories, INSIGHTS, AffordAI) on 127.0.0.1.',
    port: 8091,
    timeScale: { help: 'the INSIGHTS (3 s) and AffordAI (8 s) delays', zero: true },
    options: [NOW_OPTION],
  });
  const now = nowOf(values.now, fail);
  serve(
    startValidifiSimulator({ port, timeScale, ...(now ? { now } : {}) }),
    (sim) =>
      `ValidiFI simulator on ${sim.url} — client id ${sim.clientId}, secret ${sim.clientSecret}; CONNECT client ${sim.connectClientId} / ${sim.connectClientSecret} (hosted page login ribbit_good / pass_good); account tokens sim-<persona>-<seed> (e.g. sim-couple_two_children_mortgage-1), sim-mfa, sim-reauth; ; INSIGHTS (BankLOGIN+ ${3 * timeScale} s) and AffordAI (${8 * timeScale} s); ` +
      `${historiesTo(now)}. Ctrl-C stops it.`,
  );
}

/** A request body as an object: `{}` when it is JSON but not an object, undefined when it is not JSON. */
function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return undefined;
  }
}
