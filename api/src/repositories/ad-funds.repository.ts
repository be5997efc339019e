import { accounts } from '../domain/ledger-accounts.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { LedgerRepository } from './ledger.repository.js';

/**
 * An advertiser's prepaid ad balance (brand_funding, floor 0): top-ups from a
 * shop's available wallet, withdrawals back to it, receipts and the monthly
 * statement. Card top-ups go through BrandRepository's payment path.
 */
export class AdFundsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ledger: LedgerRepository,
  ) {}

  balance(userId: string, currency: string): Promise<bigint> {
    return this.ledger.balance(this.prisma, accounts.brandFunding(userId, currency).code);
  }

  walletAvailable(userId: string, currency: string): Promise<bigint> {
    return this.ledger.balance(this.prisma, accounts.sellerAvailable(userId, currency).code);
  }

  /** Sales money into ad money; InsufficientFundsError when the wallet has less. Idempotent per key. */
  fromWallet(userId: string, currency: string, amountMinor: number, key: string): Promise<string> {
    return this.prisma.$transaction((tx) =>
      this.ledger.post(tx, {
        kind: 'ad_topup',
        idempotencyKey: `adtopup:${userId}:${key}`,
        memo: 'ad balance top-up from the shop wallet',
        entries: [
          { account: accounts.sellerAvailable(userId, currency), amount: -BigInt(amountMinor) },
          { account: accounts.brandFunding(userId, currency), amount: BigInt(amountMinor) },
        ],
      }),
    );
  }

  /** Unused ad money back to the wallet (paid out from there like sales); InsufficientFundsError past the balance. */
  toWallet(userId: string, currency: string, amountMinor: number, key: string): Promise<string> {
    return this.prisma.$transaction((tx) =>
      this.ledger.post(tx, {
        kind: 'ad_withdraw',
        idempotencyKey: `adwithdraw:${userId}:${key}`,
        memo: 'unused ad balance back to the shop wallet',
        entries: [
          { account: accounts.brandFunding(userId, currency), amount: -BigInt(amountMinor) },
          { account: accounts.sellerAvailable(userId, currency), amount: BigInt(amountMinor) },
        ],
      }),
    );
  }

  /** Card top-ups (payments) and wallet top-ups (transfers) into this balance, newest first. */
  topUps(userId: string, currency: string) {
    return this.prisma.$queryRaw<
      { id: string; amount: number; source: 'card' | 'wallet'; provider_ref: string | null; created_at: Date }[]
    >`
      SELECT * FROM (
        SELECT p.id::text, p."amountMinor" AS amount, 'card' AS source, p."providerRef" AS provider_ref, p."createdAt" AS created_at
          FROM payments p
         WHERE p."payerId" = ${userId}::uuid AND p.currency = ${currency} AND p.status = 'succeeded' AND p."idempotencyKey" LIKE 'topup:%'
        UNION ALL
        SELECT t.id::text, e.amount::int, 'wallet', NULL, t."createdAt"
          FROM ledger_transfers t
          JOIN ledger_entries e ON e."transferId" = t.id
          JOIN ledger_accounts a ON a.id = e."accountId" AND a.code = ${accounts.brandFunding(userId, currency).code}
         WHERE t.kind = 'ad_topup'
      ) r ORDER BY created_at DESC LIMIT 100`;
  }

  payer(userId: string) {
    return this.prisma.user.findUnique({ where: { id: userId }, select: { displayName: true, email: true } });
  }

  /**
   * The balance's movements in [from, to): the opening balance, and the
   * lines grouped by day and kind (a day's clicks are one line, not thousands).
   */
  async statement(userId: string, currency: string, from: Date, to: Date) {
    const code = accounts.brandFunding(userId, currency).code;
    const [opening] = await this.prisma.$queryRaw<{ sum: bigint | null }[]>`
      SELECT sum(e.amount) AS sum FROM ledger_entries e JOIN ledger_accounts a ON a.id = e."accountId"
       WHERE a.code = ${code} AND e."createdAt" < ${from}`;
    const lines = await this.prisma.$queryRaw<{ day: Date; kind: string; amount: bigint; n: number }[]>`
      SELECT date_trunc('day', e."createdAt") AS day, t.kind::text AS kind, sum(e.amount) AS amount, count(*)::int AS n
        FROM ledger_entries e JOIN ledger_accounts a ON a.id = e."accountId" JOIN ledger_transfers t ON t.id = e."transferId"
       WHERE a.code = ${code} AND e."createdAt" >= ${from} AND e."createdAt" < ${to}
       GROUP BY 1, 2 ORDER BY 1, 2`;
    return { opening: opening?.sum ?? 0n, lines };
  }
}
