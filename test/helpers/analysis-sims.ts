/**
 * The four third-party analysis providers as the component tests wire a partner to their local
 * simulators (tools/simulators/): the credentials an administrator stores for a simulator at `url`
 * (`PUT /api/admin/partners/{id}/providers/{provider}`), and a `source` of `POST /assess` the simulator
 * analyses to completion.
 */
import { sampleSource } from '../../tools/simulators/decisioning-api.ts';
import { personaDocuments, SIM_API_KEY } from '../../tools/simulators/document-api.ts';
import { personaSource } from '../../tools/simulators/legacy-provider.ts';

export const ANALYSIS_PROVIDERS = [
  'decisioning_api',
  'document_api',
  'legacy_provider',
  'validifi_insights',
] as const;
export type AnalysisProviderId = (typeof ANALYSIS_PROVIDERS)[number];

/**
 * The credentials for the simulator at `url` (its defaults: tools/simulators/), with `over` replacing
 * fields (a broken key or password), and the provider they are stored under (ValidiFI INSIGHTS uses the
 * partner's ValidiFI credentials).
 */
export function simCredentials(
  provider: AnalysisProviderId,
  url: string,
  over: Record<string, unknown> = {},
): { provider: string; body: Record<string, unknown> } {
  const body: Record<AnalysisProviderId, Record<string, unknown>> = {
    decisioning_api: { client_id: 'sim-client', client_secret: 'sim-secret', base_url: url },
    document_api: { api_key: SIM_API_KEY, base_url: url },
    legacy_provider: {
      username: 'sim-user',
      password: 'sim-pass',
      base_url: url,
      redirect_url: 'https://lender.example/done',
    },
    validifi_insights: {
      client_id: 'sim-client',
      client_secret: 'sim-secret',
      environment: 'custom',
      base_url: url,
    },
  };
  return {
    provider: provider === 'validifi_insights' ? 'validifi' : provider,
    body: { ...body[provider], ...over },
  };
}

/**
 * A source the simulator completes, from the persona `salaried_single_renter`: its transactions (the
 * decisioning API dated up to `now`, the legacy provider as they are), three months of its bank
 * statements (the document API), or its account at ValidiFI (BankLOGIN+).
 */
export async function simSource(
  provider: AnalysisProviderId,
  now = new Date(),
): Promise<Record<string, unknown>> {
  switch (provider) {
    case 'decisioning_api':
      return { ...sampleSource('good', 1, now) };
    case 'document_api': {
      const docs = await personaDocuments('salaried_single_renter', {
        months: ['2026-08', '2026-09', '2026-10'],
      });
      return {
        type: 'document_api',
        currency_code: 'GBP',
        bank_statements: docs.map((d) => ({ document: d.document, filename: d.filename })),
      };
    }
    case 'legacy_provider':
      return { type: 'legacy_provider', ...personaSource('salaried_single_renter') };
    case 'validifi_insights':
      return {
        type: 'validifi_insights',
        product: 'BankLOGIN+',
        account_token: 'sim-salaried_single_renter-1',
      };
  }
}
