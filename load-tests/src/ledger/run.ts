import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { machineAtStart, type MachineRecord } from '../report/machine.js';
import { checkLedger } from '../../../api/src/repositories/ledger-check.repository.js';
import { openDatabase } from '../../../api/src/repositories/db/client.js';
import { benchAccountIds, transfersPerSecond, type TransferMode } from './hawker.js';
import { ledgerScript, pgbenchLedger, pgbenchTpcb, pgbenchVersion, shownScript } from './pgbench.js';

export type { TransferMode } from './hawker.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The target (issue 12): Hawker's one-statement transfer ≥ 0.9× pgbench running the same call, at every client count. */
export const LEDGER_TARGET = { statementVsPgbenchLedger: 0.9 } as const;

export type LedgerBenchOptions = {
  clients: number[];
  seconds: number;
  rounds: number;
  accounts: number;
  pgbenchScale: number;
  adminUrl: string;
};

/** The segments of a round, rotated by one each round. */
export const SEGMENTS = ['pgbench', 'pgbench-ledger', 'batched', 'statement', 'transaction'] as const;
export type Segment = (typeof SEGMENTS)[number];

export type LedgerPoint = {
  clients: number;
  /** Median over the rounds (each round runs both pgbench baselines and every mode, in rotated order). */
  pgbenchTps: number;
  pgbenchRuns: number[];
  /** `pgbench -M prepared` running the very `ledger_post` call `post` makes (ledger/pgbench.ts: ledgerScript). */
  pgbenchLedgerTps: number;
  pgbenchLedgerRuns: number[];
  /** LedgerRepository.transfer: standalone transfers, group-committed across concurrent callers. */
  batchedTps: number;
  /** A transfer as one atomic statement (autocommit): `ledger_post` on the lean SQL path. */
  transferTps: number;
  /** A transfer inside an explicit transaction (BEGIN, transfer, COMMIT), as the payment capture uses it. */
  transferInTxTps: number;
  /** Every round's rate per segment, in the order the segments ran that round. */
  rounds: { order: Segment[]; tps: Record<Segment, number> }[];
  /** Median of each round's mode ÷ that round's pgbench tpcb-like: the machine drifts, a round is minutes apart at most. */
  ratio: Record<TransferMode, number>;
  /** Median of each round's mode ÷ that round's pgbench-ledger: Hawker's own overhead over the same SQL call. */
  ratioToLedger: Record<TransferMode, number>;
  /** ratioToLedger.statement ≥ the target. */
  met: boolean;
};

export type LedgerReport = {
  scenario: 'ledger';
  startedAt: string;
  /** Only a full run (the CLI's defaults) may be ledger-latest. */
  full: boolean;
  machine: MachineRecord;
  /** `pgbench --version`. */
  pgbench: string;
  /** The pgbench-ledger script, its account-id lists shortened. */
  pgbenchLedgerScript: string;
  options: LedgerBenchOptions;
  points: LedgerPoint[];
  summary: {
    /** The lowest ratio to tpcb-like over all client counts. */
    worstRatioBatched: number;
    worstRatioStatement: number;
    worstRatioInTx: number;
    /** The lowest ratio to pgbench-ledger over all client counts: the target must hold at each. */
    worstToLedgerBatched: number;
    worstToLedgerStatement: number;
    worstToLedgerInTx: number;
    targets: typeof LEDGER_TARGET;
    /** The target held at every client count. */
    met: boolean;
    /** Transfers Hawker booked, and pgbench-ledger's; the self-check covers both. */
    transfers: number;
    pgbenchLedgerTransfers: number;
    selfCheckProblems: number;
  };
};

/**
 * Escrow transfers per second against two pgbench baselines on the same
 * PostgreSQL, in the same run, at the same client counts and in the same
 * rounds: the stock TPC-B-like transaction, and a custom script calling the
 * very `ledger_post` that Hawker's `post` calls, on the same accounts drawn the
 * same way (its ratio is Hawker's own overhead). Each transfer moves money from
 * a random buyer's funding account into a random order's escrow account.
 */
export async function runLedgerBench(o: LedgerBenchOptions, log: (line: string) => void, full = false): Promise<LedgerReport> {
  const startedAt = new Date().toISOString();
  const machine = await machineAtStart({ postgresUrl: o.adminUrl });
  if (machine.record.disturbed) log(`load average ${machine.record.loadAvgBefore.join(' ')} at the start: this run is marked disturbed`);
  const pgbench = await pgbenchVersion();
  log(`PostgreSQL ${machine.record.postgres}; ${pgbench}`);
  const admin = new pg.Client({ connectionString: o.adminUrl });
  await admin.connect();
  const name = `hawker_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(o.adminUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  try {
    log(`database ${name}: migrating; pgbench -i -s ${o.pgbenchScale}`);
    await run(path.join(root, 'node_modules/.bin/tsx'), ['api/scripts/migrate.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: dbUrl, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' },
    });
    await run('pgbench', ['-i', '-q', '-s', String(o.pgbenchScale), dbUrl]);
    // One set of accounts for every segment: Hawker's modes find them created, pgbench-ledger names their ids.
    const { buyerIds, escrowIds } = await benchAccountIds(dbUrl, o.accounts);
    const script = ledgerScript(buyerIds, escrowIds);
    const points: LedgerPoint[] = [];
    let transfers = 0;
    let pgbenchLedgerTransfers = 0;
    for (const clients of o.clients) {
      const rounds: LedgerPoint['rounds'] = [];
      for (let round = 0; round < o.rounds; round++) {
        // Rotated, so no segment always runs right after another's writes (or first on a cold pool),
        // and a checkpoint before each segment so none inherits another's dirty buffers.
        const order = SEGMENTS.map((_, i) => SEGMENTS[(i + round) % SEGMENTS.length]!);
        const tps = {} as Record<Segment, number>;
        for (const seg of order) {
          await admin.query('CHECKPOINT');
          if (seg === 'pgbench') tps[seg] = (await pgbenchTpcb(dbUrl, clients, o.seconds)).tps;
          else if (seg === 'pgbench-ledger') {
            const r = await pgbenchLedger(dbUrl, script, clients, o.seconds);
            pgbenchLedgerTransfers += r.transactions;
            tps[seg] = r.tps;
          } else {
            const r = await transfersPerSecond(dbUrl, clients, o.seconds, o.accounts, seg);
            transfers += r.count;
            tps[seg] = r.tps;
          }
        }
        rounds.push({ order, tps });
      }
      const point = pointOf(clients, rounds);
      points.push(point);
      const mode = (label: string, tps: number, m: TransferMode) =>
        `${label} ${tps.toFixed(0)}/s (${point.ratio[m].toFixed(2)}× tpcb-like, ${point.ratioToLedger[m].toFixed(2)}× pgbench-ledger)`;
      log(
        `${clients} clients (median of ${o.rounds} rounds): pgbench tpcb-like ${point.pgbenchTps.toFixed(0)} tps, pgbench-ledger ${point.pgbenchLedgerTps.toFixed(0)} tps; ` +
          `${mode('batched', point.batchedTps, 'batched')}; ${mode('one statement', point.transferTps, 'statement')}; ${mode('in a transaction', point.transferInTxTps, 'transaction')}`,
      );
    }
    const db = await openDatabase({ kind: 'postgres', url: dbUrl }, 2);
    const problems = await checkLedger(db.prisma);
    await db.close();
    log(`ledger self-check: ${problems.length === 0 ? 'ok' : `${problems.length} problems`}`);
    const worst = (f: (p: LedgerPoint) => number) => Math.min(...points.map(f));
    return {
      scenario: 'ledger',
      startedAt,
      full,
      machine: machine.finish(),
      pgbench,
      pgbenchLedgerScript: shownScript(script),
      options: o,
      points,
      summary: {
        worstRatioBatched: worst((p) => p.ratio.batched),
        worstRatioStatement: worst((p) => p.ratio.statement),
        worstRatioInTx: worst((p) => p.ratio.transaction),
        worstToLedgerBatched: worst((p) => p.ratioToLedger.batched),
        worstToLedgerStatement: worst((p) => p.ratioToLedger.statement),
        worstToLedgerInTx: worst((p) => p.ratioToLedger.transaction),
        targets: LEDGER_TARGET,
        met: points.every((p) => p.met),
        transfers,
        pgbenchLedgerTransfers,
        selfCheckProblems: problems.length,
      },
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

const MODES = ['batched', 'statement', 'transaction'] as const;

/** A client count's medians over its rounds; a ratio is taken within each round, then its median. */
export function pointOf(clients: number, rounds: LedgerPoint['rounds']): LedgerPoint {
  const runs = (seg: Segment) => rounds.map((r) => r.tps[seg]);
  const ratios = (base: Segment) =>
    Object.fromEntries(MODES.map((m) => [m, median(rounds.map((r) => r.tps[m] / r.tps[base]))])) as Record<TransferMode, number>;
  const ratioToLedger = ratios('pgbench-ledger');
  return {
    clients,
    pgbenchTps: median(runs('pgbench')),
    pgbenchRuns: runs('pgbench'),
    pgbenchLedgerTps: median(runs('pgbench-ledger')),
    pgbenchLedgerRuns: runs('pgbench-ledger'),
    batchedTps: median(runs('batched')),
    transferTps: median(runs('statement')),
    transferInTxTps: median(runs('transaction')),
    rounds,
    ratio: ratios('pgbench'),
    ratioToLedger,
    met: ratioToLedger.statement >= LEDGER_TARGET.statementVsPgbenchLedger,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
