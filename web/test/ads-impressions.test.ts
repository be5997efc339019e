import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DWELL_MS, ImpressionTracker, observeImpression } from '../src/lib/ads/impressions.js';

// The impression rule: at least half of the card in view for one continuous
// second, then one beacon per token, whatever happens after.

let sent: string[];
let tracker: ImpressionTracker;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  tracker = new ImpressionTracker((token) => {
    sent.push(token);
    return Promise.resolve();
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ImpressionTracker', () => {
  it('sends once the card has been half visible for one second, not before', () => {
    tracker.update('t1', 0.5);
    vi.advanceTimersByTime(DWELL_MS - 1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['t1']);
    expect(tracker.sent('t1')).toBe(true);
  });

  it('never counts a card less than half visible, however long it stays', () => {
    tracker.update('t1', 0.49);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);
    tracker.update('t1', 0);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);
  });

  it('takes a ratio a hair under the threshold it crossed as crossed', () => {
    tracker.update('t1', 0.4999);
    vi.advanceTimersByTime(DWELL_MS);
    expect(sent).toEqual(['t1']);
  });

  it('needs one continuous second: dropping below half restarts the clock', () => {
    tracker.update('t1', 0.8);
    vi.advanceTimersByTime(900);
    tracker.update('t1', 0.3); // scrolled half out of view: the timer is cancelled
    vi.advanceTimersByTime(500);
    tracker.update('t1', 0.6); // back: a new second starts here
    vi.advanceTimersByTime(900);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['t1']);
  });

  it('keeps the running second when the ratio changes above the threshold', () => {
    tracker.update('t1', 0.5);
    vi.advanceTimersByTime(600);
    tracker.update('t1', 1);
    vi.advanceTimersByTime(400);
    expect(sent).toEqual(['t1']);
  });

  it('sends each token once, however often it comes back into view', () => {
    tracker.update('t1', 1);
    vi.advanceTimersByTime(DWELL_MS);
    tracker.update('t1', 0);
    tracker.update('t1', 1);
    vi.advanceTimersByTime(5 * DWELL_MS);
    tracker.release('t1');
    tracker.update('t1', 1); // the same card mounted again
    vi.advanceTimersByTime(5 * DWELL_MS);
    expect(sent).toEqual(['t1']);
  });

  it('times each token on its own', () => {
    tracker.update('a', 1);
    vi.advanceTimersByTime(500);
    tracker.update('b', 1);
    vi.advanceTimersByTime(500);
    expect(sent).toEqual(['a']);
    tracker.update('b', 0.1);
    vi.advanceTimersByTime(DWELL_MS);
    expect(sent).toEqual(['a']);
  });

  it('counts nothing while the tab is hidden, and starts the second over when it shows again', () => {
    tracker.update('t1', 1);
    vi.advanceTimersByTime(700);
    tracker.setPageVisible(false);
    vi.advanceTimersByTime(5_000);
    expect(sent).toEqual([]);
    tracker.setPageVisible(true);
    vi.advanceTimersByTime(999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['t1']);
  });

  it('forgets a card that left the page before its second was up', () => {
    tracker.update('t1', 1);
    vi.advanceTimersByTime(500);
    tracker.release('t1');
    vi.advanceTimersByTime(5_000);
    expect(sent).toEqual([]);
  });

  it('swallows a failed beacon (sync or async) and still never sends the token again', async () => {
    let calls = 0;
    const failing = new ImpressionTracker(() => {
      calls += 1;
      if (calls === 1) throw new Error('no fetch');
      return Promise.reject(new Error('offline'));
    });
    failing.update('x', 1);
    vi.advanceTimersByTime(DWELL_MS);
    failing.update('y', 1);
    vi.advanceTimersByTime(DWELL_MS);
    await vi.advanceTimersByTimeAsync(0);
    failing.update('x', 1);
    vi.advanceTimersByTime(DWELL_MS);
    expect(calls).toBe(2);
  });

  it('posts the signed token as an ad.impression event by default', async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      bodies.push({ url, method: init.method, body: JSON.parse(init.body as string) });
      return Promise.resolve(new Response(null, { status: 202 }));
    });
    const real = new ImpressionTracker();
    real.update('signed.token', 1);
    await vi.advanceTimersByTimeAsync(DWELL_MS);
    expect(bodies).toEqual([{ url: '/api/events', method: 'POST', body: { type: 'ad.impression', token: 'signed.token' } }]);
  });
});

describe('observeImpression', () => {
  type Callback = (entries: { target: object; isIntersecting: boolean; intersectionRatio: number }[]) => void;

  class FakeObserver {
    static last: FakeObserver | null = null;
    readonly callback: Callback;
    readonly options: { threshold: number[] };
    readonly watched = new Set<object>();
    constructor(callback: Callback, options: { threshold: number[] }) {
      this.callback = callback;
      this.options = options;
      FakeObserver.last = this;
    }
    observe(node: object): void {
      this.watched.add(node);
    }
    unobserve(node: object): void {
      this.watched.delete(node);
    }
  }

  it('feeds an IntersectionObserver at 0.5 into the tracker, and stops timing a card that unmounts', () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const card = {} as Element;
    const other = {} as Element;
    const detach = observeImpression('card', tracker)(card);
    const detachOther = observeImpression('other', tracker)(other);
    const observer = FakeObserver.last;
    expect(observer?.options.threshold).toContain(0.5);
    expect(observer?.watched.size).toBe(2);

    observer?.callback([
      { target: card, isIntersecting: true, intersectionRatio: 0.7 },
      { target: other, isIntersecting: true, intersectionRatio: 0.9 },
    ]);
    vi.advanceTimersByTime(400);
    detachOther();
    vi.advanceTimersByTime(600);
    expect(sent).toEqual(['card']);
    expect(observer?.watched.has(other)).toBe(false);

    // Not intersecting reads as nothing in view, whatever ratio the entry carries.
    observer?.callback([{ target: card, isIntersecting: false, intersectionRatio: 0.7 }]);
    detach();
    expect(observer?.watched.size).toBe(0);
  });

  it('sends nothing where the browser has no IntersectionObserver', () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    const bare = new ImpressionTracker((token) => {
      sent.push(token);
      return Promise.resolve();
    });
    const detach = observeImpression('card', bare)({} as Element);
    vi.advanceTimersByTime(10_000);
    detach();
    expect(sent).toEqual([]);
  });
});
