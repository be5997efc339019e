import argon2 from 'argon2';
import { PASSWORD_HASH_PARAMS } from '../services/password-hasher.js';
import type { Role } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';

/** Demo-only password for every seeded account (documented in the README). */
export const DEMO_PASSWORD = 'hawker-demo';

export const demoAccounts: { email: string; displayName: string; roles: Role[] }[] = [
  { email: 'creator@hawker.test', displayName: 'Mia Live', roles: ['buyer', 'seller', 'creator'] },
  { email: 'seller@hawker.test', displayName: 'Sam Seller', roles: ['buyer', 'seller'] },
  { email: 'buyer@hawker.test', displayName: 'Bea Buyer', roles: ['buyer'] },
  { email: 'brand@hawker.test', displayName: 'Acme Brand', roles: ['buyer', 'brand'] },
  { email: 'admin@hawker.test', displayName: 'Ada Admin', roles: ['buyer', 'admin'] },
];

const catalog: Record<string, string[]> = {
  beauty: ['Glow Serum', 'Matte Lipstick', 'Hydrating Mask', 'Jade Roller', 'Sun Shield SPF50'],
  fashion: ['Linen Shirt', 'Denim Jacket', 'Silk Scarf', 'Canvas Tote', 'Wool Beanie'],
  electronics: ['Wireless Earbuds', 'Ring Light', 'Phone Tripod', 'USB-C Hub', 'Clip Microphone'],
  home: ['Ceramic Mug', 'Scented Candle', 'Bamboo Tray', 'Throw Blanket', 'Desk Plant'],
  food: ['Oolong Tea', 'Chili Crisp', 'Dark Chocolate', 'Honey Jar', 'Matcha Powder'],
};
const variants = ['Classic', 'Limited'];

/** Seeds the demo accounts, two shops and their 50 listings. Safe to call twice: it does nothing the second time. */
export async function seedDemoData(prisma: PrismaClient): Promise<{ seeded: boolean }> {
  const existing = await prisma.user.findUnique({ where: { email: 'creator@hawker.test' }, select: { id: true } });
  if (existing) return { seeded: false };
  const passwordHash = await argon2.hash(DEMO_PASSWORD, PASSWORD_HASH_PARAMS);
  await prisma.$transaction(async (tx) => {
    const users = new Map<string, string>();
    for (const account of demoAccounts) {
      const user = await tx.user.create({ data: { ...account, passwordHash }, select: { id: true } });
      users.set(account.email, user.id);
    }
    const shops = [
      { owner: 'creator@hawker.test', name: "Mia's Live Closet", slug: 'mia-live-closet', categories: ['beauty', 'fashion', 'home'] },
      { owner: 'seller@hawker.test', name: "Sam's Gadget Stall", slug: 'sams-gadget-stall', categories: ['electronics', 'food'] },
    ];
    let n = 0;
    for (const s of shops) {
      const shop = await tx.shop.create({
        data: { ownerId: users.get(s.owner)!, name: s.name, slug: s.slug, description: `Demo shop: ${s.categories.join(', ')}.` },
        select: { id: true },
      });
      const rows = s.categories.flatMap((category) =>
        (catalog[category] ?? []).flatMap((product) =>
          variants.map((variant) => {
            n += 1;
            return {
              shopId: shop.id,
              title: `${variant} ${product}`,
              description: `${product} — ${variant.toLowerCase()} edition, shown live by the seller.`,
              // Deterministic prices between 5.00 and 84.99 in minor units.
              priceMinor: 500 + ((n * 1733) % 8000) - (((n * 1733) % 8000) % 100) + 99,
              currency: 'USD',
              stock: 5 + ((n * 7) % 40),
              category,
            };
          }),
        ),
      );
      await tx.listing.createMany({ data: rows });
    }
  });
  return { seeded: true };
}
