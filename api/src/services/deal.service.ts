import type { ApiErrorBody, DealView, PriceQuote, PurchaseAnswer, PurchaseResult, PurchaseState } from '@hawker/shared';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { ChatRepository } from '../repositories/chat.repository.js';
import type { DealRepository, DealRow } from '../repositories/deal.repository.js';
import type { Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import type { IdempotencyService } from './idempotency.service.js';
import type { OrderService } from './order.service.js';
import { Limiter } from './limiter.js';
import type { DealGate } from '../repositories/deal-gate.repository.js';
import type { PurchaseStates } from '../repositories/purchase-state.repository.js';
import type { SignalBus } from '../repositories/signal-bus.js';
import { DealReservations, type DealSignal } from './deal-reservations.js';
import { KeyedThrottle } from './keyed-throttle.js';
import { PurchaseFacts } from './purchase-facts.js';
import { PurchaseTicker } from './purchase-ticker.js';

const GRACE_MS = 5000;
// A deal:stock broadcast to a 10,000-viewer room costs ~170 ms of one core here: once a second is plenty.
const STOCK_COALESCE_MS = 1000;
// The ticker's first purchase goes out at once; the rest of a rush is one line every 3 s ("… and 212 others").
const TICKER_WINDOW_MS = 3000;

type PurchaseInput = {
  streamId: string;
  dealId?: string | undefined;
  listingId?: string | undefined;
  quantity: number;
  /** The unit price the buyer was shown. */
  unitPriceMinor: number;
  idempotencyKey: string;
  paymentMethod: string;
};

/** What the deal path needs besides the checkout: where reservations stand, and the nodes' shared news. */
export type DealReservationStores = {
  states: PurchaseStates;
  signals: Pick<SignalBus<DealSignal>, 'publish' | 'subscribe'>;
  logger: Logger;
};

/**
 * Flash deals and buying inside a stream. A purchase goes through the
 * marketplace checkout (OrderService.buyNow: reserve, charge, escrow) with the
 * deal as the source of units; the server owns the clock and accepts
 * purchases until endsAt + grace, so HLS viewers who see the countdown late do
 * not lose the deal. A deal press is answered by the gate alone (one Redis
 * script: reserve a unit or say why not; deal-reservations.ts) and paid
 * behind that answer, so a rush of thousands costs PostgreSQL only the few
 * hundred checkouts that can succeed and no buyer waits for them. Stock
 * updates and the ticker are coalesced per deal and stream.
 */
export class DealService {
  // Trailing only: a rush sells out within its first second, so a leading "499 left" would be stale
  // before it landed; the room hears the number a second later, once, while the presses are answered.
  readonly #stock = new KeyedThrottle<null>(
    (dealId) => this.announceStock(dealId),
    () => null,
    STOCK_COALESCE_MS,
    false,
  );
  readonly #endTimers = new Set<NodeJS.Timeout>();
  // The last stock each deal's room was told by this node.
  readonly #toldStock = new Map<string, number>();
  // Below the database pool size, so purchases queue here rather than time out waiting for a connection.
  readonly #purchases = new Limiter(6);
  // A rush's reservations are paid behind their answers: few at a time, so the answers keep the CPU (500 take ~5 s).
  readonly #reservationCheckouts = new Limiter(3);
  readonly #ticker: PurchaseTicker;
  readonly #facts: PurchaseFacts<{ startedAt: Date | null }, DealRow>;
  readonly #reservations: DealReservations<PurchaseInput & { dealId: string }>;
  readonly #states: PurchaseStates;

  constructor(
    private readonly deals: DealRepository,
    private readonly streams: ChatRepository,
    private readonly orders: OrderService,
    private readonly idempotency: IdempotencyService,
    private readonly events: DomainEvents,
    private readonly nameOf: (userId: string) => Promise<string>,
    private readonly gate: DealGate,
    stores: DealReservationStores,
    /** Followers of the creator hear that a deal started (a background fan-out; never in the launch's way). */
    private readonly announce: (deal: DealView, creatorId: string) => Promise<void> = () => Promise.resolve(),
  ) {
    this.#states = stores.states;
    this.#reservations = new DealReservations({
      gate,
      ...stores,
      // The whole checkout (its idempotency record included) waits for a place: a rush's 500 must not take every connection.
      pay: (principal, press, starting) => this.#reservationCheckouts.run(() => this.idempotentCheckout(principal, press, starting)),
      tell: (buyerId, outcome) => this.events.emit('purchase.outcome', { buyerId, outcome }),
      stockChanged: (dealId) => this.scheduleStock(dealId),
      warm: (dealId) => this.warmGate(dealId),
      sync: (dealId) => this.syncGate(dealId),
    });
    // The buyer's name is looked up only for the purchases the ticker shows (about one a second).
    this.#ticker = new PurchaseTicker(async (e) => {
      const { buyerId, ...rest } = e;
      this.events.emit('purchase.made', { ...rest, buyer: maskName(await this.nameOf(buyerId)) });
    }, TICKER_WINDOW_MS);
    this.#facts = new PurchaseFacts(
      (id) => this.streams.streamOwner(id),
      (id) => this.deals.find(id),
    );
  }

  async launch(
    principal: Principal | null,
    input: {
      streamId: string;
      listingId: string;
      dealPriceMinor: number;
      quantity: number;
      perBuyerLimit: number;
      durationSeconds: number;
    },
  ): Promise<DealView> {
    if (!principal) throw AppError.unauthenticated();
    const stream = await this.streams.streamOwner(input.streamId);
    if (!stream) throw AppError.notFound('Stream');
    if (stream.creatorId !== principal.userId) throw AppError.forbidden('Only the creator launches deals.');
    if (stream.status === 'ended') throw AppError.conflict('stream_ended', 'This stream has ended.');
    const result = await this.deals.launch({
      ...input,
      ownerId: principal.userId,
      durationMs: input.durationSeconds * 1000,
      graceMs: GRACE_MS,
    });
    if (!result.ok) {
      switch (result.reason) {
        case 'deal_running':
          throw AppError.conflict('deal_running', 'A deal is already running on this stream.');
        case 'not_below_list':
          throw AppError.badRequest(
            'deal_price_not_below_list',
            `A flash deal must cost less than the list price (${result.listPriceMinor} minor units).`,
            'dealPriceMinor',
          );
        case 'no_stock':
          throw AppError.conflict(
            'out_of_stock',
            'The listing is not yours (nor offered to creators within this price and quantity), or lacks the stock for this deal.',
            'quantity',
          );
      }
    }
    await this.openGate(result.deal);
    const view = toView(result.deal);
    this.events.emit('deal.started', view);
    await this.announce(view, principal.userId).catch(() => undefined);
    const timer = setTimeout(
      () => {
        this.#endTimers.delete(timer);
        void this.endExpired().catch(() => undefined);
      },
      input.durationSeconds * 1000 + GRACE_MS + 100,
    );
    timer.unref();
    this.#endTimers.add(timer);
    return view;
  }

  async active(streamId: string): Promise<DealView | null> {
    const row = await this.deals.active(streamId);
    if (!row) return null;
    const view = toView(row);
    // Units reserved and still being paid are not on sale either: a viewer joining mid-rush sees them gone.
    const unreserved = await this.gate.remaining(row.id);
    return unreserved === null ? view : { ...view, remaining: Math.min(view.remaining, unreserved) };
  }

  /**
   * Buying in the room. `inRoom`: the buyer's connection has joined this
   * stream's room — a sale counts for a stream only when it was made there.
   * A pinned listing is paid before the answer; a deal press is answered at
   * once (reserved or refused) and paid behind it.
   */
  async purchase(principal: Principal | null, input: PurchaseInput, inRoom: boolean): Promise<PurchaseAnswer> {
    if (!principal) throw AppError.unauthenticated('Log in to buy.');
    if (!inRoom) throw AppError.conflict('not_in_room', "Open the show to buy in it (this connection has not joined the show's room).");
    if (!input.dealId) return this.idempotentCheckout(principal, input);
    // A deal's price is fixed at launch: a press at another price is refused before it takes a unit.
    const facts = await this.#facts.deal(input.dealId);
    if (facts && facts.streamId === input.streamId && facts.dealPriceMinor !== input.unitPriceMinor)
      throw AppError.priceChanged([
        { listingId: facts.listingId, unitPriceMinor: facts.dealPriceMinor, currency: facts.currency as PriceQuote['currency'] },
      ]);
    return this.#reservations.press(principal, { ...input, dealId: input.dealId });
  }

  /** Where the buyer's press with this key stands (a buyer who reconnects reads it here). */
  async purchaseState(principal: Principal | null, idempotencyKey: string): Promise<PurchaseState> {
    if (!principal) throw AppError.unauthenticated();
    const state = await this.#states.get(`${principal.userId}:${idempotencyKey}`);
    if (!state) throw AppError.notFound('Purchase');
    return state;
  }

  /** `starting`: a reservation's last word when its checkout's turn comes (it refuses one past its pay-by). */
  private async idempotentCheckout(
    principal: Principal,
    input: PurchaseInput,
    starting: () => Promise<void> = () => Promise.resolve(),
  ): Promise<PurchaseResult> {
    const outcome = await this.idempotency.run(
      {
        userId: principal.userId,
        key: input.idempotencyKey,
        method: 'SOCKET',
        path: 'purchase:create',
        body: { ...input, idempotencyKey: undefined },
      },
      async () => ({ statusCode: 201, body: await this.buy(principal, input, starting) }),
    );
    if (outcome.statusCode >= 400) throw AppError.fromJSON(outcome.statusCode, (outcome.body as ApiErrorBody).error);
    return outcome.body as PurchaseResult;
  }

  private async buy(principal: Principal, input: PurchaseInput, starting: () => Promise<void>): Promise<PurchaseResult> {
    const stream = await this.#facts.stream(input.streamId);
    if (!stream) throw AppError.notFound('Stream');
    const deal = input.dealId ? await this.#facts.deal(input.dealId) : null;
    if (input.dealId && (!deal || deal.streamId !== input.streamId)) throw AppError.notFound('Deal');
    const run = async () => {
      await starting();
      return this.checkout(principal, input, stream, deal);
    };
    // A deal's reservation already holds its place (pay, above); a pinned listing's purchase takes one here.
    return deal ? run() : this.#purchases.run(run);
  }

  private async checkout(
    principal: Principal,
    input: PurchaseInput,
    stream: { startedAt: Date | null },
    deal: DealRow | null,
  ): Promise<PurchaseResult> {
    const listingId = deal?.listingId ?? input.listingId!;
    const checkout = await this.orders.checkout(
      principal,
      {
        items: [{ listingId, quantity: input.quantity, unitPriceMinor: input.unitPriceMinor, dealId: deal?.id }],
        paymentMethod: input.paymentMethod,
        // Checked in the reserve: the stream is live and this is its deal or a listing pinned there.
        stream: { id: input.streamId, offsetMs: stream.startedAt ? Math.max(0, Date.now() - stream.startedAt.getTime()) : 0 },
      },
      `stream:${input.idempotencyKey}`,
    );
    const line = checkout.lines[0]!;
    this.#ticker.bought({ streamId: input.streamId, buyerId: principal.userId, title: line.title, quantity: input.quantity });
    if (deal) this.scheduleStock(deal.id);
    // checkout() returns only after the capture marked the order paid (a declined card throws).
    return { orderId: line.orderId, status: 'paid', totalMinor: checkout.totalMinor, currency: checkout.currency };
  }

  private async openGate(deal: DealRow): Promise<void> {
    await this.gate.open(
      {
        id: deal.id,
        streamId: deal.streamId,
        remaining: deal.quantity - deal.soldCount,
        perBuyerLimit: deal.perBuyerLimit,
        closesAt: new Date(deal.endsAt.getTime() + deal.graceMs),
      },
      await this.deals.boughtByBuyer(deal.id),
    );
  }

  /** The gate lost the deal (Redis restarted, launched before the gate existed): rebuild it from PostgreSQL. */
  private async warmGate(dealId: string): Promise<boolean> {
    const deal = await this.deals.find(dealId);
    if (!deal || deal.status !== 'active') return false;
    await this.openGate(deal);
    return true;
  }

  private async syncGate(dealId: string): Promise<number | null> {
    const d = await this.deals.remaining(dealId);
    if (!d) return null;
    const left = await this.gate.sync(dealId, d.quantity - d.soldCount);
    this.#reservations.unitsBack(dealId, left);
    return left;
  }

  /** Scheduler hook: reservations whose checkout never finished (a node died) go back, and every gate converges on PostgreSQL. */
  async reconcileGates(): Promise<void> {
    for (const d of await this.deals.activeRemaining()) {
      await this.#reservations.expired(d.id, await this.gate.expire(d.id));
      this.#reservations.unitsBack(d.id, await this.gate.sync(d.id, d.quantity - d.soldCount));
    }
  }

  /** At most one deal:stock event per deal every STOCK_COALESCE_MS (the first at once), whatever the purchase rate. */
  private scheduleStock(dealId: string): void {
    void this.#stock.push(dealId, null).catch(() => undefined);
  }

  private async announceStock(dealId: string): Promise<void> {
    const d = await this.deals.remaining(dealId);
    if (!d) return;
    // Units not yet reserved: what a viewer can still get (the database counts only finished checkouts).
    const unreserved = await this.gate.remaining(dealId);
    const remaining = Math.min(d.quantity - d.soldCount, unreserved ?? Infinity);
    // A broadcast to a big room costs ~250 ms of a core: the same number twice is not worth it (payments after a sell-out).
    if (this.#toldStock.get(dealId) === remaining) return;
    if (this.#toldStock.size > 1000) this.#toldStock.clear();
    this.#toldStock.set(dealId, remaining);
    this.events.emit('deal.stock', { streamId: d.streamId, dealId, remaining });
  }

  /** Scheduler hook (and per-deal timers): end deals past their window, return unsold units. */
  async endExpired(now = new Date()): Promise<string[]> {
    const ended = await this.deals.endExpired(now);
    for (const d of ended) {
      await this.gate.close(d.id);
      this.#reservations.forget(d.id);
      this.events.emit('deal.ended', { streamId: d.streamId, dealId: d.id, sold: d.sold });
    }
    return ended.map((d) => d.id);
  }

  close(): void {
    this.#reservations.close();
    this.#ticker.close();
    void this.#stock.close();
    for (const t of this.#endTimers) clearTimeout(t);
  }
}

function toView(d: DealRow): DealView {
  return {
    id: d.id,
    streamId: d.streamId,
    listingId: d.listingId,
    title: d.listing.title,
    dealPriceMinor: d.dealPriceMinor,
    listPriceMinor: d.listing.priceMinor,
    currency: d.currency,
    quantity: d.quantity,
    remaining: d.quantity - d.soldCount,
    perBuyerLimit: d.perBuyerLimit,
    startsAt: d.startsAt.toISOString(),
    endsAt: d.endsAt.toISOString(),
    graceMs: d.graceMs,
    serverTime: new Date().toISOString(),
  };
}

/** "Bea Buyer" → "Bea B." — enough for the ticker, not a full name. */
function maskName(name: string): string {
  const [first, ...rest] = name.trim().split(/\s+/);
  return rest.length > 0 ? `${first} ${rest[0]![0]}.` : (first ?? 'Someone');
}
