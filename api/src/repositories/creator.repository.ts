import type { PrismaClient } from '../generated/prisma/client.js';
import { isUniqueViolation } from './user.repository.js';

const profileColumns = {
  id: true,
  handle: true,
  displayName: true,
  bio: true,
  avatarUrl: true,
  followerCount: true,
  roles: true,
  showGmvToBrands: true,
} as const;

/** Creators: their profile, who follows them, who muted them. */
export class CreatorRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Makes the user a creator with this handle (terms accepted now). Null when
   * the handle is taken, by anyone, in any case (handles are stored lowercase).
   */
  async become(userId: string, input: { handle: string; displayName: string; bio: string; showGmvToBrands: boolean }) {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { roles: true, handle: true } });
        const roles = user.roles.includes('creator') ? user.roles : [...user.roles, 'creator' as const];
        return tx.user.update({
          where: { id: userId },
          data: { ...input, roles, creatorTermsAcceptedAt: new Date() },
          select: profileColumns,
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  update(userId: string, changes: { displayName?: string; bio?: string; showGmvToBrands?: boolean }) {
    return this.prisma.user.update({ where: { id: userId }, data: changes, select: profileColumns });
  }

  setAvatar(userId: string, avatarUrl: string) {
    return this.prisma.user.update({ where: { id: userId }, data: { avatarUrl }, select: { id: true } });
  }

  byHandle(handle: string) {
    return this.prisma.user.findFirst({ where: { handle, roles: { has: 'creator' } }, select: profileColumns });
  }

  byId(id: string) {
    return this.prisma.user.findFirst({ where: { id, roles: { has: 'creator' } }, select: profileColumns });
  }

  firstShopOf(userId: string) {
    return this.prisma.shop.findFirst({
      where: { ownerId: userId },
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true, slug: true },
    });
  }

  async relation(userId: string, creatorId: string): Promise<{ following: boolean; muted: boolean }> {
    const [following, muted] = await Promise.all([
      this.prisma.userFollow.count({ where: { followerId: userId, followeeId: creatorId } }),
      this.prisma.creatorMute.count({ where: { userId, creatorId } }),
    ]);
    return { following: following > 0, muted: muted > 0 };
  }

  /**
   * Follows (or unfollows) in one statement: the row and the follower count
   * move together, and a repeated or concurrent follow counts once. Returns
   * the creator's follower count.
   */
  async setFollowing(userId: string, creatorId: string, follow: boolean): Promise<number> {
    const rows = follow
      ? await this.prisma.$queryRaw<{ followerCount: number }[]>`
          WITH added AS (
            INSERT INTO user_follows ("followerId", "followeeId") VALUES (${userId}::uuid, ${creatorId}::uuid)
            ON CONFLICT DO NOTHING RETURNING 1
          )
          UPDATE users SET "followerCount" = "followerCount" + (SELECT count(*) FROM added)::int
           WHERE id = ${creatorId}::uuid RETURNING "followerCount"`
      : await this.prisma.$queryRaw<{ followerCount: number }[]>`
          WITH removed AS (
            DELETE FROM user_follows WHERE "followerId" = ${userId}::uuid AND "followeeId" = ${creatorId}::uuid RETURNING 1
          )
          UPDATE users SET "followerCount" = "followerCount" - (SELECT count(*) FROM removed)::int
           WHERE id = ${creatorId}::uuid RETURNING "followerCount"`;
    return rows[0]?.followerCount ?? 0;
  }

  async setMuted(userId: string, creatorId: string, muted: boolean): Promise<void> {
    if (muted)
      await this.prisma.creatorMute.upsert({
        where: { userId_creatorId: { userId, creatorId } },
        create: { userId, creatorId },
        update: {},
      });
    else await this.prisma.creatorMute.deleteMany({ where: { userId, creatorId } });
  }

  /** Creators this user follows and has not muted (their socket joins each one's room). */
  async followedUnmuted(userId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT f."followeeId"::text AS id FROM user_follows f
       WHERE f."followerId" = ${userId}::uuid
         AND NOT EXISTS (SELECT 1 FROM creator_mutes m WHERE m."userId" = f."followerId" AND m."creatorId" = f."followeeId")`;
    return rows.map((r) => r.id);
  }

  followedIds(userId: string) {
    return this.prisma.userFollow
      .findMany({ where: { followerId: userId }, select: { followeeId: true } })
      .then((r) => r.map((x) => x.followeeId));
  }
}

export type CreatorRow = NonNullable<Awaited<ReturnType<CreatorRepository['byId']>>>;
