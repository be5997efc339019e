import type { AdPlacement } from '@hawker/shared';
import type { Logger } from 'pino';
import type { AdBillingRepository } from '../repositories/ad-billing.repository.js';
import type { RankedAd } from './ad-index.js';

type Impression = {
  id: string;
  adId: string;
  campaignId: string;
  placement: AdPlacement;
  position: number;
  priceMinor: number;
  viewerKey: string;
};
type AuctionRow = { placement: AdPlacement; query: string; adIds: string[]; candidates: unknown };

const IMPRESSION_BATCH_MS = 100;
const AUCTION_FLUSH_MS = 1_000;
/** Beyond this many unwritten auctions (the database is slow or down) new ones are counted, not kept. */
const MAX_PENDING_AUCTIONS = 20_000;
const AUCTION_ROWS_PER_INSERT = 1_000;

/**
 * Writes behind the decision path: the auction log every second, and
 * impressions in 100 ms batches. An impression beacon waits for its batch to
 * commit, so a click that follows it finds it; the decision itself never waits.
 */
export class AdLogBuffer {
  #auctions: AuctionRow[] = [];
  #dropped = 0;
  #impressions: { row: Impression; done: () => void; failed: (e: unknown) => void }[] = [];
  #impressionTimer: NodeJS.Timeout | undefined;
  #auctionTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly billing: AdBillingRepository,
    private readonly counted: (ads: { adId: string; impressions: number; clicks: number }[]) => void,
    private readonly logger: Logger,
    private readonly today: () => string,
  ) {}

  start(): void {
    this.#auctionTimer = setInterval(() => void this.flushAuctions(), AUCTION_FLUSH_MS);
    this.#auctionTimer.unref();
  }

  /** The auction compactly: each ranked candidate's bid, quality, score, price and slot. */
  auction(placement: AdPlacement, query: string, ranked: RankedAd[]): void {
    if (this.#auctions.length >= MAX_PENDING_AUCTIONS) {
      this.#dropped++;
      return;
    }
    this.#auctions.push({
      placement,
      query: query.slice(0, 200),
      adIds: ranked.map((r) => r.adId),
      candidates: ranked.map((r) => ({
        ad: r.adId,
        bid: r.bidMinor,
        q: round(r.quality),
        score: round(r.score),
        price: r.priceMinor,
        slot: r.slot,
      })),
    });
  }

  async flushAuctions(): Promise<void> {
    while (this.#auctions.length > 0) {
      const rows = this.#auctions.splice(0, AUCTION_ROWS_PER_INSERT);
      await this.billing.logAuctions(rows).catch((err: unknown) => this.logger.warn({ err, rows: rows.length }, 'auction log rows lost'));
    }
    if (this.#dropped > 0) {
      this.logger.warn({ dropped: this.#dropped }, 'auction log fell behind; auctions not logged');
      this.#dropped = 0;
    }
  }

  impression(row: Impression): Promise<void> {
    return new Promise((done, failed) => {
      this.#impressions.push({ row, done, failed });
      this.#impressionTimer ??= setTimeout(() => void this.flushImpressions(), IMPRESSION_BATCH_MS);
    });
  }

  flushImpressions(): Promise<void> {
    clearTimeout(this.#impressionTimer);
    this.#impressionTimer = undefined;
    const batch = this.#impressions.splice(0);
    if (batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(async () => {
      try {
        const added = await this.billing.recordImpressions(
          batch.map((b) => b.row),
          this.today(),
        );
        const perAd = new Map<string, number>();
        for (const a of added) perAd.set(a.adId, (perAd.get(a.adId) ?? 0) + 1);
        if (perAd.size > 0) this.counted([...perAd].map(([adId, impressions]) => ({ adId, impressions, clicks: 0 })));
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.failed(err);
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#auctionTimer);
    await this.flushImpressions();
    await this.flushAuctions();
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
