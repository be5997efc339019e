import type { Discover, StreamSummary } from '@hawker/shared';
import type { DiscoveryRepository } from '../repositories/discovery.repository.js';
import type { StreamRepository } from '../repositories/stream.repository.js';
import type { Principal } from './auth.service.js';
import { toStreamSummary } from './stream-views.js';

const FOR_YOU = 12;

/**
 * The home page, ranked for the person looking: live shows of creators they
 * follow first; then live shows by audience and engagement (viewers, plus
 * chat and orders in the last 10 minutes); upcoming shows, followed creators
 * first; and "for you" listings from what they bought (people who bought X
 * bought Y), looked at and follow, each with its reason. A guest gets the
 * same page without the personal parts.
 */
export class DiscoveryService {
  constructor(
    private readonly discovery: DiscoveryRepository,
    private readonly streams: StreamRepository,
    private readonly viewers: { count(streamId: string): Promise<number> },
    private readonly imageUrl: (key: string) => string,
  ) {}

  async home(principal: Principal | null): Promise<Discover> {
    const userId = principal?.userId ?? null;
    const [liveRows, upcomingRows, followed, picks] = await Promise.all([
      this.streams.list('live', undefined, 50),
      this.streams.upcoming(new Date(), undefined, 30),
      userId ? this.discovery.followed(userId) : Promise.resolve([] as string[]),
      this.discovery.picks(userId, FOR_YOU),
    ]);
    const follows = new Set(followed);
    const live = await Promise.all(liveRows.map(async (r) => toStreamSummary(r, await this.viewers.count(r.id))));
    const engagement = new Map((await this.discovery.engagement(live.map((s) => s.id))).map((e) => [e.stream_id, e]));
    const score = (s: StreamSummary) => {
      const e = engagement.get(s.id);
      return s.viewerCount + 2 * Number(e?.chat ?? 0n) + 10 * Number(e?.orders ?? 0n);
    };
    const ranked = live
      .filter((s) => !follows.has(s.creator.id))
      .sort((a, b) => score(b) - score(a))
      .map((s) => ({ ...s, reason: reasonFor(s, engagement.get(s.id)) }));
    const upcoming = upcomingRows
      .map((r) => toStreamSummary(r, 0))
      .sort((a, b) => Number(follows.has(b.creator.id)) - Number(follows.has(a.creator.id)));
    const seen = new Set<string>();
    const forYou: Discover['forYou'] = [];
    for (const p of picks) {
      if (seen.has(p.id) || forYou.length >= FOR_YOU) continue;
      seen.add(p.id);
      forYou.push({
        listing: {
          id: p.id,
          title: p.title,
          priceMinor: p.price_minor,
          currency: p.currency,
          imageUrl: p.image_key ? this.imageUrl(p.image_key) : null,
          shop: { id: p.shop_id, name: p.shop_name },
        },
        reason: p.reason,
      });
    }
    return { liveFollowed: live.filter((s) => follows.has(s.creator.id)), live: ranked, upcoming, forYou };
  }

  /** A logged-in person opened a listing: it shapes their "for you". */
  viewed(principal: Principal | null, listingId: string): void {
    if (principal) void this.discovery.recordView(principal.userId, listingId).catch(() => undefined);
  }
}

function reasonFor(s: StreamSummary, e: { chat: bigint; orders: bigint } | undefined): string {
  if (Number(e?.orders ?? 0n) > 0) return `${Number(e!.orders)} orders in the last 10 minutes`;
  if (Number(e?.chat ?? 0n) > 0) return 'Lively chat right now';
  return `${s.viewerCount} watching`;
}
