/**
 * The ledger's chart of accounts. Each account has a stable code, so a
 * transfer can name accounts without looking them up first. Floors: money
 * that comes from or goes to the outside world (a buyer's card, a payout rail)
 * is unbounded (floor null); every account we hold money in never goes below 0.
 */
export type LedgerAccountKind =
  | 'buyer_funding'
  | 'escrow'
  | 'seller_pending'
  | 'seller_available'
  | 'platform_revenue'
  | 'refunds'
  | 'payouts_clearing'
  | 'brand_funding'
  | 'creator_earnings'
  | 'sponsorship_escrow'
  | 'brand_card'
  | 'ad_revenue';

export type AccountRef = {
  code: string;
  kind: LedgerAccountKind;
  currency: string;
  ownerId: string | null;
  orderId: string | null;
  floor: bigint | null;
};

/** How many accounts ad revenue is spread over (see accounts.adRevenue). */
export const AD_REVENUE_SHARDS = 16;

/** The ad revenue shard a click's token books to (and its credit, if any, comes from). */
export function adRevenueShard(tokenId: string): number {
  return Number.parseInt(tokenId.replace(/-/g, '').slice(-4), 16) % AD_REVENUE_SHARDS;
}

export const accounts = {
  /** The buyer's external payment source (card): credits flow out of it, refunds back in. */
  buyerFunding: (userId: string, currency: string): AccountRef => ({
    code: `buyer_funding:${userId}:${currency}`,
    kind: 'buyer_funding',
    currency,
    ownerId: userId,
    orderId: null,
    floor: null,
  }),
  /** Money held for one order until the buyer confirms receipt (or a dispute is resolved). */
  escrow: (orderId: string, currency: string): AccountRef => ({
    code: `escrow:order:${orderId}:${currency}`,
    kind: 'escrow',
    currency,
    ownerId: null,
    orderId,
    floor: 0n,
  }),
  sellerAvailable: (userId: string, currency: string): AccountRef => ({
    code: `seller_available:${userId}:${currency}`,
    kind: 'seller_available',
    currency,
    ownerId: userId,
    orderId: null,
    floor: 0n,
  }),
  platformRevenue: (currency: string): AccountRef => ({
    code: `platform_revenue:${currency}`,
    kind: 'platform_revenue',
    currency,
    ownerId: null,
    orderId: null,
    floor: 0n,
  }),
  /** Where payouts leave the platform for the seller's bank. */
  payoutsClearing: (currency: string): AccountRef => ({
    code: `payouts_clearing:${currency}`,
    kind: 'payouts_clearing',
    currency,
    ownerId: null,
    orderId: null,
    floor: null,
  }),
  /** A brand's or advertiser's prepaid balance (ads, sponsorships): never below 0. */
  brandFunding: (userId: string, currency: string): AccountRef => ({
    code: `brand_funding:${userId}:${currency}`,
    kind: 'brand_funding',
    currency,
    ownerId: userId,
    orderId: null,
    floor: 0n,
  }),
  /** A brand's card: where top-ups come from (external, unbounded). */
  brandCard: (userId: string, currency: string): AccountRef => ({
    code: `brand_card:${userId}:${currency}`,
    kind: 'brand_card',
    currency,
    ownerId: userId,
    orderId: null,
    floor: null,
  }),
  /**
   * A creator's commissions and sponsorship fees. No floor: a refund after
   * release claws the commission back even when it was paid out, and the
   * negative balance is recovered from later earnings (payouts need a
   * positive balance), never silently lost.
   */
  creatorEarnings: (userId: string, currency: string): AccountRef => ({
    code: `creator_earnings:${userId}:${currency}`,
    kind: 'creator_earnings',
    currency,
    ownerId: userId,
    orderId: null,
    floor: null,
  }),
  /** A sponsorship's flat fee, held from acceptance until it is measured and released. */
  sponsorshipEscrow: (sponsorshipId: string, currency: string): AccountRef => ({
    code: `escrow:sponsorship:${sponsorshipId}:${currency}`,
    kind: 'sponsorship_escrow',
    currency,
    ownerId: null,
    orderId: null,
    floor: 0n,
  }),
  /**
   * What billed ad clicks earn the platform, less invalid-click credits, in
   * AD_REVENUE_SHARDS accounts: every billed click credits one, chosen by its
   * token, so concurrent clicks do not queue on one row's lock. Ad revenue is
   * the sum of the shards.
   */
  adRevenue: (currency: string, shard: number): AccountRef => ({
    code: `ad_revenue:${currency}:${shard}`,
    kind: 'ad_revenue',
    currency,
    ownerId: null,
    orderId: null,
    floor: 0n,
  }),
  /** Refunds on their way to the provider: reserved here until the provider accepts them. */
  refundsClearing: (currency: string): AccountRef => ({
    code: `refunds_clearing:${currency}`,
    kind: 'refunds',
    currency,
    ownerId: null,
    orderId: null,
    floor: 0n,
  }),
};
