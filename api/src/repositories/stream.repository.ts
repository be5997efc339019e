import type { StreamStatus } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';

const detailColumns = {
  id: true,
  title: true,
  status: true,
  creatorId: true,
  startedAt: true,
  endedAt: true,
  durationMs: true,
  hlsPath: true,
  recordingPath: true,
  creator: { select: { id: true, displayName: true } },
} as const;

export class StreamRepository {
  constructor(private readonly prisma: PrismaClient) {}

  list(status: StreamStatus | undefined, limit = 50) {
    return this.prisma.stream.findMany({
      where: status ? { status } : {},
      orderBy: [{ startedAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
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

  create(input: { creatorId: string; shopId: string | null; title: string }) {
    return this.prisma.stream.create({ data: input, select: detailColumns });
  }

  /** scheduled → live, once; returns null when the stream was not scheduled (already live or ended). */
  async markLive(id: string, at: Date, hlsPath: string) {
    const { count } = await this.prisma.stream.updateMany({
      where: { id, status: 'scheduled' },
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
