/** The customer's declared circumstances, as the Veqtrx contract defines them. */
export const HOUSING_TYPES = [
  'renter',
  'homeowner_mortgage',
  'homeowner_outright',
  'social_housing',
] as const;
export type HousingType = (typeof HOUSING_TYPES)[number];

export interface Circumstances {
  housing?: HousingType;
  /** 1..10 */
  household_adults?: number;
  /** 0..10 */
  children_u16?: number;
  /** 0..10 */
  children_16_18?: number;
  /** Free-form codes from the FCA vulnerability taxonomy, as declared by the partner. */
  vulnerabilities?: string[];
}
