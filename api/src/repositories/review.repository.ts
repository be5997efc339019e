import type { PrismaClient } from '../generated/prisma/client.js';
import { isUniqueViolation } from './user.repository.js';

const reviewView = {
  id: true,
  listingId: true,
  rating: true,
  text: true,
  createdAt: true,
  author: { select: { id: true, displayName: true } },
  reply: { select: { text: true, createdAt: true } },
} as const;

export class ReviewRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The item, if it belongs to a completed order of this buyer. */
  reviewableItem(orderId: string, orderItemId: string, buyerId: string) {
    return this.prisma.orderItem.findFirst({
      where: { id: orderItemId, orderId, order: { buyerId, status: 'completed' } },
      select: { id: true, listingId: true, order: { select: { shopId: true } } },
    });
  }

  /** Null when the item was already reviewed (one review per purchased item). */
  async create(data: {
    orderId: string;
    orderItemId: string;
    listingId: string;
    shopId: string;
    authorId: string;
    rating: number;
    text: string;
  }) {
    try {
      return await this.prisma.review.create({ data, select: reviewView });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  findWithShopOwner(reviewId: string) {
    return this.prisma.review.findUnique({ where: { id: reviewId }, select: { id: true, shop: { select: { ownerId: true } } } });
  }

  /** Null when the review already has a reply (the seller replies once). */
  async reply(reviewId: string, authorId: string, text: string) {
    try {
      await this.prisma.reviewReply.create({ data: { reviewId, authorId, text } });
      return await this.prisma.review.findUnique({ where: { id: reviewId }, select: reviewView });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  forListing(listingId: string) {
    return this.prisma.review.findMany({ where: { listingId }, select: reviewView, orderBy: { createdAt: 'desc' }, take: 100 });
  }
}

export type ReviewRow = NonNullable<Awaited<ReturnType<ReviewRepository['findWithShopOwner']>>>;
