/**
 * Synthetic RTP for the SFU bench: packets that mediasoup accepts and forwards
 * exactly like a browser's VP8 + Opus, without an encoder in the loop.
 *
 * mediasoup never decodes media, but it does read two things in the payload:
 * the VP8 payload descriptor (it must have the X bit, or the parser gives up
 * and a video consumer never sees a key frame, so it never starts forwarding)
 * and the key-frame bit of the VP8 payload header. Everything else is filler.
 *
 * The last 8 bytes of every payload carry the send time (process.hrtime in
 * ns). The tail is used because mediasoup may rewrite the descriptor at the
 * head of a VP8 payload, never the end; a viewer without SRTP reads it back
 * to measure one-way forwarding delay on the same clock.
 */

export const VIDEO_PT = 96;
export const AUDIO_PT = 100;
export const VIDEO_SSRC = 0x11110001;
export const AUDIO_SSRC = 0x22220002;
export const VIDEO_CLOCK = 90_000;
export const AUDIO_CLOCK = 48_000;

const RTP_HEADER = 12;
const STAMP_BYTES = 8;
/** X=1 (extended), I=1 with a 15-bit picture id: what Chrome sends. */
const VP8_DESCRIPTOR = 4;
/** Frame tag (3) + start code (3) + width/height (4) of a VP8 key frame. */
const VP8_KEYFRAME_HEADER = 10;

export interface RtpFields {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
}

function writeHeader(buf: Buffer, f: RtpFields): void {
  buf[0] = 0x80; // V=2, no padding, no extension, no CSRC.
  buf[1] = (f.marker ? 0x80 : 0) | (f.payloadType & 0x7f);
  buf.writeUInt16BE(f.sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(f.timestamp >>> 0, 4);
  buf.writeUInt32BE(f.ssrc >>> 0, 8);
}

function stamp(buf: Buffer, sentAtNs: bigint): void {
  buf.writeBigUInt64BE(sentAtNs, buf.length - STAMP_BYTES);
}

export interface Vp8PacketSpec extends RtpFields {
  /** Payload bytes after the RTP header, descriptor included. */
  payloadSize: number;
  /** First packet of a frame (S=1, partition 0). */
  start: boolean;
  keyFrame: boolean;
  pictureId: number;
  sentAtNs: bigint;
}

export function vp8Packet(spec: Vp8PacketSpec): Buffer {
  const min = VP8_DESCRIPTOR + VP8_KEYFRAME_HEADER + STAMP_BYTES;
  const buf = Buffer.alloc(RTP_HEADER + Math.max(spec.payloadSize, min), 0x5a);
  writeHeader(buf, spec);
  let o = RTP_HEADER;
  buf[o++] = 0x80 | (spec.start ? 0x10 : 0); // X=1, N=0, S, PID=0.
  buf[o++] = 0x80; // I=1: picture id follows.
  buf[o++] = 0x80 | ((spec.pictureId >> 8) & 0x7f); // M=1: 15-bit picture id.
  buf[o++] = spec.pictureId & 0xff;
  if (spec.start) {
    // VP8 frame tag: bit 0 is the inverse key-frame flag (0 = key frame),
    // which is the only bit mediasoup checks; show_frame set like encoders do.
    buf[o] = spec.keyFrame ? 0x10 : 0x11;
    if (spec.keyFrame) {
      buf.set([0x9d, 0x01, 0x2a], o + 3); // Key-frame start code.
      buf.writeUInt16LE(640, o + 6);
      buf.writeUInt16LE(360, o + 8);
    }
  }
  stamp(buf, spec.sentAtNs);
  return buf;
}

export interface OpusPacketSpec extends RtpFields {
  payloadSize: number;
  sentAtNs: bigint;
}

export function opusPacket(spec: OpusPacketSpec): Buffer {
  const buf = Buffer.alloc(RTP_HEADER + Math.max(spec.payloadSize, 1 + STAMP_BYTES), 0x33);
  writeHeader(buf, spec);
  // TOC byte: config 31 (CELT fullband, 20 ms), stereo, one frame.
  buf[RTP_HEADER] = 0xfc;
  stamp(buf, spec.sentAtNs);
  return buf;
}

/**
 * RTCP (rtcp-mux) is told apart from RTP by the second byte: RTCP packet
 * types 192-223 (RFC 5761 §4). Sinks must not count SR/RR as media.
 */
export function isRtcp(packet: Buffer): boolean {
  const pt = packet[1] ?? 0;
  return packet.length >= 8 && pt >= 192 && pt <= 223;
}

/** The send time stamped into a plain (not SRTP) media packet, or undefined. */
export function readStamp(packet: Buffer): bigint | undefined {
  if (packet.length < RTP_HEADER + STAMP_BYTES || isRtcp(packet)) return undefined;
  // A padding-only or padded packet (P bit) would not end in our stamp.
  if ((packet[0] ?? 0) & 0x20) return undefined;
  return packet.readBigUInt64BE(packet.length - STAMP_BYTES);
}

/**
 * Whether a (compound) RTCP datagram asks for a key frame: PSFB (206) with
 * FMT 1 (PLI) or FMT 4 (FIR). mediasoup sends these when a video consumer
 * starts, and a real encoder answers with a key frame.
 */
export function wantsKeyFrame(datagram: Buffer): boolean {
  let o = 0;
  while (o + 4 <= datagram.length) {
    const first = datagram[o] ?? 0;
    const type = datagram[o + 1] ?? 0;
    const fmt = first & 0x1f;
    if (type === 206 && (fmt === 1 || fmt === 4)) return true;
    o += (datagram.readUInt16BE(o + 2) + 1) * 4;
  }
  return false;
}
