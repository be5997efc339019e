import type { DealView, RoomSnapshot } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { ChatService } from './chat.service.js';
import type { PinService } from './pin.service.js';
import type { PresenceRepository } from '../repositories/presence.repository.js';
import type { StreamRepository } from '../repositories/stream.repository.js';
import type { StreamStatsRepository } from '../repositories/stream-stats.repository.js';

/** Joining and leaving a stream's room; the realtime layer does the socket work. */
export class RoomService {
  constructor(
    private readonly streams: StreamRepository,
    private readonly presence: PresenceRepository,
    private readonly chat: ChatService,
    private readonly pins: PinService,
    private readonly deals: { active(streamId: string): Promise<DealView | null> },
    private readonly stats: StreamStatsRepository,
  ) {}

  async join(streamId: string): Promise<RoomSnapshot> {
    if (!(await this.streams.exists(streamId))) throw AppError.notFound('Stream');
    const [viewerCount, chat, pins, activeDeal] = await Promise.all([
      this.presence.add(streamId, 1),
      this.chat.snapshot(streamId),
      this.pins.current(streamId),
      this.deals.active(streamId),
    ]);
    await this.stats.bumpPeak(streamId, viewerCount);
    return { streamId, viewerCount, serverTime: new Date().toISOString(), ...chat, pins, activeDeal };
  }

  /** The snapshot for a socket that is already in the room (no second presence count). */
  async current(streamId: string): Promise<RoomSnapshot> {
    const [viewerCount, chat, pins, activeDeal] = await Promise.all([
      this.presence.count(streamId),
      this.chat.snapshot(streamId),
      this.pins.current(streamId),
      this.deals.active(streamId),
    ]);
    return { streamId, viewerCount, serverTime: new Date().toISOString(), ...chat, pins, activeDeal };
  }

  leave(streamId: string): Promise<number> {
    return this.presence.add(streamId, -1);
  }

  viewerCount(streamId: string): Promise<number> {
    return this.presence.count(streamId);
  }
}
