import type { Cart, CheckoutResult } from '@hawker/shared';
import { SvelteSet } from 'svelte/reactivity';
import { ApiError, errorMessage, isAbortError } from '../api.js';
import { checkoutCart, getCart, setCartItem, type PaymentMethod } from './api.js';
import { cartSignature } from './cart.js';

export type CartStatus = 'loading' | 'ready' | 'error';

/**
 * The cart page's state. Every change answers with the whole cart, which
 * replaces ours: prices and stock may have moved since the page loaded.
 */
export class CartManager {
  cart = $state.raw<Cart | null>(null);
  status = $state<CartStatus>('loading');
  checkingOut = $state(false);
  paymentMethod = $state<PaymentMethod>('pm_card_visa');
  error = $state<string | null>(null);

  #controller: AbortController | null = null;
  readonly #busy = new SvelteSet<string>();

  /** Listing ids with a change in flight, so their controls wait. */
  get busy(): ReadonlySet<string> {
    return this.#busy;
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = 'loading';
    this.error = null;
    try {
      const cart = await getCart(controller.signal);
      if (controller.signal.aborted) return;
      this.cart = cart;
      this.status = 'ready';
    } catch (err) {
      if (controller.signal.aborted || isAbortError(err)) return;
      this.error = errorMessage(err);
      this.status = 'error';
    }
  }

  abort(): void {
    this.#controller?.abort();
  }

  /** 0 removes the line. */
  async setQuantity(listingId: string, quantity: number): Promise<void> {
    if (this.busy.has(listingId) || !Number.isInteger(quantity) || quantity < 0) return;
    this.#busy.add(listingId);
    this.error = null;
    try {
      this.cart = await setCartItem(listingId, Math.min(quantity, 100));
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.#busy.delete(listingId);
    }
  }

  /** One order per shop, paid together; null when it failed (`error` says why). */
  async checkout(): Promise<CheckoutResult | null> {
    const items = this.cart?.items ?? [];
    if (this.checkingOut || items.length === 0) return null;
    this.checkingOut = true;
    this.error = null;
    try {
      const seen = items.map((i) => ({ listingId: i.listing.id, quantity: i.quantity, unitPriceMinor: i.listing.priceMinor }));
      return await checkoutCart(seen, this.paymentMethod, cartSignature(items));
    } catch (err) {
      this.error = errorMessage(err);
      // A price or the cart changed since it was shown: show it as it is now; nothing was charged.
      if (err instanceof ApiError && (err.code === 'price_changed' || err.code === 'cart_changed')) {
        await this.load();
        this.error = 'Your cart changed since you opened it (a price or an item). Nothing was charged; check it and pay again.';
      }
      return null;
    } finally {
      this.checkingOut = false;
    }
  }
}
