/**
 * A local Plaid sandbox: the Hosted Link flow and the endpoints the gateway calls
 * (openapi/providers/plaid.yaml), so the portal's Plaid connect step and `plaid` sources run with no
 * internet. Plaid's public shapes: client_id and secret in every JSON body, its error object, link tokens
 * that expire, single-use public tokens.
 *
 * - `POST /link/token/create` with `hosted_link: {completion_redirect_uri}` → `link_token`,
 *   `hosted_link_url` (the simulator's hosted page), `expiration` (4 hours, or `url_lifetime_seconds`).
 * - The hosted page (plain HTML forms, no script): choose an institution, log in with the sandbox
 *   credentials `user_good` / `pass_good` (a wrong password shows Plaid's INVALID_CREDENTIALS message),
 *   choose the accounts to share, consent — then a 303 to `completion_redirect_uri`, unchanged. "Cancel"
 *   (any step) ends the session with an `exit` and the same redirect. An expired link token's page says so.
 * - `POST /link/token/get` → `link_sessions[]` with `results.item_add_results[].public_token`, or `exit`.
 * - `POST /item/public_token/exchange` → `access_token`, `item_id` (a public token works once, 30 minutes).
 * - `POST /transactions/sync` → the Item's history a page at a time (`count`, opaque `cursor`, `has_more`):
 *   a generated persona's (tools/personas), in Plaid's sign (positive = money out), with
 *   `personal_finance_category` where the narrative is clear; the last two days are `pending`.
 * - `POST /accounts/get` → the shared accounts.
 * Faults for tests (API endpoints only, never the hosted pages): `failNext(status, n)`,
 * `rateLimitNext(retryAfterSeconds, n)`, `malformedNext(n)`, `delayNext(ms, n)`,
 * `mutateDuringNextSync()` (the next sync page answers TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION),
 * `resetLogin(accessToken)` (the Item answers ITEM_LOGIN_REQUIRED, as Plaid's /sandbox/item/reset_login),
 * `expireLinkToken(linkToken)`.
 *
 *   npm run sim:plaid [-- --port 8095] [--now today|YYYY-MM-DD]   (client id sim-plaid-client, secret sim-plaid-secret;
 *   --now: the persona's history moved by whole weeks to end just before that day, not on 2026-11-02)
 */
import { historiesTo, isMain, NOW_OPTION, nowOf, serve, simulatorCli } from './cli.ts';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { isRecord } from '../../src/lib/narrow.ts';
import { generatePersona, shiftPersona, type PersonaId } from '../personas/personas.ts';
import { toPlaidGet } from '../personas/formats.ts';
import { esc, page, readForm, redirectTo, sendHtml } from './hosted-page.ts';

export interface PlaidSimulatorOptions {
  port?: number;
  clientId?: string;
  secret?: string;
  /** Serve the persona's history moved by whole weeks to end just before this date (shiftPersona). */
  now?: Date;
  /** Whose history a linked Item serves (couple_two_children_mortgage, seed 1). */
  persona?: { id: PersonaId; seed: number };
}

export interface PlaidSimulator {
  url: string;
  clientId: string;
  secret: string;
  /** API requests received, by endpoint (the hosted pages are not counted). */
  counts: { linkCreate: number; linkGet: number; exchange: number; sync: number; accounts: number };
  failNext(status: number, n?: number): void;
  rateLimitNext(retryAfterSeconds: number, n?: number): void;
  delayNext(ms: number, n?: number): void;
  /** The next `n` API answers are not Plaid's shape. */
  malformedNext(n?: number): void;
  /** The next /transactions/sync answers TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION. */
  mutateDuringNextSync(): void;
  /** The Item of this access token needs the customer to log in again (ITEM_LOGIN_REQUIRED). */
  resetLogin(accessToken: string): void;
  /** The link token is past its expiration. */
  expireLinkToken(linkToken: string): void;
  reset(): void;
  stop(): Promise<void>;
}

const INSTITUTIONS = [
  { institution_id: 'ins_116834', name: 'Sandbox Bank UK' },
  { institution_id: 'ins_117181', name: 'First Platypus Building Society' },
];

type PlaidTransaction = ReturnType<typeof toPlaidGet>['transactions'][number] & {
  authorized_date: string | null;
  original_description: string | null;
};
type PlaidAccount = ReturnType<typeof toPlaidGet>['accounts'][number] & {
  official_name: string | null;
  holder_category: string;
};

interface SimItem {
  itemId: string;
  institution: (typeof INSTITUTIONS)[number];
  accounts: PlaidAccount[];
  transactions: PlaidTransaction[];
  loginRequired: boolean;
}

interface LinkSession {
  link_session_id: string;
  started_at: string;
  finished_at: string | null;
  institution?: (typeof INSTITUTIONS)[number];
  loggedIn: boolean;
  publicToken?: string;
  item?: SimItem;
  exit?: { status: string };
}

interface LinkToken {
  token: string;
  createdAt: number;
  expiresAt: number;
  clientUserId: string;
  clientName: string;
  redirect?: string;
  daysRequested: number;
  session?: LinkSession;
}

/** Plaid's personal finance category where the narrative says it plainly (else none: the engine decides). */
const PFC: Array<[RegExp, 'in' | 'out', string, string]> = [
  [/SALARY|WAGES/, 'in', 'INCOME', 'INCOME_WAGES'],
  [/GROSS INTEREST/, 'in', 'INCOME', 'INCOME_INTEREST_EARNED'],
  [/^TFR FROM/, 'in', 'TRANSFER_IN', 'TRANSFER_IN_ACCOUNT_TRANSFER'],
  [/MORTGAGE/, 'out', 'LOAN_PAYMENTS', 'LOAN_PAYMENTS_MORTGAGE_PAYMENT'],
  [/\bRENT\b|LETTINGS/, 'out', 'RENT_AND_UTILITIES', 'RENT_AND_UTILITIES_RENT'],
  [
    /BRITISH GAS|OCTOPUS ENERGY|EDF ENERGY/,
    'out',
    'RENT_AND_UTILITIES',
    'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
  ],
  [/WATER/, 'out', 'RENT_AND_UTILITIES', 'RENT_AND_UTILITIES_WATER'],
  [
    /TESCO STORES|TESCO EXTRA|SAINSBURY|ASDA|ALDI|LIDL|MORRISONS|CO-OP|ICELAND|HERON FOODS/,
    'out',
    'FOOD_AND_DRINK',
    'FOOD_AND_DRINK_GROCERIES',
  ],
  [
    /GREGGS|COSTA|PRET A|MCDONALDS|KFC|SUBWAY|NANDO|PIZZA HUT|DELIVEROO/,
    'out',
    'FOOD_AND_DRINK',
    'FOOD_AND_DRINK_RESTAURANT',
  ],
  [/NETFLIX|SPOTIFY|SKY DIGITAL/, 'out', 'ENTERTAINMENT', 'ENTERTAINMENT_TV_AND_MOVIES'],
  [
    /TRAINS|BUS\b|STAGECOACH|NATIONAL EXPRESS|UBER \*TRIP/,
    'out',
    'TRANSPORTATION',
    'TRANSPORTATION_PUBLIC_TRANSIT',
  ],
  [/SHELL|ESSO|BP CONNECT|TESCO PFS/, 'out', 'TRANSPORTATION', 'TRANSPORTATION_GAS'],
];

function categoryOf(name: string, amount: number) {
  const rule = PFC.find(([re, dir]) => re.test(name) && (dir === 'in') === amount < 0);
  return rule ? { primary: rule[2], detailed: rule[3], confidence_level: 'HIGH' } : null;
}

const DAY = 86_400_000;

export async function startPlaidSimulator(o: PlaidSimulatorOptions = {}): Promise<PlaidSimulator> {
  const clientId = o.clientId ?? 'sim-plaid-client';
  const secret = o.secret ?? 'sim-plaid-secret';
  const persona = o.persona ?? { id: 'couple_two_children_mortgage', seed: 1 };
  const linkTokens = new Map<string, LinkToken>();
  const publicTokens = new Map<string, { item: SimItem; expiresAt: number; used: boolean }>();
  const items = new Map<string, SimItem>(); // by access token
  const counts: PlaidSimulator['counts'] = { linkCreate: 0, linkGet: 0, exchange: 0, sync: 0, accounts: 0 };
  const faults: Array<{ status?: number; retryAfter?: number; delayMs?: number; malformed?: boolean }> = [];
  let mutateNext = false;
  let selfUrl = '';
  const requestId = () => randomUUID().replace(/-/g, '').slice(0, 15);

  /** A new Item with the persona's history, on the accounts the customer chose. */
  function newItem(institution: (typeof INSTITUTIONS)[number], daysRequested: number): SimItem {
    const p0 = generatePersona(persona.id, persona.seed);
    const p = o.now ? shiftPersona(p0, o.now) : p0;
    const base = toPlaidGet(p.transactions);
    const itemId = randomUUID().replace(/-/g, '');
    const accountIds = new Map(base.accounts.map((a, i) => [a.account_id, `${itemId.slice(0, 12)}acc${i}`]));
    const last = p.transactions.reduce((m, t) => (t.date > m ? t.date : m), '');
    const cutoff = new Date(Date.parse(`${last}T00:00:00Z`) - daysRequested * DAY).toISOString().slice(0, 10);
    const pendingFrom = new Date(Date.parse(`${last}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
    const transactions: PlaidTransaction[] = base.transactions
      .filter((t) => t.date >= cutoff)
      .map((t, i) => ({
        ...t,
        transaction_id: `${itemId.slice(0, 10)}tx${String(i).padStart(5, '0')}`,
        account_id: accountIds.get(t.account_id) ?? t.account_id,
        authorized_date: t.date,
        original_description: null,
        personal_finance_category: categoryOf(t.name, t.amount),
        pending: t.date >= pendingFrom,
      }));
    const accounts: PlaidAccount[] = base.accounts.map((a, i) => ({
      ...a,
      account_id: accountIds.get(a.account_id) ?? a.account_id,
      name: i === 0 ? 'Current Account' : `Account ${i + 1}`,
      official_name: `${institution.name} Current Account`,
      mask: String(4321 + i),
      holder_category: 'personal',
    }));
    return { itemId, institution, accounts, transactions, loginRequired: false };
  }

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const plaidError = (
    res: http.ServerResponse,
    status: number,
    type: string,
    code: string,
    message: string,
  ) =>
    send(res, status, {
      error_type: type,
      error_code: code,
      error_message: message,
      display_message: null,
      request_id: requestId(),
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if ((req.url ?? '').startsWith('/hl/')) return hostedPage(req, body, res);
      const fault = faults.shift();
      const go = () => api(req, body, res, fault);
      if (fault?.delayMs) setTimeout(go, fault.delayMs);
      else go();
    });
  });

  function api(
    req: http.IncomingMessage,
    raw: string,
    res: http.ServerResponse,
    fault: (typeof faults)[number] | undefined,
  ): void {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (path === '/link/token/create') counts.linkCreate++;
    else if (path === '/link/token/get') counts.linkGet++;
    else if (path === '/item/public_token/exchange') counts.exchange++;
    else if (path === '/transactions/sync') counts.sync++;
    else if (path === '/accounts/get') counts.accounts++;
    if (fault?.status)
      return plaidError(
        res,
        fault.status,
        'API_ERROR',
        'INTERNAL_SERVER_ERROR',
        'an unexpected error occurred',
      );
    if (fault?.retryAfter !== undefined)
      return send(
        res,
        429,
        {
          error_type: 'RATE_LIMIT_EXCEEDED',
          error_code: 'RATE_LIMIT',
          error_message: 'rate limit exceeded',
          display_message: null,
          request_id: requestId(),
        },
        { 'retry-after': String(fault.retryAfter) },
      );
    if (fault?.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"request_id": 12, "link_token": [');
      return;
    }
    if (req.method !== 'POST') return plaidError(res, 405, 'INVALID_REQUEST', 'NOT_FOUND', 'use POST');
    let b: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isRecord(parsed)) b = parsed;
    } catch {
      return plaidError(res, 400, 'INVALID_REQUEST', 'INVALID_BODY', 'the body is not valid JSON');
    }
    const id = b.client_id ?? req.headers['plaid-client-id'];
    const key = b.secret ?? req.headers['plaid-secret'];
    if (id !== clientId || key !== secret)
      return plaidError(
        res,
        400,
        'INVALID_INPUT',
        'INVALID_API_KEYS',
        'invalid client_id or secret provided',
      );
    const str = (v: unknown) => (typeof v === 'string' ? v : '');

    if (path === '/link/token/create') {
      const user = isRecord(b.user) ? b.user : {};
      if (!str(user.client_user_id))
        return plaidError(
          res,
          400,
          'INVALID_REQUEST',
          'MISSING_FIELDS',
          'the following required fields are missing: user.client_user_id',
        );
      if (!str(b.client_name))
        return plaidError(
          res,
          400,
          'INVALID_REQUEST',
          'MISSING_FIELDS',
          'the following required fields are missing: client_name',
        );
      const hosted = isRecord(b.hosted_link) ? b.hosted_link : undefined;
      const redirect = hosted ? str(hosted.completion_redirect_uri) : '';
      if (redirect && !URL.canParse(redirect))
        return plaidError(
          res,
          400,
          'INVALID_REQUEST',
          'INVALID_FIELD',
          'hosted_link.completion_redirect_uri is not a URL',
        );
      const lifetime =
        hosted && typeof hosted.url_lifetime_seconds === 'number' ? hosted.url_lifetime_seconds : 4 * 3600;
      const tx = isRecord(b.transactions) ? b.transactions : {};
      const days = typeof tx.days_requested === 'number' ? Math.min(730, Math.max(1, tx.days_requested)) : 90;
      const token = `link-sandbox-${randomUUID()}`;
      const t: LinkToken = {
        token,
        createdAt: Date.now(),
        expiresAt: Date.now() + lifetime * 1000,
        clientUserId: str(user.client_user_id),
        clientName: str(b.client_name).slice(0, 30),
        ...(redirect ? { redirect } : {}),
        daysRequested: days,
      };
      linkTokens.set(token, t);
      return send(res, 200, {
        link_token: token,
        expiration: new Date(t.expiresAt).toISOString(),
        ...(hosted ? { hosted_link_url: `${selfUrl}/hl/${encodeURIComponent(token)}` } : {}),
        request_id: requestId(),
      });
    }
    if (path === '/link/token/get') {
      const t = linkTokens.get(str(b.link_token));
      if (!t)
        return plaidError(
          res,
          400,
          'INVALID_INPUT',
          'INVALID_LINK_TOKEN',
          'provided link token is in an invalid format',
        );
      const s = t.session;
      return send(res, 200, {
        link_token: t.token,
        created_at: new Date(t.createdAt).toISOString(),
        expiration: new Date(t.expiresAt).toISOString(),
        link_sessions: s
          ? [
              {
                link_session_id: s.link_session_id,
                started_at: s.started_at,
                finished_at: s.finished_at,
                results:
                  s.publicToken && s.item
                    ? {
                        item_add_results: [
                          {
                            public_token: s.publicToken,
                            accounts: s.item.accounts.map((a) => ({
                              id: a.account_id,
                              name: a.name,
                              mask: a.mask,
                              type: a.type,
                              subtype: a.subtype,
                            })),
                            institution: {
                              name: s.item.institution.name,
                              institution_id: s.item.institution.institution_id,
                            },
                          },
                        ],
                      }
                    : null,
                exit: s.exit
                  ? {
                      error: null,
                      metadata: {
                        status: s.exit.status,
                        link_session_id: s.link_session_id,
                        request_id: requestId(),
                      },
                    }
                  : null,
              },
            ]
          : [],
        request_id: requestId(),
      });
    }
    if (path === '/item/public_token/exchange') {
      const p = publicTokens.get(str(b.public_token));
      if (!p || p.used || p.expiresAt < Date.now())
        return plaidError(
          res,
          400,
          'INVALID_INPUT',
          'INVALID_PUBLIC_TOKEN',
          'provided public token is expired or invalid',
        );
      p.used = true;
      const accessToken = `access-sandbox-${randomUUID()}`;
      items.set(accessToken, p.item);
      return send(res, 200, { access_token: accessToken, item_id: p.item.itemId, request_id: requestId() });
    }
    if (path === '/transactions/sync' || path === '/accounts/get') {
      const item = items.get(str(b.access_token));
      if (!item)
        return plaidError(
          res,
          400,
          'INVALID_INPUT',
          'INVALID_ACCESS_TOKEN',
          'provided access token is in an invalid format',
        );
      if (item.loginRequired)
        return plaidError(
          res,
          400,
          'ITEM_ERROR',
          'ITEM_LOGIN_REQUIRED',
          "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
        );
      if (path === '/accounts/get')
        return send(res, 200, {
          accounts: item.accounts,
          item: { item_id: item.itemId, institution_id: item.institution.institution_id },
          request_id: requestId(),
        });
      if (mutateNext) {
        mutateNext = false;
        return plaidError(
          res,
          400,
          'TRANSACTIONS_ERROR',
          'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
          'underlying transaction data changed since last page was fetched. please restart pagination from last update.',
        );
      }
      const count = typeof b.count === 'number' ? Math.min(500, Math.max(1, b.count)) : 100;
      const cursor = str(b.cursor);
      let from = 0;
      if (cursor) {
        const n = Number(
          Buffer.from(cursor, 'base64url')
            .toString('utf8')
            .replace(/^offset:/, ''),
        );
        if (!Number.isInteger(n) || n < 0 || n > item.transactions.length)
          return plaidError(res, 400, 'INVALID_INPUT', 'INVALID_CURSOR', 'the cursor is not valid');
        from = n;
      }
      const added = item.transactions.slice(from, from + count);
      const next = from + added.length;
      return send(res, 200, {
        transactions_update_status: 'HISTORICAL_UPDATE_COMPLETE',
        accounts: item.accounts,
        added,
        modified: [],
        removed: [],
        next_cursor: Buffer.from(`offset:${next}`).toString('base64url'),
        has_more: next < item.transactions.length,
        request_id: requestId(),
      });
    }
    return plaidError(res, 404, 'INVALID_REQUEST', 'NOT_FOUND', 'not found');
  }

  /** The Hosted Link page: GET the institutions, then POST institution → login → accounts → consent (or cancel). */
  function hostedPage(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const m = /^\/hl\/([^/]+)(?:\/(institution|login|accounts|consent|cancel))?$/.exec(url.pathname);
    const t = m ? linkTokens.get(decodeURIComponent(m[1] ?? '')) : undefined;
    if (!m || !t) return sendHtml(res, 404, page('Plaid', '<p>This link is not valid.</p>'));
    const step = m[2];
    if (t.session?.finished_at)
      return sendHtml(res, 409, page('Plaid', '<p>This session has already ended.</p>'));
    if (Date.now() >= t.expiresAt)
      return sendHtml(res, 410, page('Plaid', '<p>This link has expired. Ask for a new one.</p>'));
    const s: LinkSession = (t.session ??= {
      link_session_id: randomUUID(),
      started_at: new Date().toISOString(),
      finished_at: null,
      loggedIn: false,
    });
    const action = (to: string) => `/hl/${encodeURIComponent(t.token)}/${to}`;
    const cancel = `<form method="post" action="${action('cancel')}"><button type="submit">Cancel</button></form>`;
    const form = readForm(raw);
    const finish = () => {
      s.finished_at = new Date().toISOString();
      if (!t.redirect)
        return sendHtml(res, 200, page('Plaid', '<p>All done. You can close this window.</p>'));
      return redirectTo(res, t.redirect);
    };
    const loginPage = (error?: string) =>
      sendHtml(
        res,
        200,
        page(
          `Log in to ${s.institution?.name ?? 'your bank'}`,
          `<form method="post" action="${action('login')}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<p>Sandbox: user_good / pass_good</p>
<button type="submit">Submit</button></form>${cancel}`,
          error,
        ),
      );
    const accountsPage = (item: SimItem, error?: string) =>
      sendHtml(
        res,
        200,
        page(
          'Choose the accounts to share',
          `<form method="post" action="${action('accounts')}">${item.accounts
            .map(
              (a) =>
                `<label><input type="checkbox" name="account" value="${esc(a.account_id)}" checked> ${esc(a.name)} ••${esc(a.mask)}</label>`,
            )
            .join('\n')}<button type="submit">Continue</button></form>${cancel}`,
          error,
        ),
      );
    const consentPage = (error?: string) =>
      sendHtml(
        res,
        200,
        page(
          `${t.clientName} uses Plaid to connect your account`,
          `<form method="post" action="${action('consent')}">
<label><input type="checkbox" name="consent" value="yes"> I agree to share my account's details and transactions with ${esc(t.clientName)}</label>
<button type="submit">Connect</button></form>${cancel}`,
          error,
        ),
      );

    if (req.method === 'GET' && step === undefined)
      return sendHtml(
        res,
        200,
        page(
          'Select your bank',
          `<form method="post" action="${action('institution')}">${INSTITUTIONS.map(
            (ins, i) =>
              `<label><input type="radio" name="institution_id" value="${ins.institution_id}"${i === 0 ? ' checked' : ''}> ${esc(ins.name)}</label>`,
          ).join('\n')}<button type="submit">Continue</button></form>${cancel}`,
        ),
      );
    if (req.method !== 'POST') return sendHtml(res, 405, page('Plaid', '<p>Not allowed.</p>'));
    if (step === 'cancel') {
      s.exit = {
        status: s.loggedIn
          ? 'choose_account'
          : s.institution
            ? 'requires_credentials'
            : 'institution_not_found',
      };
      return finish();
    }
    if (step === 'institution') {
      const ins = INSTITUTIONS.find((i) => i.institution_id === form.get('institution_id'));
      if (!ins) return sendHtml(res, 400, page('Plaid', '<p>Select a bank.</p>'));
      s.institution = ins;
      return loginPage();
    }
    if (!s.institution) return sendHtml(res, 400, page('Plaid', '<p>Select a bank first.</p>'));
    if (step === 'login') {
      if (form.get('username') !== 'user_good' || form.get('password') !== 'pass_good')
        return loginPage('The username or password provided were not correct.');
      s.loggedIn = true;
      s.item = newItem(s.institution, t.daysRequested);
      return accountsPage(s.item);
    }
    if (!s.loggedIn || !s.item) return sendHtml(res, 400, page('Plaid', '<p>Log in first.</p>'));
    if (step === 'accounts') {
      const chosen = new Set(new URLSearchParams(raw).getAll('account'));
      const item = s.item;
      if (!item.accounts.some((a) => chosen.has(a.account_id)))
        return accountsPage(item, 'Choose at least one account.');
      item.accounts = item.accounts.filter((a) => chosen.has(a.account_id));
      item.transactions = item.transactions.filter((x) => chosen.has(x.account_id));
      return consentPage();
    }
    if (step === 'consent') {
      if (form.get('consent') !== 'yes') return consentPage('Agree to share, or cancel.');
      const publicToken = `public-sandbox-${randomUUID()}`;
      publicTokens.set(publicToken, { item: s.item, expiresAt: Date.now() + 30 * 60_000, used: false });
      s.publicToken = publicToken;
      return finish();
    }
    return sendHtml(res, 404, page('Plaid', '<p>No such page.</p>'));
  }

  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the simulator listens on no TCP port');
  selfUrl = `http://127.0.0.1:${address.port}`;
  const push = (f: (typeof faults)[number], n: number) => {
    for (let i = 0; i < n; i++) faults.push(f);
  };
  return {
    url: selfUrl,
    clientId,
    secret,
    counts,
    failNext: (status, n = 1) => push({ status }, n),
    rateLimitNext: (retryAfter, n = 1) => push({ retryAfter }, n),
    delayNext: (delayMs, n = 1) => push({ delayMs }, n),
    malformedNext: (n = 1) => push({ malformed: true }, n),
    mutateDuringNextSync: () => void (mutateNext = true),
    resetLogin: (accessToken) => {
      const item = items.get(accessToken);
      if (item) item.loginRequired = true;
    },
    expireLinkToken: (token) => {
      const t = linkTokens.get(token);
      if (t) t.expiresAt = Date.now() - 1;
    },
    reset: () => {
      faults.length = 0;
      mutateNext = false;
      counts.linkCreate = counts.linkGet = counts.exchange = counts.sync = counts.accounts = 0;
    },
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

// No top-level await: test files import this module, and a module graph with one cannot be require()d.
if (isMain(import.meta.url)) {
  const { port, values, fail } = simulatorCli({
    script: 'sim:plaid',
    about:
      'A Plaid sandbox (openapi/providers/plaid.yaml) on 127.0.0.1: Hosted Link, token exchange, /transactions/sync, /accounts/get.',
    port: 8095,
    options: [NOW_OPTION],
  });
  const now = nowOf(values.now, fail);
  serve(
    startPlaidSimulator({ port, ...(now ? { now } : {}) }),
    (sim) =>
      `Plaid simulator on ${sim.url} — client_id ${sim.clientId}, secret ${sim.secret}; Hosted Link login user_good / pass_good; ` +
      `${historiesTo(now)}. Ctrl-C stops it.`,
  );
}
