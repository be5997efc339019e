import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi } from '../../test/support/api.js';
import { accounts } from '../src/domain/ledger-accounts.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import {
  DuplicateTransferError,
  InsufficientFundsError,
  LedgerRepository,
  UnbalancedTransferError,
} from '../src/repositories/ledger.repository.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
let ledger: LedgerRepository;
beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  ledger = new LedgerRepository(api.services.db.prisma, api.services.db.sql);
});
afterAll(async () => {
  await api.close();
});

describe('ledger transfers', () => {
  it('refuses unbalanced transfers before touching the database', async () => {
    const a = accounts.platformRevenue('USD');
    const b = accounts.payoutsClearing('USD');
    await expect(
      ledger.post(api.services.db.prisma, {
        kind: 'adjustment',
        entries: [
          { account: a, amount: 5n },
          { account: b, amount: -4n },
        ],
      }),
    ).rejects.toBeInstanceOf(UnbalancedTransferError);
  });

  it('is atomic on its own: a transfer that would break a floor leaves no trace', async () => {
    const prisma = api.services.db.prisma;
    const user = randomUUID();
    await prisma.user.create({ data: { id: user, email: `${user}@ledger.test`, passwordHash: 'x', displayName: 'L' } });
    const funding = accounts.brandCard(user, 'USD');
    const seller = accounts.sellerAvailable(user, 'USD');
    const drain = accounts.payoutsClearing('USD');
    await ledger.post(prisma, {
      kind: 'adjustment',
      entries: [
        { account: funding, amount: -100n },
        { account: seller, amount: 100n },
      ],
    });
    const transfersBefore = await prisma.ledgerTransfer.count();
    await expect(
      ledger.post(prisma, {
        kind: 'payout',
        entries: [
          { account: seller, amount: -101n },
          { account: drain, amount: 101n },
        ],
      }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await prisma.ledgerTransfer.count()).toBe(transfersBefore);
    expect(await ledger.balance(prisma, seller.code)).toBe(100n);
    await ledger.post(prisma, {
      kind: 'payout',
      entries: [
        { account: seller, amount: -100n },
        { account: drain, amount: 100n },
      ],
    });
    expect(await ledger.balance(prisma, seller.code)).toBe(0n);
  });

  it('the same business key cannot be booked twice', async () => {
    const prisma = api.services.db.prisma;
    const k = `once-${randomUUID()}`;
    const t = {
      kind: 'adjustment' as const,
      idempotencyKey: k,
      entries: [
        { account: accounts.brandCard(randomUUID(), 'USD'), amount: -1n },
        { account: accounts.payoutsClearing('USD'), amount: 1n },
      ],
    };
    await prisma.user.create({
      data: { id: t.entries[0]!.account.ownerId!, email: `${k}@ledger.test`, passwordHash: 'x', displayName: 'K' },
    });
    await ledger.post(prisma, t);
    await expect(ledger.post(prisma, t)).rejects.toBeInstanceOf(DuplicateTransferError);
    await expect(ledger.post(api.services.db.sql, t)).rejects.toBeInstanceOf(DuplicateTransferError);
    expect(await prisma.ledgerTransfer.count({ where: { idempotencyKey: k } })).toBe(1);
  });
});

describe('ledger self-check', () => {
  it('reports an entry that belongs to no transfer (the entries table has no foreign keys)', async () => {
    const prisma = api.services.db.prisma;
    const orphanTransfer = randomUUID();
    const problems = await prisma
      .$transaction(async (tx) => {
        const [account] = await tx.$queryRawUnsafe<{ id: string }[]>('SELECT id::text FROM ledger_accounts LIMIT 1');
        await tx.$executeRawUnsafe(
          'INSERT INTO ledger_entries ("transferId", "accountId", amount) VALUES ($1::uuid, $2::uuid, 0)',
          orphanTransfer,
          account!.id,
        );
        // Rolled back below: the check sees the orphan only inside this transaction.
        throw new CheckResult(await checkLedger(tx));
      })
      .catch((r: unknown) => (r instanceof CheckResult ? r.problems : Promise.reject(r as Error)));
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'orphan_entry', transferId: orphanTransfer }));
    expect(await checkLedger(prisma)).toEqual([]);
  });
});

class CheckResult extends Error {
  constructor(readonly problems: Awaited<ReturnType<typeof checkLedger>>) {
    super('check result');
  }
}

describe('standalone transfers (group-committed)', () => {
  async function user(tag: string): Promise<string> {
    const id = randomUUID();
    await api.services.db.prisma.user.create({ data: { id, email: `${id}@${tag}.test`, passwordHash: 'x', displayName: tag } });
    return id;
  }

  it('commits concurrent transfers together; one that breaks a floor fails alone', async () => {
    const owner = await user('batch');
    const funding = accounts.brandCard(owner, 'USD');
    const wallet = accounts.sellerAvailable(owner, 'USD');
    const drain = accounts.payoutsClearing('USD');
    // 40 deposits of 10 and, racing them, 60 withdrawals of 10 from a wallet that starts empty:
    // every withdrawal either commits against money already there or fails on the floor.
    const deposits = Array.from({ length: 40 }, () =>
      ledger.transfer({
        kind: 'adjustment',
        entries: [
          { account: funding, amount: -10n },
          { account: wallet, amount: 10n },
        ],
      }),
    );
    const withdrawals = Array.from({ length: 60 }, () =>
      ledger.transfer({
        kind: 'payout',
        entries: [
          { account: wallet, amount: -10n },
          { account: drain, amount: 10n },
        ],
      }),
    );
    const results = await Promise.allSettled([...deposits, ...withdrawals]);
    expect(results.slice(0, 40).every((r) => r.status === 'fulfilled')).toBe(true);
    const failed = results.slice(40).filter((r) => r.status === 'rejected');
    for (const f of failed) expect(f.reason).toBeInstanceOf(InsufficientFundsError);
    const paidOut = 60 - failed.length;
    expect(await ledger.balance(api.services.db.prisma, wallet.code)).toBe(BigInt(400 - paidOut * 10));
    // Rows written by one transaction share its id (xmin): fewer distinct ids than transfers
    // means some transfers were committed together.
    const [stamps] = await api.services.db.prisma.$queryRawUnsafe<{ transfers: bigint; commits: bigint }[]>(
      `SELECT count(*) AS transfers, count(DISTINCT e.xmin::text) AS commits
         FROM ledger_entries e JOIN ledger_accounts a ON a.id = e."accountId" WHERE a.code = $1`,
      wallet.code,
    );
    expect(stamps!.transfers).toBe(BigInt(40 + paidOut));
    expect(stamps!.commits).toBeLessThan(stamps!.transfers);
    expect(await checkLedger(api.services.db.prisma)).toEqual([]);
  });

  it('rejects a second booking of the same business key, in the same batch or later', async () => {
    const owner = await user('dup');
    const key = `dup-${randomUUID()}`;
    const t = {
      kind: 'adjustment' as const,
      idempotencyKey: key,
      entries: [
        { account: accounts.brandCard(owner, 'USD'), amount: -5n },
        { account: accounts.payoutsClearing('USD'), amount: 5n },
      ],
    };
    const [a, b] = await Promise.allSettled([ledger.transfer(t), ledger.transfer(t)]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(((a.status === 'rejected' ? a : b) as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateTransferError);
    await expect(ledger.transfer(t)).rejects.toBeInstanceOf(DuplicateTransferError);
    expect(await api.services.db.prisma.ledgerTransfer.count({ where: { idempotencyKey: key } })).toBe(1);
  });

  it('a transfer on the lean SQL path inside a transaction rolls back with it', async () => {
    const owner = await user('leantx');
    const funding = accounts.brandCard(owner, 'USD');
    const wallet = accounts.sellerAvailable(owner, 'USD');
    const sql = api.services.db.sql;
    await expect(
      sql.transaction(async (tx) => {
        await ledger.post(tx, {
          kind: 'adjustment',
          entries: [
            { account: funding, amount: -7n },
            { account: wallet, amount: 7n },
          ],
        });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await ledger.balance(api.services.db.prisma, wallet.code)).toBe(0n);
    await sql.transaction((tx) =>
      ledger.post(tx, {
        kind: 'adjustment',
        entries: [
          { account: funding, amount: -7n },
          { account: wallet, amount: 7n },
        ],
      }),
    );
    expect(await ledger.balance(api.services.db.prisma, wallet.code)).toBe(7n);
  });
});
