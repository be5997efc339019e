import type { types } from 'mediasoup';

/**
 * The media codecs every Hawker router offers.
 *
 * - Opus 48 kHz stereo: the only audio codec browsers all send.
 * - VP8: the default camera codec for WebRTC senders and receivers.
 * - H264 constrained baseline (packetization-mode 1, profile-level-id 42e01f):
 *   kept so a later HLS pipe can copy H264 into MPEG-TS/fMP4 without
 *   re-encoding. packetization-mode 1 is what Chrome/Safari send and what
 *   ffmpeg's RTP demuxer expects.
 *
 * Order matters: mediasoup-client picks the first compatible video codec for a
 * producer unless told otherwise, so VP8 comes before H264.
 */
export const mediaCodecs: types.RtpCodecCapability[] = [
  {
    kind: 'audio',
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
  },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: {
      'x-google-start-bitrate': 1000,
    },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
];
