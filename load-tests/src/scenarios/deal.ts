import { runDealBench, TARGETS, type DealReport } from '../deal/run.js';
import { defaultResultsDir, isFullRun, notFullNote, writeResults } from '../report/results.js';
import { lineChart } from '../report/svg-chart.js';
import { flagsOrExitCode } from './flags.js';

const USAGE = `usage: npm run bench -- deal [--quick] [--buyers 10000] [--units 500] [--limit 1] [--spread-ms 1000] [--rounds 3] [--no-write]
N logged-in buyers in one live room press Buy on a flash deal within --spread-ms: Hawker (the gate answers,
the checkout into escrow runs behind) against a naive PostgreSQL row-lock purchase, same database, rotated rounds.
BENCH_DATABASE_URL (admin connection, default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL.`;

export async function main(argv: string[]): Promise<number> {
  const flags = flagsOrExitCode(argv, ['buyers', 'units', 'limit', 'spread-ms', 'rounds'], USAGE);
  if (typeof flags === 'number') return flags;
  const { quick, value } = flags;
  const o = {
    buyers: Number(value('buyers') ?? (quick ? 1000 : 10_000)),
    units: Number(value('units') ?? (quick ? 50 : 500)),
    perBuyerLimit: Number(value('limit') ?? 1),
    spreadMs: Number(value('spread-ms') ?? 1000),
    buyerProcesses: 2,
    rounds: Number(value('rounds') ?? (quick ? 2 : 3)),
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const ints = [o.buyers, o.units, o.perBuyerLimit, o.spreadMs, o.rounds];
  if (
    ints.some((n) => !Number.isInteger(n) || n < 1) ||
    o.buyers > 20_000 ||
    o.spreadMs > 60_000 ||
    o.perBuyerLimit > 100 ||
    o.rounds > 9
  ) {
    console.error(USAGE);
    return 2;
  }
  // Only a run at the defaults may replace deal-latest.*: the README's table is read from it.
  const full = isFullRun(flags, ['buyers', 'units', 'limit', 'spread-ms', 'rounds']);
  if (!full) console.log(notFullNote('deal'));
  const report = { ...(await runDealBench(o, (line) => console.log(`  ${line}`))), full };
  const s = report.summary;
  const [hawker, naive] = report.modes;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    [
      '',
      `medians of ${o.rounds} rounds:`,
      `  press → answer p99 ${s.hawkerAckP99Ms} ms (target ≤ ${TARGETS.ackP99Ms}: ${met(s.targets.ackP99)})`,
      `  ${s.hawkerAttemptsPerSecond} attempts/s, ${s.ratio}× the naive server's ${naive?.attemptsPerSecond.median} (target ≥ ${TARGETS.ratio}×: ${met(s.targets.ratio)})`,
      `  ${o.buyers} joins in ${hawker?.joinSeconds.median} s, naive ${naive?.joinSeconds.median} s (target ≤ ${TARGETS.joinSeconds} s and no slower: ${met(s.targets.joins)})`,
      `  every reservation paid or back on sale within ${TARGETS.settledWithinMs / 1000} s: ${met(s.targets.settled)}; oversold ${s.oversold}, over-limit buyers 0, ledger clean: ${met(s.targets.oversold)}`,
    ].join('\n'),
  );
  if (!flags.noWrite)
    console.log(`wrote ${(await writeResults(defaultResultsDir, 'deal', report, chart(report), { latest: full })).join(', ')}`);
  return s.targets.oversold && s.targets.settled ? 0 : 1;
}

function chart(report: DealReport): string {
  const colors = { hawker: '#16a34a', naive: '#888' } as const;
  return lineChart({
    title: `Flash-deal rush: ${report.options.buyers} buyers in ${report.options.spreadMs} ms for ${report.options.units} units, ${report.options.rounds} rounds merged (${report.startedAt.slice(0, 16)}Z)`,
    xLabel: 'percentile of attempts',
    panels: [
      {
        title: 'Ack latency (press → answer)',
        yLabel: 'ms',
        series: report.modes.map((m) => ({
          name: `${m.mode}: ${m.attemptsPerSecond.median} attempts/s (median)`,
          color: colors[m.mode],
          points: m.ackLatencyCdf,
        })),
      },
    ],
  });
}
