import { expect } from 'chai';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  figures,
  logLines,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { accountIdOf } from '../../adapters/validifi/map.ts';
import { clearTokenCache } from '../../adapters/validifi/index.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { startValidifiSimulator, type ValidifiSimulator } from '../../tools/simulators/validifi.ts';

const persona = generatePersona('couple_two_children_mortgage', 1);
const TOKEN = 'sim-couple_two_children_mortgage-1';
const base = {
  customer_ref: 'cust-v',
  circumstances: persona.circumstances,
  declared_income: persona.declared_income,
};

onEachDatabase('ValidiFI-sourced assessments against the local simulator', (_kind, getDb) => {
  let g: Running;
  let sim: ValidifiSimulator;
  let rx: Receiver;
  let p: TestPartner;
  let n = 0;
  before(async function () {
    this.timeout(60_000);
    sim = await startValidifiSimulator();
    g = await startGateway(getDb(), {
      PROVIDER_TIMEOUT_MS: '4000',
      PROVIDER_BACKOFF_MS: '20',
      PROVIDER_RETRIES: '2',
    });
    g.clock.now = new Date(persona.now);
  });
  after(async () => {
    await g?.stop();
    await sim?.stop();
  });
  beforeEach(async function () {
    this.timeout(60_000);
    await reset(getDb());
    clearTokenCache();
    sim.reset();
    rx = await startReceiver();
    p = await createPartner(g.url, `vfi-${++n}`, { webhook_url: rx.url });
    const set = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/validifi`, {
      token: await adminToken(),
      body: {
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        environment: 'custom',
        base_url: sim.url,
      },
    });
    // A setup error, not a check: the tests check what they are about.
    if (set.status !== 200)
      throw new Error(`setup: storing the ValidiFI credentials answered ${set.status} ${set.text}`);
  });
  afterEach(async () => {
    const r = rx as Receiver | undefined;
    rx = undefined!; // a hook must not fail on what a failed setup left undone, nor close a receiver twice
    await r?.close();
  });

  const assess = (source: Record<string, unknown>, key = p.key) =>
    call(g.url, 'POST', '/api/partner/v1/assess', {
      key,
      body: { ...base, source: { type: 'validifi', ...source } },
    });
  const usage = async () =>
    (await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage as number;

  it('fetches six months in 90-day windows and returns the assessment of those transactions, charged once, with its webhook', async function () {
    this.timeout(60_000);
    const r = await assess({ account_token: TOKEN, account_token_id: TOKEN });
    expect(r.status, r.text).to.equal(200);
    expect(sim.counts).to.deep.equal({ token: 1, history: 3, export: 1 });
    expect(sim.windows.map((w) => w[0].slice(0, 10))).to.have.members([
      '2026-05-02',
      '2026-07-31',
      '2026-10-29',
    ]);
    // The same transactions sent directly (the account's six months, as one account) give the same figures.
    const inPeriod = persona.transactions
      .filter((t) => t.date >= '2026-05-02')
      .map((t) => ({ ...t, account_id: accountIdOf(TOKEN) }));
    const direct = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, transactions: inPeriod },
    });
    expect(figures(r.body)).to.deep.equal(figures(direct.body));
    expect(await usage()).to.equal(2);
    const hooks = await rx.waitFor(2);
    expect(hooks.map((h) => h.body.toString())).to.include(r.text);
    const ev = (
      await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, { key: p.key })
    ).body;
    expect(ev.source.type).to.equal('validifi');
    expect(ev.source.metadata.account).to.include({
      institution_name: 'Simulated Bank',
      account_number: '••••4321',
    });
    expect(ev.source.metadata.upstream_calls).to.equal(5);
    expect(JSON.stringify(ev)).not.to.include(TOKEN);
    expect(logLines.join('')).not.to.include(sim.clientSecret).and.not.include(TOKEN);
    const metrics = await (await fetch(`${g.url}/metrics`)).text();
    expect(metrics).to.match(
      /^provider_request_duration_seconds_count\{(?=[^}]*provider="validifi")(?=[^}]*outcome="2xx")[^}]*\} 5$/m,
    );
  });

  it('reuses the token across assessments', async function () {
    this.timeout(60_000);
    expect((await assess({ account_token: TOKEN })).status).to.equal(200);
    expect((await assess({ account_token: TOKEN })).status).to.equal(200);
    expect(sim.counts.token).to.equal(1);
  });

  it('answers 409 for an account that needs the customer to reconnect, and charges nothing', async () => {
    const r = await assess({ account_token: 'sim-mfa' });
    expect(r.status).to.equal(409);
    expect(r.body.code).to.equal('validifi_reconnect_required');
    expect(r.body.detail).to.match(/CONNECT again/);
    expect(await usage()).to.equal(0);
    expect((await rx.waitFor(0)).length).to.equal(0);
  });

  it('answers 502 when ValidiFI keeps failing and 504 when it is too slow — never a partial assessment, nothing charged', async function () {
    this.timeout(60_000);
    sim.failNext(500, 10);
    const bad = await assess({ account_token: TOKEN });
    expect(bad.status).to.equal(502);
    expect(bad.body.detail).to.match(/^ValidiFI /);
    sim.reset();
    sim.delayNext(10_000, 10); // well past the 4 s per-call timeout, which a loaded machine's normal answers stay under
    const slow = await assess({ account_token: TOKEN });
    expect(slow.status).to.equal(504);
    expect(slow.body.code).to.equal('validifi_timeout');
    const metrics = await (await fetch(`${g.url}/metrics`)).text();
    expect(metrics)
      .to.match(/^provider_request_duration_seconds_count\{(?=[^}]*outcome="5xx")[^}]*\} [1-9]/m)
      .and.match(/^provider_request_duration_seconds_count\{(?=[^}]*outcome="timeout")[^}]*\} [1-9]/m);
    expect(await usage()).to.equal(0);
    const { rows } = await getDb().query<{ n: number }>(
      'select count(*)::int as n from assessments where partner_id = $1',
      [p.id],
    );
    expect(rows[0]!.n).to.equal(0);
  });

  it('recovers from a 500 and a 429 by retrying', async function () {
    this.timeout(60_000);
    sim.failNext(500, 1);
    sim.rateLimitNext(0, 1);
    expect((await assess({ account_token: TOKEN })).status).to.equal(200);
  });

  it('answers 400 for an unknown account token and 422 when the partner has no credentials', async () => {
    const unknown = await assess({ account_token: 'no-such-account' });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.code).to.equal('validifi_account_not_found');
    const bare = await createPartner(g.url, `vfi-bare-${n}`);
    const r = await assess({ account_token: TOKEN }, bare.key);
    expect(r.status).to.equal(422);
    expect(r.body.detail).to.match(/no ValidiFI credentials/);
  });

  it('stores credentials sealed: the admin API shows only a hint, and the database holds no secret in the clear', async () => {
    const listed = await call(g.url, 'GET', `/api/admin/partners/${p.id}/providers`, {
      token: await adminToken(),
    });
    expect(listed.body.providers).to.deep.equal([
      { ...listed.body.providers[0], provider: 'validifi', environment: 'custom', base_url: sim.url },
    ]);
    expect(listed.text).not.to.include(sim.clientSecret);
    const { rows } = await getDb().query<{ secret_enc: string }>(
      'select secret_enc from provider_credentials where partner_id = $1',
      [p.id],
    );
    expect(rows[0]!.secret_enc).to.match(/^v1\./).and.not.include(sim.clientSecret);
    const bad = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/validifi`, {
      token: await adminToken(),
      body: { client_id: 'x', client_secret: 'y', environment: 'custom', base_url: 'http://10.0.0.5/' },
    });
    expect(bad.status).to.equal(400);
    const unknownProvider = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/plaid`, {
      token: await adminToken(),
      body: { client_id: 'x', client_secret: 'y', environment: 'sandbox' },
    });
    expect(unknownProvider.status).to.equal(400);
    expect(
      (
        await call(g.url, 'DELETE', `/api/admin/partners/${p.id}/providers/validifi`, {
          token: await adminToken(),
        })
      ).status,
    ).to.equal(204);
    expect(
      (
        await call(g.url, 'DELETE', `/api/admin/partners/${p.id}/providers/validifi`, {
          token: await adminToken(),
        })
      ).status,
    ).to.equal(404);
    expect(
      (await call(g.url, 'GET', `/api/admin/partners/nobody-here/providers`, { token: await adminToken() }))
        .status,
    ).to.equal(404);
  });
});
