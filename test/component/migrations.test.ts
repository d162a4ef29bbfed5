/**
 * Migrations keep what is already stored: a database written by an earlier version is brought forward
 * with its rows intact. Runs on the embedded database and on a throw-away PostgreSQL database.
 */
import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import type { Db } from '../../src/store/db.ts';
import { migrate, migrationFiles } from '../../src/store/migrate.ts';
import { getEvidence } from '../../src/store/assessments.ts';
import { freshDatabase } from '../helpers/databases.ts';

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`migrations [${kind}]`, function () {
    this.timeout(60_000);
    let db: Db;
    let drop = async () => {};
    before(async function () {
      const p = await freshDatabase(kind, 'veqtrx_migr');
      if (!p) return this.skip();
      ({ db, drop } = p);
    });
    after(() => drop());

    it('003 turns base64 evidence into bytea without losing a byte', async () => {
      await migrate(db, '002_provider_credentials');
      const evidence = {
        ledger: [{ ref: 'T001', amount: 12.5, merchant_name: 'TESCO STORES 3297' }],
        engine_version: '1.0.0',
      };
      const gz = gzipSync(Buffer.from(JSON.stringify(evidence)));
      await db.query(
        `insert into partners (id, display_name, tier, monthly_quota, webhook_secret_enc) values ('oldbank', 'Old', 'pilot', 1000, 'x')`,
      );
      await db.query(
        `insert into assessments (id, partner_id, customer_ref, source, is_test, response, evidence_gz, created_at) values ('AF-0123456789AB', 'oldbank', 'c', 'transactions', true, '{"a":1}', $1, now())`,
        [gz.toString('base64')],
      );
      expect(await migrate(db)).to.deep.equal(
        migrationFiles()
          .filter((m) => m.version > '002_provider_credentials')
          .map((m) => m.version),
      );
      expect(await getEvidence(db, 'oldbank', 'AF-0123456789AB')).to.deep.equal(evidence);
      const { rows } = await db.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_name = 'assessments' and column_name like 'evidence%'`,
      );
      expect(rows.map((r) => r.column_name)).to.deep.equal(['evidence']);
    });

    it('004 stores new evidence out of line without compressing it again', async () => {
      const { rows } = await db.query<{ attstorage: string }>(
        `select attstorage from pg_attribute where attrelid = 'assessments'::regclass and attname = 'evidence'`,
      );
      expect(rows[0]!.attstorage).to.equal('e');
    });

    it('010 lets a partner store Plaid credentials beside the others, and still refuses an unknown provider', async () => {
      const row = (provider: string) =>
        db.query(
          `insert into provider_credentials (partner_id, provider, environment, base_url, secret_enc, client_id_hint)
           values ('oldbank', $1, 'custom', 'https://sandbox.plaid.com', 'sealed', '…')`,
          [provider],
        );
      await row('plaid');
      let refused: unknown;
      await row('nope').catch((e: unknown) => (refused = e));
      expect(String(refused)).to.match(/provider_credentials_provider_check/);
    });
  });
}
