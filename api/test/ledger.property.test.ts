import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi } from '../../test/support/api.js';
import { createListing, key } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';
import type { Principal } from '../src/services/auth.service.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';

// Random sequences of pay / ship / confirm / auto-release / cancel / dispute /
// resolve / payout; after every step the ledger invariants must hold:
// transfers balance, balances equal entries, no floor broken, escrow = state.
let api: RunningApi;
let buyer: Principal;
let seller: Principal;
let admin: Principal;

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  const users = await api.services.db.prisma.user.findMany({
    where: { email: { in: ['buyer@hawker.test', 'seller@hawker.test', 'admin@hawker.test'] } },
  });
  const p = (email: string): Principal => {
    const u = users.find((x) => x.email === email)!;
    return { userId: u.id, roles: u.roles };
  };
  [buyer, seller, admin] = [p('buyer@hawker.test'), p('seller@hawker.test'), p('admin@hawker.test')];
});
afterAll(async () => {
  await api.close();
});

type Step =
  | { op: 'pay'; price: number; qty: number; declined: boolean }
  | { op: 'ship' | 'confirm' | 'cancel' | 'dispute'; pick: number }
  | { op: 'autoRelease' }
  | { op: 'resolve'; pick: number; resolution: 'refund_full' | 'refund_partial' | 'release'; share: number }
  | { op: 'payout'; share: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('pay' as const),
    price: fc.integer({ min: 1, max: 50_000 }),
    qty: fc.integer({ min: 1, max: 3 }),
    declined: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  }),
  fc.record({ op: fc.constantFrom('ship' as const, 'confirm' as const, 'cancel' as const, 'dispute' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('autoRelease' as const) }),
  fc.record({
    op: fc.constant('resolve' as const),
    pick: fc.nat(),
    resolution: fc.constantFrom('refund_full' as const, 'refund_partial' as const, 'release' as const),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({ op: fc.constant('payout' as const), share: fc.double({ min: 0, max: 1.2, noNaN: true }) }),
);

/** Runs one step; domain refusals (wrong state, insufficient funds) are expected outcomes, not failures. */
async function apply(s: Step, orders: string[]): Promise<void> {
  const o = api.services.orders;
  const st = api.services.settlement;
  const pick = (n: number) => orders[n % Math.max(1, orders.length)];
  const tolerate = (p: Promise<unknown>) =>
    p.catch((err: { status?: number }) => {
      if (!err.status || err.status >= 500) throw err;
    });
  switch (s.op) {
    case 'pay': {
      const listing = await createListing(api, { stock: 5, priceMinor: s.price });
      const res = await o
        .buyNow(
          buyer,
          {
            items: [{ listingId: listing.id, quantity: s.qty, unitPriceMinor: listing.priceMinor }],
            paymentMethod: s.declined ? 'pm_card_chargeDeclined' : 'pm_card_visa',
          },
          key(),
        )
        .catch((err: { status?: number }) => {
          if (err.status !== 402) throw err;
          return null;
        });
      if (res) orders.push(...res.orders.map((x) => x.id));
      return;
    }
    case 'ship': {
      const id = pick(s.pick);
      if (id) await tolerate(o.ship(seller, id, { carrier: 'UPS', tracking: 'P' }));
      return;
    }
    case 'confirm': {
      const id = pick(s.pick);
      if (id) await tolerate(o.confirm(buyer, id));
      return;
    }
    case 'cancel': {
      const id = pick(s.pick);
      if (id) await tolerate(o.cancel(buyer, id));
      return;
    }
    case 'dispute': {
      const id = pick(s.pick);
      if (id) await tolerate(st.openDispute(buyer, id, 'property test'));
      return;
    }
    case 'autoRelease':
      await o.releaseDue(new Date(Date.now() + 365 * 86_400_000));
      return;
    case 'resolve': {
      const open = (await st.listDisputes(admin, 'open')).data;
      const d = open[s.pick % Math.max(1, open.length)];
      if (!d) return;
      const held = (await o.get(admin, d.orderId)).escrow?.heldMinor ?? 0;
      await tolerate(st.resolve(admin, d.id, s.resolution, s.resolution === 'refund_partial' ? Math.floor(held * s.share) : undefined));
      return;
    }
    case 'payout': {
      const usd = (await st.wallet(seller)).balances.find((b) => b.currency === 'USD');
      const amount = Math.floor((usd?.availableMinor ?? 0) * s.share);
      if (amount > 0) await tolerate(st.payout(seller, amount, 'USD', key()));
    }
  }
}

describe('ledger invariants under random operation sequences', () => {
  it('hold after every step', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const orders: string[] = [];
        for (const s of steps) {
          await apply(s, orders);
          const problems = await checkLedger(api.services.db.prisma);
          expect(problems, `after ${JSON.stringify(s)}`).toEqual([]);
        }
      }),
      { numRuns: 12 },
    );
  });
});
