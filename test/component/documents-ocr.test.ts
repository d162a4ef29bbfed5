/**
 * DOCUMENTS_OCR=reconciled end to end (embedded database only: the wiring is the subject, and OCR costs
 * seconds a page on this 2-core machine). A clean scan is read by OCR, kept because its balances
 * reconcile, and assessed with the `statement_read_by_ocr` warning and a lowered confidence; a scan
 * with one digit smudged out fails the job as `image_only`, saying OCR read it and the balances disagree.
 * With the default (`off`) a scan is refused: test/component/documents.test.ts.
 */
import { expect } from 'chai';
import { database, reset } from '../helpers/databases.ts';
import { call, createPartner, startGateway, type Running, type TestPartner } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/receiver.ts';
import { eightRowStatement, smudgedScan } from '../helpers/scans.ts';
import { scanPdf, type ScanOptions } from '../../tools/statements/scan.ts';

/** A flat-bed scan of a printed page: 300 dpi, straight, white paper. */
const CLEAN: ScanOptions = { dpi: 300, quality: 92 };
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('documents: DOCUMENTS_OCR=reconciled (embedded database)', function () {
  this.timeout(300_000);
  let g: Running;
  let a: TestPartner;
  let clean: Uint8Array;
  let smudged: Uint8Array;

  before(async () => {
    const statement = await eightRowStatement();
    clean = new Uint8Array(await scanPdf(new Uint8Array(statement.pdf), CLEAN));
    smudged = await smudgedScan(statement, CLEAN);
    const db = await database('pglite');
    if (!db) throw new Error('no embedded database');
    await reset(db);
    g = await startGateway(db, { DOCUMENTS_OCR: 'reconciled' });
    a = await createPartner(g.url, 'docs-ocr');
  });
  after(async () => {
    await g?.stop();
  });

  const run = async (scan: Uint8Array, ref: string) => {
    const r = await call(g.url, 'POST', '/api/partner/v1/assess/documents', {
      key: a.key,
      body: { customer_ref: ref, bank_statements: [{ document: b64(scan), filename: 'scan.pdf' }] },
    });
    expect(r.status).to.equal(202);
    return waitFor(
      async () => {
        const j = await call(g.url, 'GET', `/api/partner/v1/jobs/${r.body.job_id}`, { key: a.key });
        return j.body.status === 'processing' ? undefined : j.body;
      },
      { timeoutMs: 240_000, intervalMs: 200, what: 'the OCR job to end' },
    );
  };

  it('reads a clean scan by OCR, keeps it because it reconciles, and says so', async () => {
    const job = await run(clean, 'ocr-clean');
    expect(job.status, JSON.stringify(job.failures)).to.equal('completed');
    const got = await call(g.url, 'GET', `/api/partner/v1/assessment/${job.assessment_id}`, { key: a.key });
    expect(got.status).to.equal(200);
    expect(got.body.transactions_analyzed).to.equal(8);
    const codes = (got.body.warnings as Array<{ code: string }>).map((w) => w.code);
    expect(codes).to.include('statement_read_by_ocr');
    expect(codes).to.not.include('statement_not_reconciled');
    expect(got.body.confidence_score).to.be.below(0.9);
  });

  it('fails a scan whose balances disagree with what OCR read, as image_only, at no charge', async () => {
    const usage = () => call(g.url, 'GET', '/api/partner/v1/usage', { key: a.key });
    const before = (await usage()).body.current_usage;
    const job = await run(smudged, 'ocr-smudged');
    expect(job.status).to.equal('failed');
    expect(job.failures).to.have.length(1);
    expect(job.failures[0]).to.include({ document: 'bank_statements[0]', reason: 'image_only' });
    expect(job.failures[0].detail).to.match(/read by OCR, but .* disagree/);
    expect((await usage()).body.current_usage).to.equal(before);
  });
});
