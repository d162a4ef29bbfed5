/** What the worker thread runs: the two readers, and nothing that starts threads. */
export { readStatement } from './statement.ts';
export { readPayslip } from './payslip.ts';
