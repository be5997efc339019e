import {
  MEDIA_SOCKET_PATH,
  type AckResponse,
  type MediaClientToServerEvents,
  type MediaRequest,
  type MediaRequestName,
  type MediaResponses,
  type MediaServerToClientEvents,
  type MediaWelcome,
} from '@hawker/shared';
import { io, type Socket } from 'socket.io-client';
import { Emitter } from './emitter.js';
import { MediaError } from './errors.js';

type MediaSocket = Socket<MediaServerToClientEvents, MediaClientToServerEvents>;
type Payload<K extends keyof MediaServerToClientEvents> = Parameters<MediaServerToClientEvents[K]>[0];

/** What the server tells a connected client, plus the socket dropping. */
export type SignalingEvents = {
  producerAdded: [Payload<'media:producerAdded'>];
  consumerClosed: [Payload<'media:consumerClosed'>];
  broadcastClosed: [Payload<'media:broadcastClosed'>];
  disconnected: [MediaError];
};

export interface SignalingOptions {
  /** Origin of the media socket; the page's own by default (the api proxies /media/*). */
  url?: string;
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
}

const HANDSHAKE_TIMEOUT_MS = 8_000;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The media socket (Socket.IO at MEDIA_SOCKET_PATH), typed with the shared
 * contract. This is the one place that calls socket.on for media: the rest of
 * the app sees typed requests that resolve or throw MediaError, and an emitter
 * of server events.
 *
 * No automatic reconnection: the SFU ties transports to the socket, so a new
 * socket means new transports. The owners (Publisher, LivePlayer) decide
 * whether to start over, with a fresh short-lived token.
 */
export class MediaSignaling {
  readonly events = new Emitter<SignalingEvents>();
  #closed = false;

  private constructor(
    private readonly socket: MediaSocket,
    readonly welcome: MediaWelcome,
    private readonly requestTimeoutMs: number,
  ) {
    socket.on('media:producerAdded', (p) => this.events.emit('producerAdded', p));
    socket.on('media:consumerClosed', (p) => this.events.emit('consumerClosed', p));
    socket.on('media:broadcastClosed', (p) => this.events.emit('broadcastClosed', p));
    socket.on('disconnect', (reason) => {
      if (this.#closed) return;
      this.#closed = true;
      this.events.emit('disconnected', MediaError.disconnected(reason));
    });
  }

  /**
   * Opens the socket with the media token and resolves once `media:welcome`
   * arrives. A refusal (`invalid_token`, `not_live`, `webrtc_capacity`) or an
   * unreachable server rejects with a MediaError of phase 'handshake'.
   */
  static connect(token: string, options: SignalingOptions = {}): Promise<MediaSignaling> {
    const socket: MediaSocket = io(options.url ?? location.origin, {
      path: MEDIA_SOCKET_PATH,
      auth: { token },
      // WebSocket only, like the room socket: no sticky sessions behind the proxy.
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      forceNew: true,
    });
    const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;

    return new Promise<MediaSignaling>((resolve, reject) => {
      const fail = (err: MediaError) => {
        clearTimeout(timer);
        socket.removeAllListeners();
        socket.disconnect();
        reject(err);
      };
      const timer = setTimeout(() => fail(MediaError.handshakeTimeout()), options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS);
      socket.once('connect_error', (err) => fail(MediaError.refused(err.message)));
      socket.once('disconnect', (reason) => fail(MediaError.disconnected(reason)));
      socket.once('media:welcome', (welcome) => {
        clearTimeout(timer);
        socket.off('connect_error');
        socket.off('disconnect');
        // Built synchronously inside this handler, so its listeners are in place
        // before the socket delivers the next event.
        resolve(new MediaSignaling(socket, welcome, requestTimeoutMs));
      });
      socket.connect();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one request and resolves with its data; an error ack or a timeout throws MediaError. */
  async request<K extends MediaRequestName>(name: K, payload: MediaRequest<K>): Promise<MediaResponses[K]> {
    if (this.#closed) throw MediaError.closed();
    // The event map is derived generically from the request schemas, which
    // Socket.IO's emit typings cannot follow through a type parameter; this one
    // signature is what every entry of MediaClientToServerEvents has.
    const socket = this.socket.timeout(this.requestTimeoutMs) as unknown as {
      emitWithAck(ev: K, data: MediaRequest<K>): Promise<AckResponse<MediaResponses[K]>>;
    };
    let response: AckResponse<MediaResponses[K]>;
    try {
      response = await socket.emitWithAck(name, payload);
    } catch {
      throw this.#closed ? MediaError.closed() : MediaError.requestTimeout(name);
    }
    if (!response.ok) throw MediaError.ack(name, response.error);
    return response.data;
  }

  /** Idempotent; a closed signaling emits nothing more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.events.removeAll();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
