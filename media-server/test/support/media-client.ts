import { io, type Socket } from 'socket.io-client';
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

export type MediaClientSocket = Socket<MediaServerToClientEvents, MediaClientToServerEvents>;

export interface ConnectedClient {
  socket: MediaClientSocket;
  welcome: MediaWelcome;
  /** Every server event received, in order, for assertions on what a client saw. */
  received: { event: string; payload: unknown }[];
  request<K extends MediaRequestName>(name: K, payload: MediaRequest<K>): Promise<AckResponse<MediaResponses[K]>>;
  /** Sends anything at all, for malformed-payload tests. */
  raw(name: string, ...args: unknown[]): Promise<AckResponse<unknown>>;
  close(): void;
}

function socketFor(baseUrl: string, token: unknown): MediaClientSocket {
  return io(baseUrl, {
    path: MEDIA_SOCKET_PATH,
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** Connects and resolves once 'media:welcome' arrives; rejects with the refusal code. */
export function connectMedia(baseUrl: string, token: unknown, timeoutMs = 5_000): Promise<ConnectedClient> {
  const socket = socketFor(baseUrl, token);
  const received: ConnectedClient['received'] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('timed out waiting for media:welcome'));
    }, timeoutMs);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.once('media:welcome', (welcome) => {
      clearTimeout(timer);
      resolve({
        socket,
        welcome,
        received,
        request: (name, payload) =>
          (socket.timeout(5_000) as unknown as { emitWithAck(n: string, p: unknown): Promise<never> }).emitWithAck(name, payload),
        raw: (name, ...args) =>
          (socket.timeout(5_000) as unknown as { emitWithAck(n: string, ...a: unknown[]): Promise<never> }).emitWithAck(name, ...args),
        close: () => socket.close(),
      });
    });
  });
}

/** The handshake refusal's message (the error code), or 'connected' if it was accepted. */
export async function refusalOf(baseUrl: string, token: unknown): Promise<string> {
  try {
    const client = await connectMedia(baseUrl, token);
    client.close();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Resolves with the next `event` payload on the socket. */
export function nextEvent<K extends keyof MediaServerToClientEvents>(
  socket: MediaClientSocket,
  event: K,
  timeoutMs = 5_000,
): Promise<Parameters<MediaServerToClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    const listener = (payload: Parameters<MediaServerToClientEvents[K]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    };
    (socket as unknown as { once(e: string, l: (p: unknown) => void): void }).once(event, listener as (p: unknown) => void);
  });
}
