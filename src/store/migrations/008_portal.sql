-- Architecture B, the hosted customer portal: a partner's portal settings (branding, redirect allow-list)
-- and the link sessions minted for its customers.
create table partner_portals (
  partner_id text primary key references partners (id),
  portal_enabled boolean not null default false,
  -- Validated #rgb / #rrggbb only: they are written into the page's CSS.
  primary_color text check (primary_color ~ '^#([0-9a-f]{3}|[0-9a-f]{6})$'),
  accent_color text check (accent_color ~ '^#([0-9a-f]{3}|[0-9a-f]{6})$'),
  display_name text,
  hide_veqtrx_branding boolean not null default false,
  allowed_redirect_domains text[] not null default '{}',
  -- The logo, fetched once from logo_url when it was set (never hot-linked): its bytes, checked type and hash.
  logo_url text,
  logo_content_type text,
  logo_sha256 text,
  logo_bytes bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index partner_portals_logo on partner_portals (logo_sha256) where logo_sha256 is not null;

-- A portal link: the token is stored only as a keyed hash (HMAC-SHA256, src/services/portal.ts says why),
-- the prefilled name and email sealed (AES-256-GCM, lib/secrets.ts), as other customer data at rest.
create table portal_sessions (
  session_id uuid primary key,
  partner_id text not null references partners (id),
  customer_ref text not null,
  prefilled_name_sealed text,
  prefilled_email_sealed text,
  redirect_url text,
  token_hash text not null unique,
  -- The browser the link was last opened in: a keyed hash of the secret in its cookie.
  browser_hash text,
  expires_at timestamptz not null,
  status text not null default 'created' check (status in ('created', 'started', 'completed', 'expired', 'revoked')),
  consented_at timestamptz,
  -- What the customer confirmed at sign-up (sealed like the prefilled values).
  name_sealed text,
  email_sealed text,
  signed_up_at timestamptz,
  assessment_id text references assessments (id),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz not null default now()
);
create index portal_sessions_partner_created on portal_sessions (partner_id, created_at desc);
