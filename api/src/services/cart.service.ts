import type { Cart, CheckoutResult, CurrencyCode } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { CartRepository } from '../repositories/cart.repository.js';
import type { Principal } from './auth.service.js';
import type { OrderService } from './order.service.js';

/** A cart across several shops; checkout goes through the same saga as buy-now (one order per shop). */
export class CartService {
  constructor(
    private readonly carts: CartRepository,
    private readonly orders: OrderService,
    private readonly imageUrl: (key: string) => string,
  ) {}

  async get(principal: Principal | null): Promise<Cart> {
    if (!principal) throw AppError.unauthenticated();
    const items = await this.carts.items(principal.userId);
    const currencies = new Set(items.map((i) => i.listing.currency));
    return {
      items: items.map(({ quantity, listing: l }) => ({
        quantity,
        listing: {
          id: l.id,
          title: l.title,
          priceMinor: l.priceMinor,
          currency: l.currency as CurrencyCode,
          stock: l.stock,
          category: l.category,
          imageUrl: l.images[0] ? this.imageUrl(l.images[0].storageKey) : null,
          shop: { id: l.shopId, name: l.shop.name },
        },
      })),
      totalMinor: items.reduce((s, i) => s + i.listing.priceMinor * i.quantity, 0),
      currency: currencies.size === 1 ? [...currencies][0]! : null,
    };
  }

  async set(principal: Principal | null, listingId: string, quantity: number): Promise<Cart> {
    if (!principal) throw AppError.unauthenticated();
    if (quantity > 0 && !(await this.carts.listingExists(listingId))) throw AppError.notFound('Listing');
    await this.carts.set(principal.userId, listingId, quantity);
    return this.get(principal);
  }

  /**
   * Checks out exactly the lines the buyer reviewed (`seen`, with the prices
   * shown): a cart changed since (another tab) is 409 cart_changed, a price
   * changed since is 409 price_changed; either way nothing is charged.
   */
  async checkout(
    principal: Principal | null,
    seen: { listingId: string; quantity: number; unitPriceMinor: number }[],
    paymentMethod: string,
    idempotencyKey: string,
  ): Promise<CheckoutResult> {
    const cart = await this.get(principal);
    if (cart.items.length === 0) throw AppError.badRequest('cart_empty', 'Your cart is empty.');
    const inCart = new Map(cart.items.map((i) => [i.listing.id, i.quantity]));
    if (seen.length !== inCart.size || seen.some((i) => inCart.get(i.listingId) !== i.quantity))
      throw AppError.conflict('cart_changed', 'Your cart changed since you reviewed it; check it and confirm again.', 'items');
    const items = seen.map((i) => ({ listingId: i.listingId, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor }));
    const result = await this.orders.buyNow(principal, { items, paymentMethod }, idempotencyKey);
    await this.carts.clear(
      principal!.userId,
      items.map((i) => i.listingId),
    );
    return result;
  }
}
