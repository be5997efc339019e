import type { PrismaClient } from '../generated/prisma/client.js';
import { uuidv7 } from './db/uuid7.js';

export type OutboxRow = {
  id: string;
  userId: string | null;
  toEmail: string;
  kind: string;
  subject: string;
  text: string;
  messageId: string;
  attempts: number;
};

/**
 * Mail waiting to go out. Rows are leased (their next attempt moved ahead)
 * rather than locked while the SMTP conversation runs, so a node that dies
 * mid-send leaves its rows to be sent again when the lease runs out: at least
 * once, with the same Message-ID each time.
 */
export class MailOutboxRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly domain: string,
  ) {}

  async insert(mail: { userId: string | null; to: string; kind: string; subject: string; text: string }): Promise<string> {
    const id = uuidv7();
    await this.prisma.mailOutbox.create({
      data: {
        id,
        userId: mail.userId,
        toEmail: mail.to,
        kind: mail.kind,
        subject: mail.subject,
        text: mail.text,
        messageId: `${id}@${this.domain}`,
      },
    });
    return id;
  }

  /** Takes up to `limit` due rows for `leaseMs` (no other node sends them meanwhile). */
  lease(limit: number, leaseMs: number): Promise<OutboxRow[]> {
    return this.prisma.$queryRaw<OutboxRow[]>`
      UPDATE mail_outbox SET "nextAttemptAt" = ${new Date(Date.now() + leaseMs)}
       WHERE id IN (SELECT id FROM mail_outbox WHERE "sentAt" IS NULL AND "nextAttemptAt" <= ${new Date()}
                     ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id::text, "userId"::text AS "userId", "toEmail", kind, subject, text, "messageId", attempts`;
  }

  async sent(id: string): Promise<void> {
    await this.prisma.mailOutbox.update({ where: { id }, data: { sentAt: new Date(), attempts: { increment: 1 }, lastError: null } });
  }

  async failed(id: string, error: string, retryAt: Date): Promise<void> {
    await this.prisma.mailOutbox.update({
      where: { id },
      data: { attempts: { increment: 1 }, lastError: error.slice(0, 500), nextAttemptAt: retryAt },
    });
  }

  pending(): Promise<number> {
    return this.prisma.mailOutbox.count({ where: { sentAt: null } });
  }
}
