import { randomUUID } from 'node:crypto';
import type { PurchaseAnswer, PurchaseFailed, PurchasePaid, PurchaseReserved, PurchaseResult } from '@hawker/shared';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { RESERVATION_TTL_MS, type DealGate, type GateVerdict } from '../repositories/deal-gate.repository.js';
import type { PurchaseStates } from '../repositories/purchase-state.repository.js';
import type { SignalBus } from '../repositories/signal-bus.js';
import type { Principal } from './auth.service.js';
import { reserveErrors } from './order.service.js';

/** What nodes tell each other about a deal's gate, so presses on a sold-out deal stay in memory. */
export type DealSignal =
  | { type: 'deal.refusing'; dealId: string; refusal: 'sold_out' | 'closed' }
  | { type: 'deal.back'; dealId: string }
  | { type: 'deal.reserved'; dealId: string; buyerKey: string };

export type DealPress = { dealId: string; streamId: string; quantity: number; idempotencyKey: string };

export type ReservationDeps<P extends DealPress> = {
  gate: DealGate;
  states: PurchaseStates;
  signals: Pick<SignalBus<DealSignal>, 'publish' | 'subscribe'>;
  /** The checkout (order, payment, escrow); `starting` runs when its turn comes, just before it starts, and may refuse it. */
  pay: (principal: Principal, press: P, starting: () => Promise<void>) => Promise<PurchaseResult>;
  /** Tells the buyer, on their own channel, how it ended. */
  tell: (buyerId: string, outcome: PurchasePaid | PurchaseFailed) => void;
  /** Units were taken or came back: the room's stock line is due. */
  stockChanged: (dealId: string) => void;
  /** The gate does not know the deal: rebuild it from PostgreSQL (false when there is no such open deal). */
  warm: (dealId: string) => Promise<boolean>;
  /** PostgreSQL refused a unit the gate gave: bring the gate back to the truth; the units it now has. */
  sync: (dealId: string) => Promise<number | null>;
  logger: Logger;
};

// A flag not refreshed within this is forgotten and the next press asks Redis again: pub/sub can drop a message.
const FLAG_MS = 2000;
const MAX_DEALS_REMEMBERED = 1000;
// The reservation is given back a moment after its pay-by, when no payment has finished by then.
const EXPIRY_SLACK_MS = 250;

/**
 * A flash deal's press is answered as soon as the gate decides — the unit is
 * the buyer's (`reserved`, with the time the payment completes by) or a
 * refusal — and the order is paid behind the answer with the checkout's own
 * bounded concurrency, the shape Singles' Day and Shopee sales use. The
 * outcome goes to the buyer's channel and stays readable by key for a day;
 * a failed payment or a reservation that outlives its pay-by gives the unit
 * back. Each node remembers which deals refuse (sold out, closed), from its
 * own answers and from every node's messages, so after the sell-out presses
 * are refused without a round trip to Redis; a press whose key already holds
 * a reservation anywhere still goes through, and gets that reservation back.
 */
export class DealReservations<P extends DealPress> {
  readonly #refusing = new Map<string, { refusal: 'sold_out' | 'closed'; until: number }>();
  // Buyer keys that reserved, per deal, on any node: their retries must reach the gate even when it refuses others.
  readonly #held = new Map<string, Set<string>>();
  readonly #expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: ReservationDeps<P>,
    private readonly ttlMs = RESERVATION_TTL_MS,
  ) {
    deps.signals.subscribe((s) => this.#heard(s));
  }

  async press(principal: Principal, press: P): Promise<PurchaseAnswer> {
    const { dealId } = press;
    const buyerKey = `${principal.userId}:${press.idempotencyKey}`;
    const refusing = this.#refusing.get(dealId);
    if (refusing && refusing.until > Date.now() && !this.#held.get(dealId)?.has(buyerKey)) throw refusalError(refusing.refusal);
    const { gate } = this.deps;
    let verdict: GateVerdict = await gate.reserve(dealId, press.streamId, principal.userId, buyerKey, press.quantity);
    if (verdict === 'unknown')
      verdict = (await this.deps.warm(dealId))
        ? await gate.reserve(dealId, press.streamId, principal.userId, buyerKey, press.quantity)
        : 'wrong_stream';
    // A key that reserved before, which the gate no longer knows (Redis lost it and it was rebuilt from PostgreSQL).
    if ((verdict === 'sold_out' || verdict === 'buyer_limit') && this.#held.get(dealId)?.has(buyerKey)) return this.#answerAgain(buyerKey);
    switch (verdict) {
      case 'reserved':
        return this.#reserved(principal, press, buyerKey);
      case 'pending':
      case 'done':
      case 'failed':
        return this.#answerAgain(buyerKey);
      case 'sold_out':
      case 'closed':
        this.#refuse(dealId, verdict);
        throw refusalError(verdict);
      case 'buyer_limit':
        throw reserveErrors.buyer_limit();
      case 'wrong_stream':
      case 'unknown':
        throw AppError.notFound('Deal');
    }
  }

  /** Reservations the gate gave back (the scheduler's sweep, another node's buyers included): their buyers are told. */
  async expired(dealId: string, buyerKeys: string[]): Promise<void> {
    if (buyerKeys.length === 0) return;
    this.#unitsBack(dealId);
    for (const buyerKey of buyerKeys) {
      const state = await this.deps.states.get(buyerKey);
      if (state?.status !== 'reserved') continue;
      await this.#settle(buyerKey, {
        ...ids(state),
        status: 'failed',
        error: { code: 'reservation_expired', message: 'The payment did not complete in time; the unit went back on sale.' },
      });
    }
  }

  /** The gate has units again (PostgreSQL's count, a reconcile): the deal sells again on every node. */
  unitsBack(dealId: string, left: number | null): void {
    if (left !== null && left > 0) this.#unitsBack(dealId);
  }

  /** The deal ended: nothing about it needs remembering here. */
  forget(dealId: string): void {
    this.#refusing.delete(dealId);
    this.#held.delete(dealId);
  }

  close(): void {
    for (const t of this.#expiryTimers.values()) clearTimeout(t);
    this.#expiryTimers.clear();
  }

  async #reserved(principal: Principal, press: P, buyerKey: string): Promise<PurchaseReserved> {
    const payBy = Date.now() + this.ttlMs;
    const reserved: PurchaseReserved = {
      status: 'reserved',
      reservationId: randomUUID(),
      dealId: press.dealId,
      idempotencyKey: press.idempotencyKey,
      payBy: new Date(payBy).toISOString(),
    };
    this.deps.signals.publish({ type: 'deal.reserved', dealId: press.dealId, buyerKey });
    await this.deps.states.put(buyerKey, reserved);
    this.deps.stockChanged(press.dealId);
    const timer = setTimeout(() => void this.#sweep(press.dealId), payBy - Date.now() + EXPIRY_SLACK_MS);
    timer.unref();
    this.#expiryTimers.set(buyerKey, timer);
    void this.#pay(principal, press, reserved, buyerKey, payBy);
    return reserved;
  }

  async #pay(principal: Principal, press: P, reserved: PurchaseReserved, buyerKey: string, payBy: number): Promise<void> {
    const { gate } = this.deps;
    let outcome: PurchasePaid | PurchaseFailed;
    try {
      const order = await this.deps.pay(principal, press, async () => {
        if (Date.now() > payBy)
          throw AppError.conflict('reservation_expired', 'The payment could not start in time; the unit went back on sale.');
        clearTimeout(this.#expiryTimers.get(buyerKey));
        await gate.paying(press.dealId, buyerKey);
      });
      await gate.confirm(press.dealId, buyerKey);
      outcome = { ...ids(reserved), status: 'paid', order };
    } catch (err) {
      const known = err instanceof AppError && err.status < 500;
      if (!known) this.deps.logger.error({ err, dealId: press.dealId }, 'deal checkout failed');
      const gaveBack = await gate.fail(press.dealId, buyerKey).catch(() => false);
      if (gaveBack) this.#unitsBack(press.dealId);
      // The sweep already gave it back and told the buyer.
      else if (known && err.code === 'reservation_expired') return;
      // PostgreSQL said no although the gate said yes: bring the gate back to the truth.
      if (known && err.code === 'deal_sold_out') await this.deps.sync(press.dealId).catch(() => null);
      outcome = {
        ...ids(reserved),
        status: 'failed',
        error: known
          ? { code: err.code, message: err.message }
          : { code: 'internal_error', message: 'The payment could not be completed.' },
      };
    }
    clearTimeout(this.#expiryTimers.get(buyerKey));
    this.#expiryTimers.delete(buyerKey);
    await this.#settle(buyerKey, outcome);
  }

  async #settle(buyerKey: string, outcome: PurchasePaid | PurchaseFailed): Promise<void> {
    await this.deps.states.put(buyerKey, outcome).catch((err: unknown) => this.deps.logger.warn({ err }, 'purchase state not kept'));
    this.deps.tell(buyerKey.slice(0, buyerKey.indexOf(':')), outcome);
  }

  async #sweep(dealId: string): Promise<void> {
    try {
      await this.expired(dealId, await this.deps.gate.expire(dealId));
    } catch (err) {
      this.deps.logger.warn({ err, dealId }, 'reservation sweep failed; the scheduler will retry');
    }
  }

  /** A retry of a press that holds (or held) a reservation: the same reservation, its order, or its failure. */
  async #answerAgain(buyerKey: string): Promise<PurchaseAnswer> {
    const state = await this.deps.states.get(buyerKey);
    if (!state) throw AppError.conflict('idempotency_in_progress', 'This press is still being answered; try again in a moment.');
    if (state.status === 'reserved') return state;
    if (state.status === 'paid') return state.order;
    throw AppError.conflict(state.error.code, state.error.message);
  }

  #refuse(dealId: string, refusal: 'sold_out' | 'closed'): void {
    const known = this.#refusing.get(dealId);
    this.#refusing.set(dealId, { refusal, until: Date.now() + FLAG_MS });
    if (!known || known.until <= Date.now() || known.refusal !== refusal)
      this.deps.signals.publish({ type: 'deal.refusing', dealId, refusal });
  }

  #unitsBack(dealId: string): void {
    this.#refusing.delete(dealId);
    this.deps.signals.publish({ type: 'deal.back', dealId });
    this.deps.stockChanged(dealId);
  }

  #heard(signal: DealSignal): void {
    switch (signal.type) {
      case 'deal.refusing':
        this.#refusing.set(signal.dealId, { refusal: signal.refusal, until: Date.now() + FLAG_MS });
        return;
      case 'deal.back':
        this.#refusing.delete(signal.dealId);
        return;
      case 'deal.reserved': {
        let keys = this.#held.get(signal.dealId);
        if (!keys) {
          if (this.#held.size >= MAX_DEALS_REMEMBERED) this.#held.clear();
          keys = new Set();
          this.#held.set(signal.dealId, keys);
        }
        keys.add(signal.buyerKey);
      }
    }
  }
}

function ids(s: { reservationId: string; dealId: string; idempotencyKey: string }) {
  return { reservationId: s.reservationId, dealId: s.dealId, idempotencyKey: s.idempotencyKey };
}

// Made once: after a sell-out thousands of presses a second are refused, and an Error's stack costs more than its answer.
const REFUSALS = { sold_out: reserveErrors.deal_over(), closed: AppError.conflict('deal_closed', 'This deal has ended.') } as const;

function refusalError(refusal: 'sold_out' | 'closed'): AppError {
  return REFUSALS[refusal];
}
