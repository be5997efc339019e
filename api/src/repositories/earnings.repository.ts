import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * A creator's money, read from the order lines attributed to them and the
 * ledger's creator-earnings account: what is pending (orders still in
 * escrow), what was earned (released), per show and per day.
 */
export class EarningsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  balances(creatorId: string) {
    return this.prisma.$queryRaw<{ currency: string; pending: bigint; available: bigint; paid_out: bigint }[]>`
      WITH currencies AS (
        SELECT DISTINCT o.currency FROM order_items i JOIN orders o ON o.id = i."orderId" WHERE i."creatorId" = ${creatorId}::uuid
        UNION SELECT currency FROM ledger_accounts WHERE "ownerId" = ${creatorId}::uuid AND kind = 'creator_earnings'
      )
      SELECT c.currency::text AS currency,
             (SELECT coalesce(sum(i."unitPriceMinor" * i.quantity * i."commissionBps" / 10000), 0)::bigint
                FROM order_items i JOIN orders o ON o.id = i."orderId"
               WHERE i."creatorId" = ${creatorId}::uuid AND o.currency = c.currency AND o.status IN ('paid', 'shipped', 'disputed')) AS pending,
             (SELECT coalesce(sum(balance), 0)::bigint FROM ledger_accounts
               WHERE "ownerId" = ${creatorId}::uuid AND kind = 'creator_earnings' AND currency = c.currency) AS available,
             (SELECT coalesce(sum("amountMinor"), 0)::bigint FROM payouts
               WHERE "sellerId" = ${creatorId}::uuid AND source = 'creator' AND status = 'paid' AND currency = c.currency) AS paid_out
        FROM currencies c ORDER BY c.currency`;
  }

  /** Per show: orders and GMV attributed to it, commission earned (released, net of clawbacks) and pending. */
  shows(creatorId: string) {
    return this.prisma.$queryRaw<
      {
        stream_id: string;
        title: string;
        started_at: Date | null;
        currency: string;
        orders: number;
        gmv: bigint;
        earned: bigint;
        pending: bigint;
      }[]
    >`
      WITH lines AS (
        SELECT i."attributedStreamId" AS sid, o.id AS oid, o.currency, o.status, i."unitPriceMinor" * i.quantity AS total,
               i."unitPriceMinor" * i.quantity * i."commissionBps" / 10000 AS commission
          FROM order_items i JOIN orders o ON o.id = i."orderId"
         WHERE i."creatorId" = ${creatorId}::uuid AND i."attributedStreamId" IS NOT NULL AND o.status <> 'cancelled'
      ), earned AS (
        SELECT t."orderId" AS oid, sum(e.amount) AS amount FROM ledger_entries e
          JOIN ledger_accounts a ON a.id = e."accountId" JOIN ledger_transfers t ON t.id = e."transferId"
         WHERE a."ownerId" = ${creatorId}::uuid AND a.kind = 'creator_earnings' AND t."orderId" IS NOT NULL GROUP BY t."orderId"
      )
      SELECT s.id::text AS stream_id, s.title, s."startedAt" AS started_at, l.currency::text AS currency,
             count(DISTINCT l.oid)::int AS orders, sum(l.total)::bigint AS gmv,
             coalesce((SELECT sum(x.amount) FROM earned x WHERE x.oid IN (SELECT l2.oid FROM lines l2 WHERE l2.sid = s.id)), 0)::bigint AS earned,
             sum(CASE WHEN l.status IN ('paid', 'shipped', 'disputed') THEN l.commission ELSE 0 END)::bigint AS pending
        FROM lines l JOIN streams s ON s.id = l.sid
       GROUP BY s.id, s.title, s."startedAt", l.currency ORDER BY s."startedAt" DESC NULLS LAST LIMIT 100`;
  }

  /** What reached the creator's earnings each day (releases, sponsorship fees, less clawbacks), last 90 days. */
  daily(creatorId: string) {
    return this.prisma.$queryRaw<{ day: string; currency: string; earned: bigint }[]>`
      SELECT to_char(date_trunc('day', t."createdAt"), 'YYYY-MM-DD') AS day, a.currency::text AS currency, sum(e.amount)::bigint AS earned
        FROM ledger_entries e JOIN ledger_accounts a ON a.id = e."accountId" JOIN ledger_transfers t ON t.id = e."transferId"
       WHERE a."ownerId" = ${creatorId}::uuid AND a.kind = 'creator_earnings' AND t.kind <> 'payout'
         AND t."createdAt" > now() - interval '90 days'
       GROUP BY 1, 2 ORDER BY 1`;
  }

  payouts(creatorId: string) {
    return this.prisma.payout.findMany({
      where: { sellerId: creatorId, source: 'creator' },
      orderBy: { createdAt: 'desc' },
      take: 50,
      select: { id: true, amountMinor: true, currency: true, status: true, createdAt: true },
    });
  }
}
