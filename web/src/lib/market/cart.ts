import { formatMoney, type Cart } from '@hawker/shared';

export type CartItem = Cart['items'][number];

export interface ShopGroup {
  shop: CartItem['listing']['shop'];
  items: CartItem[];
}

/** Items by shop, in the order shops first appear: checkout makes one order per shop. */
export function groupByShop(items: readonly CartItem[]): ShopGroup[] {
  const groups = new Map<string, ShopGroup>();
  for (const item of items) {
    const id = item.listing.shop.id;
    let group = groups.get(id);
    if (!group) {
      group = { shop: item.listing.shop, items: [] };
      groups.set(id, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}

/**
 * Totals per currency. The api's single totalMinor adds yen to cents when a cart
 * mixes currencies (it then sends currency null), so the page sums for itself.
 */
export function totalsByCurrency(items: readonly CartItem[]): { currency: string; totalMinor: number }[] {
  const totals = new Map<string, number>();
  for (const { listing, quantity } of items) {
    totals.set(listing.currency, (totals.get(listing.currency) ?? 0) + listing.priceMinor * quantity);
  }
  return [...totals].map(([currency, totalMinor]) => ({ currency, totalMinor }));
}

/** "$12.99 + ¥4,500" */
export function formatTotals(items: readonly CartItem[]): string {
  const totals = totalsByCurrency(items);
  return totals.length === 0 ? formatMoney(0, 'USD') : totals.map((t) => formatMoney(t.totalMinor, t.currency)).join(' + ');
}

/** What the cart holds, for telling one checkout attempt from another. */
export function cartSignature(items: readonly CartItem[]): string {
  return items
    .map((i) => `${i.listing.id}×${i.quantity}`)
    .sort()
    .join(',');
}
