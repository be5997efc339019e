import type { PrismaClient } from '../generated/prisma/client.js';

/** The latest room each person was in, and when (the 30-minute attribution rule reads it in the checkout). */
export class RoomVisitRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** One statement for a whole batch: a join storm of 10,000 viewers is a handful of writes. */
  async record(visits: { userId: string; streamId: string; at: Date }[]): Promise<void> {
    if (visits.length === 0) return;
    await this.prisma.$executeRaw`
      INSERT INTO room_visits ("userId", "streamId", "lastSeenAt")
      SELECT * FROM unnest(${visits.map((v) => v.userId)}::uuid[], ${visits.map((v) => v.streamId)}::uuid[], ${visits.map((v) => v.at)}::timestamp[])
      ON CONFLICT ("userId") DO UPDATE SET "streamId" = excluded."streamId", "lastSeenAt" = excluded."lastSeenAt"
       WHERE room_visits."lastSeenAt" <= excluded."lastSeenAt"`;
  }
}
