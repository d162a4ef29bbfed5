/**
 * The dictionary's verdict on a narrative — which entry, if any, it names — asked once per normalised
 * narrative: the words of a merchant name, or of a name and a description read together, as the
 * tokeniser leaves them (normalise.ts). Statement lines of one payee differ in dates, card, store and
 * terminal numbers far more often than in those words (the benchmark's 10,000 lines have 5,681 distinct
 * descriptions and 149 distinct narratives), and different customers pay the same firms.
 *
 * Two memos, both bounded, neither able to change a figure (a verdict is a pure function of the words and
 * the dictionary, so a cached one is the one the dictionary would give):
 *  - one per call of `classify`, for every narrative of that call, of at most `CALL_LIMIT` narratives
 *    (beyond that a narrative is matched afresh);
 *  - one per dictionary, shared by the calls of a thread, of at most `SHARED_LIMIT` narratives, the least
 *    recently used dropped first. It holds only what names a firm: a verdict naming a dictionary entry
 *    (a named firm, not a generic word or a payment processor), for a narrative that is not a payment to or
 *    from a person (no transfer prefix, docs/engine.md § Merchant intelligence) and carries no reference.
 *    Payments to people, the words of narratives the dictionary does not know, and everything else read
 *    from a statement (signals, payees, counterparty keys) stay within the call that read them. A custom
 *    dictionary's verdicts are its own (the memo is kept per dictionary object and goes with it).
 */
import type { MerchantDictionary, MerchantMatch } from './merchants.ts';
import { payeeStart } from './normalise.ts';

export const CALL_LIMIT = 4096;
export const SHARED_LIMIT = 10_000;

const SHARED = new WeakMap<MerchantDictionary, Map<string, MerchantMatch>>();

/** No transfer prefix (a payment to or from a person) and no reference marker in the words. */
const shareable = (tokens: readonly string[]) =>
  !payeeStart(tokens).transfer && !tokens.includes('REF') && !tokens.includes('REFERENCE');

/**
 * A verdict lookup for one call of `classify`. `key` is the narrative's words joined (the name's and the
 * description's separated by U+0001), `also` the description's tokens when the name is read with one.
 */
export function verdicts(
  merchants: MerchantDictionary,
): (key: string, tokens: readonly string[], also?: readonly string[]) => MerchantMatch | undefined {
  const call = new Map<string, MerchantMatch | undefined>();
  let shared = SHARED.get(merchants);
  if (!shared) SHARED.set(merchants, (shared = new Map<string, MerchantMatch>()));
  const lru = shared;
  return (key, tokens, also) => {
    let m = call.get(key);
    if (m !== undefined || call.has(key)) return m;
    m = lru.get(key);
    if (m) {
      // Most recently used last: the first key is the one to drop.
      lru.delete(key);
      lru.set(key, m);
    } else {
      m = also ? merchants.match(tokens, also) : merchants.match(tokens);
      if (m && m.entry.tier === 0 && shareable(tokens) && (!also || shareable(also))) {
        lru.set(key, m);
        const oldest = lru.keys().next();
        if (lru.size > SHARED_LIMIT && !oldest.done) lru.delete(oldest.value);
      }
    }
    if (call.size < CALL_LIMIT) call.set(key, m);
    return m;
  };
}
