export * from './money.ts';
export * from './transaction.ts';
export * from './circumstances.ts';
export * from './assessment.ts';
export * from './veqtrx.ts';
export * from './accounts.ts';
