import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { types } from 'mediasoup';

const FFMPEG = '/usr/bin/ffmpeg';

/** What the simulated publisher sends; the PlainTransport producers must declare the same. */
export const VIDEO_PT = 96;
export const VIDEO_SSRC = 22_222_222;
export const AUDIO_PT = 111;
export const AUDIO_SSRC = 11_111_111;

export const videoRtpParameters: types.RtpParameters = {
  codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }],
  encodings: [{ ssrc: VIDEO_SSRC }],
};

export const audioRtpParameters: types.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: AUDIO_SSRC }],
};

let clip: Promise<string> | undefined;

/** Bump when the encoding below changes, so a stale cached clip is not reused. */
const CLIP_FILE = path.join(os.tmpdir(), 'hawker-test-clip-v1.webm');

/**
 * A 4 s VP8 + Opus clip, encoded once per machine and cached in the temp
 * folder: libvpx is slow here, so senders loop this with `-c copy` instead
 * of encoding live. A keyframe every second (-g 15 at 15 fps) because ffmpeg
 * cannot answer a PLI.
 */
export function testClip(): Promise<string> {
  clip ??= (async () => {
    if (
      await access(CLIP_FILE).then(
        () => true,
        () => false,
      )
    )
      return CLIP_FILE;
    // Encode beside it and rename: concurrent test processes never read half a file.
    const partial = `${CLIP_FILE}.${process.pid}.webm`;
    await promisify(execFile)(FFMPEG, [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-t', '4', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '15'],
      ...['-c:a', 'libopus', '-b:a', '48k', '-ac', '2', partial],
    ]);
    await rename(partial, CLIP_FILE);
    return CLIP_FILE;
  })();
  return clip;
}

export interface RtpTarget {
  port: number;
  rtcpPort: number;
}

export interface RtpSender {
  readonly pid: number | undefined;
  readonly startedAt: number;
  stop(): Promise<void>;
}

/** Where ffmpeg must send for a comedia PlainTransport with rtcpMux off. */
export function targetOf(transport: types.PlainTransport): RtpTarget {
  const rtcp = transport.rtcpTuple;
  if (!rtcp) throw new Error('transport has no RTCP tuple (rtcpMux must be false)');
  return { port: transport.tuple.localPort, rtcpPort: rtcp.localPort };
}

/** Loops the clip in real time (-re) as RTP to the given targets, copying the codec. */
export async function startRtpSender(targets: { video: RtpTarget; audio?: RtpTarget }): Promise<RtpSender> {
  const file = await testClip();
  const rtp = ({ port, rtcpPort }: RtpTarget) => `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`;
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', file],
    ...['-map', '0:v', '-c', 'copy', '-payload_type', String(VIDEO_PT), '-ssrc', String(VIDEO_SSRC), '-f', 'rtp', rtp(targets.video)],
    ...(targets.audio
      ? ['-map', '0:a', '-c', 'copy', '-payload_type', String(AUDIO_PT), '-ssrc', String(AUDIO_SSRC), '-f', 'rtp', rtp(targets.audio)]
      : []),
  ];
  const child: ChildProcess = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const startedAt = performance.now();
  return {
    pid: child.pid,
    startedAt,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      if (stderr.trim()) process.stderr.write(`rtp sender stderr: ${stderr}\n`);
    },
  };
}
