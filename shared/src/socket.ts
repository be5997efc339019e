import { z } from 'zod';
import type { Ack } from './errors.js';
import { idSchema } from './ids.js';
import type { Role } from './auth.js';

/**
 * The one contract for the realtime wire (Socket.IO). The api types its Server
 * and the web types its client socket with these maps, so both sides compile
 * against the same file. Wire names are `noun:verb`. Every client request has an
 * ack `{ ok: true, data } | { ok: false, error: { code, message } }`.
 * Later capabilities (chat, pins, deals, purchases) extend these maps.
 */

export const roomJoinSchema = z.object({ streamId: idSchema }).strict();
export type RoomJoin = z.infer<typeof roomJoinSchema>;

export interface RoomSnapshot {
  streamId: string;
  viewerCount: number;
  serverTime: string;
}

export interface ClientToServerEvents {
  'room:join': (payload: RoomJoin, ack: Ack<RoomSnapshot>) => void;
  'room:leave': (payload: RoomJoin, ack: Ack<null>) => void;
  'time:sync': (payload: { clientTime: number }, ack: Ack<{ clientTime: number; serverTime: number }>) => void;
}

export interface ServerToClientEvents {
  'viewers:count': (payload: { streamId: string; count: number }) => void;
  'stream:live': (payload: { streamId: string; startedAt: string; hlsUrl: string }) => void;
  'stream:ended': (payload: { streamId: string; endedAt: string; replayUrl: string | null }) => void;
}

/** Messages between api nodes through the Redis adapter (serverSideEmit). */
export interface InterServerEvents {
  'node:hello': (payload: { nodeId: string }) => void;
}

/** What the handshake establishes about a connection, from the session cookie. */
export interface SocketData {
  userId: string | null;
  roles: Role[];
  nodeId: string;
}
