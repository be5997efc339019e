import type { MediaServerToClientEvents } from '@hawker/shared';
import type { types } from 'mediasoup-client';
import type { ConnectionState } from './connection-state.js';
import { Emitter } from './emitter.js';
import { MediaError } from './errors.js';
import { MediaSession } from './session.js';
import { SIMULCAST_ENCODINGS, VIDEO_START_BITRATE_KBPS, vp8Codec } from './simulcast.js';
import type { SignalingOptions } from './signaling.js';

type BroadcastClosed = Parameters<MediaServerToClientEvents['media:broadcastClosed']>[0];

export type PublisherEvents = {
  /** Media stopped flowing after start() had succeeded; the owner may start a new Publisher. */
  failed: [MediaError];
  /** The server closed the broadcast (ended from elsewhere, or the worker died). */
  broadcastClosed: [BroadcastClosed['reason']];
};

/** ICE + DTLS on a working network take well under a second; this only catches a dead path. */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * Sends a creator's camera (VP8, three simulcast layers) and microphone to the
 * SFU. One Publisher is one attempt: start() once, close() when done; a
 * reconnection is a new Publisher with a fresh token.
 *
 * Tracks belong to the caller (the studio's preview): they are produced with
 * stopTracks: false, so closing the publisher leaves the preview running.
 */
export class Publisher {
  state = $state<ConnectionState>('idle');
  error = $state.raw<MediaError | null>(null);
  readonly events = new Emitter<PublisherEvents>();

  #session: MediaSession | null = null;
  readonly #producers: types.Producer[] = [];

  constructor(private readonly options: SignalingOptions = {}) {}

  /** Resolves once media is flowing to the SFU; rejects (and sets state 'failed') otherwise. */
  async start(token: string, media: MediaStream): Promise<void> {
    if (this.state !== 'idle') throw new Error('Publisher.start() can only run once');
    this.state = 'connecting';
    try {
      const video = media.getVideoTracks()[0];
      if (!video || video.readyState === 'ended') throw new MediaError('no_video', 'media', 'no live camera track');

      const session = await MediaSession.open(token, 'publish', this.options);
      if (this.#isClosed()) {
        session.close();
        return;
      }
      this.#session = session;
      session.events.on('failed', (err) => this.#fail(err));
      session.signaling.events.on('broadcastClosed', ({ reason }) => {
        this.close();
        this.events.emit('broadcastClosed', reason);
      });

      const transport = await session.createTransport('send');
      transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        session.signaling
          .request('media:produce', { transportId: transport.id, kind, rtpParameters: { ...rtpParameters } })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });

      const codec = vp8Codec(session.device.sendRtpCapabilities);
      if (!session.device.canProduce('video') || !codec) throw MediaError.unsupported();
      const videoProducer = await transport.produce({
        track: video,
        encodings: SIMULCAST_ENCODINGS.map((encoding) => ({ ...encoding })),
        codec,
        codecOptions: { videoGoogleStartBitrate: VIDEO_START_BITRATE_KBPS },
        stopTracks: false,
      });
      this.#producers.push(videoProducer);
      videoProducer.on('trackended', () => this.#fail(new MediaError('no_video', 'media', 'camera track ended')));

      // A missing microphone is not fatal: a silent show beats no show.
      const audio = media.getAudioTracks()[0];
      if (audio && audio.readyState === 'live' && session.device.canProduce('audio')) {
        this.#producers.push(await transport.produce({ track: audio, stopTracks: false }));
      }

      await session.waitConnected(transport, 'send', CONNECT_TIMEOUT_MS);
      if (this.#session !== session) return; // closed meanwhile
      this.state = 'connected';
    } catch (err) {
      // A failure reported while starting (socket dropped, ICE failed) is the
      // real reason; the error that surfaced here is only its echo.
      const error = this.#current() === 'failed' && this.error ? this.error : MediaError.from(err, 'signaling');
      if (!this.#isClosed()) {
        this.error = error;
        this.state = 'failed';
        this.#release();
      }
      throw error;
    }
  }

  /** Idempotent: stops sending and releases the socket and transport (not the tracks). */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#release();
  }

  // Read through methods: after `this.state = 'connecting'` TypeScript would
  // otherwise assume no await in between could have changed it.
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
    // Before start() resolves, its own rejection reports the failure.
    if (wasConnected) this.events.emit('failed', err);
  }

  #release(): void {
    for (const producer of this.#producers) producer.close();
    this.#producers.length = 0;
    this.#session?.close();
    this.#session = null;
  }
}
