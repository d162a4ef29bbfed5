/**
 * The portal's connect step end to end, without a browser: the gateway's connect service starts a
 * provider's hosted flow on the local simulator, the test drives the hosted pages in plain HTTP (get the
 * page, post the form, read the redirect to the completion URL), completes the connection, and assesses
 * the source it returns with POST /assess.
 */
import { expect } from 'chai';
import { ApiError } from '../../src/lib/errors.ts';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { open, queryOf, submit, type Page } from '../helpers/browser.ts';
import { clearTokenCache } from '../../adapters/validifi/index.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { startValidifiSimulator, type ValidifiSimulator } from '../../tools/simulators/validifi.ts';
import { startPlaidSimulator, type PlaidSimulator } from '../../tools/simulators/plaid.ts';

const persona = generatePersona('couple_two_children_mortgage', 1);
const COMPLETION = 'http://127.0.0.1:9/portal/connect/done?portal_session=ps-1';
const customer = { name: 'Ada Lovelace', email: 'ada@example.com' };

/** The refusal a call ends with (an ApiError), or a failure when it succeeds. */
async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

onEachDatabase('connect providers: the hosted flow on the simulators, then an assessment', (_kind, getDb) => {
  let g: Running;
  let vfi: ValidifiSimulator;
  let pl: PlaidSimulator;
  let p: TestPartner;
  let n = 0;
  before(async function () {
    this.timeout(60_000);
    vfi = await startValidifiSimulator();
    pl = await startPlaidSimulator();
    g = await startGateway(getDb(), { PROVIDER_BACKOFF_MS: '20', PROVIDER_RETRIES: '2' });
    // The simulators' histories end on the persona's day.
    g.clock.now = new Date(persona.now);
  });
  after(async () => {
    await g?.stop();
    await vfi?.stop();
    await pl?.stop();
  });
  beforeEach(async function () {
    this.timeout(60_000);
    await reset(getDb());
    clearTokenCache();
    vfi.reset();
    pl.reset();
    p = await createPartner(g.url, `connect-${++n}`);
    const set = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/validifi`, {
      token: await adminToken(),
      body: {
        client_id: vfi.clientId,
        client_secret: vfi.clientSecret,
        environment: 'custom',
        base_url: vfi.url,
        connect_client_id: vfi.connectClientId,
        connect_client_secret: vfi.connectClientSecret,
      },
    });
    // A setup error, not a check: the tests check what they are about.
    if (set.status !== 200)
      throw new Error(`setup: storing the ValidiFI credentials answered ${set.status} ${set.text}`);
    const plaidSet = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/plaid`, {
      token: await adminToken(),
      body: { client_id: pl.clientId, secret: pl.secret, base_url: pl.url },
    });
    if (plaidSet.status !== 200)
      throw new Error(`setup: storing the Plaid credentials answered ${plaidSet.status} ${plaidSet.text}`);
  });

  const assess = (source: unknown) =>
    call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: {
        customer_ref: 'cust-connect',
        circumstances: persona.circumstances,
        declared_income: persona.declared_income,
        source,
      },
    });

  /** Assesses the connected account's history: one assessment, income within a fifth of what the customer declared (the history is theirs), five months or more. */
  const assessTheirs = async (source: unknown) => {
    const r = await assess(source);
    expect(r.status, r.text).to.equal(200);
    expect(r.body.monthly_income).to.be.within(persona.declared_income * 0.8, persona.declared_income * 1.2);
    expect(r.body.months_analyzed).to.be.at.least(5);
    return r;
  };

  describe('ValidiFI CONNECT', () => {
    it('the CONNECT credentials are stored with the ValidiFI ones, both or neither (400 naming the missing one)', async () => {
      const r = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/validifi`, {
        token: await adminToken(),
        body: {
          client_id: vfi.clientId,
          client_secret: vfi.clientSecret,
          environment: 'custom',
          base_url: vfi.url,
          connect_client_id: vfi.connectClientId,
        },
      });
      expect(r.status).to.equal(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['connect_client_secret']);
    });

    const startVfi = () =>
      g.gw.connect.start(p.id, 'validifi', { customer, completionUrl: COMPLETION, reference: `ps-${n}` });

    it('bank, wrong password, login, consent → redirect to the completion URL → a validifi source → one assessment with sensible income', async function () {
      this.timeout(60_000);
      const session = await startVfi();
      expect(session.url.startsWith(`${vfi.url}/connect/`)).to.equal(true);
      const banks = await open(session.url);
      expect(banks.status).to.equal(200);
      expect(banks.html).to.include('Simulated Bank');
      const login = await submit(banks, 'Continue');
      expect(login.html).to.include('Log in to Simulated Bank');
      const wrong = await submit(login, 'Log in', { username: 'ribbit_good', password: 'nope' });
      expect(wrong.html).to.match(/role="alert">The user name or password is not right/);
      const consent = await submit(wrong, 'Log in', { username: 'ribbit_good', password: 'pass_good' });
      expect(consent.html).to.include('Share your account');
      // Without ticking the box, the page asks again.
      const unticked = await submit(consent, 'Link account');
      expect(unticked.status).to.equal(200);
      expect(unticked.html).to.include('Tick the box');
      const done: Page = await submit(unticked, 'Link account', { consent: 'yes' });
      expect(done.status).to.equal(303);
      const back = done.location ?? '';
      expect(back.startsWith('http://127.0.0.1:9/portal/connect/done?')).to.equal(true);
      const query = queryOf(back);
      expect(query).to.deep.include({
        portal_session: 'ps-1',
        sessionToken: session.sessionRef,
        eventName: 'complete',
        connectComplete: 'true',
      });
      expect(back).not.to.match(/sim-connect-/); // the account token never travels through the browser

      const source = await g.gw.connect.complete(p.id, 'validifi', session.sessionRef, query);
      expect(source.type).to.equal('validifi');
      await assessTheirs(source.input);
      expect(vfi.connectCounts).to.deep.equal({ session: 1, status: 1 });
    });

    it('"Cancel" sends the browser back with eventName=exit, and completing is connect_cancelled (409)', async function () {
      this.timeout(60_000);
      const session = await startVfi();
      const login = await submit(await open(session.url), 'Continue');
      const back = await submit(login, 'Cancel');
      expect(back.status).to.equal(303);
      const query = queryOf(back.location ?? '');
      expect(query).to.deep.include({ eventName: 'exit', connectComplete: 'false' });
      const e = await refusal(g.gw.connect.complete(p.id, 'validifi', session.sessionRef, query));
      expect([e.status, e.code]).to.deep.equal([409, 'connect_cancelled']);
    });

    it('an expired session: its page says so (410), and completing is connect_session_expired (409); a made-up completion is connect_not_completed', async function () {
      this.timeout(60_000);
      const early = await startVfi();
      const pending = await refusal(
        g.gw.connect.complete(p.id, 'validifi', early.sessionRef, {
          sessionToken: early.sessionRef,
          eventName: 'complete',
        }),
      );
      expect([pending.status, pending.code]).to.deep.equal([409, 'connect_not_completed']);
      vfi.expireConnectSession(early.sessionRef);
      const page = await open(early.url);
      expect(page.status).to.equal(410);
      expect(page.html).to.include('expired');
      const e = await refusal(g.gw.connect.complete(p.id, 'validifi', early.sessionRef, {}));
      expect([e.status, e.code]).to.deep.equal([409, 'connect_session_expired']);
    });
  });
  describe('Plaid Hosted Link', () => {
    const startPlaid = () =>
      g.gw.connect.start(p.id, 'plaid', {
        customer,
        completionUrl: COMPLETION,
        reference: `ps-${n}`,
        brandName: 'Acme Lending',
      });

    it('institution, wrong password, login, accounts, consent → redirect to the completion URL → a plaid source → one assessment with sensible income', async function () {
      this.timeout(60_000);
      const session = await startPlaid();
      expect(session.url.startsWith(`${pl.url}/hl/`)).to.equal(true);
      const banks = await open(session.url);
      expect(banks.status).to.equal(200);
      const login = await submit(banks, 'Continue');
      expect(login.html).to.include('Log in to Sandbox Bank UK');
      const wrong = await submit(login, 'Submit', { username: 'user_good', password: 'pass_bad' });
      expect(wrong.html).to.match(/role="alert">The username or password provided were not correct/);
      const accounts = await submit(wrong, 'Submit', { username: 'user_good', password: 'pass_good' });
      expect(accounts.html).to.include('Choose the accounts to share');
      const consent = await submit(accounts, 'Continue');
      expect(consent.html).to.include('Acme Lending uses Plaid');
      const unticked = await submit(consent, 'Connect');
      expect(unticked.html).to.include('Agree to share');
      const done = await submit(unticked, 'Connect', { consent: 'yes' });
      expect(done.status).to.equal(303);
      expect(done.location).to.equal(COMPLETION);

      const source = await g.gw.connect.complete(
        p.id,
        'plaid',
        session.sessionRef,
        queryOf(done.location ?? ''),
      );
      expect(source.type).to.equal('plaid');
      const r = await assessTheirs(source.input);
      const ev = (
        await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, {
          key: p.key,
        })
      ).body;
      expect(ev.source.type).to.equal('plaid');
      expect(ev.source.warnings.join(' ')).to.match(/pending transactions were left out/);
      expect(JSON.stringify(ev)).not.to.include((source.input as { access_token: string }).access_token);
      expect(pl.counts).to.deep.include({ linkCreate: 1, linkGet: 1, exchange: 1 });
      expect(pl.counts.sync).to.be.at.least(1);

      // The bank then wants the customer to log in again: the same source is a 409 telling them to reconnect.
      pl.resetLogin((source.input as { access_token: string }).access_token);
      const again = await assess(source.input);
      expect([again.status, again.body.code]).to.deep.equal([409, 'plaid_reconnect_required']);
    });

    it('"Cancel" sends the browser back, and completing is connect_cancelled (409); an expired link is connect_session_expired', async function () {
      this.timeout(60_000);
      const session = await startPlaid();
      const login = await submit(await open(session.url), 'Continue');
      const back = await submit(login, 'Cancel');
      expect([back.status, back.location]).to.deep.equal([303, COMPLETION]);
      const e = await refusal(g.gw.connect.complete(p.id, 'plaid', session.sessionRef, {}));
      expect([e.status, e.code]).to.deep.equal([409, 'connect_cancelled']);

      const late = await startPlaid();
      pl.expireLinkToken(late.sessionRef);
      expect((await open(late.url)).status).to.equal(410);
      const x = await refusal(g.gw.connect.complete(p.id, 'plaid', late.sessionRef, {}));
      expect([x.status, x.code]).to.deep.equal([409, 'connect_session_expired']);
    });
  });
});
