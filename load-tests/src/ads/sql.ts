import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { keywordRelevance, LOGGED_BEYOND_SLOTS, predictedCtr } from '../../../api/src/domain/ad-auction.js';
import type { AdContext } from '../../../api/src/services/ad-index.js';
import { isPayable, type AdFixtures } from './fixtures.js';
import { priceRanked, type DecidedAd } from './linear.js';

/**
 * The baseline most teams build: the ads in a PostgreSQL table, one indexed
 * top-k query per decision. `eligible` is kept by the writer (campaign within
 * its total budget, owner's balance ≥ the reserve), `score` is a stored
 * generated column, bid × (clicks + 1) / (impressions + 50) in float8 — the
 * same IEEE operations as predictedCtr, so the same values — and a partial
 * index on (placement, score DESC, bid DESC, ad_id, bid_id) WHERE eligible,
 * covering the selected columns, serves the query as an index-only scan of
 * its first rows. One connection, a named (prepared) statement, one decision
 * at a time; distinct targets and prices are done in JS, like the others.
 *
 * Search: the keyword's terms in a text[] with a GIN index for `terms <@
 * query` (every keyword term among the query's), ordered by the score times
 * the keyword's relevance — computed per row, so the matching rows are
 * sorted (top-N heapsort) rather than read in index order.
 *
 * Generous to SQL: no pacer (the flag stands in for it: the pass rate is 1
 * in this bench) and no cost for keeping `eligible` and `score` up to date
 * as clicks are billed and impressions counted.
 */
export const SQL_TABLE = `
CREATE TABLE bench_ads (
  bid_id uuid PRIMARY KEY,
  ad_id uuid NOT NULL,
  campaign_id uuid NOT NULL,
  target_id uuid NOT NULL,
  placement text NOT NULL,
  bid integer NOT NULL,
  impressions integer NOT NULL,
  clicks integer NOT NULL,
  eligible boolean NOT NULL,
  terms text[] NOT NULL,
  score double precision GENERATED ALWAYS AS (bid * ((clicks + 1)::float8 / (impressions + 50))) STORED
);
CREATE INDEX bench_ads_top ON bench_ads (placement, score DESC, bid DESC, ad_id, bid_id)
  INCLUDE (target_id, impressions, clicks) WHERE eligible;
CREATE INDEX bench_ads_terms ON bench_ads USING gin (terms) WHERE placement = 'search' AND eligible;`;

// uuid order is byte order, the same as JS string order of lowercase hex ids (outranks' tie rule).
export const SQL_QUERY = `SELECT ad_id, bid_id, target_id, bid, impressions, clicks, score FROM bench_ads
 WHERE placement = $1 AND eligible AND bid >= $2
 ORDER BY score DESC, bid DESC, ad_id, bid_id LIMIT $3`;

// keywordRelevance's min(1, k ÷ q) and the same order of float operations as the index: bid × (ctr × relevance).
export const SQL_SEARCH_QUERY = `SELECT ad_id, bid_id, target_id, bid, impressions, clicks, cardinality(terms) AS n FROM bench_ads
 WHERE placement = 'search' AND eligible AND bid >= $2 AND terms <@ $1::text[]
 ORDER BY bid * (((clicks + 1)::float8 / (impressions + 50)) * least(1, cardinality(terms)::float8 / $3)) DESC, bid DESC, ad_id, bid_id
 LIMIT $4`;

type Row = { ad_id: string; bid_id: string; target_id: string; bid: number; impressions: number; clicks: number; n?: number };

export type SqlAds = {
  database: string;
  /** SHOW server_version (its column is named server_version). */
  serverVersion: string;
  backendPid: number;
  /** EXPLAIN (ANALYZE) of one decision's query, as PostgreSQL planned the prepared statement. */
  plan: string;
  auction(ctx: AdContext, slots: number, reserveMinor: number): Promise<DecidedAd[]>;
  /** CPU seconds the connection's backend process has used (utime + stime from /proc). */
  backendCpuSeconds(): Promise<number | null>;
  close(): Promise<void>;
};

export async function openSqlAds(adminUrl: string, f: AdFixtures, log: (line: string) => void): Promise<SqlAds> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const database = `hawker_bench_ads_${Date.now()}_${process.pid}`;
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  const drop = async () => {
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  };
  try {
    await client.connect();
    const serverVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
    await client.query(SQL_TABLE);
    const campaigns = new Map(f.campaigns.map((c) => [c.campaignId, c]));
    const stats = (adId: string) => f.stats.get(adId) ?? { impressions: 0, clicks: 0 };
    // In chunks: one statement's arrays stay a few MB at 100,000 ads.
    for (let at = 0; at < f.bids.length; at += 20_000) {
      const chunk = f.bids.slice(at, at + 20_000);
      await client.query(
        `INSERT INTO bench_ads (bid_id, ad_id, campaign_id, target_id, placement, bid, impressions, clicks, eligible, terms)
         SELECT b, a, c, t, p, bid, i, k, e, coalesce(string_to_array(nullif(w, ''), ' '), '{}')::text[]
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::int[], $8::int[], $9::bool[], $10::text[])
           AS x(b, a, c, t, p, bid, i, k, e, w)`,
        [
          chunk.map((b) => b.bidId),
          chunk.map((b) => b.adId),
          chunk.map((b) => b.campaignId),
          chunk.map((b) => b.listingId ?? b.streamId ?? b.adId),
          chunk.map((b) => b.placement),
          chunk.map((b) => b.maxCpcMinor),
          chunk.map((b) => stats(b.adId).impressions),
          chunk.map((b) => stats(b.adId).clicks),
          chunk.map((b) => {
            const c = campaigns.get(b.campaignId);
            return c !== undefined && isPayable(c, f.balances, f.reserveMinor);
          }),
          chunk.map((b) => b.terms.join(' ')),
        ],
      );
    }
    // Visibility map set, statistics fresh: the best case for an index-only scan.
    await client.query('VACUUM (ANALYZE) bench_ads');
    const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const keep = (slots: number) => slots + LOGGED_BEYOND_SLOTS;
    const auction = async (ctx: AdContext, slots: number, reserveMinor: number): Promise<DecidedAd[]> => {
      const search = ctx.placement === 'search';
      const query = [...new Set(ctx.queryTerms)];
      // Fetch the first `keep` rows; when shared targets leave fewer than that, fetch twice as many (bounded: the table's size).
      for (let limit = keep(slots); ; limit *= 2) {
        const { rows } = search
          ? await client.query<Row>({
              name: 'bench_ads_search',
              text: SQL_SEARCH_QUERY,
              values: [query, reserveMinor, query.length, limit],
            })
          : await client.query<Row>({ name: 'bench_ads_top', text: SQL_QUERY, values: [ctx.placement, reserveMinor, limit] });
        const ranked: (Row & { adId: string; bidId: string; targetId: string; bidMinor: number; quality: number; score: number })[] = [];
        const seen = new Set<string>();
        for (const r of rows) {
          if (ranked.length === keep(slots)) break;
          if (seen.has(r.target_id)) continue;
          seen.add(r.target_id);
          const quality = predictedCtr(r.impressions, r.clicks) * (search ? keywordRelevance(r.n!, query.length) : 1);
          ranked.push({ ...r, adId: r.ad_id, bidId: r.bid_id, targetId: r.target_id, bidMinor: r.bid, quality, score: r.bid * quality });
        }
        if (ranked.length === keep(slots) || rows.length < limit || limit > f.bids.length) return priceRanked(ranked, slots, reserveMinor);
      }
    };
    // Every stored score is the float JS computes for the same ad (else the ranks could differ on near-ties).
    const all = await client.query<{ bid: number; impressions: number; clicks: number; score: number; eligible: boolean }>(
      'SELECT bid, impressions, clicks, score, eligible FROM bench_ads',
    );
    const wrong = all.rows.filter((r) => r.score !== r.bid * predictedCtr(r.impressions, r.clicks)).length;
    const eligible = all.rows.filter((r) => r.eligible).length;
    if (wrong > 0 || eligible !== f.eligibleAds)
      throw new Error(`sql: ${wrong} stored scores differ from JS's; ${eligible} eligible rows, expected ${f.eligibleAds}`);
    // The plan the prepared statement runs with once PostgreSQL has settled on one (after five executions).
    const [text, args] = f.placement === 'search' ? [SQL_SEARCH_QUERY, '(text[], int, int, int)'] : [SQL_QUERY, '(text, int, int)'];
    const q0 = [...new Set(f.queries[0])];
    const values =
      f.placement === 'search' ? `('{${q0.join(',')}}', ${f.reserveMinor}, ${q0.length}, 5)` : `('${f.placement}', ${f.reserveMinor}, 7)`;
    await client.query(`PREPARE bench_ads_explain${args} AS ${text}`);
    for (let i = 0; i < 6; i++) await client.query(`EXECUTE bench_ads_explain${values}`);
    const explained = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE bench_ads_explain${values}`,
    );
    await client.query('DEALLOCATE bench_ads_explain');
    const plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    log(`sql: database ${database}, ${f.bids.length} rows; plan: ${plan.split('\n')[0]?.trim()}…`);
    return {
      database,
      serverVersion,
      backendPid,
      plan,
      auction,
      backendCpuSeconds: () => processCpuSeconds(backendPid),
      close: drop,
    };
  } catch (err) {
    await drop();
    throw err;
  }
}

/** utime + stime of a local process in seconds (Linux /proc; clock ticks are 100 Hz on every Linux we run), or null elsewhere. */
export async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
