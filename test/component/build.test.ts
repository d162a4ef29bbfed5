/**
 * The compiled gateway (`npm run build` → dist/), as `npm start` runs it in production: plain Node, no
 * tsx. The other process tests run the sources (test/helpers/gateway-process.ts says why); this one
 * checks that the build is complete — the worker threads, the SQL migrations, the OpenAPI documents and
 * the engine's dictionaries are found beside the compiled code — and needs nothing a production install
 * (`npm ci --omit=dev`) leaves out.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generatePersona } from '../../tools/personas/personas.ts';
import { personaStatements } from '../../tools/statements/personas.ts';
import { waitFor } from '../helpers/receiver.ts';
import { freePort } from '../helpers/free-port.ts';
import { adminCall, startCommand, waitHealthy } from '../helpers/gateway-process.ts';
import { ADMIN_SECRET } from '../helpers/gateway.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const jsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );

describe('the compiled gateway (dist/, as npm start runs it)', function () {
  this.timeout(300_000);
  let dataDir: string;

  before(async () => {
    // What `prestart` runs: builds when dist/ is missing or was built from other sources.
    await run(process.execPath, ['tools/build/build.mjs', '--if-stale'], { cwd: ROOT, timeout: 240_000 });
    dataDir = mkdtempSync(join(tmpdir(), 'gw-build-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is what npm start runs: node with no TypeScript loader, on dist/src/main.js', () => {
    const { flags, entry } = startCommand();
    expect(entry).to.equal('dist/src/main.js');
    expect(flags.join(' ')).not.to.match(/tsx/);
  });

  it('imports only Node built-ins and runtime dependencies (nothing `npm ci --omit=dev` leaves out)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const bare = new Set<string>();
    for (const f of jsFiles(join(ROOT, 'dist'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(
        /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"'./][^"']*)["']/g,
      )) {
        const spec = m[1]!.replace(/^node:/, '');
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect(bare.size).to.be.above(5); // the scan found the imports
    expect([...bare].filter((p) => !allowed.has(p))).to.deep.equal([]);
  });

  it('starts on a new data directory, assesses in its worker threads, and stops with 0 on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { flags, entry } = startCommand();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_JWT_SECRET: ADMIN_SECRET,
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      ASSESS_THREADS: '2',
    };
    // NODE_OPTIONS could carry the test runner's own loader into the child: not what production has.
    delete env.NODE_OPTIONS;
    const child: ChildProcess = spawn(process.execPath, [...flags, entry], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
    try {
      await waitHealthy(base, child);
      const { api_key: key } = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', {
        partner_id: 'buildbank',
        tier: 'pilot',
      });
      const persona = generatePersona('salaried_single_renter', 3);
      const res = await fetch(`${base}/api/partner/v1/assess`, {
        method: 'POST',
        headers: { 'x-partner-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({
          customer_ref: 'c-build',
          transactions: persona.transactions,
          circumstances: persona.circumstances,
        }),
      });
      const body = (await res.json()) as { assessment_id: string; transactions_analyzed: number };
      expect(res.status, JSON.stringify(body)).to.equal(200);
      expect(body.transactions_analyzed).to.equal(persona.transactions.length);
      const evidence = await fetch(`${base}/api/partner/v1/assessment/${body.assessment_id}/evidence`, {
        headers: { 'x-partner-key': key },
      });
      expect(evidence.status).to.equal(200);
      expect((await fetch(`${base}/api/partner/v1/openapi.json`)).status).to.equal(200);
      // A document job: the reader's worker entry and its compiled code are found in dist/.
      const [statement] = await personaStatements({
        bank: 'lloyds',
        persona: 'salaried_single_renter',
        months: ['2026-09'],
      });
      const accepted = await fetch(`${base}/api/partner/v1/assess/documents`, {
        method: 'POST',
        headers: { 'x-partner-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({
          customer_ref: 'c-build-docs',
          bank_statements: [{ document: statement!.pdf.toString('base64'), filename: 's.pdf' }],
        }),
      });
      expect(accepted.status).to.equal(202);
      const { job_id: jobId } = (await accepted.json()) as { job_id: string };
      const job = await waitFor(
        async () => {
          const j = (await (
            await fetch(`${base}/api/partner/v1/jobs/${jobId}`, { headers: { 'x-partner-key': key } })
          ).json()) as { status: string; failures: unknown[] };
          return j.status === 'processing' ? undefined : j;
        },
        { timeoutMs: 180_000, intervalMs: 100, what: 'the document job ended' },
      );
      expect(job, JSON.stringify(job)).to.include({ status: 'completed' });
      const { stdout } = await run(
        process.execPath,
        ['dist/src/cli/admin.js', 'list-partners', '--url', base],
        { cwd: ROOT, env, timeout: 60_000 },
      );
      expect(stdout).to.include('buildbank');
    } finally {
      const exited = new Promise<number | null>((r) =>
        child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c)),
      );
      child.kill('SIGTERM');
      expect(await exited, stderr.slice(-3000)).to.equal(0);
    }
  });
});
