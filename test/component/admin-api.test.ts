import { expect } from 'chai';
import { SignJWT } from 'jose';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  ADMIN_SECRET,
  adminToken,
  call,
  createPartner,
  startGateway,
  type Running,
} from '../helpers/gateway.ts';

onEachDatabase('admin API', (_kind, getDb) => {
  let g: Running;
  let token: string;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb(), { ENTERPRISE_DEFAULT_QUOTA: '250000' });
    token = await adminToken();
  });
  after(async () => g?.stop());
  beforeEach(async () => reset(getDb()));
  const admin = (method: string, path: string, body?: unknown) =>
    call(g.url, method, `/api/admin${path}`, { token, ...(body !== undefined ? { body } : {}) });

  it('creates a partner in test mode with its first key and webhook secret, shown exactly once', async () => {
    const r = await admin('POST', '/partners', {
      partner_id: 'acmebank',
      display_name: 'Acme Bank',
      tier: 'pilot',
      webhook_url: 'https://hooks.acme.example/veqtrx',
    });
    expect(r.status).to.equal(201);
    expect(r.body).to.include({
      partner_id: 'acmebank',
      tier: 'pilot',
      monthly_quota: 1000,
      is_test_mode: true,
      api_key_prefix: 'prt_acmebank_',
    });
    expect(r.body.api_key).to.match(/^prt_acmebank_[A-Za-z0-9]{32}$/);
    expect(r.body.webhook_secret).to.match(/^whsec_/);
    const shown = await admin('GET', '/partners/acmebank');
    expect(shown.text).to.not.include(r.body.api_key.slice(-32));
    expect(shown.text).to.not.include(r.body.webhook_secret);
    expect(shown.body.keys[0].prefix).to.match(/^prt_acmebank_[A-Za-z0-9]{4}…$/);
    const { rows } = await getDb().query<{ webhook_secret_enc: string; key_hash: string }>(
      'select webhook_secret_enc, key_hash from partners join api_keys on api_keys.partner_id = partners.id',
    );
    expect(rows[0]!.webhook_secret_enc).to.not.include(r.body.webhook_secret.slice(6));
    expect(rows[0]!.key_hash).to.match(/^\$2[aby]\$10\$/);
  });

  it('sets quotas by tier: pilot 1,000, standard 10,000, enterprise as configured or given', async () => {
    expect(
      (await admin('POST', '/partners', { partner_id: 'std', tier: 'standard' })).body.monthly_quota,
    ).to.equal(10_000);
    expect(
      (await admin('POST', '/partners', { partner_id: 'ent', tier: 'enterprise' })).body.monthly_quota,
    ).to.equal(250_000);
    expect(
      (await admin('POST', '/partners', { partner_id: 'ent2', tier: 'enterprise', monthly_quota: 42 })).body
        .monthly_quota,
    ).to.equal(42);
  });

  it('refuses a duplicate (409), a bad slug or tier (400), and an unknown partner (404)', async () => {
    await admin('POST', '/partners', { partner_id: 'dup', tier: 'pilot' });
    expect((await admin('POST', '/partners', { partner_id: 'dup', tier: 'pilot' })).status).to.equal(409);
    expect((await admin('POST', '/partners', { partner_id: 'Bad_Slug', tier: 'pilot' })).status).to.equal(
      400,
    );
    expect((await admin('POST', '/partners', { partner_id: 'ok-slug', tier: 'gold' })).status).to.equal(400);
    expect(
      (
        await admin('POST', '/partners', {
          partner_id: 'ok-slug',
          tier: 'pilot',
          webhook_url: 'javascript:alert(1)',
        })
      ).status,
    ).to.equal(400);
    const metadata = await admin('POST', '/partners', {
      partner_id: 'ok-slug',
      tier: 'pilot',
      webhook_url: 'http://169.254.169.254/latest/meta-data/',
    });
    expect(metadata.status).to.equal(400);
    expect(metadata.body.detail).to.match(
      /webhook_url: the URL points at a link-local, metadata or reserved address/,
    );
    expect((await admin('GET', '/partners/nobody')).status).to.equal(404);
    expect((await admin('PUT', '/partners/nobody', { tier: 'standard' })).status).to.equal(404);
  });

  it('refuses requests without a valid admin token with 401', async () => {
    expect((await call(g.url, 'GET', '/api/admin/partners')).status).to.equal(401);
    expect((await call(g.url, 'GET', '/api/admin/partners', { token: 'not.a.jwt' })).status).to.equal(401);
    const key = new TextEncoder().encode(ADMIN_SECRET);
    const partnerRole = await new SignJWT({ role: 'partner' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('veqtrx-gateway')
      .setAudience('veqtrx-admin')
      .setExpirationTime('1h')
      .sign(key);
    expect((await call(g.url, 'GET', '/api/admin/partners', { token: partnerRole })).status).to.equal(401);
    const p = await createPartner(g.url, 'keyholder');
    expect(
      (await call(g.url, 'GET', '/api/admin/partners', { headers: { authorization: `Bearer ${p.key}` } }))
        .status,
    ).to.equal(401);
  });

  it('rotates keys without downtime: a new key works beside the old until the old is disabled', async () => {
    const p = await createPartner(g.url, 'rotor');
    const second = await admin('POST', '/partners/rotor/keys');
    expect(second.status).to.equal(201);
    const usage = (k: string) => call(g.url, 'GET', '/api/partner/v1/usage', { key: k });
    expect((await usage(p.key)).status).to.equal(200);
    expect((await usage(second.body.api_key)).status).to.equal(200);
    expect((await admin('DELETE', `/partners/rotor/keys/${p.keyId}`)).status).to.equal(200);
    expect((await usage(p.key)).status).to.equal(401);
    expect((await usage(second.body.api_key)).status).to.equal(200);
    expect((await admin('DELETE', '/partners/rotor/keys/key_nope')).status).to.equal(404);
  });

  it('changes tier, quota and webhook URL, lists partners with usage, and signs off production', async () => {
    const p = await createPartner(g.url, 'grower');
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: {
        customer_ref: 'c',
        transactions: [{ date: '2026-10-01', amount: -1000, merchant_name: 'ACME LTD SALARY' }],
      },
    });
    const up = await admin('PUT', '/partners/grower', {
      tier: 'standard',
      webhook_url: 'https://hooks.grower.example/x',
    });
    expect(up.body).to.include({
      tier: 'standard',
      monthly_quota: 10_000,
      webhook_url: 'https://hooks.grower.example/x',
      current_usage: 1,
    });
    expect((await admin('PUT', '/partners/grower', { webhook_url: null })).body.webhook_url).to.equal(null);
    expect((await admin('PUT', '/partners/grower', {})).status).to.equal(400);
    expect((await admin('PUT', '/partners/grower', { is_test_mode: false })).status).to.equal(400);
    const list = await admin('GET', '/partners');
    expect(list.body.partners.find((x: { partner_id: string }) => x.partner_id === 'grower')).to.include({
      current_usage: 1,
      is_test_mode: true,
    });
    const signed = await admin('POST', '/partners/grower/production');
    expect(signed.body.is_test_mode).to.equal(false);
    expect(signed.body.production_at).to.be.a('string');
    expect((await admin('POST', '/partners/nobody/production')).status).to.equal(404);
  });

  it('serves the operational routes as openapi/ops-v1.yaml documents them', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const ops = parse(readFileSync(new URL('../../openapi/ops-v1.yaml', import.meta.url), 'utf8')) as {
      paths: Record<string, { get?: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    for (const [path, item] of Object.entries(ops.paths)) {
      if (!item.get) continue; // the providers' webhook: test/component/analyses.test.ts
      const res = await fetch(`${g.url}${path}`);
      const documented = item.get.responses[String(res.status)];
      expect(documented, `${path} answered ${res.status}`).to.not.equal(undefined);
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
      expect(Object.keys(documented!.content)).to.include(type);
    }
  });

  it('serves the metrics, the docs page and both OpenAPI documents', async () => {
    const m = await (await fetch(`${g.url}/metrics`)).text();
    expect(m).to.include('http_request_duration_seconds');
    expect(m).to.include('assessments_total');
    expect((await fetch(`${g.url}/docs`)).status).to.equal(200);
    const spec = await call(g.url, 'GET', '/api/partner/v1/openapi.json');
    expect(spec.body.openapi).to.equal('3.1.0');
    expect(
      ((await (await fetch(`${g.url}/api/admin/openapi.json`)).json()) as { info: { title: string } }).info
        .title,
    ).to.match(/admin/i);
  });

  describe('assessment settings', () => {
    const guidelines = {
      source: 'Test guidelines 2026',
      households: [
        { adults: 1, children: 0, categories: { 'Food & Housekeeping': 400, 'Personal Costs': 60 } },
        { adults: 2, children: 2, categories: { 'Food & Housekeeping': 900 } },
      ],
    };

    it('shows the default stress parameters and no guidelines until set, then what was set, field by field', async () => {
      await createPartner(g.url, 'setbank');
      const first = await admin('GET', '/partners/setbank/assessment-settings');
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.include({
        partner_id: 'setbank',
        stress_source: 'default',
        spending_guidelines: null,
        stress: {
          income_fall_pct: 10,
          rate_rise_points: 3,
          essential_costs_rise_pct: 10,
          variable_rate_kinds: ['mortgage'],
          assumed_variable_rate_pct: 5,
          assumed_remaining_term_months: 300,
          minimum_buffer: 0,
        },
      });
      const set = await admin('PUT', '/partners/setbank/assessment-settings', {
        stress: {
          income_fall_pct: 20,
          variable_rate_kinds: ['mortgage', 'credit_card'],
          minimum_buffer: 150.5,
        },
        spending_guidelines: guidelines,
      });
      expect(set.status, set.text).to.equal(200);
      expect(set.body.stress_source).to.equal('partner');
      expect(set.body.stress).to.include({ income_fall_pct: 20, rate_rise_points: 3, minimum_buffer: 150.5 });
      expect(set.body.stress.variable_rate_kinds).to.deep.equal(['mortgage', 'credit_card']);
      expect(set.body.spending_guidelines).to.deep.equal(guidelines);
      // A field left out is kept; null goes back to the default.
      const kept = await admin('PUT', '/partners/setbank/assessment-settings', { stress: null });
      expect(kept.body.stress_source).to.equal('default');
      expect(kept.body.spending_guidelines).to.deep.equal(guidelines);
      expect((await admin('GET', '/partners/setbank/assessment-settings')).body).to.deep.equal(kept.body);
      const cleared = await admin('PUT', '/partners/setbank/assessment-settings', {
        spending_guidelines: null,
      });
      expect(cleared.body.spending_guidelines).to.equal(null);
    });

    it('refuses settings it cannot use with 400 {detail} naming the field, and an unknown partner with 404', async () => {
      await createPartner(g.url, 'setbank');
      const cases: Array<[unknown, string]> = [
        [{}, '(body)'],
        [{ stress: { income_fall_pct: 101 } }, 'stress.income_fall_pct'],
        [{ stress: { variable_rate_kinds: ['groceries'] } }, 'stress.variable_rate_kinds[0]'],
        [{ stress: { surprise: 1 } }, 'stress'],
        [{ spending_guidelines: { source: 'x', households: [] } }, 'spending_guidelines.households'],
        [
          {
            spending_guidelines: {
              source: 'x',
              households: [{ adults: 1, children: 0, categories: { Gambling: 10 } }],
            },
          },
          'spending_guidelines.households[0].categories',
        ],
        [
          {
            spending_guidelines: {
              source: 'x',
              households: [
                { adults: 1, children: 0, categories: {} },
                { adults: 1, children: 0, categories: {} },
              ],
            },
          },
          'spending_guidelines.households[1]',
        ],
      ];
      for (const [body, path] of cases) {
        const r = await admin('PUT', '/partners/setbank/assessment-settings', body);
        expect(r.status, JSON.stringify(body)).to.equal(400);
        expect(r.body.detail, JSON.stringify(body)).to.be.a('string');
        if (path !== '(body)') expect(r.body.errors?.[0]?.path, JSON.stringify(body)).to.equal(path);
      }
      expect((await admin('GET', '/partners/setbank/assessment-settings')).body.stress_source).to.equal(
        'default',
      );
      expect((await admin('GET', '/partners/nobank/assessment-settings')).status).to.equal(404);
      expect((await admin('PUT', '/partners/nobank/assessment-settings', { stress: null })).status).to.equal(
        404,
      );
    });
  });
});
