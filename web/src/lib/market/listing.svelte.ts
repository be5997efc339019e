import type { ListingDetail, ReviewView } from '@hawker/shared';
import { ApiError, errorMessage } from '../api.js';
import { Resource } from '../resource.svelte.js';
import { buyNow, getCart, getListing, getListingReviews, setCartItem, type PaymentMethod } from './api.js';

/** The api takes at most 100 of one listing per order or cart line. */
export const MAX_QUANTITY = 100;

/** A quantity the api will take: a whole number from 1 to min(stock, 100). */
export function clampQuantity(value: unknown, stock: number): number {
  const max = Math.max(1, Math.min(stock, MAX_QUANTITY));
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 1;
  return Math.min(max, Math.max(1, n));
}

/**
 * One listing page: the listing and its reviews, the buyer's choices
 * (quantity, payment method), and the two ways to buy it.
 */
export class ListingPage {
  readonly listing: Resource<ListingDetail>;
  readonly reviews: Resource<{ data: ReviewView[] }>;
  quantity = $state(1);
  paymentMethod = $state<PaymentMethod>('pm_card_visa');
  buying = $state(false);
  adding = $state(false);
  error = $state<string | null>(null);
  /** Set after "Add to cart" worked; the page links to the cart with it. */
  added = $state<string | null>(null);

  readonly #id: string;

  constructor(id: string) {
    this.#id = id;
    this.listing = new Resource((signal) => getListing(id, signal));
    this.reviews = new Resource((signal) => getListingReviews(id, signal));
  }

  load(): void {
    void this.listing.load();
    void this.reviews.load();
  }

  abort(): void {
    this.listing.abort();
    this.reviews.abort();
  }

  setQuantity(value: unknown): void {
    this.quantity = clampQuantity(value, this.listing.data?.stock ?? 1);
  }

  /** Places the order; true when it went through (the page then moves on to /orders). */
  async buy(): Promise<boolean> {
    if (this.buying) return false;
    this.buying = true;
    this.error = null;
    this.added = null;
    try {
      const shown = this.listing.data;
      if (!shown) return false;
      await buyNow([{ listingId: this.#id, quantity: this.quantity, unitPriceMinor: shown.priceMinor }], this.paymentMethod);
      return true;
    } catch (err) {
      this.error =
        err instanceof ApiError && err.code === 'price_changed'
          ? 'The price changed since you opened this page. Nothing was charged; check the new price and buy again.'
          : errorMessage(err);
      // Stock may have changed under us (sold out, 409): show the current count.
      void this.listing.load();
      return false;
    } finally {
      this.buying = false;
    }
  }

  /**
   * The api sets a cart line's quantity rather than adding to it, so read the
   * cart first: adding 2 to a line of 1 makes 3, not 2.
   */
  async addToCart(): Promise<void> {
    if (this.adding) return;
    this.adding = true;
    this.error = null;
    this.added = null;
    try {
      const cart = await getCart();
      const inCart = cart.items.find((i) => i.listing.id === this.#id)?.quantity ?? 0;
      const quantity = Math.min(MAX_QUANTITY, inCart + this.quantity);
      await setCartItem(this.#id, quantity);
      this.added = quantity === 1 ? 'Added to your cart.' : `Your cart now has ${quantity} of these.`;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.adding = false;
    }
  }
}
