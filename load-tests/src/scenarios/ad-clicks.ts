import { adClicksChart, formatAdClicksReport } from '../ads/clicks-output.js';
import { runAdClicksBench, type AdClicksOptions } from '../ads/clicks-run.js';
import { defaultResultsDir, isFullRun, notFullNote, writeResults } from '../report/results.js';
import { flagsOrExitCode } from './flags.js';

const FULL = { rounds: 5, startConcurrency: 8, maxSteps: 7, maxSeconds: 5, campaigns: 200, capped: 50 };
const QUICK = { rounds: 2, startConcurrency: 8, maxSteps: 3, maxSeconds: 2, campaigns: 40, capped: 10 };
const VALUED = ['rounds', 'start', 'steps', 'seconds', 'campaigns'];

const USAGE = `usage: npm run bench -- ad-clicks [--quick] [--rounds 5] [--start 8] [--steps 7] [--seconds 5] [--campaigns 200] [--no-write]
Ad clicks through GET /api/ads/click/:token on two api nodes (child processes, one database, one Redis):
billed (fresh tokens with recorded impressions: the impression lookup and the billing transaction) against
redirect (tokens past the 30-minute window: the same signature check and 302, no database work), same run,
order alternating per round. Each mode ramps from --start requests in flight, doubling, up to --steps steps of
--seconds s, and stops at the first step with p99 over 1 s, an answer other than the right 302, or no gain.
After every billed step the database must show no overspend, no click billed twice, spends and ad revenue
equal to the billed clicks; the ledger self-check must be clean at the end (else exit 1). A quarter of the
campaigns have small daily budgets and take 10 % of the clicks, so some exhaust during the run.
Only a full run (no --quick and no other option) rewrites ad-clicks-latest.json/.svg; any run writes
ad-clicks-<time>.json. BENCH_DATABASE_URL: admin connection (default postgresql://postgres@127.0.0.1:5432/postgres);
the bench creates its own database and drops it. BENCH_REDIS_URL (default redis://127.0.0.1:6379).
AD_CLICKS_PROFILE=<dir>: each api node writes a CPU profile of its run to <dir>/ad-clicks-<node>.cpuprofile.`;

export async function main(argv: string[]): Promise<number> {
  const flags = flagsOrExitCode(argv, VALUED, USAGE);
  if (typeof flags === 'number') return flags;
  const { quick, value } = flags;
  const base = quick ? QUICK : FULL;
  const campaigns = Number(value('campaigns') ?? base.campaigns);
  const o: AdClicksOptions = {
    rounds: Number(value('rounds') ?? base.rounds),
    startConcurrency: Number(value('start') ?? base.startConcurrency),
    maxSteps: Number(value('steps') ?? base.maxSteps),
    maxSeconds: Number(value('seconds') ?? base.maxSeconds),
    // Far above what two cores carry: a step ends by time, not by running out of tokens.
    tokensPerSecond: { billed: 4_000, redirect: 12_000 },
    campaigns,
    cappedCampaigns: value('campaigns') === undefined ? base.capped : Math.max(1, Math.round(campaigns / 4)),
    cappedShare: 0.1,
    cappedBudgetMinor: [100, 20_000],
    openBudgetMinor: 50_000_000,
    fundMinor: 1_000_000_000,
    priceMinor: [20, 60],
    maxCpcMinor: 60,
    warmupClicks: 300,
    seed: 11,
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const isInt = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;
  const valid =
    isInt(o.rounds, 1, 15) &&
    isInt(o.startConcurrency, 1, 1024) &&
    isInt(o.maxSteps, 1, 10) &&
    o.startConcurrency * 2 ** (o.maxSteps - 1) <= 4096 &&
    o.maxSeconds > 0 &&
    o.maxSeconds <= 60 &&
    isInt(o.campaigns, 4, 10_000);
  if (!valid) {
    console.error(USAGE);
    return 2;
  }
  const full = isFullRun(flags, VALUED);
  console.log(
    `ad-clicks bench: ${o.campaigns} campaigns on 2 api nodes; ${o.rounds} rounds of billed and redirect ramps (${o.startConcurrency} in flight, doubling, up to ${o.maxSteps} steps of ${o.maxSeconds} s)${full ? '' : notFullNote('ad-clicks')}`,
  );
  const report = await runAdClicksBench(o, (line) => console.log(`  ${line}`), full);
  console.log(`\n${formatAdClicksReport(report)}`);
  if (!flags.noWrite)
    console.log(
      `\nwrote ${(await writeResults(defaultResultsDir, 'ad-clicks', report, adClicksChart(report), { latest: full })).join(', ')}`,
    );
  return report.summary.correct ? 0 : 1;
}
