/**
 * Provider credentials a partner stores with us (today: ValidiFI client credentials and environment).
 * Sealed with AES-256-GCM at rest (the partner and provider bound in as additional data, so a sealed
 * value cannot be moved to another partner), never returned by the API, never logged. Only the first
 * characters of the client id are shown back, so an administrator can tell which one is stored.
 */
import { isRecord, present } from '../lib/narrow.ts';
import { z } from 'zod';
import { PROVIDERS } from '../../adapters/registry.ts';
import { providerBaseUrl } from '../../adapters/provider-common.ts';
import { VALIDIFI_ENVIRONMENTS } from '../../adapters/validifi/index.ts';
import { badRequest, notFound } from '../lib/errors.ts';
import { parseOr400 } from '../contract/validate.ts';
import type { SecretBox } from '../lib/secrets.ts';
import type { Db } from '../store/db.ts';
import { getPartner } from '../store/partners.ts';
import * as store from '../store/providers.ts';

export { PROVIDERS };
export type Provider = (typeof PROVIDERS)[number];

export const SetValidifiCredentialsSchema = z
  .object({
    client_id: z.string().trim().min(1).max(500),
    client_secret: z.string().min(1).max(2000),
    environment: z.enum(['sandbox', 'production', 'custom']),
    base_url: providerBaseUrl.optional(),
    /** The CONNECT client id and secret (Ribbit's are not the API's), for the portal's CONNECT sessions. */
    connect_client_id: z.string().trim().min(1).max(500).optional(),
    connect_client_secret: z.string().min(1).max(2000).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.environment === 'custom' && !b.base_url)
      ctx.addIssue({ code: 'custom', path: ['base_url'], message: 'is required when environment is custom' });
    if (b.environment !== 'custom' && b.base_url)
      ctx.addIssue({
        code: 'custom',
        path: ['base_url'],
        message: 'is only for environment custom (sandbox and production have fixed URLs)',
      });
    if ((b.connect_client_id === undefined) !== (b.connect_client_secret === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [b.connect_client_id === undefined ? 'connect_client_id' : 'connect_client_secret'],
        message:
          'is required with the other CONNECT credential (connect_client_id and connect_client_secret go together)',
      });
  });

export type SetValidifiCredentials = z.output<typeof SetValidifiCredentialsSchema>;

export interface CredentialView {
  provider: string;
  environment: string;
  base_url: string;
  client_id_hint: string;
  created_at: string;
  updated_at: string;
}

const view = (r: store.ProviderCredentialRow): CredentialView => ({
  provider: r.provider,
  environment: r.environment,
  base_url: r.base_url,
  client_id_hint: r.client_id_hint,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

const aad = (partnerId: string, provider: string) => `provider:${partnerId}:${provider}`;

/** What `set` seals for ValidiFI: the client's id and secret, and the CONNECT client's when given. */
const StoredSecret = z.object({
  client_id: z.string(),
  client_secret: z.string(),
  connect_client_id: z.string().optional(),
  connect_client_secret: z.string().optional(),
});

/** The credentials an analysis provider takes (its adapter's schema), and whose they are. */
export interface CredentialSchemaOf {
  id: string;
  credentials: z.ZodType;
}

/** The first characters of an identifier, so an administrator can tell which credential is stored. */
const hintOf = (id: string) => (id.length > 8 ? `${id.slice(0, 4)}…` : '…');

export class ProviderCredentials {
  private readonly analyses: ReadonlyMap<string, z.ZodType>;

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    /** The analysis providers whose credentials are stored under their own id (not ValidiFI's). */
    analyses: readonly CredentialSchemaOf[] = [],
  ) {
    this.analyses = new Map(analyses.map((a) => [a.id, a.credentials]));
  }

  private async partner(id: string): Promise<void> {
    if (!(await getPartner(this.db, id))) throw notFound(`partner "${id}" not found`);
  }

  private static provider(p: string): Provider {
    const provider = PROVIDERS.find((known) => known === p);
    if (provider === undefined)
      throw badRequest(`Unknown provider "${p.slice(0, 40)}": one of ${PROVIDERS.join(', ')}`);
    return provider;
  }

  /**
   * Validates and stores a `PUT …/providers/{provider}` body (400 naming each path when it is not right):
   * ValidiFI's client credentials and environment, or an analysis provider's own credentials (its
   * adapter's schema), whose `base_url` must be a provider base URL (adapters/provider-common.ts: https,
   * http only on loopback for a simulator) whatever that schema says.
   */
  async set(partnerId: string, providerName: string, body: unknown): Promise<CredentialView> {
    const provider = ProviderCredentials.provider(providerName);
    if (provider === 'validifi')
      return this.setValidifi(partnerId, parseOr400(SetValidifiCredentialsSchema, body));
    const schema = this.analyses.get(provider);
    if (!schema) throw badRequest(`Provider "${provider}" takes no stored credentials`);
    const input = parseOr400(schema, body);
    if (!isRecord(input)) throw new Error(`the ${provider} credentials schema parses to a non-object`);
    const { base_url } = parseOr400(z.object({ base_url: providerBaseUrl }), { base_url: input.base_url });
    await this.partner(partnerId);
    const id = [input.client_id, input.api_key, input.username].find((v) => typeof v === 'string');
    return view(
      await store.upsertCredential(this.db, {
        partner_id: partnerId,
        provider,
        environment: 'custom',
        base_url,
        secret_enc: this.box.seal(JSON.stringify(input), aad(partnerId, provider)),
        client_id_hint: typeof id === 'string' ? hintOf(id) : '…',
      }),
    );
  }

  private async setValidifi(partnerId: string, input: SetValidifiCredentials): Promise<CredentialView> {
    const provider = 'validifi';
    await this.partner(partnerId);
    const base =
      input.environment === 'custom'
        ? present(input.base_url, 'base_url') // the schema requires it for custom
        : VALIDIFI_ENVIRONMENTS[input.environment];
    const sealed = this.box.seal(
      JSON.stringify({
        client_id: input.client_id,
        client_secret: input.client_secret,
        ...(input.connect_client_id !== undefined
          ? { connect_client_id: input.connect_client_id, connect_client_secret: input.connect_client_secret }
          : {}),
      }),
      aad(partnerId, provider),
    );
    return view(
      await store.upsertCredential(this.db, {
        partner_id: partnerId,
        provider,
        environment: input.environment,
        base_url: base,
        secret_enc: sealed,
        client_id_hint: hintOf(input.client_id),
      }),
    );
  }

  async list(partnerId: string): Promise<CredentialView[]> {
    await this.partner(partnerId);
    return (await store.listCredentials(this.db, partnerId)).map(view);
  }

  async remove(partnerId: string, providerName: string): Promise<void> {
    const provider = ProviderCredentials.provider(providerName);
    await this.partner(partnerId);
    if (!(await store.deleteCredential(this.db, partnerId, provider)))
      throw notFound(`partner "${partnerId}" has no ${provider} credentials`);
  }

  /**
   * Decrypted credentials for a provider, or undefined when none are stored: ValidiFI's client id, secret
   * and base URL (and CONNECT client id and secret when stored); another provider's object as its schema
   * parsed it.
   */
  async credentials(partnerId: string, provider: string): Promise<unknown> {
    const row = await store.getCredential(this.db, partnerId, provider);
    if (!row) return undefined;
    if (provider !== 'validifi') return JSON.parse(this.box.open(row.secret_enc, aad(partnerId, provider)));
    const secret = StoredSecret.parse(JSON.parse(this.box.open(row.secret_enc, aad(partnerId, provider))));
    return { ...secret, base_url: row.base_url };
  }
}
