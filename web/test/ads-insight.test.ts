import type { AdSimulation } from '@hawker/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminAds } from '../src/lib/ads/admin.svelte.js';
import { avgCpcText, ctrText, daySeries, roasText } from '../src/lib/ads/report-series.js';
import { AdInsightView, sliderRange } from '../src/lib/ads/simulator.svelte.js';
import { fakeApi, json } from './support/scripted-fetch.js';

// The "what if" simulator (debounced, newest answer wins), the report's
// figures and charts, and the admin's take-down.

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const AD = '0190c3b0-0000-7000-8000-00000000c001';

describe('AdInsightView (the "what if" simulator)', () => {
  const simulation = (bidMinor: number): AdSimulation => ({
    placement: 'search',
    bidMinor,
    auctions: 120,
    atBid: { impressions: bidMinor, clicks: bidMinor / 10, avgCpcMinor: bidMinor - 2, spendMinor: bidMinor * 3 },
    current: { impressions: 30, clicks: 3, avgCpcMinor: 28, spendMinor: 84 },
  });

  it('asks once the slider has rested, with the last bid only', async () => {
    vi.useFakeTimers();
    const asked: number[] = [];
    const view = new AdInsightView(AD, 'search', 30, {
      simulate: (_id, _placement, bid) => {
        asked.push(bid);
        return Promise.resolve(simulation(bid));
      },
      insight: () => Promise.resolve({ adId: AD, placement: 'search', auctions: 0, wins: 0, latest: null }),
    });
    view.load();
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([30]);

    view.choose(35);
    view.choose(40);
    await vi.advanceTimersByTimeAsync(200);
    view.choose(45);
    await vi.advanceTimersByTimeAsync(299);
    expect(asked).toEqual([30]);
    expect(view.bidMinor).toBe(45);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toEqual([30, 45]);
    expect(view.simulation?.bidMinor).toBe(45);
    view.choose(0); // not a bid: ignored
    await vi.advanceTimersByTimeAsync(1_000);
    expect(asked).toEqual([30, 45]);
    view.abort();
  });

  it('never lets an older, slower answer overwrite a newer one', async () => {
    vi.useFakeTimers();
    const view = new AdInsightView(AD, 'search', 30, {
      debounceMs: 10,
      simulate: (_id, _placement, bid, signal) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(() => resolve(simulation(bid)), bid === 50 ? 1_000 : 10);
          signal?.addEventListener('abort', () => {
            clearTimeout(t);
            reject(new DOMException('aborted', 'AbortError'));
          });
        }),
      insight: () => Promise.resolve({ adId: AD, placement: 'search', auctions: 0, wins: 0, latest: null }),
    });
    view.choose(50);
    await vi.advanceTimersByTimeAsync(20);
    view.choose(60);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(view.simulation?.bidMinor).toBe(60);
    expect(view.simulating).toBe(false);
  });

  it('calls GET /simulate with the placement and the bid in minor units', async () => {
    const calls = fakeApi({ [`GET /api/ads/ads/${AD}/simulate?placement=home&bidMinor=123`]: [() => json(200, simulation(123))] });
    const view = new AdInsightView(AD, 'home', 123, {
      insight: () => Promise.resolve({ adId: AD, placement: 'home', auctions: 0, wins: 0, latest: null }),
    });
    view.load();
    await vi.waitFor(() => expect(view.simulation?.bidMinor).toBe(123));
    expect(calls).toHaveLength(1);
  });

  it('ranges the slider from the reserve to past the dearest slot', () => {
    expect(sliderRange(20, 30, [])).toEqual({ min: 20, max: 200 });
    expect(sliderRange(20, 30, [{ minBidMinor: 400 }, { minBidMinor: 90 }])).toEqual({ min: 20, max: 600 });
    expect(sliderRange(0, 0, [])).toEqual({ min: 1, max: 10 });
  });
});

describe('AdminAds', () => {
  it('takes an ad down with a reason (204) and marks it', async () => {
    const calls = fakeApi({ [`POST /api/admin/ads/${AD}/take-down`]: [() => new Response(null, { status: 204 })] });
    const admin = new AdminAds();
    expect(await admin.takeDown(AD, ' x ')).toBe(false);
    expect(admin.rowErrors[AD]).toMatch(/reason/);
    expect(calls).toHaveLength(0);
    expect(await admin.takeDown(AD, ' Misleading health claims ')).toBe(true);
    expect(calls[0]?.body).toEqual({ reason: 'Misleading health claims' });
    expect(admin.takenDown.has(AD)).toBe(true);
    expect(admin.rowErrors[AD]).toBeUndefined();
  });
});

describe('report figures', () => {
  const totals = {
    impressions: 0,
    clicks: 0,
    ctr: 0,
    avgCpcMinor: 0,
    spendMinor: 0,
    orders: 0,
    revenueMinor: 0,
    roas: null,
    invalidClicks: 0,
    creditsMinor: 0,
  };

  it('charts every day from the first to the last, a missing day at zero', () => {
    const series = daySeries([
      { ...totals, day: '2026-03-12', impressions: 40, clicks: 4, spendMinor: 120, revenueMinor: 900 },
      { ...totals, day: '2026-03-10', impressions: 10, clicks: 1, spendMinor: 30 },
    ]);
    const start = Date.parse('2026-03-10T00:00:00Z') / 1000;
    expect(series.x).toEqual([start, start + 86_400, start + 2 * 86_400]);
    expect(series.impressions).toEqual([10, 0, 40]);
    expect(series.clicks).toEqual([1, 0, 4]);
    expect(series.spendMinor).toEqual([30, 0, 120]);
    expect(series.revenueMinor).toEqual([0, 0, 900]);
    expect(daySeries([]).x).toEqual([]);
  });

  it('reads CTR from the counts, ROAS as a multiple, and dashes before there is anything', () => {
    expect(ctrText({ impressions: 1000, clicks: 34 })).toBe('3.4 %');
    expect(ctrText({ impressions: 0, clicks: 0 })).toBe('–');
    expect(roasText(4.25)).toBe('4.25×');
    expect(roasText(null)).toBe('–');
    expect(avgCpcText({ clicks: 3, avgCpcMinor: 27 }, 'USD')).toBe('$0.27');
    expect(avgCpcText({ clicks: 0, avgCpcMinor: 0 }, 'USD')).toBe('–');
  });
});
