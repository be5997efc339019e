import type { SponsoredCard } from '@hawker/shared';

// Sponsored cards among organic results: the api says where each card goes
// (its 1-based position); the page puts it there. A listing (or show) that is
// both sponsored and an organic result appears once, as the sponsored card:
// the organic copy gives way, so nobody sees the same item twice in one list.

export type Slot<T> = { kind: 'organic'; key: string; item: T } | { kind: 'sponsored'; key: string; card: SponsoredCard };

/** What a sponsored card promotes, as a key organic items can be compared with: "listing:<id>" or "show:<id>". */
export function promotedKey(card: Pick<SponsoredCard, 'kind' | 'listingId' | 'streamId'>): string {
  return card.kind === 'listing' ? `listing:${card.listingId ?? ''}` : `show:${card.streamId ?? ''}`;
}

export const listingKey = (item: { id: string }) => `listing:${item.id}`;
export const showKey = (item: { id: string }) => `show:${item.id}`;

/** Organic items that duplicate none of the sponsored cards. */
export function withoutSponsored<T>(organic: readonly T[], cards: readonly SponsoredCard[], keyOf: (item: T) => string): T[] {
  const promoted = new Set(cards.map(promotedKey));
  return organic.filter((item) => !promoted.has(keyOf(item)));
}

/**
 * The merged list: organic items minus the sponsored duplicates, with each
 * card at its position (1 = first). Cards are placed in position order, so a
 * card at 5 is fifth in the final list whenever there are at least four other
 * items before it; past the end of a short list it goes last. A second card
 * promoting the same thing, or at the same position, is dropped.
 */
export function mergeSponsored<T>(organic: readonly T[], cards: readonly SponsoredCard[], keyOf: (item: T) => string): Slot<T>[] {
  const placed: SponsoredCard[] = [];
  const seenItems = new Set<string>();
  const seenPositions = new Set<number>();
  for (const card of [...cards].sort((a, b) => a.position - b.position)) {
    const key = promotedKey(card);
    if (seenItems.has(key) || seenPositions.has(card.position)) continue;
    seenItems.add(key);
    seenPositions.add(card.position);
    placed.push(card);
  }

  const slots: Slot<T>[] = withoutSponsored(organic, placed, keyOf).map((item) => ({ kind: 'organic', key: keyOf(item), item }));
  for (const card of placed) {
    const index = Math.min(Math.max(card.position, 1) - 1, slots.length);
    slots.splice(index, 0, { kind: 'sponsored', key: `ad:${card.token}`, card });
  }
  return slots;
}
