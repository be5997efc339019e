import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bidsToWinHigherSlots,
  keywordRelevance,
  predictedCtr,
  runAuction,
  secondPrice,
  type AuctionCandidate,
} from '../src/domain/ad-auction.js';
import { pacingPassRate } from '../src/domain/ad-pacing.js';
import { replayAuctions } from '../src/domain/ad-replay.js';
import { searchTerms } from '../src/domain/search-terms.js';
import { AdIndex, type IndexedBid } from '../src/services/ad-index.js';

/** The auction's rules as pure functions: ranking, second prices, reserves, ties, priors, slots, duplicates, pacing. */
const cand = (adId: string, bidMinor: number, quality = 0.02, targetId = `t-${adId}`): AuctionCandidate => ({
  adId,
  bidId: `b-${adId}`,
  targetId,
  bidMinor,
  quality,
});

describe('the auction', () => {
  it('ranks by bid × quality and charges just enough to keep the place (the textbook example)', () => {
    // A bids 55 at quality 1.7, B 65 at 1.0, C 30 at 1.5 (scores 93.5, 65, 45); reserve 10.
    const ranked = runAuction([cand('b', 65, 1.0), cand('a', 55, 1.7), cand('c', 30, 1.5)], 3, 10);
    expect(ranked.map((r) => [r.adId, r.slot, r.priceMinor])).toEqual([
      ['a', 1, 39], // ⌊65 / 1.7⌋ + 1
      ['b', 2, 46], // ⌊45 / 1⌋ + 1
      ['c', 3, 10], // last: the reserve
    ]);
  });

  it('never charges above the bid or below the reserve; alone, the reserve', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ bid: fc.integer({ min: 1, max: 10_000 }), q: fc.double({ min: 0.001, max: 1, noNaN: true }) }), {
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 6 }),
        (bids, reserve, slots) => {
          const ranked = runAuction(
            bids.map((b, i) => cand(`ad${String(i).padStart(3, '0')}`, b.bid, b.q)),
            slots,
            reserve,
          );
          for (const r of ranked) {
            expect(r.bidMinor).toBeGreaterThanOrEqual(reserve);
            if (r.slot !== null) {
              expect(r.priceMinor!).toBeLessThanOrEqual(r.bidMinor);
              expect(r.priceMinor!).toBeGreaterThanOrEqual(reserve);
            }
          }
          for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
          expect(ranked.filter((r) => r.slot !== null).length).toBe(Math.min(slots, ranked.length));
        },
      ),
      { numRuns: 200 },
    );
    expect(runAuction([cand('a', 500)], 2, 25).map((r) => r.priceMinor)).toEqual([25]);
  });

  it('breaks ties by the higher bid, then the older ad', () => {
    const ranked = runAuction([cand('b', 100, 0.02), cand('a', 50, 0.04), cand('c', 100, 0.02)], 3, 1);
    expect(ranked.map((r) => r.adId)).toEqual(['b', 'c', 'a']);
  });

  it('shows a listing once (its best ad) and no more ads than slots; the next few are logged unshown', () => {
    const ranked = runAuction(
      [cand('a', 90, 0.02, 'same'), cand('b', 80, 0.02, 'same'), cand('c', 70), cand('d', 60), cand('e', 50), cand('f', 40)],
      2,
      1,
    );
    expect(ranked.map((r) => [r.adId, r.slot])).toEqual([
      ['a', 1],
      ['c', 2],
      ['d', null],
      ['e', null],
      ['f', null],
    ]);
    expect(ranked[1]!.priceMinor).toBe(61);
  });

  it('starts a new ad at the prior and learns from clicks; keyword relevance scales quality', () => {
    expect(predictedCtr(0, 0)).toBeCloseTo(0.02);
    expect(predictedCtr(1000, 50)).toBeCloseTo(51 / 1050);
    expect(keywordRelevance(1, 2)).toBe(0.5);
    expect(keywordRelevance(2, 2)).toBe(1);
    expect(secondPrice({ bidMinor: 100, quality: 0.02 }, 100 * 0.02, 1)).toBe(100);
  });

  it('tells a seller the bid each higher slot needed, from scores alone', () => {
    const ranked = runAuction([cand('a', 100, 0.02), cand('b', 80, 0.02), cand('me', 50, 0.02)], 2, 10);
    expect(bidsToWinHigherSlots(ranked, 'me', 0.02, 10)).toEqual([
      { slot: 1, minBidMinor: 101 },
      { slot: 2, minBidMinor: 81 },
    ]);
    expect(bidsToWinHigherSlots(ranked, 'a', 0.02, 10)).toEqual([]);
  });

  it('replays logged auctions at another bid', () => {
    const logged = [
      [
        { ad: 'a', bid: 100, q: 0.02, score: 2, price: 81, slot: 1 },
        { ad: 'me', bid: 80, q: 0.02, score: 1.6, price: 10, slot: 2 },
      ],
    ];
    expect(replayAuctions(logged, 'me', null, 2, 10)).toEqual({ impressions: 1, clicks: 0.02, avgCpcMinor: 10, spendMinor: 0 });
    expect(replayAuctions(logged, 'me', 150, 1, 10)).toMatchObject({ impressions: 1, avgCpcMinor: 101 });
    expect(replayAuctions(logged, 'me', 5, 2, 10).impressions).toBe(0);
  });
});

describe('keywords', () => {
  it('split into lowercased words as the simple configuration does', () => {
    expect(searchTerms('Red  Running-Shoes, size 42!')).toEqual(['red', 'running', 'shoes', 'size', '42']);
    expect(searchTerms('Ünïcode café')).toEqual(['ünïcode', 'café']);
  });
});

describe('pacing', () => {
  const DAY = 86_400_000;
  const midnight = Date.UTC(2026, 11, 6);

  it('lets a campaign through while it is behind the even curve and throttles it ahead of it', () => {
    expect(pacingPassRate(0, 10_000, midnight + DAY / 2)).toBe(1);
    expect(pacingPassRate(5_500, 10_000, midnight + DAY / 2)).toBe(0);
    expect(pacingPassRate(5_250, 10_000, midnight + DAY / 2)).toBeCloseTo(0.5);
    expect(pacingPassRate(10_000, 10_000, midnight + DAY - 1)).toBe(0);
  });

  it('keeps spend by hour h under budget × h/24 + 10 % with uniform traffic (a simulated day)', () => {
    const budget = 20_000;
    const index = new AdIndex(mulberry(7));
    const bid: IndexedBid = {
      bidId: 'b',
      adId: 'a',
      campaignId: 'c',
      shopId: 's',
      ownerId: 'o',
      placement: 'home',
      keyword: '',
      terms: [],
      maxCpcMinor: 40,
      listingId: 'l',
      streamId: null,
      categories: [],
      card: { title: 't', imageUrl: null, priceMinor: 1, currency: 'USD', shopName: 's' },
    };
    const campaign = {
      campaignId: 'c',
      ownerId: 'o',
      dailyBudgetMinor: budget,
      totalBudgetMinor: null,
      spentTotalMinor: 0,
      spentTodayMinor: 0,
      day: '2026-12-06',
    };
    index.replace([bid], [campaign], new Map([['o', 1_000_000]]), new Map());
    const rnd = mulberry(11);
    let spent = 0;
    // 60 page views a minute all day; 3 % of shown ads are clicked at the reserve (30).
    for (let minute = 0; minute < 24 * 60; minute++) {
      for (let view = 0; view < 60; view++) {
        const now = midnight + minute * 60_000 + view * 1000;
        const shown = index.auction({ placement: 'home', queryTerms: [], category: null, listingId: null }, 4, 30, now);
        if (shown.length > 0 && rnd() < 0.03) {
          spent += shown[0]!.priceMinor!;
          index.applySpend({
            campaignId: 'c',
            ownerId: 'o',
            day: '2026-12-06',
            spentTodayMinor: spent,
            spentTotalMinor: spent,
            balanceMinor: 1_000_000,
          });
        }
      }
      if ((minute + 1) % 60 === 0) expect(spent).toBeLessThanOrEqual((budget * (minute + 1)) / (24 * 60) + budget * 0.1);
    }
    // It spends the budget (to within a couple of clicks), and no more than one click past it.
    expect(spent).toBeGreaterThan(budget * 0.95);
    expect(spent).toBeLessThanOrEqual(budget + 30);
  });
});

/** A small seeded generator, so the simulated day is the same on every run. */
function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
