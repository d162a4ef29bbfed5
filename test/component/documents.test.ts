/**
 * `POST /assess/documents` and `GET /jobs/{job_id}` end to end on the real app: statements drawn by the
 * generator (tools/statements, with their truth) → 202 → the job polled to its end → the assessment, its
 * evidence (reconciliation per statement, payslip matches) and its webhook; each kind of failure with its
 * reason and no charge; quota reservations; idempotency; another partner's job.
 */
import { expect } from 'chai';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  figures,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { startReceiver, waitFor, type Receiver } from '../helpers/receiver.ts';
import { personaRows, personaStatements } from '../../tools/statements/personas.ts';
import { renderPayslip } from '../../tools/statements/payslip.ts';
import type { Rendered } from '../../tools/statements/render.ts';
import { pdfOf, png } from '../unit/documents/draw.ts';
import { textBomb } from '../unit/documents/hostile.ts';

/** A PDF of `n` pages of text. */
const pagesPdf = (n: number) =>
  pdfOf((doc) => {
    for (let i = 1; i <= n; i++) doc.addPage().text(`Page ${i} of a long document`);
  });
/** A scanned statement: a page that is an image, with no text layer. */
const scanPdf = () =>
  pdfOf((doc) => {
    doc.addPage();
    doc.image(png(600, 840), 0, 0, { width: 595 });
  });

const MONTHS = ['2026-07', '2026-08', '2026-09'];
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Three monthly Barclays statements of a salaried renter, and payslips for the salaries in them. */
async function fixtures() {
  const statements = await personaStatements({
    bank: 'barclays',
    persona: 'salaried_single_renter',
    months: MONTHS,
  });
  const salary = personaRows('salaried_single_renter').filter(
    (r) =>
      r.amount_minor < 0 && /ACME/.test(r.description) && r.date >= '2026-07-01' && r.date <= '2026-09-30',
  );
  const payslips = await Promise.all(
    salary.map(
      async (p) =>
        (
          await renderPayslip({
            style: 'boxed',
            employer: 'Acme Logistics Limited',
            employee: 'MRS SARAH AHMED',
            pay_date: `${p.date.slice(0, 8)}25`,
            period: { start: `${p.date.slice(0, 8)}01`, end: `${p.date.slice(0, 8)}28` },
            tax_month: 4,
            net_minor: -p.amount_minor,
          })
        ).pdf,
    ),
  );
  const [encrypted] = await personaStatements({
    bank: 'barclays',
    persona: 'salaried_single_renter',
    months: ['2026-09'],
    faults: { password: 'secret' },
  });
  const [broken] = await personaStatements({
    bank: 'barclays',
    persona: 'salaried_single_renter',
    months: ['2026-09'],
    faults: { totalOut: 500 },
  });
  return {
    statements,
    payslips,
    salary,
    encrypted: encrypted!,
    broken: broken!,
    pages51: await pagesPdf(51),
    scan: await scanPdf(),
  };
}

type Fixtures = Awaited<ReturnType<typeof fixtures>>;

const statementFiles = (ss: Rendered[]) =>
  ss.map((s, i) => ({ document: b64(s.pdf), filename: `statement-${i + 1}.pdf` }));

/** A multipart body as fetch would send it: its bytes and its Content-Type (with the boundary). */
async function multipart(
  parts: Array<[string, string] | [string, Uint8Array, string]>,
): Promise<{ raw: Uint8Array; type: string }> {
  const fd = new FormData();
  for (const p of parts) {
    if (p.length === 2) fd.append(p[0], p[1]);
    else fd.append(p[0], new Blob([p[1]], { type: 'application/pdf' }), p[2]);
  }
  const req = new Request('http://127.0.0.1/', { method: 'POST', body: fd });
  return { raw: new Uint8Array(await req.arrayBuffer()), type: req.headers.get('content-type') ?? '' };
}

/** A PDF with text that is not a statement (a payslip serves). */
const notPdf = Buffer.from('this is not a PDF at all\n');

onEachDatabase('documents: POST /assess/documents and GET /jobs', (kind, getDb) => {
  let g: Running;
  let rx: Receiver;
  let fx: Fixtures;
  let a: TestPartner;
  let b: TestPartner;
  before(async function () {
    this.timeout(300_000);
    fx = await fixtures();
    await reset(getDb());
    rx = await startReceiver();
    g = await startGateway(getDb());
    a = await createPartner(g.url, 'docs-a', { webhook_url: rx.url });
    b = await createPartner(g.url, 'docs-b');
  });
  after(async () => {
    await g?.stop();
    await rx?.close();
  });

  const submit = (key: string, body: unknown, headers: Record<string, string> = {}) =>
    call(g.url, 'POST', '/api/partner/v1/assess/documents', { key, body, headers });
  const job = (key: string, id: string) => call(g.url, 'GET', `/api/partner/v1/jobs/${id}`, { key });
  /** Polls the job until it has ended (generous: a busy 2-core host reads a few documents in seconds). */
  const ended = (key: string, id: string) =>
    waitFor(
      async () => {
        const r = await job(key, id);
        return r.body.status === 'processing' ? undefined : r.body;
      },
      { timeoutMs: 180_000, intervalMs: 100, what: `job ${id} ended` },
    );
  const used = async (key: string) =>
    (await call(g.url, 'GET', '/api/partner/v1/usage', { key })).body.current_usage as number;

  it('202 → processing → completed: the assessment, its evidence (reconciliation, payslip matches) and the webhook', async function () {
    this.timeout(300_000);
    const before = await used(a.key);
    const r = await submit(a.key, {
      customer_ref: 'docs-cust-1',
      external_reference: 'loan-77',
      bank_statements: statementFiles(fx.statements),
      supporting_documents: {
        payslips: fx.payslips.map((p, i) => ({
          document: b64(p),
          filename: `payslip-${i + 1}.pdf`,
          period: MONTHS[i],
        })),
      },
      circumstances: { housing: 'renter', household_adults: 1, children_u16: 0, children_16_18: 0 },
      proposed_credit: { amount: 2000, term_months: 24, monthly_repayment: 95 },
    });
    expect(r.status, r.text).to.equal(202);
    expect(r.body).to.include({ status: 'processing', poll_url: `/api/partner/v1/jobs/${r.body.job_id}` });
    expect(r.body.estimated_time).to.be.a('number').above(0);
    // The unit is reserved at once.
    expect(await used(a.key)).to.equal(before + 1);
    const done = await ended(a.key, r.body.job_id);
    expect(done.status, JSON.stringify(done.failures)).to.equal('completed');
    expect(done.failures).to.deep.equal([]);
    expect(done.documents).to.have.length(6);
    expect(await used(a.key)).to.equal(before + 1); // charged once: the reservation
    const assessment = await call(g.url, 'GET', `/api/partner/v1/assessment/${done.assessment_id}`, {
      key: a.key,
    });
    expect(assessment.status).to.equal(200);
    const truthRows = fx.statements.reduce((n, s) => n + s.truth.transactions.length, 0);
    expect(assessment.body).to.include({ customer_ref: 'docs-cust-1', partner_ref: 'loan-77' });
    // The proposed credit of the request (the same meta as /assess): the repayment as stated, the APR implied.
    expect(assessment.body.proposed_credit).to.include({
      amount: 2000,
      term_months: 24,
      monthly_repayment: 95,
    });
    expect(assessment.body.transactions_analyzed).to.equal(truthRows);
    expect(
      assessment.body.warnings.filter((w: { code: string }) => w.code === 'payslip_unmatched'),
    ).to.deep.equal([]);
    const evidence = await call(g.url, 'GET', `/api/partner/v1/assessment/${done.assessment_id}/evidence`, {
      key: a.key,
    });
    expect(evidence.status).to.equal(200);
    expect(evidence.body.proposed_credit).to.include({ apr_basis: 'implied', repayment_basis: 'stated' });
    const meta = evidence.body.source.metadata;
    expect(evidence.body.source.type).to.equal('documents');
    expect(meta.statements).to.have.length(3);
    for (const [i, s] of meta.statements.entries()) {
      expect(s.reconciliation.ok, `statement ${i}`).to.equal(true);
      expect(s.bank).to.equal('barclays');
      expect(s.transactions).to.equal(fx.statements[i]!.truth.transactions.length);
      expect(s.opening_balance_minor).to.equal(fx.statements[i]!.truth.opening_minor);
      expect(s.closing_balance_minor).to.equal(fx.statements[i]!.truth.closing_minor);
    }
    expect(meta.reconciliation.gaps).to.deep.equal([]);
    expect(meta.payslips.map((p: { status: string }) => p.status)).to.deep.equal([
      'matched',
      'matched',
      'matched',
    ]);
    expect(
      meta.payslips.map((p: { matched_transaction: { date: string } }) => p.matched_transaction.date),
    ).to.deep.equal(fx.salary.map((s) => s.date));
    expect(meta.payslips.every((p: { income_verified: boolean }) => p.income_verified)).to.equal(true);
    // A partner in test mode (every new one): stored as a test assessment, as /assess does.
    const listed = await call(g.url, 'GET', `/api/admin/assessments?partner_id=${a.id}`, {
      token: await adminToken(),
    });
    expect(
      listed.body.assessments.find((x: { assessment_id: string }) => x.assessment_id === done.assessment_id),
    ).to.include({
      source: 'documents',
      is_test_mode: true,
    });
    // The standard webhook, with the assessment as its body.
    const hook = await waitFor(
      () => rx.received.find((h) => h.body.toString().includes(String(done.assessment_id))),
      {
        timeoutMs: 60_000,
        what: 'the assessment.completed webhook',
      },
    );
    expect(JSON.parse(hook.body.toString())).to.deep.equal(assessment.body);
  });

  const submitMultipart = async (
    key: string,
    parts: Parameters<typeof multipart>[0],
    headers: Record<string, string> = {},
  ) => {
    const m = await multipart(parts);
    return call(g.url, 'POST', '/api/partner/v1/assess/documents', {
      key,
      raw: m.raw,
      headers: { 'content-type': m.type, ...headers },
    });
  };

  it('multipart/form-data: files as parts and a `request` JSON part give the same assessment as the JSON form; form fields work too', async function () {
    this.timeout(300_000);
    const fields = { customer_ref: 'mp-1', circumstances: { housing: 'renter', household_adults: 1 } };
    const two = fx.statements.slice(0, 2);
    const viaJson = await submit(a.key, {
      ...fields,
      bank_statements: statementFiles(two),
      supporting_documents: {
        payslips: [{ document: b64(fx.payslips[0]!), filename: 'p.pdf', period: '2026-07' }],
      },
    });
    const viaParts = await submitMultipart(a.key, [
      ['request', JSON.stringify({ ...fields, payslip_periods: ['2026-07'] })],
      ['bank_statements', two[0]!.pdf, 'statement-1.pdf'],
      ['bank_statements', two[1]!.pdf, 'statement-2.pdf'],
      ['payslips', fx.payslips[0]!, 'p.pdf'],
    ]);
    expect(viaJson.status, viaJson.text).to.equal(202);
    expect(viaParts.status, viaParts.text).to.equal(202);
    const [j, m] = [await ended(a.key, viaJson.body.job_id), await ended(a.key, viaParts.body.job_id)];
    expect([j.status, m.status]).to.deep.equal(['completed', 'completed']);
    expect(m.documents).to.deep.equal(j.documents);
    const get = async (id: string) =>
      (await call(g.url, 'GET', `/api/partner/v1/assessment/${id}`, { key: a.key })).body;
    expect(figures(await get(m.assessment_id))).to.deep.equal(figures(await get(j.assessment_id)));
    // The fields as form fields (objects as JSON text).
    const viaFields = await submitMultipart(a.key, [
      ['customer_ref', 'mp-2'],
      ['declared_income', '2100.50'],
      ['circumstances', JSON.stringify({ housing: 'renter' })],
      ['proposed_credit', JSON.stringify({ amount: 1000, term_months: 12, apr: 9.9 })],
      ['bank_statements', two[0]!.pdf, 'statement-1.pdf'],
    ]);
    expect(viaFields.status, viaFields.text).to.equal(202);
    const f = await ended(a.key, viaFields.body.job_id);
    expect(f.status).to.equal('completed');
    expect((await get(f.assessment_id)).proposed_credit).to.include({ amount: 1000, apr: 9.9 });
  });

  it('multipart refusals: an unknown part, no statement, both a request part and fields (400), over 20 MB of files or 21 MB of body (413); the same Idempotency-Key across the two forms is the same request', async function () {
    this.timeout(300_000);
    const pdf = fx.statements[0]!.pdf;
    const unknown = await submitMultipart(a.key, [
      ['customer_ref', 'x'],
      ['passport', pdf, 'p.pdf'],
    ]);
    expect(unknown.status).to.equal(400);
    expect(unknown.body.detail).to.match(/Unknown file part "passport"/);
    const none = await submitMultipart(a.key, [['customer_ref', 'x']]);
    expect(none.status).to.equal(400);
    expect(none.body.errors[0].path).to.equal('bank_statements');
    const both = await submitMultipart(a.key, [
      ['request', JSON.stringify({ customer_ref: 'x' })],
      ['customer_ref', 'y'],
      ['bank_statements', pdf, 's.pdf'],
    ]);
    expect(both.status).to.equal(400);
    // Limits: over 20 MB of files (a body under 21 MB) is documents_too_large; a body over 21 MB is body_too_large.
    const over = await submitMultipart(a.key, [
      ['customer_ref', 'x'],
      ['bank_statements', new Uint8Array(Math.round(10.3 * 1024 * 1024)), 'a.pdf'],
      ['bank_statements', new Uint8Array(Math.round(10.3 * 1024 * 1024)), 'b.pdf'],
    ]);
    expect(over.status).to.equal(413);
    expect(over.body.code).to.equal('documents_too_large');
    expect(over.body.detail).to.match(/at most 20 MB of documents/);
    const huge = await submitMultipart(a.key, [
      ['customer_ref', 'x'],
      ['bank_statements', new Uint8Array(22 * 1024 * 1024), 'a.pdf'],
    ]);
    expect(huge.status).to.equal(413);
    expect(huge.body.code).to.equal('body_too_large');
    expect(huge.body.detail).to.match(/at most 21 MB as multipart/);
    const headers = { 'idempotency-key': 'docs-idem-forms' };
    const first = await submit(
      a.key,
      { customer_ref: 'forms', bank_statements: [{ document: b64(pdf), filename: 's.pdf' }] },
      headers,
    );
    expect(first.status).to.equal(202);
    const again = await submitMultipart(
      a.key,
      [
        ['customer_ref', 'forms'],
        ['bank_statements', pdf, 's.pdf'],
      ],
      headers,
    );
    expect(again.status).to.equal(202);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body.job_id).to.equal(first.body.job_id);
    await ended(a.key, first.body.job_id);
  });

  it('another partner cannot see the job (404), nor a malformed id', async function () {
    this.timeout(300_000);
    const r = await submit(a.key, {
      customer_ref: 'x',
      bank_statements: statementFiles(fx.statements.slice(0, 1)),
    });
    expect(r.status).to.equal(202);
    expect((await job(b.key, r.body.job_id)).status).to.equal(404);
    expect((await job(a.key, 'job_nope')).status).to.equal(404);
    await ended(a.key, r.body.job_id);
  });

  it('each kind of failure fails the job with its reason per document, at no charge', async function () {
    this.timeout(300_000);
    const cases: Array<{ what: string; body: Record<string, unknown>; document: string; reason: string }> = [
      {
        what: 'an encrypted statement',
        body: { bank_statements: statementFiles([fx.statements[0]!, fx.encrypted]) },
        document: 'bank_statements[1]',
        reason: 'encrypted',
      },
      {
        what: 'a scanned statement (image only)',
        body: { bank_statements: [{ document: b64(fx.scan), filename: 'scan.pdf' }] },
        document: 'bank_statements[0]',
        reason: 'image_only',
      },
      {
        what: 'a corrupt PDF (cut short)',
        body: {
          bank_statements: [{ document: b64(fx.statements[0]!.pdf.subarray(0, 600)), filename: 'cut.pdf' }],
        },
        document: 'bank_statements[0]',
        reason: 'corrupt',
      },
      {
        what: 'a statement of more than 50 pages',
        body: { bank_statements: [{ document: b64(fx.pages51), filename: 'long.pdf' }] },
        document: 'bank_statements[0]',
        reason: 'too_many_pages',
      },
      {
        what: 'not a PDF',
        body: { bank_statements: [{ document: b64(notPdf), filename: 'notes.txt' }] },
        document: 'bank_statements[0]',
        reason: 'not_pdf',
      },
      {
        what: 'a payslip given as a statement',
        body: { bank_statements: [{ document: b64(fx.payslips[0]!), filename: 'payslip.pdf' }] },
        document: 'bank_statements[0]',
        reason: 'not_a_statement',
      },
      {
        what: 'a statement given as a payslip',
        body: {
          bank_statements: statementFiles(fx.statements.slice(0, 1)),
          supporting_documents: {
            payslips: [{ document: b64(fx.statements[1]!.pdf), filename: 'slip.pdf' }],
          },
        },
        document: 'supporting_documents.payslips[0]',
        reason: 'not_a_payslip',
      },
      {
        what: 'a credit report that is not a PDF',
        body: {
          bank_statements: statementFiles(fx.statements.slice(0, 1)),
          supporting_documents: { credit_report: { document: b64(notPdf), filename: 'credit.pdf' } },
        },
        document: 'supporting_documents.credit_report',
        reason: 'not_pdf',
      },
    ];
    const before = await used(a.key);
    for (const c of cases) {
      const r = await submit(a.key, { customer_ref: 'fail', ...c.body });
      expect(r.status, `${c.what}: ${r.text}`).to.equal(202);
      const done = await ended(a.key, r.body.job_id);
      expect(done.status, c.what).to.equal('failed');
      expect(done.assessment_id, c.what).to.equal(null);
      expect(
        done.failures.map((f: { document: string; reason: string }) => [f.document, f.reason]),
        c.what,
      ).to.deep.equal([[c.document, c.reason]]);
      expect(done.failures[0].detail, c.what).to.be.a('string').and.not.equal('');
    }
    expect(await used(a.key), 'failed jobs are not charged').to.equal(before);
    // A job's files are deleted once it has ended.
    await waitFor(
      async () =>
        (await g.gw.db.query<{ n: number }>('select count(*)::int as n from document_job_files')).rows[0]
          ?.n === 0,
      { timeoutMs: 60_000, what: "the ended jobs' files deleted" },
    );
  });

  it("a hostile PDF (a text bomb) fails its job on the reader's limits while the gateway keeps answering", async function () {
    if (kind !== 'pglite') this.skip(); // the reader is the same on either database; 20 s is enough once
    this.timeout(300_000);
    const bomb = textBomb(1_000_000);
    const r = await submit(a.key, {
      customer_ref: 'bomb',
      bank_statements: [{ document: b64(bomb), filename: 'bomb.pdf' }],
    });
    expect(r.status).to.equal(202);
    // While it is being read, other requests are answered.
    await waitFor(async () => (await job(a.key, r.body.job_id)).body.status === 'processing', {
      what: 'the job in progress',
    });
    const health = await call(g.url, 'GET', '/api/partner/v1/health');
    expect(health.status).to.equal(200);
    const done = await ended(a.key, r.body.job_id);
    expect(done.status).to.equal('failed');
    expect(['timeout', 'out_of_memory']).to.include(done.failures[0].reason);
    expect(done.failures[0].detail).to.match(/hostile or damaged/);
  });

  it('an unreadable ID document or rental agreement is a warning; a statement that does not reconcile is assessed with a warning and lower confidence', async function () {
    this.timeout(300_000);
    const r = await submit(a.key, {
      customer_ref: 'warn',
      bank_statements: statementFiles([fx.statements[0]!, fx.statements[1]!, fx.broken]),
      supporting_documents: {
        id_document: { document: b64(notPdf), filename: 'passport.jpg' },
        rental_agreement: { document: b64(fx.payslips[0]!), filename: 'lease.pdf' },
      },
    });
    expect(r.status).to.equal(202);
    const done = await ended(a.key, r.body.job_id);
    expect(done.status, JSON.stringify(done.failures)).to.equal('completed');
    const assessment = (
      await call(g.url, 'GET', `/api/partner/v1/assessment/${done.assessment_id}`, { key: a.key })
    ).body;
    const codes = assessment.warnings.map((w: { code: string }) => w.code);
    expect(codes).to.include('document_unreadable');
    expect(codes).to.include('statement_not_reconciled');
    // The rental agreement (a readable PDF, whatever it holds) is not warned about.
    expect(
      assessment.warnings.filter((w: { detail: string }) => /rental_agreement/.test(w.detail)),
    ).to.deep.equal([]);
    expect(assessment.confidence_score).to.be.at.most(0.5);
    const evidence = (
      await call(g.url, 'GET', `/api/partner/v1/assessment/${done.assessment_id}/evidence`, { key: a.key })
    ).body;
    const broken = evidence.source.metadata.statements[2];
    expect(broken.reconciliation.ok).to.equal(false);
    expect(broken.reconciliation.breaks).to.deep.equal([
      {
        row: null,
        kind: 'total_out',
        expected: broken.reconciliation.breaks[0].expected,
        printed: broken.reconciliation.breaks[0].expected + 500,
        page: 1,
      },
    ]);
  });

  it('quota: a unit is reserved per job in flight, so with one unit left a second job is refused (429)', async function () {
    this.timeout(300_000);
    const p = await createPartner(g.url, 'docs-quota', { monthly_quota: 1 });
    const body = { customer_ref: 'q', bank_statements: statementFiles(fx.statements.slice(0, 1)) };
    const first = await submit(p.key, body);
    expect(first.status).to.equal(202);
    const second = await submit(p.key, body);
    expect(second.status).to.equal(429);
    expect(second.body.code).to.equal('quota_exhausted');
    const done = await ended(p.key, first.body.job_id);
    expect(done.status).to.equal('completed');
    expect(await used(p.key)).to.equal(1);
    // A failed job gives its unit back: with the quota at one, a failing job then a good one both run.
    const q = await createPartner(g.url, 'docs-quota-2', { monthly_quota: 1 });
    const bad = await submit(q.key, {
      customer_ref: 'q',
      bank_statements: [{ document: b64(notPdf), filename: 'x.pdf' }],
    });
    expect(bad.status).to.equal(202);
    expect((await ended(q.key, bad.body.job_id)).status).to.equal('failed');
    expect(await used(q.key)).to.equal(0);
    const good = await submit(q.key, body);
    expect(good.status).to.equal(202);
    expect((await ended(q.key, good.body.job_id)).status).to.equal('completed');
  });

  it('Idempotency-Key: the same request gives the same job; another request with the key is a 422', async function () {
    this.timeout(300_000);
    const body = { customer_ref: 'idem', bank_statements: statementFiles(fx.statements.slice(0, 1)) };
    const headers = { 'idempotency-key': 'docs-idem-1' };
    const before = await used(a.key);
    const first = await submit(a.key, body, headers);
    expect(first.status).to.equal(202);
    const again = await submit(a.key, body, headers);
    expect(again.status).to.equal(202);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.text).to.equal(first.text);
    const other = await submit(a.key, { ...body, customer_ref: 'idem-other' }, headers);
    expect(other.status).to.equal(422);
    expect(other.body.code).to.equal('idempotency_key_reused');
    await ended(a.key, first.body.job_id);
    expect(await used(a.key)).to.equal(before + 1);
  });

  it('refuses what it cannot take: no statements, more than 12, bad base64 (400); over 20 MB of documents (413); not JSON (415)', async function () {
    this.timeout(300_000);
    const one = statementFiles(fx.statements.slice(0, 1))[0]!;
    const none = await submit(a.key, { customer_ref: 'x', bank_statements: [] });
    expect(none.status).to.equal(400);
    expect(none.body.errors[0].path).to.equal('bank_statements');
    const many = await submit(a.key, {
      customer_ref: 'x',
      bank_statements: Array.from({ length: 13 }, () => one),
    });
    expect(many.status).to.equal(400);
    expect(many.body.detail).to.match(/at most 12 bank statements/);
    const bad = await submit(a.key, {
      customer_ref: 'x',
      bank_statements: [{ document: '***', filename: 'a.pdf' }],
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].path).to.equal('bank_statements[0].document');
    // 21 MB of documents in base64 (28 MB of JSON is allowed; 20 MB decoded is not).
    const big = Buffer.alloc(Math.round(6.9 * 1024 * 1024), 1).toString('base64');
    const large = await submit(a.key, {
      customer_ref: 'x',
      bank_statements: [0, 1, 2].map((i) => ({ document: big, filename: `${i}.pdf` })),
    });
    expect(large.status).to.equal(413);
    expect(large.body.code).to.equal('documents_too_large');
    expect(large.body.detail).to.match(/20 MB/);
    const huge = await call(g.url, 'POST', '/api/partner/v1/assess/documents', {
      key: a.key,
      raw: Buffer.alloc(29 * 1024 * 1024, 0x20),
    });
    expect(huge.status).to.equal(413);
    expect(huge.body.code).to.equal('body_too_large');
    expect(huge.body.detail).to.match(/at most 28 MB/);
    const text = await call(g.url, 'POST', '/api/partner/v1/assess/documents', {
      key: a.key,
      raw: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).to.equal(415);
  });
});
