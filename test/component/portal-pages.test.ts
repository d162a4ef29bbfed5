/**
 * The hosted portal's pages (Architecture B) over HTTP, as a browser sees them: a link opened binds a
 * session cookie and leaves the token behind; the journey (welcome, consent, sign-up, connect) with
 * cookies and CSRF tokens; the same 404 for every way a link or session can be wrong; the guessing limit;
 * the security headers and cookie flags; and completion — the session ended, the token dead, the
 * `portal.assessment_completed` webhook delivered signed, the customer sent on.
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  logLines,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { Browser, csrfOf, startImageServer, type ImageServer } from '../helpers/portal.ts';
import { startReceiver, waitFor, type Receiver } from '../helpers/receiver.ts';
import { generatePersona } from '../../tools/personas/personas.ts';

const txs = generatePersona('couple_two_children_mortgage', 3).transactions;

onEachDatabase('portal pages', (_kind, getDb) => {
  let g: Running;
  let images: ImageServer;
  let rx: Receiver;
  let p: TestPartner;
  before(async function () {
    this.timeout(60_000);
    // A guessing limit the journeys below never reach (the limit has its own test and gateway).
    g = await startGateway(getDb(), { PORTAL_TOKEN_FAILURES_PER_ADDRESS: '10000' });
    images = await startImageServer();
    rx = await startReceiver();
  });
  after(async () => {
    await g?.stop();
    await images?.close();
    await rx?.close();
  });
  beforeEach(async () => {
    await reset(getDb());
    rx.received.length = 0;
    p = await createPartner(g.url, 'yourbank', { display_name: 'Your Bank', webhook_url: rx.url });
    await admin('PUT', '/partners/yourbank/portal', {
      portal_enabled: true,
      primary_color: '#112233',
      accent_color: '#abc',
      display_name: 'Your <b>Bank</b> & Co',
      logo_url: `${images.base}/logo.png`,
      allowed_redirect_domains: ['bank.example.com'],
    });
  });
  async function admin(method: string, path: string, body?: unknown) {
    return call(g.url, method, `/api/admin${path}`, {
      token: await adminToken(),
      ...(body !== undefined ? { body } : {}),
    });
  }
  const mint = async (extra: Record<string, unknown> = {}, partner = 'yourbank') => {
    const r = await admin('POST', `/partners/${partner}/portal/links`, {
      customer_ref: 'cust-001',
      prefilled_name: 'Alex Customer',
      prefilled_email: 'alex@example.com',
      ...extra,
    });
    expect(r.status, r.text).to.equal(201);
    return r.body as { session_id: string; token: string; url: string };
  };
  /** Opens a link in a new browser and follows it through consent and sign-up. */
  const signedUp = async (link: { token: string }) => {
    const b = new Browser(g.url);
    expect((await b.get(`/p/yourbank?t=${link.token}`)).status).to.equal(303);
    const consent = await b.get('/p/yourbank/consent');
    expect((await b.post('/p/yourbank/consent', { _csrf: csrfOf(consent.text) })).status).to.equal(303);
    const form = await b.get('/p/yourbank/signup');
    const done = await b.post('/p/yourbank/signup', {
      _csrf: csrfOf(form.text),
      name: 'Alex Customer',
      email: 'alex@example.com',
    });
    expect(done.status).to.equal(303);
    return b;
  };

  it('opens a link: binds a secure session cookie, then redirects to a URL without the token', async () => {
    const link = await mint();
    const b = new Browser(g.url);
    const open = await b.get(`/p/yourbank?t=${link.token}`);
    expect(open.status).to.equal(303);
    expect(open.headers.get('location')).to.equal('/p/yourbank/welcome');
    expect(open.headers.get('referrer-policy')).to.equal('no-referrer');
    const [cookie] = b.setCookieHeaders;
    expect(cookie).to.match(/^vq_portal=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}; /);
    expect(cookie).to.include('; Path=/p/yourbank;');
    expect(cookie).to.include('; HttpOnly');
    expect(cookie).to.include('; Secure');
    expect(cookie).to.include('; SameSite=Lax');
    expect(cookie).to.not.include(link.token);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie!)![1]);
    expect(maxAge).to.be.within(23 * 3600, 24 * 3600);
    const { rows } = await getDb().query<{ status: string; started_at: Date | null }>(
      'select status, started_at from portal_sessions where session_id = $1',
      [link.session_id],
    );
    expect(rows[0]).to.include({ status: 'started' });
    expect(logLines.join('')).to.not.include(link.token);
  });

  it('serves pages with a strict CSP (no inline script or style but the nonce’d brand colours) and the other headers', async () => {
    const link = await mint();
    const b = new Browser(g.url);
    await b.get(`/p/yourbank?t=${link.token}`);
    const page = await b.get('/p/yourbank/welcome');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    for (const d of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ])
      expect(csp).to.include(d);
    expect(csp).to.not.include('unsafe-inline');
    expect(csp).to.not.include('unsafe-eval');
    const nonce = /style-src 'self' 'nonce-([^']+)'/.exec(csp)![1];
    expect(page.text).to.include(
      `<style nonce="${nonce}">:root{--brand-primary:#112233;--brand-accent:#abc;}</style>`,
    );
    expect(page.text).to.not.match(/<script/i);
    expect(page.text).to.not.match(/ style="/);
    expect(page.text).to.not.match(/https?:\/\/(?!127\.0\.0\.1)/); // nothing from elsewhere
    expect(page.headers.get('x-frame-options')).to.equal('DENY');
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(page.headers.get('strict-transport-security')).to.match(/max-age=/);
    expect(page.headers.get('permissions-policy')).to.include('camera=()');
    // Who is asking, escaped; the logo from the gateway; landmarks; the stylesheet from the gateway.
    expect(page.text).to.include('Your &lt;b&gt;Bank&lt;/b&gt; &amp; Co has asked you');
    expect(page.text).to.not.include('<b>Bank</b>');
    expect(page.text).to.match(
      /<img src="\/assets\/logo\/[0-9a-f]{64}" alt="Your &lt;b&gt;Bank&lt;\/b&gt; &amp; Co logo">/,
    );
    expect(page.text).to.include('<html lang="en">');
    expect(page.text).to.include('<main id="main"');
    expect(page.text).to.include('<header');
    expect(page.text).to.include('Powered by Veqtrx');
    const css = /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)![1]!;
    const sheet = await fetch(g.url + css);
    expect(sheet.status).to.equal(200);
    expect(sheet.headers.get('content-type')).to.match(/^text\/css/);
    expect(await sheet.text()).to.include('--brand-primary');
    // Hidden on request.
    await admin('PUT', '/partners/yourbank/portal', { hide_veqtrx_branding: true });
    expect((await b.get('/p/yourbank/welcome')).text).to.not.include('Powered by Veqtrx');
  });

  it('goes through consent and sign-up with cookies; the details are prefilled, editable, validated and sealed', async () => {
    const link = await mint({ prefilled_name: '<script>alert(1)</script>' });
    const b = new Browser(g.url);
    await b.get(`/p/yourbank?t=${link.token}`);
    // Sign-up and connect wait for consent.
    expect((await b.get('/p/yourbank/signup')).headers.get('location')).to.equal('/p/yourbank/consent');
    expect((await b.get('/p/yourbank/connect')).headers.get('location')).to.equal('/p/yourbank/signup');
    const consent = await b.get('/p/yourbank/consent');
    expect(consent.text).to.include('What data');
    expect(consent.text).to.include('What for');
    expect(consent.text).to.include('How long it is kept');
    const agreed = await b.post('/p/yourbank/consent', { _csrf: csrfOf(consent.text) });
    expect(agreed.status).to.equal(303);
    expect(agreed.headers.get('location')).to.equal('/p/yourbank/signup');
    const form = await b.get('/p/yourbank/signup');
    expect(form.text).to.include('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(form.text).to.include('value="alex@example.com"');
    expect(form.text).to.include('<label for="name">');
    expect(form.text).to.include('<label for="email">');
    const bad = await b.post('/p/yourbank/signup', { _csrf: csrfOf(form.text), name: ' ', email: 'nope' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('role="alert"');
    expect(bad.text).to.include('Enter your full name');
    expect(bad.text).to.include('Enter an email address in the correct format');
    expect(bad.text).to.include('aria-invalid="true"');
    expect(bad.text).to.include('value="nope"');
    const ok = await b.post('/p/yourbank/signup', {
      _csrf: csrfOf(form.text),
      name: 'Alex Q. Customer',
      email: 'alex.q@example.com',
    });
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal('/p/yourbank/connect');
    expect((await b.get('/p/yourbank/signup')).text).to.include('value="Alex Q. Customer"');
    const connect = await b.get('/p/yourbank/connect');
    expect(connect.status).to.equal(200);
    expect(connect.text).to.include('There is no way to connect an account here yet');
    expect((await b.get('/p/yourbank/connect/plaid')).status).to.equal(404);
    const { rows } = await getDb().query<Record<string, unknown>>(
      'select * from portal_sessions where session_id = $1',
      [link.session_id],
    );
    expect(rows[0]!.consented_at).to.not.equal(null);
    expect(rows[0]!.signed_up_at).to.not.equal(null);
    expect(JSON.stringify(rows[0])).to.not.include('alex.q@example.com');
    expect(logLines.join('')).to.not.include('alex.q@example.com');
  });

  it('refuses a form without the CSRF token, with a wrong one or with another session’s (403), changing nothing', async () => {
    const mine = new Browser(g.url);
    await mine.get(`/p/yourbank?t=${(await mint()).token}`);
    const theirs = new Browser(g.url);
    await theirs.get(`/p/yourbank?t=${(await mint({ customer_ref: 'other' })).token}`);
    const theirToken = csrfOf((await theirs.get('/p/yourbank/consent')).text);
    for (const form of [
      {} as Record<string, string>,
      { _csrf: '' },
      { _csrf: 'x'.repeat(43) },
      { _csrf: theirToken },
    ]) {
      const r = await mine.post('/p/yourbank/consent', form);
      expect(r.status, JSON.stringify(form)).to.equal(403);
      expect(r.text).to.include('This form has expired');
    }
    const { rows } = await getDb().query<{ n: number }>(
      'select count(*)::int as n from portal_sessions where consented_at is not null',
    );
    expect(rows[0]!.n).to.equal(0);
    // And a POST without any session is the 404 page.
    expect((await new Browser(g.url).post('/p/yourbank/consent', { _csrf: theirToken })).status).to.equal(
      404,
    );
  });

  it('answers the same 404 page for an unknown slug and a bad, expired, used, revoked or misplaced token', async () => {
    await createPartner(g.url, 'otherbank');
    await admin('PUT', '/partners/otherbank/portal', { portal_enabled: true });
    const valid = await mint();
    const other = await mint({}, 'otherbank');
    const revoked = await mint();
    await admin('DELETE', `/partners/yourbank/portal/links/${revoked.session_id}`);
    g.clock.now = new Date(Date.now() - 2 * 3600_000);
    const expired = await mint({ ttl_hours: 1 });
    g.clock.now = undefined;
    const used = await mint();
    const b = await signedUp(used);
    const a = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'cust-001', transactions: txs },
    });
    await g.gw.portal.complete(used.session_id, a.body.assessment_id);
    const tries = [
      `/p/nosuchbank?t=${valid.token}`,
      `/p/yourbank?t=${valid.token.slice(0, -1)}${valid.token.endsWith('A') ? 'B' : 'A'}`, // one character off
      `/p/yourbank?t=short`,
      `/p/yourbank?t=${'x'.repeat(5000)}`,
      '/p/yourbank',
      `/p/yourbank?t=${expired.token}`,
      `/p/yourbank?t=${used.token}`,
      `/p/yourbank?t=${revoked.token}`,
      `/p/yourbank?t=${other.token}`, // another partner's valid token on this slug
      `/p/Bad_Slug!?t=${valid.token}`,
      '/p/yourbank/welcome', // no session
      '/p/nosuchbank/welcome',
      '/p/yourbank/nosuchpage',
    ];
    const bodies = new Set<string>();
    for (const path of tries) {
      const r = await new Browser(g.url).get(path);
      expect(r.status, path).to.equal(404);
      expect(r.headers.get('content-type'), path).to.match(/^text\/html/);
      expect(r.headers.get('set-cookie'), path).to.equal(null);
      bodies.add(r.text);
    }
    expect(bodies.size, [...bodies].join('\n-----\n')).to.equal(1);
    expect([...bodies][0]).to.include('This link is not valid');
    expect([...bodies][0]).to.not.include('Your');
    // The completed session's browser has no pages left but the thanks page.
    expect((await b.get('/p/yourbank/connect')).status).to.equal(404);
    // The valid one still opens, once the others have failed.
    expect((await new Browser(g.url).get(`/p/yourbank?t=${valid.token}`)).status).to.equal(303);
  });

  it('binds the latest browser that opens a link: the one before loses the session', async () => {
    const link = await mint();
    const first = new Browser(g.url);
    await first.get(`/p/yourbank?t=${link.token}`);
    expect((await first.get('/p/yourbank/welcome')).status).to.equal(200);
    const second = new Browser(g.url);
    await second.get(`/p/yourbank?t=${link.token}`);
    expect((await second.get('/p/yourbank/welcome')).status).to.equal(200);
    expect((await first.get('/p/yourbank/welcome')).status).to.equal(404);
    // A cookie for another partner's path is not this partner's session either.
    const forged = new Browser(g.url);
    forged.cookies.set('vq_portal', second.cookies.get('vq_portal')!);
    expect((await forged.get('/p/otherbank/welcome')).status).to.equal(404);
  });

  it('completes a session: token dead, portal.assessment_completed delivered signed, customer sent to redirect_url', async function () {
    this.timeout(60_000);
    const link = await mint({ redirect_url: 'https://bank.example.com/return' });
    const b = await signedUp(link);
    const a = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'cust-001', transactions: txs },
    });
    expect(a.status).to.equal(200);
    const before = Date.now();
    const done = await g.gw.portal.complete(link.session_id, a.body.assessment_id);
    expect(done).to.deep.equal({ redirect: 'https://bank.example.com/return' });
    // Completing again with the same assessment answers the same (a retried completion), once.
    expect(await g.gw.portal.complete(link.session_id, a.body.assessment_id)).to.deep.equal(done);
    const hook = await waitFor(
      () => rx.received.find((x) => JSON.parse(x.body.toString()).event === 'portal.assessment_completed'),
      { what: 'the portal.assessment_completed webhook' },
    );
    const body = JSON.parse(hook.body.toString());
    expect(Object.keys(body)).to.deep.equal([
      'event',
      'partner_id',
      'session_id',
      'customer_ref',
      'assessment_id',
      'completed_at',
    ]);
    expect(body).to.deep.include({
      event: 'portal.assessment_completed',
      partner_id: 'yourbank',
      session_id: link.session_id,
      customer_ref: 'cust-001',
      assessment_id: a.body.assessment_id,
    });
    expect(Date.parse(body.completed_at)).to.be.within(before - 1000, Date.now() + 1000);
    expect(hook.headers['x-veqtrx-signature']).to.equal(
      'sha256=' + createHmac('sha256', Buffer.from(p.webhookSecret)).update(hook.body).digest('hex'),
    );
    expect(hook.headers['webhook-id']).to.match(/^whd_/);
    // Recorded as a delivery the partner can list and redeliver, like assessment.completed.
    const deliveries = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body
      .deliveries;
    expect(
      deliveries.filter((x: { event: string }) => x.event === 'portal.assessment_completed'),
    ).to.have.length(1);
    // The token opens nothing now; the session is completed against the assessment.
    expect((await new Browser(g.url).get(`/p/yourbank?t=${link.token}`)).status).to.equal(404);
    const { rows } = await getDb().query<{ status: string; assessment_id: string }>(
      'select status, assessment_id from portal_sessions where session_id = $1',
      [link.session_id],
    );
    expect(rows[0]).to.deep.equal({ status: 'completed', assessment_id: a.body.assessment_id });
    expect((await admin('GET', '/partners/yourbank/portal/links')).body.links[0]).to.include({
      status: 'completed',
      assessment_id: a.body.assessment_id,
    });
    // The browser that finished gets the branded thanks page; any other the generic one.
    const thanks = await b.get('/p/yourbank/thanks');
    expect(thanks.status).to.equal(200);
    expect(thanks.text).to.include('Your &lt;b&gt;Bank&lt;/b&gt; &amp; Co has your result');
    const generic = await new Browser(g.url).get('/p/yourbank/thanks');
    expect(generic.status).to.equal(200);
    expect(generic.text).to.not.include('Your &lt;b&gt;');
    expect(generic.text).to.equal((await new Browser(g.url).get('/p/nosuchbank/thanks')).text);
  });

  it('completes to the thanks page without a redirect_url, and refuses another partner’s assessment', async () => {
    const link = await mint();
    await signedUp(link);
    const other = await createPartner(g.url, 'otherbank');
    const theirs = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: other.key,
      body: { customer_ref: 'x', transactions: txs },
    });
    let refused: unknown;
    await g.gw.portal
      .complete(link.session_id, theirs.body.assessment_id)
      .catch((e: unknown) => (refused = e));
    expect(refused).to.have.property('status', 404);
    const mine = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'cust-001', transactions: txs },
    });
    expect(await g.gw.portal.complete(link.session_id, mine.body.assessment_id)).to.deep.equal({
      redirect: '/p/yourbank/thanks',
    });
  });

  it('limits token guessing per address (429 with Retry-After), for valid tokens too while limited', async function () {
    this.timeout(60_000);
    const limited = await startGateway(getDb(), { PORTAL_TOKEN_FAILURES_PER_ADDRESS: '3' });
    try {
      const link = await mint();
      const b = new Browser(limited.url);
      for (let i = 0; i < 3; i++) expect((await b.get(`/p/yourbank?t=guess${i}`)).status).to.equal(404);
      const fourth = await b.get('/p/yourbank?t=guess4');
      expect(fourth.status).to.equal(429);
      expect(Number(fourth.headers.get('retry-after'))).to.be.greaterThan(0);
      expect(fourth.text).to.include('Too many attempts');
      expect((await b.get(`/p/yourbank?t=${link.token}`)).status).to.equal(429);
    } finally {
      await limited.stop();
    }
  });
});
