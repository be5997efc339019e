import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, goLive, key } from '../../test/support/fixtures.js';
import { CheckoutRepository } from '../src/repositories/checkout.repository.js';
import type { RunningApi } from '../src/server.js';

/**
 * The checkout's reserve step on its own, without the deal gate in front: the
 * per-buyer limit and the deal's units hold in PostgreSQL alone, however many
 * of the same buyer's purchases race.
 */
let api: RunningApi;
beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
});
afterAll(async () => {
  await api.close();
});

async function launchDeal(opts: { quantity: number; perBuyerLimit: number }) {
  const creator = new HttpClient(api.url);
  const me = await creator.login('creator@hawker.test');
  const streamId = (await creator.post('/api/streams', { title: `Reserve ${key()}` })).body.id as string;
  await goLive(api, streamId);
  const listing = await createListing(api, { stock: opts.quantity, owner: 'creator@hawker.test', priceMinor: 2000 });
  const deal = await api.services.deals.launch(
    { userId: me.user.id, roles: ['creator', 'seller', 'buyer'] },
    { streamId, listingId: listing.id, dealPriceMinor: 900, durationSeconds: 60, ...opts },
  );
  return { deal, streamId, listing };
}

describe('checkout reserve (PostgreSQL alone)', () => {
  it("one buyer's racing purchases of a 1-per-buyer deal: exactly one order, one unit sold", async () => {
    const { deal, listing } = await launchDeal({ quantity: 5, perBuyerLimit: 1 });
    const [buyer] = await createBuyers(api, 1, 'racer');
    const checkouts = new CheckoutRepository(api.services.db.sql);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        checkouts.reserve({
          buyerId: buyer!.id,
          items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 900, dealId: deal.id }],
          provider: 'sandbox',
          idempotencyKey: key(),
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(7).fill('buyer_limit'));
    const prisma = api.services.db.prisma;
    expect((await prisma.flashDeal.findUniqueOrThrow({ where: { id: deal.id } })).soldCount).toBe(1);
    const ok = results.find((r) => r.ok)!;
    if (!ok.ok) throw new Error('unreachable');
    // The checkout, its order, the item and the payment were written together.
    const order = await prisma.order.findUniqueOrThrow({ where: { id: ok.orderIds[0]! }, include: { items: true } });
    expect(order).toMatchObject({ checkoutId: ok.checkoutId, flashDealId: deal.id, totalMinor: 900, status: 'pending_payment' });
    expect(order.items).toEqual([
      expect.objectContaining({ listingId: listing.id, flashDealId: deal.id, quantity: 1, unitPriceMinor: 900 }),
    ]);
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: ok.paymentId } })).toMatchObject({
      checkoutId: ok.checkoutId,
      amountMinor: 900,
      status: 'pending',
    });
  });

  it('many buyers racing for fewer units: the units sell exactly, the rest are told the deal is over', async () => {
    const { deal, listing } = await launchDeal({ quantity: 3, perBuyerLimit: 2 });
    const buyers = await createBuyers(api, 10, 'crowd');
    const checkouts = new CheckoutRepository(api.services.db.sql);
    const results = await Promise.all(
      buyers.map((b) =>
        checkouts.reserve({
          buyerId: b.id,
          items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 900, dealId: deal.id }],
          provider: 'sandbox',
          idempotencyKey: key(),
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(new Set(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason))).toEqual(new Set(['deal_over']));
    // A refused reserve left nothing behind.
    expect(await api.services.db.prisma.order.count({ where: { flashDealId: deal.id } })).toBe(3);
  });
});
