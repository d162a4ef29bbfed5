/**
 * A third-party analysis survives a crash at any step: the gateway (its own process, on the embedded
 * database or PostgreSQL) is killed with SIGKILL right after answering 202, or while the provider is
 * analysing, started again on the same database, and the analysis completes exactly once — one analysis
 * at the provider, one assessment, one unit of quota, one webhook delivery. The provider is the local
 * simulator of the credit-decisioning API, in this process, so it outlives the gateway.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_SECRET } from '../helpers/gateway.ts';
import { postgres, postgresUrl } from '../helpers/databases.ts';
import { startReceiver, waitFor } from '../helpers/receiver.ts';
import { freePort } from '../helpers/free-port.ts';
import { adminCall, exited, startSourceProcess, waitHealthy } from '../helpers/gateway-process.ts';
import { sampleSource, startDecisioningSimulator } from '../../tools/simulators/decisioning-api.ts';

for (const kind of ['pglite', 'postgres'] as const)
  describe(`third-party analyses across a crash [${kind}]`, function () {
    this.timeout(600_000);
    let dataDir: string;
    let databaseUrl: string | undefined;
    before(async function () {
      dataDir = mkdtempSync(join(tmpdir(), 'gw-analysis-crash-'));
      if (kind === 'postgres') {
        if (!(await postgres())) this.skip();
        databaseUrl = postgresUrl();
      }
    });
    after(() => rmSync(dataDir, { recursive: true, force: true }));

    for (const step of ['just after the 202', 'while the provider analyses'] as const)
      it(`killed ${step}, the analysis completes once after the restart`, async () => {
        // The provider takes 6 s: long enough for the kill to land while it analyses.
        const sim = await startDecisioningSimulator({
          timeScale: 1,
          latencyMs: 20,
          startAfterMs: 100,
          completeAfterMs: 6_000,
        });
        const rx = await startReceiver();
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const partner = `crash-${kind}-${step.startsWith('just') ? 'a' : 'b'}-${randomBytes(3).toString('hex')}`;
        const env = {
          NODE_ENV: 'test',
          DATA_DIR: dataDir,
          PORT: String(port),
          ADMIN_JWT_SECRET: ADMIN_SECRET,
          DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
          ALLOW_PRIVATE_WEBHOOKS: 'true',
          ANALYSIS_POLL_SCALE: '0.1',
          LOG_LEVEL: 'info',
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        };
        let p = startSourceProcess(env);
        try {
          await waitHealthy(base, p.child);
          const created = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', {
            partner_id: partner,
            tier: 'pilot',
            webhook_url: rx.url,
          });
          await adminCall(base, ADMIN_SECRET, 'PUT', `/partners/${partner}/providers/decisioning_api`, {
            client_id: sim.clientId,
            client_secret: sim.clientSecret,
            base_url: sim.url,
          });
          const headers = { 'x-partner-key': created.api_key, 'content-type': 'application/json' };
          const accepted = await fetch(`${base}/api/partner/v1/assess`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ customer_ref: 'crash', source: sampleSource('good', 1, new Date()) }),
          });
          expect(accepted.status).to.equal(202);
          const { job_id } = (await accepted.json()) as { job_id: string };
          const view = async () =>
            (await (await fetch(`${base}/api/partner/v1/jobs/${job_id}`, { headers })).json()) as {
              status: string;
              provider_status: string | null;
              assessment_id: string | null;
            };
          if (step === 'while the provider analyses')
            await waitFor(async () => (await view()).provider_status === 'IN_PROGRESS', {
              timeoutMs: 60_000,
              intervalMs: 20,
              what: 'the analysis in progress',
            });
          p.child.kill('SIGKILL');
          await exited(p.child);
          // This job's end only: on a shared PostgreSQL database other suites' jobs may end here too.
          const endedBefore = p.out
            .join('')
            .split('\n')
            .filter((l) => l.includes('analysis job ended') && l.includes(job_id));
          expect(endedBefore, 'the job ended before the kill').to.deep.equal([]);

          p = startSourceProcess(env);
          await waitHealthy(base, p.child);
          const job = await waitFor(
            async () => {
              const v = await view();
              return v.status === 'processing' ? undefined : v;
            },
            { timeoutMs: 400_000, intervalMs: 200, what: 'the analysis completed after the restart' },
          );
          expect(job.status, JSON.stringify(job)).to.equal('completed');
          expect(sim.counts.analysisCreate, 'one analysis at the provider').to.equal(1);
          const usage = (await (await fetch(`${base}/api/partner/v1/usage`, { headers })).json()) as {
            current_usage: number;
          };
          expect(usage.current_usage, 'one unit').to.equal(1);
          const hooks = await rx.waitFor(1, 120_000);
          expect(JSON.parse(hooks[0]!.body.toString()).assessment_id).to.equal(job.assessment_id);
          const deliveries = (await (
            await fetch(`${base}/api/partner/v1/webhooks/deliveries`, { headers })
          ).json()) as { deliveries: Array<{ assessment_id: string }> };
          expect(
            deliveries.deliveries.map((d) => d.assessment_id),
            'one webhook chain',
          ).to.deep.equal([job.assessment_id]);
          const admin = await adminCall<{ assessments: unknown[] }>(
            base,
            ADMIN_SECRET,
            'GET',
            `/assessments?partner_id=${partner}`,
          );
          expect(admin.assessments, 'one assessment').to.have.length(1);
        } finally {
          p.child.kill('SIGTERM');
          await exited(p.child);
          await rx.close();
          await sim.stop();
        }
      });
  });
