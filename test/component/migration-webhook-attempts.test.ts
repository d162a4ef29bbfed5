/**
 * The migration that records attempts before they are sent keeps the attempts already stored: each gets
 * the outcome its status says, and existing partners start with no previous webhook secret.
 */
import { expect } from 'chai';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { freshDatabase } from '../helpers/databases.ts';

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`migration: webhook attempt outcomes and secret rotation [${kind}]`, function () {
    this.timeout(60_000);
    let db: Db;
    let drop = async () => {};
    before(async function () {
      const p = await freshDatabase(kind, 'veqtrx_migr_hooks');
      if (!p) return this.skip();
      ({ db, drop } = p);
    });
    after(() => drop());

    it('gives stored attempts their outcome and leaves partners without a previous secret', async () => {
      await migrate(db, '004_evidence_storage_external');
      await db.query(
        `insert into partners (id, display_name, tier, monthly_quota, webhook_secret_enc) values ('oldbank', 'Old', 'pilot', 1000, 'x')`,
      );
      await db.query(
        `insert into webhook_deliveries (id, partner_id, event, url, payload, state, attempts) values ('whd_${'a'.repeat(24)}', 'oldbank', 'assessment.completed', 'http://h', '{}', 'delivered', 3)`,
      );
      for (const [n, status, error] of [
        [1, null, 'network error: ECONNREFUSED'],
        [2, 503, 'HTTP 503'],
        [3, 200, null],
      ] as const) {
        await db.query(
          `insert into webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error) values ($1, $2, now(), 5, $3, $4)`,
          [`whd_${'a'.repeat(24)}`, n, status, error],
        );
      }
      await migrate(db);
      const { rows } = await db.query<{ attempt: number; outcome: string; duration_ms: number }>(
        'select attempt, outcome, duration_ms from webhook_attempts order by attempt',
      );
      expect(rows).to.deep.equal([
        { attempt: 1, outcome: 'failed', duration_ms: 5 },
        { attempt: 2, outcome: 'failed', duration_ms: 5 },
        { attempt: 3, outcome: 'succeeded', duration_ms: 5 },
      ]);
      const p = await db.query<{
        webhook_secret_prev_enc: string | null;
        webhook_secret_prev_expires_at: Date | null;
      }>(`select webhook_secret_prev_enc, webhook_secret_prev_expires_at from partners where id = 'oldbank'`);
      expect(p.rows[0]).to.deep.equal({
        webhook_secret_prev_enc: null,
        webhook_secret_prev_expires_at: null,
      });
      let refused = false;
      try {
        await db.query(`update webhook_attempts set outcome = 'lost' where attempt = 1`);
      } catch {
        refused = true;
      }
      expect(refused, 'an unknown outcome is refused by the check constraint').to.equal(true);
    });
  });
}
