import type { SponsoredCard } from '@hawker/shared';
import { describe, expect, it } from 'vitest';
import { listingKey, mergeSponsored, promotedKey, showKey, withoutSponsored } from '../src/lib/ads/merge.js';

// Sponsored cards at their 1-based positions among organic results; an organic
// copy of a sponsored item gives way.

const card = (listingId: string, position: number, extra: Partial<SponsoredCard> = {}): SponsoredCard => ({
  token: `tok-${listingId}-${position}`,
  placement: 'search',
  position,
  kind: 'listing',
  listingId,
  streamId: null,
  title: `Ad ${listingId}`,
  imageUrl: null,
  priceMinor: 1000,
  currency: 'USD',
  shopName: 'Shop',
  clickUrl: `/api/ads/click/tok-${listingId}`,
  why: { advertiser: 'Shop', reason: 'keyword', detail: 'tea' },
  ...extra,
});

const organic = (...ids: string[]) => ids.map((id) => ({ id }));

/** The merged list as a string: organic ids, sponsored ones starred. */
const shape = (slots: ReturnType<typeof mergeSponsored<{ id: string }>>) =>
  slots.map((s) => (s.kind === 'sponsored' ? `*${s.card.listingId}` : s.item.id)).join(' ');

describe('mergeSponsored', () => {
  it('puts search ads at positions 1 and 5', () => {
    const slots = mergeSponsored(organic('a', 'b', 'c', 'd', 'e', 'f'), [card('x', 1), card('y', 5)], listingKey);
    expect(shape(slots)).toBe('*x a b c *y d e f');
    expect(slots.findIndex((s) => s.kind === 'sponsored' && s.card.listingId === 'y')).toBe(4);
  });

  it('places cards in position order whatever order the api sent them in', () => {
    expect(shape(mergeSponsored(organic('a', 'b', 'c', 'd', 'e'), [card('y', 5), card('x', 1)], listingKey))).toBe('*x a b c *y d e');
  });

  it('removes the organic copy of a sponsored listing, and keeps the ad at its position', () => {
    const slots = mergeSponsored(organic('a', 'x', 'b', 'c', 'y', 'd', 'e'), [card('x', 1), card('y', 5)], listingKey);
    expect(shape(slots)).toBe('*x a b c *y d e');
    expect(slots.filter((s) => s.kind === 'organic' && (s.item.id === 'x' || s.item.id === 'y'))).toEqual([]);
  });

  it('puts a card past the end of a short list last', () => {
    expect(shape(mergeSponsored(organic('a', 'b'), [card('x', 1), card('y', 5)], listingKey))).toBe('*x a b *y');
    expect(shape(mergeSponsored([], [card('x', 1), card('y', 5)], listingKey))).toBe('*x *y');
  });

  it('leaves the organic list alone without ads', () => {
    expect(shape(mergeSponsored(organic('a', 'b'), [], listingKey))).toBe('a b');
  });

  it('drops a second card for the same item or the same position', () => {
    const slots = mergeSponsored(organic('a', 'b', 'c'), [card('x', 1), card('x', 2, { token: 'again' }), card('z', 1)], listingKey);
    expect(shape(slots)).toBe('*x a b c');
  });

  it('treats a position below 1 as the first', () => {
    expect(shape(mergeSponsored(organic('a'), [card('x', 0)], listingKey))).toBe('*x a');
  });

  it('keys sponsored slots by token, so an ad and its organic copy never share a key', () => {
    const slots = mergeSponsored(organic('a'), [card('x', 1)], listingKey);
    expect(slots.map((s) => s.key)).toEqual(['ad:tok-x-1', 'listing:a']);
  });

  it('dedupes promoted shows against the organic "Live now" row by stream', () => {
    const show = card('', 1, { kind: 'show', listingId: null, streamId: 's2', placement: 'live_now', token: 'show-tok' });
    const slots = mergeSponsored(organic('s1', 's2', 's3'), [show], showKey);
    expect(slots.map((s) => s.key)).toEqual(['ad:show-tok', 'show:s1', 'show:s3']);
  });

  it('never mistakes a listing for a show with the same id', () => {
    const show = card('', 1, { kind: 'show', listingId: null, streamId: 'a' });
    expect(promotedKey(show)).toBe('show:a');
    expect(withoutSponsored(organic('a', 'b'), [show], listingKey)).toEqual(organic('a', 'b'));
  });
});
