import type { StreamStatus, StreamsResponse } from '@hawker/shared';
import type { StreamRepository } from '../repositories/stream.repository.js';

/** Live viewer counts come from the realtime layer (presence), not the database. */
export type ViewerCounter = { count(streamId: string): Promise<number> };

export class StreamService {
  constructor(
    private readonly streams: StreamRepository,
    private readonly viewers: ViewerCounter,
  ) {}

  async list(status: StreamStatus | undefined): Promise<StreamsResponse> {
    const rows = await this.streams.list(status);
    const data = await Promise.all(
      rows.map(async (s) => ({
        id: s.id,
        title: s.title,
        status: s.status,
        creator: s.creator,
        viewerCount: s.status === 'live' ? await this.viewers.count(s.id) : 0,
        hlsUrl: s.hlsPath,
        startedAt: s.startedAt ? s.startedAt.toISOString() : null,
      })),
    );
    return { data };
  }
}
