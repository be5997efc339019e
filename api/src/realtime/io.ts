import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@hawker/shared';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { RedisClient } from '../repositories/redis.js';
import type { AuthService } from '../services/auth.service.js';
import type { RoomService } from '../services/room.service.js';
import { registerRoomHandlers } from './room.handlers.js';
import { registerChatHandlers } from './chat.handlers.js';
import type { ChatService } from '../services/chat.service.js';
import type { PinService } from '../services/pin.service.js';
import type { DealService } from '../services/deal.service.js';
import type { TaskTracker } from './task-tracker.js';
import type { ViewerCountFanout } from './viewer-count-fanout.js';
import { SingleBufferFramesAdapter, withSingleBufferFrames } from './single-buffer-frames.js';
import { writeAllFramesWhole } from './single-write-frames.js';
import { admitConnections, originCheck, type AdmissionDeps } from './admission.js';

export type HawkerServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HawkerSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export type RealtimeDeps = AdmissionDeps & {
  auth: AuthService;
  rooms: RoomService;
  chat: ChatService;
  pins: PinService;
  deals: DealService;
  logger: Logger;
  nodeId: string;
  /** Background work (e.g. leave-on-disconnect) that shutdown waits for before closing Redis. */
  tasks: TaskTracker;
  /** Coalesced viewers:count broadcasts (one per room per second at most). */
  viewerCounts: ViewerCountFanout;
  /** Two dedicated connections (pub, sub) for the adapter and the prefix of its channels; absent = in-memory adapter. */
  redis?: { pub: RedisClient; sub: RedisClient; keyPrefix: string };
};

/**
 * The Socket.IO server, typed with the shared contract. With Redis the adapter
 * carries every room broadcast to every api node. Guests may connect (watch,
 * read chat); the session cookie on the handshake identifies users
 * (admission.ts: origin, caps per user and IP, the session's lifetime).
 */
export function createRealtimeServer(http: HttpServer, deps: RealtimeDeps): HawkerServer {
  const io: HawkerServer = new Server(http, {
    serveClient: false,
    // The same HTTP server forwards /media/socket.io upgrades to the media-server;
    // engine.io must not destroy upgrades that are not its own.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    // Cross-site WebSocket hijacking: the handshake carries the cookie, so it must come from our own pages.
    allowRequest: originCheck(deps.origins),
    // Either way, a room broadcast's frame is written to each socket as one buffer (single-buffer-frames.ts).
    adapter: deps.redis
      ? withSingleBufferFrames(createAdapter(deps.redis.pub, deps.redis.sub, { key: `${deps.redis.keyPrefix}io` }))
      : SingleBufferFramesAdapter,
  });

  // Acks and a socket's own emits: each frame in one write too (single-write-frames.ts).
  writeAllFramesWhole(io);
  admitConnections(io, deps);
  io.on('connection', (socket) => {
    registerRoomHandlers(socket, deps);
    registerChatHandlers(socket, deps);
  });
  return io;
}
