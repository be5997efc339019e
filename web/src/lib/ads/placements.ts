import type { AdPlacement } from '@hawker/shared';

// The placements and their slots as shared/src/ads.ts defines them. Copied, not
// imported: that module builds zod schemas when it loads, which would put the
// schema library into every page with an ad on it. web/test/ads-forms.test.ts
// checks that the copies still equal the contract.

export type { AdPlacement };

export const AD_PLACEMENTS: readonly AdPlacement[] = ['search', 'home', 'live_now', 'related'];

/** 1-based positions of the sponsored cards on each placement's page. */
export const AD_SLOT_POSITIONS: Readonly<Record<AdPlacement, readonly number[]>> = {
  search: [1, 5],
  home: [1, 2, 3, 4],
  live_now: [1, 2],
  related: [1, 2, 3, 4],
};

export const AD_PLACEMENT_LABELS: Readonly<Record<AdPlacement, string>> = {
  search: 'Search results',
  home: 'Home page',
  live_now: '"Live now" row',
  related: 'Listing page, related',
};

/** A listing runs in search, on the home page and next to related listings; a show only in "Live now". */
export const LISTING_PLACEMENTS: readonly AdPlacement[] = ['search', 'home', 'related'];
export const SHOW_PLACEMENTS: readonly AdPlacement[] = ['live_now'];

/** What matched, as the "Why this ad?" popover names it; the api's `detail` sentence follows. */
export const WHY_REASON_LABELS: Readonly<Record<string, string>> = {
  keyword: 'Keyword match.',
  category: 'Category match.',
  placement: 'Paid placement.',
};
