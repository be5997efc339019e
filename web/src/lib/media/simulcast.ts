import type { types } from 'mediasoup-client';

/**
 * The camera is sent as three VP8 simulcast layers, lowest first (the order
 * mediasoup's spatial layers 0..2 follow). The SFU forwards each viewer the
 * best layer their bandwidth allows, so a viewer on a weak phone connection
 * still gets 150 kbit/s video instead of stalls.
 */
export const SIMULCAST_ENCODINGS: readonly types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/** Start near the top layer's rate so the first seconds are not blurry while bandwidth estimation ramps up. */
export const VIDEO_START_BITRATE_KBPS = 1_000;

/**
 * The VP8 codec this device can send to the router, if any. Chosen explicitly:
 * simulcast is negotiated per codec, and VP8 simulcast works in every browser
 * mediasoup-client supports.
 */
export function vp8Codec(sendCapabilities: types.RtpCapabilities): types.RtpCodecCapability | undefined {
  return sendCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8');
}
