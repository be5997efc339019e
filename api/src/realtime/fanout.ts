import type { DomainEvents } from '../services/domain-events.js';
import type { HawkerServer } from './io.js';
import { roomName } from './room.handlers.js';

/**
 * The one place that turns domain events into socket events for rooms
 * (`stream.live` → `stream:live`). The Redis adapter carries each emit to the
 * sockets on every api node.
 */
export function forwardRealtimeEvents(events: DomainEvents, io: HawkerServer): void {
  events.on('stream.live', (e) => {
    io.to(roomName(e.streamId)).emit('stream:live', { streamId: e.streamId, startedAt: e.startedAt.toISOString(), hlsUrl: e.hlsUrl });
  });
  events.on('stream.ended', (e) => {
    io.to(roomName(e.streamId)).emit('stream:ended', { streamId: e.streamId, endedAt: e.endedAt.toISOString(), replayUrl: e.replayUrl });
  });
  events.on('chat.message', (m) => {
    io.to(roomName(m.streamId)).emit('chat:message', m);
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
  events.on('pin.changed', (e) => {
    io.to(roomName(e.streamId)).emit('pin:changed', e);
  });
  events.on('chat.deleted', (e) => {
    io.to(roomName(e.streamId)).emit('chat:deleted', e);
  });
  events.on('chat.settings', (e) => {
    io.to(roomName(e.streamId)).emit('chat:settings', e);
  });
}
