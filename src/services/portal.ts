/**
 * Architecture B, the hosted portal: a partner's portal settings (branding, the redirect allow-list, the
 * logo fetched once and served from the gateway), the links minted for its customers, the customer's
 * journey through `/p/<slug>` (landing, consent, sign-up, connect) and its completion.
 *
 * Link tokens: 32 random bytes (256 bits, base64url), shown once, stored only as HMAC-SHA256 under a key
 * derived from DATA_ENCRYPTION_KEY (lib/secrets.ts, deriveKey) — not bcrypt, as the seed's text has it.
 * Measured with `npm run bench:portal-token` on the project's 2-core VM (load average 8 at the time):
 * bcrypt.compare 118 ms at cost 10 and 404 ms at cost 12, HMAC-SHA256 15 µs. bcrypt's slowness protects
 * secrets a person chose, which can be guessed from a list; a 256-bit random token cannot be guessed
 * either way, so bcrypt would add nothing but ~0.1 s of CPU on every landing — and on every wrong guess,
 * which turns the guessing that the rate limit slows into a cheap way to occupy both cores. bcrypt also
 * cannot be looked up (each hash has its own salt), so the token would have to carry the session id. The
 * keyed hash keeps the seed's promise: a copy of the database (without the key, which is not in it) holds
 * no live link, and not even a way to test a guess offline.
 *
 * An unknown slug and a bad, expired, used or revoked token are one answer (`undefined` → the same 404 page)
 * after the same work: one HMAC and one indexed read by the token's hash, whatever the slug.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { conflict, notFound, unprocessable, badRequest } from '../lib/errors.ts';
import { FetchRefused, fetchSafe, sniffImage } from '../lib/safe-fetch.ts';
import { classifyAddress, checkUrlForm, UnsafeTargetError } from '../lib/ssrf.ts';
import { FailureLimiter, clientAddressKey } from '../lib/rate-limit.ts';
import { deriveKey, hmac, safeEqual, type SecretBox } from '../lib/secrets.ts';
import type { Logger } from '../lib/logger.ts';
import type { Db } from '../store/db.ts';
import { getPartner } from '../store/partners.ts';
import * as store from '../store/portal.ts';
import type { PortalRow, SessionRow } from '../store/portal.ts';
import type { Webhooks } from '../webhooks/service.ts';
import type { components } from '../contract/generated/admin-v1.ts';
import type { ConnectMethod, ConnectSession } from './portal-connect.ts';

export const WEBHOOK_EVENT_PORTAL = 'portal.assessment_completed';
export const LOGO_MAX_BYTES = 256 * 1024;
export const PORTAL_COOKIE = 'vq_portal';
/** The longest a link lives (the seed's `ttl_hours` maximum). */
export const MAX_TTL_HOURS = 720;

export type PortalSettingsView = components['schemas']['PortalSettings'];
export type PortalLinkView = components['schemas']['PortalLink'];
export type MintedLink = components['schemas']['MintedPortalLink'];

/** A settings change: each field given replaces the stored one (null clears); those absent are kept. */
export interface PortalPatch {
  portal_enabled?: boolean | undefined;
  primary_color?: string | null | undefined;
  accent_color?: string | null | undefined;
  logo_url?: string | null | undefined;
  display_name?: string | null | undefined;
  hide_veqtrx_branding?: boolean | undefined;
  allowed_redirect_domains?: string[] | undefined;
}

export interface MintLink {
  customer_ref: string;
  prefilled_name?: string | undefined;
  prefilled_email?: string | undefined;
  redirect_url?: string | undefined;
  ttl_hours: number;
}

/** How a page shows the partner: only validated values (colours are #rgb/#rrggbb, checked again here). */
export interface Branding {
  displayName: string;
  primaryColor: string | undefined;
  accentColor: string | undefined;
  logoPath: string | undefined;
  hideVeqtrxBranding: boolean;
}

/** A customer's open session as the pages see it (from its cookie). */
export interface PortalContext {
  sessionId: string;
  partnerId: string;
  customerRef: string;
  branding: Branding;
  /** The form token of this browser's session (CSRF): every form carries it, every POST is checked against it. */
  csrf: string;
  consented: boolean;
  signedUp: boolean;
  /** The sign-up form's values: what the customer confirmed, else what the partner prefilled. */
  name: string;
  email: string;
}

export type Landing =
  | { kind: 'ok'; cookie: string; maxAgeS: number }
  | { kind: 'not_found' }
  | { kind: 'too_many'; retryAfterMs: number };

export interface PortalConfig {
  /** DATA_ENCRYPTION_KEY (base64): the token and cookie keys are derived from it. */
  dataKey: string;
  /** Logo fetches may reach private and loopback addresses (ALLOW_PRIVATE_WEBHOOKS: local use and tests only). */
  allowPrivateFetch: boolean;
  logoTimeoutMs: number;
  /** The gateway's public base URL for minted links; without it, the admin request's own origin. */
  publicUrl: string | undefined;
  failuresPerAddress: number;
  failureWindowMs: number;
  redisUrl: string | undefined;
}

/** Host names that never name a public site (RFC 6761, 6762, 8375 and common internal suffixes). */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `host` may be in a partner's redirect allow-list: a public DNS name, never an address or a local name. */
export function allowableRedirectHost(host: string): string | undefined {
  if (isIP(host)) return 'must be a host name, not an address';
  if (!HOSTNAME.test(host)) return 'is not a host name';
  if (LOCAL_NAME.test(host)) return 'is a local name';
  return undefined;
}

/**
 * The reason a redirect_url is refused, or undefined: http(s) without credentials, never an address that
 * is not public (private, loopback, link-local and metadata, reserved) or a local name — whatever the
 * allow-list says — and its host exactly one of `allowed`. (The host is not resolved: the customer's
 * browser goes there, the gateway never does.)
 */
export function redirectRefusal(raw: string, allowed: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = checkUrlForm(raw);
  } catch (e) {
    return e instanceof UnsafeTargetError ? e.message : 'not a valid URL';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host))
    return classifyAddress(host) === 'public'
      ? 'must name a host in allowed_redirect_domains, not an address'
      : 'points at a private, loopback, link-local, metadata or reserved address';
  if (LOCAL_NAME.test(host) || !host.includes('.')) return 'points at a local host name';
  if (!allowed.includes(host))
    return `host "${host}" is not in the partner's allowed_redirect_domains (${allowed.length ? allowed.join(', ') : 'empty'})`;
  return undefined;
}

export class PortalService {
  private readonly tokenKey: Buffer;
  private readonly browserKey: Buffer;
  private readonly csrfKey: Buffer;
  private readonly limiter: FailureLimiter;

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly webhooks: Webhooks,
    private readonly cfg: PortalConfig,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
    readonly connectMethods: readonly ConnectMethod[] = [],
  ) {
    this.tokenKey = deriveKey(cfg.dataKey, 'veqtrx portal link token v1');
    this.browserKey = deriveKey(cfg.dataKey, 'veqtrx portal browser session v1');
    this.csrfKey = deriveKey(cfg.dataKey, 'veqtrx portal csrf v1');
    this.limiter = new FailureLimiter(
      { redisUrl: cfg.redisUrl, prefix: 'veqtrx:portal-fail:', windowMs: cfg.failureWindowMs },
      log,
    );
  }

  close(): Promise<void> {
    return this.limiter.close();
  }

  private aad = (sessionId: string, field: string) => `portal:${sessionId}:${field}`;

  // ---- settings --------------------------------------------------------------------------------

  private async partner(id: string) {
    const p = await getPartner(this.db, id);
    if (!p) throw notFound(`partner "${id}" not found`);
    return p;
  }

  private settingsView(partnerId: string, r: PortalRow | undefined): PortalSettingsView {
    return {
      partner_id: partnerId,
      portal_enabled: r?.portal_enabled ?? false,
      primary_color: r?.primary_color ?? null,
      accent_color: r?.accent_color ?? null,
      logo_url: r?.logo_url ?? null,
      logo:
        r?.logo_sha256 && r.logo_content_type
          ? { path: logoPath(r.logo_sha256), content_type: r.logo_content_type, sha256: r.logo_sha256 }
          : null,
      display_name: r?.display_name ?? null,
      hide_veqtrx_branding: r?.hide_veqtrx_branding ?? false,
      allowed_redirect_domains: r?.allowed_redirect_domains ?? [],
      updated_at: r ? r.updated_at.toISOString() : null,
    };
  }

  async settings(partnerId: string): Promise<PortalSettingsView> {
    await this.partner(partnerId);
    return this.settingsView(partnerId, await store.getPortal(this.db, partnerId));
  }

  async setSettings(partnerId: string, patch: PortalPatch): Promise<PortalSettingsView> {
    await this.partner(partnerId);
    const cur = await store.getPortal(this.db, partnerId);
    const pick = <K extends keyof PortalPatch, V>(k: K, stored: V): V | NonNullable<PortalPatch[K]> | null =>
      patch[k] === undefined ? stored : (patch[k] ?? null);
    for (const c of [patch.primary_color, patch.accent_color])
      if (c != null && !COLOR.test(c)) throw badRequest('colours must be #rgb or #rrggbb');
    const domains = patch.allowed_redirect_domains?.map((d) => d.toLowerCase());
    for (const d of domains ?? []) {
      const why = allowableRedirectHost(d);
      if (why) throw badRequest(`allowed_redirect_domains: "${d}" ${why}`);
    }
    // The logo is fetched once, when its URL is given (again: a changed file is fetched by giving the URL again).
    let logo: Pick<store.PortalWrite, 'logo_url' | 'logo_content_type' | 'logo_sha256' | 'logo_bytes'> = {
      logo_url: cur?.logo_url ?? null,
      logo_content_type: cur?.logo_content_type ?? null,
      logo_sha256: cur?.logo_sha256 ?? null,
      logo_bytes: undefined,
    };
    if (patch.logo_url === null)
      logo = { logo_url: null, logo_content_type: null, logo_sha256: null, logo_bytes: null };
    else if (patch.logo_url !== undefined) logo = await this.fetchLogo(patch.logo_url);
    const row = await store.upsertPortal(this.db, partnerId, {
      portal_enabled: patch.portal_enabled ?? cur?.portal_enabled ?? false,
      primary_color: pick('primary_color', cur?.primary_color ?? null),
      accent_color: pick('accent_color', cur?.accent_color ?? null),
      display_name: pick('display_name', cur?.display_name ?? null),
      hide_veqtrx_branding: patch.hide_veqtrx_branding ?? cur?.hide_veqtrx_branding ?? false,
      allowed_redirect_domains: domains ?? cur?.allowed_redirect_domains ?? [],
      ...logo,
    });
    return this.settingsView(partnerId, row);
  }

  /** Fetches a logo through the SSRF guard and checks it: PNG, JPEG or WebP by its bytes, at most 256 KB. */
  private async fetchLogo(url: string) {
    const u = new URL(url);
    // https only — except, with private addresses allowed (local use and tests only), http to one of them.
    if (u.protocol !== 'https:') {
      const host = u.hostname.replace(/^\[|\]$/g, '');
      if (!(this.cfg.allowPrivateFetch && isIP(host) && classifyAddress(host) === 'private'))
        throw badRequest('logo_url: must be an https URL');
    }
    let fetched;
    try {
      fetched = await fetchSafe(url, {
        allowPrivate: this.cfg.allowPrivateFetch,
        timeoutMs: this.cfg.logoTimeoutMs,
        maxBytes: LOGO_MAX_BYTES,
      });
    } catch (e) {
      if (e instanceof FetchRefused) throw unprocessable(`logo_url: ${e.message}`, 'logo_refused');
      throw e;
    }
    const type = sniffImage(fetched.bytes);
    if (!type)
      throw unprocessable(
        // SVG is a document that can carry script and links; sanitising it safely takes a full XML
        // sanitiser, and a raster logo serves every purpose here.
        'logo_url: not a PNG, JPEG or WebP image (SVG is refused: it can carry script; send a PNG)',
        'logo_refused',
      );
    return {
      logo_url: url,
      logo_content_type: type,
      logo_sha256: sha256Bytes(fetched.bytes),
      logo_bytes: new Uint8Array(fetched.bytes),
    };
  }

  /** A stored logo by the hash in its path. */
  async logo(sha: string): Promise<{ content_type: string; bytes: Uint8Array } | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha)) return undefined;
    return store.logoBySha(this.db, sha);
  }

  // ---- links -----------------------------------------------------------------------------------

  async mintLink(partnerId: string, m: MintLink, requestOrigin: string): Promise<MintedLink> {
    await this.partner(partnerId);
    const portal = await store.getPortal(this.db, partnerId);
    if (!portal?.portal_enabled)
      throw conflict(
        `the portal of partner "${partnerId}" is not enabled: PUT /api/admin/partners/${partnerId}/portal with {"portal_enabled": true} first`,
        'portal_not_enabled',
      );
    if (m.redirect_url !== undefined) {
      const why = redirectRefusal(m.redirect_url, portal.allowed_redirect_domains);
      if (why) throw badRequest(`redirect_url: ${why}`, [{ path: 'redirect_url', message: why }]);
    }
    const token = randomBytes(32).toString('base64url');
    const sessionId = randomUUID();
    const now = this.clock();
    const expires = new Date(now.getTime() + m.ttl_hours * 3_600_000);
    await store.insertSession(this.db, {
      session_id: sessionId,
      partner_id: partnerId,
      customer_ref: m.customer_ref,
      prefilled_name_sealed:
        m.prefilled_name === undefined
          ? null
          : this.box.seal(m.prefilled_name, this.aad(sessionId, 'prefilled_name')),
      prefilled_email_sealed:
        m.prefilled_email === undefined
          ? null
          : this.box.seal(m.prefilled_email, this.aad(sessionId, 'prefilled_email')),
      redirect_url: m.redirect_url ?? null,
      token_hash: hmac(this.tokenKey, token),
      expires_at: expires,
      created_at: now,
    });
    const base = (this.cfg.publicUrl ?? requestOrigin).replace(/\/$/, '');
    return {
      session_id: sessionId,
      partner_id: partnerId,
      url: `${base}/p/${partnerId}?t=${token}`,
      token,
      expires_at: expires.toISOString(),
      important: 'Save the URL or token now — it will not be shown again.',
    };
  }

  private linkView(s: SessionRow): PortalLinkView {
    const now = this.clock().getTime();
    const open = s.status === 'created' || s.status === 'started';
    return {
      session_id: s.session_id,
      partner_id: s.partner_id,
      customer_ref: s.customer_ref,
      status: open && s.expires_at.getTime() <= now ? 'expired' : s.status,
      redirect_url: s.redirect_url,
      expires_at: s.expires_at.toISOString(),
      created_at: s.created_at.toISOString(),
      started_at: s.started_at?.toISOString() ?? null,
      completed_at: s.completed_at?.toISOString() ?? null,
      assessment_id: s.assessment_id,
    };
  }

  async listLinks(partnerId: string, limit: number, before?: Date): Promise<PortalLinkView[]> {
    await this.partner(partnerId);
    return (await store.listSessions(this.db, partnerId, limit, before)).map((s) => this.linkView(s));
  }

  async revokeLink(partnerId: string, sessionId: string): Promise<PortalLinkView> {
    const row = SESSION_ID.test(sessionId)
      ? await store.revokeSession(this.db, partnerId, sessionId, this.clock())
      : undefined;
    if (!row) throw notFound(`link "${sessionId}" not found for partner "${partnerId}"`);
    return this.linkView(row);
  }

  // ---- the customer's journey ------------------------------------------------------------------

  /**
   * A link opened: `/p/<slug>?t=<token>`. On success the session is started and bound to a new secret
   * in this browser's cookie (a link opened again — the customer's second device, a mail scanner that
   * fetched it first — binds the latest browser; the earlier one's cookie stops working). Guesses are
   * counted per client address (PORTAL_TOKEN_FAILURES_PER_ADDRESS per PORTAL_TOKEN_FAILURE_WINDOW_S).
   */
  async land(slug: string, token: string, clientAddress: string | undefined): Promise<Landing> {
    const limitKeys: Array<[string, number]> = [
      [`addr:${clientAddressKey(clientAddress)}`, this.cfg.failuresPerAddress],
    ];
    const wait = await this.limiter.take(limitKeys);
    if (wait > 0) return { kind: 'too_many', retryAfterMs: wait };
    // The same work whatever is wrong: one HMAC (of at most 64 characters) and one read by its result.
    const computed = hmac(this.tokenKey, token.slice(0, 64));
    const row = await store.sessionByTokenHash(this.db, computed);
    const now = this.clock();
    const ok =
      row !== undefined &&
      safeEqual(row.token_hash, computed) &&
      TOKEN.test(token) &&
      row.partner_id === slug &&
      (row.status === 'created' || row.status === 'started') &&
      row.expires_at.getTime() > now.getTime();
    if (!row || !ok) return { kind: 'not_found' };
    const secret = randomBytes(32).toString('base64url');
    if (!(await store.bindBrowser(this.db, row.session_id, hmac(this.browserKey, secret), now)))
      return { kind: 'not_found' };
    await this.limiter.giveBack(limitKeys);
    this.log.info({ partner: row.partner_id, portal_session: row.session_id }, 'portal link opened');
    return {
      kind: 'ok',
      cookie: `${row.session_id}.${secret}`,
      maxAgeS: Math.max(1, Math.ceil((row.expires_at.getTime() - now.getTime()) / 1000)),
    };
  }

  /** The open session of this browser for `slug`, or undefined (no cookie, another partner's, ended, rebound). */
  async context(slug: string, cookie: string | undefined): Promise<PortalContext | undefined> {
    const s = await this.sessionOf(slug, cookie);
    if (!s) return undefined;
    const open = (sealed: string | null, field: string) =>
      sealed === null ? '' : this.box.open(sealed, this.aad(s.row.session_id, field));
    const signedUp = s.row.signed_up_at !== null;
    return {
      sessionId: s.row.session_id,
      partnerId: s.row.partner_id,
      customerRef: s.row.customer_ref,
      branding: await this.branding(s.row.partner_id),
      csrf: hmac(this.csrfKey, `${s.row.session_id}.${s.secret}`),
      consented: s.row.consented_at !== null,
      signedUp,
      name: signedUp ? open(s.row.name_sealed, 'name') : open(s.row.prefilled_name_sealed, 'prefilled_name'),
      email: signedUp
        ? open(s.row.email_sealed, 'email')
        : open(s.row.prefilled_email_sealed, 'prefilled_email'),
    };
  }

  /** Whether a form's token is this session's (constant-time). */
  checkCsrf(ctx: PortalContext, given: unknown): boolean {
    return typeof given === 'string' && safeEqual(given, ctx.csrf);
  }

  private async sessionOf(
    slug: string,
    cookie: string | undefined,
    statuses: readonly store.SessionStatus[] = ['started'],
  ): Promise<{ row: SessionRow; secret: string } | undefined> {
    const m = cookie ? /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(cookie) : null;
    if (!m?.[1] || !m[2] || !SESSION_ID.test(m[1])) return undefined;
    const row = await store.getSession(this.db, m[1]);
    if (
      !row?.browser_hash ||
      !safeEqual(row.browser_hash, hmac(this.browserKey, m[2])) ||
      row.partner_id !== slug ||
      !statuses.includes(row.status)
    )
      return undefined;
    if (row.status !== 'completed' && row.expires_at.getTime() <= this.clock().getTime()) return undefined;
    return { row, secret: m[2] };
  }

  /** The branding of a completed session's thanks page, or undefined (show the generic one). */
  async completedBranding(slug: string, cookie: string | undefined): Promise<Branding | undefined> {
    const s = await this.sessionOf(slug, cookie, ['completed']);
    return s ? this.branding(s.row.partner_id) : undefined;
  }

  async consent(ctx: PortalContext): Promise<boolean> {
    return store.recordConsent(this.db, ctx.sessionId, this.clock());
  }

  async signUp(ctx: PortalContext, name: string, email: string): Promise<boolean> {
    return store.recordSignUp(
      this.db,
      ctx.sessionId,
      this.box.seal(name, this.aad(ctx.sessionId, 'name')),
      this.box.seal(email, this.aad(ctx.sessionId, 'email')),
      this.clock(),
    );
  }

  /** The connect methods offered to this session (those available for it). */
  async connectOptions(ctx: PortalContext): Promise<ConnectMethod[]> {
    const s = this.connectSession(ctx);
    const out: ConnectMethod[] = [];
    for (const m of this.connectMethods) if (await m.available(s)) out.push(m);
    return out;
  }

  connectSession(ctx: PortalContext): ConnectSession {
    return {
      sessionId: ctx.sessionId,
      partnerId: ctx.partnerId,
      customerRef: ctx.customerRef,
      name: ctx.name,
      email: ctx.email,
    };
  }

  async branding(partnerId: string): Promise<Branding> {
    const [p, portal] = await Promise.all([
      getPartner(this.db, partnerId),
      store.getPortal(this.db, partnerId),
    ]);
    const color = (c: string | null | undefined) => (c && COLOR.test(c) ? c : undefined);
    return {
      displayName: portal?.display_name ?? p?.display_name ?? partnerId,
      primaryColor: color(portal?.primary_color),
      accentColor: color(portal?.accent_color),
      logoPath: portal?.logo_sha256 ? logoPath(portal.logo_sha256) : undefined,
      hideVeqtrxBranding: portal?.hide_veqtrx_branding ?? false,
    };
  }

  /**
   * Ends a session with its assessment (the partner's): the session `completed` — its token opens nothing
   * from now on — and the `portal.assessment_completed` webhook queued in the same transaction, through
   * the same durable, signed delivery as `assessment.completed` (src/webhooks/service.ts). Returns where to
   * send the customer: the link's redirect_url, or the thanks page. A session already completed with this
   * assessment answers the same again (a retried completion); anything else is not found.
   */
  async complete(sessionId: string, assessmentId: string): Promise<{ redirect: string }> {
    const now = this.clock();
    const ended = await this.db.tx(async (q) => {
      const s = SESSION_ID.test(sessionId) ? await store.getSession(q, sessionId) : undefined;
      if (!s) return undefined;
      if (s.status === 'completed') return s.assessment_id === assessmentId ? s : undefined;
      const { rows } = await q.query<{ partner_id: string }>(
        'select partner_id from assessments where id = $1',
        [assessmentId],
      );
      if (rows[0]?.partner_id !== s.partner_id) return undefined;
      const done = await store.completeSession(q, sessionId, assessmentId, now);
      if (!done) return undefined;
      const partner = await getPartner(q, s.partner_id);
      if (partner?.webhook_url)
        await this.webhooks.create(q, {
          partnerId: s.partner_id,
          assessmentId,
          event: WEBHOOK_EVENT_PORTAL,
          url: partner.webhook_url,
          // The seed's payload, field for field, in its order.
          payload: JSON.stringify({
            event: WEBHOOK_EVENT_PORTAL,
            partner_id: s.partner_id,
            session_id: s.session_id,
            customer_ref: s.customer_ref,
            assessment_id: assessmentId,
            completed_at: now.toISOString(),
          }),
        });
      return done;
    });
    if (!ended) throw notFound(`no open portal session "${sessionId}" for that assessment`);
    return { redirect: ended.redirect_url ?? `/p/${ended.partner_id}/thanks` };
  }
}

export const logoPath = (sha: string) => `/assets/logo/${sha}`;
const sha256Bytes = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
