/**
 * The one list of sources (`SOURCES`). An adapter's id is its folder name and the `type` of its `source`
 * object in `POST /assess`; `transactions` is the native Veqtrx field and not a `source` variant.
 * Everything else is derived from the list or checked against it:
 * - `SourceInputSchema`, the union of the adapters' own `schema`s, must hold exactly the listed schemas
 *   (checked below when this module loads, and its `type`s against the ids at compile time);
 * - the spec's `SourceInput` is bound to that union field by field (src/contract/schemas.ts);
 * - the providers whose credentials a partner stores are the fetching sources (`PROVIDERS`); the
 *   database's check on `provider_credentials.provider` is compared with them by a test
 *   (test/unit/adapters/registry.test.ts).
 * Adding a source: a folder with its adapter, its line here and in the union, its variant in
 * openapi/partner-v1.yaml (`SourceInput`), and a README section; for a fetching source, a migration
 * widening that check (and, unless its credentials are ValidiFI's form, its line in SOURCE_CREDENTIALS).
 */
import { z } from 'zod';
import { ByodAccountsSchema, byodAccounts } from './byod_accounts/index.ts';
import { LabelledTransactionsSchema, labelledTransactions } from './labelled_transactions/index.ts';
import { PlaidTransactionsSchema, plaidTransactions } from './plaid_transactions/index.ts';
import type { SourceAdapter } from './source.ts';
import { transactions } from './transactions/index.ts';
import { ValidifiSourceSchema, validifi } from './validifi/index.ts';
import { DecisioningSourceSchema, decisioningApi } from './decisioning_api/index.ts';
import { DocumentApiSourceSchema, documentApi } from './document_api/index.ts';
import { LegacyProviderSourceSchema, legacyProvider } from './legacy_provider/index.ts';
import { ValidifiInsightsSourceSchema, validifiInsights } from './validifi_insights/index.ts';
import type { ConnectProvider } from './connect.ts';
import { validifiConnect } from './validifi/connect.ts';
import { PlaidCredentialsSchema, PlaidSourceSchema, plaid } from './plaid/index.ts';
import { plaidLink } from './plaid/connect.ts';

export { transactions };

/** The third-party analysis providers (adapters/analysis.ts), each also a `source` variant below. */
export const ANALYSES = [decisioningApi, documentApi, legacyProvider, validifiInsights] as const;

/** The `source` variants, by `type`. */
export const SOURCES = [
  validifi,
  labelledTransactions,
  byodAccounts,
  plaidTransactions,
  plaid,
  ...ANALYSES,
] as const;

export type SourceType = (typeof SOURCES)[number]['id'];

/**
 * The providers a partner can store credentials for: the fetching sources, and the analysis providers
 * that have credentials of their own (ValidiFI INSIGHTS uses the partner's ValidiFI credentials).
 */
export const PROVIDERS = [
  ...SOURCES.filter((s) => s.kind === 'fetching').map((s) => s.id),
  ...ANALYSES.map((a) => a.id).filter((id) => id !== 'validifi_insights'),
];

/**
 * The connect providers (adapters/connect.ts): the aggregators whose hosted flow links a customer's bank
 * account, each ending in one of the fetching sources above. Each uses the partner's stored credentials
 * for its own id.
 */
export const CONNECT_PROVIDERS: readonly ConnectProvider[] = [validifiConnect, plaidLink];

/**
 * The fetching sources whose credentials are stored as their own object, validated by their schema (the
 * admin API's `PUT …/providers/{id}`): Plaid's. (ValidiFI's have their own form: environment, CONNECT.)
 */
export const SOURCE_CREDENTIALS: ReadonlyArray<{ id: string; credentials: z.ZodType }> = [
  { id: plaid.id, credentials: PlaidCredentialsSchema },
];

export function connectProvider(id: string): ConnectProvider | undefined {
  return CONNECT_PROVIDERS.find((c) => c.id === id);
}

const byId = new Map<string, SourceAdapter<unknown>>(
  SOURCES.map((s) => [
    s.id,
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- each adapter takes what its own schema parsed; the map forgets which, and assess calls an adapter only with its own schema's output
    s as unknown as SourceAdapter<unknown>,
  ]),
);

export function sourceAdapter(id: string): SourceAdapter<unknown> {
  const a = byId.get(id);
  if (!a) throw new Error(`no source adapter "${id}"`);
  return a;
}

/** The `source` object of `POST /assess`: one of the variants, chosen by `type`. */
export const SourceInputSchema = z.discriminatedUnion(
  'type',
  [
    ValidifiSourceSchema,
    LabelledTransactionsSchema,
    ByodAccountsSchema,
    PlaidTransactionsSchema,
    PlaidSourceSchema,
    DecisioningSourceSchema,
    DocumentApiSourceSchema,
    LegacyProviderSourceSchema,
    ValidifiInsightsSourceSchema,
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union' ? `type must be one of ${SOURCES.map((s) => s.id).join(', ')}` : undefined,
  },
);

// The union holds exactly the adapters' own schemas, in the list's order, each discriminated by its id.
const typeOf = (o: z.ZodObject) => (o.shape.type instanceof z.ZodLiteral ? o.shape.type.value : undefined);
if (
  SourceInputSchema.options.length !== SOURCES.length ||
  SOURCES.some((s, i) => {
    const option = SourceInputSchema.options[i];
    return option !== s.schema || option === undefined || typeOf(option) !== s.id;
  })
) {
  throw new Error(
    'adapters/registry.ts: SourceInputSchema must be the union of the schemas of SOURCES, in order, each with type = its id',
  );
}
