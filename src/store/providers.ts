/** Provider credentials (sealed), one row per partner and provider. */
import { first } from '../lib/narrow.ts';
import type { Queryable } from './db.ts';

export interface ProviderCredentialRow {
  partner_id: string;
  provider: string;
  environment: 'sandbox' | 'production' | 'custom';
  base_url: string;
  secret_enc: string;
  client_id_hint: string;
  created_at: Date;
  updated_at: Date;
}

export async function upsertCredential(
  q: Queryable,
  r: Omit<ProviderCredentialRow, 'created_at' | 'updated_at'>,
): Promise<ProviderCredentialRow> {
  const { rows } = await q.query<ProviderCredentialRow>(
    `insert into provider_credentials (partner_id, provider, environment, base_url, secret_enc, client_id_hint)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (partner_id, provider) do update
       set environment = excluded.environment, base_url = excluded.base_url, secret_enc = excluded.secret_enc,
           client_id_hint = excluded.client_id_hint, updated_at = now()
     returning *`,
    [r.partner_id, r.provider, r.environment, r.base_url, r.secret_enc, r.client_id_hint],
  );
  return first(rows); // an upsert returns its row or throws
}

export async function getCredential(
  q: Queryable,
  partnerId: string,
  provider: string,
): Promise<ProviderCredentialRow | undefined> {
  const { rows } = await q.query<ProviderCredentialRow>(
    'select * from provider_credentials where partner_id = $1 and provider = $2',
    [partnerId, provider],
  );
  return rows[0];
}

export async function listCredentials(q: Queryable, partnerId: string): Promise<ProviderCredentialRow[]> {
  const { rows } = await q.query<ProviderCredentialRow>(
    'select * from provider_credentials where partner_id = $1 order by provider',
    [partnerId],
  );
  return rows;
}

export async function deleteCredential(q: Queryable, partnerId: string, provider: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'delete from provider_credentials where partner_id = $1 and provider = $2',
    [partnerId, provider],
  );
  return rowCount > 0;
}
