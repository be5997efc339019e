import type { DisputeView } from '@hawker/shared';
import { SvelteSet } from 'svelte/reactivity';
import { errorMessage, isAbortError } from '../api.js';
import { Resource } from '../resource.svelte.js';
import { checkLedger, getOrder, listDisputes, resolveDispute, type Order, type Resolution } from './api.js';
import { parseMoneyInput } from './money.js';

export interface DisputeCase {
  dispute: DisputeView;
  /** The disputed order (amounts, currency, items); null if it could not be read. */
  order: Order | null;
}

/**
 * The admin's desk: disputes waiting for a decision, with their orders, and the
 * ledger self-check. A dispute the seller answered still needs the admin, so
 * both "open" and "seller_responded" are listed.
 */
export class AdminDesk {
  cases = $state.raw<DisputeCase[]>([]);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  rowErrors = $state.raw<Readonly<Record<string, string>>>({});
  /** Disputes resolved in this visit, with what was decided, shown until the next load. */
  resolved = $state.raw<DisputeView[]>([]);
  readonly ledger = new Resource((signal) => checkLedger(signal));

  #controller: AbortController | null = null;
  readonly #pending = new SvelteSet<string>();

  /** Disputes with a decision in flight. */
  get pending(): ReadonlySet<string> {
    return this.#pending;
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    const { signal } = controller;
    this.#controller = controller;
    this.status = 'loading';
    this.error = null;
    try {
      const [open, answered] = await Promise.all([listDisputes('open', signal), listDisputes('seller_responded', signal)]);
      const disputes = [...open.data, ...answered.data].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      // The dispute names its order only; the amount to refund and its currency are on the order.
      const orders = await Promise.all(disputes.map((d) => getOrder(d.orderId, signal).catch(() => null)));
      if (signal.aborted) return;
      this.cases = disputes.map((dispute, i) => ({ dispute, order: orders[i] ?? null }));
      this.resolved = [];
      this.status = 'ready';
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      this.error = errorMessage(err);
      this.status = 'error';
    }
  }

  checkLedger(): void {
    void this.ledger.load();
  }

  abort(): void {
    this.#controller?.abort();
    this.ledger.abort();
  }

  /** `amount` is the typed partial refund ("12.50"); ignored for the other resolutions. */
  async resolve(disputeId: string, resolution: Resolution, amount = ''): Promise<boolean> {
    const item = this.cases.find((c) => c.dispute.id === disputeId);
    if (!item || this.pending.has(disputeId)) return false;
    let refundMinor: number | undefined;
    if (resolution === 'refund_partial') {
      if (!item.order) return this.#fail(disputeId, 'The order could not be loaded, so the refund amount cannot be checked.');
      const parsed = parseMoneyInput(amount, item.order.currency);
      if (!parsed.ok) return this.#fail(disputeId, parsed.error);
      if (parsed.minor > (item.order.escrow?.heldMinor ?? item.order.totalMinor)) {
        return this.#fail(disputeId, 'A partial refund cannot exceed what is held in escrow.');
      }
      refundMinor = parsed.minor;
    }
    this.#pending.add(disputeId);
    this.#fail(disputeId, null);
    try {
      const dispute = await resolveDispute(disputeId, resolution, refundMinor);
      this.cases = this.cases.filter((c) => c.dispute.id !== disputeId);
      this.resolved = [dispute, ...this.resolved];
      // Money moved: the self-check result shown may be stale now.
      if (this.ledger.status !== 'idle') this.checkLedger();
      return true;
    } catch (err) {
      return this.#fail(disputeId, errorMessage(err));
    } finally {
      this.#pending.delete(disputeId);
    }
  }

  #fail(id: string, message: string | null): false {
    const next = { ...this.rowErrors };
    if (message) next[id] = message;
    else delete next[id];
    this.rowErrors = next;
    return false;
  }
}
