/**
 * How money leaving an order's escrow is split: the creator who sold it gets
 * their commission, the platform its fee (0 by default: listings are free),
 * the seller the rest. All integer minor units, rounding down for the creator
 * and the platform (the seller keeps the odd units), so the parts always add
 * up to the amount exactly.
 */
export type CommissionLine = { creatorId: string | null; commissionBps: number; lineTotalMinor: number };

export type ReleaseSplit = { sellerMinor: number; platformMinor: number; creators: Map<string, number> };

export const MAX_COMMISSION_BPS = 5000;

/**
 * Splits `amountMinor` released from an order whose lines total
 * `orderTotalMinor`. A partial release (what is left after a partial refund)
 * pays the commission pro rata: commission × amount ÷ total.
 */
export function splitRelease(amountMinor: number, orderTotalMinor: number, lines: CommissionLine[], platformFeeBps: number): ReleaseSplit {
  const creators = new Map<string, number>();
  if (amountMinor <= 0 || orderTotalMinor <= 0) return { sellerMinor: Math.max(0, amountMinor), platformMinor: 0, creators };
  const full = new Map<string, number>();
  for (const line of lines) {
    if (!line.creatorId || line.commissionBps <= 0) continue;
    full.set(line.creatorId, (full.get(line.creatorId) ?? 0) + Math.floor((line.lineTotalMinor * line.commissionBps) / 10_000));
  }
  let paid = 0;
  for (const [creatorId, commission] of full) {
    const share = Math.floor((commission * amountMinor) / orderTotalMinor);
    if (share > 0) creators.set(creatorId, share);
    paid += share;
  }
  const platformMinor = Math.floor((amountMinor * platformFeeBps) / 10_000);
  return { sellerMinor: amountMinor - paid - platformMinor, platformMinor, creators };
}

/**
 * What a refund of `refundMinor` after release takes back from each party that
 * received the `releasedMinor`, in the same proportions: the creator's
 * commission is clawed back pro rata, the platform's fee too, the seller pays
 * the rest.
 */
export function splitClawback(refundMinor: number, released: ReleaseSplit, releasedMinor: number): ReleaseSplit {
  const creators = new Map<string, number>();
  if (refundMinor <= 0 || releasedMinor <= 0) return { sellerMinor: 0, platformMinor: 0, creators };
  let taken = 0;
  for (const [creatorId, commission] of released.creators) {
    const back = Math.floor((commission * refundMinor) / releasedMinor);
    if (back > 0) creators.set(creatorId, back);
    taken += back;
  }
  const platformMinor = Math.floor((released.platformMinor * refundMinor) / releasedMinor);
  return { sellerMinor: refundMinor - taken - platformMinor, platformMinor, creators };
}

/** The released share of a sponsorship fee: the mean over the asked-for deliverables of min(1, delivered ÷ required), in basis points. */
export function deliveredShareBps(deliverables: { required: number; delivered: number }[]): number {
  const asked = deliverables.filter((d) => d.required > 0);
  if (asked.length === 0) return 10_000;
  const mean = asked.reduce((sum, d) => sum + Math.min(1, d.delivered / d.required), 0) / asked.length;
  return Math.floor(mean * 10_000);
}
