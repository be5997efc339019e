import type { ChatSettings } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';

const messageView = { id: true, streamId: true, text: true, createdAt: true, user: { select: { id: true, displayName: true } } } as const;

/**
 * Chat messages and moderation state, all in PostgreSQL so every api node and
 * every reconnect sees the same bans, timeouts and settings. Moderation is an
 * append-only log (ModerationAction); the latest relevant row wins.
 */
export class ChatRepository {
  constructor(private readonly prisma: PrismaClient) {}

  streamOwner(streamId: string) {
    return this.prisma.stream.findUnique({ where: { id: streamId }, select: { creatorId: true, status: true, startedAt: true } });
  }

  /** Everyone a creator appointed: a room's joins check against this one read. */
  moderatorsOf(creatorId: string): Promise<Set<string>> {
    return this.prisma.streamModerator
      .findMany({ where: { creatorId }, select: { moderatorId: true } })
      .then((rows) => new Set(rows.map((r) => r.moderatorId)));
  }

  isModerator(creatorId: string, userId: string) {
    return this.prisma.streamModerator.count({ where: { creatorId, moderatorId: userId } }).then((n) => n > 0);
  }

  async appointModerator(creatorId: string, moderatorId: string, streamId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.streamModerator.upsert({
        where: { creatorId_moderatorId: { creatorId, moderatorId } },
        create: { creatorId, moderatorId },
        update: {},
      }),
      this.prisma.moderationAction.create({ data: { streamId, actorId: creatorId, targetUserId: moderatorId, kind: 'appoint_moderator' } }),
    ]);
  }

  recent(streamId: string, limit = 50) {
    return this.prisma.chatMessage
      .findMany({ where: { streamId, deletedAt: null }, select: messageView, orderBy: { createdAt: 'desc' }, take: limit })
      .then((rows) => rows.reverse());
  }

  /** Soft delete (kept for disputes and audits), logged as a moderation action. Returns false if not found. */
  async deleteMessage(streamId: string, messageId: string, actorId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.chatMessage.updateMany({
        where: { id: messageId, streamId, deletedAt: null },
        data: { deletedAt: new Date(), deletedById: actorId },
      });
      if (count === 0) return false;
      await tx.moderationAction.create({ data: { streamId, actorId, messageId, kind: 'delete_message' } });
      return true;
    });
  }

  async record(input: {
    streamId: string;
    actorId: string;
    targetUserId?: string;
    kind: 'timeout' | 'ban' | 'unban' | 'slow_mode' | 'blocked_words';
    detail?: object;
    expiresAt?: Date;
  }): Promise<void> {
    await this.prisma.moderationAction.create({ data: { ...input, detail: input.detail ?? undefined } });
  }

  async settings(streamId: string): Promise<ChatSettings> {
    const [slow, words] = await Promise.all([
      this.prisma.moderationAction.findFirst({
        where: { streamId, kind: 'slow_mode' },
        orderBy: { createdAt: 'desc' },
        select: { detail: true },
      }),
      this.prisma.moderationAction.findFirst({
        where: { streamId, kind: 'blocked_words' },
        orderBy: { createdAt: 'desc' },
        select: { detail: true },
      }),
    ]);
    const slowDetail = slow?.detail as { seconds?: number } | null | undefined;
    const wordsDetail = words?.detail as { words?: string[] } | null | undefined;
    return { slowModeSeconds: slowDetail?.seconds ?? 0, blockedWords: wordsDetail?.words ?? [] };
  }
}
