import type { MachineRecord } from '../report/machine.js';
import { median, spread, type Spread } from '../report/stats.js';
import { ENCODINGS, type Encoding, type ViewerMode, type ViewerSample } from './viewer.js';

// The page-weight bench's options, results file and how its samples become cells and rows (run.ts runs it).

export { median, spread, type Spread };

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Issue 12: JavaScript on the wire (compressed) before the first WebRTC frame. kB = 1,000 bytes. */
export const TARGET = { mode: 'webrtc', encoding: 'compressed', maxWireBytes: 90_000 } as const;
/** The SFU takes this many WebRTC viewers per stream: a second one (the fallback mode's) is refused. */

export type PageWeightOptions = {
  modes: ViewerMode[];
  encodings: Encoding[];
  rounds: number;
  /** One unrecorded page load per mode before round 1 (server, JIT and ffmpeg warm). */
  warmup: boolean;
  firstFrameTimeoutMs: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  adminUrl: string;
};

export type Cell = {
  mode: ViewerMode;
  encoding: Encoding;
  /** JavaScript finished before the first frame: body bytes as sent, header bytes, decoded bytes, requests. */
  jsWireBytes: Spread;
  jsHeaderBytes: Spread;
  jsDecodedBytes: Spread;
  jsRequests: Spread;
  firstFrameMs: Spread;
  /** Every response before the first frame (HTML, CSS, API, playlists, segments, JS): body bytes as sent. */
  allWireBytes: Spread;
  /** The same script paths before the first frame in every round. */
  sameScriptsEveryRound: boolean;
};

export type FileRow = {
  path: string;
  /** Bytes as sent per encoding (median over rounds), and as decoded. */
  wireBytes: Partial<Record<Encoding, number>>;
  decodedBytes: number;
  contentEncoding: string | null;
  /** The build's files on disk: raw, .gz and .br (null when the build wrote none). */
  disk: { raw: number; gzip: number | null; br: number | null } | null;
  /** Median ms after navigation start when its last byte arrived (compressed). */
  finishedMs: number;
  /** Every sample sent exactly the build's file for its encoding (.br for br, .gz for gzip, the file itself otherwise). */
  matchesBuild: boolean;
};

export type PageWeightReport = {
  scenario: 'page-weight';
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  /** Default options: only a full run rewrites page-weight-latest.*. */
  full: boolean;
  machine: MachineRecord & { chromium: string };
  /** HEAD when the run started; web sources that differ from it (the build measured is web/dist as it was). */
  code: { commit: string; webModified: string[] };
  /** The build measured: a copy of web/dist taken at the start, every JavaScript file with its sizes. */
  build: { jsFiles: number; jsRawBytes: number; jsBrBytes: number; jsGzipBytes: number };
  options: Omit<PageWeightOptions, 'adminUrl'>;
  method: Record<string, string>;
  setup: { streamId: string; studioMs: number; hlsReadyMs: number | null; maxWebrtcViewersPerStream: number; mediaWorkers: number };
  warmup: { mode: ViewerMode; firstFrameMs: number; playedAs: string | null }[];
  rounds: { round: number; order: string[] }[];
  samples: ViewerSample[];
  cells: Cell[];
  /** Per mode, the scripts that finished before the first frame (compressed), biggest on the wire first. */
  files: Partial<Record<ViewerMode, FileRow[]>>;
  summary: {
    target: typeof TARGET;
    /** Medians over rounds per mode: on the wire (compressed), uncompressed (identity), decoded, requests, first frame. */
    modes: Partial<
      Record<
        ViewerMode,
        {
          compressedBytes: number | null;
          identityBytes: number | null;
          decodedBytes: number;
          requests: number;
          firstFrameMs: number | null;
          firstFrameMsIdentity: number | null;
          compressionRatio: number | null;
        }
      >
    >;
    /** Compressed WebRTC JS with its HTTP response headers (what the target leaves out), median. */
    webrtcWithHeadersBytes: number | null;
    /** Every script before the first frame was byte for byte the build's file for its encoding, and Resource Timing agreed with DevTools in every sample. */
    checks: { matchesBuild: boolean; resourceTimingAgrees: boolean; documentContentEncoding: (string | null)[] };
    /** Compressed WebRTC JS: median ≤ target (met), and in the worst round (metEveryRound); null when not measured. */
    met: boolean | null;
    metEveryRound: boolean | null;
    marginBytes: number | null;
  };
};

export const METHOD: Record<string, string> = {
  what: 'JavaScript a viewer downloads from navigation until the first video frame of a live show is shown, on /live/:id of the built web app (a copy of web/dist taken at the start, served by a real api node that proxies /media to a real media-server).',
  wire: "Chrome DevTools Protocol Network events per request: Network.responseReceived (type, mime type, Content-Encoding, header bytes) and Network.loadingFinished (encodedDataLength = header + body bytes as received); the body on the wire is the difference, the decoded size is the sum of Network.dataReceived dataLength. JavaScript = type Script or a JavaScript mime type. Cross-checked against the page's Resource Timing (encodedBodySize/decodedBodySize): resourceTimingAgrees per sample.",
  firstFrame:
    'An init script watches every <video>: requestVideoFrameCallback, and loadeddata/resize/playing with readyState ≥ 2 and videoWidth > 0; the earlier is the first frame, in ms after navigation start (performance.now()). A script counts when its last byte arrived before that instant (CDP monotonic time mapped to the page clock through requestWillBeSent.wallTime). After the first frame the sample waits until the video clock has advanced 0.5 s (it plays).',
  modes:
    "webrtc: /live/:id?mode=webrtc; hls: /live/:id?mode=hls (the player's `?mode=` preference, web/src/lib/player/fallback.ts); fallback: /live/:id with no preference while a socket.io client holds the stream's one WebRTC place (MAX_WEBRTC_VIEWERS_PER_STREAM=1), so the SFU refuses the viewer with webrtc_capacity (read from the media socket's frames) and the player falls back to HLS. The same page and bundle in all three: the mode decides which lazy chunks load.",
  encodings:
    "compressed: Chromium's own Accept-Encoding (gzip, deflate, br, zstd — it offers br on http://127.0.0.1 too), so the api sends the build's .br files; identity: the same page in the same run with `Accept-Encoding: identity` on every request (context extraHTTPHeaders), so every file is sent as built.",
  rounds:
    'One media-server (1 worker, ffmpeg HLS), one api and one publishing creator (/studio in Chromium with the fake camera) for the whole run. Each round loads every mode × encoding once, the order rotated each round, each in a fresh browser context (no cache, no cookies) with the DevTools cache disabled; before each the SFU must show 0 WebRTC viewers. Medians with min/max over rounds. Bytes do not vary between rounds; time to first frame does (ffmpeg and Chromium share 2 cores).',
  target:
    'Issue 12: ≤ 90 kB (90,000 bytes) of JavaScript on the wire (compressed body bytes, without HTTP headers) before the first WebRTC frame; met on the median, metEveryRound on the worst round.',
};

/** What every sample must show, or the run fails: it played the path it was meant to, with the encoding it was meant to. */
export function checkSample(s: ViewerSample): void {
  const fail = (why: string) => {
    throw new Error(`page-weight: ${s.mode}/${s.encoding} round ${s.round}: ${why}`);
  };
  const expected = s.mode === 'webrtc' ? 'webrtc' : 'hls';
  if (s.playedAs !== expected) fail(`the first frame was played as ${s.playedAs}, not ${expected}`);
  if (s.mode === 'fallback' && s.mediaRefusal !== 'webrtc_capacity')
    fail(`the media socket was not refused for capacity (${s.mediaRefusal})`);
  if (s.mode !== 'fallback' && s.mediaRefusal !== null) fail(`the media socket was refused (${s.mediaRefusal})`);
  if (s.js.requests === 0) fail('no JavaScript before the first frame');
  for (const f of s.scripts) {
    if (s.encoding === 'identity' && f.contentEncoding !== null)
      fail(`${f.path} came ${f.contentEncoding}-encoded under Accept-Encoding: identity`);
    if (s.encoding === 'identity' && f.wireBodyBytes !== f.decodedBytes)
      fail(`${f.path}: ${f.wireBodyBytes} bytes sent, ${f.decodedBytes} decoded`);
  }
}

export const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

export function sampleLine(s: ViewerSample): string {
  return `${kb(s.js.wireBodyBytes)} JS on the wire (${kb(s.js.decodedBytes)} decoded) in ${s.js.requests} requests, first frame ${Math.round(s.firstFrameMs)} ms (${s.playedAs}${s.mediaRefusal ? `, refused ${s.mediaRefusal}` : ''}, ${s.firstFrameVia}, ${s.videoSize})${s.jsAfter.requests ? `; ${s.jsAfter.requests} more scripts after it` : ''}`;
}

export function cell(samples: ViewerSample[], mode: ViewerMode, encoding: Encoding): Cell | null {
  const xs = samples.filter((s) => s.mode === mode && s.encoding === encoding).sort((a, b) => a.round - b.round);
  if (xs.length === 0) return null;
  const sets = xs.map((s) =>
    s.scripts
      .filter((f) => f.beforeFirstFrame)
      .map((f) => f.path)
      .sort()
      .join(' '),
  );
  const allWire = (s: ViewerSample) => Object.values(s.allBeforeFrame).reduce((n, t) => n + t.wireBodyBytes, 0);
  return {
    mode,
    encoding,
    jsWireBytes: spread(xs.map((s) => s.js.wireBodyBytes)),
    jsHeaderBytes: spread(xs.map((s) => s.js.headerBytes)),
    jsDecodedBytes: spread(xs.map((s) => s.js.decodedBytes)),
    jsRequests: spread(xs.map((s) => s.js.requests)),
    firstFrameMs: spread(
      xs.map((s) => s.firstFrameMs),
      round1,
    ),
    allWireBytes: spread(xs.map(allWire)),
    sameScriptsEveryRound: sets.every((x) => x === sets[0]),
  };
}

export function fileRows(samples: ViewerSample[], mode: ViewerMode, disk: Map<string, NonNullable<FileRow['disk']>>): FileRow[] {
  const of = (encoding: Encoding) => samples.filter((s) => s.mode === mode && s.encoding === encoding);
  const main = of('compressed').length > 0 ? of('compressed') : of('identity');
  const paths = new Set(main.flatMap((s) => s.scripts.filter((f) => f.beforeFirstFrame).map((f) => f.path)));
  const rows: FileRow[] = [];
  for (const p of paths) {
    const seen = (encoding: Encoding) => of(encoding).flatMap((s) => s.scripts.filter((f) => f.path === p));
    const wireBytes: FileRow['wireBytes'] = {};
    for (const e of ENCODINGS) if (seen(e).length > 0) wireBytes[e] = median(seen(e).map((f) => f.wireBodyBytes));
    const first = main.flatMap((s) => s.scripts.filter((f) => f.path === p));
    const d = disk.get(p.split('?')[0]!) ?? null;
    const expected = (f: ViewerSample['scripts'][number]) =>
      !d ? null : f.contentEncoding === 'br' ? d.br : f.contentEncoding === 'gzip' ? d.gzip : f.contentEncoding === null ? d.raw : null;
    const all = ENCODINGS.flatMap((e) => seen(e));
    rows.push({
      path: p,
      wireBytes,
      decodedBytes: median(first.map((f) => f.decodedBytes)),
      contentEncoding: first[0]?.contentEncoding ?? null,
      disk: d,
      finishedMs: Math.round(median(first.map((f) => f.finishedMs))),
      matchesBuild: all.every((f) => f.wireBodyBytes === expected(f) && f.decodedBytes === d?.raw),
    });
  }
  return rows.sort((a, b) => (b.wireBytes.compressed ?? b.wireBytes.identity ?? 0) - (a.wireBytes.compressed ?? a.wireBytes.identity ?? 0));
}
