/**
 * The security matrix: every operation of every OpenAPI document (openapi/partner-v1.yaml, admin-v1.yaml,
 * ops-v1.yaml) is called with each kind of credential an attacker or a careless client could send — none,
 * a wrong key, another tenant's key, a disabled key, the other API's credential, an admin token of each
 * bad kind — and from a browser (an `Origin` header). Each answer must be the status the case calls for,
 * documented for the operation (the client checks every answer against the documents), an error body of
 * the documented shape ({"detail": …}), no secret echoed, and no CORS grant.
 *
 * The list of operations is read from the documents and compared with ROWS: a route added to a document
 * without its row here fails the first test.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { parse } from 'yaml';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  ADMIN_SECRET,
  adminToken,
  call,
  createPartner,
  startGateway,
  type Reply,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { startReceiver, waitFor, type Receiver } from '../helpers/receiver.ts';
import { mintAdminToken } from '../../src/services/admin-token.ts';
import { documentJobId } from '../../src/lib/ids.ts';
import { insertReservedJob } from '../../src/store/document-jobs.ts';
import { period } from '../../src/store/usage.ts';

type Operation = { security?: unknown[]; responses: Record<string, unknown> };
type Document = {
  servers: Array<{ url: string }>;
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
};
type DocId = 'partner' | 'admin' | 'ops';

const DOCUMENTS: Record<DocId, Document> = {
  partner: parse(readFileSync(new URL('../../openapi/partner-v1.yaml', import.meta.url), 'utf8')) as Document,
  admin: parse(readFileSync(new URL('../../openapi/admin-v1.yaml', import.meta.url), 'utf8')) as Document,
  ops: parse(readFileSync(new URL('../../openapi/ops-v1.yaml', import.meta.url), 'utf8')) as Document,
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation the documents declare, as "doc METHOD /template", with its declared responses and security. */
const OPERATIONS = new Map<
  string,
  { doc: DocId; method: string; template: string; op: Operation; secured: boolean }
>();
for (const [doc, d] of Object.entries(DOCUMENTS) as Array<[DocId, Document]>) {
  for (const [template, item] of Object.entries(d.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!METHODS.includes(m)) continue;
      const security = op.security ?? d.security ?? [];
      OPERATIONS.set(`${doc} ${m.toUpperCase()} ${template}`, {
        doc,
        method: m.toUpperCase(),
        template,
        op,
        secured: security.length > 0,
      });
    }
  }
}

/** What the rows are run against: partner A owns the resources, B is another tenant, C is the admin API's subject. */
interface Fixture {
  g: Running;
  a: TestPartner;
  b: TestPartner;
  c: TestPartner;
  disabledKey: string;
  assessmentId: string;
  deliveryId: string;
  /** A document job of A's. */
  jobId: string;
}

interface Row {
  /** The request path below the document's server URL; may prepare what the request acts on (called for every request). */
  path(f: Fixture): string | Promise<string>;
  /** A valid body, so that only the credentials are wrong (called for every request). */
  body?(f: Fixture): unknown;
  /** The status with valid credentials. */
  ok: number;
  /** Partner API: the status with another tenant's valid key (404: A's resource does not exist for B). */
  otherTenant?: number;
  /** Partner API: what B must (not) see with its own key, when B is answered with a 2xx. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, read by chai assertions
  isolation?(body: any, f: Fixture): void;
}

const smallAssessment = {
  customer_ref: 'matrix-cust',
  transactions: [
    { date: '2026-10-01', amount: -1500, merchant_name: 'ACME LTD SALARY' },
    { date: '2026-10-02', amount: 600, merchant_name: 'RENT' },
  ],
};
/** Accepted (202) at once; its job then fails (not a statement) and gives its unit back. */
const documentsRequest = {
  customer_ref: 'matrix-docs',
  bank_statements: [{ document: Buffer.from('%PDF-1.4 not really').toString('base64'), filename: 's.pdf' }],
};
let fresh = 0;

/** One row per operation of every document. */
const ROWS: Record<string, Row> = {
  'partner POST /assess': {
    path: () => '/assess',
    body: () => smallAssessment,
    ok: 200,
    otherTenant: 200,
    isolation: (body, f) => expect(body.assessment_id).to.not.equal(f.assessmentId),
  },
  'partner POST /assess/documents': {
    path: () => '/assess/documents',
    body: () => documentsRequest,
    ok: 202,
    otherTenant: 202,
    isolation: (body, f) => expect(body.job_id).to.not.equal(f.jobId),
  },
  'partner GET /jobs/{job_id}': {
    path: (f) => `/jobs/${f.jobId}`,
    ok: 200,
    otherTenant: 404,
  },
  'partner GET /assessment/{assessment_id}': {
    path: (f) => `/assessment/${f.assessmentId}`,
    ok: 200,
    otherTenant: 404,
  },
  'partner GET /assessment/{assessment_id}/evidence': {
    path: (f) => `/assessment/${f.assessmentId}/evidence`,
    ok: 200,
    otherTenant: 404,
  },
  'partner GET /assessment/{assessment_id}/series': {
    path: (f) => `/assessment/${f.assessmentId}/series`,
    ok: 200,
    otherTenant: 404,
  },
  'partner GET /assessment/{assessment_id}/documents/{name}': {
    // A file kept with A's assessment (as a provider's report is).
    path: async (f) => {
      await f.g.gw.db.query(
        `insert into assessment_documents (assessment_id, name, content_type, sha256, content, created_at)
         values ($1, 'matrix-report.pdf', 'application/pdf', $2, $3, now()) on conflict do nothing`,
        [f.assessmentId, '0'.repeat(64), Buffer.from('%PDF-1.4 matrix')],
      );
      return `/assessment/${f.assessmentId}/documents/matrix-report.pdf`;
    },
    ok: 200,
    otherTenant: 404,
  },
  'partner GET /usage': {
    path: () => '/usage',
    ok: 200,
    otherTenant: 200,
    isolation: (body, f) => expect(body.partner_id).to.equal(f.b.id),
  },
  'partner GET /webhooks/deliveries': {
    path: (f) => `/webhooks/deliveries?assessment_id=${f.assessmentId}`,
    ok: 200,
    otherTenant: 200,
    isolation: (body) => expect(body.deliveries).to.deep.equal([]),
  },
  'partner POST /webhooks/deliveries/{delivery_id}/redeliver': {
    path: (f) => `/webhooks/deliveries/${f.deliveryId}/redeliver`,
    ok: 202,
    otherTenant: 404,
  },
  'partner GET /health': { path: () => '/health', ok: 200 },
  'partner GET /openapi.json': { path: () => '/openapi.json', ok: 200 },

  'admin POST /partners': {
    path: () => '/partners',
    body: () => ({ partner_id: `matrix-new-${++fresh}`, tier: 'pilot' }),
    ok: 201,
  },
  'admin GET /partners': { path: () => '/partners', ok: 200 },
  'admin GET /partners/{partner_id}': { path: (f) => `/partners/${f.c.id}`, ok: 200 },
  'admin PUT /partners/{partner_id}': {
    path: (f) => `/partners/${f.c.id}`,
    body: () => ({ display_name: 'Matrix C' }),
    ok: 200,
  },
  'admin POST /partners/{partner_id}/keys': { path: (f) => `/partners/${f.c.id}/keys`, ok: 201 },
  'admin DELETE /partners/{partner_id}/keys/{key_id}': {
    // A key of C's made for this request, so that every request has one to disable.
    path: async (f) =>
      `/partners/${f.c.id}/keys/${(await admin(f, 'POST', `/partners/${f.c.id}/keys`)).body.key_id}`,
    ok: 200,
  },
  'admin POST /partners/{partner_id}/webhook-secret': {
    path: (f) => `/partners/${f.c.id}/webhook-secret`,
    ok: 200,
  },
  'admin GET /partners/{partner_id}/assessment-settings': {
    path: (f) => `/partners/${f.c.id}/assessment-settings`,
    ok: 200,
  },
  'admin PUT /partners/{partner_id}/assessment-settings': {
    path: (f) => `/partners/${f.c.id}/assessment-settings`,
    body: () => ({ stress: { income_fall_pct: 15 } }),
    ok: 200,
  },
  'admin POST /partners/{partner_id}/production': { path: (f) => `/partners/${f.c.id}/production`, ok: 200 },
  'admin GET /partners/{partner_id}/providers': { path: (f) => `/partners/${f.c.id}/providers`, ok: 200 },
  'admin PUT /partners/{partner_id}/providers/{provider}': {
    path: (f) => `/partners/${f.c.id}/providers/validifi`,
    body: () => validifiCredentials,
    ok: 200,
  },
  'admin DELETE /partners/{partner_id}/providers/{provider}': {
    // Credentials stored for this request, so that every request has some to delete.
    path: async (f) => {
      await admin(f, 'PUT', `/partners/${f.c.id}/providers/validifi`, validifiCredentials);
      return `/partners/${f.c.id}/providers/validifi`;
    },
    ok: 204,
  },
  'admin GET /partners/{partner_id}/portal': { path: (f) => `/partners/${f.c.id}/portal`, ok: 200 },
  'admin PUT /partners/{partner_id}/portal': {
    path: (f) => `/partners/${f.c.id}/portal`,
    body: () => ({ portal_enabled: true, allowed_redirect_domains: ['bank.example.com'] }),
    ok: 200,
  },
  'admin POST /partners/{partner_id}/portal/links': {
    // C's portal enabled for this request, so that a link can be minted.
    path: async (f) => {
      await admin(f, 'PUT', `/partners/${f.c.id}/portal`, { portal_enabled: true });
      return `/partners/${f.c.id}/portal/links`;
    },
    body: () => ({ customer_ref: 'matrix-portal' }),
    ok: 201,
  },
  'admin GET /partners/{partner_id}/portal/links': {
    path: (f) => `/partners/${f.c.id}/portal/links`,
    ok: 200,
  },
  'admin DELETE /partners/{partner_id}/portal/links/{session_id}': {
    // A link of C's minted for this request, so that every request has one to revoke.
    path: async (f) => {
      await admin(f, 'PUT', `/partners/${f.c.id}/portal`, { portal_enabled: true });
      const link = await admin(f, 'POST', `/partners/${f.c.id}/portal/links`, {
        customer_ref: 'matrix-revoke',
      });
      return `/partners/${f.c.id}/portal/links/${link.body.session_id}`;
    },
    ok: 200,
  },
  'admin GET /assessments': { path: (f) => `/assessments?partner_id=${f.a.id}`, ok: 200 },
  'admin GET /jobs': { path: (f) => `/jobs?partner_id=${f.a.id}`, ok: 200 },
  'admin POST /jobs/{job_id}/cancel': {
    // A job of C's still processing, made for this request (its unit reserved), so that every request has one to cancel.
    path: async (f) => {
      const id = documentJobId();
      await insertReservedJob(f.g.gw.db, {
        id,
        partner_id: f.c.id,
        period: period(new Date()),
        is_test: true,
        request: {},
        documents: [],
        estimated_seconds: 5,
        created_at: new Date(),
      });
      return `/jobs/${id}/cancel`;
    },
    ok: 200,
  },

  'ops GET /metrics': { path: () => '/metrics', ok: 200 },
  'ops GET /docs': { path: () => '/docs', ok: 200 },
  // Verified by the provider's signature, not by a key: an unsigned call is refused whatever else it carries.
  'ops POST /hooks/analyses/{provider}/{partner_id}': {
    path: (f) => `/hooks/analyses/decisioning_api/${f.a.id}`,
    body: () => ({ eventName: 'analysis_completed', payload: { analysisId: 'x' } }),
    ok: 401,
  },
};

const validifiCredentials = {
  client_id: 'matrix-client',
  client_secret: 'matrix-client-secret-value',
  environment: 'sandbox',
};
const admin = async (f: Fixture, method: string, path: string, body?: unknown) => {
  const r = await call(f.g.url, method, `/api/admin${path}`, {
    token: await adminToken(),
    ...(body !== undefined ? { body } : {}),
  });
  if (r.status >= 300) throw new Error(`setup: admin ${method} ${path} answered ${r.status} ${r.text}`);
  return r;
};

/** Admin tokens of each bad kind. */
const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = () => ({
  role: 'admin',
  iss: 'veqtrx-gateway',
  aud: 'veqtrx-admin',
  sub: 'matrix',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
});
const jwt = (payload: Record<string, unknown>, alg: 'HS256' | 'HS512' = 'HS256', secret = ADMIN_SECRET) =>
  new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(enc(secret));
const badAdminTokens: Record<string, () => Promise<string>> = {
  'an expired admin token': () => mintAdminToken(ADMIN_SECRET, -60),
  'an admin token with a wrong signature': () => mintAdminToken(`not-${ADMIN_SECRET}`, 600),
  'an admin token for another audience': () => jwt({ ...claims(), aud: 'veqtrx-partner' }),
  'an admin token from another issuer': () => jwt({ ...claims(), iss: 'someone-else' }),
  'an admin token without the admin role': () => jwt({ ...claims(), role: 'partner' }),
  'an admin token without an expiry': () => jwt((({ exp: _e, ...c }) => c)(claims())),
  'an unsigned admin token (alg none)': () =>
    Promise.resolve(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`),
  'an admin token signed with HS512': () => jwt(claims(), 'HS512'),
};

type Expectation = 'ok' | 'otherTenant' | 401 | 403;
interface Case {
  name: string;
  /** The request's headers for a route of `doc`. */
  headers(f: Fixture, doc: DocId): Promise<Record<string, string>>;
  /** What a secured operation of `doc` must answer. */
  expect: Record<'partner' | 'admin', Expectation>;
  /** The secret the case presents, which no answer may echo. */
  secret?(f: Fixture): string;
}

const ORIGIN = { origin: 'https://evil.example' };
const both = (k: string) => ({ 'x-partner-key': k, authorization: `Bearer ${k}` });
const valid = async (f: Fixture, doc: DocId): Promise<Record<string, string>> =>
  doc === 'admin' ? { authorization: `Bearer ${await adminToken()}` } : { 'x-partner-key': f.a.key };
const randomKey = (prefix: string) =>
  `prt_${prefix}_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32)}`;

const CASES: Case[] = [
  { name: 'valid credentials', headers: valid, expect: { partner: 'ok', admin: 'ok' } },
  { name: 'no credentials', headers: () => Promise.resolve({}), expect: { partner: 401, admin: 401 } },
  {
    name: 'a wrong key for a known partner',
    headers: (f) => Promise.resolve(both(randomKey(f.a.id))),
    expect: { partner: 401, admin: 401 },
  },
  {
    name: 'a key for an unknown partner',
    headers: () => Promise.resolve(both(randomKey('nobody'))),
    expect: { partner: 401, admin: 401 },
  },
  {
    name: 'a malformed key',
    headers: () => Promise.resolve(both('hello')),
    expect: { partner: 401, admin: 401 },
  },
  {
    name: "another tenant's key",
    headers: (f) => Promise.resolve(both(f.b.key)),
    expect: { partner: 'otherTenant', admin: 401 },
    secret: (f) => f.b.key,
  },
  {
    name: 'a disabled key',
    headers: (f) => Promise.resolve(both(f.disabledKey)),
    expect: { partner: 401, admin: 401 },
    secret: (f) => f.disabledKey,
  },
  {
    name: "the other API's valid credential",
    headers: async (f, doc) =>
      doc === 'admin' ? both(f.a.key) : { authorization: `Bearer ${await adminToken()}` },
    expect: { partner: 401, admin: 401 },
    secret: (f) => f.a.key,
  },
  ...Object.entries(badAdminTokens).map(([name, token]): Case => ({
    name,
    headers: async () => ({ authorization: `Bearer ${await token()}` }),
    expect: { partner: 401, admin: 401 },
  })),
  // A browser: partner keys are refused from one (403); the admin API documents no 403 and answers as it
  // would without the Origin — and neither grants CORS, so a page cannot read what it is sent.
  {
    name: 'a browser Origin with valid credentials',
    headers: async (f, doc) => ({ ...(await valid(f, doc)), ...ORIGIN }),
    expect: { partner: 403, admin: 'ok' },
  },
  {
    name: 'a browser Origin without credentials',
    headers: () => Promise.resolve(ORIGIN),
    expect: { partner: 403, admin: 401 },
  },
];

const ERROR_KEYS = ['detail', 'code', 'errors'];

describe('security matrix: the table', () => {
  it('has a row for every operation of every OpenAPI document, and none for an operation they do not declare', () => {
    expect(OPERATIONS.size, 'no operations read from openapi/').to.be.greaterThan(0);
    const missing = [...OPERATIONS.keys()].filter((k) => !(k in ROWS));
    const stale = Object.keys(ROWS).filter((k) => !OPERATIONS.has(k));
    expect(missing, 'operations without rows in the security matrix: add them to ROWS').to.deep.equal([]);
    expect(stale, 'rows for operations no document declares').to.deep.equal([]);
  });

  it('declares 401 for every secured operation, and 403 (browser refusal) for every secured partner operation', () => {
    for (const [k, o] of OPERATIONS) {
      if (!o.secured) continue;
      expect(Object.keys(o.op.responses), k).to.include('401');
      if (o.doc === 'partner') expect(Object.keys(o.op.responses), k).to.include('403');
    }
  });
});

onEachDatabase('security matrix', (_kind, getDb) => {
  let f: Fixture;
  let rx: Receiver | undefined;
  before(async function () {
    this.timeout(300_000);
    await reset(getDb());
    rx = await startReceiver();
    // The matrix sends hundreds of failed authentications from one address on purpose: the failed-attempt
    // limits (auth-under-attack.test.ts tests them) would answer 429 long before it is done.
    const g = await startGateway(getDb(), {
      AUTH_FAILURES_PER_ADDRESS: '1000000',
      AUTH_FAILURES_PER_PREFIX: '1000000',
    });
    const a = await createPartner(g.url, 'matrix-a', { webhook_url: rx.url });
    const b = await createPartner(g.url, 'matrix-b');
    const c = await createPartner(g.url, 'matrix-c');
    f = { g, a, b, c, disabledKey: '', assessmentId: '', deliveryId: '', jobId: '' };
    const spare = await admin(f, 'POST', `/partners/${a.id}/keys`);
    await admin(f, 'DELETE', `/partners/${a.id}/keys/${spare.body.key_id}`);
    f.disabledKey = spare.body.api_key;
    const assessed = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: a.key,
      body: smallAssessment,
    });
    if (assessed.status !== 200)
      throw new Error(`setup: /assess answered ${assessed.status} ${assessed.text}`);
    f.assessmentId = assessed.body.assessment_id;
    const job = await call(g.url, 'POST', '/api/partner/v1/assess/documents', {
      key: a.key,
      body: documentsRequest,
    });
    if (job.status !== 202) throw new Error(`setup: /assess/documents answered ${job.status} ${job.text}`);
    f.jobId = job.body.job_id;
    // Delivered first, so that redelivering it (the valid case) starts from a settled delivery.
    f.deliveryId = await waitFor(
      async () => {
        const d = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: a.key })).body
          .deliveries[0];
        return d && d.state !== 'pending' ? (d.delivery_id as string) : undefined;
      },
      { what: "A's webhook delivered" },
    );
  });
  after(async () => {
    await f?.g.stop();
    await rx?.close();
  });

  for (const [key, row] of Object.entries(ROWS)) {
    it(`${key}: ${CASES.length} kinds of caller`, async function () {
      this.timeout(120_000);
      const o = OPERATIONS.get(key);
      if (!o) throw new Error(`${key} is in ROWS but in no document (see the first test)`);
      const base = DOCUMENTS[o.doc].servers[0]!.url.replace(/\/$/, '');
      for (const c of CASES) {
        const what = `${key} with ${c.name}`;
        let want: number;
        if (o.doc === 'ops' || !o.secured) want = row.ok;
        else {
          const e = c.expect[o.doc];
          want = e === 'ok' ? row.ok : e === 'otherTenant' ? (row.otherTenant ?? Number.NaN) : e;
        }
        expect(Number.isNaN(want), `${key}: the row does not say what another tenant gets`).to.equal(false);
        const headers = await c.headers(f, o.doc);
        const path = `${base}${await row.path(f)}`;
        let r: Reply;
        try {
          // The client checks the answer against the documents: a status or body they do not declare throws.
          r = await call(f.g.url, o.method, path, { headers, ...(row.body ? { body: row.body(f) } : {}) });
        } catch (e) {
          throw new Error(`${what}: ${(e as Error).message}`);
        }
        expect(r.status, `${what}: ${r.text.slice(0, 300)}`).to.equal(want);
        expect(Object.keys(o.op.responses), `${what}: ${r.status} is not documented`).to.include(
          String(r.status),
        );
        expect(r.headers.get('access-control-allow-origin'), `${what}: grants CORS`).to.equal(null);
        if (r.status >= 400) {
          expect(r.headers.get('content-type') ?? '', what).to.match(/^application\/json/);
          expect(r.body, what).to.be.an('object');
          expect(r.body.detail, what).to.be.a('string').and.not.equal('');
          expect(
            Object.keys(r.body).filter((k) => !ERROR_KEYS.includes(k)),
            `${what}: unexpected fields in the error`,
          ).to.deep.equal([]);
          if (r.status === 403) expect(r.body.code, what).to.equal('browser_request_refused');
        }
        const secret =
          c.secret?.(f) ?? headers['x-partner-key'] ?? headers.authorization?.replace(/^Bearer /, '');
        if (secret && r.status >= 400)
          expect(r.text, `${what}: the answer echoes the credential`).to.not.include(secret);
        if (o.doc === 'partner' && c.expect.partner === 'otherTenant' && r.status < 300)
          row.isolation?.(r.body, f);
      }
    });
  }
});
