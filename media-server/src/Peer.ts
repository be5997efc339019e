import type { types } from 'mediasoup';
import { z } from 'zod';
import type { ConsumerOptions, MediaRole, TransportOptions } from '@hawker/shared';
import { EnhancedEventEmitter } from './EnhancedEventEmitter.js';
import { MediaRequestError } from './errors.js';
import { childLogger, type Logger } from './logger.js';

/** Enough for a send and a recv transport plus an ICE-failure retry of each. */
const MAX_TRANSPORTS = 4;
/** Camera, microphone and room for a screen share later. */
const MAX_PRODUCERS = 4;
/** Caps what one browser can make the SFU accept, whatever it claims to send. */
const MAX_INCOMING_BITRATE = 5_000_000;

export interface WebRtcListenOptions {
  listenIp: string;
  announcedIp?: string;
}

/** What a Peer needs from its Broadcast, so the two stay decoupled. */
export interface PeerHost {
  /** Producers a consumer on `router` can consume now (already piped there). */
  consumableProducers(router: types.Router): Promise<types.Producer[]>;
  /** A publisher's new producer: register it, pipe it, start HLS, tell viewers. */
  adoptProducer(producer: types.Producer): Promise<void>;
}

export interface PeerOptions {
  id: string;
  role: MediaRole;
  router: types.Router;
  workerIndex: number;
  host: PeerHost;
  listen: WebRtcListenOptions;
  logger: Logger;
}

export type PeerEvents = {
  /** A consumer went away on the server side (its producer closed). */
  consumerclosed: [consumerId: string];
  close: [];
};

type Direction = 'send' | 'recv';

/**
 * The shape mediasoup needs of a viewer's RTP capabilities, checked up front:
 * mediasoup only validates them when there is something to consume, and a
 * viewer that joins before the publisher must not get 'ok' for garbage.
 */
const rtpCapabilitiesSchema = z.looseObject({
  codecs: z
    .array(
      z.looseObject({
        kind: z.enum(['audio', 'video']),
        mimeType: z.string().regex(/^(audio|video)\/[\w.-]+$/),
        clockRate: z.number().int().positive(),
        preferredPayloadType: z.number().int().min(0).max(127).optional(),
      }),
    )
    .max(64),
  headerExtensions: z
    .array(z.looseObject({ uri: z.string(), preferredId: z.number().int() }))
    .max(64)
    .optional(),
});

/**
 * One signaling connection's media inside a broadcast: its WebRTC
 * transports, the producers it sent (publisher) and the consumers it
 * receives (viewer). Lives on one router: the producer router for the
 * publisher, a consumer router for a viewer. close() releases everything.
 */
export class Peer extends EnhancedEventEmitter<PeerEvents> {
  readonly id: string;
  readonly role: MediaRole;
  readonly router: types.Router;
  /** The worker the router lives on, to find viewers when that worker dies. */
  readonly workerIndex: number;
  readonly #host: PeerHost;
  readonly #listen: WebRtcListenOptions;
  readonly #logger: Logger;
  readonly #transports = new Map<string, { transport: types.WebRtcTransport; direction: Direction }>();
  readonly #producers = new Map<string, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();
  /** Producers this peer consumes or is about to: a second consume never duplicates one. */
  readonly #consumed = new Set<string>();
  #closed = false;

  static create(options: PeerOptions): Peer {
    return new Peer(options);
  }

  private constructor(options: PeerOptions) {
    const logger = childLogger(options.logger, 'Peer', { peerId: options.id, role: options.role });
    super(logger);
    this.id = options.id;
    this.role = options.role;
    this.router = options.router;
    this.workerIndex = options.workerIndex;
    this.#host = options.host;
    this.#listen = options.listen;
    this.#logger = logger;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get producers(): types.Producer[] {
    return [...this.#producers.values()];
  }

  get consumers(): types.Consumer[] {
    return [...this.#consumers.values()];
  }

  get transports(): types.WebRtcTransport[] {
    return [...this.#transports.values()].map((t) => t.transport);
  }

  async createTransport(direction: Direction): Promise<TransportOptions> {
    this.#assertOpen();
    if (direction === 'send' && this.role !== 'publish') throw MediaRequestError.forbidden('viewers cannot send media');
    if (this.#transports.size >= MAX_TRANSPORTS) throw MediaRequestError.forbidden(`at most ${MAX_TRANSPORTS} transports per connection`);
    const { listenIp, announcedIp } = this.#listen;
    const transport = await this.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ip: listenIp, announcedIp },
        { protocol: 'tcp', ip: listenIp, announcedIp },
      ],
      preferUdp: true,
      appData: { peerId: this.id, direction },
    });
    if (this.#closed) {
      transport.close();
      throw new MediaRequestError('internal_error', 'connection closed');
    }
    this.#transports.set(transport.id, { transport, direction });
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.#logger.warn({ transportId: transport.id, state }, 'transport DTLS ended');
    });
    if (direction === 'send') await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE);
    this.#logger.debug({ transportId: transport.id, direction }, 'transport created');
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(transportId: string, dtlsParameters: Record<string, unknown>): Promise<void> {
    await this.#transport(transportId).transport.connect({ dtlsParameters: dtlsParameters as unknown as types.DtlsParameters });
  }

  async restartIce(transportId: string): Promise<{ iceParameters: Record<string, unknown> }> {
    return { iceParameters: await this.#transport(transportId).transport.restartIce() };
  }

  async produce(transportId: string, kind: types.MediaKind, rtpParameters: Record<string, unknown>): Promise<string> {
    if (this.role !== 'publish') throw MediaRequestError.forbidden('viewers cannot produce');
    const { transport, direction } = this.#transport(transportId);
    if (direction !== 'send') throw MediaRequestError.invalidPayload('produce needs a send transport');
    if (this.#producers.size >= MAX_PRODUCERS) throw MediaRequestError.forbidden(`at most ${MAX_PRODUCERS} tracks per broadcast`);
    const producer = await transport.produce({
      kind,
      rtpParameters: rtpParameters as unknown as types.RtpParameters,
      appData: { peerId: this.id },
    });
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
    this.#logger.info(
      { producerId: producer.id, kind, encodings: producer.rtpParameters.encodings?.length ?? 0, type: producer.type },
      'producer created',
    );
    await this.#host.adoptProducer(producer);
    return producer.id;
  }

  /**
   * Creates paused consumers for every producer this peer does not consume
   * yet, both kinds, so a viewer always gets the video as well as the audio.
   * Simulcast video starts at the highest layer; mediasoup drops to lower
   * layers by itself when the viewer's bandwidth estimate falls, and never
   * below the lowest, so a slow viewer gets a small picture, not a black one.
   */
  async consume(transportId: string, rtpCapabilities: Record<string, unknown>): Promise<ConsumerOptions[]> {
    const { transport, direction } = this.#transport(transportId);
    if (direction !== 'recv') throw MediaRequestError.invalidPayload('consume needs a recv transport');
    const caps = rtpCapabilitiesSchema.parse(rtpCapabilities) as unknown as types.RtpCapabilities;
    const producers = (await this.#host.consumableProducers(this.router)).filter((p) => !this.#consumed.has(p.id));
    const created: ConsumerOptions[] = [];
    for (const producer of producers) {
      // canConsume validates the capabilities and throws a TypeError on garbage.
      if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
        this.#logger.warn({ producerId: producer.id, kind: producer.kind }, 'viewer cannot decode this producer');
        continue;
      }
      if (this.#consumed.has(producer.id)) continue;
      this.#consumed.add(producer.id);
      let consumer: types.Consumer;
      try {
        consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: caps,
          paused: true,
          // Clamped by mediasoup to the layers the producer really has.
          preferredLayers: { spatialLayer: 3, temporalLayer: 3 },
          appData: { peerId: this.id },
        });
      } catch (error) {
        this.#consumed.delete(producer.id);
        throw error;
      }
      this.#track(consumer);
      created.push({ id: consumer.id, producerId: producer.id, kind: consumer.kind, rtpParameters: consumer.rtpParameters });
    }
    return created;
  }

  /** Resumes a consumer and asks for a keyframe so the picture starts at once, not at the next GOP. */
  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumer(consumerId);
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const consumer = this.#consumer(consumerId);
    // Only simulcast/SVC consumers have layers; for others it is a harmless no-op.
    if (consumer.type === 'simulcast' || consumer.type === 'svc') await consumer.setPreferredLayers({ spatialLayer, temporalLayer });
  }

  /** Closes every transport (and so every producer and consumer). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { transport } of this.#transports.values()) transport.close();
    this.#transports.clear();
    this.#logger.debug('peer closed');
    this.safeEmit('close');
  }

  #track(consumer: types.Consumer): void {
    this.#consumers.set(consumer.id, consumer);
    const forget = () => {
      this.#consumers.delete(consumer.id);
      this.#consumed.delete(consumer.producerId);
    };
    consumer.on('producerclose', () => {
      forget();
      this.safeEmit('consumerclosed', consumer.id);
    });
    consumer.observer.once('close', forget);
  }

  #transport(transportId: string): { transport: types.WebRtcTransport; direction: Direction } {
    this.#assertOpen();
    const entry = this.#transports.get(transportId);
    if (!entry) throw MediaRequestError.transportMissing(transportId);
    return entry;
  }

  #consumer(consumerId: string): types.Consumer {
    this.#assertOpen();
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw MediaRequestError.invalidPayload(`no consumer ${consumerId} on this connection`);
    return consumer;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaRequestError('internal_error', 'connection closed');
  }
}
