import type { Role } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { SqlExecutor, SqlStatement } from './db/sql.js';

// Every socket handshake and request resolves its cookie: on the lean path (prepared once per connection).
const FIND_LIVE: SqlStatement = {
  name: 'session_find_live_v1',
  text: `SELECT s.id, s."expiresAt" AT TIME ZONE 'UTC' AS "expiresAt",
                u.id AS "userId", u.email, u."displayName", u.roles::text[] AS roles
           FROM sessions s JOIN users u ON u.id = s."userId"
          WHERE s."tokenHash" = $1`,
};

// The rooms a person's sockets join besides their own: creators they follow and did not mute, kinds they switched off.
const PERSONAL_ROOMS: SqlStatement = {
  name: 'session_personal_rooms_v1',
  text: `SELECT 'follows' AS kind, f."followeeId"::text AS id FROM user_follows f
          WHERE f."followerId" = $1::uuid
            AND NOT EXISTS (SELECT 1 FROM creator_mutes m WHERE m."userId" = f."followerId" AND m."creatorId" = f."followeeId")
         UNION ALL
         SELECT 'optout', p.kind FROM notification_preferences p WHERE p."userId" = $1::uuid AND p."inApp" = false`,
};

export class SessionRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlExecutor,
  ) {}

  async create(input: { userId: string; tokenHash: string; expiresAt: Date; userAgent?: string; ip?: string }): Promise<void> {
    await this.prisma.session.create({ data: input });
  }

  /** The live session for a token hash with its user, or null if absent or expired. */
  async findLive(tokenHash: string, now: Date) {
    const [row] = await this.sql.query<{ id: string; expiresAt: Date; userId: string; email: string; displayName: string; roles: Role[] }>(
      FIND_LIVE,
      [tokenHash],
    );
    if (!row || row.expiresAt <= now) return null;
    return {
      id: row.id,
      expiresAt: row.expiresAt,
      user: { id: row.userId, email: row.email, displayName: row.displayName, roles: row.roles },
    };
  }

  /** Creators the user hears go-lives from, and notification kinds they switched off, in one read. */
  async personalRooms(userId: string): Promise<{ follows: string[]; optedOut: string[] }> {
    const rows = await this.sql.query<{ kind: 'follows' | 'optout'; id: string }>(PERSONAL_ROOMS, [userId]);
    return {
      follows: rows.filter((r) => r.kind === 'follows').map((r) => r.id),
      optedOut: rows.filter((r) => r.kind === 'optout').map((r) => r.id),
    };
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
