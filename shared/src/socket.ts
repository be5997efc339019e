import { z } from 'zod';
import type { Ack } from './errors.js';
import { idSchema } from './ids.js';
import type { Role } from './auth.js';
import type { ChatMessageView, ChatSettings, PinnedProduct } from './chat.js';
import type { DealView, PurchaseAnswer, PurchaseFailed, PurchasePaid, dealLaunchSchema, purchaseCreateSchema } from './deals.js';
import type { NotificationPush } from './notifications.js';
import type {
  pinSetSchema,
  chatDeleteSchema,
  chatSendSchema,
  modBlockedWordsSchema,
  modSlowModeSchema,
  modTargetSchema,
  modTimeoutSchema,
} from './chat.js';

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
  recentChat: ChatMessageView[];
  chatSettings: ChatSettings;
  pins: PinnedProduct[];
  activeDeal: DealView | null;
  /** Who the joining user is in this room, so the UI offers what the server will allow (the server still checks). */
  viewer: { isCreator: boolean; canModerate: boolean };
}

export interface ClientToServerEvents {
  'room:join': (payload: RoomJoin, ack: Ack<RoomSnapshot>) => void;
  'room:leave': (payload: RoomJoin, ack: Ack<null>) => void;
  'time:sync': (payload: { clientTime: number }, ack: Ack<{ clientTime: number; serverTime: number }>) => void;
  'chat:send': (payload: z.input<typeof chatSendSchema>, ack: Ack<ChatMessageView>) => void;
  'chat:delete': (payload: z.input<typeof chatDeleteSchema>, ack: Ack<null>) => void;
  'mod:timeout': (payload: z.input<typeof modTimeoutSchema>, ack: Ack<null>) => void;
  'mod:ban': (payload: z.input<typeof modTargetSchema>, ack: Ack<null>) => void;
  'mod:unban': (payload: z.input<typeof modTargetSchema>, ack: Ack<null>) => void;
  'mod:appoint': (payload: z.input<typeof modTargetSchema>, ack: Ack<null>) => void;
  'pin:set': (payload: z.input<typeof pinSetSchema>, ack: Ack<PinnedProduct[]>) => void;
  'deal:launch': (payload: z.input<typeof dealLaunchSchema>, ack: Ack<DealView>) => void;
  /** A pinned listing answers with the paid order; a flash deal at once with a reservation (or a refusal). */
  'purchase:create': (payload: z.input<typeof purchaseCreateSchema>, ack: Ack<PurchaseAnswer>) => void;
  'mod:slowMode': (payload: z.input<typeof modSlowModeSchema>, ack: Ack<ChatSettings>) => void;
  'mod:blockedWords': (payload: z.input<typeof modBlockedWordsSchema>, ack: Ack<ChatSettings>) => void;
}

export interface ServerToClientEvents {
  'viewers:count': (payload: { streamId: string; count: number }) => void;
  'stream:live': (payload: { streamId: string; startedAt: string; hlsUrl: string }) => void;
  'stream:ended': (payload: { streamId: string; endedAt: string; replayUrl: string | null }) => void;
  'chat:message': (payload: ChatMessageView) => void;
  /**
   * Several messages at once: under a busy room each node coalesces the
   * messages it accepted in a short window (~100 ms) into one frame per viewer
   * instead of one frame per message. In order, oldest first. A quiet room's
   * first message still goes out at once as `chat:message`.
   */
  'chat:batch': (payload: { streamId: string; messages: ChatMessageView[] }) => void;
  'chat:deleted': (payload: { streamId: string; messageId: string }) => void;
  'pin:changed': (payload: { streamId: string; pins: PinnedProduct[] }) => void;
  'deal:started': (payload: DealView) => void;
  'deal:stock': (payload: { streamId: string; dealId: string; remaining: number }) => void;
  'deal:ended': (payload: { streamId: string; dealId: string; sold: number }) => void;
  /**
   * The "someone just bought" ticker, coalesced per stream (about one a second
   * in a rush): the latest buyer, and how many other purchases this event stands for.
   */
  'purchase:made': (payload: { streamId: string; buyer: string; title: string; quantity: number; alsoBought: number }) => void;
  'chat:settings': (payload: { streamId: string } & ChatSettings) => void;
  /** On the buyer's own channel: a deal reservation's payment went through. */
  'purchase:paid': (payload: PurchasePaid) => void;
  /** On the buyer's own channel: it did not (the unit is back on sale). */
  'purchase:failed': (payload: PurchaseFailed) => void;
  /** On the person's own channel: something to show in their bell (pull GET /api/notifications for what was missed). */
  'notification:new': (payload: NotificationPush) => void;
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
  /** The session the cookie named (null for guests): logging out disconnects its sockets on every node. */
  sessionId: string | null;
  /** The client's address as the trusted proxies report it (connection caps, guest viewer counting). */
  ip: string;
  /** When that session expires (ms since the epoch): the socket is disconnected then. */
  sessionExpiresAt?: number;
}
