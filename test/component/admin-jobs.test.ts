import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  ADMIN_SECRET,
  adminToken,
  call,
  createPartner,
  logLines,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { documentJobId } from '../../src/lib/ids.ts';
import * as store from '../../src/store/document-jobs.ts';
import { period } from '../../src/store/usage.ts';

const run = promisify(execFile);

/** The failure the brief (and openapi/admin-v1.yaml, cancelJob) gives a cancelled job. */
const CANCELLED = {
  document: null,
  filename: null,
  reason: 'cancelled',
  detail: 'Cancelled by an operator; nothing was charged.',
};

onEachDatabase('admin jobs', (_kind, getDb) => {
  let g: Running;
  let token: string;
  let acme: TestPartner;
  let beta: TestPartner;
  before(async function () {
    this.timeout(60_000);
    // No workers: the jobs inserted here stay as they are written (no poll, no sweep, no document run).
    g = await startGateway(getDb(), { RUN_WORKERS: 'false' });
    token = await adminToken();
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    await reset(getDb());
    acme = await createPartner(g.url, 'acme');
    beta = await createPartner(g.url, 'beta');
  });
  const admin = (method: string, path: string) => call(g.url, method, `/api/admin${path}`, { token });
  const usage = async (p: TestPartner) =>
    (await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage as number;

  /** A job as the gateway creates one, through the store: its unit reserved in the same statement. */
  async function job(partner: string, o: { analysis?: boolean; createdAt?: Date } = {}): Promise<string> {
    const id = documentJobId();
    const now = o.createdAt ?? new Date();
    const used = await store.insertReservedJob(getDb(), {
      id,
      partner_id: partner,
      period: period(new Date()),
      is_test: true,
      request: o.analysis ? { provider: 'decisioning_api' } : {},
      documents: [],
      estimated_seconds: 5,
      created_at: now,
      ...(o.analysis
        ? {
            analysis: {
              provider: 'decisioning_api',
              input_sealed: 'not-a-real-sealed-input',
              deadline_at: new Date(now.getTime() + 15 * 60_000),
            },
          }
        : {}),
    });
    expect(used, 'unit reserved').to.be.a('number');
    return id;
  }

  it('lists jobs newest first with their fields (never the sealed input), filtered by partner, kind and state, paged by before', async () => {
    const t0 = Date.now();
    const docs = await job('acme', { createdAt: new Date(t0 - 3000) });
    const analysis = await job('acme', { analysis: true, createdAt: new Date(t0 - 2000) });
    const other = await job('beta', { createdAt: new Date(t0 - 1000) });
    expect(await store.completeJob(getDb(), other, 'AF-000000000001', [], new Date())).to.equal(true);

    const all = await admin('GET', '/jobs');
    expect(all.status).to.equal(200);
    expect(all.body.jobs.map((j: { job_id: string }) => j.job_id)).to.deep.equal([other, analysis, docs]);
    expect(all.text).to.not.include('not-a-real-sealed-input');
    const a = all.body.jobs[1];
    expect(a).to.deep.include({
      job_id: analysis,
      partner_id: 'acme',
      kind: 'analysis',
      state: 'processing',
      provider: 'decisioning_api',
      provider_status: null,
      polls: 0,
      is_test: true,
      finished_at: null,
      assessment_id: null,
      failures: [],
      stuck: false,
    });
    expect(Date.parse(a.deadline_at) - Date.parse(a.created_at)).to.equal(15 * 60_000);
    expect(a.next_poll_at).to.equal(a.created_at);
    expect(Object.keys(a).sort()).to.deep.equal(
      [
        'job_id',
        'partner_id',
        'kind',
        'state',
        'provider',
        'provider_status',
        'polls',
        'is_test',
        'created_at',
        'finished_at',
        'deadline_at',
        'next_poll_at',
        'assessment_id',
        'failures',
        'stuck',
      ].sort(),
    );
    expect(all.body.jobs[0]).to.include({
      state: 'completed',
      assessment_id: 'AF-000000000001',
      kind: 'documents',
    });
    expect(all.body.jobs[0].finished_at).to.be.a('string');
    expect(all.body.jobs[2]).to.include({ kind: 'documents', provider: null, deadline_at: null });

    const ids = async (q: string) =>
      (await admin('GET', `/jobs?${q}`)).body.jobs.map((j: { job_id: string }) => j.job_id);
    expect(await ids('partner_id=acme')).to.deep.equal([analysis, docs]);
    expect(await ids('kind=analysis')).to.deep.equal([analysis]);
    expect(await ids('kind=documents')).to.deep.equal([other, docs]);
    expect(await ids('state=completed')).to.deep.equal([other]);
    expect(await ids('state=processing&partner_id=acme&kind=documents')).to.deep.equal([docs]);
    expect(await ids('limit=2')).to.deep.equal([other, analysis]);
    expect(await ids(`limit=2&before=${encodeURIComponent(all.body.jobs[1].created_at)}`)).to.deep.equal([
      docs,
    ]);
  });

  it('flags stuck jobs: an analysis whose next poll is over 2 minutes overdue, a document job silent for over 2 minutes', async () => {
    const overdue = await job('acme', { analysis: true });
    const onTime = await job('acme', { analysis: true });
    const silent = await job('acme');
    const alive = await job('acme', { createdAt: new Date(Date.now() - 10 * 60_000) });
    const ended = await job('beta', { createdAt: new Date(Date.now() - 10 * 60_000) });
    await getDb().query(
      `update document_jobs set next_poll_at = now() - interval '3 minutes' where id = $1`,
      [overdue],
    );
    await getDb().query(`update document_jobs set next_poll_at = now() - interval '1 minute' where id = $1`, [
      onTime,
    ]);
    await getDb().query(`update document_jobs set created_at = now() - interval '3 minutes' where id = $1`, [
      silent,
    ]);
    // Created long ago but its heartbeat is fresh: not stuck.
    await getDb().query(`update document_jobs set heartbeat_at = now() where id = $1`, [alive]);
    expect(await store.failJob(getDb(), ended, [], [], new Date())).to.equal(true);

    const stuck = await admin('GET', '/jobs?stuck=true');
    expect(stuck.status).to.equal(200);
    expect(stuck.body.jobs.map((j: { job_id: string }) => j.job_id).sort()).to.deep.equal(
      [overdue, silent].sort(),
    );
    expect(stuck.body.jobs.every((j: { stuck: boolean }) => j.stuck)).to.equal(true);
    const others = await admin('GET', '/jobs?stuck=false');
    expect(others.body.jobs.map((j: { job_id: string }) => j.job_id).sort()).to.deep.equal(
      [onTime, alive, ended].sort(),
    );
    const listed = (await admin('GET', '/jobs')).body.jobs as Array<{ job_id: string; stuck: boolean }>;
    expect(Object.fromEntries(listed.map((j) => [j.job_id, j.stuck]))).to.deep.equal({
      [overdue]: true,
      [onTime]: false,
      [silent]: true,
      [alive]: false,
      [ended]: false,
    });
  });

  it('refuses bad query parameters with 400 validation_error', async () => {
    for (const q of [
      'limit=0',
      'limit=501',
      'kind=other',
      'state=cancelled',
      'stuck=yes',
      'before=yesterday',
    ]) {
      const r = await admin('GET', `/jobs?${q}`);
      expect(r.status, q).to.equal(400);
      expect(r.body.code, q).to.equal('validation_error');
    }
  });

  it('cancels an analysis still processing: failed as cancelled, its unit given back, the partner sees it, its polls stop; 409 again, 404 unknown', async () => {
    const id = await job('acme', { analysis: true });
    const keep = await job('acme');
    expect(await usage(acme)).to.equal(2);

    const r = await admin('POST', `/jobs/${id}/cancel`);
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.include({
      job_id: id,
      partner_id: 'acme',
      kind: 'analysis',
      state: 'failed',
      failures: [CANCELLED],
      next_poll_at: null,
      stuck: false,
    });
    expect(r.body.finished_at).to.be.a('string');
    // Who cancelled it is logged (the admin token's subject).
    const logged = logLines.find((l) => l.includes('job cancelled by an operator') && l.includes(id));
    expect(logged, 'the cancellation logged').to.be.a('string');
    expect(JSON.parse(logged ?? '{}')).to.include({
      job: id,
      partner: 'acme',
      kind: 'analysis',
      by: 'admin-cli',
    });
    expect(await usage(acme)).to.equal(1);
    expect(await usage(beta)).to.equal(0);

    const seen = await call(g.url, 'GET', `/api/partner/v1/jobs/${id}`, { key: acme.key });
    expect(seen.status).to.equal(200);
    expect(seen.body).to.deep.include({ job_id: id, status: 'failed', failures: [CANCELLED] });

    // Its sealed input is dropped with it, and its next poll finds it ended and does nothing.
    const { rows } = await getDb().query<{ input_sealed: string | null }>(
      'select input_sealed from document_jobs where id = $1',
      [id],
    );
    expect(rows[0]?.input_sealed).to.equal(null);
    await g.gw.analyses.poll(id, 0);
    const after = await store.getJob(getDb(), id);
    expect(after).to.deep.include({ state: 'failed', polls: 0, failures: [CANCELLED] });
    expect(await usage(acme)).to.equal(1);

    const again = await admin('POST', `/jobs/${id}/cancel`);
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('job_not_processing');
    expect(await usage(acme)).to.equal(1);

    const unknown = await admin('POST', `/jobs/${documentJobId()}/cancel`);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.code).to.equal('not_found');

    // The other job was not touched.
    expect((await store.getJob(getDb(), keep))?.state).to.equal('processing');
  });

  it('cancels a document job (its files deleted) and refuses a completed one with 409, charging nothing back', async () => {
    const id = documentJobId();
    await store.writeJobFiles(getDb(), id, [new Uint8Array([37, 80, 68, 70])], new Date());
    const used = await store.insertReservedJob(getDb(), {
      id,
      partner_id: 'beta',
      period: period(new Date()),
      is_test: true,
      request: {},
      documents: [],
      estimated_seconds: 5,
      created_at: new Date(),
    });
    expect(used).to.equal(1);
    const done = await job('beta');
    expect(await store.completeJob(getDb(), done, 'AF-000000000002', [], new Date())).to.equal(true);
    expect(await usage(beta)).to.equal(2);

    const r = await admin('POST', `/jobs/${id}/cancel`);
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.include({ kind: 'documents', state: 'failed', failures: [CANCELLED] });
    expect(await usage(beta)).to.equal(1);
    expect(await store.jobFile(getDb(), id, 0)).to.equal(undefined);

    const completed = await admin('POST', `/jobs/${done}/cancel`);
    expect(completed.status).to.equal(409);
    expect(completed.body.code).to.equal('job_not_processing');
    expect((await store.getJob(getDb(), done))?.state).to.equal('completed');
    expect(await usage(beta)).to.equal(1);
  });

  describe('CLI', function () {
    // Each command is a new node process compiling TypeScript: seconds apiece on a loaded machine.
    this.timeout(300_000);
    const cli = async (...args: string[]) => {
      try {
        const { stdout } = await run(
          process.execPath,
          ['--import', 'tsx', 'src/cli/admin.ts', ...args, '--url', g.url],
          { env: { ...process.env, ADMIN_JWT_SECRET: ADMIN_SECRET } },
        );
        return { code: 0, out: stdout };
      } catch (e) {
        const x = e as { code: number; stdout: string; stderr: string };
        return { code: x.code, out: x.stdout + x.stderr };
      }
    };

    it('lists jobs with the filters (jobs) and cancels one (cancel-job), 1 with the detail for an ended job', async () => {
      const stuckOne = await job('acme', { analysis: true });
      const fresh = await job('acme', { analysis: true });
      const docs = await job('beta');
      await getDb().query(
        `update document_jobs set next_poll_at = now() - interval '5 minutes' where id = $1`,
        [stuckOne],
      );
      const listed = await cli('jobs', '--partner', 'acme', '--kind', 'analysis', '--state', 'processing');
      expect(listed.code).to.equal(0);
      expect(
        JSON.parse(listed.out)
          .jobs.map((j: { job_id: string }) => j.job_id)
          .sort(),
      ).to.deep.equal([stuckOne, fresh].sort());
      const stuck = await cli('jobs', '--stuck', '--limit', '10');
      expect(JSON.parse(stuck.out).jobs.map((j: { job_id: string }) => j.job_id)).to.deep.equal([stuckOne]);

      const cancelled = await cli('cancel-job', docs);
      expect(cancelled.code).to.equal(0);
      expect(JSON.parse(cancelled.out)).to.deep.include({
        job_id: docs,
        state: 'failed',
        failures: [CANCELLED],
      });
      expect(await usage(beta)).to.equal(0);
      const again = await cli('cancel-job', docs);
      expect(again.code).to.equal(1);
      expect(again.out).to.match(/409: .*already ended/);
      const usageText = await cli('cancel-job');
      expect(usageText.code).to.equal(2);
      expect(usageText.out).to.include('cancel-job <job_id>');
    });
  });
});
