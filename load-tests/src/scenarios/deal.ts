import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDealBench, type DealReport } from '../deal/run.js';
import { lineChart } from '../report/svg-chart.js';

const USAGE = `usage: npm run bench -- deal [--quick] [--buyers 10000] [--units 500] [--limit 1] [--spread-ms 1000] [--no-write]
N logged-in buyers in one live room press Buy on a flash deal within --spread-ms: Hawker (Redis gate, then
the checkout into escrow) against a naive PostgreSQL row-lock purchase, same database, same run.
BENCH_DATABASE_URL (admin connection, default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL.`;

const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../results');

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const quick = argv.includes('--quick');
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const o = {
    buyers: value('--buyers', quick ? 1000 : 10_000),
    units: value('--units', quick ? 50 : 500),
    perBuyerLimit: value('--limit', 1),
    spreadMs: value('--spread-ms', 1000),
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
  if (!argv.includes('--no-write')) console.log(`wrote ${(await write(report)).join(', ')}`);
  return s.targets.oversold ? 0 : 1;
}

async function write(report: DealReport): Promise<string[]> {
  await mkdir(resultsDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const files = [
    path.join(resultsDir, `deal-${report.startedAt.replace(/[:.]/g, '-')}.json`),
    path.join(resultsDir, 'deal-latest.json'),
    path.join(resultsDir, 'deal-latest.svg'),
  ];
  const colors = { hawker: '#16a34a', naive: '#888' } as const;
  const svg = lineChart({
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
  await Promise.all([writeFile(files[0]!, json), writeFile(files[1]!, json), writeFile(files[2]!, svg)]);
  return files;
}
