import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import { accounts } from '../domain/ledger-accounts.js';
import { InsufficientFundsError, type LedgerRepository } from './ledger.repository.js';

const view = {
  id: true,
  status: true,
  brandId: true,
  creatorId: true,
  flatFeeMinor: true,
  currency: true,
  commissionBps: true,
  minLiveMinutes: true,
  minPinnedMinutes: true,
  minFlashDeals: true,
  coverage: true,
  streamId: true,
  showsCount: true,
  message: true,
  expiresAt: true,
  createdAt: true,
  releaseAt: true,
  delivery: true,
  deliveredBps: true,
  releasedMinor: true,
  returnedMinor: true,
  brand: { select: { id: true, displayName: true, brandProfile: { select: { companyName: true } } } },
  creator: { select: { id: true, displayName: true, handle: true } },
  streams: { select: { streamId: true } },
} as const;

export type SponsorshipRow = NonNullable<Awaited<ReturnType<SponsorshipRepository['find']>>>;
export type Delivery = { liveMinutes: number; pinnedMinutes: number; flashDeals: number };

/** Sponsorships: offers, acceptance with the fee moved into escrow, coverage, measurement and release. */
export class SponsorshipRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ledger: LedgerRepository,
  ) {}

  create(data: Omit<Prisma.SponsorshipUncheckedCreateInput, 'id' | 'status'>) {
    return this.prisma.sponsorship.create({ data, select: view });
  }

  find(id: string) {
    return this.prisma.sponsorship.findUnique({ where: { id }, select: view });
  }

  list(where: { brandId?: string; creatorId?: string }) {
    return this.prisma.sponsorship.findMany({ where, select: view, orderBy: { createdAt: 'desc' }, take: 100 });
  }

  /** Offers whose time ran out are expired, so nobody can accept them. */
  async expireOld(now: Date): Promise<void> {
    await this.prisma.sponsorship.updateMany({ where: { status: 'proposed', expiresAt: { lte: now } }, data: { status: 'expired' } });
  }

  /**
   * proposed → accepted, and the flat fee moves from the brand's balance into
   * this sponsorship's escrow, in one transaction. 'insufficient' (nothing
   * changes, the offer stays open) when the brand's balance cannot cover it.
   */
  async accept(id: string, creatorId: string): Promise<'accepted' | 'insufficient' | 'not_open'> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.sponsorship.updateMany({
          where: { id, creatorId, status: 'proposed', expiresAt: { gt: new Date() } },
          data: { status: 'accepted', decidedAt: new Date() },
        });
        if (count === 0) return 'not_open' as const;
        const s = await tx.sponsorship.findUniqueOrThrow({ where: { id } });
        if (s.flatFeeMinor > 0)
          await this.move(
            tx,
            `sponsorship:fee:${id}`,
            accounts.brandFunding(s.brandId, s.currency),
            accounts.sponsorshipEscrow(id, s.currency),
            s.flatFeeMinor,
          );
        if (s.coverage === 'show' && s.streamId) await tx.sponsorshipStream.create({ data: { sponsorshipId: id, streamId: s.streamId } });
        return 'accepted' as const;
      });
    } catch (err) {
      if (err instanceof InsufficientFundsError) return 'insufficient';
      throw err;
    }
  }

  async decline(id: string, creatorId: string): Promise<boolean> {
    const { count } = await this.prisma.sponsorship.updateMany({
      where: { id, creatorId, status: 'proposed' },
      data: { status: 'declined', decidedAt: new Date() },
    });
    return count === 1;
  }

  /** Raises the fee and/or the commission of an accepted sponsorship; the extra fee goes into escrow too. */
  async raise(
    id: string,
    brandId: string,
    fee: number | undefined,
    bps: number | undefined,
  ): Promise<'raised' | 'lower' | 'not_open' | 'insufficient'> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const [s] = await tx.$queryRaw<{ flatFeeMinor: number; commissionBps: number; currency: string; status: string }[]>`
          SELECT "flatFeeMinor", "commissionBps", currency, status::text FROM sponsorships WHERE id = ${id}::uuid AND "brandId" = ${brandId}::uuid FOR UPDATE`;
        if (!s || s.status !== 'accepted') return 'not_open' as const;
        if ((fee !== undefined && fee < s.flatFeeMinor) || (bps !== undefined && bps < s.commissionBps)) return 'lower' as const;
        const extra = (fee ?? s.flatFeeMinor) - s.flatFeeMinor;
        if (extra > 0)
          await this.move(
            tx,
            `sponsorship:raise:${id}:${fee}`,
            accounts.brandFunding(brandId, s.currency),
            accounts.sponsorshipEscrow(id, s.currency),
            extra,
          );
        await tx.sponsorship.update({
          where: { id },
          data: { flatFeeMinor: fee ?? s.flatFeeMinor, commissionBps: bps ?? s.commissionBps },
        });
        return 'raised' as const;
      });
    } catch (err) {
      if (err instanceof InsufficientFundsError) return 'insufficient';
      throw err;
    }
  }

  /** A creator went live: sponsorships covering "the next N shows" that still have room cover this one. */
  async coverLiveStream(creatorId: string, streamId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO sponsorship_streams ("sponsorshipId", "streamId")
      SELECT s.id, ${streamId}::uuid FROM sponsorships s
       WHERE s."creatorId" = ${creatorId}::uuid AND s.status = 'accepted' AND s.coverage = 'next'
         AND (SELECT count(*) FROM sponsorship_streams x WHERE x."sponsorshipId" = s.id) < s."showsCount"
      ON CONFLICT DO NOTHING RETURNING "sponsorshipId"::text AS id`;
    return rows.map((r) => r.id);
  }

  /** The brand whose sponsorship covers the stream (the "Paid partnership" label), if any. */
  async sponsorOf(streamId: string): Promise<string | null> {
    const row = await this.prisma.sponsorshipStream.findFirst({
      where: { streamId, sponsorship: { status: { notIn: ['declined', 'expired', 'cancelled', 'proposed'] } } },
      select: { sponsorship: { select: { brand: { select: { displayName: true, brandProfile: { select: { companyName: true } } } } } } },
    });
    return row ? (row.sponsorship.brand.brandProfile?.companyName ?? row.sponsorship.brand.displayName) : null;
  }

  /** Accepted sponsorships whose covered shows are all over (every show it covers has ended, and it covers all it should). */
  async readyToMeasure(streamId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT s.id::text FROM sponsorships s
       WHERE s.status = 'accepted' AND EXISTS (SELECT 1 FROM sponsorship_streams x WHERE x."sponsorshipId" = s.id AND x."streamId" = ${streamId}::uuid)
         AND NOT EXISTS (SELECT 1 FROM sponsorship_streams x JOIN streams st ON st.id = x."streamId"
                          WHERE x."sponsorshipId" = s.id AND st.status <> 'ended')
         AND (s.coverage = 'show' OR (SELECT count(*) FROM sponsorship_streams x WHERE x."sponsorshipId" = s.id) >= s."showsCount")`;
    return rows.map((r) => r.id);
  }

  /** What the covered shows delivered: minutes live, minutes the brand's products were pinned, flash deals on them. */
  async deliveryOf(id: string): Promise<Delivery> {
    const [row] = await this.prisma.$queryRaw<{ live: number | null; pinned: number | null; deals: number }[]>`
      WITH covered AS (SELECT st.* FROM sponsorship_streams x JOIN streams st ON st.id = x."streamId" WHERE x."sponsorshipId" = ${id}::uuid),
      brand_listings AS (SELECT l.id FROM listings l JOIN shops sh ON sh.id = l."shopId" JOIN sponsorships s ON s."brandId" = sh."ownerId" WHERE s.id = ${id}::uuid)
      SELECT (SELECT sum(coalesce(c."durationMs", extract(epoch FROM (c."endedAt" - c."startedAt")) * 1000)) / 60000.0 FROM covered c)::float AS live,
             (SELECT sum(extract(epoch FROM (coalesce(p."unpinnedAt", c."endedAt") - p."pinnedAt"))) / 60.0
                FROM stream_pins p JOIN covered c ON c.id = p."streamId" WHERE p."listingId" IN (SELECT id FROM brand_listings))::float AS pinned,
             (SELECT count(*) FROM flash_deals d JOIN covered c ON c.id = d."streamId" WHERE d."listingId" IN (SELECT id FROM brand_listings))::int AS deals`;
    return { liveMinutes: round1(row?.live ?? 0), pinnedMinutes: round1(Math.max(0, row?.pinned ?? 0)), flashDeals: row?.deals ?? 0 };
  }

  async markMeasured(id: string, delivery: Delivery, deliveredBps: number, releaseAt: Date): Promise<boolean> {
    const { count } = await this.prisma.sponsorship.updateMany({
      where: { id, status: 'accepted' },
      data: { status: 'measured', measuredAt: new Date(), releaseAt, deliveredBps, delivery: { ...delivery, deliveredBps } },
    });
    return count === 1;
  }

  /** Measured sponsorships past their release time, claimed with SKIP LOCKED and settled at their measured share. */
  async releaseDue(now: Date): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM sponsorships WHERE status = 'measured' AND "releaseAt" <= ${now} ORDER BY "releaseAt" LIMIT 50 FOR UPDATE SKIP LOCKED`;
      for (const { id } of due) await this.settle(tx, id, null, 'released');
      return due.map((d) => d.id);
    });
  }

  /** Either side disputes a measured sponsorship before it is released. */
  async dispute(id: string, userId: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.sponsorship.updateMany({
      where: { id, status: 'measured', releaseAt: { gt: new Date() }, OR: [{ brandId: userId }, { creatorId: userId }] },
      data: { status: 'disputed', disputeReason: reason },
    });
    return count === 1;
  }

  /** An admin settles a disputed sponsorship at the share they decide. */
  async resolve(id: string, releaseBps: number): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<
        { id: string }[]
      >`SELECT id::text FROM sponsorships WHERE id = ${id}::uuid AND status = 'disputed' FOR UPDATE`;
      if (!row) return false;
      await this.settle(tx, id, releaseBps, 'resolved');
      return true;
    });
  }

  /** The fee leaves escrow: the delivered share to the creator's earnings, the rest back to the brand. */
  private async settle(tx: TransactionClient, id: string, bpsOverride: number | null, status: 'released' | 'resolved'): Promise<void> {
    const s = await tx.sponsorship.findUniqueOrThrow({ where: { id } });
    const escrow = accounts.sponsorshipEscrow(id, s.currency);
    const held = Number((await tx.ledgerAccount.findUnique({ where: { code: escrow.code }, select: { balance: true } }))?.balance ?? 0n);
    const toCreator = Math.floor((held * (bpsOverride ?? s.deliveredBps ?? 0)) / 10_000);
    const toBrand = held - toCreator;
    if (held > 0)
      await this.ledger.post(tx, {
        kind: 'sponsorship',
        orderId: null,
        idempotencyKey: `sponsorship:settle:${id}`,
        entries: [
          { account: escrow, amount: -BigInt(held) },
          ...(toCreator > 0 ? [{ account: accounts.creatorEarnings(s.creatorId, s.currency), amount: BigInt(toCreator) }] : []),
          ...(toBrand > 0 ? [{ account: accounts.brandFunding(s.brandId, s.currency), amount: BigInt(toBrand) }] : []),
        ],
      });
    await tx.sponsorship.update({
      where: { id },
      data: { status, settledAt: new Date(), releasedMinor: toCreator, returnedMinor: toBrand },
    });
  }

  private move(
    tx: TransactionClient,
    key: string,
    from: ReturnType<typeof accounts.escrow>,
    to: ReturnType<typeof accounts.escrow>,
    amount: number,
  ) {
    return this.ledger.post(tx, {
      kind: 'sponsorship',
      orderId: null,
      idempotencyKey: key,
      entries: [
        { account: from, amount: -BigInt(amount) },
        { account: to, amount: BigInt(amount) },
      ],
    });
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
