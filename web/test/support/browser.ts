import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { build } from 'vite';

const webDir = join(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The production build of the web app, in a fresh temporary directory. */
export async function buildWeb(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'hawker-web-'));
  await build({
    root: webDir,
    configFile: join(webDir, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
}

/**
 * Chromium for media tests: a fake camera and microphone granted without a
 * prompt, loopback ICE candidates allowed, and real local IPs instead of mDNS
 * names (mediasoup is ICE-lite and cannot resolve .local names).
 */
export function launchMediaChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
    // The default autoplay policy stays on: players must start muted by themselves.
  });
}

/**
 * A 4 s VOD HLS stream (320×240, 15 fps, 1 s segments) made with ffmpeg into a
 * temporary directory; the fake api serves it at hlsPlaylistPath(). yuv420p:
 * testsrc is RGB, and browsers cannot decode H.264 in 4:4:4.
 */
export async function makeHlsFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hawker-hls-'));
  await promisify(execFile)('ffmpeg', [
    ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-t', '4'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '15'],
    ...['-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod'],
    ...['-hls_segment_filename', join(dir, 'segment%03d.ts'), join(dir, 'index.m3u8')],
  ]);
  if (!(await readdir(dir)).includes('segment000.ts')) throw new Error(`ffmpeg wrote no segments into ${dir}`);
  return dir;
}

export interface VideoSnapshot {
  width: number;
  currentTime: number;
  muted: boolean;
  mode: string | undefined;
}

/** What a person would see of a <video>: is there a picture, is it moving, is it muted. */
export function videoSnapshot(video: Locator): Promise<VideoSnapshot> {
  return video.evaluate((el: HTMLVideoElement) => ({
    width: el.videoWidth,
    currentTime: el.currentTime,
    muted: el.muted,
    mode: el.dataset.mode,
  }));
}
