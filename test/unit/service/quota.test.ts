import { expect } from 'chai';
import { QuotaGate } from '../../../src/services/quota.ts';
import type { Queryable } from '../../../src/store/db.ts';
import type { PartnerRow } from '../../../src/store/partners.ts';

/** A database that answers the month's count, and counts how often it was asked. */
function fakeDb(used: () => number) {
  const asked: unknown[][] = [];
  const db = {
    query(_sql: string, params: unknown[] = []) {
      asked.push(params);
      return Promise.resolve({ rows: [{ used: used() }], affectedRows: 0 });
    },
  } as unknown as Queryable;
  return { db, asked };
}

const partner = (quota: number, created = '2026-01-01T00:00:00Z'): PartnerRow =>
  ({ id: 'bank', monthly_quota: quota, created_at: new Date(created) }) as PartnerRow;
const NOV = new Date('2026-11-21T10:00:00Z');

describe('the quota check before the work (QuotaGate)', () => {
  it('reads the month count once, then works from what it knows until that is older than its limit (by the request clock)', async () => {
    let used = 4;
    const { db, asked } = fakeDb(() => used);
    const gate = new QuotaGate(db, 50);
    const at = (ms: number) => new Date(NOV.getTime() + ms);
    expect(await gate.hasRoom(partner(5), NOV)).to.equal(true);
    used = 5; // charged elsewhere
    expect(await gate.hasRoom(partner(5), at(49))).to.equal(true); // still what it read
    expect(asked).to.have.length(1);
    expect(asked[0]).to.deep.equal(['bank', '2026-11']);
    expect(await gate.hasRoom(partner(5), at(50))).to.equal(false);
    expect(asked).to.have.length(2);
  });

  it('reads again when the clock has gone back (a test moving it) rather than trusting the count for longer', async () => {
    let used = 4;
    const { db, asked } = fakeDb(() => used);
    const gate = new QuotaGate(db, 50);
    expect(await gate.hasRoom(partner(5), NOV)).to.equal(true);
    used = 5;
    expect(await gate.hasRoom(partner(5), new Date(NOV.getTime() - 1000))).to.equal(false);
    expect(asked).to.have.length(2);
  });

  it('takes the count a charge returned, and a refused charge as the quota used up', async () => {
    const { db, asked } = fakeDb(() => 0);
    const gate = new QuotaGate(db, 60_000);
    expect(await gate.hasRoom(partner(3), NOV)).to.equal(true);
    gate.charged(partner(3), NOV, 3);
    expect(await gate.hasRoom(partner(3), NOV)).to.equal(false);
    gate.charged(partner(3), NOV, 1);
    expect(await gate.hasRoom(partner(3), NOV)).to.equal(true);
    gate.exhausted(partner(3), NOV);
    expect(await gate.hasRoom(partner(3), NOV)).to.equal(false);
    expect(asked).to.have.length(1);
  });

  it('compares with the quota as the partner row has it now: a raised quota has room at once', async () => {
    const { db } = fakeDb(() => 10);
    const gate = new QuotaGate(db, 60_000);
    expect(await gate.hasRoom(partner(10), NOV)).to.equal(false);
    expect(await gate.hasRoom(partner(11), NOV)).to.equal(true);
  });

  it('starts afresh in a new month, and for a partner created again under the same id', async () => {
    const { db, asked } = fakeDb(() => 0);
    const gate = new QuotaGate(db, 60_000);
    gate.exhausted(partner(5), NOV);
    expect(await gate.hasRoom(partner(5), NOV)).to.equal(false);
    expect(await gate.hasRoom(partner(5), new Date('2026-12-01T00:00:00Z'))).to.equal(true);
    expect(asked.at(-1)).to.deep.equal(['bank', '2026-12']);
    expect(await gate.hasRoom(partner(5, '2026-11-21T09:00:00Z'), NOV)).to.equal(true);
    expect(asked).to.have.length(2);
  });
});
