/**
 * The quota check made before any work. The unit itself is charged in the statement that stores the
 * assessment (store/assessments.ts), and that charge is what guarantees the quota; this check only lets
 * `/assess` refuse a partner whose quota is used up before it decodes the body, runs the engine or calls
 * a provider — so a partner out of quota gets its 429 at once and costs nothing upstream.
 *
 * It works from what this process last learnt of each partner's count this month (from a read, or the
 * count a charge returned), for at most `maxAgeMs` by the request's clock (the `now` each call is given:
 * the gateway's injected clock, as for the month), so a request on the hot path costs no database
 * statement. What it knows can be behind other replicas' charges, so near the end of a quota more
 * requests may start than there are units: the charge then refuses the extra ones (429) and nothing of
 * theirs is stored or counted.
 */
import type { PartnerRow } from '../store/partners.ts';
import type { Queryable } from '../store/db.ts';
import { period, usedThisMonth } from '../store/usage.ts';

interface Seen {
  period: string;
  used: number;
  until: number;
}

export class QuotaGate {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly db: Queryable,
    private readonly maxAgeMs = 2_000,
  ) {}

  /** False when the partner's quota for the month of `now` is used up, as far as this process knows. */
  async hasRoom(partner: PartnerRow, now: Date): Promise<boolean> {
    const month = period(now);
    let s = this.seen.get(key(partner));
    if (!s || s.period !== month || !fresh(s, now.getTime(), this.maxAgeMs)) {
      s = this.remember(partner, now, await usedThisMonth(this.db, partner.id, now));
    }
    return s.used < partner.monthly_quota;
  }

  /** A charge succeeded: `used` is the month's count it returned. */
  charged(partner: PartnerRow, now: Date, used: number): void {
    this.remember(partner, now, used);
  }

  /** A charge was refused: the quota is used up, whatever this process thought. */
  exhausted(partner: PartnerRow, now: Date): void {
    this.remember(partner, now, partner.monthly_quota);
  }

  private remember(partner: PartnerRow, now: Date, used: number): Seen {
    if (this.seen.size > 10_000) this.seen.clear();
    const s = { period: period(now), used, until: now.getTime() + this.maxAgeMs };
    this.seen.set(key(partner), s);
    return s;
  }
}

/** Still to be trusted at `t`: not expired, and not from a clock that has since gone back (a test's). */
const fresh = (s: Seen, t: number, maxAgeMs: number) => t < s.until && s.until - t <= maxAgeMs;

/** A partner deleted and created again under the same id starts afresh. */
const key = (p: PartnerRow) => `${p.id}@${p.created_at.getTime()}`;
