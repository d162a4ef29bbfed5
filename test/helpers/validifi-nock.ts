/** What the ValidiFI unit tests (nock) share: the base URL, a provider runtime, a token reply, and a check that a call fails as a SourceError that does not leak the client secret. */
import { expect } from 'chai';
import { ProviderRuntime } from '../../adapters/runtime.ts';
import { SourceError } from '../../adapters/source.ts';

export const VALIDIFI_BASE = 'https://sandbox.ribbit.ai';

type RuntimeOptions = ConstructorParameters<typeof ProviderRuntime>[0];
/** Short timeouts, no rate limit; `retries` as each suite needs them. */
export const validifiRuntime = (retries: number, over: Partial<RuntimeOptions> = {}) =>
  new ProviderRuntime({
    timeoutMs: 2000,
    deadlineMs: 10_000,
    retries,
    backoffMs: 10,
    limits: { maxConcurrent: 50, minTimeMs: 0 },
    ...over,
  });

/** A token reply as ValidiFI sends it, unique per call. */
export const tokenReply = (ttlMs = 20 * 60_000, offsetSuffix = false) => {
  const expires = new Date(Date.now() + ttlMs).toISOString();
  return {
    accessToken: `tok-${Math.random().toString(36).slice(2)}`,
    tokenType: 'Bearer',
    expiresOn: offsetSuffix ? expires.replace('Z', '+00:00') : expires,
  };
};

/** The SourceError a call fails with; fails the test if it succeeds or its message carries `secret`. */
export async function failsWith(p: Promise<unknown>, secret: string): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(SourceError);
    expect((e as Error).message).not.to.include(secret);
    return e as SourceError;
  }
  throw new Error('expected a SourceError');
}
