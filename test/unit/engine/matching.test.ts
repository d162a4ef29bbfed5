import { expect } from 'chai';
import { buildDictionary, layered, UK_MERCHANTS, type RawEntry } from '../../../src/engine/merchants.ts';
import { classify } from '../../../src/engine/classify.ts';
import { creditMeaning } from '../../../src/engine/income.ts';
import { tokenise } from '../../../src/engine/normalise.ts';
import { fromVeqtrx } from '../../../src/model/index.ts';

/**
 * The matcher's rules on a small dictionary of its own, so that each rule is tested whatever the
 * shipped data files hold; then the financial layer of the shipped dictionary.
 */
const RAW: RawEntry[] = [
  { name: 'Tesco', kind: 'supermarket', aliases: ['TESCO', 'TESCO STORES'] },
  { name: 'Tesco Bank', kind: 'credit_card', aliases: ['TESCO BANK'] },
  { name: 'Co-op Food', kind: 'supermarket', aliases: ['CO OP'] },
  { name: 'Sainsburys', kind: 'supermarket', aliases: ['SAINSBURYS', 'SAINSBURY'] },
  { name: 'HSBC', kind: 'lender', aliases: ['HSBC'] },
  { name: 'Pret A Manger', kind: 'eating_out', aliases: ['PRET'], unless: ['IMMOBILIER'] },
  { name: 'Costa Coffee', kind: 'eating_out', aliases: ['COSTA'], unless: ['DEL SOL', 'RICA'] },
  { name: 'Leon', kind: 'eating_out', person: true },
  { name: 'Zara', kind: 'clothing', person: true },
  { name: 'BP', kind: 'fuel', aliases: ['BP', 'BP CONNECT'] },
  { name: 'Depop', kind: 'clothing' },
  { name: 'PayPal', kind: 'retail', processor: true },
  { name: 'Lettings', kind: 'rent', aliases: ['RENT'], defer: true },
  { name: 'Forecourt', kind: 'fuel', aliases: ['PETROL', 'FUEL', 'PAY AT PUMP'], over: ['supermarket'] },
  {
    name: 'Insurance',
    kind: 'insurance',
    aliases: ['INSURANCE', 'INS'],
    over: ['supermarket', 'credit_card'],
  },
  { name: 'Mortgage', kind: 'mortgage', aliases: ['MORTGAGE'], over: ['lender'] },
  { name: 'Cash', kind: 'cash', aliases: ['^CPT', 'CASH WITHDRAWAL'], over: ['supermarket', 'lender'] },
  { name: 'Branch', kind: 'cash', aliases: ['HIGH ST'], over: ['lender'], onlyOver: true },
  { name: 'Newsagent', kind: 'convenience', aliases: ['NEWSAGENTS'], defer: true },
  { name: 'William Hill', kind: 'gambling', person: true },
  { name: 'Fees', kind: 'bank_fee', aliases: ['NON STERLING FEE'], over: ['*'] },
];
const BRANDS: RawEntry[] = [
  { name: 'Sixt', kind: 'car_hire' },
  { name: 'William Hill Bookmakers', kind: 'gambling', aliases: ['WILLIAM HILL'] },
  { name: 'Pret', kind: 'eating_out' },
];
const dict = layered(buildDictionary('t', RAW), buildDictionary('b', BRANDS));
const name = (s: string, also?: string) =>
  dict.match(tokenise(s), also === undefined ? undefined : tokenise(also))?.entry.name;

describe('matcher rules', () => {
  it('matches whole words only and prefers the longest alias', () => {
    expect(name('TESCOS DELIGHT')).to.equal(undefined);
    expect(name('TESCO BANK 4512')).to.equal('Tesco Bank');
    expect(name('TESCO STORES 3297')).to.equal('Tesco');
  });

  it('lets a qualifier word re-read a named entry of a listed kind (forecourt, insurance, mortgage, cash)', () => {
    expect(name('TESCO PAY AT PUMP 4031')).to.equal('Forecourt');
    expect(name('SAINSBURYS PETROL 0781')).to.equal('Forecourt');
    expect(name('CO-OP CAR INS')).to.equal('Insurance');
    expect(name('TESCO BANK PET INS 5512099')).to.equal('Insurance');
    expect(name('HSBC MORTGAGE')).to.equal('Mortgage');
    expect(dict.match(tokenise('CPT HSBC HIGH ST CD 4417'))?.entry.kind).to.equal('cash');
    expect(name('CASH WITHDRAWAL CO-OP FOOD')).to.equal('Cash');
    expect(name('ETSY NON-STERLING FEE')).to.equal('Fees');
    // …but not an entry of a kind it does not list.
    expect(name('HSBC INSURANCE')).to.equal('HSBC');
  });

  it('anchors ^ aliases to the first token only', () => {
    expect(name('TESCO CPT')).to.equal('Tesco');
  });

  it('reads the description with the name: a clean name gives way to a more exact description', () => {
    expect(name('Tesco', 'Card payment — TESCO PAY AT PUMP 4031 EXETER GBR')).to.equal('Forecourt');
    expect(name('HSBC', 'CPT HSBC PRINCES ST CD 4417')).to.equal('Cash');
    expect(name('Tesco', 'CARD PAYMENT TO TESCO STORES ON 01 MAY')).to.equal('Tesco');
  });

  it('vetoes an alias beside one of its unless words', () => {
    expect(name('TO CREDIT AGRICOLE - PRET IMMOBILIER 0042')).to.equal(undefined);
    expect(name('PRET A MANGER')).to.equal('Pret A Manger');
    expect(name('HOTEL COSTA DEL SOL')).to.equal(undefined);
    expect(name('COSTA 4412 LEEDS')).to.equal('Costa Coffee');
  });

  it('prefers any named entry (of any layer) to a generic word: SIXT RENT A CAR is car hire', () => {
    expect(name('SIXT RENT A CAR NEWCASTLE')).to.equal('Sixt');
    expect(name('SO J SMITH RENT')).to.equal('Lettings');
  });

  it('lets the merchant behind a payment processor match, with the processor as fallback', () => {
    expect(name('PAYPAL *DEPOP')).to.equal('Depop');
    expect(name('PAYPAL *SOMESHOP 35314369001')).to.equal('PayPal');
    expect(UK_MERCHANTS.match(tokenise('PAYPAL *SOMESHOP'))?.entry.name).to.equal('PayPal (processor)');
    expect(UK_MERCHANTS.match(tokenise('PAYPAL *BET365'))?.entry.name).to.equal('Bet365');
  });

  it('strips acquirer prefixes (SQ *, SUMUP *, IZ *, ZETTLE_*, CRV*, SP *) before matching', () => {
    expect(tokenise('SQ *THE HOLLOW BEAN')).to.deep.equal(['THE', 'HOLLOW', 'BEAN']);
    expect(
      tokenise('CARD PAYMENT TO SUMUP *BROWNS BAKERY,4.80 GBP, RATE 1.00/GBP ON 26-05-2025'),
    ).to.deep.equal(['CARD', 'PAYMENT', 'TO', 'BROWNS', 'BAKERY', 'ON']);
    expect(tokenise('POS 4829 C , ZETTLE_*HARBOUR FISH , PENARTH GB')).to.deep.equal([
      'POS',
      '4829',
      'C',
      'HARBOUR',
      'FISH',
      'PENARTH',
      'GB',
    ]);
    expect(tokenise('CRV*ALTON TOWERS')).to.deep.equal(['ALTON', 'TOWERS']);
    expect(tokenise('IZ *THE COOKIE JAR')).to.deep.equal(['THE', 'COOKIE', 'JAR']);
    expect(tokenise('SP *GYMSHARK')).to.deep.equal(['GYMSHARK']);
    expect(tokenise('DEB NON-GBP TRANS FEE CD 4417')).to.deep.equal(['DEB', 'NON', 'GBP', 'TRANS', 'FEE']);
    expect(tokenise('28th May CARD PAYMENT')).to.deep.equal(['CARD', 'PAYMENT']);
  });

  it('does not read a bank type code as a brand: HSBC BP is a bill payment, BP CONNECT is fuel', () => {
    expect(name('BP J KOWALSKI RENT FLAT 2')).to.equal('Lettings');
    expect(name('BP Tomasz Nowak For help')).to.equal(undefined);
    expect(name('BP CONNECT 0212')).to.equal('BP');
    expect(name('VIS BP 4412 LEEDS')).to.equal('BP');
  });

  it('does not read a person as a brand', () => {
    expect(name('FPI ZARA JONES')).to.equal(undefined);
    expect(name('FPI LEON SMITH')).to.equal(undefined);
    expect(name('CARD PAYMENT TO LEON 4412 LONDON GB')).to.equal('Leon');
    expect(name('FASTER PAYMENT M COSTA LUNCH')).to.equal(undefined);
    expect(name('TRANSFER TO HARRY SAINSBURY REFERENCE FOOTBALL BOOTS')).to.equal(undefined);
    expect(name('Sarah Sainsbury', 'Faster payment — CONCERT TICKET')).to.equal(undefined);
    // A payment to a shop keeps the shop.
    expect(name('CARD PAYMENT TO SAINSBURYS 0655')).to.equal('Sainsburys');
  });

  it('ignores trailing towns, country codes and store numbers: GREGGS HALIFAX is not the Halifax', () => {
    const d = buildDictionary('h', [
      { name: 'Halifax', kind: 'lender' },
      { name: 'Greggs', kind: 'eating_out' },
    ]);
    expect(d.match(tokenise('GREGGS HALIFAX GB'))?.entry.name).to.equal('Greggs');
    expect(d.match(tokenise('DD HALIFAX'))?.entry.name).to.equal('Halifax');
  });

  it("never reads a person-named entry in a transfer, and reads a card line's trailing ON as no second name", () => {
    expect(name('FASTER PAYMENT TO LEON')).to.equal(undefined);
    expect(name('TFR TO ZARA')).to.equal(undefined);
    expect(name('CARD PAYMENT TO LEON ON 12 MAY')).to.equal('Leon');
  });

  it('refuses in later layers a place an earlier layer refused: the brand list cannot take back a person', () => {
    expect(name('WILLIAM HILL DECORATING')).to.equal(undefined);
    expect(name('WILLIAM HILL')).to.equal('William Hill');
    expect(name('PRET IMMOBILIER')).to.equal(undefined);
  });

  it('lets an onlyOver entry re-read a named entry but never match alone', () => {
    expect(dict.match(tokenise('HSBC HIGH ST LEEDS'))?.entry.kind).to.equal('cash');
    expect(name('HIGH ST NEWSAGENTS')).to.equal('Newsagent');
    expect(name('HIGH ST')).to.equal(undefined);
  });

  it('does not take a shop name ending in XX before a number for a masked card number', () => {
    expect(tokenise('TK MAXX 1120 BRISTOL GB')).to.deep.equal(['TK', 'MAXX', '1120', 'BRISTOL', 'GB']);
    expect(tokenise('CARD XXXX1234 TESCO')).to.deep.equal(['CARD', 'TESCO']);
  });

  it("matches a payee whose last word a fixed-width statement field cut, only at the payee's end", () => {
    const d = buildDictionary('c', [
      { name: 'Three Horseshoes', kind: 'eating_out', aliases: ['THE THREE HORSESHOES'] },
      { name: 'Arnold Clark Finance', kind: 'lender' },
    ]);
    const m = (x: string) => d.match(tokenise(x))?.entry.name;
    expect(m('THE THREE HORSESHO ON 08 FEB          CLP')).to.equal('Three Horseshoes');
    expect(m('DIRECT DEBIT ARNOLD CLARK FINAN')).to.equal('Arnold Clark Finance');
    expect(m('THE THREE HO')).to.equal(undefined); // two letters are too few to say
    expect(m('THE THREE HORSESHO TAVERN')).to.equal(undefined); // a word after it: not a cut name
    expect(m('ARNOLD FINAN')).to.equal(undefined); // every word but the last must be whole
  });

  it('rejects an unknown kind in over', () => {
    expect(() => buildDictionary('t', [{ name: 'X', kind: 'fuel', over: ['nope'] }])).to.throw(
      /unknown kind/,
    );
  });
});

const kindOf = (s: string, description?: string) =>
  UK_MERCHANTS.match(tokenise(s), description === undefined ? undefined : tokenise(description))?.entry.kind;

describe('the financial layer of the dictionary', () => {
  const groups: Record<string, string[]> = {
    mortgage: [
      'HSBC MORTGAGE',
      'NATIONWIDE BS',
      'SANTANDER MORTGAGE',
      'DIRECT DEBIT PAYMENT TO COVENTRY BUILDING SOC REF 22019384',
      'PLATFORM HOME LOANS 60019283',
      'KENSINGTON MORTGAGE',
      'LEEDS BUILDING SOCIETY',
    ],
    lender: [
      'BMW FS 40019283',
      'VOLKSWAGEN FIN SERV',
      'ALPHERA FINANCIAL SERVICES',
      'RCI FINANCIAL SERVICES',
      'STELLANTIS FIN SERV',
      'BLUE MOTOR FINANCE',
      'ADVANTAGE FINANCE',
      'CO-OPERATIVE BANK LOAN',
      'BLACK HORSE',
    ],
    credit_card: ['BARCLAYCARD', 'VANQUIS BANK', 'AQUA CARD', 'TYMIT', 'CAPITAL ONE'],
    bnpl: ['KLARNA', 'CLEARPAY', 'PAYPAL PAY IN 3', 'ZILCH', 'MONZO FLEX'],
    catalogue_credit: ['VERY', 'LITTLEWOODS', 'JD WILLIAMS', 'SIMPLY BE'],
    payday: [
      'LENDING STREAM',
      'DRAFTY',
      'MR LENDER',
      'SAFETYNET CREDIT LONDON',
      'CASH ASAP',
      'FERNOVO',
      'MONEYBOAT',
    ],
    high_cost_credit: [
      'OAKAM LTD',
      'GUARANTOR MY LOAN 3319',
      'LOANS AT HOME',
      'PROVIDENT PERSONAL CREDIT',
      'SALAD MONEY',
      'TFS LOANS',
    ],
    debt_collector: ['LOWELL FINANCIAL', 'CCS COLLECT', 'MOTORMILE FINANCE', 'INTRUM UK', 'STEPCHANGE'],
    insurance: [
      'TESCO BANK CAR INS',
      'SAINSBURYS BANK HOME INSURANCE',
      'M&S BANK INSURANCE',
      'CO-OP INSURANCE HOME',
      'JOHN LEWIS INSURANCE',
      'AMAZON PROTECT LONDON GENERAL INS',
      'PREMIUM CREDIT',
    ],
    pension_provider: ['PENSIONBEE LTD', 'NEST PENSIONS', 'PEOPLES PENSION'],
    savings: [
      'NS&I PREMIUM BONDS',
      'MONEYBOX',
      'PLUM FINTECH',
      'TFR ROUND UP TO 8636',
      'TRANSFER INTO HOLIDAY SPACE',
    ],
    gambling: ['SKYVEGAS LEEDS', 'STAR SPORTS', 'CORAL LONDON GB', 'ALLWYN', 'WILLIAM HILL ORG WITHDRAWAL'],
    cash: ['CPT LNK TESCO EXPRESS', 'CASH WITHDRAWAL LINK ATM CO-OP FOOD', 'CASH AT SAINSBURYS BANK ATM'],
    bank_fee: [
      'OD USAGE FEE',
      'UNPAID ITEM FEE',
      'RETURNED DD FEE',
      'NON-STERLING TRANSACTION FEE',
      'CASH WITHDRAWAL HANDLING CHARGE',
      'CCC 2.75% ETSY.COM CURRENCY CONVERSION CHARGE',
    ],
  };
  for (const [kind, names] of Object.entries(groups)) {
    it(`recognises ${kind.replace(/_/g, ' ')}`, () => {
      for (const n of names) expect(kindOf(n), n).to.equal(kind);
    });
  }

  it('reads each financial class under the names statements print', () => {
    const cases: Record<string, string[]> = {
      bnpl: ['ZIP CO UK', 'BUMPER UK', 'DEFERIT', 'FLY NOW PAY LATER'],
      // lease-to-own retail finance is high-cost credit, not pay-later
      high_cost_credit: ['SNAP FINANCE UK LONDON GB'],
      debt_collector: [
        'EQUIDEBT LTD',
        'ROSSENDALES REF LA/BHCC 771209',
        'FREDERICKSON 55019283',
        'DIRECT COLLECTION BAILIFFS',
        'FIDELITE CREDIT MANAGEMENT',
      ],
      lender: ['TOYOTA FINANCIAL SERV 5501928', 'ARNOLD CLARK FINAN', 'HYUNDAI CAPITAL UK'],
      catalogue_credit: ['KAYS CATALOGUE', 'CRAZY CLEARANCE', 'BON PRIX'],
      credit_card: ['AMAZON MASTERCARD', 'NEWDAY AMAZON CARD'],
      insurance: [
        'WAGGEL LTD',
        'SHEPHERDS FRIENDLY SOC',
        'HOLLOWAY FRIENDLY',
        'ONEFAMILY',
        'DIGNITY FUNERALS',
        'AVALON FUNERAL PLANS',
        'SIMPLY BUSINESS',
      ],
      bank_fee: ['CCC 2.75% COOPERATIVA AGRICOLA'],
    };
    for (const [kind, names] of Object.entries(cases))
      for (const n of names) expect(kindOf(n), n).to.equal(kind);
  });

  it("lets a collector's name beat its client's and a trade word", () => {
    expect(kindOf('INDESSER LTD REFERENCE HMRC 7712099')).to.equal('debt_collector');
    expect(kindOf('HMRC SELF ASSESSMENT')).to.equal('tax');
    expect(kindOf('DRYDENSFAIRFAX SOLICITORS')).to.equal('debt_collector');
    expect(kindOf('SMITH & CO SOLICITORS')).to.equal('professional');
    expect(kindOf('CABOT FINANCIAL RE VANQUIS')).to.equal('debt_collector');
  });

  it('reads a statement-truncated mortgage and a charity-named insurer', () => {
    expect(kindOf('CLYDESDALE BANK MO')).to.equal('mortgage');
    expect(kindOf('CLYDESDALE BANK')).to.equal('lender');
    expect(kindOf('RSPCA PET INSURANCE 50019823')).to.equal('insurance');
    expect(kindOf('AGE UK FUNERAL PLAN')).to.equal('insurance');
    expect(kindOf('RSPCA')).to.equal('charity');
  });

  it('keeps a bar named like a bank, and bumper cars, out of credit', () => {
    expect(kindOf('LLOYDS NO 1 BAR LEICESTER')).to.not.equal('lender');
    expect(kindOf('LLOYDS BANK')).to.equal('lender');
    expect(kindOf('BUMPER CARS')).to.not.equal('bnpl');
  });

  it('reads home-collected credit under any prefix, even one that is also a fuel brand', () => {
    for (const n of [
      'SHOPACHECK 0091 WK 12',
      'BP MORSES CLUB AGT 12',
      'GREENWOOD PERSONAL CR',
      'MUTUAL CLOTHING AND SUPPLY',
      'PROVIDENT PERSONAL CR 4412',
      'SO LOANS AT HOME AGT 22',
      'PROGRESSIVE MONEY WEEKLY',
    ])
      expect(kindOf(n), n).to.equal('high_cost_credit');
  });

  it('reads licensed online operators and seafront slot arcades as gambling, an Admiral policy as insurance', () => {
    for (const n of [
      'NETBET COM',
      'MCBOOKIE EDINBURGH',
      'MRQ COM LONDON',
      'VIDEOSLOTS MALTA',
      'JENNINGSBET',
      'MECCA BINGO',
      'MERKUR SLOTS',
      'CASHINO LEEDS',
      'ADMIRAL SLOTS MARGATE',
      'GOLDEN SANDS AMUSEMENTS SKEGNESS',
      'PIER AMUSEMENT ARCADE',
    ])
      expect(kindOf(n), n).to.equal('gambling');
    expect(kindOf('ADMIRAL INSURANCE')).to.equal('insurance');
    expect(kindOf('ADMIRAL')).to.equal('insurance');
    expect(kindOf('MECCA GRILL')).to.not.equal('gambling');
  });

  it("reads home emergency and boiler cover as insurance, the same firm's energy as energy", () => {
    for (const n of [
      'HOMETREE LTD',
      'HOMEPROTECT',
      'BRITISH GAS HOMECARE',
      'CORGI HOMEPLAN',
      'ACME BOILER COVER',
    ])
      expect(kindOf(n), n).to.equal('insurance');
    expect(kindOf('BRITISH GAS')).to.equal('energy');
  });

  it("reads transfers to the customer's own pots, spaces and named funds as savings", () => {
    for (const n of [
      'POT TRANSFER HOLIDAY POT',
      'POT TRANSFER — NEW TYRES',
      'TRANSFER INTO PETROL SPACE',
      'TRANSFER TO RAINY DAY FUND',
      'TRANSFER TO CHRISTMAS FUND 1234',
      'EMERGENCY POT',
    ])
      expect(kindOf(n), n).to.equal('savings');
  });

  it('reads a currency conversion charge as a bank fee whatever merchant it names', () => {
    for (const n of ['CCC 2.75% MERCADONA VALENCIA', 'CCC 2.75% LIDL ESPANA', 'CCC 2.75% SHELL FRANCE'])
      expect(kindOf(n), n).to.equal('bank_fee');
  });

  it('keeps a zip line out of buy-now-pay-later, and cash at a forecourt machine out of fuel', () => {
    expect(kindOf('ZIP WORLD PENRHYN')).to.not.equal('bnpl');
    expect(kindOf('ZIP WIRE ADVENTURE')).to.not.equal('bnpl');
    expect(kindOf('ZIP PAY')).to.equal('bnpl');
    expect(kindOf('CASH WITHDRAWAL LINK ATM ESSO WOLVERHAMPTON')).to.equal('cash');
    expect(kindOf('ESSO WOLVERHAMPTON')).to.equal('fuel');
    expect(kindOf('CASH WITHDRAWAL AT PAYPOINT STORE BOLTON')).to.not.equal('energy');
    expect(kindOf('ATM WITHDRAWAL GREGGS LEEDS')).to.equal('cash');
    expect(kindOf('DELIVEROO CASH OUT')).to.not.equal('cash');
  });

  it('reads instalment credit and collectors by the names statements print', () => {
    for (const n of ['SPLITIT UK', 'PAYPAL PAY MONTHLY']) expect(kindOf(n), n).to.equal('bnpl');
    for (const n of ['ARVATO FINANCIAL SOL', 'CREDIT RESOURCE SOLUTIONS'])
      expect(kindOf(n), n).to.equal('debt_collector');
  });

  it('keeps a bookmaker-named person out of gambling', () => {
    expect(kindOf('WILLIAM HILL DECORATING')).to.not.equal('gambling');
    expect(kindOf('CORAL INTERACTIVE GIBRALTAR')).to.equal('gambling');
    expect(kindOf('WILLIAMHILL COM LEEDS')).to.equal('gambling');
  });
});

const row = (
  merchant_name: string,
  amount: number,
  extra: { description?: string; category_hint?: string } = {},
) => classify([fromVeqtrx({ date: '2026-06-15', amount, merchant_name, ...extra })], UK_MERCHANTS)[0]!;

describe('fee and overdraft signals', () => {
  for (const n of [
    'OD USAGE FEE',
    'DEBIT INTEREST',
    'INTEREST CHARGED',
    'ARRANGED OVERDRAFT INTEREST',
    'UNARRANGED OVERDRAFT FEE',
  ]) {
    it(`reads "${n}" as a credit commitment with the overdraft signal`, () => {
      const r = row(n, 12.5);
      expect(r.category).to.equal('Credit Commitments');
      expect(r.signals.overdraft || r.signals.unarranged).to.equal(true);
    });
  }
  for (const n of ['UNPAID ITEM FEE', 'PAID ITEM FEE', 'RETURNED DD FEE', 'UNPAID TRANSACTION FEE']) {
    it(`reads "${n}" as a credit commitment with the returned signal`, () => {
      const r = row(n, 6);
      expect(r.category).to.equal('Credit Commitments');
      expect(r.signals.returned).to.equal(true);
    });
  }
  it('reads a Barclays UNP type code and NatWest U/D as returned', () => {
    expect(row('OCTOPUS ENERGY A-4F2C91D0 UNP', -45).signals.returned).to.equal(true);
    expect(row('U/D OVO ENERGY , 88123400991', -45).signals.returned).to.equal(true);
  });
  it('does not read an ordinary payment as an overdraft or a return', () => {
    const r = row('TESCO STORES 3297', 20);
    expect(r.signals.overdraft || r.signals.returned).to.equal(false);
  });
});

describe('dictionary against category hints', () => {
  it('reads a payday lender credit tagged TRANSFER_IN as a loan', () => {
    const r = row('LENDING STREAM', -300, { category_hint: 'TRANSFER_IN' });
    expect(r.kind).to.equal('payday');
    expect(creditMeaning(r)).to.equal('loan');
  });
  it('reads a high-cost lender debit tagged GENERAL_SERVICES as a credit commitment', () => {
    expect(row('OAKAM LTD', 80, { category_hint: 'GENERAL_SERVICES' }).category).to.equal(
      'Credit Commitments',
    );
  });
  it('keeps a hint that names a kind of its own, and a hint on a payee the dictionary does not name as a lender', () => {
    expect(row('LENDING STREAM', 80, { category_hint: 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT' }).rule).to.equal(
      'category_hint',
    );
    expect(creditMeaning(row('ACME LTD', -300, { category_hint: 'TRANSFER_IN' }))).to.equal('transfer');
  });
});

describe('descriptions read once per shape', () => {
  const row = (description: string, merchant_name = 'SOMEWHERE') => ({
    date: '2026-06-01',
    amount: 1000,
    merchant_name,
    description,
  });
  const read = (rows: ReturnType<typeof row>[]) =>
    classify(
      rows.map((r) => fromVeqtrx(r)),
      UK_MERCHANTS,
    )
      .map((r) => [r.tx.description, r.kind, r.payee])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const alone = (rows: ReturnType<typeof row>[]) =>
    rows.flatMap((r) => read([r])).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  it("reads a description that differs from the last only in a date's digits or month as the last was read", () => {
    const rows = [
      row('CARD PAYMENT TO TESCO STORES ON 30 MAY', 'TESCO STORES'),
      row('CARD PAYMENT TO TESCO STORES ON 02 JUN', 'TESCO STORES'),
    ];
    expect(read(rows)).to.deep.equal(alone(rows));
  });

  it("reads anew when the differing letters are not a date's month", () => {
    // Same length, same digits: only the words differ, and they name different payees.
    const rows = [
      row('FPO MAY FAIR 12', 'PAYEE'),
      row('FPO JUN FAIR 12', 'PAYEE'),
      row('DD 1120 MAY', 'PAYEE'),
      row('DD 1120 JUN', 'PAYEE'),
      row('CARD PAYMENT TO SHELL 0412', 'PAYEE'),
      row('CARD PAYMENT TO SPAR  0412', 'PAYEE'),
    ];
    const got = read(rows);
    expect(got).to.deep.equal(alone(rows));
    expect(got.find((r) => r[0] === 'CARD PAYMENT TO SHELL 0412')?.[1]).to.not.equal(
      got.find((r) => r[0] === 'CARD PAYMENT TO SPAR  0412')?.[1],
    );
  });
});

describe("a transfer's note", () => {
  const k = (s: string) => UK_MERCHANTS.match(tokenise(s))?.entry.kind;
  it('names what a person was paid back for, not the payee: a trade word there is no merchant', () => {
    expect(k('FASTER PAYMENT TO S OKONKWO REFERENCE TAXI SHARE')).to.equal(undefined);
    expect(k('TRANSFER TO HARRY SAINSBURY REFERENCE FOOTBALL BOOTS')).to.equal(undefined);
  });
  it('still names rent paid to a private landlord', () => {
    expect(k('FASTER PAYMENT TO J SMITH REF RENT')).to.equal('rent');
    expect(k('SO J SMITH RENT')).to.equal('rent');
  });
});
