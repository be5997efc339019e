import type { PrismaClient } from '../generated/prisma/client.js';
import { accounts } from '../domain/ledger-accounts.js';
import type { LedgerRepository } from './ledger.repository.js';
import { isUniqueViolation } from './user.repository.js';

/** Brand accounts: their profile, prepaid balance and top-ups, and the creators they can sponsor. */
export class BrandRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ledger: LedgerRepository,
  ) {}

  async become(userId: string, companyName: string, website: string | null): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { roles: true, avatarUrl: true } });
      if (!user.roles.includes('brand')) await tx.user.update({ where: { id: userId }, data: { roles: { push: 'brand' } } });
      await tx.brandProfile.upsert({
        where: { userId },
        create: { userId, companyName, website, logoUrl: user.avatarUrl },
        update: { companyName, website },
      });
    });
  }

  profile(userId: string) {
    return this.prisma.brandProfile.findUnique({
      where: { userId },
      select: { companyName: true, website: true, logoUrl: true, user: { select: { avatarUrl: true } } },
    });
  }

  /** Available prepaid balance and what is held in the escrow of this brand's sponsorships, per currency. */
  balances(userId: string) {
    return this.prisma.$queryRaw<{ currency: string; available: bigint; held: bigint }[]>`
      WITH mine AS (SELECT currency FROM ledger_accounts WHERE "ownerId" = ${userId}::uuid AND kind = 'brand_funding'
                    UNION SELECT currency FROM sponsorships WHERE "brandId" = ${userId}::uuid)
      SELECT m.currency::text AS currency,
             (SELECT coalesce(sum(balance), 0) FROM ledger_accounts WHERE "ownerId" = ${userId}::uuid AND kind = 'brand_funding' AND currency = m.currency)::bigint AS available,
             (SELECT coalesce(sum(a.balance), 0) FROM ledger_accounts a JOIN sponsorships s ON a.code = 'escrow:sponsorship:' || s.id || ':' || s.currency
               WHERE s."brandId" = ${userId}::uuid AND a.currency = m.currency)::bigint AS held
        FROM mine m ORDER BY 1`;
  }

  topUps(userId: string) {
    return this.prisma.payment.findMany({
      where: { payerId: userId, checkoutId: null, orderId: null, status: 'succeeded', idempotencyKey: { startsWith: 'topup:' } },
      orderBy: { createdAt: 'desc' },
      take: 50,
      select: { id: true, amountMinor: true, currency: true, createdAt: true },
    });
  }

  /** A pending top-up (its payment row); null when this key was used before (the earlier one is returned by the caller). */
  async startTopUp(userId: string, amountMinor: number, currency: string, provider: string, key: string) {
    try {
      return await this.prisma.payment.create({
        data: { payerId: userId, provider, amountMinor, currency, idempotencyKey: `topup:${key}`, status: 'pending' },
        select: { id: true },
      });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** The card was charged: the payment succeeds and the money moves from the brand's card into its balance, together. */
  async finishTopUp(paymentId: string, providerRef: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const p = await tx.payment.update({
        where: { id: paymentId },
        data: { status: 'succeeded', providerRef },
        select: { payerId: true, amountMinor: true, currency: true },
      });
      await this.ledger.post(tx, {
        kind: 'brand_topup',
        orderId: null,
        idempotencyKey: `topup:${paymentId}`,
        entries: [
          { account: accounts.brandCard(p.payerId, p.currency), amount: -BigInt(p.amountMinor) },
          { account: accounts.brandFunding(p.payerId, p.currency), amount: BigInt(p.amountMinor) },
        ],
      });
    });
  }

  async failTopUp(paymentId: string, code: string): Promise<void> {
    await this.prisma.payment.update({ where: { id: paymentId }, data: { status: 'failed', failureCode: code } });
  }

  /**
   * Creators as brands look for them: followers, shows, average and peak
   * viewers, the categories they sell, and GMV only for creators who chose to
   * show it. Most followed first.
   */
  discover(q: string | undefined, limit: number) {
    const like = q ? `%${q.toLowerCase()}%` : null;
    return this.prisma.$queryRaw<
      {
        id: string;
        handle: string;
        display_name: string;
        avatar_url: string | null;
        follower_count: number;
        shows: number;
        average_viewers: number | null;
        peak_viewers: number | null;
        categories: string[] | null;
        show_gmv: boolean;
        gmv: bigint | null;
        currency: string | null;
        shop_id: string | null;
      }[]
    >`
      SELECT u.id::text, u.handle, u."displayName" AS display_name, u."avatarUrl" AS avatar_url, u."followerCount" AS follower_count,
             (SELECT count(*) FROM streams s WHERE s."creatorId" = u.id AND s."startedAt" IS NOT NULL)::int AS shows,
             (SELECT avg(m.viewers) FROM stream_minutes m JOIN streams s ON s.id = m."streamId" WHERE s."creatorId" = u.id)::float AS average_viewers,
             (SELECT max(s."peakViewers") FROM streams s WHERE s."creatorId" = u.id)::int AS peak_viewers,
             (SELECT array_agg(DISTINCT l.category) FROM stream_pins p JOIN streams s ON s.id = p."streamId" JOIN listings l ON l.id = p."listingId"
               WHERE s."creatorId" = u.id) AS categories,
             u."showGmvToBrands" AS show_gmv,
             (SELECT sum(i."unitPriceMinor" * i.quantity) FROM order_items i JOIN orders o ON o.id = i."orderId"
               WHERE i."creatorId" = u.id AND o.status NOT IN ('cancelled', 'pending_payment'))::bigint AS gmv,
             (SELECT o.currency FROM order_items i JOIN orders o ON o.id = i."orderId" WHERE i."creatorId" = u.id LIMIT 1)::text AS currency,
             (SELECT sh.id::text FROM shops sh WHERE sh."ownerId" = u.id ORDER BY sh."createdAt" LIMIT 1) AS shop_id
        FROM users u
       WHERE 'creator' = ANY(u.roles) AND u.handle IS NOT NULL
         AND (${like}::text IS NULL OR u.handle LIKE ${like} OR lower(u."displayName") LIKE ${like})
       ORDER BY u."followerCount" DESC, u.id LIMIT ${limit}`;
  }
}
