import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi } from '../../test/support/api.js';
import { accounts } from '../src/domain/ledger-accounts.js';
import { InsufficientFundsError, LedgerRepository, UnbalancedTransferError } from '../src/repositories/ledger.repository.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
let ledger: LedgerRepository;
beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  ledger = new LedgerRepository(api.services.db.prisma);
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
    const funding = accounts.brandFunding(user, 'USD');
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
        { account: accounts.brandFunding(randomUUID(), 'USD'), amount: -1n },
        { account: accounts.payoutsClearing('USD'), amount: 1n },
      ],
    };
    await prisma.user.create({
      data: { id: t.entries[0]!.account.ownerId!, email: `${k}@ledger.test`, passwordHash: 'x', displayName: 'K' },
    });
    await ledger.post(prisma, t);
    await expect(ledger.post(prisma, t)).rejects.toThrow();
    expect(await prisma.ledgerTransfer.count({ where: { idempotencyKey: k } })).toBe(1);
  });
});
