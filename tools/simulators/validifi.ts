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
 *   npm run sim:validifi [-- --port 8091] [--now today|YYYY-MM-DD]   (client id sim-client, secret sim-secret;
 *   --now: the personas' histories moved by whole weeks to end just before that day, not on 2026-11-02)
 */
import { at, isRecord } from '../../src/lib/narrow.ts';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PERSONA_IDS, generatePersona, shiftPersona, type PersonaId } from '../personas/personas.ts';
import { toValidifi } from '../personas/formats.ts';
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
  /** Serve the personas' histories moved by whole weeks to end just before this date (shiftPersona), not on 2026-11-02. */
  now?: Date;
}

export interface ValidifiSimulator {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Requests received, by endpoint. */
  counts: { token: number; history: number; export: number };
  /** The windows asked for, as [startDateTime, endDateTime]. */
  windows: Array<[string, string]>;
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

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
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
      let b: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(body);
        if (isRecord(parsed)) b = parsed;
      } catch {
        return send(res, 400, { error: 'invalid json' });
      }
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
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const exp = bearer ? tokens.get(bearer) : undefined;
    if (!exp || exp < Date.now()) return send(res, 401, { error: 'unauthorized' });

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
    return send(res, 404, { error: 'no such endpoint' });
  }

  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the simulator listens on no TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    clientId,
    clientSecret,
    counts,
    windows,
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
    },
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

// No top-level await: test files import this module, and a module graph with one cannot be require()d.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8091' }, now: { type: 'string' } },
  });
  const port = Number(values.port);
  const now =
    values.now === undefined
      ? undefined
      : values.now === 'today'
        ? new Date()
        : new Date(`${values.now}T12:00:00Z`);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (now && Number.isNaN(now.getTime()))) {
    console.error('usage: npm run sim:validifi -- [--port 8091] [--now today|YYYY-MM-DD]');
    process.exit(2);
  }
  startValidifiSimulator({ port, ...(now ? { now } : {}) }).then(
    (sim) =>
      console.log(
        `ValidiFI simulator on ${sim.url} — client id ${sim.clientId}, secret ${sim.clientSecret}; account tokens sim-<persona>-<seed> (e.g. sim-couple_two_children_mortgage-1), sim-mfa, sim-reauth; ` +
          `histories to ${now ? `the week before ${now.toISOString().slice(0, 10)}` : '2026-11-02 (--now today for current ones)'}. Ctrl-C stops it.`,
      ),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
