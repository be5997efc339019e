import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, goLive, key } from '../../test/support/fixtures.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../src/server.js';
import type { Principal } from '../src/services/auth.service.js';

/**
 * The three-way split as a property (issue 10): random sequences of
 * attributed orders, releases, full and partial refunds before and after
 * release, and sponsorships delivered fully or in part. A model computed here
 * from the rules alone must match the ledger after every step: the seller's
 * and the creator's balances, the brand's balance, and money captured =
 * seller + creator + refunds + platform + what is still held.
 */
let api: RunningApi;
let seller: Principal;
let creator: Principal;
let brand: Principal;
let admin: Principal;
let buyers: Principal[];
let streamId: string;

type Order = {
  id: string;
  total: number;
  bps: number;
  buyer: Principal;
  state: 'paid' | 'completed' | 'refunded';
  released: number;
  refundedAfter: number;
};
type Model = { seller: number; creator: number; brand: number; captured: number; refunded: number; orders: Order[] };

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  const prisma = api.services.db.prisma;
  const p = async (email: string): Promise<Principal> => {
    const u = await prisma.user.findUniqueOrThrow({ where: { email } });
    return { userId: u.id, roles: u.roles };
  };
  [seller, admin] = [await p('seller@hawker.test'), await p('admin@hawker.test')];
  const [c, b, ...rest] = await createBuyers(api, 5, 'split-prop');
  await prisma.user.update({ where: { id: c!.id }, data: { roles: ['buyer', 'creator'], handle: `split_${key().slice(5, 15)}` } });
  await prisma.user.update({ where: { id: b!.id }, data: { roles: ['buyer', 'brand'] } });
  creator = { userId: c!.id, roles: ['buyer', 'creator'] };
  brand = { userId: b!.id, roles: ['buyer', 'brand'] };
  buyers = rest.map((x) => ({ userId: x.id, roles: ['buyer' as const] }));
  streamId = (await api.services.streams.create(creator, { title: 'Property show' })).id;
  await goLive(api, streamId);
});
afterAll(async () => {
  await api.close();
});

const balanceOf = async (code: string) =>
  Number((await api.services.db.prisma.ledgerAccount.findUnique({ where: { code } }))?.balance ?? 0n);

type Step =
  | { op: 'buy'; price: number; bps: number; who: number }
  | { op: 'release'; pick: number }
  | { op: 'refundBefore'; pick: number; share: number }
  | { op: 'refundAfter'; pick: number; share: number }
  | { op: 'sponsor'; fee: number; deliveredPinned: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('buy' as const),
    price: fc.integer({ min: 1, max: 20_000 }),
    bps: fc.integer({ min: 1, max: 5000 }),
    who: fc.nat(),
  }),
  fc.record({ op: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('refundBefore' as const), pick: fc.nat(), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('refundAfter' as const), pick: fc.nat(), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({
    op: fc.constant('sponsor' as const),
    fee: fc.integer({ min: 0, max: 30_000 }),
    deliveredPinned: fc.integer({ min: 0, max: 20 }),
  }),
);

async function apply(s: Step, m: Model): Promise<void> {
  const o = api.services.orders;
  const st = api.services.settlement;
  const pick = (n: number, state: Order['state']) => {
    const candidates = m.orders.filter((x) => x.state === state);
    return candidates.length > 0 ? candidates[n % candidates.length]! : null;
  };
  switch (s.op) {
    case 'buy': {
      const listing = await createListing(api, { stock: 5, priceMinor: s.price });
      await api.services.db.prisma.listing.update({ where: { id: listing.id }, data: { affiliateRateBps: s.bps } });
      await api.services.pins.set(creator, streamId, [listing.id]);
      const buyer = buyers[s.who % buyers.length]!;
      const bought = await api.services.deals.purchase(
        buyer,
        { streamId, listingId: listing.id, quantity: 1, unitPriceMinor: s.price, idempotencyKey: key(), paymentMethod: 'pm_card_visa' },
        true,
      );
      if (bought.status !== 'paid') throw new Error('a pinned listing is paid before the answer');
      m.orders.push({ id: bought.orderId, total: s.price, bps: s.bps, buyer, state: 'paid', released: 0, refundedAfter: 0 });
      m.captured += s.price;
      return;
    }
    case 'release': {
      const order = pick(s.pick, 'paid');
      if (!order) return;
      await o.ship(seller, order.id, { carrier: 'UPS', tracking: 'P' });
      await o.confirm(order.buyer, order.id);
      credit(m, order, order.total);
      order.state = 'completed';
      order.released = order.total;
      return;
    }
    case 'refundBefore': {
      const order = pick(s.pick, 'paid');
      if (!order) return;
      const refund = Math.max(1, Math.floor(order.total * s.share));
      const d = await st.openDispute(order.buyer, order.id, 'Not as described');
      await st.resolve(admin, d.id, refund >= order.total ? 'refund_full' : 'refund_partial', refund >= order.total ? undefined : refund);
      const rest = order.total - Math.min(refund, order.total);
      credit(m, order, rest);
      m.refunded += Math.min(refund, order.total);
      order.state = rest > 0 ? 'completed' : 'refunded';
      order.released = rest;
      return;
    }
    case 'refundAfter': {
      const order = pick(s.pick, 'completed');
      if (!order) return;
      const refundable = order.released - order.refundedAfter;
      if (refundable <= 0) return;
      const refund = Math.max(1, Math.min(refundable, Math.floor(refundable * s.share)));
      const d = await st.openDispute(order.buyer, order.id, 'Broke after a week').catch(() => null);
      if (!d) return; // a refunded order cannot be disputed again
      const resolved = await st
        .resolve(admin, d.id, refund >= refundable ? 'refund_full' : 'refund_partial', refund >= refundable ? undefined : refund)
        .catch((err: { code?: string }) => {
          if (err.code === 'seller_balance_insufficient') return null;
          throw err;
        });
      if (!resolved) return;
      // The creator gives back their commission on the refund, in proportion; the seller the rest.
      const clawed = Math.floor((commissionOn(order, order.released) * refund) / order.released);
      m.seller -= refund - clawed;
      m.creator -= clawed;
      m.refunded += refund;
      order.refundedAfter += refund;
      order.state = order.refundedAfter >= order.released ? 'refunded' : 'completed';
      return;
    }
    case 'sponsor': {
      await api.services.brands.topUp(brand, s.fee + 100, 'USD', 'pm_card_visa', key()).catch(() => undefined);
      m.brand += s.fee + 100;
      const show = await api.services.streams.create(creator, {
        title: 'Sponsored',
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const offer = await api.services.sponsorships.offer(brand, {
        creatorId: creator.userId,
        flatFeeMinor: s.fee,
        currency: 'USD',
        commissionBps: 0,
        minLiveMinutes: 0,
        minPinnedMinutes: 10,
        minFlashDeals: 0,
        coverage: { streamId: show.id },
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        message: '',
      });
      await api.services.sponsorships.accept(creator, offer.id);
      m.brand -= s.fee;
      await goLive(api, show.id);
      const prisma = api.services.db.prisma;
      await prisma.streamPin.deleteMany({ where: { streamId: show.id } });
      if (s.deliveredPinned > 0) {
        // The brand's "product" pinned for deliveredPinned minutes (a listing in the brand's own shop).
        const shop =
          (await prisma.shop.findFirst({ where: { ownerId: brand.userId } })) ??
          (await prisma.shop.create({ data: { ownerId: brand.userId, name: 'Brand shop', slug: `brand-${key()}` } }));
        const l = await prisma.listing.create({
          data: { shopId: shop.id, title: 'Brand thing', priceMinor: 100, currency: 'USD', stock: 1, category: 'x' },
        });
        const now = Date.now();
        await prisma.streamPin.create({
          data: {
            streamId: show.id,
            listingId: l.id,
            offsetMs: 0,
            pinnedAt: new Date(now - s.deliveredPinned * 60_000),
            unpinnedAt: new Date(now),
          },
        });
      }
      await api.services.streams.end(creator, show.id);
      await api.services.sponsorships.releaseDue(new Date(Date.now() + 73 * 3_600_000));
      const settled = await api.services.sponsorships.get(creator, offer.id);
      const bps = Math.floor(Math.min(1, s.deliveredPinned / 10) * 10_000);
      const toCreator = Math.floor((s.fee * bps) / 10_000);
      expect({ released: settled.releasedMinor, returned: settled.returnedMinor }).toEqual({
        released: toCreator,
        returned: s.fee - toCreator,
      });
      m.creator += toCreator;
      m.brand += s.fee - toCreator;
      return;
    }
  }
}

// The model, written from the rules (not from the code under test): the commission on the whole order is
// floor(total x rate); a release of part of it pays that commission pro rata, rounded down; the seller gets the rest.
function commissionOn(order: Order, released: number): number {
  const full = Math.floor((order.total * order.bps) / 10_000);
  return Math.floor((full * released) / order.total);
}

function credit(m: Model, order: Order, released: number): void {
  const commission = commissionOn(order, released);
  m.creator += commission;
  m.seller += released - commission;
}

describe('the three-way split (property)', () => {
  it(
    'the ledger agrees with the rules after every step, and captured = seller + creator + refunds + held',
    { timeout: 240_000 },
    async () => {
      const sellerCode = `seller_available:${seller.userId}:USD`;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), async (steps) => {
          const m: Model = {
            seller: await balanceOf(sellerCode),
            creator: await balanceOf(`creator_earnings:${creator.userId}:USD`),
            brand: await balanceOf(`brand_funding:${brand.userId}:USD`),
            captured: 0,
            refunded: 0,
            orders: [],
          };
          const sellerStart = m.seller;
          const creatorStart = m.creator;
          for (const s of steps) {
            await apply(s, m);
            expect(await balanceOf(sellerCode), JSON.stringify(s)).toBe(m.seller);
            expect(await balanceOf(`creator_earnings:${creator.userId}:USD`), JSON.stringify(s)).toBe(m.creator);
            expect(await balanceOf(`brand_funding:${brand.userId}:USD`), JSON.stringify(s)).toBe(m.brand);
            expect(await checkLedger(api.services.db.prisma)).toEqual([]);
          }
          // Conservation over this run's orders: every minor unit captured went to exactly one place.
          const held = m.orders.filter((x) => x.state === 'paid').reduce((sum, x) => sum + x.total, 0);
          const orderCreator = m.creator - creatorStart - sponsorshipsPaid(steps);
          expect(m.captured).toBe(m.seller - sellerStart + orderCreator + m.refunded + held);
        }),
        { numRuns: 6 },
      );
    },
  );
});

/** What the sponsorship steps paid the creator (to tell order money from sponsorship money). */
function sponsorshipsPaid(steps: Step[]): number {
  return steps.reduce(
    (sum, s) => (s.op === 'sponsor' ? sum + Math.floor((s.fee * Math.floor(Math.min(1, s.deliveredPinned / 10) * 10_000)) / 10_000) : sum),
    0,
  );
}
