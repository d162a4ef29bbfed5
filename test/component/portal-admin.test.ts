/**
 * The portal's admin API (Architecture B): settings validated (colours, logo, allow-list), the logo
 * fetched once through the SSRF guard and served from the gateway, links minted with the seed's response
 * exactly once, the token stored only as a keyed hash, redirect_url refusals, listing and revocation, and
 * one partner's links never another's.
 */
import { expect } from 'chai';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import { adminToken, call, createPartner, logLines, startGateway, type Running } from '../helpers/gateway.ts';
import { PNG, startImageServer, type ImageServer } from '../helpers/portal.ts';

onEachDatabase('portal admin API', (_kind, getDb) => {
  let g: Running;
  let images: ImageServer;
  let token: string;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb());
    images = await startImageServer();
    token = await adminToken();
  });
  after(async () => {
    await g?.stop();
    await images?.close();
  });
  beforeEach(async () => reset(getDb()));
  const admin = (method: string, path: string, body?: unknown) =>
    call(g.url, method, `/api/admin${path}`, { token, ...(body !== undefined ? { body } : {}) });
  const enable = async (id: string, extra: Record<string, unknown> = {}) => {
    const r = await admin('PUT', `/partners/${id}/portal`, { portal_enabled: true, ...extra });
    expect(r.status, r.text).to.equal(200);
    return r;
  };

  it('answers the defaults before any setting, and keeps each field not sent', async () => {
    await createPartner(g.url, 'yourbank', { display_name: 'Your Bank' });
    const first = await admin('GET', '/partners/yourbank/portal');
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.equal({
      partner_id: 'yourbank',
      portal_enabled: false,
      primary_color: null,
      accent_color: null,
      logo_url: null,
      logo: null,
      display_name: null,
      hide_veqtrx_branding: false,
      allowed_redirect_domains: [],
      updated_at: null,
    });
    const set = await enable('yourbank', {
      primary_color: '#1A2B3C',
      accent_color: '#fa0',
      display_name: 'Your Bank Loans',
      hide_veqtrx_branding: true,
      allowed_redirect_domains: ['Bank.Example.com'],
    });
    expect(set.body).to.include({
      portal_enabled: true,
      primary_color: '#1a2b3c',
      accent_color: '#fa0',
      display_name: 'Your Bank Loans',
      hide_veqtrx_branding: true,
    });
    expect(set.body.allowed_redirect_domains).to.deep.equal(['bank.example.com']);
    const patched = await admin('PUT', '/partners/yourbank/portal', { accent_color: null });
    expect(patched.body).to.include({ primary_color: '#1a2b3c', accent_color: null, portal_enabled: true });
    expect((await admin('GET', '/partners/yourbank/portal')).body).to.deep.equal(patched.body);
  });

  it('refuses bad settings with 400 {detail} naming the field, and an unknown partner with 404', async () => {
    await createPartner(g.url, 'yourbank');
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ primary_color: 'red' }, /primary_color/],
      [{ accent_color: '#12345' }, /accent_color/],
      [{ primary_color: '#123;}body{x:1' }, /primary_color/],
      [{ logo_url: 'javascript:alert(1)' }, /logo_url/],
      [{ logo_url: 'ftp://files.example.com/logo.png' }, /logo_url/],
      [{ allowed_redirect_domains: ['10.0.0.1'] }, /10\.0\.0\.1.*address/],
      [{ allowed_redirect_domains: ['localhost'] }, /localhost/],
      [{ allowed_redirect_domains: ['intranet.corp.internal'] }, /local name/],
      [{ allowed_redirect_domains: ['https://bank.example.com/'] }, /not a host name/],
      [{ portal_enabled: 'yes' }, /portal_enabled/],
      [{ unknown_field: 1 }, /unknown_field|Unrecognized/],
    ];
    for (const [body, detail] of bad) {
      const r = await admin('PUT', '/partners/yourbank/portal', body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.body.detail, JSON.stringify(body)).to.match(detail);
    }
    expect((await admin('GET', '/partners/yourbank/portal')).body.updated_at).to.equal(null);
    expect((await admin('GET', '/partners/nobody/portal')).status).to.equal(404);
    expect((await admin('PUT', '/partners/nobody/portal', { portal_enabled: true })).status).to.equal(404);
  });

  it('fetches the logo once through the SSRF guard, checks it, and serves it from the gateway', async () => {
    await createPartner(g.url, 'yourbank');
    const before = images.hits.get('/logo.png') ?? 0;
    const r = await enable('yourbank', { logo_url: `${images.base}/logo.png` });
    expect(r.body.logo_url).to.equal(`${images.base}/logo.png`);
    expect(r.body.logo).to.deep.include({ content_type: 'image/png' });
    expect(r.body.logo.path).to.equal(`/assets/logo/${r.body.logo.sha256}`);
    // Served by the gateway, byte for byte, and not fetched again for it or for other settings.
    const served = await fetch(g.url + r.body.logo.path);
    expect(served.status).to.equal(200);
    expect(served.headers.get('content-type')).to.equal('image/png');
    expect(served.headers.get('content-security-policy')).to.match(/sandbox/);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).to.equal(true);
    await admin('PUT', '/partners/yourbank/portal', { display_name: 'Renamed' });
    await admin('GET', '/partners/yourbank/portal');
    expect(images.hits.get('/logo.png')).to.equal(before + 1);
    const { rows } = await getDb().query<{ logo_bytes: Uint8Array }>(
      "select logo_bytes from partner_portals where partner_id = 'yourbank'",
    );
    expect(Buffer.from(rows[0]!.logo_bytes).equals(PNG)).to.equal(true);
    expect((await fetch(`${g.url}/assets/logo/${'0'.repeat(64)}`)).status).to.equal(404);
  });

  it('refuses a logo that is SVG, not an image, too large or behind a redirect (422 logo_refused), keeping the one before', async () => {
    await createPartner(g.url, 'yourbank');
    const kept = (await enable('yourbank', { logo_url: `${images.base}/logo.png` })).body.logo;
    for (const [path, detail] of [
      ['/logo.svg', /SVG is refused/],
      ['/text', /not a PNG, JPEG or WebP/],
      ['/big.png', /over the limit of 262144 bytes/],
      ['/redirect', /redirect, which is not followed/],
      ['/missing.png', /HTTP 404/],
    ] as const) {
      const r = await admin('PUT', '/partners/yourbank/portal', { logo_url: images.base + path });
      expect(r.status, path).to.equal(422);
      expect(r.body.code, path).to.equal('logo_refused');
      expect(r.body.detail, path).to.match(detail);
    }
    expect((await admin('GET', '/partners/yourbank/portal')).body.logo).to.deep.equal(kept);
  });

  it('refuses a logo on a private, loopback or metadata address, or over plain http, without the local-use flag', async function () {
    this.timeout(60_000);
    const strict = await startGateway(getDb(), { ALLOW_PRIVATE_WEBHOOKS: 'false' });
    try {
      await createPartner(strict.url, 'strictbank');
      const put = (logo_url: string) =>
        call(strict.url, 'PUT', '/api/admin/partners/strictbank/portal', { token, body: { logo_url } });
      const http = await put(`${images.base}/logo.png`);
      expect(http.status).to.equal(400);
      expect(http.body.detail).to.match(/logo_url: must be an https URL/);
      const loopback = await put(images.base.replace('http:', 'https:') + '/logo.png');
      expect(loopback.status).to.equal(422);
      expect(loopback.body.detail).to.match(/private, loopback, link-local or reserved/);
      const metadata = await put('https://169.254.169.254/latest/meta-data/logo.png');
      expect(metadata.status).to.equal(422);
      expect(metadata.body.detail).to.match(/link-local, metadata or reserved/);
      const v6 = await put('https://[::ffff:127.0.0.1]/logo.png');
      expect(v6.status).to.equal(422);
      expect(images.hits.get('/logo.png') ?? 0).to.be.greaterThan(0); // only the other tests' fetches
    } finally {
      await strict.stop();
    }
  });

  it("mints a link with the seed's response exactly once; the token is stored only as a keyed hash", async () => {
    await createPartner(g.url, 'yourbank');
    await enable('yourbank', { allowed_redirect_domains: ['bank.example.com'] });
    const r = await admin('POST', '/partners/yourbank/portal/links', {
      customer_ref: 'cust-001',
      prefilled_name: 'Alex Customer',
      prefilled_email: 'alex@example.com',
      redirect_url: 'https://bank.example.com/return',
      ttl_hours: 24,
    });
    expect(r.status).to.equal(201);
    expect(Object.keys(r.body)).to.deep.equal([
      'session_id',
      'partner_id',
      'url',
      'token',
      'expires_at',
      'important',
    ]);
    expect(r.body.partner_id).to.equal('yourbank');
    expect(r.body.session_id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(r.body.token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(r.body.url).to.equal(`${g.url}/p/yourbank?t=${r.body.token}`);
    expect(r.body.important).to.equal('Save the URL or token now — it will not be shown again.');
    const ttl = Date.parse(r.body.expires_at) - Date.now();
    expect(ttl).to.be.within(23.9 * 3600_000, 24 * 3600_000);
    // Never again: not in the listing, not in the database, not in the log; name and email sealed.
    const listed = await admin('GET', '/partners/yourbank/portal/links');
    expect(listed.body.links).to.have.length(1);
    expect(listed.body.links[0]).to.include({
      session_id: r.body.session_id,
      customer_ref: 'cust-001',
      status: 'created',
      redirect_url: 'https://bank.example.com/return',
      assessment_id: null,
    });
    expect(listed.text).to.not.include(r.body.token);
    expect(listed.text).to.not.include('Alex');
    const { rows } = await getDb().query<Record<string, unknown>>(
      'select * from portal_sessions where session_id = $1',
      [r.body.session_id],
    );
    const stored = JSON.stringify(rows[0]);
    expect(stored).to.not.include(r.body.token);
    expect(stored).to.not.include('Alex Customer');
    expect(stored).to.not.include('alex@example.com');
    expect(rows[0]!.token_hash).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(rows[0]!.prefilled_email_sealed).to.match(/^v1\./);
    expect(logLines.join('')).to.not.include(r.body.token);
    expect(logLines.join('')).to.not.include('alex@example.com');
    // The default lifetime is 24 hours, the longest 720.
    const dflt = await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'cust-002' });
    expect(Date.parse(dflt.body.expires_at) - Date.now()).to.be.within(23.9 * 3600_000, 24 * 3600_000);
    expect(dflt.body.token).to.not.equal(r.body.token);
    expect(
      (await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'c', ttl_hours: 720 })).status,
    ).to.equal(201);
    for (const ttl_hours of [721, 0, -1, 'x'])
      expect(
        (await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'c', ttl_hours })).status,
        String(ttl_hours),
      ).to.equal(400);
    const noRef = await admin('POST', '/partners/yourbank/portal/links', {});
    expect(noRef.status).to.equal(400);
    expect(noRef.body.detail).to.match(/customer_ref/);
    const badEmail = await admin('POST', '/partners/yourbank/portal/links', {
      customer_ref: 'c',
      prefilled_email: 'not-an-email',
    });
    expect(badEmail.status).to.equal(400);
    expect(badEmail.body.detail).to.match(/prefilled_email/);
  });

  it('refuses to mint while the portal is not enabled (409 portal_not_enabled), and for an unknown partner (404)', async () => {
    await createPartner(g.url, 'yourbank');
    const never = await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'c' });
    expect(never.status).to.equal(409);
    expect(never.body.code).to.equal('portal_not_enabled');
    await enable('yourbank');
    await admin('PUT', '/partners/yourbank/portal', { portal_enabled: false });
    const off = await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'c' });
    expect(off.status).to.equal(409);
    expect(off.body.detail).to.match(/not enabled/);
    expect((await admin('POST', '/partners/nobody/portal/links', { customer_ref: 'c' })).status).to.equal(
      404,
    );
  });

  it('refuses a redirect_url off the allow-list, and private, metadata and non-http(s) ones whatever the list says', async () => {
    await createPartner(g.url, 'yourbank');
    await enable('yourbank', { allowed_redirect_domains: ['bank.example.com'] });
    const refused: Array<[string, RegExp]> = [
      ['https://evil.example.net/return', /not in the partner's allowed_redirect_domains/],
      ['https://sub.bank.example.com/return', /not in the partner's allowed_redirect_domains/],
      ['http://10.0.0.5/return', /private, loopback, link-local, metadata or reserved/],
      ['http://192.168.1.1/', /private, loopback, link-local, metadata or reserved/],
      ['http://127.0.0.1:8080/', /private, loopback, link-local, metadata or reserved/],
      ['http://[::1]/', /private, loopback, link-local, metadata or reserved/],
      ['http://169.254.169.254/latest/meta-data/', /link-local, metadata or reserved/],
      ['http://[fd00:ec2::254]/', /link-local, metadata or reserved/],
      ['http://localhost/return', /local host name/],
      ['javascript:alert(1)', /only http and https/],
      ['ftp://bank.example.com/return', /only http and https/],
      ['data:text/html,hi', /only http and https/],
      ['https://user:pass@bank.example.com/', /credentials/],
      ['not a url', /not a valid URL/],
    ];
    for (const [redirect_url, detail] of refused) {
      const r = await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'c', redirect_url });
      expect(r.status, redirect_url).to.equal(400);
      expect(r.body.detail, redirect_url).to.match(/^redirect_url: /);
      expect(r.body.detail, redirect_url).to.match(detail);
    }
    // Refused even when an operator lists the address.
    expect(
      (await admin('PUT', '/partners/yourbank/portal', { allowed_redirect_domains: ['169.254.169.254'] }))
        .status,
    ).to.equal(400);
    expect((await admin('GET', '/partners/yourbank/portal/links')).body.links).to.deep.equal([]);
    for (const ok of ['https://bank.example.com/return?x=1', 'http://BANK.example.com/'])
      expect(
        (await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'c', redirect_url: ok }))
          .status,
        ok,
      ).to.equal(201);
  });

  it("keeps partners apart: one partner's links are neither listed nor revoked through another", async () => {
    await createPartner(g.url, 'banka');
    await createPartner(g.url, 'bankb');
    await enable('banka');
    await enable('bankb');
    const a = (await admin('POST', '/partners/banka/portal/links', { customer_ref: 'a-1' })).body;
    expect((await admin('GET', '/partners/bankb/portal/links')).body.links).to.deep.equal([]);
    const cross = await admin('DELETE', `/partners/bankb/portal/links/${a.session_id}`);
    expect(cross.status).to.equal(404);
    expect((await admin('GET', '/partners/banka/portal/links')).body.links[0].status).to.equal('created');
    const revoked = await admin('DELETE', `/partners/banka/portal/links/${a.session_id}`);
    expect(revoked.status).to.equal(200);
    expect(revoked.body.status).to.equal('revoked');
    expect((await admin('DELETE', '/partners/banka/portal/links/not-a-uuid')).status).to.equal(404);
    // A link's url names its own partner only.
    const b = (await admin('POST', '/partners/bankb/portal/links', { customer_ref: 'b-1' })).body;
    expect(b.url).to.match(/\/p\/bankb\?t=/);
    expect(b.partner_id).to.equal('bankb');
  });

  it('lists links newest first, with paging by `before`, and refuses a bad query', async () => {
    await createPartner(g.url, 'yourbank');
    await enable('yourbank');
    g.clock.now = new Date(Date.now() - 60_000);
    await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'older' });
    g.clock.now = undefined;
    await admin('POST', '/partners/yourbank/portal/links', { customer_ref: 'newer' });
    const all = (await admin('GET', '/partners/yourbank/portal/links')).body.links;
    expect(all.map((l: { customer_ref: string }) => l.customer_ref)).to.deep.equal(['newer', 'older']);
    const page = await admin('GET', `/partners/yourbank/portal/links?limit=1&before=${all[0].created_at}`);
    expect(page.body.links.map((l: { customer_ref: string }) => l.customer_ref)).to.deep.equal(['older']);
    expect((await admin('GET', '/partners/yourbank/portal/links?limit=0')).status).to.equal(400);
  });
});
