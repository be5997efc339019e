import type { PrismaClient } from '../generated/prisma/client.js';
import { isUniqueViolation } from './user.repository.js';

export class ShopRepository {
  constructor(private readonly prisma: PrismaClient) {}

  find(id: string) {
    return this.prisma.shop.findUnique({
      where: { id },
      select: { id: true, name: true, slug: true, description: true, ownerId: true, followerCount: true },
    });
  }

  ownedBy(ownerId: string) {
    return this.prisma.shop.findMany({ where: { ownerId }, select: { id: true }, orderBy: { createdAt: 'asc' } });
  }

  /** Opens a shop and grants the owner the seller role, in one transaction. Null if the slug is taken. */
  async open(ownerId: string, name: string, slug: string, description: string) {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const shop = await tx.shop.create({ data: { ownerId, name, slug, description }, select: { id: true } });
        const user = await tx.user.findUniqueOrThrow({ where: { id: ownerId }, select: { roles: true } });
        if (!user.roles.includes('seller')) await tx.user.update({ where: { id: ownerId }, data: { roles: { push: 'seller' } } });
        return shop;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  isFollowing(userId: string, shopId: string) {
    return this.prisma.shopFollow.count({ where: { userId, shopId } }).then((n) => n > 0);
  }

  /** Follows once; the follower count moves in the same transaction as the row. */
  async follow(userId: string, shopId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const inserted =
        await tx.$executeRaw`INSERT INTO shop_follows ("userId", "shopId") VALUES (${userId}::uuid, ${shopId}::uuid) ON CONFLICT DO NOTHING`;
      if (inserted === 1) await tx.shop.update({ where: { id: shopId }, data: { followerCount: { increment: 1 } } });
    });
  }

  async unfollow(userId: string, shopId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.shopFollow.deleteMany({ where: { userId, shopId } });
      if (count === 1) await tx.shop.update({ where: { id: shopId }, data: { followerCount: { decrement: 1 } } });
    });
  }

  /** Raw inputs of the trust score (see services/trust.ts for the formula). */
  async trustInputs(shopId: string) {
    const [rating, orders, disputes, refunded, shipping] = await Promise.all([
      this.prisma.review.aggregate({ where: { shopId }, _avg: { rating: true }, _count: true }),
      this.prisma.order.count({ where: { shopId, paidAt: { not: null } } }),
      this.prisma.dispute.count({ where: { order: { shopId } } }),
      this.prisma.order.count({ where: { shopId, refunds: { some: {} } } }),
      this.prisma.$queryRaw<{ shipped: bigint; on_time: bigint }[]>`
        SELECT count(*) AS shipped, count(*) FILTER (WHERE "shippedAt" - "paidAt" <= interval '3 days') AS on_time
          FROM orders WHERE "shopId" = ${shopId}::uuid AND "shippedAt" IS NOT NULL AND "paidAt" IS NOT NULL`,
    ]);
    return {
      averageRating: rating._avg.rating,
      reviews: rating._count,
      orders,
      disputes,
      refunded,
      shipped: Number(shipping[0]?.shipped ?? 0),
      onTime: Number(shipping[0]?.on_time ?? 0),
    };
  }
}
