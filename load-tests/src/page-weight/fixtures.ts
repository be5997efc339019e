import { createHash, randomBytes } from 'node:crypto';
import type { RunningApi } from '../../../api/src/server.js';
import { SESSION_COOKIE } from '../../../api/src/http/session-cookie.js';
import { createBenchDatabase, type BenchDatabase } from '../chat/fixtures.js';

export type { BenchDatabase };

/** The page-weight bench's own migrated database (chat/fixtures.ts makes every bench's). */
export const createPageWeightDatabase = (adminUrl: string): Promise<BenchDatabase> => createBenchDatabase(adminUrl, 'page_weight');

/**
 * A creator account with a session, written directly (no argon2, no login
 * page): returns the session token for the studio's browser context.
 */
export async function createCreatorSession(api: RunningApi): Promise<{ userId: string; token: string }> {
  const prisma = api.services.db.prisma;
  const tag = randomBytes(4).toString('hex');
  const user = await prisma.user.create({
    data: { email: `bench-creator-${tag}@bench.hawker`, passwordHash: 'not-used', displayName: `Bench creator ${tag}`, roles: ['creator'] },
  });
  const token = randomBytes(32).toString('base64url');
  await prisma.session.create({
    data: { userId: user.id, tokenHash: createHash('sha256').update(token).digest('hex'), expiresAt: new Date(Date.now() + 3_600_000) },
  });
  return { userId: user.id, token };
}

export { SESSION_COOKIE };
