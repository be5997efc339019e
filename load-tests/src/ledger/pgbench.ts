import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What one pgbench run measured. */
export type PgbenchResult = { tps: number; transactions: number };

/**
 * The pgbench side of the ledger bench: the stock TPC-B-like transaction, and
 * the very call Hawker's one-statement transfer (`LedgerRepository.post`) makes,
 * from a custom script under `-M prepared` (pgbench prepares it once per
 * connection, as node-postgres does Hawker's named statement). Both run at the
 * given client count with at most 2 threads (the machine's cores), `-n` (no vacuum).
 */
export function pgbenchTpcb(url: string, clients: number, seconds: number): Promise<PgbenchResult> {
  return pgbench(url, ['-b', 'tpcb-like'], clients, seconds);
}

export async function pgbenchLedger(url: string, script: string, clients: number, seconds: number): Promise<PgbenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hawker-pgbench-ledger-'));
  try {
    const file = path.join(dir, 'ledger.sql');
    await writeFile(file, script);
    return await pgbench(url, ['-M', 'prepared', '-f', file], clients, seconds);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A pgbench script that books the transfer Hawker's bench books, the same way:
 * a random one of the `buyerIds` (funding accounts, uniform) pays a random one
 * of the `escrowIds` (escrow accounts, uniform, drawn independently) 1 to 10,000
 * minor units, through the same statement text's call: `ledger_post(kind,
 * orderId, paymentId, idempotencyKey, memo, accounts, amounts)` with a
 * `payment_capture`, no order, payment or idempotency key, an empty memo, two
 * accounts in entry order (payer first) and their amounts. The account ids are
 * constants of the prepared statement (pgbench variables are numbers), indexed
 * by the random variables, as Hawker's cache hands it ids without a query.
 */
export function ledgerScript(buyerIds: string[], escrowIds: string[]): string {
  const ids = (xs: string[]) => `'{${xs.join(',')}}'::uuid[]`;
  return [
    `\\set from random(1, ${buyerIds.length})`,
    `\\set to random(1, ${escrowIds.length})`,
    '\\set amount random(1, 10000)',
    '\\set paid -1 * :amount',
    `SELECT ledger_post('payment_capture'::"LedgerTransferKind", NULL::uuid, NULL::uuid, NULL::text, ''::text, ` +
      `ARRAY[(${ids(buyerIds)})[:from], (${ids(escrowIds)})[:to]], ARRAY[:paid::bigint, :amount::bigint])::text AS transfer_id;`,
    '',
  ].join('\n');
}

/** The script as a results file records it: each list of account ids shortened to its size. */
export function shownScript(script: string): string {
  return script.replace(/'\{[0-9a-f,-]+\}'::uuid\[\]/g, (m) => `'{…${m.split(',').length} account ids…}'::uuid[]`);
}

/** `pgbench (PostgreSQL) 15.20 (Debian …)`: the client that ran the baselines. */
export async function pgbenchVersion(): Promise<string> {
  const { stdout } = await run('pgbench', ['--version']);
  return stdout.trim();
}

async function pgbench(url: string, what: string[], clients: number, seconds: number): Promise<PgbenchResult> {
  const args = [...what, '-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), url];
  const { stdout } = await run('pgbench', args, { maxBuffer: 16 * 2 ** 20 });
  return parsePgbench(stdout);
}

/** tps without the initial connection time, and the transactions processed; throws on anything else (a failed run). */
export function parsePgbench(stdout: string): PgbenchResult {
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  const n = /number of transactions actually processed: (\d+)/.exec(stdout);
  const failed = /number of failed transactions: (\d+)/.exec(stdout);
  if (!tps || !n) throw new Error(`could not read pgbench output:\n${stdout}`);
  if (failed && Number(failed[1]) > 0) throw new Error(`pgbench: ${failed[1]} transactions failed:\n${stdout}`);
  return { tps: Number(tps[1]), transactions: Number(n[1]) };
}
