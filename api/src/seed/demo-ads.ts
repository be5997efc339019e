import { randomUUID } from 'node:crypto';
import type { AdPlacement } from '@hawker/shared';
import { accounts, adRevenueShard } from '../domain/ledger-accounts.js';
import { predictedCtr } from '../domain/ad-auction.js';
import { searchTerms } from '../domain/search-terms.js';
import type { Database } from '../repositories/db/client.js';
import { BrandRepository } from '../repositories/brand.repository.js';
import { LedgerRepository } from '../repositories/ledger.repository.js';

const DAY = 86_400_000;

/** Sam's ads: what each promotes and bids (minor units of the ad currency, USD). */
const DEMO_ADS: { title: string; bids: { placement: AdPlacement; keyword?: string; maxCpcMinor: number }[]; categories?: string[] }[] = [
  {
    title: 'Classic Wireless Earbuds',
    bids: [
      { placement: 'search', keyword: 'earbuds', maxCpcMinor: 45 },
      { placement: 'search', keyword: 'wireless', maxCpcMinor: 30 },
      { placement: 'home', maxCpcMinor: 35 },
      { placement: 'related', maxCpcMinor: 25 },
    ],
    categories: ['electronics'],
  },
  {
    title: 'Limited Ring Light',
    bids: [
      { placement: 'search', keyword: 'ring light', maxCpcMinor: 60 },
      { placement: 'search', keyword: 'light', maxCpcMinor: 40 },
      { placement: 'home', maxCpcMinor: 30 },
      { placement: 'related', maxCpcMinor: 20 },
    ],
  },
  {
    title: 'Classic Oolong Tea',
    bids: [
      { placement: 'search', keyword: 'tea', maxCpcMinor: 35 },
      { placement: 'home', maxCpcMinor: 25 },
    ],
  },
  {
    title: 'Limited USB-C Hub',
    bids: [
      { placement: 'search', keyword: 'hub', maxCpcMinor: 40 },
      { placement: 'search', keyword: 'usb', maxCpcMinor: 30 },
      { placement: 'related', maxCpcMinor: 20 },
    ],
  },
];

/**
 * Sam (seller@hawker.test) advertises on a fresh `npm start`, so sponsored
 * slots show at once: a funded ad balance (a card top-up through the real
 * payment path), an always-on campaign of four ads, and six days of history
 * (impressions, billed clicks through the ledger, the auction log) for the
 * dashboard's charts, insight and simulator. The figures obey the same
 * invariants the ledger self-check verifies.
 */
export async function seedDemoAds(db: Database): Promise<void> {
  const prisma = db.prisma;
  const ledger = new LedgerRepository(prisma, db.sql);
  const sam = await prisma.user.findUniqueOrThrow({ where: { email: 'seller@hawker.test' }, select: { id: true } });
  const shop = await prisma.shop.findFirstOrThrow({ where: { ownerId: sam.id }, select: { id: true } });
  const brands = new BrandRepository(prisma, ledger);
  const payment = await brands.startTopUp(sam.id, 30_000, 'USD', 'sandbox', `ads:${sam.id}:demo-seed`);
  if (!payment) return;
  await brands.finishTopUp(payment.id, 'ch_demo_seed');

  const now = Date.now();
  const campaign = await prisma.adCampaign.create({
    data: { shopId: shop.id, name: 'Gadgets, always on', dailyBudgetMinor: 2_000, currency: 'USD', startsAt: new Date(now - 7 * DAY) },
  });
  const shoppers = await prisma.user.findMany({ where: { email: { startsWith: 'shopper' } }, select: { id: true } });
  let seq = 0;
  for (const spec of DEMO_ADS) {
    const listing = await prisma.listing.findFirstOrThrow({ where: { shopId: shop.id, title: spec.title }, select: { id: true } });
    const ad = await prisma.ad.create({ data: { campaignId: campaign.id, listingId: listing.id, categories: spec.categories ?? [] } });
    await prisma.adBid.createMany({
      data: spec.bids.map((b) => {
        const words = b.keyword ? searchTerms(b.keyword) : [];
        return { adId: ad.id, placement: b.placement, keyword: words.join(' '), terms: [...words].sort(), maxCpcMinor: b.maxCpcMinor };
      }),
    });
    const bid = spec.bids[0]!;
    for (let d = 6; d >= 1; d--) {
      const dayStart = Math.floor((now - d * DAY) / DAY) * DAY;
      const shown = 30 + ((seq * 17 + d * 11) % 35);
      const clicks = 1 + ((seq + d) % 3);
      const at = (i: number) => new Date(dayStart + 9 * 3_600_000 + i * 600_000);
      const q = predictedCtr(0, 0);
      await prisma.adImpression.createMany({
        data: Array.from({ length: shown }, (_, i) => ({
          id: randomUUID(),
          adId: ad.id,
          campaignId: campaign.id,
          placement: bid.placement,
          position: 1,
          priceMinor: 21,
          viewerKey: `v:${randomUUID()}`,
          createdAt: at(i),
        })),
      });
      await prisma.adAuction.createMany({
        data: Array.from({ length: shown }, (_, i) => ({
          placement: bid.placement,
          query: bid.keyword ?? '',
          adIds: [ad.id],
          candidates: [{ ad: ad.id, bid: bid.maxCpcMinor, q, score: bid.maxCpcMinor * q, price: 20, slot: 1 }],
          createdAt: at(i),
        })),
      });
      let spent = 0;
      for (let c = 0; c < clicks; c++) {
        const tokenId = randomUUID();
        const price = 20 + ((seq + c) % 3) * 5;
        const transferId = await ledger.post(prisma, {
          kind: 'ad_charge',
          idempotencyKey: `adclick:${tokenId}`,
          memo: `click on ad ${ad.id}`,
          entries: [
            { account: accounts.brandFunding(sam.id, 'USD'), amount: -BigInt(price) },
            { account: accounts.adRevenue('USD', adRevenueShard(tokenId)), amount: BigInt(price) },
          ],
        });
        const buyer = shoppers[c % Math.max(1, shoppers.length)]?.id ?? null;
        await prisma.adClick.create({
          data: {
            tokenId,
            adId: ad.id,
            campaignId: campaign.id,
            placement: bid.placement,
            viewerKey: buyer ? `u:${buyer}` : `v:${randomUUID()}`,
            userId: buyer,
            ipPrefix: `198.51.${100 + c}.0/24`,
            userAgent: 'Mozilla/5.0 (demo)',
            priceMinor: price,
            billedMinor: price,
            transferId,
            createdAt: at(c * 3 + 1),
          },
        });
        spent += price;
      }
      await prisma.adClick.create({
        data: {
          tokenId: randomUUID(),
          adId: ad.id,
          campaignId: campaign.id,
          placement: bid.placement,
          viewerKey: `v:${randomUUID()}`,
          ipPrefix: '203.0.113.0/24',
          userAgent: 'python-requests/2.31',
          priceMinor: 20,
          invalidReason: 'bot',
          createdAt: at(20),
        },
      });
      await prisma.adCampaignDay.upsert({
        where: { campaignId_day: { campaignId: campaign.id, day: new Date(dayStart) } },
        create: { campaignId: campaign.id, day: new Date(dayStart), spentMinor: spent, clicks, impressions: shown },
        update: { spentMinor: { increment: spent }, clicks: { increment: clicks }, impressions: { increment: shown } },
      });
      await prisma.adCampaign.update({ where: { id: campaign.id }, data: { spentMinor: { increment: spent } } });
      await prisma.ad.update({ where: { id: ad.id }, data: { impressions: { increment: shown }, clicks: { increment: clicks } } });
    }
    seq++;
  }
}
