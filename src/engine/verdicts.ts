/**
 * The dictionary's verdict on a narrative — which entry, if any, it names — asked once per normalised
 * narrative: the words of a merchant name, or of a name and a description read together, as the
 * tokeniser leaves them (normalise.ts). Statement lines of one payee differ in dates, card, store and
 * terminal numbers far more often than in those words (the benchmark's 10,000 lines have 5,681 distinct
 * descriptions and 149 distinct narratives).
 *
 * The memo lives for one call of `classify` and holds at most `CALL_LIMIT` narratives (beyond that a
 * narrative is matched afresh); it cannot change a figure, since a verdict is a pure function of the words
 * and the dictionary.
 */
import type { MerchantDictionary, MerchantMatch } from './merchants.ts';

export const CALL_LIMIT = 4096;

/**
 * A verdict lookup for one call of `classify`. `key` is the narrative's words joined (the name's and the
 * description's separated by U+0001), `also` the description's tokens when the name is read with one.
 */
export function verdicts(merchants: MerchantDictionary): (key: string, tokens: readonly string[], also?: readonly string[]) => MerchantMatch | undefined {
  const call = new Map<string, MerchantMatch | undefined>();
  return (key, tokens, also) => {
    let m = call.get(key);
    if (m !== undefined || call.has(key)) return m;
    m = also ? merchants.match(tokens, also) : merchants.match(tokens);
    if (call.size < CALL_LIMIT) call.set(key, m);
    return m;
  };
}
