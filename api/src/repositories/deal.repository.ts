import type { PrismaClient } from '../generated/prisma/client.js';

const dealView = {
  id: true,
  streamId: true,
  listingId: true,
  dealPriceMinor: true,
  currency: true,
  quantity: true,
  soldCount: true,
  perBuyerLimit: true,
  startsAt: true,
  endsAt: true,
  graceMs: true,
  status: true,
  listing: { select: { title: true, priceMinor: true } },
} as const;

export class DealRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Starts a deal: its units move out of the listing's stock (conditional
   * UPDATE) into the deal, in one transaction. Null when the listing is not the
   * owner's, lacks stock, is not priced above the deal price (a "deal" at
   * or over the list price would mislead buyers), or another deal is running.
   */
  async launch(input: {
    streamId: string;
    ownerId: string;
    listingId: string;
    dealPriceMinor: number;
    quantity: number;
    perBuyerLimit: number;
    durationMs: number;
    graceMs: number;
  }) {
    return this.prisma.$transaction(async (tx) => {
      const running = await tx.flashDeal.count({ where: { streamId: input.streamId, status: 'active' } });
      if (running > 0) return { ok: false as const, reason: 'deal_running' as const };
      const taken = await tx.$queryRaw<{ currency: string }[]>`
        UPDATE listings l SET stock = l.stock - ${input.quantity}, "updatedAt" = now()
          FROM shops s
         WHERE l.id = ${input.listingId}::uuid AND s.id = l."shopId"
           AND (s."ownerId" = ${input.ownerId}::uuid
                OR EXISTS (SELECT 1 FROM sponsorships sp JOIN sponsorship_streams ss ON ss."sponsorshipId" = sp.id
                            WHERE sp."brandId" = s."ownerId" AND sp.status = 'accepted' AND ss."streamId" = ${input.streamId}::uuid)
                OR (l."affiliateRateBps" IS NOT NULL
                    AND ${input.dealPriceMinor} >= coalesce(l."affiliateMinDealPriceMinor", 0)
                    AND ${input.quantity} <= coalesce(l."affiliateMaxDealUnits", ${input.quantity})))
           AND l.status = 'active' AND l.stock >= ${input.quantity} AND l."priceMinor" > ${input.dealPriceMinor}
        RETURNING l.currency`;
      if (!taken[0]) {
        const listing = await tx.listing.findFirst({
          where: { id: input.listingId, OR: [{ shop: { ownerId: input.ownerId } }, { affiliateRateBps: { not: null } }] },
          select: { priceMinor: true },
        });
        return listing && listing.priceMinor <= input.dealPriceMinor
          ? { ok: false as const, reason: 'not_below_list' as const, listPriceMinor: listing.priceMinor }
          : { ok: false as const, reason: 'no_stock' as const };
      }
      const now = new Date();
      const deal = await tx.flashDeal.create({
        data: {
          streamId: input.streamId,
          listingId: input.listingId,
          dealPriceMinor: input.dealPriceMinor,
          currency: taken[0].currency,
          quantity: input.quantity,
          perBuyerLimit: input.perBuyerLimit,
          status: 'active',
          startsAt: now,
          endsAt: new Date(now.getTime() + input.durationMs),
          graceMs: input.graceMs,
        },
        select: dealView,
      });
      return { ok: true as const, deal };
    });
  }

  active(streamId: string) {
    return this.prisma.flashDeal.findFirst({ where: { streamId, status: 'active' }, select: dealView });
  }

  find(id: string) {
    return this.prisma.flashDeal.findUnique({ where: { id }, select: dealView });
  }

  remaining(id: string) {
    return this.prisma.flashDeal.findUnique({ where: { id }, select: { streamId: true, quantity: true, soldCount: true } });
  }

  activeRemaining() {
    return this.prisma.flashDeal.findMany({ where: { status: 'active' }, select: { id: true, quantity: true, soldCount: true } });
  }

  /** Units each buyer holds in the deal's live orders (what the per-buyer limit counts). */
  async boughtByBuyer(dealId: string): Promise<Map<string, number>> {
    const rows = await this.prisma.$queryRaw<{ buyerId: string; units: bigint }[]>`
      SELECT o."buyerId"::text AS "buyerId", sum(i.quantity)::bigint AS units
        FROM order_items i JOIN orders o ON o.id = i."orderId"
       WHERE i."flashDealId" = ${dealId}::uuid AND o.status <> 'cancelled'
       GROUP BY o."buyerId"`;
    return new Map(rows.map((r) => [r.buyerId, Number(r.units)]));
  }

  /**
   * Ends deals whose window (plus grace) has passed and returns unsold units to
   * the listing. Safe on several nodes: rows are claimed FOR UPDATE SKIP LOCKED.
   */
  async endExpired(now: Date) {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string; streamId: string; listingId: string; unsold: number; sold: number }[]>`
        SELECT id::text, "streamId"::text AS "streamId", "listingId"::text AS "listingId", quantity - "soldCount" AS unsold, "soldCount" AS sold
          FROM flash_deals WHERE status = 'active' AND "endsAt" + "graceMs" * interval '1 millisecond' < ${now}
         FOR UPDATE SKIP LOCKED`;
      for (const d of due) {
        await tx.flashDeal.update({ where: { id: d.id }, data: { status: 'ended' } });
        if (d.unsold > 0) await tx.listing.update({ where: { id: d.listingId }, data: { stock: { increment: d.unsold } } });
      }
      return due;
    });
  }
}

export type DealRow = NonNullable<Awaited<ReturnType<DealRepository['find']>>>;
