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

  /** Ends every session of a user (a password reset logs them out everywhere); returns their ids. */
  async deleteAllOf(userId: string): Promise<string[]> {
    const rows = await this.prisma.session.findMany({ where: { userId }, select: { id: true } });
    await this.prisma.session.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    return rows.map((r) => r.id);
  }

  /** Deletes the session and returns the ids it deleted (none if it was already gone). */
  async deleteByTokenHash(tokenHash: string): Promise<string[]> {
    const rows = await this.prisma.session.findMany({ where: { tokenHash }, select: { id: true } });
    await this.prisma.session.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    return rows.map((r) => r.id);
  }
}
