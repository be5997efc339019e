import {
  formatMoney,
  type PurchaseFailed,
  type PurchasePaid,
  type PurchaseReserved,
  type PurchaseResult,
  type PurchaseState as ServerPurchaseState,
} from '@hawker/shared';
import { SvelteMap } from 'svelte/reactivity';
import { newIdempotencyKey } from '../market/idempotency.js';
import { isRetryableAck, type RoomRequest } from './room-request.js';

/** What a Buy button buys: the running flash deal, or a pinned listing at its list price. */
export type PurchaseTarget = { dealId: string } | { listingId: string };

export type PurchaseState =
  | { status: 'pending' }
  /** A deal's unit is the buyer's; the payment is being confirmed (`slow` after 30 s without news). */
  | { status: 'reserved'; reserved: PurchaseReserved; slow: boolean }
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
    case 'reserved':
      return state.slow
        ? 'You got it — the payment is taking longer than usual. We keep checking; nothing is charged twice.'
        : 'You got it — confirming payment…';
    case 'done':
      // Paid orders are held in escrow until the buyer confirms delivery.
      return 'Order placed — held in escrow';
    case 'failed':
      return state.message;
  }
}

/** How long a reservation waits for its outcome before the buyer is told it is slow (and it is pulled). */
export const SLOW_CONFIRMATION_MS = 30_000;
const PULL_EVERY_MS = 5_000;

/** Reads where a press stands (GET /api/purchases/:key); null when the server has no record of it. */
export type PurchaseStateReader = (idempotencyKey: string) => Promise<ServerPurchaseState | null>;

/**
 * Buying inside the stream over the room socket (`purchase:create`), one
 * quantity per press. Each intended purchase gets its own idempotency key; a
 * retry of the same press after an answer that may not be final (no answer,
 * the server's own failure) reuses it, so a lost ack never charges twice.
 * After a final answer the next press is a new intent with a new key.
 *
 * A flash deal answers at once with a reservation — the unit is the buyer's —
 * and the payment's outcome follows on the buyer's channel (`paid`/`failed`);
 * after 30 s without it the buyer is told, and the state is pulled by key
 * until it comes (also after a reconnect, when a pushed outcome may be lost).
 */
export class RoomPurchases {
  readonly #states = new SvelteMap<string, PurchaseState>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- private idempotency keys that nothing renders; `states` is the reactive part
  readonly #keys = new Map<string, string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- timers of reservations waiting for their outcome, by idempotency key
  readonly #waiting = new Map<string, { target: string; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly streamId: string,
    private readonly request: RoomRequest,
    private readonly newKey: () => string = newIdempotencyKey,
    private readonly readState: PurchaseStateReader = () => Promise.resolve(null),
    private readonly slowAfterMs = SLOW_CONFIRMATION_MS,
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
   * while the first is on its way (or reserved and being paid) does nothing.
   * If the price changed, nothing is charged and the answer says the new
   * price (the card updates itself).
   */
  async buy(target: PurchaseTarget, unitPriceMinor: number): Promise<PurchaseState> {
    const id = targetKey(target);
    const current = this.states.get(id);
    if (current?.status === 'pending' || current?.status === 'reserved') return current;
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
    if (!ack.ok) {
      const failed = failure(ack.error);
      if (!failed.retryable) this.#keys.delete(id);
      state = failed;
    } else if (ack.data.status === 'reserved') {
      state = { status: 'reserved', reserved: ack.data, slow: false };
      this.#wait(id, ack.data.idempotencyKey);
    } else {
      state = { status: 'done', result: ack.data };
      this.#keys.delete(id);
    }
    this.#states.set(id, state);
    return this.states.get(id)!;
  }

  /** `purchase:paid` / `purchase:failed` from the buyer's own channel. */
  settle(outcome: PurchasePaid | PurchaseFailed): void {
    const waiting = this.#waiting.get(outcome.idempotencyKey);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.#waiting.delete(outcome.idempotencyKey);
    // A new press after either outcome is a new intent.
    this.#keys.delete(waiting.target);
    this.#states.set(waiting.target, outcome.status === 'paid' ? { status: 'done', result: outcome.order } : failure(outcome.error, false));
  }

  /** After a reconnect: pushed outcomes may have been missed, so ask for each reservation still waiting. */
  recheck(): void {
    for (const key of [...this.#waiting.keys()]) void this.#pull(key);
  }

  /** Forgets a finished deal's result (a new deal gets a fresh banner). */
  forget(target: PurchaseTarget): void {
    const id = targetKey(target);
    const status = this.states.get(id)?.status;
    if (status === 'pending' || status === 'reserved') return;
    this.#states.delete(id);
  }

  close(): void {
    for (const w of this.#waiting.values()) clearTimeout(w.timer);
    this.#waiting.clear();
  }

  #wait(target: string, idempotencyKey: string): void {
    const timer = setTimeout(() => {
      const state = this.states.get(target);
      if (state?.status === 'reserved') this.#states.set(target, { ...state, slow: true });
      void this.#pull(idempotencyKey);
    }, this.slowAfterMs);
    this.#waiting.set(idempotencyKey, { target, timer });
  }

  async #pull(idempotencyKey: string): Promise<void> {
    const state = await this.readState(idempotencyKey).catch(() => null);
    const waiting = this.#waiting.get(idempotencyKey);
    if (!waiting) return;
    if (state && state.status !== 'reserved') return this.settle(state);
    clearTimeout(waiting.timer);
    const timer = setTimeout(() => void this.#pull(idempotencyKey), PULL_EVERY_MS);
    this.#waiting.set(idempotencyKey, { ...waiting, timer });
  }
}

type Failed = Extract<PurchaseState, { status: 'failed' }>;

function failure(
  error: { code: string; message: string; prices?: { unitPriceMinor: number; currency: string }[] | undefined },
  retryable = isRetryableAck(error.code),
): Failed {
  const now = error.code === 'price_changed' ? error.prices?.[0] : undefined;
  const message = now
    ? `The price is now ${formatMoney(now.unitPriceMinor, now.currency)}. Nothing was charged; press Buy again to pay it.`
    : error.message;
  return { status: 'failed', code: error.code, message, retryable };
}
