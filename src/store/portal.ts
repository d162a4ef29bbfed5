/** The portal's rows: a partner's portal settings (partner_portals) and its link sessions (portal_sessions). */
import type { ImageType } from '../lib/safe-fetch.ts';
import type { Queryable } from './db.ts';

export interface PortalRow {
  partner_id: string;
  portal_enabled: boolean;
  primary_color: string | null;
  accent_color: string | null;
  display_name: string | null;
  hide_veqtrx_branding: boolean;
  allowed_redirect_domains: string[];
  logo_url: string | null;
  logo_content_type: ImageType | null;
  logo_sha256: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns a settings change writes (the logo's bytes with its type and hash, or all null). */
export type PortalWrite = Omit<PortalRow, 'partner_id' | 'created_at' | 'updated_at'> & {
  /** Undefined: keep the stored bytes (the logo did not change). */
  logo_bytes: Uint8Array | null | undefined;
};

const COLUMNS =
  'partner_id, portal_enabled, primary_color, accent_color, display_name, hide_veqtrx_branding, allowed_redirect_domains, logo_url, logo_content_type, logo_sha256, created_at, updated_at';

export async function getPortal(q: Queryable, partnerId: string): Promise<PortalRow | undefined> {
  const { rows } = await q.query<PortalRow>(`select ${COLUMNS} from partner_portals where partner_id = $1`, [
    partnerId,
  ]);
  return rows[0];
}

export async function upsertPortal(q: Queryable, partnerId: string, w: PortalWrite): Promise<PortalRow> {
  const keepBytes = w.logo_bytes === undefined;
  const { rows } = await q.query<PortalRow>(
    `insert into partner_portals (partner_id, portal_enabled, primary_color, accent_color, display_name,
       hide_veqtrx_branding, allowed_redirect_domains, logo_url, logo_content_type, logo_sha256, logo_bytes)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (partner_id) do update set portal_enabled = excluded.portal_enabled,
       primary_color = excluded.primary_color, accent_color = excluded.accent_color,
       display_name = excluded.display_name, hide_veqtrx_branding = excluded.hide_veqtrx_branding,
       allowed_redirect_domains = excluded.allowed_redirect_domains, logo_url = excluded.logo_url,
       logo_content_type = excluded.logo_content_type, logo_sha256 = excluded.logo_sha256,
       logo_bytes = case when $12 then partner_portals.logo_bytes else excluded.logo_bytes end,
       updated_at = now()
     returning ${COLUMNS}`,
    [
      partnerId,
      w.portal_enabled,
      w.primary_color,
      w.accent_color,
      w.display_name,
      w.hide_veqtrx_branding,
      w.allowed_redirect_domains,
      w.logo_url,
      w.logo_content_type,
      w.logo_sha256,
      w.logo_bytes ?? null,
      keepBytes,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('upsert of partner_portals returned no row');
  return row;
}

/** A stored logo by its SHA-256 (the path it is served at). */
export async function logoBySha(
  q: Queryable,
  sha256: string,
): Promise<{ content_type: string; bytes: Uint8Array } | undefined> {
  const { rows } = await q.query<{ logo_content_type: string; logo_bytes: Uint8Array }>(
    'select logo_content_type, logo_bytes from partner_portals where logo_sha256 = $1 and logo_bytes is not null limit 1',
    [sha256],
  );
  const r = rows[0];
  return r ? { content_type: r.logo_content_type, bytes: r.logo_bytes } : undefined;
}

export type SessionStatus = 'created' | 'started' | 'completed' | 'expired' | 'revoked';

export interface SessionRow {
  session_id: string;
  partner_id: string;
  customer_ref: string;
  prefilled_name_sealed: string | null;
  prefilled_email_sealed: string | null;
  redirect_url: string | null;
  token_hash: string;
  browser_hash: string | null;
  expires_at: Date;
  status: SessionStatus;
  consented_at: Date | null;
  name_sealed: string | null;
  email_sealed: string | null;
  signed_up_at: Date | null;
  assessment_id: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  updated_at: Date;
}

export async function insertSession(
  q: Queryable,
  s: Pick<
    SessionRow,
    | 'session_id'
    | 'partner_id'
    | 'customer_ref'
    | 'prefilled_name_sealed'
    | 'prefilled_email_sealed'
    | 'redirect_url'
    | 'token_hash'
    | 'expires_at'
    | 'created_at'
  >,
): Promise<SessionRow> {
  const { rows } = await q.query<SessionRow>(
    `insert into portal_sessions (session_id, partner_id, customer_ref, prefilled_name_sealed,
       prefilled_email_sealed, redirect_url, token_hash, expires_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning *`,
    [
      s.session_id,
      s.partner_id,
      s.customer_ref,
      s.prefilled_name_sealed,
      s.prefilled_email_sealed,
      s.redirect_url,
      s.token_hash,
      s.expires_at,
      s.created_at,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('insert into portal_sessions returned no row');
  return row;
}

export async function sessionByTokenHash(q: Queryable, tokenHash: string): Promise<SessionRow | undefined> {
  return (await q.query<SessionRow>('select * from portal_sessions where token_hash = $1', [tokenHash]))
    .rows[0];
}

export async function getSession(q: Queryable, sessionId: string): Promise<SessionRow | undefined> {
  return (await q.query<SessionRow>('select * from portal_sessions where session_id = $1', [sessionId]))
    .rows[0];
}

/** A link opened: the session is started (if not already) and bound to this browser's cookie. */
export async function bindBrowser(
  q: Queryable,
  sessionId: string,
  browserHash: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `update portal_sessions set browser_hash = $2, status = 'started', started_at = coalesce(started_at, $3),
       updated_at = $3 where session_id = $1 and status in ('created', 'started') and expires_at > $3`,
    [sessionId, browserHash, now],
  );
  return rowCount > 0;
}

export async function recordConsent(q: Queryable, sessionId: string, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    `update portal_sessions set consented_at = coalesce(consented_at, $2), updated_at = $2
     where session_id = $1 and status = 'started'`,
    [sessionId, now],
  );
  return rowCount > 0;
}

export async function recordSignUp(
  q: Queryable,
  sessionId: string,
  nameSealed: string,
  emailSealed: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `update portal_sessions set name_sealed = $2, email_sealed = $3, signed_up_at = $4, updated_at = $4
     where session_id = $1 and status = 'started' and consented_at is not null`,
    [sessionId, nameSealed, emailSealed, now],
  );
  return rowCount > 0;
}

/** Completes a started session with its assessment; undefined when it was not open (completed, expired …). */
export async function completeSession(
  q: Queryable,
  sessionId: string,
  assessmentId: string,
  now: Date,
): Promise<SessionRow | undefined> {
  const { rows } = await q.query<SessionRow>(
    `update portal_sessions set status = 'completed', assessment_id = $2, completed_at = $3, updated_at = $3
     where session_id = $1 and status in ('created', 'started') and expires_at > $3 returning *`,
    [sessionId, assessmentId, now],
  );
  return rows[0];
}

export async function listSessions(
  q: Queryable,
  partnerId: string,
  limit: number,
  before: Date | undefined,
): Promise<SessionRow[]> {
  const { rows } = await q.query<SessionRow>(
    `select * from portal_sessions where partner_id = $1 and ($3::timestamptz is null or created_at < $3)
     order by created_at desc, session_id desc limit $2`,
    [partnerId, limit, before ?? null],
  );
  return rows;
}

/** Revokes an open link of this partner; the row as it now is, or undefined when not found. */
export async function revokeSession(
  q: Queryable,
  partnerId: string,
  sessionId: string,
  now: Date,
): Promise<SessionRow | undefined> {
  await q.query(
    `update portal_sessions set status = 'revoked', browser_hash = null, updated_at = $3
     where session_id = $1 and partner_id = $2 and status in ('created', 'started')`,
    [sessionId, partnerId, now],
  );
  return (
    await q.query<SessionRow>('select * from portal_sessions where session_id = $1 and partner_id = $2', [
      sessionId,
      partnerId,
    ])
  ).rows[0];
}
