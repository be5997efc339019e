import type { MediaServerToClientEvents } from '@hawker/shared';
import type { types } from 'mediasoup-client';
import type { ConnectionState } from './connection-state.js';
import { Emitter } from './emitter.js';
import { MediaError } from './errors.js';
import { MediaSession } from './session.js';
import type { SignalingOptions } from './signaling.js';

type BroadcastClosed = Parameters<MediaServerToClientEvents['media:broadcastClosed']>[0];

export type ViewerEvents = {
  /** The received tracks changed: attach this stream to the <video>. */
  tracks: [MediaStream];
  /** Media stopped (ICE/DTLS failed, socket dropped) after start() had succeeded. */
  failed: [MediaError];
  /** The server closed the broadcast; the viewer is closed too. */
  broadcastClosed: [BroadcastClosed['reason']];
};

/**
 * Receives a broadcast from the SFU: one recv transport, a consumer per
 * producer (camera, microphone), re-consuming when the creator adds a track
 * (`media:producerAdded`). One Viewer is one attempt; the LivePlayer decides
 * what follows a failure (retry, or HLS).
 */
export class Viewer {
  state = $state<ConnectionState>('idle');
  error = $state.raw<MediaError | null>(null);
  readonly events = new Emitter<ViewerEvents>();

  #session: MediaSession | null = null;
  #transport: types.Transport | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- private mediasoup bookkeeping that nothing renders; it must not be reactive state
  readonly #consumers = new Map<string, types.Consumer>();
  // Consume requests run one after another, so a producerAdded arriving during
  // the first consume cannot create a second consumer for the same producer.
  #consuming: Promise<void> = Promise.resolve();

  constructor(private readonly options: SignalingOptions = {}) {}

  /** Resolves once the viewer consumes whatever the broadcast has (possibly nothing yet). */
  async start(token: string): Promise<void> {
    if (this.state !== 'idle') throw new Error('Viewer.start() can only run once');
    this.state = 'connecting';
    try {
      const session = await MediaSession.open(token, 'consume', this.options);
      if (this.#isClosed()) {
        session.close();
        return;
      }
      this.#session = session;
      session.events.on('failed', (err) => this.#fail(err));
      const signals = session.signaling.events;
      signals.on('producerAdded', () => {
        this.#queueConsume().catch((err: unknown) => this.#fail(MediaError.from(err, 'signaling')));
      });
      signals.on('consumerClosed', ({ consumerId }) => this.#dropConsumer(consumerId));
      signals.on('broadcastClosed', ({ reason }) => {
        this.close();
        this.events.emit('broadcastClosed', reason);
      });

      this.#transport = await session.createTransport('recv');
      await this.#queueConsume();
      if (this.#session !== session) return; // closed meanwhile
      this.state = 'connected';
    } catch (err) {
      const error = this.#current() === 'failed' && this.error ? this.error : MediaError.from(err, 'signaling');
      if (!this.#isClosed()) {
        this.error = error;
        this.state = 'failed';
        this.#release();
      }
      throw error;
    }
  }

  /** The receiver statistics of the video consumer (for the latency estimate), if there is one. */
  async videoStats(): Promise<RTCStatsReport | null> {
    const video = [...this.#consumers.values()].find((c) => c.kind === 'video' && !c.closed);
    return video ? video.getStats() : null;
  }

  /** Idempotent: releases consumers, transport and socket. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#release();
  }

  #queueConsume(): Promise<void> {
    const run = this.#consuming.then(() => this.#consume());
    this.#consuming = run.catch(() => undefined);
    return run;
  }

  async #consume(): Promise<void> {
    const session = this.#session;
    const transport = this.#transport;
    if (!session || !transport || session.closed) return;
    const { consumers } = await session.signaling.request('media:consume', {
      transportId: transport.id,
      rtpCapabilities: session.device.recvRtpCapabilities,
    });

    // The server may list producers this viewer already consumes; one consumer per producer.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, dropped when this method returns; never reactive state
    const producers = new Set([...this.#consumers.values()].map((c) => c.producerId));
    const added: types.Consumer[] = [];
    for (const options of consumers) {
      if (this.#consumers.has(options.id) || producers.has(options.producerId)) continue;
      const consumer = await transport.consume({
        id: options.id,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as unknown as types.RtpParameters,
      });
      if (session.closed) return;
      this.#consumers.set(consumer.id, consumer);
      producers.add(consumer.producerId);
      added.push(consumer);
    }
    if (added.length === 0) return;

    this.events.emit('tracks', this.#stream());
    // Server-side consumers start paused; resuming only after the tracks are
    // attached means the keyframe the SFU sends on resume is not lost.
    for (const consumer of added) {
      await session.signaling.request('media:resumeConsumer', { consumerId: consumer.id });
    }
  }

  #dropConsumer(consumerId: string): void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) return;
    consumer.close();
    this.#consumers.delete(consumerId);
    this.events.emit('tracks', this.#stream());
  }

  #stream(): MediaStream {
    return new MediaStream([...this.#consumers.values()].map((c) => c.track));
  }

  #current(): ConnectionState {
    return this.state;
  }

  #isClosed(): boolean {
    return this.state === 'closed';
  }

  #fail(err: MediaError): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    const wasConnected = this.state === 'connected';
    this.error = err;
    this.state = 'failed';
    this.#release();
    if (wasConnected) this.events.emit('failed', err);
  }

  #release(): void {
    for (const consumer of this.#consumers.values()) consumer.close();
    this.#consumers.clear();
    this.#session?.close();
    this.#session = null;
    this.#transport = null;
  }
}
