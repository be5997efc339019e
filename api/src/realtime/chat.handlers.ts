import {
  dealLaunchSchema,
  purchaseCreateSchema,
  pinSetSchema,
  chatDeleteSchema,
  chatSendSchema,
  modBlockedWordsSchema,
  modSlowModeSchema,
  modTargetSchema,
  modTimeoutSchema,
} from '@hawker/shared';
import type { Principal } from '../services/auth.service.js';
import { handle } from './ack.js';
import { roomName } from './room.handlers.js';
import type { HawkerSocket, RealtimeDeps } from './io.js';

/** Chat and moderation requests: parse → ChatService (which authorizes) → ack. Fan-out happens via domain events. */
export function registerChatHandlers(socket: HawkerSocket, deps: RealtimeDeps): void {
  const log = deps.logger.child({ socket: socket.id });
  const principal = (): Principal | null => (socket.data.userId ? { userId: socket.data.userId, roles: socket.data.roles } : null);
  const chat = deps.chat;

  socket.on(
    'deal:launch',
    handle(dealLaunchSchema, log, (p) => deps.deals.launch(principal(), p)),
  );
  socket.on(
    'purchase:create',
    handle(purchaseCreateSchema, log, (p) => deps.deals.purchase(principal(), p, socket.rooms.has(roomName(p.streamId)))),
  );
  socket.on(
    'chat:send',
    handle(chatSendSchema, log, (p) => chat.send(principal(), p.streamId, p.text)),
  );
  socket.on(
    'chat:delete',
    handle(chatDeleteSchema, log, (p) => chat.delete(principal(), p.streamId, p.messageId)),
  );
  socket.on(
    'mod:timeout',
    handle(modTimeoutSchema, log, (p) => chat.timeout(principal(), p.streamId, p.userId, p.seconds)),
  );
  socket.on(
    'mod:ban',
    handle(modTargetSchema, log, (p) => chat.ban(principal(), p.streamId, p.userId, true)),
  );
  socket.on(
    'mod:unban',
    handle(modTargetSchema, log, (p) => chat.ban(principal(), p.streamId, p.userId, false)),
  );
  socket.on(
    'mod:appoint',
    handle(modTargetSchema, log, (p) => chat.appoint(principal(), p.streamId, p.userId)),
  );
  socket.on(
    'pin:set',
    handle(pinSetSchema, log, (p) => deps.pins.set(principal(), p.streamId, p.listingIds)),
  );
  socket.on(
    'mod:slowMode',
    handle(modSlowModeSchema, log, (p) => chat.setSlowMode(principal(), p.streamId, p.seconds)),
  );
  socket.on(
    'mod:blockedWords',
    handle(modBlockedWordsSchema, log, (p) => chat.setBlockedWords(principal(), p.streamId, p.words)),
  );
}
