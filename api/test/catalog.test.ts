import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, key } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
let buyer: HttpClient;
let seller: HttpClient;
let creator: HttpClient;
const idem = () => ({ 'idempotency-key': key() });
// A real 2x2 PNG (uploads are decoded and re-encoded, so a hand-made header alone would not pass).
const PNG = await sharp({ create: { width: 2, height: 2, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 1 } } })
  .png()
  .toBuffer();

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  [buyer, seller, creator] = [new HttpClient(api.url), new HttpClient(api.url), new HttpClient(api.url)];
  await buyer.login('buyer@hawker.test');
  await seller.login('seller@hawker.test');
  await creator.login('creator@hawker.test');
});
afterAll(async () => {
  await api.close();
});

describe('search', () => {
  it('finds listings by words in the title, ranked, with filters and sorts', async () => {
    const hits = await buyer.get('/api/listings?q=oolong');
    expect(hits.status).toBe(200);
    expect(hits.body.data.length).toBeGreaterThanOrEqual(2);
    for (const l of hits.body.data as { title: string }[]) expect(l.title.toLowerCase()).toContain('oolong');
    const none = await buyer.get('/api/listings?q=zzznothinglikethis');
    expect(none.body.data).toEqual([]);
    const cheap = await buyer.get('/api/listings?category=food&sort=price_asc&maxPrice=5000&limit=100');
    const prices = (cheap.body.data as { priceMinor: number; category: string }[]).map((l) => l.priceMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    for (const l of cheap.body.data as { priceMinor: number; category: string }[]) {
      expect(l.category).toBe('food');
      expect(l.priceMinor).toBeLessThanOrEqual(5000);
    }
    expect((await buyer.get('/api/listings?sort=relevance')).status).toBe(400);
  });

  it('ranks title matches above description-only matches', async () => {
    const shop = await api.services.db.prisma.shop.findFirstOrThrow({ where: { slug: 'sams-gadget-stall' } });
    await api.services.db.prisma.listing.createMany({
      data: [
        {
          shopId: shop.id,
          title: 'Plain box',
          description: 'goes well with a zebrawood stand',
          priceMinor: 100,
          currency: 'USD',
          stock: 1,
          category: 'home',
        },
        { shopId: shop.id, title: 'Zebrawood stand', description: 'solid', priceMinor: 100, currency: 'USD', stock: 1, category: 'home' },
      ],
    });
    const res = await buyer.get('/api/listings?q=zebrawood');
    expect((res.body.data as { title: string }[]).map((l) => l.title)).toEqual(['Zebrawood stand', 'Plain box']);
  });
});

describe('shops and listings', () => {
  it('lets anyone open a shop for free, then list in it; only the owner edits', async () => {
    const [newbie] = await createBuyers(api, 1, 'maker');
    const noShop = await newbie!.client.post('/api/listings', {
      title: 'Clay cup',
      priceMinor: 1800,
      currency: 'USD',
      stock: 4,
      category: 'home',
    });
    expect(noShop.status).toBe(403);
    expect(noShop.body.error.code).toBe('shop_required');
    const shop = await newbie!.client.post('/api/shops', { name: 'Clay Corner' });
    expect(shop.status).toBe(201);
    expect(shop.body).toMatchObject({
      name: 'Clay Corner',
      followerCount: 0,
      trust: { score: expect.any(Number), formula: expect.stringContaining('score =') },
    });
    const me = await newbie!.client.get('/api/me');
    expect(me.body.user.roles).toContain('seller');
    expect(me.body.shops).toEqual([expect.objectContaining({ id: shop.body.id })]);
    const listing = await newbie!.client.post('/api/listings', {
      title: 'Clay cup',
      description: 'Hand thrown',
      priceMinor: 1800,
      currency: 'USD',
      stock: 4,
      category: 'home',
    });
    expect(listing.status).toBe(201);
    expect(listing.body).toMatchObject({
      title: 'Clay cup',
      priceMinor: 1800,
      shop: { id: shop.body.id },
      rating: { average: null, count: 0 },
    });
    expect((await buyer.request('PATCH', `/api/listings/${listing.body.id as string}`, { priceMinor: 1 })).status).toBe(403);
    const edited = await newbie!.client.request('PATCH', `/api/listings/${listing.body.id as string}`, { priceMinor: 1650, stock: 2 });
    expect(edited.body).toMatchObject({ priceMinor: 1650, stock: 2 });
    expect(
      (await newbie!.client.post('/api/listings', { title: 'x', priceMinor: 12.5, currency: 'USD', stock: 1, category: 'home' })).status,
    ).toBe(400);
    await newbie!.client.request('PATCH', `/api/listings/${listing.body.id as string}`, { status: 'archived' });
    expect((await buyer.get(`/api/listings/${listing.body.id as string}`)).status).toBe(404);
  });

  it('uploads images validated by type and size, and serves them', async () => {
    const listing = await createListing(api, { stock: 1 });
    const upload = (client: HttpClient, type: string, body: Buffer) =>
      fetch(`${api.url}/api/listings/${listing.id}/images`, {
        method: 'POST',
        headers: { 'content-type': type, cookie: client.cookieHeader },
        body: new Uint8Array(body),
      });
    const ok = await upload(seller, 'image/png', PNG);
    expect(ok.status).toBe(201);
    const { url } = (await ok.json()) as { url: string };
    const served = await fetch(api.url + url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    // What is served is our own encoding of the same picture.
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 2, height: 2 });
    expect((await upload(seller, 'image/gif', PNG)).status).toBe(415);
    expect((await upload(seller, 'image/jpeg', PNG)).status).toBe(400);
    expect((await upload(seller, 'image/png', Buffer.alloc(6 * 1024 * 1024, 1))).status).toBe(413);
    expect((await upload(buyer, 'image/png', PNG)).status).toBe(403);
    const detail = await buyer.get(`/api/listings/${listing.id}`);
    expect(detail.body.images).toEqual([{ id: expect.any(String), url }]);
  });

  it('follows and unfollows a shop, counting followers once', async () => {
    const shop = await api.services.db.prisma.shop.findFirstOrThrow({ where: { slug: 'mia-live-closet' } });
    const start = (await buyer.get(`/api/shops/${shop.id}`)).body.followerCount as number;
    expect((await buyer.post(`/api/shops/${shop.id}/follow`)).body).toMatchObject({ following: true, followerCount: start + 1 });
    expect((await buyer.post(`/api/shops/${shop.id}/follow`)).body.followerCount).toBe(start + 1);
    expect((await buyer.request('DELETE', `/api/shops/${shop.id}/follow`)).body).toMatchObject({ following: false, followerCount: start });
  });
});

describe('cart, reviews and trust', () => {
  it('checks out a cart across two shops into two escrowed orders and empties it', async () => {
    const a = await createListing(api, { stock: 2, priceMinor: 1000 });
    const b = await createListing(api, { stock: 2, priceMinor: 2000, owner: 'creator@hawker.test' });
    await buyer.request('PUT', '/api/cart/items', { listingId: a.id, quantity: 2 });
    const cart = await buyer.request('PUT', '/api/cart/items', { listingId: b.id, quantity: 1 });
    expect(cart.body).toMatchObject({ totalMinor: 4000, currency: 'USD' });
    expect(cart.body.items).toHaveLength(2);
    const seen = [
      { listingId: a.id, quantity: 2, unitPriceMinor: 1000 },
      { listingId: b.id, quantity: 1, unitPriceMinor: 2000 },
    ];
    const checkout = await buyer.post('/api/cart/checkout', { items: seen }, idem());
    expect(checkout.status).toBe(201);
    expect(checkout.body.orders).toHaveLength(2);
    expect((await buyer.get('/api/cart')).body.items).toEqual([]);
    expect((await buyer.post('/api/cart/checkout', { items: seen }, idem())).body.error.code).toBe('cart_empty');
  });

  it('lets only the buyer of a completed order review each item once; the seller replies once; trust moves', async () => {
    const listing = await createListing(api, { stock: 1, priceMinor: 3000 });
    const { body } = await buyer.post(
      '/api/orders',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] },
      idem(),
    );
    const order = body.orders[0];
    const itemId = (await api.services.db.prisma.orderItem.findFirstOrThrow({ where: { orderId: order.id as string } })).id;
    const review = { orderItemId: itemId, rating: 1, text: 'Broke on day one' };
    expect((await buyer.post(`/api/orders/${order.id as string}/reviews`, review)).status).toBe(403); // not completed yet
    await seller.post(`/api/orders/${order.id as string}/ship`, { carrier: 'UPS', tracking: 'R1' }, idem());
    await buyer.post(`/api/orders/${order.id as string}/confirm`, undefined, idem());
    const before = (await buyer.get(`/api/shops/${order.shop.id as string}`)).body.trust;
    expect((await creator.post(`/api/orders/${order.id as string}/reviews`, review)).status).toBe(403);
    const created = await buyer.post(`/api/orders/${order.id as string}/reviews`, review);
    expect(created.status).toBe(201);
    expect((await buyer.post(`/api/orders/${order.id as string}/reviews`, review)).body.error.code).toBe('already_reviewed');
    expect((await buyer.post(`/api/reviews/${created.body.id as string}/reply`, { text: 'me?' })).status).toBe(403);
    expect((await seller.post(`/api/reviews/${created.body.id as string}/reply`, { text: 'Sorry! Sending a new one.' })).status).toBe(201);
    expect((await seller.post(`/api/reviews/${created.body.id as string}/reply`, { text: 'again' })).status).toBe(409);
    const listed = await buyer.get(`/api/listings/${listing.id}/reviews`);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ rating: 1, reply: expect.objectContaining({ text: 'Sorry! Sending a new one.' }) }),
    ]);
    const after = (await buyer.get(`/api/shops/${order.shop.id as string}`)).body.trust;
    expect(after.parts.rating.reviews).toBe(before.parts.rating.reviews + 1);
    expect(after.parts.rating.value).toBeLessThan(before.parts.rating.value);
    expect(after.score).toBeLessThan(before.score);
    expect(Object.keys(after.parts)).toEqual(['rating', 'disputes', 'refunds', 'onTimeShipping']);
  });
});
