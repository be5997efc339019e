import { hlsPlaylistPath, type StreamDetail, type StreamSummary } from '@hawker/shared';
import type { StreamRow } from '../repositories/stream.repository.js';

/** A stream as lists show it (the viewer count comes from presence, for live ones). */
export function toStreamSummary(r: StreamRow, viewerCount: number): StreamSummary {
  const live = r.status === 'live';
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    creator: r.creator,
    viewerCount: live ? viewerCount : 0,
    hlsUrl: live ? (r.hlsPath ?? hlsPlaylistPath(r.id)) : null,
    startedAt: r.startedAt?.toISOString() ?? null,
    scheduledAt: r.scheduledAt?.toISOString() ?? null,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
  };
}

export function toStreamDetail(r: StreamRow, viewerCount: number, reminded: boolean): StreamDetail {
  return {
    ...toStreamSummary(r, viewerCount),
    description: r.description,
    replayUrl: r.status === 'ended' ? r.recordingPath : null,
    endedAt: r.endedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    featured: r.features.map((f) => ({ listingId: f.listingId, ...f.listing })),
    reminded,
    sponsor: null,
  };
}
