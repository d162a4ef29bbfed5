import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { BRAND_MERCHANTS } from '../../../src/engine/merchants.ts';
import { isKind } from '../../../src/engine/kinds.ts';
import { tokenise } from '../../../src/engine/normalise.ts';
import brandsJson from '../../../src/engine/data/brands.json' with { type: 'json' };
import { rejection, variants, type AliasRules } from '../../../tools/merchants/aliases.ts';
import { BRANDS_PATH, render } from '../../../tools/merchants/build.ts';
import { DOC_PATH, renderDoc } from '../../../tools/merchants/docs.ts';
import { generate, slugOf, type BrandsFile, type NsiData } from '../../../tools/merchants/generate.ts';

const PERSON_BRANDS = new Set(
  (brandsJson.entries as { name: string; person?: boolean }[]).filter((e) => e.person).map((e) => e.name),
);
import { loadRules, nsiPackageVersion } from '../../../tools/merchants/inputs.ts';
import { TAG_KINDS, tagKindOf } from '../../../tools/merchants/tags.ts';
import { tradesInUk } from '../../../tools/merchants/uk.ts';

const file = brandsJson as unknown as BrandsFile;
const brandOf = (narrative: string) => BRAND_MERCHANTS.match(tokenise(narrative))?.entry;

describe('brand layer (src/engine/data/brands.json, generated from name-suggestion-index)', function () {
  this.timeout(60_000);

  describe('is current', () => {
    let regenerated: string;
    before(() => {
      regenerated = render();
    });
    it('equals what `npm run merchants` writes from the installed NSI (rerun it; never edit brands.json by hand)', () => {
      const committed = readFileSync(BRANDS_PATH, 'utf8');
      expect(JSON.parse(committed)).to.deep.equal(JSON.parse(regenerated));
      expect(committed).to.equal(regenerated);
    });
    it('names the installed NSI version, its source and its licence', () => {
      expect(file.version).to.equal(nsiPackageVersion());
      expect(file.source.package).to.equal('name-suggestion-index');
      expect(file.source.version).to.equal(file.version);
      expect(file.licence).to.match(/BSD-3-Clause/);
      expect(BRAND_MERCHANTS.version).to.equal(`brands ${file.version}`);
    });
    it('has docs/merchants.md tag table and counts as generated (rerun `npm run merchants`)', () => {
      const doc = readFileSync(DOC_PATH, 'utf8');
      expect(renderDoc(doc, JSON.parse(regenerated) as BrandsFile)).to.equal(doc);
    });
  });

  describe('entries', () => {
    it('holds over 1,000 UK brands, each with a known kind and a unique id', () => {
      expect(file.entries.length).to.be.at.least(1000);
      expect(file.counts.entries).to.equal(file.entries.length);
      const ids = new Set<string>();
      for (const e of file.entries) {
        expect(isKind(e.kind), `${e.name}: ${e.kind}`).to.equal(true);
        const id = slugOf(e.name);
        expect(ids.has(id), `duplicate id ${id}`).to.equal(false);
        ids.add(id);
      }
      expect(BRAND_MERCHANTS.entries.length).to.equal(file.entries.length);
    });

    it('gives each alias to one entry only', () => {
      const owner = new Map<string, string>();
      for (const e of BRAND_MERCHANTS.entries)
        for (const a of e.aliases) {
          const key = tokenise(a).join(' ');
          if (owner.has(key) && owner.get(key) !== e.name)
            expect.fail(`${key}: ${owner.get(key)} and ${e.name}`);
          owner.set(key, e.name);
        }
    });

    const known: Record<string, string[]> = {
      eating_out: [
        'GREGGS 1234 NEWCASTLE',
        'MCDONALDS 559',
        'NANDOS',
        'PIZZA EXPRESS',
        'WAGAMAMA',
        'PRET A MANGER',
        'COSTA COFFEE',
        'BURGER KING',
      ],
      fuel: ['SHELL PETROL STATION', 'ESSO'],
      supermarket: ['TESCO STORES 3297', 'ALDI 66 LEEDS', 'LIDL GB', 'MORRISONS', 'ICELAND FOODS'],
      convenience: ['TESCO EXPRESS', 'SAINSBURYS LOCAL', 'POUNDLAND'],
      leisure: ['ODEON CINEMAS', 'CINEWORLD', 'WATERSTONES IPSWICH'],
      travel: ['PREMIER INN 44', 'TRAVELODGE', 'HOLIDAY INN EXPRESS'],
      personal_care: ['SUPERDRUG'],
      health: ['SPECSAVERS OPTICIANS', 'LLOYDS PHARMACY'],
      pets: ['PETS AT HOME', 'VETS4PETS'],
      motoring: ['HALFORDS', 'KWIK FIT'],
      home: ['CURRYS PC WORLD', 'WICKES', 'SCREWFIX', 'DUNELM', 'B&Q'],
      clothing: ['PRIMARK', 'JD SPORTS'],
      gym: ['PUREGYM'],
      gambling: ['LADBROKES', 'WILLIAM HILL'],
      car_hire: ['EUROPCAR'],
      cash: ['TRAVELEX'],
      rent: ['YOUR MOVE', 'REEDS RAINS', 'MARTIN & CO'],
    };
    for (const [kind, narratives] of Object.entries(known)) {
      it(`files well-known UK brands as ${kind}: ${narratives.join(', ')}`, () => {
        for (const n of narratives) expect(brandOf(n)?.kind, n).to.equal(kind);
      });
    }

    it('settles a name filed under several tags by the table order: Tesco is a supermarket, Shell fuel', () => {
      expect(brandOf('TESCO')?.kind).to.equal('supermarket');
      expect(brandOf('TESCO MOBILE')?.kind).to.equal('telecom');
      expect(brandOf('SHELL SERVICE STATION')?.kind).to.equal('fuel');
    });

    it('reads a brand named by a common word or a first name only standing alone, never beside another name or in a transfer', () => {
      for (const n of [
        'CARD PAYMENT TO NEXT ON 12 MAY',
        'SHELL',
        'SUBWAY 4412 LEEDS GB',
        'THE RANGE',
        'MANGO',
        'LEON',
      ])
        expect(brandOf(n)?.name, n).to.not.equal(undefined);
      for (const n of [
        'NEXT DOOR BAKERY',
        'FASTER PAYMENT TO MANGO',
        'FPO MAX',
        'LEON SMITH',
        'SHELL BEACH CAFE',
        'CASINO',
        'METRO',
      ])
        expect(brandOf(n)?.name, n).to.equal(undefined);
    });

    it('holds no brand under a first name beside a surname, a surname or initials alone', () => {
      for (const n of ['FPI ZARA JONES', 'FPI LEON SMITH', 'JAMIE ONEILL', 'FPO J EVANS', 'BP', 'EE'])
        expect(brandOf(n)?.name, n).to.equal(undefined);
    });

    it('has no single-word alias that the filters reject (the file and the rules agree)', () => {
      const rules = loadRules();
      for (const e of BRAND_MERCHANTS.entries)
        for (const a of e.aliases) {
          const tokens = tokenise(a);
          if (tokens.length !== 1) continue;
          const w = tokens[0]!.toLowerCase();
          // A brand whose own one-word name is a first name is kept as a `person` entry (matched only alone).
          const person = PERSON_BRANDS.has(e.name) && tokenise(e.name).join(' ') === tokens[0];
          expect(
            (rules.commonWords.has(w) || rules.firstNames.has(w)) && !person,
            `${e.name}: ${a}`,
          ).to.equal(false);
        }
    });

    it('takes estate agents (letting agents: rent) only under names of two words or more', () => {
      for (const n of ['FPO J BARNES', 'TAYLORS', 'FOXTONS']) expect(brandOf(n), n).to.equal(undefined);
      for (const e of BRAND_MERCHANTS.entries)
        if (e.kind === 'rent') for (const a of e.aliases) expect(tokenise(a).length, a).to.be.at.least(2);
    });

    it('drops car makers (a debit to one is its finance arm)', () => {
      for (const n of ['BMW FS', 'VOLKSWAGEN FIN SERV', 'MERCEDES BENZ FINANCIAL SERVICES'])
        expect(brandOf(n), n).to.equal(undefined);
    });
  });

  describe('rules', () => {
    const rules: AliasRules = {
      commonWords: new Set(['shell', 'range', 'pizza', 'express']),
      firstNames: new Set(['zara']),
      generic: [/^shops?$/i],
    };
    const why = (name: string, own: string[] = []) => rejection(name, tokenise(name), rules, own);

    it('keeps distinctive names and two-word names of common words', () => {
      expect(why('Greggs')).to.equal(undefined);
      expect(why('Pizza Express')).to.equal(undefined);
      expect(why('M&S')).to.equal(undefined);
    });
    it('rejects common words, first names, short, non-Latin, generic, foreign, surnames and truncations', () => {
      expect(why('Shell')).to.equal('common_word');
      expect(why('The Range')).to.equal('common_word');
      expect(why('Zara')).to.equal('first_name');
      expect(why('BP')).to.equal('too_short');
      expect(why('Маркс и Спенсер')).to.equal('not_latin');
      expect(why('shops')).to.equal('generic');
      expect(why('Lidl Polska')).to.equal('foreign');
      expect(why("O'Neill")).to.equal('surname');
      expect(why("O'Neill's")).to.equal(undefined);
      expect(why('Evans')).to.equal('surname');
      expect(why('Johnsons')).to.equal('surname');
      expect(why('Jones', ['JONES', 'BOOTMAKER'])).to.equal('truncation');
    });
    it('spells names as statements do', () => {
      const v = (name: string) => variants(name).map((t) => t.join(' '));
      expect(v('Marks & Spencer')).to.include.members([
        'MARKS & SPENCER',
        'MARKS AND SPENCER',
        'MARKS SPENCER',
      ]);
      expect(v('Co-op Food')).to.include.members(['CO OP FOOD', 'COOP FOOD']);
      expect(v('PizzaExpress')).to.include.members(['PIZZAEXPRESS', 'PIZZA EXPRESS']);
      expect(v('PureGym UK')).to.include.members(['PUREGYM UK', 'PUREGYM']);
      expect(v('Café Nero')).to.include('CAFE NERO');
    });
    it('decides UK trading from the locationSet', () => {
      expect(tradesInUk({ include: ['gb'] })).to.equal(true);
      expect(tradesInUk({ include: ['GB-SCT'] })).to.equal(true);
      expect(tradesInUk({ include: ['gb-lon.geojson'] })).to.equal(true);
      expect(tradesInUk({ include: ['001'], exclude: ['us'] })).to.equal(true);
      expect(tradesInUk({ include: ['150'], exclude: ['gb-nir'] })).to.equal(true);
      expect(tradesInUk({ include: ['001'], exclude: ['gb'] })).to.equal(false);
      expect(tradesInUk({ include: ['ie', 'je', 'gg'] })).to.equal(false);
      expect(tradesInUk({ include: [[-0.46, 51.53, 5]] })).to.equal(false);
    });
    it('maps NSI tree paths through the table, first row first', () => {
      expect(tagKindOf('brands/shop/supermarket')?.row.kind).to.equal('supermarket');
      expect(tagKindOf('brands/amenity/bank')).to.equal(undefined);
      expect(tagKindOf('operators/amenity/parking')).to.equal(undefined);
      expect(new Set(TAG_KINDS.map((r) => r.tag)).size, 'a tag listed twice').to.equal(TAG_KINDS.length);
      for (const r of TAG_KINDS) expect(isKind(r.kind), r.tag).to.equal(true);
    });
    it('generates deterministically and groups one name filed under two tags into one entry of the first tag', () => {
      const item = (displayName: string, tags: Record<string, string>, include = ['gb']) => ({
        displayName,
        id: displayName,
        locationSet: { include },
        tags,
      });
      const data: NsiData = {
        _meta: { version: '0.0.1' },
        nsi: {
          'brands/shop/convenience': { items: [item('Fuelco', { name: 'Fuelco' })] },
          'brands/amenity/fuel': {
            items: [item('Fuelco', { name: 'Fuelco', official_name: 'Fuelco Petroleum Ltd' })],
          },
          'brands/shop/clothes': {
            items: [item('Zara', { name: 'Zara' }), item('Farbrand', { name: 'Farbrand' }, ['us'])],
          },
        },
      };
      const out = generate(data, rules);
      // Zara is a first name: kept as a `person` entry, which the matcher reads only standing alone.
      expect(out.entries).to.deep.equal([
        { name: 'Fuelco', kind: 'fuel', aliases: ['FUELCO PETROLEUM LTD'] },
        { name: 'Zara', kind: 'clothing', person: true },
      ]);
      expect(generate(data, rules)).to.deep.equal(out);
      expect(out.counts.uk_brands).to.equal(3);
    });
  });
});
