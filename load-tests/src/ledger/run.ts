import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { machineAtStart, type MachineRecord } from '../report/machine.js';
import type { AccountRef } from '../../../api/src/domain/ledger-accounts.js';
import { checkLedger } from '../../../api/src/repositories/ledger-check.repository.js';
import { openDatabase } from '../../../api/src/repositories/db/client.js';
import { LedgerRepository } from '../../../api/src/repositories/ledger.repository.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type LedgerBenchOptions = {
  clients: number[];
  seconds: number;
  rounds: number;
  accounts: number;
  pgbenchScale: number;
  adminUrl: string;
};

export type TransferMode = 'batched' | 'statement' | 'transaction';

export type LedgerPoint = {
  clients: number;
  /** Median over the rounds (each round runs pgbench and every mode, in rotated order). */
  pgbenchTps: number;
  pgbenchRuns: number[];
  /** LedgerRepository.transfer: standalone transfers, group-committed across concurrent callers. */
  batchedTps: number;
  /** A transfer as one atomic statement (autocommit): `ledger_post` on the lean SQL path. */
  transferTps: number;
  /** A transfer inside an explicit transaction (BEGIN, transfer, COMMIT), as the payment capture uses it. */
  transferInTxTps: number;
  /** Median of each round's mode ÷ that round's pgbench: the machine drifts, a round is minutes apart at most. */
  ratio: Record<TransferMode, number>;
};

export type LedgerReport = {
  scenario: 'ledger';
  startedAt: string;
  machine: MachineRecord;
  options: LedgerBenchOptions;
  points: LedgerPoint[];
  summary: {
    /** The lowest ratio over all client counts: the target must hold at each. */
    worstRatioBatched: number;
    worstRatioStatement: number;
    worstRatioInTx: number;
    transfers: number;
    selfCheckProblems: number;
  };
};

/**
 * Escrow transfers per second against pgbench's TPC-B-like transaction on the
 * same PostgreSQL, in the same run, at the same client counts. Each transfer
 * moves money from a random buyer's funding account into a random order's
 * escrow account through LedgerRepository.post on the lean SQL path — the
 * code the payment capture uses.
 */
export async function runLedgerBench(o: LedgerBenchOptions, log: (line: string) => void): Promise<LedgerReport> {
  const startedAt = new Date().toISOString();
  const machine = await machineAtStart({ postgresUrl: o.adminUrl });
  if (machine.record.disturbed) log(`load average ${machine.record.loadAvgBefore.join(' ')} at the start: this run is marked disturbed`);
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
    const points: LedgerPoint[] = [];
    let transfers = 0;
    const segments = ['pgbench', 'batched', 'statement', 'transaction'] as const;
    for (const clients of o.clients) {
      const runs: Record<(typeof segments)[number], number[]> = { pgbench: [], batched: [], statement: [], transaction: [] };
      const ratios: Record<TransferMode, number[]> = { batched: [], statement: [], transaction: [] };
      for (let round = 0; round < o.rounds; round++) {
        // Rotated, so no mode always runs right after pgbench's writes (or first on a cold pool),
        // and a checkpoint before each segment so none inherits another's dirty buffers.
        const order = segments.map((_, i) => segments[(i + round) % segments.length]!);
        const tps: Partial<Record<(typeof segments)[number], number>> = {};
        for (const seg of order) {
          await admin.query('CHECKPOINT');
          if (seg === 'pgbench') tps.pgbench = await pgbench(dbUrl, clients, o.seconds);
          else {
            const r = await transfersPerSecond(dbUrl, clients, o.seconds, o.accounts, seg);
            transfers += r.count;
            tps[seg] = r.tps;
          }
          runs[seg].push(tps[seg]!);
        }
        for (const m of ['batched', 'statement', 'transaction'] as const) ratios[m].push(tps[m]! / tps.pgbench!);
      }
      const point: LedgerPoint = {
        clients,
        pgbenchTps: median(runs.pgbench),
        pgbenchRuns: runs.pgbench,
        batchedTps: median(runs.batched),
        transferTps: median(runs.statement),
        transferInTxTps: median(runs.transaction),
        ratio: { batched: median(ratios.batched), statement: median(ratios.statement), transaction: median(ratios.transaction) },
      };
      points.push(point);
      log(
        `${clients} clients (median of ${o.rounds} rounds): pgbench ${point.pgbenchTps.toFixed(0)} tps; batched ${point.batchedTps.toFixed(0)}/s (${point.ratio.batched.toFixed(2)}×); one statement ${point.transferTps.toFixed(0)}/s (${point.ratio.statement.toFixed(2)}×); in a transaction ${point.transferInTxTps.toFixed(0)}/s (${point.ratio.transaction.toFixed(2)}×)`,
      );
    }
    const db = await openDatabase({ kind: 'postgres', url: dbUrl }, 2);
    const problems = await checkLedger(db.prisma);
    await db.close();
    log(`ledger self-check: ${problems.length === 0 ? 'ok' : `${problems.length} problems`}`);
    return {
      scenario: 'ledger',
      startedAt,
      machine: machine.finish(),
      options: o,
      points,
      summary: {
        worstRatioBatched: Math.min(...points.map((p) => p.ratio.batched)),
        worstRatioStatement: Math.min(...points.map((p) => p.ratio.statement)),
        worstRatioInTx: Math.min(...points.map((p) => p.ratio.transaction)),
        transfers,
        selfCheckProblems: problems.length,
      },
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function pgbench(url: string, clients: number, seconds: number): Promise<number> {
  const { stdout } = await run('pgbench', [
    '-b',
    'tpcb-like',
    '-n',
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-T',
    String(seconds),
    url,
  ]);
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (!m) throw new Error(`could not read pgbench output:\n${stdout}`);
  return Number(m[1]);
}

async function transfersPerSecond(url: string, clients: number, seconds: number, n: number, mode: TransferMode) {
  const db = await openDatabase({ kind: 'postgres', url }, clients);
  const ledger = new LedgerRepository(db.prisma, db.sql);
  // Bench-only account codes, so a run never touches real users' accounts.
  const buyers: AccountRef[] = Array.from({ length: n }, (_, i) => ({
    code: `bench_funding:${i}`,
    kind: 'buyer_funding',
    currency: 'USD',
    ownerId: null,
    orderId: null,
    floor: null,
  }));
  const escrows: AccountRef[] = buyers.map((_, i) => ({
    code: `bench_escrow:${i}`,
    kind: 'escrow',
    currency: 'USD',
    ownerId: null,
    orderId: null,
    floor: 0n,
  }));
  await ledger.prepare([...buyers, ...escrows]);
  let count = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < deadline) {
      const from = buyers[Math.floor(Math.random() * n)]!;
      const to = escrows[Math.floor(Math.random() * n)]!;
      const amount = BigInt(1 + Math.floor(Math.random() * 10_000));
      const t = {
        kind: 'payment_capture' as const,
        entries: [
          { account: from, amount: -amount },
          { account: to, amount },
        ],
      };
      if (mode === 'batched') await ledger.transfer(t);
      else if (mode === 'statement') await ledger.post(db.sql, t);
      else await db.sql.transaction((tx) => ledger.post(tx, t));
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const tps = count / ((Date.now() - started) / 1000);
  await db.close();
  return { tps, count };
}
