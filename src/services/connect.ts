/**
 * The connect step of the customer portal (issue 15), for its pages to call: start a connect provider's
 * hosted flow for a partner's customer, then — when the customer's browser is back — ask the provider how
 * it ended and get the fetching source to assess (adapters/connect.ts). The provider calls run with the
 * partner's stored credentials and the gateway's outbound-call policy (the same limiters and timeouts as
 * every fetching source). Refusals are `ApiError`s with the provider's code (`connect_cancelled`,
 * `connect_session_expired`, `provider_not_configured`, …) and a detail naming the provider, never a secret.
 *
 * Nothing is stored here: the caller keeps `sessionRef` with its own session, and assesses the source
 * (POST /assess's `source`, or the assessment service) when `complete` returns it.
 */
import { CONNECT_PROVIDERS, connectProvider } from '../../adapters/registry.ts';
import type { ConnectSession, ConnectStart, ConnectedSource } from '../../adapters/connect.ts';
import { isProviderUrl } from '../../adapters/provider-common.ts';
import type { ProviderRuntime } from '../../adapters/runtime.ts';
import { SourceError, type FetchContext } from '../../adapters/source.ts';
import { ApiError, badRequest } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

export interface ConnectDeps {
  credentials(partnerId: string, provider: string): Promise<unknown>;
  runtime: ProviderRuntime;
  clock: () => Date;
  log: Logger;
}

export class ConnectService {
  constructor(private readonly d: ConnectDeps) {}

  /** The connect providers a portal can offer: id and name. */
  providers(): Array<{ id: string; name: string }> {
    return CONNECT_PROVIDERS.map((c) => ({ id: c.id, name: c.name }));
  }

  /** The provider's hosted page for this customer, and its session reference (kept by the caller). */
  async start(partnerId: string, providerId: string, req: ConnectStart): Promise<ConnectSession> {
    const provider = this.provider(providerId);
    // The completion URL follows the providers' base URL rule: https, or http on this machine only.
    if (!isProviderUrl(req.completionUrl))
      throw badRequest(
        'completionUrl must be an https URL (plain http only on 127.0.0.1 or localhost), without a user name or password',
      );
    return this.run(partnerId, provider.id, 'start', () => provider.start(this.ctx(partnerId), req));
  }

  /** How the session ended: the fetching source to assess, or the refusal (ApiError with the provider's code). */
  async complete(
    partnerId: string,
    providerId: string,
    sessionRef: string,
    query: Readonly<Record<string, string | undefined>>,
  ): Promise<ConnectedSource> {
    const provider = this.provider(providerId);
    return this.run(partnerId, provider.id, 'complete', () =>
      provider.complete(this.ctx(partnerId), sessionRef, query),
    );
  }

  private provider(id: string) {
    const p = connectProvider(id);
    if (!p)
      throw badRequest(
        `Unknown connect provider "${id.slice(0, 40)}": one of ${CONNECT_PROVIDERS.map((c) => c.id).join(', ')}`,
      );
    return p;
  }

  private ctx(partnerId: string): FetchContext {
    return {
      partnerId,
      now: this.d.clock(),
      credentials: (provider) => this.d.credentials(partnerId, provider),
      runtime: this.d.runtime,
    };
  }

  private async run<T>(partnerId: string, provider: string, step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      if (e.status >= 500)
        this.d.log.warn(
          { provider, step, partner: partnerId, status: e.status, code: e.code, reason: e.message },
          'connect provider call failed',
        );
      throw new ApiError(e.status, e.message, e.code);
    }
  }
}
