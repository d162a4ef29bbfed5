/**
 * Every fetching source's transactions against the accepted date window (src/model/dates.ts), after
 * the adapter has checked them against the period it asked for: the lender's request named a period
 * inside the window, so a row outside it is the provider's doing. Such rows are left out with a warning
 * (the lender cannot fix them); a history with nothing inside is the provider's wrong answer, a 502
 * naming it — never a 400 that would send the lender looking for a mistake of theirs.
 */
import { leftOutRows, type FetchingSource, type SourceOutput } from '../../adapters/source.ts';
import { dateWindow, DATE_WINDOW_MONTHS } from '../model/dates.ts';

export function keepInDateWindow(
  out: SourceOutput,
  provider: FetchingSource['provider'],
  now: Date,
): SourceOutput {
  const w = dateWindow(now);
  const outside = out.transactions.filter((t) => t.date < w.first || t.date > w.last);
  if (outside.length === 0) return out;
  const what = `dated outside the accepted window ${w.first} to ${w.last} (the ${DATE_WINDOW_MONTHS} months before the assessment to the day after it)`;
  const warning = leftOutRows(
    provider,
    outside.map((t) => t.date),
    what,
    outside.length === out.transactions.length,
  );
  return {
    ...out,
    transactions: out.transactions.filter((t) => t.date >= w.first && t.date <= w.last),
    metadata: { ...out.metadata, outside_window_excluded: outside.length },
    warnings: [...out.warnings, warning],
  };
}
