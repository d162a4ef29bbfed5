import { expect } from 'chai';
import { buildDictionary, UK_MERCHANTS } from '../../../src/engine/index.ts';
import { tokenise } from '../../../src/engine/normalise.ts';

const kindOf = (s: string) => UK_MERCHANTS.match(tokenise(s))?.entry.kind;

describe('merchant dictionary', () => {
  it('holds at least 300 curated entries, each with a known kind, and over 1,000 names with aliases', () => {
    expect(UK_MERCHANTS.entries.length).to.be.at.least(300);
    expect(UK_MERCHANTS.entries.reduce((n, e) => n + e.aliases.length, 0)).to.be.at.least(1000);
  });

  const groups: Record<string, string[]> = {
    supermarket: ['TESCO STORES 3297', "SAINSBURY'S S/MKTS", 'ALDI 66 LEEDS', 'WM MORRISON'],
    energy: ['BRITISH GAS', 'OCTOPUS ENERGY', 'EON NEXT', 'DD SO ENERGY'],
    water: ['THAMES WATER', 'DWR CYMRU WELSH WATER'],
    telecom: ['EE LIMITED', 'VIRGIN MEDIA PYMTS', 'HUTCHISON 3G UK', 'TESCO MOBILE'],
    council_tax: ['LEEDS CITY COUNCIL CTAX', 'ROYAL BOROUGH OF KINGSTON', 'COUNCIL TAX'],
    rent: ['FOXTONS LETTINGS', 'OPENRENT', 'SO J SMITH RENT'],
    social_rent: ['CLARION HOUSING', 'PEABODY TRUST'],
    mortgage: ['NATIONWIDE BS MORTGAGE', 'DD BARCLAYS BANK MORTGAGE', 'SKIPTON BS'],
    insurance: ['ADMIRAL INSURANCE', 'DIRECT LINE', 'PETPLAN'],
    public_transport: ['TFL TRAVEL CH', 'TRAINLINE', 'NORTHERN TRAINS'],
    streaming: ['NETFLIX.COM', 'SPOTIFY P1A2B3', 'DISNEY PLUS'],
    gym: ['PUREGYM LTD', 'THE GYM GROUP'],
    childcare: ['BUSY BEES NURSERIES', 'TAX FREE CHILDCARE'],
    lender: ['ZOPA BANK', 'NOVUNA'],
    credit_card: ['BARCLAYCARD', 'AMERICAN EXPRESS', 'VANQUIS BANK'],
    bnpl: ['KLARNA', 'CLEARPAY', 'PAYPAL PAY IN 3'],
    payday: ['LENDING STREAM', 'DRAFTY', 'MR LENDER'],
    high_cost_credit: ['PROVIDENT PERSONAL CREDIT', 'LOANS 2 GO', 'BRIGHTHOUSE'],
    debt_collector: ['LOWELL FINANCIAL', 'CABOT FINANCIAL', 'MOORCROFT DEBT RECOVERY'],
    gambling: ['BET365', 'SKY BETTING AND GAMING', 'PADDY POWER', 'NATIONAL LOTTERY'],
    benefit: ['DWP UC', 'HMRC CHILD BENEFIT', 'DWP PIP', 'DWP CARERS ALLOWANCE', 'DWP STATE PENSION'],
    pension_provider: ['NHS PENSIONS', 'TEACHERS PENSIONS', 'AVIVA PENSION'],
  };
  for (const [kind, names] of Object.entries(groups)) {
    it(`recognises ${kind.replace(/_/g, ' ')}: ${names.join(', ')}`, () => {
      for (const n of names) expect(kindOf(n), n).to.equal(kind);
    });
  }

  it('prefers the longest alias: Tesco Mobile over Tesco, State Pension over Pension, Sky Bet over Sky', () => {
    expect(UK_MERCHANTS.match(tokenise('TESCO MOBILE'))?.entry.name).to.equal('Tesco Mobile');
    expect(UK_MERCHANTS.match(tokenise('DWP STATE PENSION'))?.entry.benefit).to.equal('state_pension');
    expect(UK_MERCHANTS.match(tokenise('SKY BET'))?.entry.kind).to.equal('gambling');
    expect(UK_MERCHANTS.match(tokenise('SKY DIGITAL'))?.entry.kind).to.equal('telecom');
  });

  it('does not mistake people for merchants', () => {
    expect(UK_MERCHANTS.match(tokenise('FPI ZARA JONES'))).to.equal(undefined);
    expect(UK_MERCHANTS.match(tokenise('FPI LEON SMITH'))).to.equal(undefined);
  });

  it('rejects an entry with an unknown kind or a duplicate id', () => {
    expect(() => buildDictionary('t', [{ name: 'X', kind: 'nope' }])).to.throw(/unknown kind/);
    expect(() =>
      buildDictionary('t', [
        { name: 'X', kind: 'gym' },
        { name: 'x', kind: 'gym' },
      ]),
    ).to.throw(/duplicate id/);
  });
});
