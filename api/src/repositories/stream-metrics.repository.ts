import type { PrismaClient } from '../generated/prisma/client.js';

export type MinuteDelta = {
  streamId: string;
  minute: Date;
  viewers: number;
  orders: number;
  units: number;
  gmvMinor: number;
  chatMessages: number;
};

/**
 * The per-minute store of show metrics (viewers, orders, units, GMV, chat)
 * and product clicks. Counters are added, viewers take the highest sample of
 * the minute (every node samples the same cluster-wide count), so any number
 * of nodes can write the same minute.
 */
export class StreamMetricsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async add(rows: MinuteDelta[]): Promise<void> {
    if (rows.length === 0) return;
    await this.prisma.$executeRaw`
      INSERT INTO stream_minutes ("streamId", minute, viewers, orders, units, "gmvMinor", "chatMessages")
      SELECT * FROM unnest(${rows.map((r) => r.streamId)}::uuid[], ${rows.map((r) => r.minute)}::timestamp[], ${rows.map((r) => r.viewers)}::int[],
                           ${rows.map((r) => r.orders)}::int[], ${rows.map((r) => r.units)}::int[], ${rows.map((r) => r.gmvMinor)}::int[],
                           ${rows.map((r) => r.chatMessages)}::int[])
      ON CONFLICT ("streamId", minute) DO UPDATE SET
        viewers = GREATEST(stream_minutes.viewers, excluded.viewers),
        orders = stream_minutes.orders + excluded.orders,
        units = stream_minutes.units + excluded.units,
        "gmvMinor" = stream_minutes."gmvMinor" + excluded."gmvMinor",
        "chatMessages" = stream_minutes."chatMessages" + excluded."chatMessages"`;
  }

  async addClicks(rows: { streamId: string; listingId: string; clicks: number }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.prisma.$executeRaw`
      INSERT INTO stream_product_clicks ("streamId", "listingId", clicks)
      SELECT * FROM unnest(${rows.map((r) => r.streamId)}::uuid[], ${rows.map((r) => r.listingId)}::uuid[], ${rows.map((r) => r.clicks)}::int[])
      ON CONFLICT ("streamId", "listingId") DO UPDATE SET clicks = stream_product_clicks.clicks + excluded.clicks`;
  }

  minutes(streamIds: string[]) {
    return this.prisma.streamMinute.findMany({ where: { streamId: { in: streamIds } }, orderBy: { minute: 'asc' } });
  }

  clicks(streamIds: string[], listingIds: string[]) {
    return this.prisma.streamProductClick.aggregate({
      where: { streamId: { in: streamIds }, listingId: { in: listingIds } },
      _sum: { clicks: true },
    });
  }
}
