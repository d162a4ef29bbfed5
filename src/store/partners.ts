import { first } from '../lib/narrow.ts';
import type { Queryable } from './db.ts';

export const TIERS = ['pilot', 'standard', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export interface PartnerRow {
  id: string;
  display_name: string;
  tier: Tier;
  monthly_quota: number;
  webhook_url: string | null;
  webhook_secret_enc: string;
  /** The secret before the last rotation, still signing (beside the current one) until it expires. */
  webhook_secret_prev_enc: string | null;
  webhook_secret_prev_expires_at: Date | null;
  is_test_mode: boolean;
  production_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** The admin API's stress parameters as stored (jsonb; validated when written), or null for the defaults. */
  stress_parameters: unknown;
  /** The admin API's spending guidelines as stored (jsonb), or null for none. */
  spending_guidelines: unknown;
}

export interface ApiKeyRow {
  id: string;
  partner_id: string;
  display_prefix: string;
  key_hash: string;
  created_at: Date;
  disabled_at: Date | null;
  last_used_at: Date | null;
}

/** The new partner's row, or undefined when a partner with that id already exists (nothing is written). */
export async function insertPartner(
  q: Queryable,
  p: Omit<
    PartnerRow,
    | 'created_at'
    | 'updated_at'
    | 'production_at'
    | 'is_test_mode'
    | 'webhook_secret_prev_enc'
    | 'webhook_secret_prev_expires_at'
    | 'stress_parameters'
    | 'spending_guidelines'
  >,
): Promise<PartnerRow | undefined> {
  const { rows } = await q.query<PartnerRow>(
    `insert into partners (id, display_name, tier, monthly_quota, webhook_url, webhook_secret_enc)
     values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing returning *`,
    [p.id, p.display_name, p.tier, p.monthly_quota, p.webhook_url, p.webhook_secret_enc],
  );
  return rows[0];
}

export async function getPartner(q: Queryable, id: string): Promise<PartnerRow | undefined> {
  return (await q.query<PartnerRow>('select * from partners where id = $1', [id])).rows[0];
}

export async function listPartners(q: Queryable): Promise<PartnerRow[]> {
  return (await q.query<PartnerRow>('select * from partners order by id')).rows;
}

export async function updatePartner(
  q: Queryable,
  id: string,
  patch: Partial<
    Pick<PartnerRow, 'display_name' | 'tier' | 'monthly_quota' | 'webhook_url' | 'webhook_secret_enc'>
  >,
): Promise<PartnerRow | undefined> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    values.push(v);
    sets.push(`${k} = $${values.length}`);
  }
  if (sets.length === 0) return getPartner(q, id);
  const { rows } = await q.query<PartnerRow>(
    `update partners set ${sets.join(', ')}, updated_at = now() where id = $1 returning *`,
    values,
  );
  return rows[0];
}

/**
 * Rotates the webhook secret in one statement: the current one becomes the previous one, signing until
 * `previousExpiresAt` (or not at all when that is not in the future).
 */
export async function rotateWebhookSecret(
  q: Queryable,
  id: string,
  newSecretEnc: string,
  previousExpiresAt: Date,
): Promise<PartnerRow | undefined> {
  const { rows } = await q.query<PartnerRow>(
    `update partners set webhook_secret_prev_enc = webhook_secret_enc, webhook_secret_prev_expires_at = $3,
       webhook_secret_enc = $2, updated_at = now() where id = $1 returning *`,
    [id, newSecretEnc, previousExpiresAt],
  );
  return rows[0];
}

/**
 * Sets a partner's assessment settings: a field left undefined is kept, null clears it. Returns the row, or
 * undefined when there is no such partner.
 */
export async function setAssessmentSettings(
  q: Queryable,
  id: string,
  patch: { stress_parameters?: object | null; spending_guidelines?: object | null },
): Promise<PartnerRow | undefined> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    values.push(v === null ? null : JSON.stringify(v));
    sets.push(`${k} = $${values.length}::jsonb`);
  }
  if (sets.length === 0) return getPartner(q, id);
  const { rows } = await q.query<PartnerRow>(
    `update partners set ${sets.join(', ')}, updated_at = now() where id = $1 returning *`,
    values,
  );
  return rows[0];
}

export async function signOffProduction(q: Queryable, id: string): Promise<PartnerRow | undefined> {
  const { rows } = await q.query<PartnerRow>(
    `update partners set is_test_mode = false, production_at = coalesce(production_at, now()), updated_at = now() where id = $1 returning *`,
    [id],
  );
  return rows[0];
}

export async function insertKey(
  q: Queryable,
  k: Pick<ApiKeyRow, 'id' | 'partner_id' | 'display_prefix' | 'key_hash'>,
): Promise<ApiKeyRow> {
  const { rows } = await q.query<ApiKeyRow>(
    'insert into api_keys (id, partner_id, display_prefix, key_hash) values ($1, $2, $3, $4) returning *',
    [k.id, k.partner_id, k.display_prefix, k.key_hash],
  );
  return first(rows); // an insert with no conflict clause returns its row or throws
}

export async function activeKeys(q: Queryable, partnerId: string): Promise<ApiKeyRow[]> {
  return (
    await q.query<ApiKeyRow>(
      'select * from api_keys where partner_id = $1 and disabled_at is null order by created_at desc',
      [partnerId],
    )
  ).rows;
}

export async function listKeys(q: Queryable, partnerId: string): Promise<ApiKeyRow[]> {
  return (
    await q.query<ApiKeyRow>('select * from api_keys where partner_id = $1 order by created_at', [partnerId])
  ).rows;
}

export async function disableKey(
  q: Queryable,
  partnerId: string,
  keyId: string,
): Promise<ApiKeyRow | undefined> {
  const { rows } = await q.query<ApiKeyRow>(
    'update api_keys set disabled_at = coalesce(disabled_at, now()) where id = $1 and partner_id = $2 returning *',
    [keyId, partnerId],
  );
  return rows[0];
}

export async function touchKey(q: Queryable, keyId: string): Promise<void> {
  await q.query('update api_keys set last_used_at = now() where id = $1', [keyId]);
}
