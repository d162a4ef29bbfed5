/**
 * A document job survives a crash: the gateway (its own process, on the embedded database or PostgreSQL)
 * is killed with SIGKILL while it reads a job's statements, started again on the same database, and the
 * job completes once — one assessment, one unit of quota, one webhook delivery. (On PostgreSQL the job
 * is run again once its heartbeat has been silent for 30 s.)
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
import { personaStatements } from '../../tools/statements/personas.ts';

const said = (p: ReturnType<typeof startSourceProcess>, text: string, what: string) =>
  waitFor(
    () => {
      if (p.out.join('').includes(text)) return true;
      if (p.child.exitCode !== null)
        throw new Error(`the gateway exited (${p.child.exitCode}) before ${what}`);
      return false;
    },
    { timeoutMs: 180_000, intervalMs: 20, what },
  );

for (const kind of ['pglite', 'postgres'] as const)
  describe(`document jobs across a crash [${kind}]`, function () {
    this.timeout(600_000);
    let dataDir: string;
    let databaseUrl: string | undefined;
    before(async function () {
      dataDir = mkdtempSync(join(tmpdir(), 'gw-docs-restart-'));
      if (kind === 'postgres') {
        if (!(await postgres())) this.skip();
        databaseUrl = postgresUrl();
      }
    });
    after(() => rmSync(dataDir, { recursive: true, force: true }));

    it('a job in progress when the process is killed (SIGKILL) completes once after the restart', async () => {
      const rx = await startReceiver();
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        PORT: String(port),
        ADMIN_JWT_SECRET: ADMIN_SECRET,
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        LOG_LEVEL: 'info',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      };
      // Six months of statements: long enough to read that the kill lands mid-job.
      const statements = await personaStatements({ bank: 'hsbc', persona: 'couple_two_children_mortgage' });
      let p = startSourceProcess(env);
      try {
        await waitHealthy(base, p.child);
        const created = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', {
          partner_id: `crashdocs-${kind}`,
          tier: 'pilot',
          webhook_url: rx.url,
        });
        const headers = { 'x-partner-key': created.api_key, 'content-type': 'application/json' };
        const accepted = await fetch(`${base}/api/partner/v1/assess/documents`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            customer_ref: 'crash',
            bank_statements: statements.map((s, i) => ({
              document: s.pdf.toString('base64'),
              filename: `${i}.pdf`,
            })),
          }),
        });
        expect(accepted.status).to.equal(202);
        const { job_id } = (await accepted.json()) as { job_id: string };
        await said(p, 'document job started', 'the job started');
        p.child.kill('SIGKILL');
        await exited(p.child);
        // This job's end only: on a shared PostgreSQL database other suites' jobs may end here too.
        const endedBefore = p.out
          .join('')
          .split('\n')
          .filter((l) => l.includes('document job ended') && l.includes(job_id));
        expect(endedBefore, 'the job ended before the kill').to.deep.equal([]);

        p = startSourceProcess(env);
        await waitHealthy(base, p.child);
        await said(p, 'left in progress by a stopped process', 'the job queued again');
        const job = await waitFor(
          async () => {
            const r = (await (await fetch(`${base}/api/partner/v1/jobs/${job_id}`, { headers })).json()) as {
              status: string;
              assessment_id: string | null;
            };
            return r.status === 'processing' ? undefined : r;
          },
          { timeoutMs: 300_000, intervalMs: 200, what: 'the job completed after the restart' },
        );
        expect(job.status).to.equal('completed');
        const usage = (await (await fetch(`${base}/api/partner/v1/usage`, { headers })).json()) as {
          current_usage: number;
        };
        expect(usage.current_usage, 'one unit').to.equal(1);
        const hooks = await rx.waitFor(1, 120_000);
        const deliveries = (await (
          await fetch(`${base}/api/partner/v1/webhooks/deliveries`, { headers })
        ).json()) as {
          deliveries: Array<{ assessment_id: string }>;
        };
        expect(
          deliveries.deliveries.map((d) => d.assessment_id),
          'one webhook chain',
        ).to.deep.equal([job.assessment_id]);
        expect(JSON.parse(hooks[0]!.body.toString()).assessment_id).to.equal(job.assessment_id);
        const admin = await adminCall<{ assessments: unknown[] }>(
          base,
          ADMIN_SECRET,
          'GET',
          `/assessments?partner_id=crashdocs-${kind}`,
        );
        expect(admin.assessments, 'one assessment').to.have.length(1);
      } finally {
        p.child.kill('SIGTERM');
        await exited(p.child);
        await rx.close();
      }
    });
  });
