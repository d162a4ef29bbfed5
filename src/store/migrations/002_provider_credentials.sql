-- Provider credentials a partner stores with us (ValidiFI client id and secret, …), sealed with
-- AES-256-GCM (lib/secrets.ts; the partner and provider are the additional data). Never returned.
create table provider_credentials (
  partner_id text not null references partners (id) on delete cascade,
  provider text not null check (provider in ('validifi')),
  environment text not null check (environment in ('sandbox', 'production', 'custom')),
  base_url text not null,
  secret_enc text not null,
  -- The first characters of the client id, so an administrator can tell which credential is stored.
  client_id_hint text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partner_id, provider)
);
