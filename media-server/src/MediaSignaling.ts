import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { ZodError } from 'zod';
import {
  MEDIA_SOCKET_PATH,
  mediaRequestSchemas,
  type AckResponse,
  type MediaClientToServerEvents,
  type MediaErrorCode,
  type MediaRequest,
  type MediaRequestName,
  type MediaResponses,
  type MediaServerToClientEvents,
  type MediaTokenClaims,
} from '@hawker/shared';
import type { Broadcast } from './Broadcast.js';
import type { BroadcastRegistry } from './BroadcastRegistry.js';
import { MediaRequestError } from './errors.js';
import { childLogger, type Logger } from './logger.js';
import type { Peer } from './Peer.js';
import type { MediaTokenVerifier } from './tokens.js';

interface SocketData {
  claims: MediaTokenClaims;
  /** Resolves once the socket joined its broadcast; requests wait for it. */
  peer?: Promise<{ broadcast: Broadcast; peer: Peer }>;
}

type MediaServerIo = Server<MediaClientToServerEvents, MediaServerToClientEvents, Record<string, never>, SocketData>;
type MediaSocket = Socket<MediaClientToServerEvents, MediaServerToClientEvents, Record<string, never>, SocketData>;

type Handlers = {
  [K in MediaRequestName]: (ctx: { broadcast: Broadcast; peer: Peer }, data: MediaRequest<K>) => Promise<MediaResponses[K]>;
};

export interface MediaSignalingOptions {
  httpServer: http.Server;
  registry: BroadcastRegistry;
  verifier: MediaTokenVerifier;
  maxViewersPerStream: number;
  logger: Logger;
}

/** Largest signaling message: RTP capabilities run to a few kB; nothing needs more. */
const MAX_MESSAGE_BYTES = 256 * 1024;

const room = (streamId: string) => `stream:${streamId}`;
const viewersRoom = (streamId: string) => `stream:${streamId}:viewers`;

/** Handshake refusals carry the code as the message (what socket.io clients see as err.message). */
function refusal(code: MediaErrorCode, message: string): Error & { data: { code: MediaErrorCode; message: string } } {
  return Object.assign(new Error(code), { data: { code, message } });
}

/**
 * Media signaling over Socket.IO at MEDIA_SOCKET_PATH, typed with the shared
 * contract. The handshake verifies the api's token and admits the socket to
 * its broadcast; every request is parsed with its zod schema and answered on
 * the ack, and nothing a client sends can throw past a handler.
 */
export class MediaSignaling {
  readonly #io: MediaServerIo;
  readonly #registry: BroadcastRegistry;
  readonly #verifier: MediaTokenVerifier;
  readonly #maxViewers: number;
  readonly #logger: Logger;
  readonly #rootLogger: Logger;
  /** Viewer handshakes admitted but not yet joined, so a burst cannot overshoot the cap. */
  readonly #reserved = new Map<string, Set<string>>();
  readonly #handlers: Handlers = {
    'media:createTransport': ({ peer }, { direction }) => peer.createTransport(direction),
    'media:connectTransport': async ({ peer }, { transportId, dtlsParameters }) => {
      await peer.connectTransport(transportId, dtlsParameters);
      return null;
    },
    'media:produce': async ({ peer }, { transportId, kind, rtpParameters }) => ({
      producerId: await peer.produce(transportId, kind, rtpParameters),
    }),
    'media:consume': async ({ peer }, { transportId, rtpCapabilities }) => ({
      consumers: await peer.consume(transportId, rtpCapabilities),
    }),
    'media:resumeConsumer': async ({ peer }, { consumerId }) => {
      await peer.resumeConsumer(consumerId);
      return null;
    },
    'media:setPreferredLayers': async ({ peer }, { consumerId, spatialLayer, temporalLayer }) => {
      await peer.setPreferredLayers(consumerId, spatialLayer, temporalLayer);
      return null;
    },
    'media:restartIce': ({ peer }, { transportId }) => peer.restartIce(transportId),
    'media:stats': ({ broadcast }) =>
      Promise.resolve({ viewers: broadcast.viewerCount, producers: broadcast.producerCount, live: broadcast.live }),
  };

  static create(options: MediaSignalingOptions): MediaSignaling {
    return new MediaSignaling(options);
  }

  private constructor(options: MediaSignalingOptions) {
    this.#registry = options.registry;
    this.#verifier = options.verifier;
    this.#maxViewers = options.maxViewersPerStream;
    this.#logger = childLogger(options.logger, 'MediaSignaling');
    this.#rootLogger = options.logger;
    this.#io = new Server(options.httpServer, { path: MEDIA_SOCKET_PATH, serveClient: false, maxHttpBufferSize: MAX_MESSAGE_BYTES });
    this.#io.use((socket, next) => {
      this.#admit(socket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    this.#io.on('connection', (socket) => this.#onConnection(socket));
    this.#registry.on('broadcast', (broadcast) => this.#watch(broadcast));
  }

  /**
   * Disconnects every client and closes the engine. Not io.close(): that
   * would also close the HTTP server, which server.ts owns and closes itself.
   */
  close(): void {
    this.#io.disconnectSockets(true);
    this.#io.engine.close();
  }

  /** Handshake: a valid token, and for viewers a live broadcast with room left. */
  async #admit(socket: MediaSocket): Promise<void> {
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    const result = await this.#verifier.verify(auth?.token);
    if (!result.claims) {
      this.#logger.warn({ reason: result.reason, address: socket.handshake.address }, 'media handshake refused: invalid token');
      throw refusal('invalid_token', 'the media token is missing, invalid or expired');
    }
    const { streamId, role } = result.claims;
    // An ended stream takes no new publisher or viewer, whatever token they hold.
    if (this.#registry.hasEnded(streamId)) throw refusal('stream_ended', 'this stream has ended');
    if (role === 'publish') {
      await this.#registry.getOrCreate(streamId).catch((error: unknown) => {
        this.#logger.error({ err: error, streamId }, 'could not create the broadcast');
        throw refusal('internal_error', 'the media server cannot take a broadcast now');
      });
    } else {
      const broadcast = this.#registry.get(streamId);
      if (!broadcast || broadcast.closed) throw refusal('not_live', 'the stream is not live on this media server');
      const reserved = this.#reserved.get(streamId) ?? new Set<string>();
      if (broadcast.viewerCount + reserved.size >= this.#maxViewers) {
        this.#logger.info({ streamId, viewers: broadcast.viewerCount }, 'WebRTC viewer cap reached; refusing');
        throw refusal('webrtc_capacity', 'WebRTC is full for this stream; use HLS');
      }
      // Synchronous from the check to here, so two handshakes cannot both take the last place.
      reserved.add(socket.id);
      this.#reserved.set(streamId, reserved);
      socket.conn.once('close', () => this.#release(streamId, socket.id));
    }
    socket.data.claims = result.claims;
  }

  #release(streamId: string, socketId: string): void {
    const reserved = this.#reserved.get(streamId);
    reserved?.delete(socketId);
    if (reserved?.size === 0) this.#reserved.delete(streamId);
  }

  #onConnection(socket: MediaSocket): void {
    const { streamId, role, sub } = socket.data.claims;
    const log = childLogger(this.#rootLogger, 'MediaSocket', { streamId, socketId: socket.id, role });
    // Handlers first: a request that arrives while we join waits on data.peer.
    for (const name of Object.keys(mediaRequestSchemas) as MediaRequestName[]) {
      socket.on(name, (payload: unknown, ack?: unknown) => void this.#handle(socket, log, name, payload, ack));
    }
    socket.data.peer = this.#join(socket, streamId, role);
    socket.data.peer.then(
      ({ broadcast, peer }) => {
        this.#release(streamId, socket.id);
        if (socket.disconnected) {
          this.#onDisconnect(broadcast, peer);
          return;
        }
        if (broadcast.closed) {
          // Closed while we joined: the room's 'media:broadcastClosed' went out before we were in it.
          socket.emit('media:broadcastClosed', { streamId, reason: broadcast.closeReason ?? 'ended' });
          socket.disconnect(true);
          return;
        }
        void socket.join([room(streamId), ...(role === 'consume' ? [viewersRoom(streamId)] : [])]);
        peer.on('consumerclosed', (consumerId) => socket.emit('media:consumerClosed', { consumerId }));
        socket.once('disconnect', (reason) => {
          log.debug({ reason }, 'media socket disconnected');
          this.#onDisconnect(broadcast, peer);
        });
        socket.emit('media:welcome', { streamId, role, routerRtpCapabilities: broadcast.routerRtpCapabilities });
        log.info({ sub, workerIndex: peer.workerIndex }, 'media peer joined');
      },
      (error: unknown) => {
        this.#release(streamId, socket.id);
        log.warn({ err: error }, 'could not join the broadcast');
        // It ended between handshake and join: say so, as to everyone else in it.
        if (error instanceof MediaRequestError && error.code === 'not_live') {
          socket.emit('media:broadcastClosed', { streamId, reason: 'ended' });
        }
        socket.disconnect(true);
      },
    );
  }

  async #join(socket: MediaSocket, streamId: string, role: 'publish' | 'consume'): Promise<{ broadcast: Broadcast; peer: Peer }> {
    const broadcast = role === 'publish' ? await this.#registry.getOrCreate(streamId) : this.#registry.get(streamId);
    if (!broadcast) throw new MediaRequestError('not_live', 'the broadcast has ended');
    return { broadcast, peer: await broadcast.join(socket.id, role) };
  }

  #onDisconnect(broadcast: Broadcast, peer: Peer): void {
    if (peer.role === 'publish') broadcast.publisherDisconnected(peer.id);
    else broadcast.leave(peer.id);
  }

  async #handle(socket: MediaSocket, log: Logger, name: MediaRequestName, payload: unknown, ack: unknown): Promise<void> {
    // A client that emits without a payload puts its callback first.
    if (typeof payload === 'function' && ack === undefined) [payload, ack] = [undefined, payload];
    const reply = typeof ack === 'function' ? (ack as (r: AckResponse<unknown>) => void) : () => undefined;
    try {
      const data: unknown = mediaRequestSchemas[name].parse(payload);
      const ctx = await socket.data.peer!;
      const handler = this.#handlers[name] as (c: typeof ctx, d: unknown) => Promise<unknown>;
      reply({ ok: true, data: await handler(ctx, data) });
      log.trace({ request: name }, 'media request ok');
    } catch (error) {
      const { code, message } = toAckError(error);
      const level = code === 'internal_error' ? 'error' : 'warn';
      log[level]({ request: name, code, err: error }, 'media request failed');
      reply({ ok: false, error: { code, message } });
    }
  }

  /** Fans a broadcast's lifecycle out to its sockets. */
  #watch(broadcast: Broadcast): void {
    const { streamId } = broadcast;
    broadcast.on('produceradded', (p) => this.#io.to(viewersRoom(streamId)).emit('media:producerAdded', p));
    broadcast.on('peerevicted', (peerId) => this.#kick(peerId, streamId));
    broadcast.on('publisherreplaced', (peerId) => this.#io.sockets.sockets.get(peerId)?.disconnect(true));
    broadcast.once('close', (reason) => {
      this.#io.to(room(streamId)).emit('media:broadcastClosed', { streamId, reason });
      this.#io.in(room(streamId)).disconnectSockets(true);
    });
  }

  #kick(peerId: string, streamId: string): void {
    const socket = this.#io.sockets.sockets.get(peerId);
    socket?.emit('media:broadcastClosed', { streamId, reason: 'worker_died' });
    socket?.disconnect(true);
  }
}

/** Maps anything a handler threw to a contract error code; internals never reach the client. */
export function toAckError(error: unknown): { code: MediaErrorCode; message: string } {
  if (error instanceof MediaRequestError) return { code: error.code, message: error.message };
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { code: 'invalid_payload', message: `${where}${issue?.message ?? 'invalid payload'}` };
  }
  // mediasoup validates RTP/DTLS structures with TypeErrors (in Node and, relayed, from the worker).
  if (error instanceof TypeError) return { code: 'invalid_payload', message: error.message };
  if (error instanceof Error && error.name === 'UnsupportedError') return { code: 'invalid_payload', message: error.message };
  return { code: 'internal_error', message: 'internal error' };
}
