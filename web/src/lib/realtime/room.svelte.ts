import type { AckResponse, ClientToServerEvents, RoomSnapshot, ServerToClientEvents } from '@hawker/shared';
import { io, type Socket } from 'socket.io-client';

export type RoomState = 'idle' | 'connecting' | 'connected' | 'closed';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The viewer's presence in a stream's room on the api (Socket.IO). Joining
 * counts the viewer (WebRTC and HLS alike) and brings live events: viewer
 * counts and the stream ending. WebSocket transport only, so any api node
 * behind a plain load balancer can take the connection. Components read the
 * $state fields; only this class touches the socket.
 */
export class RoomConnection {
  state = $state<RoomState>('idle');
  viewerCount = $state<number | null>(null);
  /** Clock offset (server − client, ms) measured at join; later features align countdowns with it. */
  clockSkewMs = $state(0);

  #socket: RoomSocket | null = null;
  #streamId: string | null = null;

  constructor(private readonly handlers: { onEnded?: (replayUrl: string | null) => void; onLive?: () => void } = {}) {}

  join(streamId: string): void {
    if (this.#socket) return;
    this.#streamId = streamId;
    this.state = 'connecting';
    const socket: RoomSocket = io({ transports: ['websocket'], autoConnect: false });
    this.#socket = socket;
    socket.on('connect', () => {
      // Re-join after every (re)connect: a new node has no memory of this socket.
      const sentAt = Date.now();
      void socket
        .timeout(5000)
        .emitWithAck('room:join', { streamId })
        .then((ack: AckResponse<RoomSnapshot>) => {
          if (!ack.ok) {
            this.state = 'closed';
            return;
          }
          this.state = 'connected';
          this.viewerCount = ack.data.viewerCount;
          this.clockSkewMs = Date.parse(ack.data.serverTime) - (sentAt + Date.now()) / 2;
        })
        .catch(() => undefined);
    });
    socket.on('disconnect', () => {
      if (this.state !== 'closed') this.state = 'connecting';
    });
    socket.on('viewers:count', (p) => {
      if (p.streamId === this.#streamId) this.viewerCount = p.count;
    });
    socket.on('stream:ended', (p) => {
      if (p.streamId === this.#streamId) this.handlers.onEnded?.(p.replayUrl);
    });
    socket.on('stream:live', (p) => {
      if (p.streamId === this.#streamId) this.handlers.onLive?.();
    });
    socket.connect();
  }

  leave(): void {
    this.state = 'closed';
    this.#socket?.disconnect();
    this.#socket = null;
  }
}
