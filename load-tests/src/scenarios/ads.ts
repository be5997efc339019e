import { formatAdsReport, adsChart } from '../ads/output.js';
import { runAdsBench, type AdsBenchOptions } from '../ads/run.js';
import { defaultResultsDir, isFullRun, notFullNote, writeResults } from '../report/results.js';
import { flagsOrExitCode } from './flags.js';

const FULL = { sizes: [1_000, 10_000, 100_000], searchSizes: [10_000], rounds: 5, maxDecisions: 100_000, maxSeconds: 3 };
const QUICK = { sizes: [10_000], searchSizes: [10_000], rounds: 2, maxDecisions: 5_000, maxSeconds: 1 };
const VALUED = ['sizes', 'search-sizes', 'rounds', 'decisions', 'seconds'];

const USAGE = `usage: npm run bench -- ads [--quick] [--sizes 1000,10000,100000] [--search-sizes 10000|none] [--rounds 5]
                            [--decisions 100000] [--seconds 3] [--no-write]
Ad decisions on one core for one placement: AdIndex against a linear scan-and-sort and a PostgreSQL top-k
query, same ads, same run. --sizes: bids in 'home' (4 slots), where the targets are judged (at 10,000);
--search-sizes: keyword bids in 'search' (2 slots), 64 queries in turn. A segment (one mode in one
round) runs --decisions decisions or --seconds seconds, whichever ends first. Only a full run (no --quick and
no other option) rewrites ads-latest.json/.svg; any run writes ads-<time>.json.
BENCH_DATABASE_URL: admin connection (default postgresql://postgres@127.0.0.1:5432/postgres); the bench
creates its own database and drops it.`;

export async function main(argv: string[]): Promise<number> {
  const flags = flagsOrExitCode(argv, VALUED, USAGE);
  if (typeof flags === 'number') return flags;
  const { quick, value } = flags;
  const base = quick ? QUICK : FULL;
  const list = (v: string | undefined) => (v === 'none' ? [] : v?.split(',').map(Number));
  const sizes = list(value('sizes')) ?? base.sizes;
  const searchSizes = list(value('search-sizes')) ?? base.searchSizes;
  const o: AdsBenchOptions = {
    sizes,
    searchSizes,
    rounds: Number(value('rounds') ?? base.rounds),
    maxDecisions: Number(value('decisions') ?? base.maxDecisions),
    maxSeconds: Number(value('seconds') ?? base.maxSeconds),
    warmupDecisions: 200,
    reserves: { home: 15, search: 20 }, // AD_RESERVES' defaults
    seed: 11,
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  };
  const ascending = (xs: number[]) => xs.every((n, i) => Number.isInteger(n) && n >= 100 && n <= 1_000_000 && (i === 0 || n > xs[i - 1]!));
  const valid =
    sizes.length + searchSizes.length > 0 &&
    ascending(sizes) &&
    ascending(searchSizes) &&
    Number.isInteger(o.rounds) &&
    o.rounds >= 1 &&
    o.rounds <= 15 &&
    Number.isInteger(o.maxDecisions) &&
    o.maxDecisions >= 10 &&
    o.maxDecisions <= 1_000_000 &&
    o.maxSeconds > 0 &&
    o.maxSeconds <= 60;
  if (!valid) {
    console.error(USAGE);
    return 2;
  }
  const full = isFullRun(flags, VALUED);
  const n = (xs: number[]) => (xs.length ? xs.map((x) => x.toLocaleString('en-US')).join(', ') : 'none');
  console.log(
    `ads bench: home ${n(sizes)} bids, search ${n(searchSizes)} keyword bids; ${o.rounds} rounds of hawker, linear and sql (rotated), each up to ${o.maxDecisions.toLocaleString('en-US')} decisions or ${o.maxSeconds} s${full ? '' : notFullNote('ads')}`,
  );
  const report = await runAdsBench(o, (line) => console.log(`  ${line}`), full);
  console.log(`\n${formatAdsReport(report)}`);
  if (!flags.noWrite)
    console.log(`\nwrote ${(await writeResults(defaultResultsDir, 'ads', report, adsChart(report), { latest: full })).join(', ')}`);
  return 0;
}
