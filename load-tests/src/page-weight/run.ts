import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MEDIA_SOCKET_PATH } from '@hawker/shared';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { loadApiConfig } from '../../../api/src/config.js';
import { startApiServer, type RunningApi } from '../../../api/src/server.js';
import { loadMediaConfig } from '../../../media-server/src/config.js';
import { startMediaServer, type MediaServer } from '../../../media-server/src/server.js';
import { launchChromium } from '../../../media-server/test/support/chromium.js';
import { DISTURBED_LOADAVG, machineAtStart } from '../report/machine.js';
import { median } from '../report/stats.js';
import { createCreatorSession, createPageWeightDatabase, SESSION_COOKIE, type BenchDatabase } from './fixtures.js';
import {
  cell,
  checkSample,
  fileRows,
  kb,
  METHOD,
  sampleLine,
  TARGET,
  type Cell,
  type FileRow,
  type PageWeightOptions,
  type PageWeightReport,
} from './report.js';
import { measureViewer, type Encoding, type ViewerMode, type ViewerSample } from './viewer.js';
import { eventually, freePort } from '../../../test/support/process.js';

const MAX_WEBRTC_VIEWERS = 1;
const MEDIA_SECRET = 'page-weight-bench-media-secret-0123456789abcdef';
type Log = (line: string) => void;

export type { PageWeightOptions, PageWeightReport } from './report.js';

const root = path.resolve(import.meta.dirname, '../../..');
const round2 = (n: number) => Math.round(n * 100) / 100;

async function gitInfo(): Promise<PageWeightReport['code']> {
  const git = async (...args: string[]) => (await promisify(execFile)('git', args, { cwd: root, timeout: 10_000 })).stdout;
  const commit = (await git('rev-parse', 'HEAD').catch(() => 'unknown')).trim();
  const status = await git('status', '--porcelain', '--', 'web/src', 'web/index.html', 'web/vite.config.ts', 'shared/src').catch(() => '');
  return {
    commit,
    webModified: status
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3)),
  };
}

/** A copy of web/dist (without source maps): another build during the run cannot change what is measured. */
async function copyBuild(into: string): Promise<{ build: PageWeightReport['build']; disk: Map<string, NonNullable<FileRow['disk']>> }> {
  const dist = path.join(root, 'web/dist');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('page-weight: web/dist has no build (npm run setup builds it)');
  await cp(dist, into, { recursive: true, filter: (src) => !src.endsWith('.map') });
  const assets = path.join(into, 'assets');
  const names = new Set(await readdir(assets));
  const size = async (f: string) => (names.has(f) ? (await stat(path.join(assets, f))).size : null);
  const disk = new Map<string, NonNullable<FileRow['disk']>>();
  const build = { jsFiles: 0, jsRawBytes: 0, jsBrBytes: 0, jsGzipBytes: 0 };
  for (const name of names) {
    if (!name.endsWith('.js')) continue;
    const raw = (await size(name))!;
    const gzip = await size(`${name}.gz`);
    const br = await size(`${name}.br`);
    disk.set(`/assets/${name}`, { raw, gzip, br });
    build.jsFiles += 1;
    build.jsRawBytes += raw;
    build.jsGzipBytes += gzip ?? raw;
    build.jsBrBytes += br ?? raw;
  }
  return { build, disk };
}

type Live = { streamId: string; studio: Page; studioMs: number; hlsReadyMs: number | null };

/** The creator goes live from /studio with Chromium's fake camera and stays live for the run; resolves once HLS has segments. */
async function goLive(browser: Browser, api: RunningApi, media: MediaServer, needHls: boolean, log: Log): Promise<Live> {
  const started = Date.now();
  const { token } = await createCreatorSession(api);
  const context = await browser.newContext({ baseURL: api.url });
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: api.url, httpOnly: true, sameSite: 'Lax' }]);
  const studio = await context.newPage();
  await studio.goto('/studio', { timeout: 30_000 });
  await studio.getByTestId('stream-title').fill('Page weight bench', { timeout: 30_000 });
  await studio.getByTestId('go-live').click({ timeout: 10_000 });
  await studio.getByTestId('watch-link').waitFor({ timeout: 60_000 });
  await eventually(
    async () => ((await studio.getByTestId('connection-state').textContent({ timeout: 5_000 })) === 'connected' ? true : undefined),
    30_000,
    'page-weight: the studio to connect',
  );
  const streamId = await studio.locator('[data-stream-id]').first().getAttribute('data-stream-id', { timeout: 10_000 });
  if (!streamId) throw new Error('page-weight: the studio shows no stream id');
  const studioMs = Date.now() - started;
  await eventually(
    async () => {
      const res = await fetch(`${api.url}/api/streams/${streamId}`, { signal: AbortSignal.timeout(5_000) });
      return ((await res.json()) as { status?: string }).status === 'live' ? true : undefined;
    },
    30_000,
    'page-weight: the api to list the stream as live',
  );
  // HLS viewers start from the playlist: a few segments first, so none waits for ffmpeg's first ones.
  if (needHls)
    await eventually(
      async () => {
        const res = await fetch(`${api.url}/media/hls/${streamId}/index.m3u8`, { signal: AbortSignal.timeout(5_000) });
        if (!res.ok) return undefined;
        return ((await res.text()).match(/\.ts$/gm)?.length ?? 0) >= 3 ? true : undefined;
      },
      60_000,
      'page-weight: the HLS playlist to hold 3 segments',
    );
  if (!media.registry.get(streamId)?.live) throw new Error('page-weight: the media-server has no live broadcast');
  const hlsReadyMs = needHls ? Date.now() - started : null;
  log(
    `creator live: stream ${streamId}, studio connected in ${studioMs} ms${hlsReadyMs === null ? '' : `, 3 HLS segments after ${hlsReadyMs} ms`}`,
  );
  return { streamId, studio, studioMs, hlsReadyMs };
}

function viewers(media: MediaServer, streamId: string): number {
  const b = media.registry.get(streamId);
  if (!b || b.closed || !b.live) throw new Error('page-weight: the creator is no longer live');
  return b.viewerCount;
}

/** Takes the stream's one WebRTC place with a bare media socket (a consume token from the api, like a viewer's). */
async function holdWebRtcPlace(api: RunningApi, media: MediaServer, streamId: string): Promise<() => Promise<void>> {
  const res = await fetch(`${api.url}/api/streams/${streamId}/media-token`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`page-weight: media token ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  const socket: Socket = io(media.url, {
    path: MEDIA_SOCKET_PATH,
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const release = async () => {
    socket.disconnect();
    await eventually(
      () => (viewers(media, streamId) === 0 ? true : undefined),
      15_000,
      'page-weight: the SFU to free the WebRTC place',
      50,
    );
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('page-weight: the place holder got no media:welcome')), 10_000);
      socket.once('media:welcome', () => (clearTimeout(timer), resolve()));
      socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
    });
    await eventually(
      () => (viewers(media, streamId) === 1 ? true : undefined),
      10_000,
      'page-weight: the place holder to count as a viewer',
      50,
    );
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  return release;
}

/** `npm run bench -- page-weight`: JavaScript on the wire before the first live video frame, per playback path, compressed vs not. */
export async function runPageWeightBench(o: PageWeightOptions, log: Log, full = false): Promise<PageWeightReport> {
  const startedAt = new Date();
  const machine = await machineAtStart({ postgresUrl: o.adminUrl });
  if (machine.record.disturbed)
    log(`load average ${machine.record.loadAvgBefore.join(' ')} at the start (> ${DISTURBED_LOADAVG}): this run is marked disturbed`);
  const code = await gitInfo();
  if (code.webModified.length > 0) log(`web sources differ from ${code.commit.slice(0, 10)}: ${code.webModified.join(', ')}`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'hawker-page-weight-'));
  const distCopy = path.join(work, 'dist');
  const hlsDir = path.join(work, 'hls');
  let db: BenchDatabase | undefined;
  let media: MediaServer | undefined;
  let api: RunningApi | undefined;
  let browser: Browser | undefined;
  try {
    const { build, disk } = await copyBuild(distCopy);
    log(`build: ${build.jsFiles} JavaScript files, ${kb(build.jsRawBytes)} raw, ${kb(build.jsBrBytes)} brotli in all`);
    db = await createPageWeightDatabase(o.adminUrl);
    const apiPort = await freePort();
    media = await startMediaServer(
      loadMediaConfig({
        MEDIA_PORT: '0',
        MEDIA_WORKERS: '1',
        RTC_MIN_PORT: String(o.rtcMinPort),
        RTC_MAX_PORT: String(o.rtcMaxPort),
        LOG_LEVEL: 'warn',
        MEDIA_TOKEN_SECRET: MEDIA_SECRET,
        API_INTERNAL_URL: `http://127.0.0.1:${apiPort}`,
        HLS_DIR: hlsDir,
        MAX_WEBRTC_VIEWERS_PER_STREAM: String(MAX_WEBRTC_VIEWERS),
      }),
    );
    api = await startApiServer(
      loadApiConfig({
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        WEB_DIST: distCopy,
        LOG_LEVEL: 'warn',
        SCHEDULER_INTERVAL_SECONDS: '0',
        MEDIA_URL: media.url,
        MEDIA_TOKEN_SECRET: MEDIA_SECRET,
        // Every page comes from 127.0.0.1.
        MEDIA_TOKEN_RATE_LIMIT: '100000',
        SOCKETS_PER_IP: '100000',
        GUEST_VIEWERS_PER_IP: '100000',
      }),
    );
    browser = await launchChromium();
    log(
      `database ${db.name}; media-server ${media.url} (RTC ports ${o.rtcMinPort}–${o.rtcMaxPort}); api ${api.url}; Chromium ${browser.version()}`,
    );
    const live = await goLive(
      browser,
      api,
      media,
      o.modes.some((x) => x !== 'webrtc'),
      log,
    );
    const b = browser;
    const a = api;
    const m = media;

    const one = async (mode: ViewerMode, encoding: Encoding, round: number, position: number): Promise<ViewerSample> => {
      await eventually(
        () => (viewers(m, live.streamId) === 0 ? true : undefined),
        15_000,
        'page-weight: no WebRTC viewer left on the SFU',
        50,
      );
      const release = mode === 'fallback' ? await holdWebRtcPlace(a, m, live.streamId) : null;
      try {
        const s = await measureViewer(b, {
          baseUrl: a.url,
          streamId: live.streamId,
          mode,
          encoding,
          round,
          position,
          firstFrameTimeoutMs: o.firstFrameTimeoutMs,
        });
        checkSample(s);
        return s;
      } finally {
        await release?.();
      }
    };

    const warmup: PageWeightReport['warmup'] = [];
    if (o.warmup)
      for (const mode of o.modes) {
        const s = await one(mode, 'compressed', 0, 0);
        warmup.push({ mode, firstFrameMs: s.firstFrameMs, playedAs: s.playedAs });
        log(`warm-up ${mode}: ${sampleLine(s)}`);
      }

    const combos = o.modes.flatMap((mode) => o.encodings.map((encoding) => ({ mode, encoding })));
    const samples: ViewerSample[] = [];
    const rounds: PageWeightReport['rounds'] = [];
    for (let r = 0; r < o.rounds; r++) {
      // Rotated, so no combination always goes first (cold) or always follows the same one.
      const order = combos.map((_, i) => combos[(i + r) % combos.length]!);
      rounds.push({ round: r + 1, order: order.map((c) => `${c.mode}/${c.encoding}`) });
      for (const [position, c] of order.entries()) {
        const s = await one(c.mode, c.encoding, r + 1, position);
        samples.push(s);
        log(`round ${r + 1}/${o.rounds} [${position + 1}/${order.length}] ${c.mode} ${c.encoding}: ${sampleLine(s)}`);
      }
      if ((await live.studio.getByTestId('connection-state').textContent({ timeout: 5_000 })) !== 'connected')
        throw new Error('page-weight: the studio is no longer connected');
    }

    const cells = o.modes.flatMap((mode) => o.encodings.map((e) => cell(samples, mode, e))).filter((c): c is Cell => c !== null);
    const get = (mode: ViewerMode, e: Encoding) => cells.find((c) => c.mode === mode && c.encoding === e);
    const files: PageWeightReport['files'] = {};
    const modes: PageWeightReport['summary']['modes'] = {};
    for (const mode of o.modes) {
      files[mode] = fileRows(samples, mode, disk);
      const c = get(mode, 'compressed');
      const i = get(mode, 'identity');
      const any = (c ?? i)!;
      modes[mode] = {
        compressedBytes: c?.jsWireBytes.median ?? null,
        identityBytes: i?.jsWireBytes.median ?? null,
        decodedBytes: any.jsDecodedBytes.median,
        requests: any.jsRequests.median,
        firstFrameMs: c?.firstFrameMs.median ?? null,
        firstFrameMsIdentity: i?.firstFrameMs.median ?? null,
        compressionRatio: c && i ? round2(i.jsWireBytes.median / c.jsWireBytes.median) : null,
      };
    }
    const t = get(TARGET.mode, TARGET.encoding);
    const finishedAt = new Date();
    const { adminUrl: _adminUrl, ...options } = o;
    return {
      scenario: 'page-weight',
      schemaVersion: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSec: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      full,
      machine: { ...machine.finish(), chromium: browser.version() },
      code,
      build,
      options,
      method: METHOD,
      setup: {
        streamId: live.streamId,
        studioMs: live.studioMs,
        hlsReadyMs: live.hlsReadyMs,
        maxWebrtcViewersPerStream: MAX_WEBRTC_VIEWERS,
        mediaWorkers: 1,
      },
      warmup,
      rounds,
      samples,
      cells,
      files,
      summary: {
        target: TARGET,
        modes,
        met: t ? t.jsWireBytes.median <= TARGET.maxWireBytes : null,
        metEveryRound: t ? t.jsWireBytes.max <= TARGET.maxWireBytes : null,
        marginBytes: t ? TARGET.maxWireBytes - t.jsWireBytes.median : null,
        webrtcWithHeadersBytes: t ? median(t.jsWireBytes.rounds.map((n, i) => n + t.jsHeaderBytes.rounds[i]!)) : null,
        checks: {
          matchesBuild: Object.values(files).every((rows) => rows.every((f) => f.matchesBuild)),
          resourceTimingAgrees: samples.every((x) => x.resourceTimingAgrees),
          documentContentEncoding: [...new Set(samples.filter((x) => x.encoding === 'compressed').map((x) => x.documentContentEncoding))],
        },
      },
    };
  } finally {
    await browser?.close().catch((err: unknown) => log(`closing Chromium: ${String(err)}`));
    await media?.close().catch((err: unknown) => log(`closing the media-server: ${String(err)}`));
    await api?.close().catch((err: unknown) => log(`closing the api: ${String(err)}`));
    await db?.drop().catch((err: unknown) => log(`dropping the database: ${String(err)}`));
    await rm(work, { recursive: true, force: true });
  }
}
