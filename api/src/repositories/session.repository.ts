import type { PrismaClient } from '../generated/prisma/client.js';

export class SessionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { userId: string; tokenHash: string; expiresAt: Date; userAgent?: string; ip?: string }): Promise<void> {
    await this.prisma.session.create({ data: input });
  }

  /** The live session for a token hash with its user, or null if absent or expired. */
  async findLive(tokenHash: string, now: Date) {
    const session = await this.prisma.session.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        expiresAt: true,
        user: { select: { id: true, email: true, displayName: true, roles: true } },
      },
    });
    if (!session || session.expiresAt <= now) return null;
    return session;
  }

  async deleteByTokenHash(tokenHash: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash } });
  }
}
