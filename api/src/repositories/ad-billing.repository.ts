import type { AdClickReason, AdPlacement } from '@hawker/shared';
import { accounts, AD_REVENUE_SHARDS, adRevenueShard } from '../domain/ledger-accounts.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { InsufficientFundsError, type LedgerRepository } from './ledger.repository.js';
import { SQL_UTC_NOW, type SqlDatabase, type SqlExecutor, type SqlStatement } from './db/sql.js';
import { uuidv7 } from './db/uuid7.js';

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
  { window: '1 minute', max: 1 },
  { window: '10 minutes', max: 3 },
  { window: '1 hour', max: 10 },
] as const;

type CampaignFacts = {
  status: string;
  daily: number;
  total: number | null;
  spent: string;
  ended: boolean;
  owner: string;
  active: boolean;
  down: boolean;
};
type ClickWindowFacts = {
  spent_today: number;
  repeats: number;
  ip_1m: number;
  ip_10m: number;
  ip_1h: number;
  balance: string | null;
  funding_id: string | null;
  revenue_id: string | null;
  impression: boolean;
};

/** The impression is not in the database yet (its batch may still be committing on another node): try again shortly. */
export class ImpressionNotYetError extends Error {
  constructor() {
    super('impression not recorded yet');
    this.name = 'ImpressionNotYetError';
  }
}

const LOCK_CAMPAIGN: SqlStatement = {
  name: 'ad_click_lock_v1',
  text: `SELECT c.status::text, c."dailyBudgetMinor" AS daily, c."totalBudgetMinor" AS total, c."spentMinor"::text AS spent,
                coalesce(c."endsAt" <= ${SQL_UTC_NOW}, false) AS ended, s."ownerId"::text AS owner, a.active, a."takenDownAt" IS NOT NULL AS down
           FROM ad_campaigns c JOIN shops s ON s.id = c."shopId" JOIN ads a ON a.id = $2::uuid AND a."campaignId" = c.id
          WHERE c.id = $1::uuid FOR UPDATE OF c`,
};

/** Everything the rules need in one round trip, each count served by its own index. */
const CLICK_FACTS: SqlStatement = {
  name: 'ad_click_facts_v2',
  text: `SELECT coalesce((SELECT "spentMinor" FROM ad_campaign_days WHERE "campaignId" = $1::uuid AND day = $2::date), 0) AS spent_today,
                (SELECT count(*) FROM ad_clicks WHERE "adId" = $3::uuid AND "viewerKey" = $4 AND "billedMinor" > 0
                    AND "createdAt" > ${SQL_UTC_NOW} - interval '30 minutes')::int AS repeats,
                ip.m1 AS ip_1m, ip.m10 AS ip_10m, ip.h1 AS ip_1h,
                (SELECT balance FROM ledger_accounts WHERE code = $6)::text AS balance,
                (SELECT id FROM ledger_accounts WHERE code = $6)::text AS funding_id,
                (SELECT id FROM ledger_accounts WHERE code = $7)::text AS revenue_id,
                EXISTS (SELECT 1 FROM ad_impressions WHERE id = $8::uuid AND "viewerKey" = $4) AS impression
           FROM (SELECT count(*) FILTER (WHERE "createdAt" > ${SQL_UTC_NOW} - interval '1 minute')::int AS m1,
                        count(*) FILTER (WHERE "createdAt" > ${SQL_UTC_NOW} - interval '10 minutes')::int AS m10,
                        count(*)::int AS h1
                   FROM ad_clicks WHERE "adId" = $3::uuid AND "ipPrefix" = $5 AND "createdAt" > ${SQL_UTC_NOW} - interval '1 hour') ip`,
};

/** The click row and, when billed, the day's, campaign's and ad's counters: one statement. */
const WRITE_CLICK: SqlStatement = {
  name: 'ad_click_write_v1',
  text: `WITH k AS (
           INSERT INTO ad_clicks (id, "tokenId", "adId", "campaignId", placement, "viewerKey", "userId", "ipPrefix", "userAgent",
                                  "priceMinor", "billedMinor", "invalidReason", "transferId", "createdAt")
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::"AdPlacement", $6, $7::uuid, $8, $9, $10::int, $11::int, $12, $13::uuid, ${SQL_UTC_NOW})),
         d AS (
           INSERT INTO ad_campaign_days ("campaignId", day, "spentMinor", clicks) SELECT $4::uuid, $14::date, $11::int, 1 WHERE $11::int > 0
           ON CONFLICT ("campaignId", day) DO UPDATE SET "spentMinor" = ad_campaign_days."spentMinor" + EXCLUDED."spentMinor",
                                                         clicks = ad_campaign_days.clicks + 1),
         c AS (UPDATE ad_campaigns SET "spentMinor" = "spentMinor" + $11::int WHERE id = $4::uuid AND $11::int > 0),
         a AS (UPDATE ads SET clicks = clicks + 1 WHERE id = $3::uuid AND $11::int > 0)
         SELECT 1`,
};

/** The rules, in order: the first that fails is the reason the click is not billed. */
function invalidReason(f: ClickFacts, c: CampaignFacts, w: ClickWindowFacts, balance: bigint): AdClickReason | null {
  if (!w.impression) return 'no_impression';
  if (f.userId === c.owner) return 'own_shop';
  if (w.repeats > 0) return 'repeat';
  if (w.ip_1m >= IP_BURST_LIMITS[0].max || w.ip_10m >= IP_BURST_LIMITS[1].max || w.ip_1h >= IP_BURST_LIMITS[2].max) return 'ip_burst';
  if (c.status !== 'active' || !c.active || c.down || c.ended) return 'inactive';
  if (w.spent_today >= c.daily || (c.total !== null && Number(c.spent) >= c.total)) return 'budget';
  if (balance < BigInt(f.priceMinor)) return 'balance';
  return null;
}

/**
 * The money side of ads: a billed click and its ledger transfer commit
 * together under the campaign's row lock (so budgets hold with clicks on
 * every node at once), impressions in batches, invalid-click credits.
 */
export class AdBillingRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlDatabase,
    private readonly ledger: LedgerRepository,
  ) {}

  /** Creates the ad revenue shards once (committed, so the ledger caches their ids for every click). */
  prepareRevenue(currency: string): Promise<void> {
    return this.ledger.prepare(Array.from({ length: AD_REVENUE_SHARDS }, (_, i) => accounts.adRevenue(currency, i)));
  }

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
        INSERT INTO ad_impressions (id, "adId", "campaignId", placement, position, "priceMinor", "viewerKey", "createdAt")
        SELECT r.id::uuid, r.ad::uuid, r.campaign::uuid, r.placement::"AdPlacement", r.position, r.price, r.viewer, (now() AT TIME ZONE 'UTC')
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

  /**
   * Records a click and bills it when every rule passes, in one transaction
   * on the lean SQL path that holds the campaign's row lock: the budget
   * checks, the ledger transfer (idempotent per token, so a retried or
   * replayed click is never billed twice), the click row and the spend
   * counters commit together or not at all. Four statements: lock, facts,
   * transfer, writes.
   */
  async click(f: ClickFacts, waitForImpression: boolean): Promise<ClickOutcome> {
    try {
      return await this.sql.transaction((tx) => this.#click(tx, f, waitForImpression, true));
    } catch (err) {
      // Another campaign of the same advertiser took the balance between our check and the transfer.
      if (!(err instanceof InsufficientFundsError)) throw err;
      return this.sql.transaction((tx) => this.#click(tx, { ...f, invalidReason: 'balance' }, false, false));
    }
  }

  async #click(tx: SqlExecutor, f: ClickFacts, waitForImpression: boolean, mayBill: boolean): Promise<ClickOutcome> {
    const [c] = await tx.query<CampaignFacts>(LOCK_CAMPAIGN, [f.campaignId, f.adId]);
    if (!c) return { billedMinor: 0, reason: 'inactive', spend: null };
    const funding = accounts.brandFunding(c.owner, f.currency);
    const revenue = accounts.adRevenue(f.currency, adRevenueShard(f.tokenId));
    const [facts] = await tx.query<ClickWindowFacts>(CLICK_FACTS, [
      f.campaignId,
      f.day,
      f.adId,
      f.viewerKey,
      f.ipPrefix,
      funding.code,
      revenue.code,
      f.tokenId,
    ]);
    if (!facts!.impression && f.invalidReason === null && waitForImpression) throw new ImpressionNotYetError();
    const spentToday = facts!.spent_today;
    const balance = BigInt(facts!.balance ?? '0');
    const reason = f.invalidReason ?? invalidReason(f, c, facts!, balance);
    // Both accounts exist when a click can be billed (a funded balance; the shards made at start): no lookups in the transaction.
    const known = new Map<string, string>();
    if (facts!.funding_id) known.set(funding.code, facts!.funding_id);
    if (facts!.revenue_id) known.set(revenue.code, facts!.revenue_id);
    let billed = 0;
    let transferId: string | null = null;
    if (reason === null && mayBill) {
      transferId = await this.ledger.post(
        tx,
        {
          kind: 'ad_charge',
          idempotencyKey: `adclick:${f.tokenId}`,
          memo: `click on ad ${f.adId}`,
          entries: [
            { account: funding, amount: -BigInt(f.priceMinor) },
            { account: revenue, amount: BigInt(f.priceMinor) },
          ],
        },
        known,
      );
      billed = f.priceMinor;
    }
    const finalReason = reason ?? (mayBill ? null : 'balance');
    await tx.query(WRITE_CLICK, [
      uuidv7(),
      f.tokenId,
      f.adId,
      f.campaignId,
      f.placement,
      f.viewerKey,
      f.userId,
      f.ipPrefix,
      f.userAgent.slice(0, 300),
      f.priceMinor,
      billed,
      finalReason,
      transferId,
      f.day,
    ]);
    return {
      billedMinor: billed,
      reason: finalReason,
      spend: {
        campaignId: f.campaignId,
        ownerId: c.owner,
        day: f.day,
        spentTodayMinor: spentToday + billed,
        spentTotalMinor: Number(c.spent) + billed,
        balanceMinor: Number(balance) - billed,
      },
    };
  }

  /**
   * A billed click found invalid later: its price goes back from ad revenue to
   * the advertiser, and the spend counters step back, once (the credit's
   * ledger key is the click's).
   */
  async credit(clickId: string, currency: string): Promise<{ campaignId: string; adId: string } | null> {
    return this.prisma.$transaction(async (tx) => {
      const [click] = await tx.$queryRaw<{ ad: string; campaign: string; billed: number; at: Date; owner: string; token: string }[]>`
        SELECT k."tokenId"::text AS token, k."adId"::text AS ad, k."campaignId"::text AS campaign, k."billedMinor" AS billed, k."createdAt" AS at, s."ownerId"::text AS owner
          FROM ad_clicks k JOIN ad_campaigns c ON c.id = k."campaignId" JOIN shops s ON s.id = c."shopId"
         WHERE k.id = ${clickId}::uuid AND k."billedMinor" > 0 AND k."creditedAt" IS NULL FOR UPDATE OF k, c`;
      if (!click) return null;
      await this.ledger.post(tx, {
        kind: 'ad_credit',
        idempotencyKey: `adcredit:${clickId}`,
        memo: `invalid click ${clickId}`,
        entries: [
          { account: accounts.adRevenue(currency, adRevenueShard(click.token)), amount: -BigInt(click.billed) },
          { account: accounts.brandFunding(click.owner, currency), amount: BigInt(click.billed) },
        ],
      });
      const day = click.at.toISOString().slice(0, 10);
      await tx.$executeRaw`UPDATE ad_clicks SET "creditedAt" = (now() AT TIME ZONE 'UTC'), "invalidReason" = 'credited' WHERE id = ${clickId}::uuid`;
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
