import type { Database } from '../../../api/src/repositories/db/client.js';

/** Click rows by outcome: 'billed' or the reason it was not (ad_clicks."invalidReason"). */
export type ClickCounts = Record<string, number>;

export async function clickCounts(db: Database): Promise<ClickCounts> {
  const rows = await db.sql.query<{ outcome: string; n: number }>(
    { text: `SELECT coalesce("invalidReason", 'billed') AS outcome, count(*)::int AS n FROM ad_clicks GROUP BY 1` },
    [],
  );
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}

/** What happened between two snapshots. */
export function countsSince(before: ClickCounts, after: ClickCounts): ClickCounts {
  const out: ClickCounts = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export const total = (c: ClickCounts) => Object.values(c).reduce((a, b) => a + b, 0);

/**
 * The money after a billed step, from the database alone. Overspend is
 * spend beyond what the rules allow: a campaign's billed clicks on a UTC day
 * may pass its daily budget by at most its largest click's price (the last
 * click is billed when the day's spend is still under the budget), so
 * overspendMinor = Σ max(0, spent − (daily + largest click)) must be 0.
 */
export type BillingCheck = {
  /** Campaign-days with billed clicks. */
  campaignDays: number;
  /** Campaign-days whose spend reached the daily budget (no more clicks billed that day). */
  exhausted: number;
  /** … of which passed it (by at most one click when overspend is 0), and by how much at most. */
  overBudget: number;
  maxOverBudgetMinor: number;
  overspendMinor: number;
  /** ad_campaign_days.spentMinor ≠ the day's billed clicks. */
  dayMismatches: number;
  /** ad_campaigns.spentMinor ≠ the campaign's billed clicks. */
  campaignMismatches: number;
  /** Token ids billed more than once, and with more than one click row (each token is clicked once). */
  doubleBilledTokens: number;
  duplicateClickRows: number;
  billedClicks: number;
  billedMinor: number;
  /** The ad revenue ledger accounts' balance (all shards): must equal billedMinor. */
  adRevenueMinor: number;
  ok: boolean;
};

export async function checkBilling(db: Database, currency: string): Promise<BillingCheck> {
  const q = <T>(text: string, values: unknown[] = []) => db.sql.query<T>({ text }, values);
  const days = await q<{ campaign: string; day: string; daily: number; spent: string; top: number; n: number; day_spent: number | null }>(
    `SELECT k."campaignId"::text AS campaign, k.day::text AS day, c."dailyBudgetMinor" AS daily, k.spent::text AS spent, k.top, k.n,
            d."spentMinor" AS day_spent
       FROM (SELECT "campaignId", "createdAt"::date AS day, sum("billedMinor") AS spent, max("billedMinor") AS top, count(*)::int AS n
               FROM ad_clicks WHERE "billedMinor" > 0 GROUP BY 1, 2) k
       JOIN ad_campaigns c ON c.id = k."campaignId"
       LEFT JOIN ad_campaign_days d ON d."campaignId" = k."campaignId" AND d.day = k.day`,
  );
  const [strayDays] = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM ad_campaign_days d
      WHERE d."spentMinor" <> 0 AND NOT EXISTS (SELECT 1 FROM ad_clicks k WHERE k."campaignId" = d."campaignId"
                                                  AND k."createdAt"::date = d.day AND k."billedMinor" > 0)`,
  );
  const [campaigns] = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM ad_campaigns c
      WHERE c."spentMinor" <> coalesce((SELECT sum("billedMinor") FROM ad_clicks k WHERE k."campaignId" = c.id), 0)`,
  );
  const [dup] = await q<{ billed: number; rows: number }>(
    `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM ad_clicks WHERE "billedMinor" > 0 GROUP BY "tokenId" HAVING count(*) > 1) x) AS billed,
            (SELECT count(*)::int FROM (SELECT 1 FROM ad_clicks GROUP BY "tokenId" HAVING count(*) > 1) y) AS rows`,
  );
  // Ad revenue is spread over shard accounts (accounts.adRevenue): their sum.
  const [revenue] = await q<{ balance: string | null }>(
    `SELECT sum(balance)::text AS balance FROM ledger_accounts WHERE kind = 'ad_revenue' AND currency = $1`,
    [currency],
  );
  let exhausted = 0;
  let overBudget = 0;
  let maxOver = 0;
  let overspend = 0;
  let dayMismatches = strayDays?.n ?? 0;
  let billedClicks = 0;
  let billedMinor = 0;
  for (const d of days) {
    const spent = Number(d.spent);
    billedClicks += d.n;
    billedMinor += spent;
    if (spent >= d.daily) exhausted++;
    if (spent > d.daily) overBudget++;
    maxOver = Math.max(maxOver, spent - d.daily);
    overspend += Math.max(0, spent - (d.daily + d.top));
    if ((d.day_spent ?? 0) !== spent) dayMismatches++;
  }
  const adRevenueMinor = Number(revenue?.balance ?? 0);
  const check: Omit<BillingCheck, 'ok'> = {
    campaignDays: days.length,
    exhausted,
    overBudget,
    maxOverBudgetMinor: Math.max(0, maxOver),
    overspendMinor: overspend,
    dayMismatches,
    campaignMismatches: campaigns?.n ?? 0,
    doubleBilledTokens: dup?.billed ?? 0,
    duplicateClickRows: dup?.rows ?? 0,
    billedClicks,
    billedMinor,
    adRevenueMinor,
  };
  const ok =
    check.overspendMinor === 0 &&
    check.dayMismatches === 0 &&
    check.campaignMismatches === 0 &&
    check.doubleBilledTokens === 0 &&
    check.duplicateClickRows === 0 &&
    check.adRevenueMinor === check.billedMinor;
  return { ...check, ok };
}

/** One line for the progress output. */
export function checkLine(c: BillingCheck): string {
  const problems = [
    c.overspendMinor > 0 ? `OVERSPEND ${c.overspendMinor}` : '',
    c.dayMismatches > 0 ? `${c.dayMismatches} day spends ≠ clicks` : '',
    c.campaignMismatches > 0 ? `${c.campaignMismatches} campaign spends ≠ clicks` : '',
    c.doubleBilledTokens > 0 ? `${c.doubleBilledTokens} tokens billed twice` : '',
    c.duplicateClickRows > 0 ? `${c.duplicateClickRows} tokens recorded twice` : '',
    c.adRevenueMinor !== c.billedMinor ? `ad revenue ${c.adRevenueMinor} ≠ billed ${c.billedMinor}` : '',
  ].filter(Boolean);
  const summary = `${c.exhausted} campaign-days exhausted (${c.overBudget} past the budget by ≤ ${c.maxOverBudgetMinor}), overspend ${c.overspendMinor}, ad revenue = billed ${c.billedMinor.toLocaleString('en-US')}`;
  return problems.length > 0 ? `CHECK FAILED: ${problems.join('; ')} (${summary})` : `check ok: ${summary}`;
}
