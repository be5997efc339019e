import { accounts } from '../domain/ledger-accounts.js';
import type { Database } from '../repositories/db/client.js';
import { CheckoutRepository } from '../repositories/checkout.repository.js';
import { LedgerRepository } from '../repositories/ledger.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderService } from '../services/order.service.js';
import { SandboxPaymentProvider } from '../services/payments/sandbox.provider.js';

const MINUTE = 60_000;

/**
 * The demo's creator economy, so every page has something real to show on a
 * fresh `npm start`: Mia is a creator (@mia_live) who lets brands see her
 * GMV; Sam offers some listings to creators; Glow Labs (brand@hawker.test)
 * has a shop, a prepaid balance, and a sponsorship of Mia's show two days
 * ago, measured and released, with its minute-by-minute report and orders
 * bought in the show (some delivered, so the commission was paid). Money
 * moves through the real checkout and ledger, never by writing balances.
 */
export async function seedDemoPartnerships(db: Database): Promise<void> {
  const prisma = db.prisma;
  const user = (email: string) => prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const [mia, sam, brand, bea] = (await Promise.all(
    ['creator@hawker.test', 'seller@hawker.test', 'brand@hawker.test', 'buyer@hawker.test'].map(user),
  )) as [{ id: string }, { id: string }, { id: string }, { id: string }];
  await prisma.user.update({
    where: { id: mia.id },
    data: {
      handle: 'mia_live',
      bio: 'Beauty and slow fashion, live every Friday.',
      creatorTermsAcceptedAt: new Date(),
      showGmvToBrands: true,
      emailVerifiedAt: new Date(),
    },
  });
  const samShop = await prisma.shop.findFirstOrThrow({ where: { ownerId: sam.id } });
  const offered = await prisma.listing.findMany({ where: { shopId: samShop.id, category: 'electronics' }, take: 4, select: { id: true } });
  await prisma.listing.updateMany({
    where: { id: { in: offered.map((l) => l.id) } },
    data: { affiliateRateBps: 1000, affiliateMaxDealUnits: 50 },
  });

  await prisma.brandProfile.create({ data: { userId: brand.id, companyName: 'Glow Labs', website: 'https://glow.example' } });
  const glowShop = await prisma.shop.create({
    data: { ownerId: brand.id, name: 'Glow Labs', slug: 'glow-labs', description: 'Skincare by Glow Labs.' },
  });
  await prisma.user.update({ where: { id: brand.id }, data: { roles: ['buyer', 'brand', 'seller'] } });
  const serum = await prisma.listing.create({
    data: {
      shopId: glowShop.id,
      title: 'Glow Labs Vitamin C Serum',
      description: 'The serum from the show.',
      priceMinor: 3800,
      currency: 'USD',
      stock: 200,
      category: 'beauty',
      affiliateRateBps: 1500,
    },
  });
  await prisma.listing.create({
    data: {
      shopId: glowShop.id,
      title: 'Glow Labs Night Cream',
      description: 'Rich night cream.',
      priceMinor: 4600,
      currency: 'USD',
      stock: 120,
      category: 'beauty',
      affiliateRateBps: 1500,
    },
  });

  const ledger = new LedgerRepository(prisma, db.sql);
  // The brand's prepaid balance: $500 from its card.
  await prisma.$transaction(async (tx) => {
    const payment = await tx.payment.create({
      data: {
        payerId: brand.id,
        provider: 'sandbox',
        amountMinor: 50_000,
        currency: 'USD',
        idempotencyKey: 'topup:demo-seed',
        status: 'succeeded',
        providerRef: 'sb_ch_demo_topup',
      },
    });
    await ledger.post(tx, {
      kind: 'brand_topup',
      orderId: null,
      idempotencyKey: `topup:${payment.id}`,
      entries: [
        { account: accounts.brandCard(brand.id, 'USD'), amount: -50_000n },
        { account: accounts.brandFunding(brand.id, 'USD'), amount: 50_000n },
      ],
    });
  });

  // Mia's sponsored show, two days ago: 45 minutes, the serum pinned for 20 of them.
  const started = new Date(Date.now() - 2 * 86_400_000);
  const ended = new Date(started.getTime() + 45 * MINUTE);
  const show = await prisma.stream.create({
    data: {
      creatorId: mia.id,
      title: 'Glow week: my morning routine',
      status: 'live',
      startedAt: started,
      scheduledAt: started,
      peakViewers: 184,
      thumbnailUrl: null,
    },
  });
  const sponsorship = await prisma.sponsorship.create({
    data: {
      brandId: brand.id,
      creatorId: mia.id,
      status: 'accepted',
      flatFeeMinor: 20_000,
      currency: 'USD',
      commissionBps: 1500,
      minLiveMinutes: 30,
      minPinnedMinutes: 30,
      minFlashDeals: 1,
      coverage: 'show',
      streamId: show.id,
      message: 'Show our Vitamin C serum in your morning routine!',
      expiresAt: started,
      createdAt: new Date(started.getTime() - 3 * 86_400_000),
      decidedAt: new Date(started.getTime() - 2 * 86_400_000),
      streams: { create: { streamId: show.id } },
    },
  });
  const escrow = accounts.sponsorshipEscrow(sponsorship.id, 'USD');
  await prisma.$transaction((tx) =>
    ledger.post(tx, {
      kind: 'sponsorship',
      orderId: null,
      idempotencyKey: `sponsorship:fee:${sponsorship.id}`,
      entries: [
        { account: accounts.brandFunding(brand.id, 'USD'), amount: -20_000n },
        { account: escrow, amount: 20_000n },
      ],
    }),
  );
  // Pinned while the orders are placed (the checkout requires it), unpinned after.
  const pin = await prisma.streamPin.create({
    data: { streamId: show.id, listingId: serum.id, offsetMs: 10 * MINUTE, pinnedAt: new Date(started.getTime() + 10 * MINUTE) },
  });

  // Orders bought in the show, through the real checkout (the show was live then): four buyers.
  const orders = new OrderService(
    new OrderRepository(prisma, ledger, db.sql),
    new CheckoutRepository(db.sql),
    new SandboxPaymentProvider(),
    10 * 86_400_000,
  );
  const buyers = [bea.id, ...(await createDemoBuyers(db, 3))];
  const placed: string[] = [];
  for (const [i, buyerId] of buyers.entries()) {
    const result = await orders.checkout(
      { userId: buyerId, roles: ['buyer'] },
      {
        items: [{ listingId: serum.id, quantity: 1 + (i % 2), unitPriceMinor: 3800 }],
        paymentMethod: 'pm_card_visa',
        stream: { id: show.id, offsetMs: (12 + i * 4) * MINUTE },
      },
      `demo-seed-${i}`,
    );
    placed.push(result.orderIds[0]!);
  }
  // Two were delivered: the escrow released, the commission paid to Mia.
  for (const orderId of placed.slice(0, 2)) {
    await orders.ship({ userId: brand.id, roles: ['seller'] }, orderId, { carrier: 'UPS', tracking: `1ZDEMO${orderId.slice(-6)}` });
    await orders.confirm({ userId: (await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).buyerId, roles: ['buyer'] }, orderId);
  }
  await prisma.order.updateMany({ where: { id: { in: placed } }, data: { createdAt: new Date(started.getTime() + 15 * MINUTE) } });
  await prisma.streamPin.update({ where: { id: pin.id }, data: { unpinnedAt: new Date(started.getTime() + 30 * MINUTE) } });

  // The show ends; it was measured (45 live minutes of 30, 20 pinned of 30, no flash deal of 1) and released.
  await prisma.stream.update({ where: { id: show.id }, data: { status: 'ended', endedAt: ended, durationMs: 45 * MINUTE } });
  const deliveredBps = Math.floor(((1 + 20 / 30 + 0) / 3) * 10_000);
  const toCreator = Math.floor((20_000 * deliveredBps) / 10_000);
  await prisma.$transaction(async (tx) => {
    await ledger.post(tx, {
      kind: 'sponsorship',
      orderId: null,
      idempotencyKey: `sponsorship:settle:${sponsorship.id}`,
      entries: [
        { account: escrow, amount: -20_000n },
        { account: accounts.creatorEarnings(mia.id, 'USD'), amount: BigInt(toCreator) },
        { account: accounts.brandFunding(brand.id, 'USD'), amount: BigInt(20_000 - toCreator) },
      ],
    });
    await tx.sponsorship.update({
      where: { id: sponsorship.id },
      data: {
        status: 'released',
        measuredAt: ended,
        releaseAt: new Date(ended.getTime() + 72 * 3_600_000),
        settledAt: new Date(),
        deliveredBps,
        delivery: { liveMinutes: 45, pinnedMinutes: 20, flashDeals: 0, deliveredBps },
        releasedMinor: toCreator,
        returnedMinor: 20_000 - toCreator,
      },
    });
  });

  // The show minute by minute (what the report charts): the audience builds, peaks, tails off.
  await prisma.streamMinute.createMany({
    data: Array.from({ length: 45 }, (_, m) => ({
      streamId: show.id,
      minute: new Date(started.getTime() + m * MINUTE),
      viewers: Math.round(184 * Math.sin((Math.PI * (m + 1)) / 46) ** 0.6),
      orders: m === 12 || m === 16 || m === 20 || m === 24 ? 1 : 0,
      units: m === 16 || m === 24 ? 2 : m === 12 || m === 20 ? 1 : 0,
      gmvMinor: m === 16 || m === 24 ? 7600 : m === 12 || m === 20 ? 3800 : 0,
      chatMessages: 5 + ((m * 7) % 13),
    })),
  });
  await prisma.streamProductClick.create({ data: { streamId: show.id, listingId: serum.id, clicks: 96 } });
}

/** Three more demo shoppers (no login: they exist for the report's orders). */
async function createDemoBuyers(db: Database, n: number): Promise<string[]> {
  const rows = await db.prisma.user.createManyAndReturn({
    data: Array.from({ length: n }, (_, i) => ({
      email: `shopper${i + 1}@hawker.test`,
      passwordHash: '!',
      displayName: `Demo Shopper ${i + 1}`,
      roles: ['buyer' as const],
    })),
    select: { id: true },
  });
  return rows.map((r) => r.id);
}
