import type { AdClickReason, AdPlacement } from '@hawker/shared';
import { accounts } from '../domain/ledger-accounts.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { InsufficientFundsError, type LedgerRepository } from './ledger.repository.js';

export type ClickFacts = {
  tokenId: string;
  adId: string;
  campaignId: string;
  placement: AdPlacement;
  viewerKey: string;
  userId: string | null;
  ipPrefix: string;
  userAgent: string;
  priceMinor: number;
  /** Decided before the transaction (a bot, the shop's own people): recorded, never billed. */
  invalidReason: AdClickReason | null;
  currency: string;
  day: string;
};

export type ClickOutcome = {
  billedMinor: number;
  reason: AdClickReason | null;
  /** The campaign and its owner's balance as this transaction left them (for every node's index). */
  spend: {
    campaignId: string;
    ownerId: string;
    day: string;
    spentTodayMinor: number;
    spentTotalMinor: number;
    balanceMinor: number;
  } | null;
};

/** Bursts from one network on one ad beyond these are not billed (Ethical Ad Server's defaults: 1/m, 3/10m, 10/h). */
export const IP_BURST_LIMITS = [
  { windowMs: 60_000, max: 1 },
  { windowMs: 10 * 60_000, max: 3 },
  { windowMs: 60 * 60_000, max: 10 },
] as const;
const REPEAT_WINDOW_MS = 30 * 60_000;

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * The money side of ads: a billed click and its ledger transfer commit
 * together under the campaign's row lock (so budgets hold with clicks on
 * every node at once), impressions in batches, invalid-click credits.
 */
export class AdBillingRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ledger: LedgerRepository,
  ) {}

  /** Valid impressions, once per token; returns the ones that were new (for the counters and the index). */
  async recordImpressions(
    rows: {
      id: string;
      adId: string;
      campaignId: string;
      placement: AdPlacement;
      position: number;
      priceMinor: number;
      viewerKey: string;
    }[],
    day: string,
  ): Promise<{ adId: string; campaignId: string }[]> {
    if (rows.length === 0) return [];
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRaw<{ ad_id: string; campaign_id: string }[]>`
        INSERT INTO ad_impressions (id, "adId", "campaignId", placement, position, "priceMinor", "viewerKey")
        SELECT r.id::uuid, r.ad::uuid, r.campaign::uuid, r.placement::"AdPlacement", r.position, r.price, r.viewer
          FROM jsonb_to_recordset(${JSON.stringify(
            rows.map((r) => ({
              id: r.id,
              ad: r.adId,
              campaign: r.campaignId,
              placement: r.placement,
              position: r.position,
              price: r.priceMinor,
              viewer: r.viewerKey,
            })),
          )}::jsonb) AS r(id text, ad text, campaign text, placement text, position int, price int, viewer text)
          JOIN ads a ON a.id = r.ad::uuid
        ON CONFLICT (id) DO NOTHING
        RETURNING "adId"::text AS ad_id, "campaignId"::text AS campaign_id`;
      const perAd = countBy(inserted.map((r) => r.ad_id));
      const perCampaign = countBy(inserted.map((r) => r.campaign_id));
      for (const [adId, n] of perAd) await tx.$executeRaw`UPDATE ads SET impressions = impressions + ${n} WHERE id = ${adId}::uuid`;
      for (const [campaignId, n] of perCampaign)
        await tx.$executeRaw`INSERT INTO ad_campaign_days ("campaignId", day, impressions) VALUES (${campaignId}::uuid, ${day}::date, ${n})
          ON CONFLICT ("campaignId", day) DO UPDATE SET impressions = ad_campaign_days.impressions + EXCLUDED.impressions`;
      return inserted.map((r) => ({ adId: r.ad_id, campaignId: r.campaign_id }));
    });
  }

  impressionExists(tokenId: string, viewerKey: string) {
    return this.prisma.adImpression.count({ where: { id: tokenId, viewerKey } }).then((n) => n > 0);
  }

  /**
   * Records a click and bills it when every rule passes, in one transaction
   * that holds the campaign's row lock: the budget checks, the ledger transfer
   * (idempotent per token, so a retried or replayed click is never billed
   * twice), the click row and the spend counters commit together or not at all.
   */
  async click(f: ClickFacts, hasImpression: boolean): Promise<ClickOutcome> {
    try {
      return await this.prisma.$transaction((tx) => this.#click(tx, f, hasImpression, true));
    } catch (err) {
      // Another campaign of the same advertiser took the balance between our check and the transfer.
      if (!(err instanceof InsufficientFundsError)) throw err;
      return this.prisma.$transaction((tx) => this.#click(tx, { ...f, invalidReason: 'balance' }, hasImpression, false));
    }
  }

  async #click(tx: Tx, f: ClickFacts, hasImpression: boolean, mayBill: boolean): Promise<ClickOutcome> {
    const [c] = await tx.$queryRaw<
      {
        status: string;
        daily: number;
        total: number | null;
        spent: bigint;
        ends: Date | null;
        owner: string;
        active: boolean;
        down: Date | null;
      }[]
    >`
      SELECT c.status::text, c."dailyBudgetMinor" AS daily, c."totalBudgetMinor" AS total, c."spentMinor" AS spent, c."endsAt" AS ends,
             s."ownerId"::text AS owner, a.active, a."takenDownAt" AS down
        FROM ad_campaigns c JOIN shops s ON s.id = c."shopId" JOIN ads a ON a.id = ${f.adId}::uuid AND a."campaignId" = c.id
       WHERE c.id = ${f.campaignId}::uuid FOR UPDATE OF c`;
    if (!c) return { billedMinor: 0, reason: 'inactive', spend: null };
    const [day] = await tx.$queryRaw<{ spent: number }[]>`
      SELECT "spentMinor" AS spent FROM ad_campaign_days WHERE "campaignId" = ${f.campaignId}::uuid AND day = ${f.day}::date`;
    const spentToday = day?.spent ?? 0;
    const reason = f.invalidReason ?? (await this.#invalidReason(tx, f, hasImpression, c, spentToday));
    let billed = 0;
    let transferId: string | null = null;
    if (reason === null && mayBill) {
      transferId = await this.ledger.post(tx, {
        kind: 'ad_charge',
        idempotencyKey: `adclick:${f.tokenId}`,
        memo: `click on ad ${f.adId}`,
        entries: [
          { account: accounts.brandFunding(c.owner, f.currency), amount: -BigInt(f.priceMinor) },
          { account: accounts.adRevenue(f.currency), amount: BigInt(f.priceMinor) },
        ],
      });
      billed = f.priceMinor;
    }
    const finalReason = reason ?? (mayBill ? null : 'balance');
    await tx.adClick.create({
      data: {
        tokenId: f.tokenId,
        adId: f.adId,
        campaignId: f.campaignId,
        placement: f.placement,
        viewerKey: f.viewerKey,
        userId: f.userId,
        ipPrefix: f.ipPrefix,
        userAgent: f.userAgent.slice(0, 300),
        priceMinor: f.priceMinor,
        billedMinor: billed,
        invalidReason: finalReason,
        transferId,
      },
    });
    if (billed > 0) {
      await tx.$executeRaw`INSERT INTO ad_campaign_days ("campaignId", day, "spentMinor", clicks) VALUES (${f.campaignId}::uuid, ${f.day}::date, ${billed}, 1)
        ON CONFLICT ("campaignId", day) DO UPDATE SET "spentMinor" = ad_campaign_days."spentMinor" + ${billed}, clicks = ad_campaign_days.clicks + 1`;
      await tx.$executeRaw`UPDATE ad_campaigns SET "spentMinor" = "spentMinor" + ${billed} WHERE id = ${f.campaignId}::uuid`;
      await tx.$executeRaw`UPDATE ads SET clicks = clicks + 1 WHERE id = ${f.adId}::uuid`;
    }
    const balance = await this.ledger.balance(tx, accounts.brandFunding(c.owner, f.currency).code);
    return {
      billedMinor: billed,
      reason: finalReason,
      spend: {
        campaignId: f.campaignId,
        ownerId: c.owner,
        day: f.day,
        spentTodayMinor: spentToday + billed,
        spentTotalMinor: Number(c.spent) + billed,
        balanceMinor: Number(balance),
      },
    };
  }

  async #invalidReason(
    tx: Tx,
    f: ClickFacts,
    hasImpression: boolean,
    c: {
      status: string;
      daily: number;
      total: number | null;
      spent: bigint;
      ends: Date | null;
      owner: string;
      active: boolean;
      down: Date | null;
    },
    spentToday: number,
  ): Promise<AdClickReason | null> {
    if (!hasImpression) return 'no_impression';
    if (f.userId === c.owner) return 'own_shop';
    const since = (ms: number) => new Date(Date.now() - ms);
    const repeat = await tx.adClick.count({
      where: { adId: f.adId, viewerKey: f.viewerKey, billedMinor: { gt: 0 }, createdAt: { gt: since(REPEAT_WINDOW_MS) } },
    });
    if (repeat > 0) return 'repeat';
    for (const limit of IP_BURST_LIMITS) {
      const n = await tx.adClick.count({ where: { adId: f.adId, ipPrefix: f.ipPrefix, createdAt: { gt: since(limit.windowMs) } } });
      if (n >= limit.max) return 'ip_burst';
    }
    if (c.status !== 'active' || !c.active || c.down !== null || (c.ends !== null && c.ends <= new Date())) return 'inactive';
    if (spentToday >= c.daily || (c.total !== null && Number(c.spent) >= c.total)) return 'budget';
    const balance = await this.ledger.balance(tx, accounts.brandFunding(c.owner, f.currency).code);
    if (balance < BigInt(f.priceMinor)) return 'balance';
    return null;
  }

  /**
   * A billed click found invalid later: its price goes back from ad revenue to
   * the advertiser, and the spend counters step back, once (the credit's
   * ledger key is the click's).
   */
  async credit(clickId: string, currency: string): Promise<{ campaignId: string; adId: string } | null> {
    return this.prisma.$transaction(async (tx) => {
      const [click] = await tx.$queryRaw<{ ad: string; campaign: string; billed: number; at: Date; owner: string }[]>`
        SELECT k."adId"::text AS ad, k."campaignId"::text AS campaign, k."billedMinor" AS billed, k."createdAt" AS at, s."ownerId"::text AS owner
          FROM ad_clicks k JOIN ad_campaigns c ON c.id = k."campaignId" JOIN shops s ON s.id = c."shopId"
         WHERE k.id = ${clickId}::uuid AND k."billedMinor" > 0 AND k."creditedAt" IS NULL FOR UPDATE OF k, c`;
      if (!click) return null;
      await this.ledger.post(tx, {
        kind: 'ad_credit',
        idempotencyKey: `adcredit:${clickId}`,
        memo: `invalid click ${clickId}`,
        entries: [
          { account: accounts.adRevenue(currency), amount: -BigInt(click.billed) },
          { account: accounts.brandFunding(click.owner, currency), amount: BigInt(click.billed) },
        ],
      });
      const day = click.at.toISOString().slice(0, 10);
      await tx.$executeRaw`UPDATE ad_clicks SET "creditedAt" = now(), "invalidReason" = 'credited' WHERE id = ${clickId}::uuid`;
      await tx.$executeRaw`UPDATE ad_campaign_days SET "spentMinor" = "spentMinor" - ${click.billed}, clicks = clicks - 1
        WHERE "campaignId" = ${click.campaign}::uuid AND day = ${day}::date`;
      await tx.$executeRaw`UPDATE ad_campaigns SET "spentMinor" = "spentMinor" - ${click.billed} WHERE id = ${click.campaign}::uuid`;
      await tx.$executeRaw`UPDATE ads SET clicks = clicks - 1 WHERE id = ${click.ad}::uuid`;
      return { campaignId: click.campaign, adId: click.ad };
    });
  }

  /** Auctions, logged in batches; kept 7 days. */
  async logAuctions(rows: { placement: AdPlacement; query: string; adIds: string[]; candidates: unknown }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.prisma.adAuction.createMany({ data: rows.map((r) => ({ ...r, candidates: r.candidates as object })) });
  }

  purgeAuctions(olderThan: Date) {
    return this.prisma.adAuction.deleteMany({ where: { createdAt: { lt: olderThan } } });
  }
}

function countBy(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
