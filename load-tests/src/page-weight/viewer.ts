import type { Browser, CDPSession } from 'playwright-core';

/**
 * One viewer page load, measured from outside: a fresh browser context (no
 * cache, no cookies), the Network domain of the Chrome DevTools Protocol for
 * what went over the wire, and a small init script that notes the first video
 * frame in the page's own clock. Every wait is bounded.
 */

/** webrtc: `?mode=webrtc`; hls: `?mode=hls`; fallback: no mode (auto) while the SFU is full, so WebRTC is refused and the player falls back to HLS. */
export const VIEWER_MODES = ['webrtc', 'hls', 'fallback'] as const;
export type ViewerMode = (typeof VIEWER_MODES)[number];

/** compressed: Chromium's own Accept-Encoding (gzip, deflate, br, zstd); identity: `Accept-Encoding: identity`, the same page sent uncompressed. */
export const ENCODINGS = ['compressed', 'identity'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export type ScriptFile = {
  /** Path on the server, e.g. /assets/index-DbCsd1r2.js. */
  path: string;
  /** The DevTools resource type (Script for <script> and module imports; modulepreload links may say Other). */
  cdpType: string;
  status: number;
  contentEncoding: string | null;
  /** Response body as sent (compressed when contentEncoding is set): loadingFinished.encodedDataLength minus the header bytes. */
  wireBodyBytes: number;
  /** HTTP response header bytes. */
  headerBytes: number;
  /** The body after decoding (the JavaScript the browser parses). */
  decodedBytes: number;
  /** Request sent and last byte received, ms after navigation start. */
  startMs: number;
  finishedMs: number;
  /** Finished before the first video frame was shown. */
  beforeFirstFrame: boolean;
};

export type ByteTotals = { requests: number; wireBodyBytes: number; headerBytes: number; decodedBytes: number };

export type ViewerSample = {
  mode: ViewerMode;
  encoding: Encoding;
  round: number;
  /** 0-based position in the round's order. */
  position: number;
  url: string;
  /** The player's mode (the video's data-mode) when the first frame was shown. */
  playedAs: string | null;
  /** ms from navigation start to the first frame, in the page's clock. */
  firstFrameMs: number;
  /** requestVideoFrameCallback, or a media event with videoWidth > 0 (loadeddata/resize/playing), whichever said so first. */
  firstFrameVia: string;
  videoSize: string;
  /** Seconds the video clock advanced after the first frame (checked ≥ 0.5: it plays, not one frozen frame). */
  advancedSeconds: number;
  /** The media socket's refusal, read from its WebSocket frames (fallback: webrtc_capacity), or null. */
  mediaRefusal: string | null;
  /** JavaScript finished before the first frame. */
  js: ByteTotals;
  /** JavaScript that finished after it (while the sample ran on to check playback). */
  jsAfter: ByteTotals;
  /** Every response finished before the first frame (documents, CSS, API, playlists, segments…), by DevTools type. */
  allBeforeFrame: Record<string, ByteTotals>;
  /** How the page itself (index.html, sent for /live/:id) came: its Content-Encoding, or null when sent as is. */
  documentContentEncoding: string | null;
  /** The same scripts as the page's Resource Timing saw them (encodedBodySize/decodedBodySize): agree = every script matched. */
  resourceTimingAgrees: boolean;
  /** Largest gap between a script's DevTools finish time (mapped to the page clock) and its Resource Timing responseEnd. */
  resourceTimingMaxSkewMs: number;
  scripts: ScriptFile[];
};

type Req = {
  url: string;
  type: string;
  startTs: number;
  status?: number;
  mime?: string;
  contentEncoding?: string | null;
  headerBytes?: number;
  decoded: number;
  finishedTs?: number;
  encoded?: number;
  failed?: string;
};

/** Runs in every page before its own scripts: notes the first presented frame of any <video>, in performance.now() time. */
const FIRST_FRAME_PROBE = `(() => {
  const state = { rvfc: null, event: null };
  Object.defineProperty(window, '__pageWeight', { value: state });
  const seen = new WeakSet();
  const note = (key, video, t) => {
    if (state[key]) return;
    state[key] = { t, mode: video.getAttribute('data-mode'), w: video.videoWidth, h: video.videoHeight };
  };
  const watch = (video) => {
    if (seen.has(video)) return;
    seen.add(video);
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback((now) => note('rvfc', video, now));
    const check = () => {
      if (video.readyState >= 2 && video.videoWidth > 0) note('event', video, performance.now());
    };
    for (const name of ['loadeddata', 'resize', 'playing']) video.addEventListener(name, check);
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watch)).observe(document, { childList: true, subtree: true });
})();`;

type Probe = { rvfc: Frame | null; event: Frame | null };
/** What the functions run in the page use of it (load-tests compile without the DOM library). */
type InPage = { __pageWeight?: Probe; document: { querySelector(selector: string): { currentTime: number } | null } };
type ResourceEntry = { name: string; encodedBodySize: number; decodedBodySize: number; responseEnd: number };
type Frame = { t: number; mode: string | null; w: number; h: number };

const isJs = (r: Req) => r.type === 'Script' || /javascript|ecmascript/.test(r.mime ?? '') || /\.m?js(\?|$)/.test(new URL(r.url).pathname);

export type MeasureOptions = {
  baseUrl: string;
  streamId: string;
  mode: ViewerMode;
  encoding: Encoding;
  round: number;
  position: number;
  firstFrameTimeoutMs: number;
};

export async function measureViewer(browser: Browser, o: MeasureOptions): Promise<ViewerSample> {
  const context = await browser.newContext({
    baseURL: o.baseUrl,
    ...(o.encoding === 'identity' ? { extraHTTPHeaders: { 'Accept-Encoding': 'identity' } } : {}),
  });
  try {
    const page = await context.newPage();
    await page.addInitScript(FIRST_FRAME_PROBE);
    const cdp: CDPSession = await context.newCDPSession(page);
    const reqs = new Map<string, Req>();
    const wsFrames: string[] = [];
    let clock: { ts: number; wall: number } | null = null;
    cdp.on('Network.requestWillBeSent', (e) => {
      clock ??= { ts: e.timestamp, wall: e.wallTime };
      reqs.set(e.requestId, { url: e.request.url, type: e.type ?? 'Other', startTs: e.timestamp, decoded: 0 });
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = reqs.get(e.requestId);
      if (!r) return;
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      Object.assign(r, {
        type: e.type,
        status: e.response.status,
        mime: e.response.mimeType,
        contentEncoding: headers['content-encoding'] ?? null,
        headerBytes: e.response.encodedDataLength,
      });
    });
    cdp.on('Network.dataReceived', (e) => {
      const r = reqs.get(e.requestId);
      if (r) r.decoded += e.dataLength;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = reqs.get(e.requestId);
      if (r) Object.assign(r, { finishedTs: e.timestamp, encoded: e.encodedDataLength });
    });
    cdp.on('Network.loadingFailed', (e) => {
      const r = reqs.get(e.requestId);
      if (r) r.failed = e.errorText;
    });
    cdp.on('Network.webSocketFrameReceived', (e) => wsFrames.push(e.response.payloadData));
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });

    const query = o.mode === 'fallback' ? '' : `?mode=${o.mode}`;
    const url = `/live/${o.streamId}${query}`;
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    const probe = (await (
      await page.waitForFunction(
        () => {
          const s = (globalThis as unknown as InPage).__pageWeight;
          return s && (s.rvfc || s.event) ? s : null;
        },
        undefined,
        { timeout: o.firstFrameTimeoutMs, polling: 50 },
      )
    ).jsonValue()) as Probe;
    // Both signals, when both came: the earlier is the first frame.
    const frames = [
      probe.rvfc && { via: 'requestVideoFrameCallback', ...probe.rvfc },
      probe.event && { via: 'media-event', ...probe.event },
    ]
      .filter((f): f is Frame & { via: string } => f !== null)
      .sort((a, b) => a.t - b.t);
    const frame = frames[0]!;

    // It plays: the clock moves on from the first frame.
    const video = 'video[data-testid="live-video"]';
    const clockOf = (sel: string) => (globalThis as unknown as InPage).document.querySelector(sel)?.currentTime ?? 0;
    const t0 = await page.evaluate(clockOf, video);
    await page.waitForFunction(
      ([sel, start]) => ((globalThis as unknown as InPage).document.querySelector(sel)?.currentTime ?? 0) >= start + 0.5,
      [video, t0] as const,
      { timeout: 15_000, polling: 100 },
    );
    const advancedSeconds = (await page.evaluate(clockOf, video)) - t0;
    const timing = await page.evaluate(() => ({
      origin: performance.timeOrigin,
      entries: (performance.getEntriesByType('resource') as unknown as ResourceEntry[]).map((e) => ({
        name: e.name,
        encoded: e.encodedBodySize,
        decoded: e.decodedBodySize,
        end: e.responseEnd,
      })),
    }));
    await cdp.detach().catch(() => undefined);

    if (!clock) throw new Error('page-weight: no network events were seen');
    const c: { ts: number; wall: number } = clock;
    // CDP timestamps are monotonic seconds; requestWillBeSent pairs one with wall time, the page's clock is timeOrigin + ms.
    const msOf = (ts: number) => (c.wall + (ts - c.ts)) * 1000 - timing.origin;
    const scripts: ScriptFile[] = [];
    const allBeforeFrame: Record<string, ByteTotals> = {};
    const add = (t: ByteTotals, wire: number, head: number, dec: number) => {
      t.requests += 1;
      t.wireBodyBytes += wire;
      t.headerBytes += head;
      t.decodedBytes += dec;
    };
    const empty = (): ByteTotals => ({ requests: 0, wireBodyBytes: 0, headerBytes: 0, decodedBytes: 0 });
    for (const r of reqs.values()) {
      if (r.finishedTs === undefined || r.encoded === undefined || r.url.startsWith('data:')) continue;
      const headerBytes = r.headerBytes ?? 0;
      const wireBodyBytes = Math.max(0, r.encoded - headerBytes);
      const finishedMs = msOf(r.finishedTs);
      const before = finishedMs <= frame.t;
      if (before) add((allBeforeFrame[r.type] ??= empty()), wireBodyBytes, headerBytes, r.decoded);
      if (!isJs(r)) continue;
      const u = new URL(r.url);
      scripts.push({
        path: u.pathname + u.search,
        cdpType: r.type,
        status: r.status ?? 0,
        contentEncoding: r.contentEncoding ?? null,
        wireBodyBytes,
        headerBytes,
        decodedBytes: r.decoded,
        startMs: round1(msOf(r.startTs)),
        finishedMs: round1(finishedMs),
        beforeFirstFrame: before,
      });
    }
    scripts.sort((a, b) => a.finishedMs - b.finishedMs);
    const failed = [...reqs.values()].filter((r) => r.failed && isJs(r));
    if (failed.length > 0) throw new Error(`page-weight: script failed to load: ${failed.map((r) => `${r.url} (${r.failed})`).join(', ')}`);
    const bad = scripts.filter((s) => s.status !== 200);
    if (bad.length > 0) throw new Error(`page-weight: script answered ${bad.map((s) => `${s.status} ${s.path}`).join(', ')}`);

    const totals = (list: ScriptFile[]) => {
      const t = empty();
      for (const s of list) add(t, s.wireBodyBytes, s.headerBytes, s.decodedBytes);
      return t;
    };
    const doc = [...reqs.values()].find((r) => r.type === 'Document');
    const rt = new Map(timing.entries.map((e) => [new URL(e.name).pathname, e]));
    const resourceTimingAgrees = scripts.every((s) => {
      const e = rt.get(s.path.split('?')[0]!);
      return !!e && e.encoded === s.wireBodyBytes && e.decoded === s.decodedBytes;
    });
    const skews = scripts.map((s) => Math.abs((rt.get(s.path.split('?')[0]!)?.end ?? Infinity) - s.finishedMs));
    const refusal = wsFrames.map((f) => /^44(\{.*\})$/.exec(f)?.[1]).find((x) => x !== undefined);
    let mediaRefusal: string | null = null;
    if (refusal) {
      try {
        const parsed = JSON.parse(refusal) as { message?: string; data?: { code?: string } };
        mediaRefusal = parsed.data?.code ?? parsed.message ?? refusal;
      } catch {
        mediaRefusal = refusal;
      }
    }
    return {
      mode: o.mode,
      encoding: o.encoding,
      round: o.round,
      position: o.position,
      url,
      playedAs: frame.mode,
      firstFrameMs: round1(frame.t),
      firstFrameVia: frame.via,
      videoSize: `${frame.w}x${frame.h}`,
      advancedSeconds: round1(advancedSeconds),
      mediaRefusal,
      js: totals(scripts.filter((s) => s.beforeFirstFrame)),
      jsAfter: totals(scripts.filter((s) => !s.beforeFirstFrame)),
      allBeforeFrame,
      documentContentEncoding: doc?.contentEncoding ?? null,
      resourceTimingAgrees,
      resourceTimingMaxSkewMs: round1(Math.max(0, ...skews)),
      scripts,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
