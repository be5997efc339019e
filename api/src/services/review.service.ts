import type { ReviewView } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { ReviewRepository } from '../repositories/review.repository.js';
import type { Principal } from './auth.service.js';

type Row = {
  id: string;
  listingId: string;
  rating: number;
  text: string;
  createdAt: Date;
  author: { id: string; displayName: string };
  reply: { text: string; createdAt: Date } | null;
};

/** Only the buyer of a completed order reviews it, once per item; the seller may reply once. */
export class ReviewService {
  constructor(private readonly reviews: ReviewRepository) {}

  async create(
    principal: Principal | null,
    orderId: string,
    input: { orderItemId: string; rating: number; text: string },
  ): Promise<ReviewView> {
    if (!principal) throw AppError.unauthenticated();
    const item = await this.reviews.reviewableItem(orderId, input.orderItemId, principal.userId);
    if (!item) throw AppError.forbidden('Only the buyer of a completed order can review its items.', 'not_reviewable');
    const review = await this.reviews.create({
      orderId,
      orderItemId: item.id,
      listingId: item.listingId,
      shopId: item.order.shopId,
      authorId: principal.userId,
      rating: input.rating,
      text: input.text,
    });
    if (!review) throw AppError.conflict('already_reviewed', 'This item already has your review.', 'orderItemId');
    return toView(review);
  }

  async reply(principal: Principal | null, reviewId: string, text: string): Promise<ReviewView> {
    if (!principal) throw AppError.unauthenticated();
    const review = await this.reviews.findWithShopOwner(reviewId);
    if (!review) throw AppError.notFound('Review');
    if (review.shop.ownerId !== principal.userId) throw AppError.forbidden('Only the seller replies to this review.');
    const replied = await this.reviews.reply(reviewId, principal.userId, text);
    if (!replied) throw AppError.conflict('already_replied', 'You already replied to this review.');
    return toView(replied);
  }

  async forListing(listingId: string): Promise<{ data: ReviewView[] }> {
    return { data: (await this.reviews.forListing(listingId)).map(toView) };
  }
}

function toView(r: Row): ReviewView {
  return {
    ...r,
    createdAt: r.createdAt.toISOString(),
    reply: r.reply ? { text: r.reply.text, createdAt: r.reply.createdAt.toISOString() } : null,
  };
}
