import type { RoomSnapshot } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { PresenceRepository } from '../repositories/presence.repository.js';
import type { StreamRepository } from '../repositories/stream.repository.js';

/** Joining and leaving a stream's room; the realtime layer does the socket work. */
export class RoomService {
  constructor(
    private readonly streams: StreamRepository,
    private readonly presence: PresenceRepository,
  ) {}

  async join(streamId: string): Promise<RoomSnapshot> {
    if (!(await this.streams.exists(streamId))) throw AppError.notFound('Stream');
    const viewerCount = await this.presence.add(streamId, 1);
    return { streamId, viewerCount, serverTime: new Date().toISOString() };
  }

  leave(streamId: string): Promise<number> {
    return this.presence.add(streamId, -1);
  }

  viewerCount(streamId: string): Promise<number> {
    return this.presence.count(streamId);
  }
}
