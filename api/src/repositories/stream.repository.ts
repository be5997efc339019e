import type { StreamStatus } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';

export class StreamRepository {
  constructor(private readonly prisma: PrismaClient) {}

  list(status: StreamStatus | undefined, limit = 50) {
    return this.prisma.stream.findMany({
      where: status ? { status } : {},
      orderBy: [{ startedAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
      take: limit,
      select: {
        id: true,
        title: true,
        status: true,
        startedAt: true,
        hlsPath: true,
        creator: { select: { id: true, displayName: true } },
      },
    });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.stream.count({ where: { id } })) > 0;
  }
}
