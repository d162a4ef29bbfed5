/**
 * Does an NSI brand trade in the United Kingdom? NSI gives each brand a `locationSet` ({include,
 * exclude}) of country-coder codes (ISO 3166 alpha-2, UN M49 regions, Wikidata ids), custom GeoJSON
 * areas (`gb-lon.geojson`) and points. The codes that matter for the UK are few and fixed, so they are
 * listed here rather than resolved geometrically; country-coder (which NSI itself uses) places each as
 * written below.
 */

/** Codes whose area contains the WHOLE United Kingdom. */
export const UK_WHOLE: ReadonlySet<string> = new Set([
  'gb',
  'uk',
  'q145',
  '826', // the United Kingdom itself
  'q3336843', // "Countries of the United Kingdom"
  '154', // Northern Europe
  '150', // Europe
  'un', // United Nations members
  '001', // the world
]);

/** Codes for a PART of the United Kingdom (a brand there trades in the UK). */
export const UK_PART: ReadonlySet<string> = new Set([
  'gb-eng',
  'q21', // England
  'gb-sct',
  'q22', // Scotland
  'gb-wls',
  'q25', // Wales
  'gb-nir',
  'q26', // Northern Ireland
  'q23666', // Great Britain (the island)
  'q22890', // Ireland (the island, with Northern Ireland)
]);

/**
 * NSI's custom areas inside the UK are named by their ISO 3166-2 prefix (`gb-lon.geojson`,
 * `gb-north-west.geojson`).
 */
const UK_CUSTOM_AREA = /^gb-[a-z0-9_-]+\.geojson$/;

/** A locationSet member: a code, a custom area file name, or a point [lon, lat, radius?]. */
export type LocationMember = string | number[];
export interface LocationSet {
  include?: readonly LocationMember[];
  exclude?: readonly LocationMember[];
}

const code = (m: LocationMember): string | undefined => (typeof m === 'string' ? m.toLowerCase() : undefined);

/** True when an included member covers all or part of the UK. Points are not considered (none of the taken tags uses one in the UK). */
function includesUk(m: LocationMember): boolean {
  const c = code(m);
  return c !== undefined && (UK_WHOLE.has(c) || UK_PART.has(c) || UK_CUSTOM_AREA.test(c));
}

/**
 * A brand trades in the UK when something it includes covers all or part of the UK and nothing it
 * excludes covers the whole UK (excluding one part, say `gb-nir`, leaves the rest).
 */
export function tradesInUk(set: LocationSet): boolean {
  if (!(set.include ?? []).some(includesUk)) return false;
  return !(set.exclude ?? []).some((m) => {
    const c = code(m);
    return c !== undefined && UK_WHOLE.has(c);
  });
}
