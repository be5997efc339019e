import type { PrismaClient } from '../generated/prisma/client.js';

/** What a brand's sponsorship report charts and totals, over the shows it covers. */
export class SponsorshipReportRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async report(sponsorshipId: string, brandId: string, streamIds: string[]) {
    const [minutes, [totals]] = await Promise.all([
      this.prisma.streamMinute.findMany({ where: { streamId: { in: streamIds } }, orderBy: { minute: 'asc' } }),
      this.prisma.$queryRaw<
        {
          peak: number | null;
          watch: bigint | null;
          pinned: number | null;
          clicks: bigint | null;
          orders: bigint;
          gmv: bigint | null;
          commission: bigint | null;
        }[]
      >`
        WITH covered AS (SELECT st.* FROM streams st WHERE st.id = ANY(${streamIds}::uuid[])),
        brand_listings AS (SELECT l.id FROM listings l JOIN shops sh ON sh.id = l."shopId" WHERE sh."ownerId" = ${brandId}::uuid),
        lines AS (
          SELECT i.*, o.status AS order_status FROM order_items i JOIN orders o ON o.id = i."orderId"
           WHERE i."attributedStreamId" = ANY(${streamIds}::uuid[]) AND i."listingId" IN (SELECT id FROM brand_listings)
             AND o.status NOT IN ('cancelled', 'pending_payment')
        )
        SELECT (SELECT greatest(coalesce(max(m.viewers), 0), coalesce(max(c."peakViewers"), 0))
                  FROM covered c LEFT JOIN stream_minutes m ON m."streamId" = c.id)::int AS peak,
               (SELECT sum(m.viewers) FROM stream_minutes m WHERE m."streamId" = ANY(${streamIds}::uuid[]))::bigint AS watch,
               (SELECT sum(extract(epoch FROM (coalesce(p."unpinnedAt", c."endedAt", now() AT TIME ZONE 'UTC') - p."pinnedAt"))) / 60.0
                  FROM stream_pins p JOIN covered c ON c.id = p."streamId" WHERE p."listingId" IN (SELECT id FROM brand_listings))::float AS pinned,
               (SELECT sum(k.clicks) FROM stream_product_clicks k
                 WHERE k."streamId" = ANY(${streamIds}::uuid[]) AND k."listingId" IN (SELECT id FROM brand_listings))::bigint AS clicks,
               (SELECT count(DISTINCT "orderId") FROM lines)::bigint AS orders,
               (SELECT sum("unitPriceMinor" * quantity) FROM lines)::bigint AS gmv,
               (SELECT sum("unitPriceMinor" * quantity * "commissionBps" / 10000) FROM lines WHERE order_status = 'completed')::bigint AS commission`,
    ]);
    return {
      minutes,
      commissionMinor: Number(totals?.commission ?? 0n),
      totals: {
        peakViewers: totals?.peak ?? 0,
        watchMinutes: Number(totals?.watch ?? 0n),
        pinnedMinutes: Math.round(Math.max(0, totals?.pinned ?? 0) * 10) / 10,
        productClicks: Number(totals?.clicks ?? 0n),
        orders: Number(totals?.orders ?? 0n),
        gmvMinor: Number(totals?.gmv ?? 0n),
        commissionMinor: Number(totals?.commission ?? 0n),
      },
    };
  }
}
