import {
  hlsPlaylistPath,
  type MediaEvent,
  type MediaTokenResponse,
  type StreamDetail,
  type StreamStatus,
  type StreamsResponse,
  type StreamSales,
  type StreamTimeline,
} from '@hawker/shared';
import { AppError } from '../errors.js';
import type { MediaServerClient } from '../repositories/media.client.js';
import type { StreamRepository, StreamRow } from '../repositories/stream.repository.js';
import type { StreamStatsRepository } from '../repositories/stream-stats.repository.js';
import type { Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import type { MediaTokenService } from './media-token.service.js';
import type { WindowCounter } from '../repositories/window-counter.js';

/** Live viewer counts come from the realtime layer (presence), not the database. */
export type ViewerCounter = { count(streamId: string): Promise<number> };

export class StreamService {
  constructor(
    private readonly streams: StreamRepository,
    private readonly viewers: ViewerCounter,
    private readonly media: MediaServerClient,
    private readonly tokens: MediaTokenService,
    private readonly events: DomainEvents,
    private readonly stats: StreamStatsRepository,
    /** Tokens minted per user (guests: per IP) per minute, and the limit. */
    private readonly mints: { counter: WindowCounter; perMinute: number },
  ) {}

  async list(status: StreamStatus | undefined): Promise<StreamsResponse> {
    const rows = await this.streams.list(status);
    return { data: await Promise.all(rows.map((r) => this.toDetail(r))) };
  }

  async get(id: string): Promise<StreamDetail> {
    const row = await this.streams.find(id);
    if (!row) throw AppError.notFound('Stream');
    return this.toDetail(row);
  }

  async create(principal: Principal | null, title: string): Promise<StreamDetail> {
    if (!principal) throw AppError.unauthenticated();
    if (!principal.roles.includes('creator')) throw AppError.forbidden('Only creators can go live.', 'creator_role_required');
    const shop = await this.streams.firstShopOf(principal.userId);
    return this.toDetail(await this.streams.create({ creatorId: principal.userId, shopId: shop?.id ?? null, title }));
  }

  /** The owner gets a publish token while the stream has not ended; everyone else (guests too) consumes. */
  async mediaToken(principal: Principal | null, streamId: string, ip: string): Promise<MediaTokenResponse> {
    if ((await this.mints.counter.hit(principal ? `user:${principal.userId}` : `ip:${ip}`)) > this.mints.perMinute)
      throw AppError.rateLimited('Too many video connections started; wait a minute and reload.');
    const row = await this.streams.find(streamId);
    if (!row) throw AppError.notFound('Stream');
    if (row.status === 'ended') throw AppError.conflict('stream_ended', 'This stream has ended; watch the replay instead.');
    const role = principal?.userId === row.creatorId ? 'publish' : 'consume';
    return this.tokens.mint({ subject: principal?.userId ?? null, streamId, role });
  }

  async end(principal: Principal | null, streamId: string): Promise<StreamDetail> {
    if (!principal) throw AppError.unauthenticated();
    const row = await this.streams.find(streamId);
    if (!row) throw AppError.notFound('Stream');
    if (row.creatorId !== principal.userId) throw AppError.forbidden('Only the creator can end this stream.');
    if (row.status === 'ended') return this.toDetail(row);
    const recording = await this.media.closeBroadcast(streamId);
    await this.finish(streamId, new Date(), recording);
    return this.get(streamId);
  }

  /** Sales figures for the creator's console (owner or admin only). */
  async sales(principal: Principal | null, streamId: string): Promise<StreamSales> {
    if (!principal) throw AppError.unauthenticated();
    const row = await this.streams.find(streamId);
    if (!row) throw AppError.notFound('Stream');
    if (row.creatorId !== principal.userId && !principal.roles.includes('admin'))
      throw AppError.forbidden('Only the creator sees the sales.');
    const s = await this.stats.sales(streamId);
    const main = [...s.gmv].sort((a, b) => (b._sum.totalMinor ?? 0) - (a._sum.totalMinor ?? 0))[0];
    return {
      orders: s.orders,
      units: s.units,
      buyers: s.buyers,
      gmvMinor: main?._sum.totalMinor ?? 0,
      currency: main?.currency ?? null,
      peakViewers: s.peakViewers,
      conversion: s.peakViewers > 0 ? Math.min(1, s.buyers / s.peakViewers) : 0,
    };
  }

  /** The replay's product timeline ("shown at 12:04, 37 sold"). */
  async timeline(streamId: string): Promise<StreamTimeline> {
    if (!(await this.streams.find(streamId))) throw AppError.notFound('Stream');
    const { pins, sold } = await this.stats.timeline(streamId);
    return {
      data: pins.map((p) => ({
        listingId: p.listingId,
        title: p.listing.title,
        shownAtMs: p.offsetMs,
        hiddenAtMs: p.unpinnedAt ? p.offsetMs + (p.unpinnedAt.getTime() - p.pinnedAt.getTime()) : null,
        sold: sold.get(p.listingId) ?? 0,
      })),
    };
  }

  /** Callbacks from the media-server: the api owns stream status. */
  async onMediaEvent(event: MediaEvent): Promise<void> {
    if (event.type === 'broadcast.live') {
      const row = await this.streams.markLive(event.streamId, new Date(event.at), event.hlsPath);
      if (row?.startedAt) this.events.emit('stream.live', { streamId: row.id, startedAt: row.startedAt, hlsUrl: event.hlsPath });
      // Video for a stream that has ended (a media-server that restarted and forgot it): shut it.
      else if ((await this.streams.find(event.streamId))?.status === 'ended') await this.media.closeBroadcast(event.streamId);
      return;
    }
    await this.finish(event.streamId, new Date(event.at), { recordingPath: event.recordingPath, durationMs: event.durationMs });
  }

  private async finish(streamId: string, at: Date, recording: { recordingPath: string | null; durationMs: number } | null): Promise<void> {
    const rec = { recordingPath: recording?.recordingPath ?? null, durationMs: recording?.durationMs ?? null };
    const ended = await this.streams.markEnded(streamId, at, rec);
    if (ended) this.events.emit('stream.ended', { streamId, endedAt: at, replayUrl: ended.recordingPath });
    else if (recording) await this.streams.setRecording(streamId, rec);
  }

  private async toDetail(r: StreamRow): Promise<StreamDetail> {
    const live = r.status === 'live';
    return {
      id: r.id,
      title: r.title,
      status: r.status,
      creator: r.creator,
      viewerCount: live ? await this.viewers.count(r.id) : 0,
      hlsUrl: live ? (r.hlsPath ?? hlsPlaylistPath(r.id)) : null,
      startedAt: r.startedAt?.toISOString() ?? null,
      replayUrl: r.status === 'ended' ? r.recordingPath : null,
      endedAt: r.endedAt?.toISOString() ?? null,
      durationMs: r.durationMs,
    };
  }
}
