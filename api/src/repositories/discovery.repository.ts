import type { PrismaClient } from '../generated/prisma/client.js';

export type PickRow = {
  id: string;
  title: string;
  price_minor: number;
  currency: string;
  image_key: string | null;
  shop_id: string;
  shop_name: string;
  reason: string;
  weight: number;
};

/**
 * What the home page ranks: live shows with their engagement, and "for you"
 * listings from what the person bought, looked at and follows (with a
 * reason each), or from what is popular for a guest.
 */
export class DiscoveryRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Engagement of live shows over the last 10 minutes: chat messages and orders. */
  engagement(streamIds: string[]) {
    return this.prisma.$queryRaw<{ stream_id: string; chat: bigint; orders: bigint }[]>`
      SELECT "streamId"::text AS stream_id, sum("chatMessages")::bigint AS chat, sum(orders)::bigint AS orders
        FROM stream_minutes WHERE "streamId" = ANY(${streamIds}::uuid[]) AND minute > now() AT TIME ZONE 'UTC' - interval '10 minutes'
       GROUP BY 1`;
  }

  followed(userId: string) {
    return this.prisma.userFollow
      .findMany({ where: { followerId: userId }, select: { followeeId: true } })
      .then((r) => r.map((x) => x.followeeId));
  }

  async recordView(userId: string, listingId: string): Promise<void> {
    await this.prisma.listingView.upsert({
      where: { userId_listingId: { userId, listingId } },
      create: { userId, listingId, viewedAt: new Date() },
      update: { viewedAt: new Date() },
    });
  }

  /**
   * Candidates with a reason and a weight, best first; the service keeps the
   * best reason per listing. Never the person's own listings or what they
   * already bought.
   */
  picks(userId: string | null, limit: number): Promise<PickRow[]> {
    return this.prisma.$queryRaw<PickRow[]>`
      WITH me AS (SELECT ${userId}::uuid AS id),
      bought AS (
        SELECT DISTINCT i."listingId" AS lid, i.title FROM order_items i JOIN orders o ON o.id = i."orderId"
         WHERE o."buyerId" = (SELECT id FROM me) AND o.status NOT IN ('cancelled', 'pending_payment')
      ),
      viewed AS (
        SELECT v."listingId" AS lid, l.title, l.category FROM listing_views v JOIN listings l ON l.id = v."listingId"
         WHERE v."userId" = (SELECT id FROM me) ORDER BY v."viewedAt" DESC LIMIT 20
      ),
      candidates AS (
        -- People who bought what you bought also bought these.
        SELECT i2."listingId" AS lid, 'Because you bought ' || b.title AS reason, 3.0 + count(*) AS weight
          FROM bought b
          JOIN order_items i1 ON i1."listingId" = b.lid JOIN orders o1 ON o1.id = i1."orderId" AND o1."buyerId" <> (SELECT id FROM me)
          JOIN orders o2 ON o2."buyerId" = o1."buyerId" AND o2.status NOT IN ('cancelled', 'pending_payment')
          JOIN order_items i2 ON i2."orderId" = o2.id AND i2."listingId" <> b.lid
         GROUP BY i2."listingId", b.title
        UNION ALL
        -- Shown in the shows of creators you follow.
        SELECT p."listingId", 'Because you follow ' || u."displayName", 2.5
          FROM user_follows f JOIN streams s ON s."creatorId" = f."followeeId" JOIN stream_pins p ON p."streamId" = s.id JOIN users u ON u.id = f."followeeId"
         WHERE f."followerId" = (SELECT id FROM me)
        UNION ALL
        -- Like what you looked at.
        SELECT l.id, 'Because you looked at ' || v.title, 2.0
          FROM viewed v JOIN listings l ON l.category = v.category AND l.id <> v.lid
        UNION ALL
        -- Popular on Hawker in the last 30 days (everyone, guests included).
        SELECT i."listingId", 'Popular on Hawker', 1.0 + least(count(*), 50) / 50.0
          FROM order_items i JOIN orders o ON o.id = i."orderId"
         WHERE o."createdAt" > now() - interval '30 days' AND o.status NOT IN ('cancelled', 'pending_payment')
         GROUP BY i."listingId"
        UNION ALL
        -- New arrivals, so a fresh install has something to show.
        (SELECT l.id, 'New on Hawker', 0.5 FROM listings l WHERE l.status = 'active' ORDER BY l."createdAt" DESC LIMIT 50)
      )
      SELECT l.id::text, l.title, l."priceMinor" AS price_minor, l.currency::text AS currency,
             (SELECT i."storageKey" FROM listing_images i WHERE i."listingId" = l.id ORDER BY i.position LIMIT 1) AS image_key,
             sh.id::text AS shop_id, sh.name AS shop_name, c.reason, c.weight::float AS weight
        FROM candidates c JOIN listings l ON l.id = c.lid JOIN shops sh ON sh.id = l."shopId"
       WHERE l.status = 'active' AND l.stock > 0
         AND (${userId}::uuid IS NULL OR sh."ownerId" <> ${userId}::uuid)
         AND c.lid NOT IN (SELECT lid FROM bought)
       ORDER BY c.weight DESC, l."createdAt" DESC LIMIT ${limit * 4}`;
  }
}
