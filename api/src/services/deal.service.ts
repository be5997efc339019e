import type { DealView, PurchaseResult } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { ChatRepository } from '../repositories/chat.repository.js';
import type { DealRepository, DealRow } from '../repositories/deal.repository.js';
import type { Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import type { IdempotencyService } from './idempotency.service.js';
import type { OrderService } from './order.service.js';
import { Limiter } from './limiter.js';

const GRACE_MS = 5000;
const STOCK_COALESCE_MS = 250;

/**
 * Flash deals and buying inside a stream. A purchase goes through the
 * marketplace checkout (OrderService.buyNow: reserve, charge, escrow) with the
 * deal as the source of units; the server owns the clock and accepts
 * purchases until endsAt + grace, so HLS viewers who see the countdown late do
 * not lose the deal. Stock updates to viewers are coalesced per deal.
 */
export class DealService {
  readonly #stockTimers = new Map<string, NodeJS.Timeout>();
  readonly #endTimers = new Set<NodeJS.Timeout>();
  // Below the database pool size, so purchases queue here rather than time out waiting for a connection.
  readonly #purchases = new Limiter(6);

  constructor(
    private readonly deals: DealRepository,
    private readonly streams: ChatRepository,
    private readonly orders: OrderService,
    private readonly idempotency: IdempotencyService,
    private readonly events: DomainEvents,
    private readonly nameOf: (userId: string) => Promise<string>,
  ) {}

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
      throw result.reason === 'deal_running'
        ? AppError.conflict('deal_running', 'A deal is already running on this stream.')
        : AppError.conflict('out_of_stock', 'The listing is not yours or lacks the stock for this deal.', 'quantity');
    }
    const view = toView(result.deal);
    this.events.emit('deal.started', view);
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
    return row ? toView(row) : null;
  }

  async purchase(
    principal: Principal | null,
    input: {
      streamId: string;
      dealId?: string | undefined;
      listingId?: string | undefined;
      quantity: number;
      idempotencyKey: string;
      paymentMethod: string;
    },
  ): Promise<PurchaseResult> {
    if (!principal) throw AppError.unauthenticated('Log in to buy.');
    const outcome = await this.idempotency.run(
      {
        userId: principal.userId,
        key: input.idempotencyKey,
        method: 'SOCKET',
        path: 'purchase:create',
        body: { ...input, idempotencyKey: undefined },
      },
      async () => ({ statusCode: 201, body: await this.buy(principal, input) }),
    );
    if (outcome.statusCode >= 400) {
      const e = (outcome.body as { error: { type: AppError['type']; code: string; message: string } }).error;
      throw new AppError(outcome.statusCode, e.type, e.code, e.message);
    }
    return outcome.body as PurchaseResult;
  }

  private async buy(
    principal: Principal,
    input: {
      streamId: string;
      dealId?: string | undefined;
      listingId?: string | undefined;
      quantity: number;
      idempotencyKey: string;
      paymentMethod: string;
    },
  ): Promise<PurchaseResult> {
    const stream = await this.streams.streamOwner(input.streamId);
    if (!stream) throw AppError.notFound('Stream');
    const deal = input.dealId ? await this.deals.find(input.dealId) : null;
    if (input.dealId && (!deal || deal.streamId !== input.streamId)) throw AppError.notFound('Deal');
    return this.#purchases.run(() => this.checkout(principal, input, stream, deal));
  }

  private async checkout(
    principal: Principal,
    input: { streamId: string; listingId?: string | undefined; quantity: number; idempotencyKey: string; paymentMethod: string },
    stream: { startedAt: Date | null },
    deal: DealRow | null,
  ): Promise<PurchaseResult> {
    // A cheap read first: after the sell-out, the rush is answered without a transaction.
    if (deal) {
      const left = await this.deals.remaining(deal.id);
      if (!left || left.quantity - left.soldCount < input.quantity)
        throw AppError.conflict('deal_sold_out', 'This deal is sold out or over.');
    }
    const listingId = deal?.listingId ?? input.listingId!;
    const checkout = await this.orders.buyNow(
      principal,
      {
        items: [{ listingId, quantity: input.quantity, dealId: deal?.id }],
        paymentMethod: input.paymentMethod,
        streamId: input.streamId,
        streamOffsetMs: stream.startedAt ? Math.max(0, Date.now() - stream.startedAt.getTime()) : 0,
      },
      `stream:${input.idempotencyKey}`,
    );
    const order = checkout.orders[0]!;
    this.events.emit('purchase.made', {
      streamId: input.streamId,
      buyer: maskName(await this.nameOf(principal.userId)),
      title: order.items[0]!.title,
      quantity: input.quantity,
    });
    if (deal) this.scheduleStock(deal.id);
    return { orderId: order.id, status: order.status, totalMinor: order.totalMinor, currency: order.currency };
  }

  /** At most one deal:stock event per deal every STOCK_COALESCE_MS, whatever the purchase rate. */
  private scheduleStock(dealId: string): void {
    if (this.#stockTimers.has(dealId)) return;
    const timer = setTimeout(() => {
      this.#stockTimers.delete(dealId);
      void this.deals.remaining(dealId).then((d) => {
        if (d) this.events.emit('deal.stock', { streamId: d.streamId, dealId, remaining: d.quantity - d.soldCount });
      });
    }, STOCK_COALESCE_MS);
    timer.unref();
    this.#stockTimers.set(dealId, timer);
  }

  /** Scheduler hook (and per-deal timers): end deals past their window, return unsold units. */
  async endExpired(now = new Date()): Promise<string[]> {
    const ended = await this.deals.endExpired(now);
    for (const d of ended) this.events.emit('deal.ended', { streamId: d.streamId, dealId: d.id, sold: d.sold });
    return ended.map((d) => d.id);
  }

  close(): void {
    for (const t of [...this.#stockTimers.values(), ...this.#endTimers]) clearTimeout(t);
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
