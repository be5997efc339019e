import type { PrismaClient } from '../generated/prisma/client.js';

export class CartRepository {
  constructor(private readonly prisma: PrismaClient) {}

  items(userId: string) {
    return this.prisma.cartItem.findMany({
      where: { cart: { userId } },
      orderBy: { addedAt: 'asc' },
      select: {
        quantity: true,
        listing: {
          select: {
            id: true,
            title: true,
            priceMinor: true,
            currency: true,
            stock: true,
            category: true,
            shopId: true,
            shop: { select: { name: true } },
            images: { select: { storageKey: true }, orderBy: { position: 'asc' }, take: 1 },
          },
        },
      },
    });
  }

  async set(userId: string, listingId: string, quantity: number): Promise<void> {
    const cart = await this.prisma.cart.upsert({ where: { userId }, create: { userId }, update: {}, select: { id: true } });
    if (quantity === 0) {
      await this.prisma.cartItem.deleteMany({ where: { cartId: cart.id, listingId } });
      return;
    }
    await this.prisma.cartItem.upsert({
      where: { cartId_listingId: { cartId: cart.id, listingId } },
      create: { cartId: cart.id, listingId, quantity },
      update: { quantity },
    });
  }

  async clear(userId: string, listingIds: string[]): Promise<void> {
    await this.prisma.cartItem.deleteMany({ where: { cart: { userId }, listingId: { in: listingIds } } });
  }

  listingExists(id: string) {
    return this.prisma.listing.count({ where: { id, status: 'active' } }).then((n) => n > 0);
  }
}
