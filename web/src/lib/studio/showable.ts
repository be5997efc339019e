import type { ShowableListing } from '@hawker/shared';
import { formatPercent } from '../brand/terms.js';

/**
 * Where a listing the creator may show comes from, and what it earns them:
 * nothing to say for their own; the sponsor's or an offering shop's name and
 * the commission otherwise.
 */
export function showableOrigin(listing: ShowableListing): string | null {
  if (listing.source === 'own') return null;
  const commission = listing.commissionBps ? ` · ${formatPercent(listing.commissionBps)} commission` : '';
  return listing.source === 'sponsor' ? `Sponsor: ${listing.shop.name}${commission}` : `Offered by ${listing.shop.name}${commission}`;
}
