export { assess, assessColumnar, ENGINE_VERSION } from './assess.ts';
export { EngineInputError } from './classify.ts';
export { UK_MERCHANTS, buildDictionary, type MerchantDictionary } from './merchants.ts';
export { THRESHOLDS } from './thresholds.ts';
export { PLAID_PRIMARY, PLAID_DETAILED } from './plaid.ts';
export type * from './types.ts';
