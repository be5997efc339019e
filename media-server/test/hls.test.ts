import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { broadcastStatusSchema, hlsPlaylistPath, MEDIA_INTERNAL_HEADER } from '@hawker/shared';
import type { Broadcast } from '../src/Broadcast.js';
import { loadMediaConfig } from '../src/config.js';
import { startMediaServer, type MediaServer } from '../src/server.js';
import { startFakeApi, type FakeApi } from './support/fake-api.js';
import { captureLogs, LEVEL } from './support/logs.js';
import { rawGet } from './support/raw-http.js';
import { audioRtpParameters, startRtpSender, targetOf, testClip, videoRtpParameters, type RtpSender } from './support/rtp-sender.js';
import { testSecret } from './support/tokens.js';
import { waitFor } from './support/wait.js';

/**
 * ffmpeg-fed broadcast → HLS over the media-server's HTTP: the live playlist
 * and segments with their cache headers, the live delay, the replay after
 * "End show" through the internal route, and what the file route refuses.
 */

interface Segment {
  uri: string;
  durationS: number;
}

function segmentsOf(playlist: string): Segment[] {
  const segments: Segment[] = [];
  let durationS = 0;
  for (const line of playlist.split('\n')) {
    if (line.startsWith('#EXTINF:')) durationS = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) segments.push({ uri: line, durationS });
  }
  return segments;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('HLS egress and routes', () => {
  const { logger, lines } = captureLogs('info');
  const secret = testSecret();
  const streamId = randomUUID();
  const playlistUrl = () => `${server.url}${hlsPlaylistPath(streamId)}`;
  let hlsDir: string;
  let api: FakeApi;
  let server: MediaServer;
  let broadcast: Broadcast;
  let sender: RtpSender;
  let senderStartedAtEpoch: number;
  let ffmpegPid: number;

  beforeAll(async () => {
    [hlsDir, api] = await Promise.all([mkdtemp(path.join(os.tmpdir(), 'hawker-hls-test-')), startFakeApi(secret), testClip()]);
    const config = loadMediaConfig({
      MEDIA_PORT: '0',
      MEDIA_WORKERS: '1',
      RTC_MIN_PORT: '43400',
      RTC_MAX_PORT: '43499',
      RTC_LISTEN_IP: '127.0.0.1',
      MEDIA_TOKEN_SECRET: secret,
      API_INTERNAL_URL: api.url,
      HLS_DIR: hlsDir,
    });
    server = await startMediaServer(config, { logger });
  });

  afterAll(async () => {
    await sender?.stop();
    await server?.close();
    await api?.close();
    if (hlsDir) await rm(hlsDir, { recursive: true, force: true });
  });

  it('serves the live playlist with a first segment within 10 s, playlist no-cache, segments immutable', async () => {
    broadcast = await server.registry.getOrCreate(streamId);
    const video = await broadcast.ingestPlainRtp('video', videoRtpParameters);
    const audio = await broadcast.ingestPlainRtp('audio', audioRtpParameters);
    senderStartedAtEpoch = Date.now();
    sender = await startRtpSender({ video: targetOf(video.transport), audio: targetOf(audio.transport) });

    const first = await waitFor(
      async () => {
        const res = await fetch(playlistUrl());
        const text = res.ok ? await res.text() : '';
        return segmentsOf(text).length >= 1 ? { res, text } : null;
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'a playlist with one segment' },
    );
    const firstSegmentMs = Date.now() - senderStartedAtEpoch;
    expect(first.res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(first.res.headers.get('cache-control')).toBe('no-cache');
    expect(first.text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(first.text).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
    expect(first.text).not.toContain('#EXT-X-ENDLIST');

    const [segment] = segmentsOf(first.text);
    const seg = await fetch(`${server.url}/media/hls/${streamId}/${segment!.uri}`);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/mp2t');
    expect(seg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const bytes = new Uint8Array(await seg.arrayBuffer());
    // MPEG-TS: 188-byte packets, each starting with the 0x47 sync byte.
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes.length % 188).toBe(0);
    expect([bytes[0], bytes[188], bytes[376]]).toEqual([0x47, 0x47, 0x47]);

    const live = await api.waitForEvent('broadcast.live');
    expect(live).toMatchObject({ streamId, hlsPath: hlsPlaylistPath(streamId) });
    ffmpegPid = broadcast.recording.egress!.pid!;
    process.stdout.write(`${JSON.stringify({ firstSegmentMs, ffmpegFirstSegmentMs: broadcast.recording.firstSegmentMs })}\n`);
  });

  it('keeps the live edge within a few seconds of the source', async () => {
    // When a segment appears in the playlist, how long ago was its last frame
    // sent? The sender plays the clip in real time from senderStartedAtEpoch,
    // so its last frame went out at start + (media time up to its end). An
    // upper bound: frames ffmpeg dropped before its first keyframe count too.
    // (ffmpeg's own EXT-X-PROGRAM-DATE-TIME is anchored when its muxer starts,
    // not to the source, and runs ~1 s early, so it cannot measure this.)
    const seen = new Set(segmentsOf(await (await fetch(playlistUrl())).text()).map((s) => s.uri));
    const lags: number[] = [];
    while (lags.length < 3) {
      const text = await (await fetch(playlistUrl())).text();
      const now = Date.now();
      const segments = segmentsOf(text);
      let mediaEndS = 0;
      for (const s of segments) {
        mediaEndS += s.durationS;
        if (seen.has(s.uri)) continue;
        seen.add(s.uri);
        lags.push(now - senderStartedAtEpoch - mediaEndS * 1000);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const targetDurationS = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(await (await fetch(playlistUrl())).text())?.[1]);
    const liveEdgeLagMs = Math.round(median(lags));
    // hls.js starts playback liveSyncDurationCount (3) target durations behind the live edge.
    const viewerDelayEstimateMs = liveEdgeLagMs + 3 * targetDurationS * 1000;
    process.stdout.write(`${JSON.stringify({ liveEdgeLagMs, lags: lags.map(Math.round), targetDurationS, viewerDelayEstimateMs })}\n`);
    expect(targetDurationS).toBe(2);
    expect(liveEdgeLagMs).toBeGreaterThan(0);
    expect(liveEdgeLagMs).toBeLessThan(4_000);
  });

  it('guards the internal routes with the secret and reports the broadcast', async () => {
    const statusUrl = `${server.url}/internal/broadcasts/${streamId}`;
    expect((await fetch(statusUrl)).status).toBe(401);
    expect((await fetch(statusUrl, { headers: { [MEDIA_INTERNAL_HEADER]: 'wrong' } })).status).toBe(401);
    expect((await fetch(statusUrl, { headers: { [MEDIA_INTERNAL_HEADER]: `${secret}x` } })).status).toBe(401);
    expect((await fetch(`${statusUrl}/close`, { method: 'POST' })).status).toBe(401);
    expect(broadcast.closed).toBe(false);

    const res = await fetch(statusUrl, { headers: { [MEDIA_INTERNAL_HEADER]: secret } });
    expect(res.status).toBe(200);
    expect(broadcastStatusSchema.parse(await res.json())).toEqual({
      streamId,
      live: true,
      producers: 2,
      viewers: 0,
      hlsPath: hlsPlaylistPath(streamId),
    });
    const unknown = await fetch(`${server.url}/internal/broadcasts/${randomUUID()}`, { headers: { [MEDIA_INTERNAL_HEADER]: secret } });
    expect(unknown.status).toBe(404);
  });

  it('"End show" stops ffmpeg, ends the playlist (the replay) and tells the api', async () => {
    const before = segmentsOf(await (await fetch(playlistUrl())).text()).length;
    const close = () =>
      fetch(`${server.url}/internal/broadcasts/${streamId}/close`, { method: 'POST', headers: { [MEDIA_INTERNAL_HEADER]: secret } });
    const res = await close();
    expect(res.status).toBe(200);
    const summary = (await res.json()) as { recordingPath: string | null; durationMs: number };
    expect(summary.recordingPath).toBe(hlsPlaylistPath(streamId));
    expect(summary.durationMs).toBeGreaterThan(5_000);
    expect(processExists(ffmpegPid)).toBe(false);
    expect(broadcast.closed).toBe(true);

    const ended = await fetch(playlistUrl());
    const text = await ended.text();
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(text.match(/#EXT-X-ENDLIST/g)).toHaveLength(1);
    expect(ended.headers.get('cache-control')).toBe('public, max-age=86400');
    // SIGINT let ffmpeg flush the segment in progress: nothing was lost.
    const segments = segmentsOf(text);
    expect(segments.length).toBeGreaterThanOrEqual(before);
    for (const s of segments) expect((await fetch(`${server.url}/media/hls/${streamId}/${s.uri}`)).status).toBe(200);

    // A retried close answers the same; the status route now says 404.
    const again = await close();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(summary);
    expect((await fetch(`${server.url}/internal/broadcasts/${streamId}`, { headers: { [MEDIA_INTERNAL_HEADER]: secret } })).status).toBe(
      404,
    );

    const closed = await api.waitForEvent('broadcast.closed');
    expect(closed).toMatchObject({ streamId, reason: 'ended', recordingPath: hlsPlaylistPath(streamId), durationMs: summary.durationMs });
    expect(api.rejected).toBe(0);
  });

  it('a stream published again continues its replay after a discontinuity', async () => {
    await sender.stop();
    const endedText = await (await fetch(playlistUrl())).text();
    const endedUris = segmentsOf(endedText).map((s) => s.uri);

    const again = await server.registry.getOrCreate(streamId);
    expect(again).not.toBe(broadcast);
    const video = await again.ingestPlainRtp('video', videoRtpParameters);
    const audio = await again.ingestPlainRtp('audio', audioRtpParameters);
    sender = await startRtpSender({ video: targetOf(video.transport), audio: targetOf(audio.transport) });

    const live = await waitFor(
      async () => {
        const res = await fetch(playlistUrl());
        const text = await res.text();
        return segmentsOf(text).length > endedUris.length ? { res, text } : null;
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'a new segment after the old ones' },
    );
    // Live again: no ENDLIST (players keep polling), and the old segments untouched.
    expect(live.text).not.toContain('#EXT-X-ENDLIST');
    expect(live.res.headers.get('cache-control')).toBe('no-cache');
    const uris = segmentsOf(live.text).map((s) => s.uri);
    expect(uris.slice(0, endedUris.length)).toEqual(endedUris);
    // The decoder must reset between the two runs (new timestamps, maybe a new resolution).
    const firstNew = live.text.indexOf(uris[endedUris.length]!);
    expect(live.text.lastIndexOf('#EXT-X-DISCONTINUITY', firstNew)).toBeGreaterThan(live.text.indexOf(endedUris.at(-1)!));

    const summary = await server.registry.close(streamId, 'ended');
    expect(summary?.recordingPath).toBe(hlsPlaylistPath(streamId));
    const final = await (await fetch(playlistUrl())).text();
    expect(final.match(/#EXT-X-ENDLIST/g)).toHaveLength(1);
    expect(final.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(segmentsOf(final).length).toBeGreaterThan(endedUris.length);
  });

  it('serves nothing outside a stream folder, nor files ffmpeg is still writing', async () => {
    await writeFile(path.join(hlsDir, 'secret.txt'), 'not for you');
    await writeFile(path.join(hlsDir, streamId, 'index.m3u8.tmp'), '#EXTM3U');
    await writeFile(path.join(hlsDir, streamId, '.hidden.ts'), 'x');
    const attempts = [
      `/media/hls/${streamId}/../secret.txt`,
      `/media/hls/${streamId}/..%2fsecret.txt`,
      `/media/hls/${streamId}/%2e%2e%2fsecret.txt`,
      `/media/hls/${streamId}/..%5csecret.txt`,
      `/media/hls/..%2f..%2f..%2fetc/passwd`,
      `/media/hls/${streamId}/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `/media/hls/not-a-uuid/index.m3u8`,
      `/media/hls/..%2f${streamId}/index.m3u8`,
      `/media/hls/${streamId}/index.m3u8.tmp`,
      `/media/hls/${streamId}/.hidden.ts`,
      `/media/hls/${streamId}/index.m3u8%00.ts`,
      `/media/hls/${streamId}/%`,
      `/media/hls/${streamId}/secret.txt`,
      `/media/hls/${randomUUID()}/index.m3u8`,
    ];
    for (const attempt of attempts) {
      const res = await rawGet(server.url, attempt);
      expect({ attempt, status: res.status }).toEqual({ attempt, status: expect.toBeOneOf([400, 404]) });
      expect(res.body.toString()).not.toContain('not for you');
      expect(res.body.toString()).not.toContain('root:');
    }
    // The real file still works, so the 404s above are the guard, not a broken route.
    expect((await rawGet(server.url, hlsPlaylistPath(streamId))).status).toBe(200);
    expect(lines.filter((l) => l.level >= LEVEL.error)).toEqual([]);
  });

  it('shutting the server down ends live broadcasts cleanly: ffmpeg gone, playlist ended, api told', async () => {
    await sender.stop();
    const otherStream = randomUUID();
    const live = await server.registry.getOrCreate(otherStream);
    const video = await live.ingestPlainRtp('video', videoRtpParameters);
    sender = await startRtpSender({ video: targetOf(video.transport) });
    const pid = await waitFor(() => (live.recording.firstSegmentMs === undefined ? undefined : live.recording.egress?.pid), {
      timeoutMs: 10_000,
      description: 'a first segment of the second stream',
    });

    await server.close();
    expect(processExists(pid)).toBe(false);
    expect(live.closed).toBe(true);
    expect(server.pool.closed).toBe(true);
    const text = await readFile(path.join(hlsDir, otherStream, 'index.m3u8'), 'utf8');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    // Shutting down is not the show ending: 'worker_died' tells everyone to reconnect elsewhere.
    expect(api.events.find((e) => e.type === 'broadcast.closed' && e.streamId === otherStream)).toMatchObject({
      reason: 'worker_died',
      recordingPath: hlsPlaylistPath(otherStream),
    });
  });
});
