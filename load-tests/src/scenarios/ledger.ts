import { runLedgerBench, type LedgerReport } from '../ledger/run.js';
import { defaultResultsDir, isFullRun, notFullNote, writeResults } from '../report/results.js';
import { lineChart } from '../report/svg-chart.js';
import { scenarioFlags } from './flags.js';

const VALUED = ['clients', 'seconds', 'rounds'];

const USAGE = `usage: npm run bench -- ledger [--quick] [--clients 1,4,8,16] [--seconds 4] [--rounds 3] [--no-write]
Escrow ledger transfers per second against pgbench -b tpcb-like on the same PostgreSQL
(BENCH_DATABASE_URL admin connection; default postgresql://postgres@127.0.0.1:5432/postgres).
Only a full run (no --quick and no other option) rewrites ledger-latest.json/.svg; any run writes ledger-<time>.json.`;

export async function main(argv: string[]): Promise<number> {
  const flags = scenarioFlags(argv, VALUED);
  if (!flags) return 2;
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const { quick, value } = flags;
  const clients = (value('clients') ?? (quick ? '4' : '1,4,8,16')).split(',').map(Number);
  const seconds = Number(value('seconds') ?? (quick ? 2 : 4));
  const rounds = Number(value('rounds') ?? (quick ? 1 : 3));
  if (clients.some((c) => !Number.isInteger(c) || c < 1 || c > 64) || !(seconds >= 1 && seconds <= 120) || !(rounds >= 1 && rounds <= 9)) {
    console.error(USAGE);
    return 2;
  }
  const full = isFullRun(flags, VALUED);
  console.log(
    `ledger bench: ${clients.join(', ')} clients, ${rounds} rounds of ${seconds} s per segment${full ? '' : notFullNote('ledger')}`,
  );
  const report = await runLedgerBench(
    {
      clients,
      seconds,
      rounds,
      accounts: 1000,
      pgbenchScale: 16,
      adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    },
    (line) => console.log(`  ${line}`),
  );
  const { worstRatioBatched, worstRatioStatement, worstRatioInTx, selfCheckProblems } = report.summary;
  console.log(
    `\nworst over client counts: batched ${worstRatioBatched.toFixed(2)}× pgbench (target 1.0×: ${worstRatioBatched >= 1 ? 'met' : 'NOT met'}), one statement ${worstRatioStatement.toFixed(2)}×, in a transaction ${worstRatioInTx.toFixed(2)}×; self-check problems: ${selfCheckProblems}`,
  );
  if (!flags.noWrite)
    console.log(`wrote ${(await writeResults(defaultResultsDir, 'ledger', report, chart(report), { latest: full })).join(', ')}`);
  return report.summary.selfCheckProblems === 0 ? 0 : 1;
}

function chart(report: LedgerReport): string {
  return lineChart({
    title: 'Escrow transfers vs pgbench tpcb-like (same PostgreSQL, same run)',
    xLabel: 'concurrent clients',
    panels: [
      {
        title: 'transactions per second',
        yLabel: 'tps',
        series: [
          { name: 'pgbench tpcb-like', color: '#888', points: report.points.map((p) => [p.clients, p.pgbenchTps] as const) },
          { name: 'transfer (batched)', color: '#16a34a', points: report.points.map((p) => [p.clients, p.batchedTps] as const) },
          { name: 'transfer (statement)', color: '#e11d48', points: report.points.map((p) => [p.clients, p.transferTps] as const) },
          { name: 'transfer (in tx)', color: '#2563eb', points: report.points.map((p) => [p.clients, p.transferInTxTps] as const) },
        ],
      },
      {
        title: 'ratio to pgbench',
        yLabel: '×',
        series: [
          { name: 'batched', color: '#16a34a', points: report.points.map((p) => [p.clients, p.ratio.batched] as const) },
          { name: 'statement', color: '#e11d48', points: report.points.map((p) => [p.clients, p.ratio.statement] as const) },
          { name: 'in tx', color: '#2563eb', points: report.points.map((p) => [p.clients, p.ratio.transaction] as const) },
        ],
        thresholds: [{ y: 1, label: 'target 1.0×' }],
      },
    ],
  });
}
