/**
 * Admin CLI: the admin API from a terminal, so a new user can create the first partner without writing
 * a JWT by hand. It mints a short-lived admin token from ADMIN_JWT_SECRET (or the local secrets file in
 * DATA_DIR, never generating one), says on stderr which it used, and calls a running gateway; `token`
 * only prints a token.
 *
 *   npm run admin -- token [--ttl 3600]
 *   npm run admin -- create-partner <id> --tier pilot|standard|enterprise [--name N] [--quota Q] [--webhook-url U]
 *   npm run admin -- list-partners | show-partner <id>
 *   npm run admin -- update-partner <id> [--tier T] [--quota Q] [--name N] [--webhook-url U | --clear-webhook]
 *   npm run admin -- issue-key <id> | disable-key <id> <key_id> | rotate-webhook-secret <id> [--previous-hours H] | sign-off <id>
 *   npm run admin -- assessments [--partner id] [--test | --live] [--limit N]
 *   npm run admin -- jobs [--partner ID] [--kind documents|analysis] [--state processing|completed|failed] [--stuck] [--limit N]
 *   npm run admin -- cancel-job <job_id>
 *   PROVIDER_CLIENT_SECRET=… npm run admin -- provider-set <id> validifi --client-id C --environment sandbox|production|custom [--base-url U]
 *   npm run admin -- provider-set <id> document_api|decisioning_api|legacy_provider|plaid --credentials-stdin < creds.json
 *   npm run admin -- provider-list <id> | provider-delete <id> <provider>
 *   npm run admin -- portal-set <id> [--enable | --disable] [--primary-color C] [--accent-color C] [--logo-url U | --clear-logo]
 *       [--display-name N] [--hide-veqtrx-branding | --show-veqtrx-branding] [--redirect-domain H …]
 *   npm run admin -- portal-show <id> | portal-link <id> --customer-ref R [--prefilled-name N] [--prefilled-email E]
 *       [--redirect-url U] [--ttl-hours H] | portal-links <id> [--limit N] | portal-revoke <id> <session_id>
 *   npm run admin -- assessment-settings <id>
 *   npm run admin -- set-assessment-settings <id> [--income-fall PCT] [--rate-rise POINTS] [--essential-rise PCT]
 *       [--variable-kinds K,K] [--assumed-rate PCT] [--assumed-term MONTHS] [--minimum-buffer AMOUNT] [--default-stress]
 *       [--guidelines-file FILE | --clear-guidelines]
 *   options: --url http://127.0.0.1:8080 (default: http://127.0.0.1:$PORT)
 */
import { errorCode, errorMessage, isRecord } from '../lib/narrow.ts';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, findAdminSecret } from '../config.ts';
import { mintAdminToken } from '../services/admin-token.ts';

const USAGE = `usage: npm run admin -- <command> [args]
  token [--ttl SECONDS]
  create-partner <id> --tier pilot|standard|enterprise [--name NAME] [--quota N] [--webhook-url URL]
  list-partners
  show-partner <id>
  update-partner <id> [--tier T] [--quota N] [--name NAME] [--webhook-url URL | --clear-webhook]
  issue-key <id>
  disable-key <id> <key_id>
  rotate-webhook-secret <id> [--previous-hours H]  (the old secret also signs for H hours; default 24, 0 = not at all)
  sign-off <id>
  assessments [--partner ID] [--test | --live] [--limit N]
  jobs [--partner ID] [--kind documents|analysis] [--state processing|completed|failed] [--stuck] [--limit N]
      (asynchronous jobs, newest first; --stuck: only those processing without progress for over 2 minutes)
  cancel-job <job_id>  (a job still processing fails as cancelled and its unit of quota is given back)
  provider-set <id> validifi --client-id ID --environment sandbox|production|custom [--base-url URL]
      [--client-secret-stdin]  (the client secret from PROVIDER_CLIENT_SECRET, or piped on stdin — never an argument)
  provider-set <id> document_api|decisioning_api|legacy_provider|plaid --credentials-stdin
      (the provider's credentials as a JSON object on stdin, e.g. {"api_key": …, "base_url": …})
  provider-list <id>
  provider-delete <id> <provider>
  portal-set <id> [--enable | --disable] [--primary-color #rgb|#rrggbb] [--accent-color C]
      [--logo-url https://… | --clear-logo] [--display-name NAME] [--hide-veqtrx-branding | --show-veqtrx-branding]
      [--redirect-domain HOST …]  (the hosted portal's settings; each --redirect-domain adds to the list
      sent, which replaces the stored one; fields not given are kept)
  portal-show <id>
  portal-link <id> --customer-ref REF [--prefilled-name NAME] [--prefilled-email EMAIL] [--redirect-url URL]
      [--ttl-hours H]  (a link for one customer: its url and token are shown once; default 24 h, at most 720)
  portal-links <id> [--limit N]
  portal-revoke <id> <session_id>
  assessment-settings <id>  (the stress parameters in effect and the spending guidelines)
  set-assessment-settings <id> [--income-fall PCT] [--rate-rise POINTS] [--essential-rise PCT]
      [--variable-kinds mortgage,credit_card,…] [--assumed-rate PCT] [--assumed-term MONTHS] [--minimum-buffer AMOUNT]
      (the stress parameters given; the others take their defaults) | --default-stress (back to the defaults)
      [--guidelines-file FILE.json | --clear-guidelines]  (spending guidelines: {"source": …, "households": […]})
options: --url URL of the gateway (default http://127.0.0.1:$PORT, PORT defaulting to 8080)`;

function fail(msg: string, code = 2): never {
  console.error(msg);
  process.exit(code);
}

const OPTIONS = {
  url: { type: 'string' },
  ttl: { type: 'string', default: '3600' },
  tier: { type: 'string' },
  name: { type: 'string' },
  quota: { type: 'string' },
  'webhook-url': { type: 'string' },
  'clear-webhook': { type: 'boolean' },
  partner: { type: 'string' },
  test: { type: 'boolean' },
  live: { type: 'boolean' },
  limit: { type: 'string' },
  kind: { type: 'string' },
  state: { type: 'string' },
  stuck: { type: 'boolean' },
  'client-id': { type: 'string' },
  environment: { type: 'string' },
  'base-url': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  'credentials-stdin': { type: 'boolean' },
  'previous-hours': { type: 'string' },
  enable: { type: 'boolean' },
  disable: { type: 'boolean' },
  'primary-color': { type: 'string' },
  'accent-color': { type: 'string' },
  'logo-url': { type: 'string' },
  'clear-logo': { type: 'boolean' },
  'display-name': { type: 'string' },
  'hide-veqtrx-branding': { type: 'boolean' },
  'show-veqtrx-branding': { type: 'boolean' },
  'redirect-domain': { type: 'string', multiple: true },
  'customer-ref': { type: 'string' },
  'prefilled-name': { type: 'string' },
  'prefilled-email': { type: 'string' },
  'redirect-url': { type: 'string' },
  'ttl-hours': { type: 'string' },
  'income-fall': { type: 'string' },
  'rate-rise': { type: 'string' },
  'essential-rise': { type: 'string' },
  'variable-kinds': { type: 'string' },
  'assumed-rate': { type: 'string' },
  'assumed-term': { type: 'string' },
  'minimum-buffer': { type: 'string' },
  'default-stress': { type: 'boolean' },
  'guidelines-file': { type: 'string' },
  'clear-guidelines': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command line, or the usage and exit 2 on a mistake in it (an unknown option, a missing value). */
function parseCommandLine() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (e) {
    if (errorCode(e)?.startsWith('ERR_PARSE_ARGS_')) fail(`${errorMessage(e)}\n${USAGE}`);
    throw e;
  }
}

async function main(): Promise<void> {
  const { values: o, positionals } = parseCommandLine();
  const [command, ...args] = positionals;
  if (!command || o.help) fail(USAGE, command ? 0 : 2);
  let cfg;
  try {
    cfg = findAdminSecret();
  } catch (e) {
    fail(e instanceof ConfigError ? `admin: ${e.message}` : String(e), 78);
  }
  // Which secret signs the token, and where it came from (never the secret itself): a token the gateway
  // refuses is then explained at once.
  console.error(`admin: signing with ${cfg.source}`);
  const ttl = Number(o.ttl);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > cfg.maxTtlS)
    fail(
      `--ttl must be a whole number of seconds between 60 and ${cfg.maxTtlS} (ADMIN_TOKEN_MAX_TTL_S; the gateway refuses longer-lived admin tokens)`,
    );
  const token = await mintAdminToken(cfg.secret, ttl);
  if (command === 'token') {
    console.log(token);
    return;
  }
  const base = (o.url ?? `http://127.0.0.1:${cfg.port}`).replace(/\/$/, '');
  const call = async (method: string, path: string, body?: unknown) => {
    let res: Response;
    try {
      res = await fetch(`${base}/api/admin${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      fail(`could not reach the gateway at ${base} — is it running? (npm start, or pass --url)`, 1);
    }
    const text = await res.text();
    let out: unknown;
    try {
      out = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON: not this gateway's answer (--url pointing at another server, a proxy's error page).
      fail(`${res.status} from ${base}, and not JSON — is --url this gateway?\n${text.slice(0, 500)}`, 1);
    }
    const detail = isRecord(out) ? out.detail : undefined;
    if (!res.ok) fail(`${res.status}: ${typeof detail === 'string' ? detail : text}`, 1);
    console.log(JSON.stringify(out, null, 2));
  };
  const need = (n: number) => {
    if (args.length < n) fail(USAGE);
  };
  const arg = (i: number): string => args[i] ?? fail(USAGE);
  const int = (v: string | undefined, what: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) fail(`${what} must be a non-negative whole number`);
    return n;
  };
  switch (command) {
    case 'create-partner':
      need(1);
      if (!o.tier) fail('create-partner needs --tier pilot|standard|enterprise');
      return call('POST', '/partners', {
        partner_id: args[0],
        tier: o.tier,
        ...(o.name ? { display_name: o.name } : {}),
        ...(o.quota ? { monthly_quota: int(o.quota, '--quota') } : {}),
        ...(o['webhook-url'] ? { webhook_url: o['webhook-url'] } : {}),
      });
    case 'list-partners':
      return call('GET', '/partners');
    case 'show-partner':
      need(1);
      return call('GET', `/partners/${encodeURIComponent(arg(0))}`);
    case 'update-partner':
      need(1);
      return call('PUT', `/partners/${encodeURIComponent(arg(0))}`, {
        ...(o.tier ? { tier: o.tier } : {}),
        ...(o.quota ? { monthly_quota: int(o.quota, '--quota') } : {}),
        ...(o.name ? { display_name: o.name } : {}),
        ...(o['webhook-url'] ? { webhook_url: o['webhook-url'] } : {}),
        ...(o['clear-webhook'] ? { webhook_url: null } : {}),
      });
    case 'issue-key':
      need(1);
      return call('POST', `/partners/${encodeURIComponent(arg(0))}/keys`);
    case 'disable-key':
      need(2);
      return call('DELETE', `/partners/${encodeURIComponent(arg(0))}/keys/${encodeURIComponent(arg(1))}`);
    case 'rotate-webhook-secret':
      need(1);
      return call(
        'POST',
        `/partners/${encodeURIComponent(arg(0))}/webhook-secret`,
        o['previous-hours'] !== undefined
          ? { previous_secret_hours: int(o['previous-hours'], '--previous-hours') }
          : undefined,
      );
    case 'sign-off':
      need(1);
      return call('POST', `/partners/${encodeURIComponent(arg(0))}/production`);
    case 'assessments': {
      const q = new URLSearchParams();
      if (o.partner) q.set('partner_id', o.partner);
      if (o.test) q.set('is_test', 'true');
      if (o.live) q.set('is_test', 'false');
      if (o.limit) q.set('limit', String(int(o.limit, '--limit')));
      return call('GET', `/assessments${q.size ? `?${q.toString()}` : ''}`);
    }
    case 'jobs': {
      const q = new URLSearchParams();
      if (o.partner) q.set('partner_id', o.partner);
      if (o.kind) q.set('kind', o.kind);
      if (o.state) q.set('state', o.state);
      if (o.stuck) q.set('stuck', 'true');
      if (o.limit) q.set('limit', String(int(o.limit, '--limit')));
      return call('GET', `/jobs${q.size ? `?${q.toString()}` : ''}`);
    }
    case 'cancel-job':
      need(1);
      return call('POST', `/jobs/${encodeURIComponent(arg(0))}/cancel`);
    case 'provider-set': {
      need(2);
      if (arg(1) !== 'validifi') {
        // An analysis provider's credentials: its JSON object, piped on stdin (secrets never in an argument).
        if (!o['credentials-stdin'])
          fail(
            `provider-set ${arg(1)} reads the credentials as a JSON object on stdin: add --credentials-stdin (README, Third-party analyses)`,
          );
        let body: unknown;
        try {
          body = JSON.parse(await readStdin());
        } catch {
          fail('the credentials on stdin are not JSON');
        }
        return call(
          'PUT',
          `/partners/${encodeURIComponent(arg(0))}/providers/${encodeURIComponent(arg(1))}`,
          body,
        );
      }
      if (!o['client-id'] || !o.environment)
        fail('provider-set needs --client-id and --environment sandbox|production|custom');
      const secret = o['client-secret-stdin']
        ? (await readStdin()).trim()
        : process.env.PROVIDER_CLIENT_SECRET;
      if (!secret)
        fail(
          'provider-set reads the client secret from PROVIDER_CLIENT_SECRET or, with --client-secret-stdin, from stdin (so it never sits in your shell history)',
        );
      return call('PUT', `/partners/${encodeURIComponent(arg(0))}/providers/${encodeURIComponent(arg(1))}`, {
        client_id: o['client-id'],
        client_secret: secret,
        environment: o.environment,
        ...(o['base-url'] ? { base_url: o['base-url'] } : {}),
      });
    }
    case 'provider-list':
      need(1);
      return call('GET', `/partners/${encodeURIComponent(arg(0))}/providers`);
    case 'provider-delete':
      need(2);
      return call(
        'DELETE',
        `/partners/${encodeURIComponent(arg(0))}/providers/${encodeURIComponent(arg(1))}`,
      );
    case 'portal-set': {
      need(1);
      if (o.enable && o.disable) fail('portal-set: --enable or --disable, not both');
      const body = {
        ...(o.enable ? { portal_enabled: true } : {}),
        ...(o.disable ? { portal_enabled: false } : {}),
        ...(o['primary-color'] ? { primary_color: o['primary-color'] } : {}),
        ...(o['accent-color'] ? { accent_color: o['accent-color'] } : {}),
        ...(o['logo-url'] ? { logo_url: o['logo-url'] } : {}),
        ...(o['clear-logo'] ? { logo_url: null } : {}),
        ...(o['display-name'] ? { display_name: o['display-name'] } : {}),
        ...(o['hide-veqtrx-branding'] ? { hide_veqtrx_branding: true } : {}),
        ...(o['show-veqtrx-branding'] ? { hide_veqtrx_branding: false } : {}),
        ...(o['redirect-domain'] ? { allowed_redirect_domains: o['redirect-domain'] } : {}),
      };
      return call('PUT', `/partners/${encodeURIComponent(arg(0))}/portal`, body);
    }
    case 'portal-show':
      need(1);
      return call('GET', `/partners/${encodeURIComponent(arg(0))}/portal`);
    case 'portal-link': {
      need(1);
      if (!o['customer-ref']) fail('portal-link needs --customer-ref');
      const ttl = o['ttl-hours'] === undefined ? undefined : Number(o['ttl-hours']);
      if (ttl !== undefined && !(ttl > 0 && ttl <= 720))
        fail('--ttl-hours must be a number of hours, above 0 and at most 720');
      return call('POST', `/partners/${encodeURIComponent(arg(0))}/portal/links`, {
        customer_ref: o['customer-ref'],
        ...(o['prefilled-name'] ? { prefilled_name: o['prefilled-name'] } : {}),
        ...(o['prefilled-email'] ? { prefilled_email: o['prefilled-email'] } : {}),
        ...(o['redirect-url'] ? { redirect_url: o['redirect-url'] } : {}),
        ...(ttl !== undefined ? { ttl_hours: ttl } : {}),
      });
    }
    case 'portal-links': {
      need(1);
      const q = o.limit ? `?limit=${int(o.limit, '--limit')}` : '';
      return call('GET', `/partners/${encodeURIComponent(arg(0))}/portal/links${q}`);
    }
    case 'portal-revoke':
      need(2);
      return call(
        'DELETE',
        `/partners/${encodeURIComponent(arg(0))}/portal/links/${encodeURIComponent(arg(1))}`,
      );
    case 'assessment-settings':
      need(1);
      return call('GET', `/partners/${encodeURIComponent(arg(0))}/assessment-settings`);
    case 'set-assessment-settings': {
      need(1);
      const num = (v: string | undefined, what: string) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n)) fail(`${what} must be a number`);
        return n;
      };
      const given = {
        income_fall_pct: num(o['income-fall'], '--income-fall'),
        rate_rise_points: num(o['rate-rise'], '--rate-rise'),
        essential_costs_rise_pct: num(o['essential-rise'], '--essential-rise'),
        variable_rate_kinds:
          o['variable-kinds'] === undefined
            ? undefined
            : o['variable-kinds']
                .split(',')
                .map((k) => k.trim())
                .filter(Boolean),
        assumed_variable_rate_pct: num(o['assumed-rate'], '--assumed-rate'),
        assumed_remaining_term_months: num(o['assumed-term'], '--assumed-term'),
        minimum_buffer: num(o['minimum-buffer'], '--minimum-buffer'),
      };
      const stress = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
      if (o['default-stress'] && Object.keys(stress).length)
        fail('--default-stress goes back to the defaults: send it without stress parameters');
      if (o['clear-guidelines'] && o['guidelines-file'])
        fail('send --guidelines-file or --clear-guidelines, not both');
      const body: Record<string, unknown> = {};
      if (o['default-stress']) body.stress = null;
      else if (Object.keys(stress).length) body.stress = stress;
      if (o['clear-guidelines']) body.spending_guidelines = null;
      if (o['guidelines-file']) {
        let text: string;
        try {
          text = readFileSync(o['guidelines-file'], 'utf8');
        } catch (e) {
          fail(`cannot read ${o['guidelines-file']}: ${errorMessage(e)}`);
        }
        try {
          body.spending_guidelines = JSON.parse(text);
        } catch {
          fail(`${o['guidelines-file']} is not JSON`);
        }
      }
      if (!Object.keys(body).length)
        fail(
          `set-assessment-settings needs a stress parameter, --default-stress, --guidelines-file or --clear-guidelines\n${USAGE}`,
        );
      return call('PUT', `/partners/${encodeURIComponent(arg(0))}/assessment-settings`, body);
    }
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    const chunk: unknown = c;
    chunks.push(chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Anything unexpected: its message, not a stack trace, and a failing exit status.
main().catch((e: unknown) => fail(`admin: ${e instanceof Error ? e.message : String(e)}`, 1));
