import type { PrismaClient } from '../generated/prisma/client.js';

/** Sales and product-timeline figures of a stream, from the orders recorded with their stream. */
export class StreamStatsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async sales(streamId: string) {
    const paidStates = ['paid', 'shipped', 'completed', 'disputed'] as const;
    const [orders, units, buyers, gmv, stream] = await Promise.all([
      this.prisma.order.count({ where: { streamId, status: { in: [...paidStates] } } }),
      this.prisma.orderItem.aggregate({ where: { order: { streamId, status: { in: [...paidStates] } } }, _sum: { quantity: true } }),
      this.prisma.order.findMany({
        where: { streamId, status: { in: [...paidStates] } },
        distinct: ['buyerId'],
        select: { buyerId: true },
      }),
      this.prisma.order.groupBy({ by: ['currency'], where: { streamId, status: { in: [...paidStates] } }, _sum: { totalMinor: true } }),
      this.prisma.stream.findUnique({ where: { id: streamId }, select: { peakViewers: true } }),
    ]);
    return { orders, units: units._sum.quantity ?? 0, buyers: buyers.length, gmv, peakViewers: stream?.peakViewers ?? 0 };
  }

  async timeline(streamId: string) {
    const [pins, sold] = await Promise.all([
      this.prisma.streamPin.findMany({
        where: { streamId },
        orderBy: { pinnedAt: 'asc' },
        select: { listingId: true, offsetMs: true, pinnedAt: true, unpinnedAt: true, listing: { select: { title: true } } },
      }),
      this.prisma.orderItem.groupBy({
        by: ['listingId'],
        where: { order: { streamId, status: { not: 'cancelled' } } },
        _sum: { quantity: true },
      }),
    ]);
    return { pins, sold: new Map(sold.map((s) => [s.listingId, s._sum.quantity ?? 0])) };
  }

  /** Keeps the stream's peak audience (for conversion) as viewers join. */
  async bumpPeak(streamId: string, viewers: number): Promise<void> {
    await this.prisma
      .$executeRaw`UPDATE streams SET "peakViewers" = ${viewers} WHERE id = ${streamId}::uuid AND "peakViewers" < ${viewers}`;
  }
}
