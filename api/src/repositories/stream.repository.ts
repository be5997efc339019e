import type { StreamStatus } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';

const detailColumns = {
  id: true,
  title: true,
  description: true,
  status: true,
  creatorId: true,
  scheduledAt: true,
  cancelledAt: true,
  startedAt: true,
  endedAt: true,
  durationMs: true,
  hlsPath: true,
  recordingPath: true,
  creator: { select: { id: true, displayName: true, handle: true } },
  features: {
    select: { listingId: true, listing: { select: { title: true, priceMinor: true, currency: true } } },
    orderBy: { position: 'asc' as const },
  },
} as const;

/** A show announced for a time still ahead: scheduled, not started, not cancelled. */
const upcomingWhere = (now: Date) => ({ status: 'scheduled' as const, cancelledAt: null, scheduledAt: { gt: now } });

export class StreamRepository {
  constructor(private readonly prisma: PrismaClient) {}

  list(status: StreamStatus | undefined, creatorId?: string, limit = 50) {
    return this.prisma.stream.findMany({
      where: { ...(status ? { status } : {}), ...(creatorId ? { creatorId } : {}) },
      orderBy: [{ startedAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
      take: limit,
      select: detailColumns,
    });
  }

  /** Shows announced for a time still ahead, soonest first (optionally one creator's). */
  upcoming(now: Date, creatorId?: string, limit = 50) {
    return this.prisma.stream.findMany({
      where: { ...upcomingWhere(now), ...(creatorId ? { creatorId } : {}) },
      orderBy: { scheduledAt: 'asc' },
      take: limit,
      select: detailColumns,
    });
  }

  /** A creator's live show, if any. */
  liveOf(creatorId: string) {
    return this.prisma.stream.findFirst({ where: { creatorId, status: 'live' }, orderBy: { startedAt: 'desc' }, select: detailColumns });
  }

  /** A creator's past shows, newest first. */
  pastOf(creatorId: string, limit = 24) {
    return this.prisma.stream.findMany({
      where: { creatorId, status: 'ended', startedAt: { not: null } },
      orderBy: { endedAt: 'desc' },
      take: limit,
      select: detailColumns,
    });
  }

  find(id: string) {
    return this.prisma.stream.findUnique({ where: { id }, select: detailColumns });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.stream.count({ where: { id } })) > 0;
  }

  create(input: {
    creatorId: string;
    shopId: string | null;
    title: string;
    description?: string | undefined;
    scheduledAt?: Date | undefined;
    featuredListingIds?: string[] | undefined;
  }) {
    const { featuredListingIds, ...data } = input;
    return this.prisma.stream.create({
      data: { ...data, features: { create: (featuredListingIds ?? []).map((listingId, position) => ({ listingId, position })) } },
      select: detailColumns,
    });
  }

  /** Edits a show that has not started; null when it has started, ended or was cancelled. */
  async updateUpcoming(id: string, changes: { title?: string; description?: string; scheduledAt?: Date; featuredListingIds?: string[] }) {
    const { featuredListingIds, ...data } = changes;
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.stream.updateMany({ where: { id, status: 'scheduled', cancelledAt: null }, data });
      if (count === 0) return null;
      if (featuredListingIds) {
        await tx.streamFeature.deleteMany({ where: { streamId: id } });
        await tx.streamFeature.createMany({
          data: featuredListingIds.map((listingId, position) => ({ streamId: id, listingId, position })),
        });
      }
      return tx.stream.findUniqueOrThrow({ where: { id }, select: detailColumns });
    });
  }

  /** Cancels a show that has not started (it never becomes upcoming or live again). */
  async cancel(id: string): Promise<boolean> {
    const { count } = await this.prisma.stream.updateMany({
      where: { id, status: 'scheduled', cancelledAt: null },
      data: { cancelledAt: new Date() },
    });
    return count === 1;
  }

  async setReminder(streamId: string, userId: string, on: boolean): Promise<void> {
    if (on)
      await this.prisma.showReminder.upsert({ where: { streamId_userId: { streamId, userId } }, create: { streamId, userId }, update: {} });
    else await this.prisma.showReminder.deleteMany({ where: { streamId, userId } });
  }

  async hasReminder(streamId: string, userId: string): Promise<boolean> {
    return (await this.prisma.showReminder.count({ where: { streamId, userId } })) > 0;
  }

  /** scheduled → live, once; returns null when the stream was not scheduled (already live, ended or cancelled). */
  async markLive(id: string, at: Date, hlsPath: string) {
    const { count } = await this.prisma.stream.updateMany({
      where: { id, status: 'scheduled', cancelledAt: null },
      data: { status: 'live', startedAt: at, hlsPath },
    });
    return count === 1 ? this.find(id) : null;
  }

  /** scheduled|live → ended, once; returns null when it had already ended. */
  async markEnded(id: string, at: Date, recording: { recordingPath: string | null; durationMs: number | null }) {
    const { count } = await this.prisma.stream.updateMany({
      where: { id, status: { in: ['scheduled', 'live'] } },
      data: { status: 'ended', endedAt: at, ...recording },
    });
    return count === 1 ? this.find(id) : null;
  }

  /** Keeps the recording details when they arrive after the stream was already marked ended. */
  async setRecording(id: string, recording: { recordingPath: string | null; durationMs: number | null }): Promise<void> {
    await this.prisma.stream.updateMany({ where: { id, recordingPath: null }, data: recording });
  }

  firstShopOf(userId: string) {
    return this.prisma.shop.findFirst({ where: { ownerId: userId }, orderBy: { createdAt: 'asc' }, select: { id: true } });
  }
}

export type StreamRow = NonNullable<Awaited<ReturnType<StreamRepository['find']>>>;
