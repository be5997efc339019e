import type { AccountRef } from '../../../api/src/domain/ledger-accounts.js';
import { openDatabase } from '../../../api/src/repositories/db/client.js';
import { LedgerRepository } from '../../../api/src/repositories/ledger.repository.js';

export type TransferMode = 'batched' | 'statement' | 'transaction';

/** Bench-only account codes, so a run never touches real users' accounts: `n` buyers' funding accounts and `n` escrows. */
export function benchAccounts(n: number): { buyers: AccountRef[]; escrows: AccountRef[] } {
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
  return { buyers, escrows };
}

/** Creates the bench's accounts (as every Hawker segment does) and returns their ids, in index order, for the pgbench script. */
export async function benchAccountIds(url: string, n: number): Promise<{ buyerIds: string[]; escrowIds: string[] }> {
  const db = await openDatabase({ kind: 'postgres', url }, 2);
  try {
    const { buyers, escrows } = benchAccounts(n);
    const ids = await new LedgerRepository(db.prisma, db.sql).ensureAccounts(db.sql, [...buyers, ...escrows]);
    const idOf = (r: AccountRef) => {
      const id = ids.get(r.code);
      if (!id) throw new Error(`account ${r.code} was not created`);
      return id;
    };
    return { buyerIds: buyers.map(idOf), escrowIds: escrows.map(idOf) };
  } finally {
    await db.close();
  }
}

/**
 * Hawker's transfers for `seconds` from `clients` concurrent callers over a pool
 * of as many connections: a random buyer's funding account pays a random
 * order's escrow account 1 to 10,000 minor units, through
 * LedgerRepository.transfer (batched), .post on the lean SQL path (one
 * statement) or .post inside BEGIN … COMMIT (as the payment capture uses it).
 * The pool's connections are open before the clock starts, as pgbench's
 * "without initial connection time" excludes its own.
 */
export async function transfersPerSecond(url: string, clients: number, seconds: number, n: number, mode: TransferMode) {
  const db = await openDatabase({ kind: 'postgres', url }, clients);
  try {
    const ledger = new LedgerRepository(db.prisma, db.sql);
    const { buyers, escrows } = benchAccounts(n);
    await ledger.prepare([...buyers, ...escrows]);
    // Overlapping sleeps make the pool open all its connections now.
    await Promise.all(Array.from({ length: clients }, () => db.sql.query({ text: 'SELECT pg_sleep(0.05)' }, [])));
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
    return { tps: count / ((Date.now() - started) / 1000), count };
  } finally {
    await db.close();
  }
}
