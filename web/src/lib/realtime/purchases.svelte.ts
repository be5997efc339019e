import { formatMoney, type PurchaseResult } from '@hawker/shared';
import { SvelteMap } from 'svelte/reactivity';
import { newIdempotencyKey } from '../market/idempotency.js';
import { isRetryableAck, type RoomRequest } from './room-request.js';

/** What a Buy button buys: the running flash deal, or a pinned listing at its list price. */
export type PurchaseTarget = { dealId: string } | { listingId: string };

export type PurchaseState =
  | { status: 'pending' }
  | { status: 'done'; result: PurchaseResult }
  | { status: 'failed'; code: string; message: string; retryable: boolean };

/** The key a Buy button's state is kept under. */
export function targetKey(target: PurchaseTarget): string {
  return 'dealId' in target ? `deal:${target.dealId}` : `listing:${target.listingId}`;
}

/** What the buyer reads after pressing Buy. */
export function purchaseMessage(state: PurchaseState): string {
  switch (state.status) {
    case 'pending':
      return 'Placing your order…';
    case 'done':
      // Paid orders are held in escrow until the buyer confirms delivery.
      return state.result.status === 'paid' ? 'Order placed — held in escrow' : `Order placed (${state.result.status})`;
    case 'failed':
      return state.message;
  }
}

/**
 * Buying inside the stream over the room socket (`purchase:create`), one
 * quantity per press. Each intended purchase gets its own idempotency key; a
 * retry of the same press after an answer that may not be final (no answer,
 * the server's own failure) reuses it, so a lost ack never charges twice.
 * After a final answer the next press is a new intent with a new key.
 */
export class RoomPurchases {
  readonly #states = new SvelteMap<string, PurchaseState>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- private idempotency keys that nothing renders; `states` is the reactive part
  readonly #keys = new Map<string, string>();

  constructor(
    private readonly streamId: string,
    private readonly request: RoomRequest,
    private readonly newKey: () => string = newIdempotencyKey,
  ) {}

  /** Each Buy button's state, by targetKey. */
  get states(): ReadonlyMap<string, PurchaseState> {
    return this.#states;
  }

  stateOf(target: PurchaseTarget): PurchaseState | null {
    return this.states.get(targetKey(target)) ?? null;
  }

  /**
   * Buys one unit at `unitPriceMinor`, the price on screen; a second press
   * while the first is on its way does nothing. If the price changed, nothing
   * is charged and the answer says the new price (the card updates itself).
   */
  async buy(target: PurchaseTarget, unitPriceMinor: number): Promise<PurchaseState> {
    const id = targetKey(target);
    const current = this.states.get(id);
    if (current?.status === 'pending') return current;
    let key = this.#keys.get(id);
    if (!key) {
      key = this.newKey();
      this.#keys.set(id, key);
    }
    this.#states.set(id, { status: 'pending' });
    const ack = await this.request('purchase:create', {
      streamId: this.streamId,
      ...target,
      quantity: 1,
      unitPriceMinor,
      idempotencyKey: key,
    });
    let state: PurchaseState;
    if (ack.ok) {
      state = { status: 'done', result: ack.data };
      this.#keys.delete(id);
    } else {
      const retryable = isRetryableAck(ack.error.code);
      const now = ack.error.code === 'price_changed' ? ack.error.prices?.[0] : undefined;
      const message = now
        ? `The price is now ${formatMoney(now.unitPriceMinor, now.currency)}. Nothing was charged; press Buy again to pay it.`
        : ack.error.message;
      state = { status: 'failed', code: ack.error.code, message, retryable };
      if (!retryable) this.#keys.delete(id);
    }
    this.#states.set(id, state);
    return state;
  }

  /** Forgets a finished deal's result (a new deal gets a fresh banner). */
  forget(target: PurchaseTarget): void {
    const id = targetKey(target);
    if (this.states.get(id)?.status === 'pending') return;
    this.#states.delete(id);
  }
}
