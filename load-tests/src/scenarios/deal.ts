import { runDealBench, type DealReport } from '../deal/run.js';
import { defaultResultsDir, writeResults } from '../report/results.js';
import { lineChart } from '../report/svg-chart.js';
import { scenarioFlags } from './flags.js';

const USAGE = `usage: npm run bench -- deal [--quick] [--buyers 10000] [--units 500] [--limit 1] [--spread-ms 1000] [--no-write]
N logged-in buyers in one live room press Buy on a flash deal within --spread-ms: Hawker (Redis gate, then
the checkout into escrow) against a naive PostgreSQL row-lock purchase, same database, same run.
BENCH_DATABASE_URL (admin connection, default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL.`;

export async function main(argv: string[]): Promise<number> {
  const flags = scenarioFlags(argv, ['buyers', 'units', 'limit', 'spread-ms']);
  if (!flags) return 2;
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const { quick, value } = flags;
  const o = {
    buyers: Number(value('buyers') ?? (quick ? 1000 : 10_000)),
    units: Number(value('units') ?? (quick ? 50 : 500)),
    perBuyerLimit: Number(value('limit') ?? 1),
    spreadMs: Number(value('spread-ms') ?? 1000),
    buyerProcesses: 2,
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const ints = [o.buyers, o.units, o.perBuyerLimit, o.spreadMs];
  if (ints.some((n) => !Number.isInteger(n) || n < 1) || o.buyers > 20_000 || o.spreadMs > 60_000 || o.perBuyerLimit > 100) {
    console.error(USAGE);
    return 2;
  }
  const report = await runDealBench(o, (line) => console.log(`  ${line}`));
  const s = report.summary;
  console.log(
    `\nhawker ${s.hawkerAttemptsPerSecond} attempts/s (target 5,000: ${s.targets.attemptsPerSecond ? 'met' : 'NOT met'}), ${s.ratio.toFixed(1)}× the naive row-lock purchase (target 5×: ${s.targets.ratio ? 'met' : 'NOT met'}), oversold ${s.oversold} (target 0: ${s.targets.oversold ? 'met' : 'NOT met'})`,
  );
  if (!flags.noWrite) console.log(`wrote ${(await writeResults(defaultResultsDir, 'deal', report, chart(report))).join(', ')}`);
  return s.targets.oversold ? 0 : 1;
}

function chart(report: DealReport): string {
  const colors = { hawker: '#16a34a', naive: '#888' } as const;
  return lineChart({
    title: `Flash-deal rush: ${report.options.buyers} buyers in ${report.options.spreadMs} ms for ${report.options.units} units (${report.startedAt.slice(0, 16)}Z)`,
    xLabel: 'percentile of attempts',
    panels: [
      {
        title: 'Ack latency (press → answer)',
        yLabel: 'ms',
        series: report.modes.map((m) => ({
          name: `${m.mode}: ${m.attemptsPerSecond} attempts/s`,
          color: colors[m.mode],
          points: m.ackLatencyCdf,
        })),
      },
    ],
  });
}
