import { formatMoney, type OrderStatus, type OrderView } from '@hawker/shared';

// What each order state means to the people looking at it, and what they may
// do next. The api enforces the same rules; these only decide which buttons to show.

type Escrow = NonNullable<OrderView['escrow']>;
type OrderLike = Pick<OrderView, 'status' | 'shipment' | 'escrow' | 'currency'>;

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  shipped: 'Shipped',
  completed: 'Completed',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  disputed: 'Disputed',
};

/** Badge colour families, so a glance tells "waiting on someone" from "done" from "trouble". */
export const ORDER_STATUS_TONES: Record<OrderStatus, 'info' | 'progress' | 'done' | 'muted' | 'warning'> = {
  pending_payment: 'muted',
  paid: 'info',
  shipped: 'progress',
  completed: 'done',
  cancelled: 'muted',
  refunded: 'muted',
  disputed: 'warning',
};

const ESCROW_LABELS: Record<Escrow['status'], string> = {
  held: 'Held in escrow',
  released: 'Released',
  refunded: 'Refunded',
  partially_refunded: 'Partly refunded',
};

/** "Held in escrow · $24.99", "Released", or null for an order that was never paid. */
export function escrowLabel(order: OrderLike): string | null {
  if (!order.escrow) return null;
  const label = ESCROW_LABELS[order.escrow.status];
  return order.escrow.status === 'held' ? `${label} · ${formatMoney(order.escrow.heldMinor, order.currency)}` : label;
}

export interface BuyerActions {
  confirm: boolean;
  cancel: boolean;
  dispute: boolean;
  review: boolean;
}

/** Cancel only before shipping; confirm once shipped; dispute while the money is still held. */
export function buyerActions(order: OrderLike): BuyerActions {
  const held = order.escrow?.status === 'held';
  return {
    confirm: order.status === 'shipped',
    cancel: order.status === 'paid' && order.shipment === null,
    dispute: (order.status === 'paid' || order.status === 'shipped') && held,
    review: order.status === 'completed',
  };
}

export function canShip(order: OrderLike): boolean {
  return order.status === 'paid' && order.shipment === null;
}

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}
