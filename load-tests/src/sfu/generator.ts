import dgram from 'node:dgram';
import { once } from 'node:events';
import { AUDIO_CLOCK, AUDIO_PT, AUDIO_SSRC, opusPacket, VIDEO_CLOCK, VIDEO_PT, VIDEO_SSRC, vp8Packet, wantsKeyFrame } from './rtp.js';

/**
 * A paced RTP source shaped like one seller's camera + microphone:
 * VP8 640x360 at 15 fps (~520 kbit/s; delta frames of 4-5 packets, a
 * 13-packet key frame every 2 s or when a PLI/FIR asks) and Opus 20 ms frames
 * (50 packets/s). That is ~115 packets/s per viewer leaving the SFU.
 *
 * Synthetic rather than ffmpeg: the packet rate is exact and countable
 * (expected = sent × viewers), it costs almost no CPU on a 2-core machine
 * where every cycle the generator takes is one the SFU cannot use, and every
 * packet carries a send timestamp for the latency viewer.
 */

export const STREAM_PROFILE = {
  videoFps: 15,
  videoMaxPayload: 1100,
  deltaFrameBytes: [3600, 4200, 4800] as const,
  keyFrameBytes: 14_000,
  keyFrameIntervalMs: 2000,
  /** An encoder does not answer every PLI; Chrome spaces key frames similarly. */
  minKeyFrameGapMs: 300,
  audioFrameMs: 20,
  audioPayloadBytes: 100,
} as const;

export interface GeneratorCounts {
  videoPackets: number;
  audioPackets: number;
  keyFrames: number;
  keyFrameRequests: number;
  bytes: number;
  sendErrors: number;
  /** Ticks where the event loop fell so far behind that frames were skipped. */
  stalls: number;
}

const TICK_MS = 5;
/** Beyond this lag the generator skips ahead rather than sending a burst. */
const MAX_CATCH_UP_NS = 250_000_000n;
const ms = (n: number) => BigInt(Math.round(n * 1e6));

export class RtpGenerator {
  readonly #socket: dgram.Socket;
  readonly #targetPort: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  // Sequence numbers and RTP time continue across pause/resume: a jump would
  // make mediasoup's receive stream treat the source as restarted.
  #videoSeq = 1000;
  #audioSeq = 5000;
  #pictureId = 0;
  #frameIndex = 0;
  #nextFrameAt = 0n;
  #nextAudioAt = 0n;
  #lastKeyFrameAt = -1n;
  #keyFrameWanted = true;
  readonly #epoch = process.hrtime.bigint();
  readonly counts: GeneratorCounts = {
    videoPackets: 0,
    audioPackets: 0,
    keyFrames: 0,
    keyFrameRequests: 0,
    bytes: 0,
    sendErrors: 0,
    stalls: 0,
  };

  private constructor(socket: dgram.Socket, targetPort: number) {
    this.#socket = socket;
    this.#targetPort = targetPort;
    socket.on('message', (msg) => {
      if (!wantsKeyFrame(msg)) return;
      this.counts.keyFrameRequests++;
      this.#keyFrameWanted = true;
    });
  }

  /** Binds a socket on 127.0.0.1; sends nothing until start(). */
  static async create(targetPort: number): Promise<RtpGenerator> {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new RtpGenerator(socket, targetPort);
  }

  /** The forwarder's ingest port this generator feeds. */
  get targetPort(): number {
    return this.#targetPort;
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  /** RTP packets sent so far (audio + video). */
  get packets(): number {
    return this.counts.videoPackets + this.counts.audioPackets;
  }

  start(): void {
    if (this.#timer || this.#closed) return;
    const now = process.hrtime.bigint();
    this.#nextFrameAt = now;
    this.#nextAudioAt = now;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Viewers just joined: the next frame is a key frame so they all start. */
  requestKeyFrame(): void {
    this.#keyFrameWanted = true;
  }

  /** Resolves once the socket is really closed (its handle gone from the loop). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stop();
    await new Promise<void>((resolve) => this.#socket.close(resolve));
  }

  #tick(): void {
    const now = process.hrtime.bigint();
    if (now - this.#nextFrameAt > MAX_CATCH_UP_NS || now - this.#nextAudioAt > MAX_CATCH_UP_NS) {
      this.counts.stalls++;
      this.#nextFrameAt = now;
      this.#nextAudioAt = now;
    }
    const framePeriod = ms(1000 / STREAM_PROFILE.videoFps);
    while (this.#nextFrameAt <= now) {
      // RTP time follows the schedule, not the tick, as a capture clock would.
      this.#sendFrame(this.#nextFrameAt);
      this.#nextFrameAt += framePeriod;
    }
    while (this.#nextAudioAt <= now) {
      this.#sendAudio(this.#nextAudioAt);
      this.#nextAudioAt += ms(STREAM_PROFILE.audioFrameMs);
    }
  }

  #rtpTime(at: bigint, clock: number): number {
    return Number((((at - this.#epoch) * BigInt(clock)) / 1_000_000_000n) & 0xffffffffn);
  }

  #sendFrame(at: bigint): void {
    const p = STREAM_PROFILE;
    const due = this.#lastKeyFrameAt < 0n || at - this.#lastKeyFrameAt >= ms(p.keyFrameIntervalMs);
    const allowed = this.#lastKeyFrameAt < 0n || at - this.#lastKeyFrameAt >= ms(p.minKeyFrameGapMs);
    const keyFrame = due || (this.#keyFrameWanted && allowed);
    if (keyFrame) {
      this.#keyFrameWanted = false;
      this.#lastKeyFrameAt = at;
      this.counts.keyFrames++;
    }
    const size = keyFrame ? p.keyFrameBytes : p.deltaFrameBytes[this.#frameIndex % p.deltaFrameBytes.length]!;
    const count = Math.ceil(size / p.videoMaxPayload);
    const timestamp = this.#rtpTime(at, VIDEO_CLOCK);
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    this.#frameIndex++;
    for (let i = 0; i < count; i++) {
      const packet = vp8Packet({
        payloadType: VIDEO_PT,
        ssrc: VIDEO_SSRC,
        sequenceNumber: this.#videoSeq++,
        timestamp,
        marker: i === count - 1,
        payloadSize: Math.ceil(size / count),
        start: i === 0,
        keyFrame,
        pictureId: this.#pictureId,
        sentAtNs: process.hrtime.bigint(),
      });
      this.counts.videoPackets++;
      this.#send(packet);
    }
  }

  #sendAudio(at: bigint): void {
    const packet = opusPacket({
      payloadType: AUDIO_PT,
      ssrc: AUDIO_SSRC,
      sequenceNumber: this.#audioSeq++,
      timestamp: this.#rtpTime(at, AUDIO_CLOCK),
      marker: false,
      payloadSize: STREAM_PROFILE.audioPayloadBytes,
      sentAtNs: process.hrtime.bigint(),
    });
    this.counts.audioPackets++;
    this.#send(packet);
  }

  #send(packet: Buffer): void {
    this.counts.bytes += packet.length;
    this.#socket.send(packet, this.#targetPort, '127.0.0.1', (error) => {
      if (error) this.counts.sendErrors++;
    });
  }
}
