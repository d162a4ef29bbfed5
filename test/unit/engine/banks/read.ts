/** Reading one bank's lines with the default format and that bank's file, and with the default alone. */
import { DEFAULT_FORMAT, type BankFormat } from '../../../../src/engine/banks/index.ts';
import { buildNormaliser, type Normaliser } from '../../../../src/engine/normalise.ts';
import { signalReader } from '../../../../src/engine/signals.ts';

export interface Reading {
  /** The payee's words: after the type prefixes, before the trailing place. */
  payee: string;
  /** A type prefix said the money went to, or came from, a person or an account. */
  transfer: boolean;
  returned: boolean;
}

function reader(formats: readonly BankFormat[]): (line: string) => Reading {
  const n: Normaliser = buildNormaliser(formats);
  const signals = signalReader(formats);
  return (line) => {
    const tokens = n.tokenise(line);
    const w = n.payeeStart(tokens);
    return {
      payee: tokens.slice(w.start, w.end).join(' '),
      transfer: w.transfer,
      returned: signals(line).returned,
    };
  };
}

/** `own` reads with the default and the bank's file, `plain` with the default alone. */
export function readers(bank: BankFormat): {
  own: (line: string) => Reading;
  plain: (line: string) => Reading;
} {
  return { own: reader([DEFAULT_FORMAT, bank]), plain: reader([DEFAULT_FORMAT]) };
}
