import type { PrismaClient } from '../generated/prisma/client.js';
import type { Prisma } from '../generated/prisma/client.js';

export type IdempotencyBegin =
  { state: 'new'; id: string } | { state: 'replay'; statusCode: number; body: unknown } | { state: 'mismatch' } | { state: 'in_progress' };

export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Claims (user, key) for this request, or reports what an earlier request with the key did. */
  async begin(input: { userId: string; key: string; method: string; path: string; requestHash: string }): Promise<IdempotencyBegin> {
    const inserted = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO idempotency_records (id, "userId", key, method, path, "requestHash")
      VALUES (gen_random_uuid(), ${input.userId}::uuid, ${input.key}, ${input.method}, ${input.path}, ${input.requestHash})
      ON CONFLICT ("userId", key) DO NOTHING
      RETURNING id::text`;
    if (inserted[0]) return { state: 'new', id: inserted[0].id };
    const existing = await this.prisma.idempotencyRecord.findUnique({ where: { userId_key: { userId: input.userId, key: input.key } } });
    if (!existing) return this.begin(input); // abandoned between our insert and read: claim again
    if (existing.requestHash !== input.requestHash || existing.method !== input.method || existing.path !== input.path)
      return { state: 'mismatch' };
    if (existing.completedAt && existing.statusCode !== null)
      return { state: 'replay', statusCode: existing.statusCode, body: existing.responseBody };
    return { state: 'in_progress' };
  }

  async complete(id: string, statusCode: number, body: unknown): Promise<void> {
    await this.prisma.idempotencyRecord.update({
      where: { id },
      data: { statusCode, responseBody: body as Prisma.InputJsonValue, completedAt: new Date() },
    });
  }

  /** Forgets a claim whose request failed on our side, so the client may retry with the same key. */
  async abandon(id: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { id, completedAt: null } });
  }
}
