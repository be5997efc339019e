import type { PrismaClient } from '../generated/prisma/client.js';

export type AccountTokenPurpose = 'password_reset' | 'verify_email';

/** Single-use tokens sent by email; only their SHA-256 is stored. */
export class AccountTokenRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(userId: string, purpose: AccountTokenPurpose, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.prisma.accountToken.create({ data: { userId, purpose, tokenHash, expiresAt } });
  }

  /**
   * Uses the token: one conditional UPDATE, so two requests with the same
   * token cannot both succeed. Null when unknown, used, expired or for
   * another purpose.
   */
  async consume(tokenHash: string, purpose: AccountTokenPurpose): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<{ userId: string }[]>`
      UPDATE account_tokens SET "usedAt" = ${new Date()}
       WHERE "tokenHash" = ${tokenHash} AND purpose = ${purpose} AND "usedAt" IS NULL AND "expiresAt" > ${new Date()}
      RETURNING "userId"::text AS "userId"`;
    return rows[0]?.userId ?? null;
  }

  /** A new reset makes the older ones of the same purpose useless. */
  async revokeOpen(userId: string, purpose: AccountTokenPurpose): Promise<void> {
    await this.prisma.accountToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: new Date() } });
  }
}
