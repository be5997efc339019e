import { SvelteSet } from 'svelte/reactivity';
import { ApiError, errorMessage, isAbortError } from '../api.js';
import { cancelOrder, confirmOrder, getOrder, listOrders, openDispute, reviewOrderItem, shipOrder, type Order } from './api.js';

export type BookStatus = 'loading' | 'ready' | 'error';

/**
 * The orders of one person, as buyer or as seller, and what they do to them.
 * Each action answers with the order as it now is, which replaces our copy, so a
 * row shows the api's state (status, escrow, shipment) rather than a guess.
 * Problems are kept per order and shown on that order's row.
 */
export class OrderBook {
  orders = $state.raw<Order[]>([]);
  status = $state<BookStatus>('loading');
  error = $state<string | null>(null);
  rowErrors = $state.raw<Readonly<Record<string, string>>>({});
  rowNotices = $state.raw<Readonly<Record<string, string>>>({});

  readonly #as: 'buyer' | 'seller';
  #controller: AbortController | null = null;
  readonly #pending = new SvelteSet<string>();
  readonly #reviewed = new SvelteSet<string>();

  constructor(as: 'buyer' | 'seller') {
    this.#as = as;
  }

  /** Orders with an action in flight. */
  get pending(): ReadonlySet<string> {
    return this.#pending;
  }

  /** `${orderId}:${itemId}` of items reviewed in this visit (the api does not say which were before). */
  get reviewed(): ReadonlySet<string> {
    return this.#reviewed;
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.error = null;
    // A reload keeps the rows on screen; only the first load shows a skeleton.
    if (this.status !== 'ready') this.status = 'loading';
    try {
      const { data } = await listOrders(this.#as, controller.signal);
      if (controller.signal.aborted) return;
      this.orders = data;
      this.status = 'ready';
    } catch (err) {
      if (controller.signal.aborted || isAbortError(err)) return;
      this.error = errorMessage(err);
      if (this.status !== 'ready') this.status = 'error';
    }
  }

  abort(): void {
    this.#controller?.abort();
  }

  confirm(id: string): Promise<boolean> {
    return this.#act(id, () => confirmOrder(id), 'Thanks! The payment is released to the seller.');
  }

  cancel(id: string): Promise<boolean> {
    return this.#act(id, () => cancelOrder(id), 'Order cancelled. The payment is refunded in full.');
  }

  ship(id: string, carrier: string, tracking: string): Promise<boolean> {
    if (carrier.trim() === '' || tracking.trim() === '') {
      this.#rowError(id, 'Enter the carrier and the tracking number.');
      return Promise.resolve(false);
    }
    return this.#act(id, () => shipOrder(id, carrier.trim(), tracking.trim()), 'Marked as shipped.');
  }

  dispute(id: string, reason: string): Promise<boolean> {
    if (reason.trim().length < 3) {
      this.#rowError(id, 'Tell us what went wrong (a few words at least).');
      return Promise.resolve(false);
    }
    return this.#act(
      id,
      async () => {
        await openDispute(id, reason.trim());
        // The dispute answer names the dispute, not the order; fetch the order's new state.
        return getOrder(id);
      },
      'Dispute opened. The payment stays in escrow until an admin resolves it.',
    );
  }

  async review(orderId: string, itemId: string, rating: number, text: string): Promise<boolean> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      this.#rowError(orderId, 'Choose a rating from 1 to 5 stars.');
      return false;
    }
    const ok = await this.#act(orderId, async () => {
      await reviewOrderItem(orderId, { orderItemId: itemId, rating, text: text.trim() });
      return null;
    });
    if (ok) this.#reviewed.add(`${orderId}:${itemId}`);
    return ok;
  }

  isReviewed(orderId: string, itemId: string): boolean {
    return this.reviewed.has(`${orderId}:${itemId}`);
  }

  async #act(id: string, action: () => Promise<Order | null>, notice?: string): Promise<boolean> {
    if (this.pending.has(id)) return false;
    this.#pending.add(id);
    this.#rowError(id, null);
    this.rowNotices = { ...this.rowNotices, [id]: '' };
    try {
      const order = await action();
      if (order) this.orders = this.orders.map((o) => (o.id === id ? order : o));
      if (notice) this.rowNotices = { ...this.rowNotices, [id]: notice };
      return true;
    } catch (err) {
      this.#rowError(id, errorMessage(err));
      // 409: the order moved on meanwhile (shipped, auto-released): show where it is now.
      if (err instanceof ApiError && err.status === 409) void this.#refresh(id);
      return false;
    } finally {
      this.#pending.delete(id);
    }
  }

  async #refresh(id: string): Promise<void> {
    try {
      const order = await getOrder(id);
      this.orders = this.orders.map((o) => (o.id === id ? order : o));
    } catch {
      // The row keeps its error message; a reload will catch up.
    }
  }

  #rowError(id: string, message: string | null): void {
    const next = { ...this.rowErrors };
    if (message) next[id] = message;
    else delete next[id];
    this.rowErrors = next;
  }
}
