import {
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
import type { NotificationService } from './notification.service.js';
import { toStreamDetail, toStreamSummary } from './stream-views.js';

export type StreamLifecycle = {
  live(creatorId: string, streamId: string): Promise<void>;
  ended(streamId: string): Promise<void>;
  sponsorOf(streamId: string): Promise<string | null>;
};

type ShowInput = {
  title: string;
  description?: string | undefined;
  scheduledAt?: string | undefined;
  featuredListingIds?: string[] | undefined;
};

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
    private readonly notifications: NotificationService,
    /** Whether the creator may feature this listing in a show (their own, or one offered to creators). */
    private readonly canFeature: (creatorId: string, listingIds: string[]) => Promise<boolean>,
    /** Told when a show goes live or ends (sponsorship coverage and measurement), and who sponsors a show. */
    private readonly lifecycle: StreamLifecycle = {
      live: () => Promise.resolve(),
      ended: () => Promise.resolve(),
      sponsorOf: () => Promise.resolve(null),
    },
  ) {}

  async list(status: StreamStatus | undefined, upcoming = false, creatorId?: string): Promise<StreamsResponse> {
    const rows = upcoming ? await this.streams.upcoming(new Date(), creatorId) : await this.streams.list(status, creatorId);
    return { data: await Promise.all(rows.map(async (r) => toStreamSummary(r, r.status === 'live' ? await this.viewers.count(r.id) : 0))) };
  }

  async get(id: string, principal: Principal | null = null): Promise<StreamDetail> {
    const row = await this.streams.find(id);
    if (!row) throw AppError.notFound('Stream');
    return this.toDetail(row, principal);
  }

  /** Go live now (a title), or announce a show for later (scheduledAt, products to feature). */
  async create(principal: Principal | null, input: ShowInput): Promise<StreamDetail> {
    if (!principal) throw AppError.unauthenticated();
    if (!principal.roles.includes('creator')) throw AppError.forbidden('Only creators can go live.', 'creator_role_required');
    await this.checkFeatured(principal.userId, input.featuredListingIds);
    const shop = await this.streams.firstShopOf(principal.userId);
    const row = await this.streams.create({
      creatorId: principal.userId,
      shopId: shop?.id ?? null,
      title: input.title,
      description: input.description,
      scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : undefined,
      featuredListingIds: input.featuredListingIds,
    });
    return this.toDetail(row, principal);
  }

  /** Reschedules or edits a show that has not started; a new time is told to those who asked to be reminded. */
  async update(principal: Principal | null, id: string, changes: Partial<ShowInput>): Promise<StreamDetail> {
    const row = await this.ownShow(principal, id);
    await this.checkFeatured(row.creatorId, changes.featuredListingIds);
    const updated = await this.streams.updateUpcoming(id, {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.scheduledAt !== undefined ? { scheduledAt: new Date(changes.scheduledAt) } : {}),
      ...(changes.featuredListingIds !== undefined ? { featuredListingIds: changes.featuredListingIds } : {}),
    });
    if (!updated) throw AppError.conflict('show_not_upcoming', 'Only a show that has not started can be changed.');
    const moved = changes.scheduledAt !== undefined && updated.scheduledAt?.getTime() !== row.scheduledAt?.getTime();
    if (moved && updated.scheduledAt) {
      const when = updated.scheduledAt.toISOString();
      await this.notifications.notifyMany(
        'reminders',
        { creatorId: row.creatorId, streamId: id },
        'show.rescheduled',
        {
          title: `${row.creator.displayName} moved “${updated.title}”`,
          body: `New time: ${when}`,
          url: `/live/${id}`,
          creatorId: row.creatorId,
        },
        `rescheduled:${id}:${when}`,
      );
    }
    return this.toDetail(updated, principal);
  }

  /** Cancels a show that has not started; those who asked to be reminded are told. */
  async cancel(principal: Principal | null, id: string): Promise<StreamDetail> {
    const row = await this.ownShow(principal, id);
    if (!(await this.streams.cancel(id)))
      throw AppError.conflict('show_not_upcoming', 'Only a show that has not started can be cancelled.');
    await this.notifications.notifyMany(
      'reminders',
      { creatorId: row.creatorId, streamId: id },
      'show.cancelled',
      {
        title: `${row.creator.displayName} cancelled “${row.title}”`,
        body: 'This show will not take place.',
        url: `/c/${row.creator.handle ?? ''}`,
        creatorId: row.creatorId,
      },
      `cancelled:${id}`,
    );
    return this.get(id, principal);
  }

  /** Asks to be told when the show starts (or is moved or cancelled). */
  async remind(principal: Principal | null, id: string, on: boolean): Promise<StreamDetail> {
    if (!principal) throw AppError.unauthenticated();
    const row = await this.streams.find(id);
    if (!row) throw AppError.notFound('Stream');
    if (on && (row.status !== 'scheduled' || row.cancelledAt || !row.scheduledAt))
      throw AppError.conflict('show_not_upcoming', 'Reminders are for shows that have not started.');
    await this.streams.setReminder(id, principal.userId, on);
    return this.toDetail(row, principal);
  }

  private async ownShow(principal: Principal | null, id: string): Promise<StreamRow> {
    if (!principal) throw AppError.unauthenticated();
    const row = await this.streams.find(id);
    if (!row) throw AppError.notFound('Stream');
    if (row.creatorId !== principal.userId) throw AppError.forbidden('Only the creator changes this show.');
    return row;
  }

  private async checkFeatured(creatorId: string, listingIds: string[] | undefined): Promise<void> {
    if (listingIds && listingIds.length > 0 && !(await this.canFeature(creatorId, [...new Set(listingIds)])))
      throw AppError.forbidden('Feature your own active listings, or listings their shops offer to creators.', 'not_featurable');
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
      if (row?.startedAt) {
        this.events.emit('stream.live', { streamId: row.id, startedAt: row.startedAt, hlsUrl: event.hlsPath });
        await this.lifecycle.live(row.creatorId, row.id);
        await this.announceLive(row);
      }
      // Video for a stream that has ended (a media-server that restarted and forgot it): shut it.
      else if ((await this.streams.find(event.streamId))?.status === 'ended') await this.media.closeBroadcast(event.streamId);
      return;
    }
    await this.finish(event.streamId, new Date(event.at), { recordingPath: event.recordingPath, durationMs: event.durationMs });
  }

  private async finish(streamId: string, at: Date, recording: { recordingPath: string | null; durationMs: number } | null): Promise<void> {
    const rec = { recordingPath: recording?.recordingPath ?? null, durationMs: recording?.durationMs ?? null };
    const ended = await this.streams.markEnded(streamId, at, rec);
    if (ended) {
      this.events.emit('stream.ended', { streamId, endedAt: at, replayUrl: ended.recordingPath });
      await this.lifecycle.ended(streamId);
    } else if (recording) await this.streams.setRecording(streamId, rec);
  }

  /** Followers hear that the creator is live; people who asked to be reminded of this show, that it starts. */
  private async announceLive(row: StreamRow): Promise<void> {
    const payload = { body: row.title, url: `/live/${row.id}`, creatorId: row.creatorId };
    await this.notifications.notifyMany(
      'followers',
      { creatorId: row.creatorId, streamId: row.id },
      'creator.live',
      { ...payload, title: `${row.creator.displayName} is live` },
      `live:${row.id}`,
    );
    if (row.scheduledAt)
      await this.notifications.notifyMany(
        'reminders',
        { creatorId: row.creatorId, streamId: row.id },
        'show.starting',
        { ...payload, title: `“${row.title}” is starting` },
        `starting:${row.id}`,
      );
  }

  private async toDetail(r: StreamRow, principal: Principal | null = null): Promise<StreamDetail> {
    const [viewerCount, reminded, sponsor] = await Promise.all([
      r.status === 'live' ? this.viewers.count(r.id) : Promise.resolve(0),
      principal ? this.streams.hasReminder(r.id, principal.userId) : Promise.resolve(false),
      this.lifecycle.sponsorOf(r.id),
    ]);
    return { ...toStreamDetail(r, viewerCount, reminded), sponsor: sponsor ? { companyName: sponsor } : null };
  }
}
