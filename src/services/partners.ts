/** Provisioning and managing partners: creation (first key and webhook secret, shown once), keys, tiers, sign-off. */
import { conflict, notFound } from '../lib/errors.ts';
import type { SecretBox } from '../lib/secrets.ts';
import { present } from '../lib/narrow.ts';
import type { Db } from '../store/db.ts';
import * as store from '../store/partners.ts';
import type { PartnerRow, Tier } from '../store/partners.ts';
import { resetAt, usageByPartner, usedThisMonth } from '../store/usage.ts';
import { newWebhookSecret } from '../webhooks/sign.ts';
import type { components } from '../contract/generated/admin-v1.ts';
import { issueKey, type IssuedKey, type KeyVerifier } from './keys.ts';
import type { EngineSettings } from '../engine/types.ts';
import {
  engineSettingsOf,
  settingsView,
  type AssessmentSettingsView,
  type GuidelinesInput,
  type StressInput,
} from '../contract/assessment-settings.ts';

export const TIER_QUOTAS: Record<Exclude<Tier, 'enterprise'>, number> = { pilot: 1_000, standard: 10_000 };

/** An authenticated partner, as the routes see it. */
export type Partner = PartnerRow;

export { TIERS } from '../store/partners.ts';

/** A partner as the admin API shows it (the generated contract type). */
export type PartnerView = components['schemas']['Partner'];

export function view(p: PartnerRow, usage?: number): PartnerView {
  const v: PartnerView = {
    partner_id: p.id,
    display_name: p.display_name,
    tier: p.tier,
    monthly_quota: p.monthly_quota,
    webhook_url: p.webhook_url,
    is_test_mode: p.is_test_mode,
    production_at: p.production_at ? p.production_at.toISOString() : null,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
  if (usage !== undefined) v.current_usage = usage;
  return v;
}

export interface CreatePartner {
  partner_id: string;
  display_name?: string | undefined;
  tier: Tier;
  monthly_quota?: number | undefined;
  webhook_url?: string | undefined;
}

/**
 * The settings a partner's assessment runs with (its stress parameters, its spending guidelines), read
 * when a job assesses (a document job, a third-party analysis): the partner's settings at that moment.
 */
export async function engineSettingsFor(db: Db, partnerId: string): Promise<EngineSettings> {
  const row = await store.getPartner(db, partnerId);
  return row ? engineSettingsOf(row) : {};
}

/** How long a partner row is reused by the request path; quota is always enforced from the table itself. */
export const PARTNER_CACHE_MS = 2_000;

export class PartnerService {
  private readonly cache = new Map<string, { row: PartnerRow; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly keys: KeyVerifier,
    private readonly enterpriseDefaultQuota: number,
    private readonly clock: () => Date = () => new Date(),
    /** How long the previous webhook secret keeps signing after a rotation (WEBHOOK_SECRET_OVERLAP_HOURS). */
    private readonly webhookSecretOverlapHours = 24,
  ) {}

  private quotaFor(tier: Tier, explicit?: number): number {
    if (explicit !== undefined) return explicit;
    return tier === 'enterprise' ? this.enterpriseDefaultQuota : TIER_QUOTAS[tier];
  }

  private seal(partnerId: string, secret: string): string {
    return this.box.seal(secret, `webhook:${partnerId}`);
  }

  /** The partner API's GET /usage: this month's charged assessments against the quota. */
  async usage(p: PartnerRow, now: Date) {
    const used = await usedThisMonth(this.db, p.id, now);
    return {
      partner_id: p.id,
      tier: p.tier,
      monthly_quota: p.monthly_quota,
      current_usage: used,
      remaining: Math.max(0, p.monthly_quota - used),
      reset_date: '1st of next month',
      reset_at: resetAt(now).toISOString(),
      is_test_mode: p.is_test_mode,
    };
  }

  async create(c: CreatePartner): Promise<PartnerView & IssuedKey & { webhook_secret: string }> {
    const secret = newWebhookSecret();
    return this.db.tx(async (q) => {
      const row = await store.insertPartner(q, {
        id: c.partner_id,
        display_name: c.display_name ?? c.partner_id,
        tier: c.tier,
        monthly_quota: this.quotaFor(c.tier, c.monthly_quota),
        webhook_url: c.webhook_url ?? null,
        webhook_secret_enc: this.seal(c.partner_id, secret),
      });
      if (!row) throw conflict(`partner "${c.partner_id}" already exists`, 'partner_exists');
      const key = await issueKey(q, row.id);
      // A partner removed behind this process's back and created again must not be served from the cache.
      this.cache.delete(row.id);
      return { ...view(row, 0), ...key, webhook_secret: secret };
    });
  }

  /**
   * The partner for a request, reused for up to PARTNER_CACHE_MS (this replica forgets it at once on
   * any change it makes; other replicas within that time). Undefined when it does not exist.
   */
  async forRequest(id: string): Promise<PartnerRow | undefined> {
    const t = this.clock().getTime();
    const hit = this.cache.get(id);
    // By the injected clock; a clock that has gone back (a test's) does not stretch the time.
    if (hit && hit.until > t && hit.until - t <= PARTNER_CACHE_MS) return hit.row;
    const row = await store.getPartner(this.db, id);
    if (row) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(id, { row, until: t + PARTNER_CACHE_MS });
    }
    return row;
  }

  async get(id: string): Promise<PartnerRow> {
    const p = await store.getPartner(this.db, id);
    if (!p) throw notFound(`partner "${id}" not found`);
    return p;
  }

  async describe(id: string): Promise<
    PartnerView & {
      keys: Array<{
        key_id: string;
        prefix: string;
        created_at: string;
        disabled_at: string | null;
        last_used_at: string | null;
      }>;
    }
  > {
    const p = await this.get(id);
    const keys = await store.listKeys(this.db, id);
    return {
      ...view(p, await usedThisMonth(this.db, id, this.clock())),
      keys: keys.map((k) => ({
        key_id: k.id,
        prefix: k.display_prefix,
        created_at: k.created_at.toISOString(),
        disabled_at: k.disabled_at?.toISOString() ?? null,
        last_used_at: k.last_used_at?.toISOString() ?? null,
      })),
    };
  }

  async list(): Promise<PartnerView[]> {
    const usage = await usageByPartner(this.db, this.clock());
    return (await store.listPartners(this.db)).map((p) => view(p, usage.get(p.id) ?? 0));
  }

  async update(
    id: string,
    patch: {
      display_name?: string | undefined;
      tier?: Tier | undefined;
      monthly_quota?: number | undefined;
      webhook_url?: string | null | undefined;
    },
  ): Promise<PartnerView> {
    const current = await this.get(id);
    const tier = patch.tier ?? current.tier;
    // A tier change without an explicit quota takes the new tier's quota.
    const quota =
      patch.monthly_quota ?? (patch.tier && patch.tier !== current.tier ? this.quotaFor(tier) : undefined);
    const row = await store.updatePartner(this.db, id, {
      display_name: patch.display_name,
      tier: patch.tier,
      monthly_quota: quota,
      webhook_url: patch.webhook_url,
    });
    this.cache.delete(id);
    if (!row) throw notFound(`partner "${id}" not found`);
    return view(row, await usedThisMonth(this.db, id, this.clock()));
  }

  async newKey(id: string): Promise<IssuedKey> {
    await this.get(id);
    return issueKey(this.db, id);
  }

  async disableKey(id: string, keyIdToDisable: string): Promise<{ key_id: string; disabled_at: string }> {
    const k = await store.disableKey(this.db, id, keyIdToDisable);
    if (!k) throw notFound(`key "${keyIdToDisable}" not found for partner "${id}"`);
    this.keys.evictKey(k.id);
    // The statement sets disabled_at when it was null.
    return { key_id: k.id, disabled_at: present(k.disabled_at, 'disabled_at').toISOString() };
  }

  /**
   * A new webhook secret. The one it replaces keeps signing beside it (a second signature) for
   * `previousHours` (default WEBHOOK_SECRET_OVERLAP_HOURS; 0 stops it at once, for a leaked secret), so
   * receivers can switch without losing a delivery. A rotation within the window of the one before
   * drops the oldest secret: only the current and the one before it ever sign.
   */
  async rotateWebhookSecret(
    id: string,
    previousHours = this.webhookSecretOverlapHours,
  ): Promise<{ webhook_secret: string; previous_secret_expires_at: string | null }> {
    await this.get(id);
    const secret = newWebhookSecret();
    const expires = new Date(this.clock().getTime() + previousHours * 3_600_000);
    const row = await store.rotateWebhookSecret(this.db, id, this.seal(id, secret), expires);
    this.cache.delete(id);
    if (!row) throw notFound(`partner "${id}" not found`);
    return {
      webhook_secret: secret,
      previous_secret_expires_at: previousHours > 0 ? expires.toISOString() : null,
    };
  }

  /** A partner's assessment settings: the stress parameters in effect and the spending guidelines. */
  async assessmentSettings(id: string): Promise<AssessmentSettingsView> {
    return settingsView(await this.get(id));
  }

  /** Sets them (a field left out is kept; null clears it); effective for the partner's next assessment. */
  async setAssessmentSettings(
    id: string,
    patch: {
      stress?: StressInput | null | undefined;
      spending_guidelines?: GuidelinesInput | null | undefined;
    },
  ): Promise<AssessmentSettingsView> {
    const row = await store.setAssessmentSettings(this.db, id, {
      ...(patch.stress !== undefined ? { stress_parameters: patch.stress } : {}),
      ...(patch.spending_guidelines !== undefined ? { spending_guidelines: patch.spending_guidelines } : {}),
    });
    this.cache.delete(id);
    if (!row) throw notFound(`partner "${id}" not found`);
    return settingsView(row);
  }

  async signOff(id: string): Promise<PartnerView> {
    const row = await store.signOffProduction(this.db, id);
    this.cache.delete(id);
    if (!row) throw notFound(`partner "${id}" not found`);
    return view(row);
  }
}
