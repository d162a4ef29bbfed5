-- Partners, their API keys and monthly usage.
create table partners (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'),
  display_name text not null,
  tier text not null check (tier in ('pilot', 'standard', 'enterprise')),
  monthly_quota integer not null check (monthly_quota >= 0),
  webhook_url text,
  webhook_secret_enc text not null,
  is_test_mode boolean not null default true,
  production_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table api_keys (
  id text primary key,
  partner_id text not null references partners (id),
  display_prefix text not null,
  key_hash text not null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz,
  last_used_at timestamptz
);
create index api_keys_partner on api_keys (partner_id) where disabled_at is null;

create table usage_counters (
  partner_id text not null references partners (id),
  period text not null check (period ~ '^\d{4}-\d{2}$'),
  used integer not null default 0 check (used >= 0),
  primary key (partner_id, period)
);

-- Assessments: the response exactly as returned (json, not jsonb: key order is kept) and the engine's
-- evidence for audit, gzip-compressed (it holds a ledger row per transaction) and base64-encoded: the
-- embedded database binds a 13 KB text parameter in under 1 ms, the same bytes as bytea in over 3 ms.
create table assessments (
  id text primary key,
  partner_id text not null references partners (id),
  customer_ref text not null,
  partner_ref text,
  source text not null,
  is_test boolean not null,
  response json not null,
  evidence_gz text not null,
  created_at timestamptz not null
);
create index assessments_partner_created on assessments (partner_id, created_at desc);

-- Idempotency-Key: the first response for (partner, key), for 24 hours.
create table idempotency_keys (
  partner_id text not null references partners (id),
  key text not null,
  request_hash text not null,
  state text not null check (state in ('in_progress', 'completed')),
  status_code integer,
  response json,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (partner_id, key)
);

-- Webhook deliveries (the exact body, sent byte for byte on every attempt) and every attempt.
create table webhook_deliveries (
  id text primary key,
  partner_id text not null references partners (id),
  assessment_id text references assessments (id),
  event text not null,
  url text not null,
  payload text not null,
  state text not null check (state in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index webhook_deliveries_partner_created on webhook_deliveries (partner_id, created_at desc);

create table webhook_attempts (
  delivery_id text not null references webhook_deliveries (id),
  attempt integer not null,
  started_at timestamptz not null,
  duration_ms integer not null,
  status_code integer,
  error text,
  primary key (delivery_id, attempt)
);
