import { LEDGER_TARGET, runLedgerBench, type LedgerReport } from '../ledger/run.js';
import { defaultResultsDir, isFullRun, notFullNote, writeResults } from '../report/results.js';
import { lineChart } from '../report/svg-chart.js';
import { flagsOrExitCode } from './flags.js';

const VALUED = ['clients', 'seconds', 'rounds'];

const USAGE = `usage: npm run bench -- ledger [--quick] [--clients 1,4,8,16] [--seconds 4] [--rounds 3] [--no-write]
Escrow ledger transfers per second against two pgbench baselines on the same PostgreSQL, in the
same rounds: pgbench -b tpcb-like, and pgbench -M prepared running the very ledger_post call
Hawker's one-statement transfer makes, on the same accounts (target: post ≥ ${LEDGER_TARGET.statementVsPgbenchLedger}× that at
every client count). BENCH_DATABASE_URL admin connection; default postgresql://postgres@127.0.0.1:5432/postgres.
Only a full run (no --quick and no other option) rewrites ledger-latest.json/.svg; any run writes ledger-<time>.json.`;

export async function main(argv: string[]): Promise<number> {
  const flags = flagsOrExitCode(argv, VALUED, USAGE);
  if (typeof flags === 'number') return flags;
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
    full,
  );
  const s = report.summary;
  const target = s.targets.statementVsPgbenchLedger;
  const missed = report.points.filter((p) => !p.met).map((p) => p.clients);
  console.log(
    `\none statement (post) ÷ pgbench-ledger: ${report.points.map((p) => `${p.ratioToLedger.statement.toFixed(2)}× at ${p.clients}`).join(', ')} ` +
      `(target ≥ ${target}× at every client count: ${s.met ? 'met' : `NOT met at ${missed.join(', ')} clients`}); ` +
      `worst ÷ pgbench-ledger: batched ${s.worstToLedgerBatched.toFixed(2)}×, in a transaction ${s.worstToLedgerInTx.toFixed(2)}×; ` +
      `worst ÷ tpcb-like: batched ${s.worstRatioBatched.toFixed(2)}×, one statement ${s.worstRatioStatement.toFixed(2)}×, in a transaction ${s.worstRatioInTx.toFixed(2)}×; ` +
      `self-check problems: ${s.selfCheckProblems}`,
  );
  if (!flags.noWrite)
    console.log(`wrote ${(await writeResults(defaultResultsDir, 'ledger', report, chart(report), { latest: full })).join(', ')}`);
  return report.summary.selfCheckProblems === 0 ? 0 : 1;
}

export function chart(report: LedgerReport): string {
  const series = (f: (p: LedgerReport['points'][number]) => number) => report.points.map((p) => [p.clients, f(p)] as const);
  return lineChart({
    title: 'Escrow transfers vs pgbench (same PostgreSQL, same rounds)',
    xLabel: 'concurrent clients',
    panels: [
      {
        title: 'transactions per second',
        yLabel: 'tps',
        series: [
          { name: 'pgbench tpcb-like', color: '#888', points: series((p) => p.pgbenchTps) },
          { name: 'pgbench ledger_post', color: '#111', points: series((p) => p.pgbenchLedgerTps) },
          { name: 'transfer (batched)', color: '#16a34a', points: series((p) => p.batchedTps) },
          { name: 'transfer (statement)', color: '#e11d48', points: series((p) => p.transferTps) },
          { name: 'transfer (in tx)', color: '#2563eb', points: series((p) => p.transferInTxTps) },
        ],
      },
      {
        title: 'ratio to pgbench running the same ledger_post',
        yLabel: '×',
        series: [
          { name: 'batched', color: '#16a34a', points: series((p) => p.ratioToLedger.batched) },
          { name: 'statement', color: '#e11d48', points: series((p) => p.ratioToLedger.statement) },
          { name: 'in tx', color: '#2563eb', points: series((p) => p.ratioToLedger.transaction) },
        ],
        thresholds: [
          {
            y: report.summary.targets.statementVsPgbenchLedger,
            label: `target ${report.summary.targets.statementVsPgbenchLedger}× (statement)`,
          },
        ],
      },
      {
        title: 'ratio to pgbench tpcb-like',
        yLabel: '×',
        series: [
          { name: 'batched', color: '#16a34a', points: series((p) => p.ratio.batched) },
          { name: 'statement', color: '#e11d48', points: series((p) => p.ratio.statement) },
          { name: 'in tx', color: '#2563eb', points: series((p) => p.ratio.transaction) },
        ],
      },
    ],
  });
}
