import { formatMoney, type NotificationKind, type NotificationPayload } from '@hawker/shared';
import type { Logger } from 'pino';
import type { NotificationService } from './notification.service.js';

export type OrderFacts = { id: string; buyerId: string; sellerId: string; title: string; totalMinor: number; currency: string };

/**
 * Tells buyers and sellers what happened to their orders and money (paid,
 * shipped, delivered, disputes, payouts). Called after the change committed,
 * and never in the way of it: a notification that fails is logged, the order
 * stands.
 */
export class OrderNotices {
  constructor(
    private readonly notifications: NotificationService,
    private readonly facts: (orderId: string) => Promise<OrderFacts | null>,
    private readonly logger: Logger,
  ) {}

  paid(orderIds: string[]): void {
    for (const id of orderIds)
      this.#about(id, (o) => [
        [
          o.buyerId,
          'order.paid',
          { title: 'Order placed', body: `${o.title}: ${money(o)} held in escrow until you confirm delivery.`, url: '/orders' },
        ],
        [o.sellerId, 'order.paid', { title: 'New order', body: `${o.title} (${money(o)}). Ship it to get paid.`, url: '/seller' }],
      ]);
  }

  shipped(orderId: string): void {
    this.#about(orderId, (o) => [[o.buyerId, 'order.shipped', { title: 'Your order shipped', body: o.title, url: '/orders' }]]);
  }

  delivered(orderId: string): void {
    this.#about(orderId, (o) => [
      [
        o.sellerId,
        'order.delivered',
        { title: 'Order delivered', body: `${o.title}: ${money(o)} released to your balance.`, url: '/seller' },
      ],
    ]);
  }

  disputeOpened(orderId: string): void {
    this.#about(orderId, (o) => [[o.sellerId, 'dispute.opened', { title: 'A buyer opened a dispute', body: o.title, url: '/seller' }]]);
  }

  disputeResolved(orderId: string): void {
    this.#about(orderId, (o) => [
      [o.buyerId, 'dispute.resolved', { title: 'Your dispute was resolved', body: o.title, url: '/orders' }],
      [o.sellerId, 'dispute.resolved', { title: 'A dispute was resolved', body: o.title, url: '/seller' }],
    ]);
  }

  payout(userId: string, payoutId: string, amountMinor: number, currency: string, paid: boolean): void {
    const amount = formatMoney(amountMinor, currency);
    void this.notifications
      .notifyUser(
        userId,
        'payout.paid',
        paid
          ? { title: 'Payout sent', body: `${amount} is on its way to your bank.`, url: '/seller' }
          : { title: 'Payout failed', body: `${amount} went back to your available balance.`, url: '/seller' },
        `payout:${payoutId}`,
      )
      .catch((err: unknown) => this.logger.warn({ err, payoutId }, 'payout notification failed'));
  }

  #about(orderId: string, build: (o: OrderFacts) => [string, NotificationKind, NotificationPayload][]): void {
    void (async () => {
      const o = await this.facts(orderId);
      if (!o) return;
      for (const [userId, kind, payload] of build(o))
        await this.notifications.notifyUser(userId, kind, payload, `${kind}:${orderId}:${userId}`);
    })().catch((err: unknown) => this.logger.warn({ err, orderId }, 'order notification failed'));
  }
}

function money(o: OrderFacts): string {
  return formatMoney(o.totalMinor, o.currency);
}
