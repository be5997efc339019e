import path from 'node:path';
import type { types } from 'mediasoup';
import { hlsPlaylistPath, type BroadcastStatus, type MediaRole } from '@hawker/shared';
import { mediaCodecs } from './codecs.js';
import { ConsumerRouters } from './ConsumerRouters.js';
import { EnhancedEventEmitter } from './EnhancedEventEmitter.js';
import { MediaRequestError } from './errors.js';
import { HlsRecording } from './HlsRecording.js';
import { childLogger, type Logger } from './logger.js';
import { Peer, type PeerHost, type WebRtcListenOptions } from './Peer.js';
import type { Worker, WorkerDiedEvent, WorkerPool } from './WorkerPool.js';

export type CloseReason = 'ended' | 'publisher_left' | 'worker_died';

export interface BroadcastSummary {
  streamId: string;
  reason: CloseReason;
  /** The playlist's public path once at least one segment exists: the replay. */
  recordingPath: string | null;
  /** From the first video producer to close; 0 if it never went live. */
  durationMs: number;
}

export interface BroadcastOptions {
  streamId: string;
  pool: WorkerPool;
  logger: Logger;
  /** HLS_DIR; this broadcast writes HLS_DIR/<streamId>/. */
  hlsDir: string;
  listen: WebRtcListenOptions;
  /** How long the broadcast outlives its publisher's connection (PUBLISHER_GRACE_MS). */
  publisherGraceMs: number;
  ffmpegPath?: string;
}

export type BroadcastEvents = {
  /** The first video producer exists: viewers can watch, HLS is starting. */
  live: [];
  /** A producer is piped to every consumer router: viewers may consume it now. */
  produceradded: [{ producerId: string; kind: types.MediaKind }];
  /** A viewer lost its router (its worker died) and must reconnect. */
  peerevicted: [peerId: string];
  /** A publisher connection was replaced by a newer one for the same stream. */
  publisherreplaced: [peerId: string];
  close: [CloseReason];
};

/**
 * One live stream (mediasoup-demo's Room): a producer router on the least
 * loaded worker holding the publisher, consumer routers on the other workers
 * (created as viewers arrive) each fed every producer through
 * `pipeToRouter()`, and the HLS recording. close() releases all of it.
 */
export class Broadcast extends EnhancedEventEmitter<BroadcastEvents> implements PeerHost {
  readonly streamId: string;
  readonly createdAt = Date.now();
  readonly #options: BroadcastOptions;
  readonly #logger: Logger;
  /** streamId bound, no component: the parent of every child object's logger. */
  readonly #streamLogger: Logger;
  readonly #producerRouter: types.Router;
  readonly #producerWorkerIndex: number;
  readonly #viewerRouters: ConsumerRouters;
  readonly #producers = new Map<string, types.Producer>();
  readonly #peers = new Map<string, Peer>();
  readonly #recording: HlsRecording;
  #publisher: Peer | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #liveAt: number | undefined;
  readonly #onWorkerDied = ({ index }: WorkerDiedEvent) => this.#handleWorkerDied(index);
  #closed = false;
  #closeReason: CloseReason | undefined;
  #closing: Promise<BroadcastSummary> | undefined;

  static async create(options: BroadcastOptions): Promise<Broadcast> {
    const worker = options.pool.leastLoaded();
    const router = await worker.createRouter({ mediaCodecs, appData: { streamId: options.streamId, role: 'producer' } });
    return new Broadcast(options, router, worker);
  }

  private constructor(options: BroadcastOptions, router: types.Router, worker: Worker) {
    const streamLogger = options.logger.child({ streamId: options.streamId });
    const logger = childLogger(streamLogger, 'Broadcast');
    super(logger);
    this.streamId = options.streamId;
    this.#options = options;
    this.#logger = logger;
    this.#streamLogger = streamLogger;
    this.#producerRouter = router;
    this.#producerWorkerIndex = worker.appData.index;
    this.#viewerRouters = ConsumerRouters.create({
      streamId: options.streamId,
      pool: options.pool,
      producerRouter: router,
      producerWorkerIndex: worker.appData.index,
      producers: () => this.#producers.values(),
      logger: streamLogger,
    });
    this.#recording = HlsRecording.create({ router, streamDir: this.streamDir, logger: streamLogger, ffmpegPath: options.ffmpegPath });
    options.pool.on('workerdied', this.#onWorkerDied);
    // Until the publisher joins: a broadcast whose creator's connection never
    // arrived (dropped mid-handshake) must not live forever.
    this.#startGrace();
    logger.info({ workerIndex: this.#producerWorkerIndex, routerId: router.id }, 'broadcast created');
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Why it closed, once it has. */
  get closeReason(): CloseReason | undefined {
    return this.#closeReason;
  }

  /** Identical on every router of the broadcast: they share the codec list. */
  get routerRtpCapabilities(): types.RtpCapabilities {
    return this.#producerRouter.rtpCapabilities;
  }

  get producerRouter(): types.Router {
    return this.#producerRouter;
  }

  get producerWorkerIndex(): number {
    return this.#producerWorkerIndex;
  }

  get streamDir(): string {
    return path.join(this.#options.hlsDir, this.streamId);
  }

  get recording(): HlsRecording {
    return this.#recording;
  }

  /** A video track is being received right now. */
  get live(): boolean {
    return [...this.#producers.values()].some((p) => p.kind === 'video');
  }

  get producerCount(): number {
    return this.#producers.size;
  }

  get viewerCount(): number {
    return this.#peers.size - (this.#publisher ? 1 : 0);
  }

  get publisher(): Peer | undefined {
    return this.#publisher;
  }

  status(): BroadcastStatus {
    return {
      streamId: this.streamId,
      live: !this.#closed && this.live,
      producers: this.producerCount,
      viewers: this.viewerCount,
      hlsPath: this.#recording.started ? hlsPlaylistPath(this.streamId) : null,
    };
  }

  getPeer(peerId: string): Peer | undefined {
    return this.#peers.get(peerId);
  }

  /**
   * Adds a connection. A publisher goes on the producer router and replaces
   * any earlier publisher connection (a reconnect, or a second tab: the newest
   * wins); a viewer goes on the least loaded consumer router.
   */
  async join(peerId: string, role: MediaRole): Promise<Peer> {
    this.#assertOpen();
    const target =
      role === 'publish' ? { router: this.#producerRouter, workerIndex: this.#producerWorkerIndex } : await this.#viewerRouters.place();
    this.#assertOpen();
    const peer = Peer.create({ id: peerId, role, ...target, host: this, listen: this.#options.listen, logger: this.#streamLogger });
    this.#peers.set(peerId, peer);
    peer.once('close', () => {
      if (this.#peers.get(peerId) === peer) this.#peers.delete(peerId);
      if (this.#publisher === peer) this.#publisher = undefined;
    });
    if (role === 'publish') {
      this.#stopGrace();
      const previous = this.#publisher;
      this.#publisher = peer;
      if (previous) {
        this.#logger.info({ previousPeerId: previous.id, peerId }, 'publisher connection replaced');
        previous.close();
        this.safeEmit('publisherreplaced', previous.id);
      }
    }
    this.#logger.debug({ peerId, role, workerIndex: target.workerIndex }, 'peer joined');
    return peer;
  }

  /** A viewer left: its transports and consumers close. */
  leave(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (peer && peer !== this.#publisher) peer.close();
  }

  /**
   * The publisher's signaling connection dropped. Its media keeps flowing
   * (WebRTC may well be fine) for PUBLISHER_GRACE_MS; a new publisher
   * connection within that time takes over, otherwise the broadcast closes.
   */
  publisherDisconnected(peerId: string): void {
    if (this.#closed || this.#publisher?.id !== peerId) return;
    this.#logger.info({ peerId, graceMs: this.#options.publisherGraceMs }, 'publisher disconnected; waiting for it to come back');
    this.#startGrace();
  }

  /** Closes the broadcast with 'publisher_left' unless a publisher (re)joins within the grace period. */
  #startGrace(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(() => {
      this.#logger.info({ graceMs: this.#options.publisherGraceMs }, 'no publisher within the grace period');
      void this.close('publisher_left');
    }, this.#options.publisherGraceMs);
  }

  #stopGrace(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }

  /**
   * A worker died. The producer router on it ends the broadcast; a consumer
   * router on it only drops the viewers it carried (they reconnect onto a
   * live router), so one crashed worker does not end the show for everyone.
   */
  #handleWorkerDied(workerIndex: number): void {
    if (this.#closed) return;
    if (workerIndex === this.#producerWorkerIndex) {
      this.#logger.error({ workerIndex }, 'producer worker died; closing the broadcast');
      void this.close('worker_died');
      return;
    }
    if (!this.#viewerRouters.drop(workerIndex)) return;
    for (const peer of this.#peers.values()) {
      if (peer.workerIndex !== workerIndex || peer === this.#publisher) continue;
      peer.close();
      this.safeEmit('peerevicted', peer.id);
    }
    this.#logger.warn({ workerIndex }, 'consumer worker died; its viewers must reconnect');
  }

  /**
   * Receives plain RTP (ffmpeg, an RTP ingest) as a producer of this
   * broadcast: a comedia PlainTransport with RTCP on its own port, one per
   * track, since ffmpeg sends RTCP from a different port than RTP.
   */
  async ingestPlainRtp(
    kind: types.MediaKind,
    rtpParameters: types.RtpParameters,
  ): Promise<{ transport: types.PlainTransport; producer: types.Producer }> {
    this.#assertOpen();
    // An RTP ingest is its own publisher: no signaling connection to wait for.
    this.#stopGrace();
    const transport = await this.#producerRouter.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: true,
      appData: { purpose: 'ingest' },
    });
    try {
      const producer = await transport.produce({ kind, rtpParameters });
      await this.adoptProducer(producer);
      return { transport, producer };
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** PeerHost: registers a producer, pipes it everywhere, then announces it. */
  async adoptProducer(producer: types.Producer): Promise<void> {
    this.#assertOpen();
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      this.#updateRecording();
    });
    await this.#viewerRouters.pipeEverywhere(producer);
    if (this.#closed || producer.closed) return;
    if (producer.kind === 'video' && this.#liveAt === undefined) {
      this.#liveAt = Date.now();
      this.#logger.info({ producerId: producer.id }, 'broadcast is live');
      this.safeEmit('live');
    }
    this.#updateRecording();
    this.safeEmit('produceradded', { producerId: producer.id, kind: producer.kind });
  }

  /** PeerHost: the producers already available on `router`. */
  consumableProducers(router: types.Router): Promise<types.Producer[]> {
    return this.#viewerRouters.consumable(router, [...this.#producers.values()]);
  }

  /**
   * Ends the broadcast: every peer, transport, producer, consumer, pipe and
   * router closes, ffmpeg stops and the playlist gets its ENDLIST. Idempotent:
   * later calls return the first call's summary.
   */
  close(reason: CloseReason): Promise<BroadcastSummary> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closeReason = reason;
    clearTimeout(this.#graceTimer);
    this.#options.pool.off('workerdied', this.#onWorkerDied);
    this.#logger.info({ reason }, 'closing broadcast');
    // Assigned before 'close' is emitted, so listeners calling close() get this promise.
    this.#closing = this.#release(reason, Date.now());
    // Peers hear about it (signaling fans 'close' out) before their transports vanish.
    this.safeEmit('close', reason);
    for (const peer of [...this.#peers.values()]) peer.close();
    return this.#closing;
  }

  async #release(reason: CloseReason, closedAt: number): Promise<BroadcastSummary> {
    // The egress reads from the producer router: stop ffmpeg (flushing its
    // last segment) before the router takes the RTP legs away.
    const playlist = await this.#recording.close().catch((error: unknown) => {
      this.#logger.error({ err: error }, 'could not finish the HLS recording');
      return undefined;
    });
    this.#producerRouter.close();
    await this.#viewerRouters.close();
    const summary: BroadcastSummary = {
      streamId: this.streamId,
      reason,
      recordingPath: playlist ? hlsPlaylistPath(this.streamId) : null,
      durationMs: this.#liveAt === undefined ? 0 : closedAt - this.#liveAt,
    };
    this.#logger.info(summary, 'broadcast closed');
    return summary;
  }

  #updateRecording(): void {
    const producers = [...this.#producers.values()].filter((p) => !p.closed);
    // The newest track of each kind: after a publisher reconnect the old ones close anyway.
    this.#recording.update({
      video: producers.findLast((p) => p.kind === 'video'),
      audio: producers.findLast((p) => p.kind === 'audio'),
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaRequestError('not_live', 'the broadcast has ended');
  }
}
