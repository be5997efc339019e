import { MAX_INT32, type CheckoutResult, type OrderView, type PriceQuote } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { OrderRepository, OrderRow } from '../repositories/order.repository.js';
import type { CheckoutRepository, ReserveItem, ReservedLine, ReserveResult } from '../repositories/checkout.repository.js';
import type { Principal } from './auth.service.js';
import type { PaymentProvider } from './payments/provider.js';
import type { OrderNotices } from './order-notices.js';
import type { Refunds } from './refunds.js';
import type { StreamMetrics } from './stream-metrics.js';

/** Why a checkout was refused, as the client sees it; the flash-deal gate answers with the same errors. */
type ReserveRefusal = Extract<ReserveResult, { ok: false }>['reason'];

export const reserveErrors: Record<ReserveRefusal, (listingId?: string, prices?: PriceQuote[]) => AppError> = {
  out_of_stock: (id?: string) =>
    AppError.conflict('out_of_stock', 'Not enough stock left for this listing.', id ? `items[${id}]` : 'items'),
  not_found: () => AppError.notFound('Listing'),
  own_listing: () => AppError.badRequest('own_listing', 'You cannot buy from your own shop.', 'items'),
  mixed_currency: () => AppError.badRequest('mixed_currency', 'All items in one checkout must share a currency.', 'items'),
  deal_over: () => AppError.conflict('deal_sold_out', 'This deal is sold out or over.'),
  buyer_limit: () => AppError.conflict('deal_limit_reached', 'You reached the per-buyer limit for this deal.'),
  price_changed: (_id?: string, prices: PriceQuote[] = []) => AppError.priceChanged(prices),
  amount_too_large: () =>
    AppError.badRequest(
      'amount_too_large',
      `This order's total is more than we can take in one payment (${MAX_INT32} minor units).`,
      'items',
    ),
  stream_not_live: () => AppError.conflict('stream_not_live', 'This show is not live, so nothing can be bought in it now.'),
  not_pinned: (id?: string) =>
    AppError.conflict('not_pinned', 'This product is not on sale in this show right now.', id ? `items[${id}]` : 'listingId'),
};

/**
 * Checkout and the order lifecycle. A checkout is a saga: reserve stock and
 * create orders (one transaction), charge the provider (outside the database),
 * then capture into escrow or compensate by cancelling and restocking (one
 * transaction). Retries are made safe by the Idempotency-Key layer above and
 * the provider's own idempotency key below.
 */
export class OrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly checkouts: CheckoutRepository,
    private readonly payments: PaymentProvider,
    private readonly autoReleaseMs: number,
    private readonly notices: OrderNotices | null = null,
    private readonly refunds: Refunds | null = null,
    private readonly metrics: StreamMetrics | null = null,
  ) {}

  /** Buy now (REST, cart): the checkout, answered with the full order views. */
  async buyNow(
    principal: Principal | null,
    input: { items: ReserveItem[]; paymentMethod: string },
    idempotencyKey: string,
  ): Promise<CheckoutResult> {
    const paid = await this.checkout(principal, input, idempotencyKey);
    const rows = await this.orders.findByIds(paid.orderIds);
    return { checkoutId: paid.checkoutId, orders: rows.map(toView) };
  }

  /**
   * The checkout saga itself, answered with what it knows (no read-back):
   * in the stream, a flash-deal rush runs hundreds of these a second.
   */
  async checkout(
    principal: Principal | null,
    input: { items: ReserveItem[]; paymentMethod: string; stream?: { id: string; offsetMs: number } | undefined },
    idempotencyKey: string,
  ): Promise<{ checkoutId: string; orderIds: string[]; totalMinor: number; currency: string; lines: ReservedLine[] }> {
    if (!principal) throw AppError.unauthenticated();
    const reserved = await this.checkouts.reserve({
      buyerId: principal.userId,
      items: input.items,
      provider: this.payments.name,
      idempotencyKey,
      stream: input.stream ?? null,
    });
    if (!reserved.ok) throw reserveErrors[reserved.reason](reserved.listingId, reserved.prices);
    const charge = await this.payments
      .charge({
        amountMinor: reserved.totalMinor,
        currency: reserved.currency,
        paymentMethod: input.paymentMethod,
        idempotencyKey: `charge:${reserved.paymentId}`,
        description: `Hawker checkout ${reserved.checkoutId}`,
      })
      .catch(() => ({ status: 'failed' as const, code: 'processing_error' as const, message: 'The payment provider did not answer.' }));
    if (charge.status === 'failed') {
      await this.orders.failPayment(reserved.paymentId, charge.code);
      throw new AppError(402, 'invalid_request_error', charge.code, charge.message, 'paymentMethod');
    }
    await this.orders.capture({ ...reserved, buyerId: principal.userId }, charge.providerRef);
    this.notices?.paid(reserved.orderIds);
    for (const line of reserved.lines)
      if (line.streamId) this.metrics?.order(line.streamId, line.quantity, line.unitPriceMinor * line.quantity);
    const { checkoutId, orderIds, totalMinor, currency, lines } = reserved;
    return { checkoutId, orderIds, totalMinor, currency, lines };
  }

  async get(principal: Principal | null, orderId: string): Promise<OrderView> {
    if (!principal) throw AppError.unauthenticated();
    const row = await this.orders.find(orderId);
    const allowed = row && (row.buyerId === principal.userId || row.shop.ownerId === principal.userId || principal.roles.includes('admin'));
    if (!row || !allowed) throw AppError.notFound('Order');
    return toView(row);
  }

  async listMine(principal: Principal | null, as: 'buyer' | 'seller'): Promise<{ data: OrderView[] }> {
    if (!principal) throw AppError.unauthenticated();
    const rows = as === 'buyer' ? await this.orders.listForBuyer(principal.userId) : await this.orders.listForSeller(principal.userId);
    return { data: rows.map(toView) };
  }

  async ship(principal: Principal | null, orderId: string, shipment: { carrier: string; tracking: string }): Promise<OrderView> {
    const order = await this.get(principal, orderId);
    const row = (await this.orders.find(orderId))!;
    if (row.shop.ownerId !== principal!.userId) throw AppError.forbidden('Only the seller ships this order.');
    if (!(await this.orders.ship(orderId, principal!.userId, shipment, new Date(Date.now() + this.autoReleaseMs)))) {
      throw AppError.conflict('invalid_order_state', `An order that is ${order.status} cannot be shipped.`);
    }
    this.notices?.shipped(orderId);
    return this.get(principal, orderId);
  }

  /** The buyer confirms receipt: escrow is released to the seller. */
  async confirm(principal: Principal | null, orderId: string): Promise<OrderView> {
    const order = await this.get(principal, orderId);
    if (order.buyerId !== principal!.userId) throw AppError.forbidden('Only the buyer confirms receipt.');
    if (!(await this.orders.release(orderId, principal!.userId))) {
      throw AppError.conflict('invalid_order_state', `An order that is ${order.status} cannot be confirmed.`);
    }
    this.notices?.delivered(orderId);
    return this.get(principal, orderId);
  }

  /** Buyer or seller cancels before shipping; the buyer is refunded in full. */
  async cancel(principal: Principal | null, orderId: string): Promise<OrderView> {
    const order = await this.get(principal, orderId);
    const refunded = await this.orders.cancelPaid(orderId, principal!.userId);
    if (!refunded) throw AppError.conflict('invalid_order_state', `An order that is ${order.status} cannot be cancelled.`);
    // To the buyer's card against the original charge; if the provider refuses, it stays pending and is sent again.
    await this.refunds?.send(refunded.refundId);
    return this.get(principal, orderId);
  }

  /** Scheduler hook: release escrow of shipped orders whose window passed. */
  async releaseDue(now = new Date(), limit = 100): Promise<string[]> {
    const released = await this.orders.releaseDue(now, limit);
    for (const id of released) this.notices?.delivered(id);
    return released;
  }
}

function toView(r: OrderRow): OrderView {
  const held = r.escrow ? r.escrow.amountMinor - r.escrow.refundedMinor - r.escrow.releasedMinor : 0;
  return {
    id: r.id,
    status: r.status,
    shop: { id: r.shop.id, name: r.shop.name },
    buyerId: r.buyerId,
    items: r.items.map(({ review, ...item }) => ({ ...item, reviewed: review !== null })),
    subtotalMinor: r.subtotalMinor,
    totalMinor: r.totalMinor,
    currency: r.currency as OrderView['currency'],
    escrow: r.escrow ? { status: r.escrow.status, heldMinor: held } : null,
    shipment: r.shipment
      ? { carrier: r.shipment.carrier, tracking: r.shipment.tracking, shippedAt: r.shipment.shippedAt.toISOString() }
      : null,
    createdAt: r.createdAt.toISOString(),
    paidAt: r.paidAt?.toISOString() ?? null,
    autoReleaseAt: r.autoReleaseAt?.toISOString() ?? null,
  };
}
