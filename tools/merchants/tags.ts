/**
 * The one table that turns a name-suggestion-index (NSI) brand's OpenStreetMap tag into a dictionary
 * kind (src/engine/kinds.ts). NSI files every brand under a tree path `brands/<key>/<value>`
 * (`brands/shop/supermarket`); a brand filed under a tag that is not in this table is not taken.
 *
 * ORDER IS PRECEDENCE. One brand name is often filed under several tags (Tesco under shop=supermarket
 * and amenity=fuel, Shell under amenity=fuel, shop=convenience and amenity=car_wash, Boots under
 * shop=chemist and amenity=pharmacy). The generated entry takes the kind of the row that comes FIRST,
 * and an alias claimed by two brands goes to the brand whose kind comes first. The order encodes what a
 * debit to that name most often is:
 *   - supermarkets before fuel (a supermarket's forecourt is a side line of the supermarket);
 *   - fuel before convenience and car washes (a fuel brand's shop is a side line of the forecourt);
 *   - chemists (toiletries: Boots, Superdrug) before pharmacies (prescriptions);
 *   - everyday food and drink before general retail.
 * docs/merchants.md renders this table (a unit test holds the two equal).
 */
import type { Kind } from '../../src/engine/kinds.ts';

export interface TagKind {
  /** OSM tag as `key=value`, matching NSI's tree path `brands/<key>/<value>`. */
  tag: string;
  kind: Kind;
  /** Why, when the kind is not obvious from the tag. */
  note?: string;
  /**
   * Only names of two words or more are taken: for trades whose firms are named after their founders,
   * where a lone word is usually a surname ("Barnes", "Taylors") and would claim payments to people.
   */
  twoWords?: true;
}

export const TAG_KINDS: readonly TagKind[] = [
  // Food shopping
  { tag: 'shop=supermarket', kind: 'supermarket' },
  {
    tag: 'shop=frozen_food',
    kind: 'supermarket',
    note: 'Iceland-style frozen food chains are grocery shopping',
  },
  { tag: 'shop=wholesale', kind: 'supermarket', note: 'cash-and-carry and warehouse clubs (Costco, Booker)' },
  // Fuel and motoring
  { tag: 'amenity=fuel', kind: 'fuel' },
  {
    tag: 'amenity=charging_station',
    kind: 'motoring',
    note: 'paying to charge an electric car; the curated layer files Pod Point and InstaVolt as motoring too',
  },
  { tag: 'man_made=charge_point', kind: 'motoring', note: 'as amenity=charging_station' },
  { tag: 'amenity=parking', kind: 'motoring' },
  { tag: 'shop=car_repair', kind: 'motoring' },
  { tag: 'shop=tyres', kind: 'motoring' },
  { tag: 'shop=car_parts', kind: 'motoring' },
  { tag: 'amenity=car_wash', kind: 'motoring' },
  { tag: 'shop=motorcycle_repair', kind: 'motoring' },
  { tag: 'amenity=car_rental', kind: 'car_hire' },
  // Convenience food and drink
  { tag: 'shop=convenience', kind: 'convenience' },
  {
    tag: 'shop=variety_store',
    kind: 'convenience',
    note: 'B&M, Poundland, Home Bargains: mostly groceries and household consumables',
  },
  { tag: 'shop=newsagent', kind: 'convenience' },
  { tag: 'shop=alcohol', kind: 'convenience', note: 'off-licences' },
  { tag: 'shop=greengrocer', kind: 'convenience' },
  { tag: 'shop=butcher', kind: 'convenience' },
  { tag: 'shop=deli', kind: 'convenience' },
  {
    tag: 'shop=health_food',
    kind: 'personal_care',
    note: 'Holland & Barrett: supplements and toiletries, as the curated layer files it',
  },
  // Eating out
  { tag: 'amenity=fast_food', kind: 'eating_out' },
  { tag: 'amenity=restaurant', kind: 'eating_out' },
  { tag: 'amenity=cafe', kind: 'eating_out' },
  { tag: 'amenity=pub', kind: 'eating_out' },
  { tag: 'amenity=bar', kind: 'eating_out' },
  { tag: 'amenity=ice_cream', kind: 'eating_out' },
  {
    tag: 'shop=bakery',
    kind: 'eating_out',
    note: 'UK bakery chains (Greggs, Birds, Cooplands) sell food to go',
  },
  { tag: 'shop=pastry', kind: 'eating_out' },
  { tag: 'shop=coffee', kind: 'eating_out' },
  { tag: 'shop=confectionery', kind: 'eating_out' },
  { tag: 'shop=chocolate', kind: 'eating_out' },
  // Personal care and health
  {
    tag: 'shop=chemist',
    kind: 'personal_care',
    note: 'toiletries chains (Boots, Superdrug); before amenity=pharmacy',
  },
  { tag: 'shop=cosmetics', kind: 'personal_care' },
  { tag: 'shop=perfumery', kind: 'personal_care' },
  { tag: 'shop=beauty', kind: 'personal_care' },
  { tag: 'shop=hairdresser', kind: 'personal_care' },
  { tag: 'shop=laundry', kind: 'personal_care' },
  { tag: 'shop=dry_cleaning', kind: 'personal_care' },
  { tag: 'amenity=pharmacy', kind: 'health' },
  { tag: 'shop=optician', kind: 'health' },
  { tag: 'shop=hearing_aids', kind: 'health' },
  { tag: 'amenity=dentist', kind: 'health' },
  { tag: 'amenity=doctors', kind: 'health' },
  { tag: 'amenity=clinic', kind: 'health' },
  // Pets
  { tag: 'shop=pet', kind: 'pets' },
  { tag: 'amenity=veterinary', kind: 'pets' },
  // Clothing
  { tag: 'shop=clothes', kind: 'clothing' },
  { tag: 'shop=shoes', kind: 'clothing' },
  { tag: 'shop=fashion_accessories', kind: 'clothing' },
  { tag: 'shop=bag', kind: 'clothing' },
  // Home: furniture, DIY, electricals (the curated layer files Currys, IKEA, B&Q, Dunelm as home)
  { tag: 'shop=furniture', kind: 'home' },
  { tag: 'shop=bed', kind: 'home' },
  { tag: 'shop=kitchen', kind: 'home' },
  { tag: 'shop=bathroom_furnishing', kind: 'home' },
  { tag: 'shop=carpet', kind: 'home' },
  { tag: 'shop=tiles', kind: 'home' },
  { tag: 'shop=interior_decoration', kind: 'home' },
  { tag: 'shop=houseware', kind: 'home' },
  { tag: 'shop=household_linen', kind: 'home' },
  { tag: 'shop=doityourself', kind: 'home' },
  { tag: 'shop=hardware', kind: 'home' },
  { tag: 'shop=trade', kind: 'home', note: 'trade counters (Screwfix, Toolstation, Travis Perkins)' },
  { tag: 'shop=paint', kind: 'home' },
  { tag: 'shop=garden_centre', kind: 'home' },
  { tag: 'shop=electronics', kind: 'home' },
  { tag: 'shop=appliance', kind: 'home' },
  { tag: 'shop=electrical', kind: 'home' },
  { tag: 'shop=vacuum_cleaner', kind: 'home' },
  { tag: 'shop=hifi', kind: 'home', note: 'home electronics, as shop=electronics' },
  { tag: 'shop=catalogue', kind: 'home', note: 'Argos, as the curated layer files it' },
  // Phones: the shops of UK networks, whose debits are the phone contract
  {
    tag: 'shop=mobile_phone',
    kind: 'telecom',
    note: 'network shops (EE, Vodafone, Three, O2): a debit to a network is its contract',
  },
  { tag: 'shop=telecommunication', kind: 'telecom' },
  // Other retail
  { tag: 'shop=department_store', kind: 'retail' },
  { tag: 'shop=stationery', kind: 'retail' },
  { tag: 'shop=toys', kind: 'retail' },
  { tag: 'shop=baby_goods', kind: 'retail' },
  { tag: 'shop=sports', kind: 'retail' },
  { tag: 'shop=outdoor', kind: 'retail' },
  { tag: 'shop=bicycle', kind: 'retail' },
  { tag: 'shop=gift', kind: 'retail' },
  { tag: 'shop=jewelry', kind: 'retail' },
  { tag: 'shop=watches', kind: 'retail' },
  { tag: 'shop=computer', kind: 'retail' },
  { tag: 'shop=camera', kind: 'retail' },
  { tag: 'shop=photo', kind: 'retail' },
  { tag: 'shop=art', kind: 'retail' },
  { tag: 'shop=craft', kind: 'retail' },
  { tag: 'shop=florist', kind: 'retail' },
  { tag: 'shop=party', kind: 'retail' },
  { tag: 'shop=e-cigarette', kind: 'retail' },
  { tag: 'shop=tobacco', kind: 'retail' },
  { tag: 'shop=second_hand', kind: 'retail' },
  {
    tag: 'shop=charity',
    kind: 'charity',
    note: 'charity shops; their names are the charities, whose debits are mostly donations',
  },
  // Leisure and travel
  { tag: 'amenity=cinema', kind: 'leisure' },
  { tag: 'shop=books', kind: 'leisure', note: 'books and games are hobbies: SFS Communications & Leisure' },
  { tag: 'shop=video_games', kind: 'leisure' },
  { tag: 'shop=games', kind: 'leisure' },
  { tag: 'shop=music', kind: 'leisure' },
  { tag: 'leisure=bowling_alley', kind: 'leisure' },
  { tag: 'leisure=trampoline_park', kind: 'leisure' },
  { tag: 'leisure=indoor_play', kind: 'leisure' },
  { tag: 'tourism=theme_park', kind: 'leisure' },
  { tag: 'leisure=fitness_centre', kind: 'gym' },
  { tag: 'leisure=sports_centre', kind: 'gym', note: 'leisure-centre operators sell memberships' },
  { tag: 'tourism=hotel', kind: 'travel' },
  { tag: 'tourism=hostel', kind: 'travel' },
  { tag: 'tourism=motel', kind: 'travel' },
  { tag: 'tourism=caravan_site', kind: 'travel' },
  { tag: 'shop=travel_agency', kind: 'travel' },
  // Gambling
  { tag: 'shop=bookmaker', kind: 'gambling' },
  { tag: 'shop=lottery', kind: 'gambling' },
  { tag: 'amenity=casino', kind: 'gambling' },
  { tag: 'amenity=gambling', kind: 'gambling' },
  { tag: 'leisure=adult_gaming_centre', kind: 'gambling' },
  // Money
  { tag: 'amenity=bureau_de_change', kind: 'cash', note: 'buying currency is taking cash' },
  {
    tag: 'shop=pawnbroker',
    kind: 'high_cost_credit',
    note: 'a payment to a pawnbroker redeems a pledge (a loan)',
  },
  { tag: 'office=insurance', kind: 'insurance' },
  {
    tag: 'office=estate_agent',
    kind: 'rent',
    twoWords: true,
    note: 'UK estate-agent chains are letting agents: a regular debit to one is rent. Two words or more only: agencies are named after their founders, and a lone surname (Barnes, Taylors) would make a payment to a person rent',
  },
  // Children
  { tag: 'amenity=childcare', kind: 'childcare' },
  { tag: 'amenity=kindergarten', kind: 'childcare' },
];

/**
 * Tags deliberately NOT taken, with the reason (documentation; anything absent from TAG_KINDS is
 * skipped whether listed here or not).
 */
export const SKIPPED_TAGS: readonly { tag: string; why: string }[] = [
  {
    tag: 'amenity=bank',
    why: 'UK banks and building societies are in the curated layer, which knows a payment to a bank is a loan, card or savings transfer, not spending',
  },
  {
    tag: 'amenity=atm',
    why: 'a cash machine operator is not a payee; cash withdrawals are recognised by their narrative',
  },
  {
    tag: 'shop=car',
    why: 'car makers and dealers. A brand NSI ALSO files under shop=car is dropped whatever else it is filed under (BMW, Volkswagen, Mercedes-Benz service centres are shop=car_repair): a debit naming a car maker is most often its finance company (BMW FS, VOLKSWAGEN FIN SERV), a loan',
  },
  {
    tag: 'amenity=bicycle_rental',
    why: 'scheme names are their sponsors (Santander Cycles), which would shadow the sponsor',
  },
  { tag: 'amenity=vending_machine', why: 'vending brands are the goods sold, not the payee' },
  { tag: 'advertising=totem', why: 'signs, not businesses' },
  { tag: 'amenity=post_office', why: 'payments at a post office are mostly bills and cash, not post' },
  { tag: 'amenity=money_transfer', why: 'remittances are transfers, not spending' },
  {
    tag: 'office=*',
    why: 'except insurance and estate agents, office brands (consultants, employment agencies) do not say what a debit bought',
  },
];

/** Tags that disqualify a brand wherever else NSI files it (see SKIPPED_TAGS). */
export const DISQUALIFYING_TAGS: ReadonlySet<string> = new Set(['shop=car']);

/** `key=value` of an NSI tree path `brands/<key>/<value>` (undefined for other trees). */
export function tagOf(treePath: string): string | undefined {
  const m = /^brands\/([^/]+)\/([^/]+)$/.exec(treePath);
  return m ? `${m[1]}=${m[2]}` : undefined;
}

/** Looks up the table row of an NSI tree path such as `brands/shop/supermarket` (undefined when not taken). */
export function tagKindOf(treePath: string): { row: TagKind; precedence: number } | undefined {
  const tag = tagOf(treePath);
  if (!tag) return undefined;
  const precedence = TAG_KINDS.findIndex((r) => r.tag === tag);
  return precedence < 0 ? undefined : { row: TAG_KINDS[precedence]!, precedence };
}
