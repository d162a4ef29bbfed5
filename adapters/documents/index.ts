/**
 * The statement-reading library (issue 13). Pure functions of the document bytes, no I/O beyond them:
 *
 * - `readStatement(pdf, opts?)` → a bank statement's bank, account, period, balances, transactions
 *   (source `documents`), reconciliation, warnings and tamper signals; or `{ok: false, reason, detail}`.
 * - `readPayslip(pdf, opts?)` → employer, pay date, period, gross, net, tax, NI, pension; or a failure.
 * - `reconcileStatements(statements)` → one account's rows once across overlapping statements, and the
 *   gaps between statement periods.
 * - `matchPayslips(payslips, transactions)` → each payslip matched to the credit that paid it, or a warning.
 * - `readInWorker(pdf, {timeoutMs, maxOldGenerationSizeMb, kind})` → either reader in a worker thread
 *   with a memory ceiling and a deadline (what the job runner should call with untrusted uploads).
 *
 * See README.md beside this file.
 */
export { readStatement } from './statement.ts';
export { readPayslip } from './payslip.ts';
export { reconcileStatements, matchPayslips } from './multi.ts';
export { readInWorker, DocumentWorkers, type WorkerReadOptions, type WorkerLimits } from './worker.ts';
export type * from './types.ts';
