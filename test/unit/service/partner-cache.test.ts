import { expect } from 'chai';
import { PARTNER_CACHE_MS, PartnerService } from '../../../src/services/partners.ts';
import type { SecretBox } from '../../../src/lib/secrets.ts';
import type { KeyVerifier } from '../../../src/services/keys.ts';
import type { Db } from '../../../src/store/db.ts';

describe('the partner row of the request path (PartnerService.forRequest)', () => {
  it('is reused for PARTNER_CACHE_MS by the injected clock, then read again; a clock gone back reads again', async () => {
    let reads = 0;
    let quota = 10;
    const db = {
      query() {
        reads++;
        return Promise.resolve({ rows: [{ id: 'bank', monthly_quota: quota }], rowCount: 1 });
      },
    } as unknown as Db;
    let now = new Date('2026-11-21T10:00:00Z');
    const at = (ms: number) => new Date(Date.parse('2026-11-21T10:00:00Z') + ms);
    const partners = new PartnerService(db, {} as SecretBox, {} as KeyVerifier, 100_000, () => now);
    expect((await partners.forRequest('bank'))?.monthly_quota).to.equal(10);
    quota = 20; // changed by another replica
    now = at(PARTNER_CACHE_MS - 1);
    expect((await partners.forRequest('bank'))?.monthly_quota).to.equal(10);
    expect(reads).to.equal(1);
    now = at(PARTNER_CACHE_MS);
    expect((await partners.forRequest('bank'))?.monthly_quota).to.equal(20);
    expect(reads).to.equal(2);
    quota = 30;
    now = at(-60_000);
    expect((await partners.forRequest('bank'))?.monthly_quota).to.equal(30);
    expect(reads).to.equal(3);
  });
});
