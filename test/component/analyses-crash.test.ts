/**
 * Third-party analyses survive a crash at any step, with every provider: the gateway (its own process,
 * on the embedded database or PostgreSQL) accepts one analysis for each of the four providers — the
 * credit-decisioning API, the document API, the legacy provider, ValidiFI INSIGHTS with its AffordAI
 * report —, is killed with SIGKILL right after answering the last 202, or once every provider is
 * analysing, and is started again on the same database (on PostgreSQL as two replicas). Each analysis
 * then completes exactly once: one analysis at its provider, one assessment, one unit of quota, one
 * webhook delivery. The providers are their local simulators, in this process, so they outlive the
 * gateway; each takes 30 s, long enough for the kill to land while it analyses.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_SECRET } from '../helpers/gateway.ts';
import { postgres, postgresUrl } from '../helpers/databases.ts';
import { startReceiver, waitFor } from '../helpers/receiver.ts';
import { freePort } from '../helpers/free-port.ts';
import { adminCall, exited, startSourceProcess, waitHealthy } from '../helpers/gateway-process.ts';
import {
  ANALYSIS_PROVIDERS,
  simCredentials,
  simSource,
  type AnalysisProviderId,
} from '../helpers/analysis-sims.ts';
import { startDecisioningSimulator } from '../../tools/simulators/decisioning-api.ts';
import { startDocumentApiSimulator } from '../../tools/simulators/document-api.ts';
import { startLegacyProviderSimulator } from '../../tools/simulators/legacy-provider.ts';
import { startValidifiSimulator } from '../../tools/simulators/validifi.ts';

/** How long each provider analyses, from the submission. */
const ANALYSIS_MS = 30_000;

interface Sim {
  url: string;
  stop(): Promise<void>;
  /** What the provider created for the gateway (each must be 1): its analyses, and what they hang on. */
  created(): Record<string, number>;
  /** The job's `provider_status` once the gateway has seen the provider analysing. */
  analysing: RegExp;
}

/** The four simulators, each analysing for ANALYSIS_MS. */
async function startSims(): Promise<Record<AnalysisProviderId, Sim>> {
  const dec = await startDecisioningSimulator({
    timeScale: 1,
    latencyMs: 20,
    startAfterMs: 100,
    completeAfterMs: ANALYSIS_MS,
  });
  // Three statements take 180 s at the provider's pace (120 s, and 20 s a statement).
  const doc = await startDocumentApiSimulator({ timeScale: ANALYSIS_MS / 180_000 });
  const leg = await startLegacyProviderSimulator({ timeScale: 1, latencyMs: 20, processingMs: ANALYSIS_MS });
  // The inquiry is quick (the report is requested once it has succeeded); the report takes ANALYSIS_MS.
  const vfi = await startValidifiSimulator({
    timeScale: 1,
    insightsMs: 1_000,
    reportMs: ANALYSIS_MS,
    now: new Date(),
  });
  return {
    decisioning_api: {
      url: dec.url,
      stop: () => dec.stop(),
      created: () => ({ customers: dec.customers().length, analyses: dec.analyses().length }),
      analysing: /^IN_PROGRESS$/,
    },
    document_api: {
      url: doc.url,
      stop: () => doc.stop(),
      created: () => ({ jobs: doc.jobs.size }),
      analysing: /^processing$/,
    },
    legacy_provider: {
      url: leg.url,
      stop: () => leg.stop(),
      created: () => ({ applications: leg.applications.size, uploads: leg.counts.byod }),
      analysing: /not ready \(HTTP 202\)/,
    },
    validifi_insights: {
      url: vfi.url,
      stop: () => vfi.stop(),
      created: () => ({ inquiries: vfi.created.inquiries, reports: vfi.created.reports }),
      analysing: /^AffordAI report rendering/,
    },
  };
}

/** One analysis of the run: its provider, its partner (and key), what was sent, the job and its assessment. */
interface Job {
  provider: AnalysisProviderId;
  partner: string;
  headers: Record<string, string>;
  source: Record<string, unknown>;
  id: string;
  assessment: string | null;
}

interface JobView {
  status: string;
  provider_status: string | null;
  assessment_id: string | null;
}

/** This job's end in a gateway's log ('analysis job ended' is written by the run that ends it, only). */
const endings = (out: string[], jobId: string) =>
  out
    .join('')
    .split('\n')
    .filter((l) => l.includes('analysis job ended') && l.includes(jobId));

for (const kind of ['pglite', 'postgres'] as const)
  describe(`third-party analyses across a crash, every provider [${kind}]`, function () {
    this.timeout(600_000);
    let dataDir: string;
    let replicaDir: string;
    let databaseUrl: string | undefined;
    before(async function () {
      dataDir = mkdtempSync(join(tmpdir(), 'gw-analysis-crash-'));
      replicaDir = mkdtempSync(join(tmpdir(), 'gw-analysis-crash-replica-'));
      if (kind === 'postgres') {
        if (!(await postgres())) this.skip();
        databaseUrl = postgresUrl();
      }
    });
    after(() => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(replicaDir, { recursive: true, force: true });
    });

    // PGlite is one process's database; on PostgreSQL the restart is two replicas racing for the polls.
    const replicas = kind === 'postgres' ? 2 : 1;
    for (const step of ['just after the 202', 'while the providers analyse'] as const)
      it(`killed ${step}, each provider's analysis completes once after the restart${replicas > 1 ? ' on two replicas' : ''}`, async () => {
        const sims = await startSims();
        const sources = await Promise.all(ANALYSIS_PROVIDERS.map((p) => simSource(p)));
        const rx = await startReceiver();
        const ports = [await freePort(), await freePort()];
        const base = `http://127.0.0.1:${ports[0]}`;
        const env = (i: number) => ({
          NODE_ENV: 'test',
          DATA_DIR: i === 0 ? dataDir : replicaDir,
          PORT: String(ports[i]),
          ADMIN_JWT_SECRET: ADMIN_SECRET,
          DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
          ALLOW_PRIVATE_WEBHOOKS: 'true',
          ANALYSIS_POLL_SCALE: '0.1',
          LOG_LEVEL: 'info',
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        });
        const prefix = `crash-${kind}-${step.startsWith('just') ? 'a' : 'b'}-${randomBytes(3).toString('hex')}`;
        let running: Array<{ child: ChildProcess; out: string[] }> = [startSourceProcess(env(0))];
        try {
          await waitHealthy(base, running[0]!.child);
          // One partner a provider: its quota, deliveries and assessments are that analysis's alone.
          const jobs: Job[] = [];
          for (const [i, provider] of ANALYSIS_PROVIDERS.entries()) {
            const partner = `${prefix}-${jobs.length + 1}`;
            const created = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', {
              partner_id: partner,
              tier: 'pilot',
              webhook_url: rx.url,
            });
            const creds = simCredentials(provider, sims[provider].url);
            await adminCall(
              base,
              ADMIN_SECRET,
              'PUT',
              `/partners/${partner}/providers/${creds.provider}`,
              creds.body,
            );
            const source = sources[i]!;
            jobs.push({
              provider,
              partner,
              headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' },
              // ValidiFI's analysis with its report: two things it creates, each once.
              source: provider === 'validifi_insights' ? { ...source, affordai: true } : source,
              id: '',
              assessment: null,
            });
          }
          // The four submissions one after another, as fast as the gateway answers them.
          for (const j of jobs) {
            const accepted = await fetch(`${base}/api/partner/v1/assess`, {
              method: 'POST',
              headers: j.headers,
              body: JSON.stringify({ customer_ref: `crash-${j.provider}`, source: j.source }),
            });
            const text = await accepted.text();
            expect(accepted.status, `${j.provider}: ${text}`).to.equal(202);
            j.id = (JSON.parse(text) as { job_id: string }).job_id;
          }
          const view = async (j: Job) =>
            (await (
              await fetch(`${base}/api/partner/v1/jobs/${j.id}`, { headers: j.headers })
            ).json()) as JobView;
          if (step === 'while the providers analyse') {
            // A job seen analysing stays so until its provider is done (30 s): the kill lands before.
            const seen = new Set<string>();
            await waitFor(
              async () => {
                for (const j of jobs)
                  if (
                    !seen.has(j.id) &&
                    sims[j.provider].analysing.test((await view(j)).provider_status ?? '')
                  )
                    seen.add(j.id);
                return seen.size === jobs.length;
              },
              {
                timeoutMs: 120_000,
                intervalMs: 50,
                what: () => `every provider analysing (${seen.size} seen)`,
              },
            );
          }
          running[0]!.child.kill('SIGKILL');
          await exited(running[0]!.child);
          for (const j of jobs)
            expect(
              endings(running[0]!.out, j.id),
              `${j.provider}: the job ended before the kill`,
            ).to.deep.equal([]);

          running = Array.from({ length: replicas }, (_, i) => startSourceProcess(env(i)));
          for (const [i, r] of running.entries()) await waitHealthy(`http://127.0.0.1:${ports[i]}`, r.child);
          for (const j of jobs) {
            const job = await waitFor(
              async () => {
                const v = await view(j);
                return v.status === 'processing' ? undefined : v;
              },
              {
                timeoutMs: 400_000,
                intervalMs: 200,
                what: `the ${j.provider} analysis ended after the restart`,
              },
            );
            expect(job.status, `${j.provider}: ${JSON.stringify(job)}`).to.equal('completed');
            j.assessment = job.assessment_id;
          }
          const hooks = await rx.waitFor(jobs.length, 120_000);
          for (const j of jobs) {
            const assessment = j.assessment;
            const what = (s: string) => `${j.provider}: ${s}`;
            const made = sims[j.provider].created();
            expect(made, what('one analysis at the provider')).to.deep.equal(
              Object.fromEntries(Object.keys(made).map((k) => [k, 1])),
            );
            const ended = await waitFor(
              () => {
                const lines = running.flatMap((r) => endings(r.out, j.id));
                return lines.length > 0 && lines;
              },
              { timeoutMs: 30_000, what: what('the end in the log') },
            );
            expect(ended, what('ended by one run')).to.have.length(1);
            const usage = (await (
              await fetch(`${base}/api/partner/v1/usage`, { headers: j.headers })
            ).json()) as { current_usage: number };
            expect(usage.current_usage, what('one unit')).to.equal(1);
            const deliveries = (await (
              await fetch(`${base}/api/partner/v1/webhooks/deliveries`, { headers: j.headers })
            ).json()) as { deliveries: Array<{ assessment_id: string }> };
            expect(
              deliveries.deliveries.map((d) => d.assessment_id),
              what('one webhook chain'),
            ).to.deep.equal([assessment]);
            expect(
              hooks.filter((h) => JSON.parse(h.body.toString()).assessment_id === assessment),
              what('one webhook received'),
            ).to.have.length(1);
            const admin = await adminCall<{ assessments: unknown[] }>(
              base,
              ADMIN_SECRET,
              'GET',
              `/assessments?partner_id=${j.partner}`,
            );
            expect(admin.assessments, what('one assessment')).to.have.length(1);
          }
        } finally {
          for (const r of running) r.child.kill('SIGTERM');
          for (const r of running) await exited(r.child);
          await rx.close();
          for (const s of Object.values(sims)) await s.stop();
        }
      });
  });
