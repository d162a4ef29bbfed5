/** What the analysis-provider tests share: a provider runtime, a context, and a poll loop with a generous deadline. */
import { ProviderRuntime } from '../../adapters/runtime.ts';
import type { AnalysisContext, AnalysisProvider, AnalysisRef, PollStep } from '../../adapters/analysis.ts';

type RuntimeOptions = ConstructorParameters<typeof ProviderRuntime>[0];

/** Short timeouts, no rate limit. */
export const analysisRuntime = (over: Partial<RuntimeOptions> = {}) =>
  new ProviderRuntime({
    timeoutMs: 2000,
    deadlineMs: 10_000,
    retries: 0,
    backoffMs: 10,
    limits: { maxConcurrent: 50, minTimeMs: 0 },
    ...over,
  });

export const analysisContext = (
  credentials: unknown,
  over: Partial<AnalysisContext> = {},
): AnalysisContext => ({
  partnerId: 'partner-1',
  now: new Date('2026-11-02T09:00:00Z'),
  credentials,
  runtime: analysisRuntime(),
  reference: 'job-0001',
  ...over,
});

/**
 * Polls until the provider says done or failed, waiting `waitMs` between looks (its Retry-After is not
 * honoured: simulators compress time), and fails the test after `deadlineMs`.
 */
export async function pollUntilSettled<R>(
  provider: Pick<AnalysisProvider<unknown, unknown, R>, 'poll'>,
  ref: AnalysisRef,
  ctx: AnalysisContext,
  { waitMs = 20, deadlineMs = 30_000 } = {},
): Promise<{ last: PollStep<R>; pending: string[] }> {
  const started = Date.now();
  const pending: string[] = [];
  for (;;) {
    const step = await provider.poll(ref, ctx);
    if (step.state !== 'pending') return { last: step, pending };
    pending.push(step.providerStatus);
    if (Date.now() - started > deadlineMs)
      throw new Error(`still pending after ${deadlineMs} ms: ${step.providerStatus}`);
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
