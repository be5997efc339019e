import dgram from 'node:dgram';
import path from 'node:path';
import type { Leg } from './HlsEgress.js';
import { playlistFile } from './hls-playlist.js';

/** How HlsEgress drives Debian's ffmpeg: the SDP it reads, its arguments, and how it is told to stop. */

export const FFMPEG_PATH = '/usr/bin/ffmpeg';
export const LOOPBACK = '127.0.0.1';

/** Segment length, and the keyframe interval that lets ffmpeg cut there. */
export const SEGMENT_SECONDS = 2;

/** The SDP ffmpeg reads: one m-line per leg with the consumer's payload type and codec. */
export function buildSdp(legs: readonly Pick<Leg, 'kind' | 'consumer' | 'rtpPort' | 'rtcpPort'>[]): string {
  const lines = ['v=0', `o=- 0 0 IN IP4 ${LOOPBACK}`, 's=hawker-hls', `c=IN IP4 ${LOOPBACK}`, 't=0 0'];
  for (const leg of legs) {
    const codec = leg.consumer.rtpParameters.codecs[0];
    if (!codec) throw new Error(`consumer ${leg.consumer.id} has no codec`);
    const [, name] = codec.mimeType.split('/');
    const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
    lines.push(`m=${leg.kind} ${leg.rtpPort} RTP/AVP ${codec.payloadType}`);
    lines.push(`a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`);
    const fmtp = Object.entries((codec.parameters ?? {}) as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`);
    lines.push(`a=rtcp:${leg.rtcpPort}`, 'a=recvonly');
  }
  return `${lines.join('\n')}\n`;
}

export interface FfmpegArgsOptions {
  sdpFile: string;
  streamDir: string;
  /** Prefix of this run's segment names. */
  tag: string;
  hasAudio: boolean;
  /** Continue an existing playlist (a later run of the same stream). */
  append: boolean;
}

export function ffmpegArgs({ sdpFile, streamDir, tag, hasAudio, append }: FfmpegArgsOptions): string[] {
  const flags = ['independent_segments', 'omit_endlist', 'temp_file', 'program_date_time', ...(append ? ['append_list'] : [])];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'],
    ...['-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-i', sdpFile],
    ...['-map', '0:v:0', ...(hasAudio ? ['-map', '0:a:0'] : [])],
    // Browsers send variable frame rates; pass timestamps through instead of
    // letting ffmpeg guess a constant rate from RTP and duplicate frames.
    ...['-fps_mode', 'passthrough'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-crf', '23', '-maxrate', '2500k', '-bufsize', '5000k'],
    // A keyframe every SEGMENT_SECONDS by the clock (-force_key_frames) so segments
    // are cut on time whatever the frame rate; -g covers 30 fps; no scene-cut keyframes.
    ...['-g', String(30 * SEGMENT_SECONDS), '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`],
    ...(hasAudio ? ['-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000'] : []),
    ...['-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'event', '-hls_list_size', '0'],
    ...['-hls_segment_type', 'mpegts', '-hls_segment_filename', path.join(streamDir, `${tag}-%05d.ts`)],
    ...['-hls_flags', flags.join('+')],
    playlistFile(streamDir),
  ];
}

/**
 * An RTCP BYE (RFC 3550 §6.6) for each track, sent to ffmpeg's RTCP ports:
 * once it has one per stream, its SDP demuxer reports end of input. Padded
 * with a 3-byte reason to 12 bytes, because ffmpeg's RTP parser drops
 * anything shorter than an RTP header before it looks for RTCP.
 */
export async function sendRtcpBye(targets: readonly { port: number; ssrc: number }[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  try {
    await Promise.all(
      targets.map(({ port, ssrc }) => {
        const packet = Buffer.alloc(12);
        packet[0] = 0x81; // V=2, no padding, one SSRC
        packet[1] = 203; // BYE
        packet.writeUInt16BE(2, 2); // length in 32-bit words minus one
        packet.writeUInt32BE(ssrc >>> 0, 4);
        packet[8] = 3;
        packet.write('end', 9, 'ascii');
        return new Promise<void>((resolve) => socket.send(packet, port, LOOPBACK, () => resolve()));
      }),
    );
  } finally {
    socket.close();
  }
}
