import { outranks, secondPrice } from './ad-auction.js';

/** One candidate as the auction log keeps it (AdLogBuffer). */
export type LoggedCandidate = { ad: string; bid: number; q: number; score: number; price: number | null; slot: number | null };

export type Replayed = { impressions: number; clicks: number; avgCpcMinor: number; spendMinor: number };

/**
 * The seller's "what if": replays logged auctions with the ad's bid changed
 * (null: as it was) and everyone else's as logged, by the auction's own rules.
 * Expected clicks are the ad's predicted click-through rate per slot won,
 * and spend is those clicks at the replayed second price. Only the ranked
 * candidates the log kept take part, so a bid far above the logged field is
 * priced against the best of them.
 */
export function replayAuctions(
  auctions: LoggedCandidate[][],
  adId: string,
  bidMinor: number | null,
  slots: number,
  reserveMinor: number,
): Replayed {
  let impressions = 0;
  let clicks = 0;
  let spend = 0;
  for (const logged of auctions) {
    const own = logged.find((c) => c.ad === adId);
    if (!own) continue;
    const bid = bidMinor ?? own.bid;
    if (bid < reserveMinor) continue;
    const ranked = logged
      .map((c) => (c.ad === adId ? { ...c, bid, score: bid * c.q } : c))
      .map((c) => ({ adId: c.ad, bidId: '', bidMinor: c.bid, quality: c.q, score: c.score }))
      .sort((a, b) => (outranks(a, b) ? -1 : outranks(b, a) ? 1 : 0));
    const at = ranked.findIndex((c) => c.adId === adId);
    if (at >= slots) continue;
    const next = ranked[at + 1];
    const price = secondPrice({ bidMinor: bid, quality: own.q }, next ? next.score : null, reserveMinor);
    impressions += 1;
    clicks += own.q;
    spend += own.q * price;
  }
  return {
    impressions,
    clicks: Math.round(clicks * 100) / 100,
    avgCpcMinor: clicks > 0 ? Math.round(spend / clicks) : 0,
    spendMinor: Math.round(spend),
  };
}
