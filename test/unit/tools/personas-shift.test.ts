import { expect } from 'chai';
import { generatePersona, shiftPersona } from '../../../tools/personas/personas.ts';

describe('personas moved to another date (shiftPersona, npm run personas -- --now)', () => {
  it('moves every date by the same whole number of weeks, to end within the week before the day given', () => {
    const p = generatePersona('gig_worker', 4);
    const to = new Date('2027-03-17T08:00:00Z');
    const q = shiftPersona(p, to);
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    const shift = days(p.transactions[0]!.date, q.transactions[0]!.date);
    expect(shift % 7).to.equal(0);
    expect(shift).to.be.above(0);
    q.transactions.forEach((t, i) => {
      expect(days(p.transactions[i]!.date, t.date)).to.equal(shift);
      expect(new Date(t.date).getUTCDay()).to.equal(new Date(p.transactions[i]!.date).getUTCDay());
    });
    expect(days(q.now, to.toISOString())).to.be.within(0, 7);
    expect(q.transactions.map((t) => ({ ...t, date: p.transactions[0]!.date }))).to.deep.equal(
      p.transactions.map((t) => ({ ...t, date: p.transactions[0]!.date })),
    );
  });
});
