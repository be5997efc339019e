import type { Role } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';

export type UserRow = { id: string; email: string; passwordHash: string; displayName: string; roles: Role[] };

const userColumns = { id: true, email: true, passwordHash: true, displayName: true, roles: true } as const;

export class UserRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByEmail(email: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { email }, select: userColumns });
  }

  findById(id: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { id }, select: userColumns });
  }

  /** Returns null when the email is taken (unique violation), never throws for it. */
  async create(input: { email: string; passwordHash: string; displayName: string; roles?: Role[] }): Promise<UserRow | null> {
    try {
      return await this.prisma.user.create({ data: input, select: userColumns });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  async markEmailVerified(id: string): Promise<void> {
    await this.prisma.user.updateMany({ where: { id, emailVerifiedAt: null }, data: { emailVerifiedAt: new Date() } });
  }

  emailStatus(id: string) {
    return this.prisma.user.findUnique({ where: { id }, select: { email: true, displayName: true, emailVerifiedAt: true } });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.prisma.user.update({ where: { id }, data: { passwordHash } });
  }

  shopsOf(userId: string) {
    return this.prisma.shop.findMany({
      where: { ownerId: userId },
      select: { id: true, name: true, slug: true, followerCount: true },
      orderBy: { createdAt: 'asc' },
    });
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'P2002';
}
