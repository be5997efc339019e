import { randomBytes } from 'node:crypto';
import { createWorker, type types } from 'mediasoup';
import { useWorkerSendPath, type WorkerSendPath } from '../../../media-server/src/worker-binary.js';
import { RtpGenerator } from './generator.js';
import type { CpuSample } from './ipc.js';
import { AUDIO_CLOCK, AUDIO_PT, AUDIO_SSRC, VIDEO_CLOCK, VIDEO_PT, VIDEO_SSRC } from './rtp.js';
import type { ConsumerSample, ForwardingTarget } from './target.js';

/**
 * The system under test: one mediasoup Worker (one process, one core) with
 * one Router, one publisher and N viewers. Each viewer is what a WebRTC
 * viewer costs the worker on the media path minus ICE/DTLS: its own transport
 * and socket, SRTP (AES_CM_128_HMAC_SHA1_80; AEAD_AES_256_GCM is broken on
 * PlainTransport in 3.13.16, see the offline-build notes), and an audio + a
 * video consumer.
 */

const mediaCodecs: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: AUDIO_CLOCK, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: VIDEO_CLOCK },
];

const videoParameters: types.RtpParameters = {
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: VIDEO_PT,
      clockRate: VIDEO_CLOCK,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
    },
  ],
  encodings: [{ ssrc: VIDEO_SSRC }],
};
const audioParameters: types.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: AUDIO_CLOCK, channels: 2 }],
  encodings: [{ ssrc: AUDIO_SSRC }],
};

const SRTP_SUITE: types.SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80';
/** Viewers created concurrently: keeps the worker's request queue short. */
const CREATE_BATCH = 25;

export interface MediasoupTargetOptions {
  rtcMinPort: number;
  rtcMaxPort: number;
  sinkPorts: readonly number[];
  latencyPort: number;
  srtp: boolean;
  /** Which worker build: io_uring (the default build) or the libuv-only fallback. */
  sendPath: WorkerSendPath;
}

interface Viewer {
  transport: types.PlainTransport;
  video: types.Consumer;
}

export class MediasoupTarget implements ForwardingTarget {
  readonly name: 'mediasoup' | 'mediasoup-libuv' | 'mediasoup-plain';
  readonly #worker: types.Worker;
  readonly #router: types.Router;
  readonly #producers: { video: types.Producer; audio: types.Producer };
  readonly #viewers: Viewer[] = [];
  readonly #options: MediasoupTargetOptions;
  readonly generator: RtpGenerator;
  /** mediasoup's key for what it sends the latency viewer (SRTP targets): the viewer decrypts with it. */
  latencyViewerKeyBase64: string | undefined;
  #closed = false;
  /** Set when the worker dies mid-run; the runner reports it instead of numbers. */
  died: Error | undefined;

  private constructor(
    worker: types.Worker,
    router: types.Router,
    producers: { video: types.Producer; audio: types.Producer },
    generator: RtpGenerator,
    options: MediasoupTargetOptions,
  ) {
    this.#worker = worker;
    this.#router = router;
    this.#producers = producers;
    this.generator = generator;
    this.#options = options;
    this.name = !options.srtp ? 'mediasoup-plain' : options.sendPath === 'libuv' ? 'mediasoup-libuv' : 'mediasoup';
    worker.on('died', (error) => (this.died = error));
  }

  static async create(options: MediasoupTargetOptions): Promise<MediasoupTarget> {
    // The binary is chosen per target: mediasoup reads it when the worker is spawned.
    const { sendPath } = await useWorkerSendPath(options.sendPath);
    if (sendPath !== options.sendPath) throw new Error(`the ${options.sendPath} worker build sends through ${sendPath}`);
    const worker = await createWorker({ logLevel: 'error', rtcMinPort: options.rtcMinPort, rtcMaxPort: options.rtcMaxPort });
    try {
      const router = await worker.createRouter({ mediaCodecs });
      // comedia: the worker learns the publisher's address from its first
      // packet; rtcp-mux so PLIs come back to the generator's one socket.
      const ingest = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
      const video = await ingest.produce({ kind: 'video', rtpParameters: videoParameters });
      const audio = await ingest.produce({ kind: 'audio', rtpParameters: audioParameters });
      const target = new MediasoupTarget(worker, router, { video, audio }, await RtpGenerator.create(ingest.tuple.localPort), options);
      try {
        // The latency viewer is a viewer like the others (SRTP where they have it): it
        // decrypts with mediasoup's key to read the send stamp in the payload.
        const latencyViewer = await target.#addViewer(options.latencyPort, options.srtp);
        target.latencyViewerKeyBase64 = latencyViewer.transport.srtpParameters?.keyBase64;
        return target;
      } catch (error) {
        await target.close();
        throw error;
      }
    } catch (error) {
      worker.close(); // Idempotent: fine after target.close().
      throw error;
    }
  }

  get viewers(): number {
    return this.#viewers.length;
  }

  async setViewers(count: number): Promise<void> {
    // The ramp only grows; shrinking is not part of the scenario.
    const sinks = this.#options.sinkPorts;
    while (this.#viewers.length < count) {
      const batch = Math.min(CREATE_BATCH, count - this.#viewers.length);
      const start = this.#viewers.length;
      const created = await Promise.all(
        Array.from({ length: batch }, (_, i) => this.#addViewer(sinks[(start + i) % sinks.length]!, this.#options.srtp)),
      );
      this.#viewers.push(...created);
    }
  }

  async #addViewer(port: number, srtp: boolean): Promise<Viewer> {
    const transport = await this.#router.createPlainTransport({
      listenIp: '127.0.0.1',
      rtcpMux: true,
      comedia: false,
      ...(srtp ? { enableSrtp: true, srtpCryptoSuite: SRTP_SUITE } : {}),
    });
    // The remote key only decrypts what the viewer would send back (nothing here).
    const srtpParameters = srtp ? { cryptoSuite: SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') } : undefined;
    await transport.connect({ ip: '127.0.0.1', port, ...(srtpParameters ? { srtpParameters } : {}) });
    const rtpCapabilities = this.#router.rtpCapabilities;
    const video = await transport.consume({ producerId: this.#producers.video.id, rtpCapabilities });
    await transport.consume({ producerId: this.#producers.audio.id, rtpCapabilities });
    return { transport, video };
  }

  async cpu(): Promise<CpuSample> {
    const atNs = process.hrtime.bigint().toString();
    const u = await this.#worker.getResourceUsage();
    return { cpuMicros: (u.ru_utime + u.ru_stime) * 1000, systemMicros: u.ru_stime * 1000, atNs };
  }

  /**
   * A few consumers' own counters (first and last viewer): a cross-check
   * that the worker sent what the sinks counted. packetsLost and score come
   * from receiver reports, which the SRTP sinks do not send, so they stay at
   * 0 and 10 here; loss is measured at the sinks instead. Only a sample,
   * because every getStats() is a request the worker has to serve.
   */
  async sample(): Promise<ConsumerSample[]> {
    const picks = [this.#viewers[0], this.#viewers.at(-1)].filter((v): v is Viewer => v !== undefined);
    const producer = (await this.#producers.video.getStats())[0];
    const rows: ConsumerSample[] = producer
      ? [{ role: 'producer-video', packetCount: producer.packetCount, packetsLost: producer.packetsLost, score: producer.score }]
      : [];
    for (const viewer of new Set(picks)) {
      const s = (await viewer.video.getStats()).find((x) => x.type === 'outbound-rtp');
      if (s) rows.push({ role: 'consumer-video', packetCount: s.packetCount, packetsLost: s.packetsLost, score: s.score });
    }
    return rows;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.generator.close();
    // Closing the worker closes the router, every transport and consumer,
    // and kills the worker process.
    this.#worker.close();
  }
}
