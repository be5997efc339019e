import type { DomainEvents } from '../services/domain-events.js';
import { ChatFanout } from './chat-fanout.js';
import type { HawkerServer } from './io.js';
import { roomName } from './room.handlers.js';
import { followsRoom, optoutRoom, sessionRoom, userRoom } from './admission.js';

export type FanoutOptions = {
  /** Chat coalescing window per room (CHAT_BATCH_MS); 0 = one chat:message per message. */
  chatBatchMs: number;
};

/** What shutdown closes: chat still waiting in a window goes out, timers stop. */
export type RealtimeFanout = { close(): void };

/**
 * The one place that turns domain events into socket events for rooms
 * (`stream.live` → `stream:live`). The Redis adapter carries each emit to the
 * sockets on every api node. Chat is coalesced per room (chat-fanout.ts).
 */
export function forwardRealtimeEvents(events: DomainEvents, io: HawkerServer, options: FanoutOptions): RealtimeFanout {
  const chat = new ChatFanout(io, options.chatBatchMs);
  events.on('stream.live', (e) => {
    io.to(roomName(e.streamId)).emit('stream:live', { streamId: e.streamId, startedAt: e.startedAt.toISOString(), hlsUrl: e.hlsUrl });
  });
  events.on('stream.ended', (e) => {
    chat.flushRoom(e.streamId);
    io.to(roomName(e.streamId)).emit('stream:ended', { streamId: e.streamId, endedAt: e.endedAt.toISOString(), replayUrl: e.replayUrl });
  });
  events.on('chat.message', (m) => {
    chat.publish(m);
  });
  events.on('deal.started', (d) => {
    io.to(roomName(d.streamId)).emit('deal:started', d);
  });
  events.on('deal.stock', (e) => {
    io.to(roomName(e.streamId)).emit('deal:stock', e);
  });
  events.on('deal.ended', (e) => {
    io.to(roomName(e.streamId)).emit('deal:ended', e);
  });
  events.on('purchase.made', (e) => {
    io.to(roomName(e.streamId)).emit('purchase:made', e);
  });
  events.on('purchase.outcome', ({ buyerId, outcome }) => {
    const room = io.to(userRoom(buyerId));
    if (outcome.status === 'paid') room.emit('purchase:paid', outcome);
    else room.emit('purchase:failed', outcome);
  });
  events.on('pin.changed', (e) => {
    io.to(roomName(e.streamId)).emit('pin:changed', e);
  });
  events.on('chat.deleted', (e) => {
    chat.forget(e.streamId, e.messageId);
    io.to(roomName(e.streamId)).emit('chat:deleted', e);
  });
  events.on('chat.settings', (e) => {
    io.to(roomName(e.streamId)).emit('chat:settings', e);
  });
  events.on('notification.user', (e) => {
    io.to(e.userIds.map(userRoom)).except(optoutRoom(e.push.kind)).emit('notification:new', e.push);
  });
  events.on('notification.followers', (e) => {
    io.to(followsRoom(e.creatorId)).except(optoutRoom(e.push.kind)).emit('notification:new', e.push);
  });
  events.on('user.follows', (e) => {
    const sockets = io.in(userRoom(e.userId));
    if (e.listening) sockets.socketsJoin(followsRoom(e.creatorId));
    else sockets.socketsLeave(followsRoom(e.creatorId));
  });
  events.on('user.optout', (e) => {
    const sockets = io.in(userRoom(e.userId));
    if (e.optedOut) sockets.socketsJoin(optoutRoom(e.kind));
    else sockets.socketsLeave(optoutRoom(e.kind));
  });
  events.on('session.ended', (e) => {
    // Through the adapter, so the session's sockets on every node go.
    io.in(sessionRoom(e.sessionId)).disconnectSockets(true);
  });
  return chat;
}
