import type { Cart, DisputeView, ListingSummary } from '@hawker/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminDesk } from '../src/lib/market/admin.svelte.js';
import type { Order } from '../src/lib/market/api.js';
import { CartManager } from '../src/lib/market/cart.svelte.js';
import { ListingFeed } from '../src/lib/market/listing-feed.svelte.js';
import { ListingPage } from '../src/lib/market/listing.svelte.js';
import { OrderBook } from '../src/lib/market/order-book.svelte.js';

// The managers against a scripted api: each route answers with the next queued
// response; every request is recorded with its headers and body.

interface Call {
  key: string;
  headers: Record<string, string>;
  body: unknown;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const failure = (status: number, code: string, message: string) =>
  json(status, { error: { type: 'invalid_request_error', code, message } });

function fakeApi(routes: Record<string, (() => Response | Promise<Response>)[]>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const key = `${init.method ?? 'GET'} ${url}`;
    calls.push({
      key,
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    });
    const next = routes[key]?.shift();
    if (!next) throw new Error(`unexpected request ${key}`);
    return Promise.resolve(next());
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const LISTING = '0190c3b0-0000-7000-8000-00000000a001';
const ORDER = '0190c3b0-0000-7000-8000-00000000e001';

const order = (status: Order['status'], extra: Partial<Order> = {}): Order => ({
  id: ORDER,
  status,
  shop: { id: 's1', name: 'Kiln & Co' },
  buyerId: 'b1',
  items: [{ id: 'item-1', listingId: LISTING, title: 'Tea bowl', unitPriceMinor: 2499, quantity: 1, reviewed: false }],
  subtotalMinor: 2499,
  totalMinor: 2499,
  currency: 'USD',
  escrow: { status: 'held', heldMinor: 2499 },
  shipment: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  paidAt: '2026-01-01T00:00:00.000Z',
  autoReleaseAt: null,
  ...extra,
});

const summary = (id: string): ListingSummary => ({
  id,
  title: id,
  priceMinor: 100,
  currency: 'USD',
  stock: 1,
  category: 'home',
  imageUrl: null,
  shop: { id: 's1', name: 'Kiln & Co' },
});

describe('ListingPage', () => {
  it('buys now with an Idempotency-Key, and retries a lost answer with the same key', async () => {
    const calls = fakeApi({
      'POST /api/orders': [
        () => Promise.reject(new TypeError('Failed to fetch')),
        () => json(201, { checkoutId: 'c1', orders: [order('paid')] }),
        () => json(201, { checkoutId: 'c2', orders: [order('paid')] }),
      ],
      'GET /api/listings/0190c3b0-0000-7000-8000-00000000a001': [() => json(200, { ...summary(LISTING), stock: 5 })],
    });
    const page = new ListingPage(LISTING);
    // The price on the page is the one the order carries.
    await page.listing.load();
    page.quantity = 2;

    expect(await page.buy()).toBe(false);
    expect(page.error).toMatch(/Can't reach Hawker/);
    expect(await page.buy()).toBe(true);
    expect(await page.buy()).toBe(true);

    const posts = calls.filter((c) => c.key === 'POST /api/orders');
    expect(posts[0]?.body).toEqual({
      items: [{ listingId: LISTING, quantity: 2, unitPriceMinor: summary(LISTING).priceMinor }],
      paymentMethod: 'pm_card_visa',
    });
    const keys = posts.map((c) => c.headers['Idempotency-Key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    // Same key for the retry after a network failure; a new purchase gets a new one.
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('adds to the quantity already in the cart', async () => {
    const cart: Cart = { items: [{ listing: summary(LISTING), quantity: 2 }], totalMinor: 200, currency: 'USD' };
    const calls = fakeApi({
      'GET /api/cart': [() => json(200, cart)],
      'PUT /api/cart/items': [() => json(200, { ...cart, items: [{ listing: summary(LISTING), quantity: 5 }] })],
    });
    const page = new ListingPage(LISTING);
    page.quantity = 3;
    await page.addToCart();
    expect(calls[1]?.body).toEqual({ listingId: LISTING, quantity: 5 });
    expect(page.added).toBe('Your cart now has 5 of these.');
  });
});

describe('OrderBook', () => {
  it("replaces a row with the api's answer and keeps problems on their row", async () => {
    fakeApi({
      'GET /api/orders?as=buyer': [() => json(200, { data: [order('shipped')] })],
      [`POST /api/orders/${ORDER}/confirm`]: [
        () => failure(409, 'invalid_order_state', 'An order that is completed cannot be confirmed.'),
        () => json(200, order('completed', { escrow: { status: 'released', heldMinor: 0 } })),
      ],
      [`GET /api/orders/${ORDER}`]: [() => json(200, order('shipped'))],
    });
    const book = new OrderBook('buyer');
    await book.load();
    expect(book.status).toBe('ready');

    expect(await book.confirm(ORDER)).toBe(false);
    expect(book.rowErrors[ORDER]).toBe('An order that is completed cannot be confirmed.');
    expect(await book.confirm(ORDER)).toBe(true);
    expect(book.rowErrors[ORDER]).toBeUndefined();
    expect(book.orders[0]?.status).toBe('completed');
    expect(book.rowNotices[ORDER]).toMatch(/released to the seller/);
  });

  it('reviews an item by its order item id and remembers it was reviewed', async () => {
    const calls = fakeApi({
      [`POST /api/orders/${ORDER}/reviews`]: [() => json(201, { id: 'r1' })],
    });
    const book = new OrderBook('buyer');
    expect(await book.review(ORDER, 'item-1', Number(''), '')).toBe(false);
    expect(book.rowErrors[ORDER]).toBe('Choose a rating from 1 to 5 stars.');
    expect(await book.review(ORDER, 'item-1', 5, ' Pours beautifully ')).toBe(true);
    expect(calls[0]?.body).toEqual({ orderItemId: 'item-1', rating: 5, text: 'Pours beautifully' });
    expect(book.isReviewed(ORDER, 'item-1')).toBe(true);
  });

  it('ships with carrier and tracking, and asks for both first', async () => {
    const calls = fakeApi({
      [`POST /api/orders/${ORDER}/ship`]: [() => json(200, order('shipped'))],
    });
    const book = new OrderBook('seller');
    expect(await book.ship(ORDER, 'UPS', ' ')).toBe(false);
    expect(calls).toHaveLength(0);
    expect(await book.ship(ORDER, ' UPS ', '1Z-E2E')).toBe(true);
    expect(calls[0]?.body).toEqual({ carrier: 'UPS', tracking: '1Z-E2E' });
    expect(calls[0]?.headers['Idempotency-Key']).toBeTruthy();
  });
});

describe('CartManager', () => {
  it('checks out with a key tied to the cart contents', async () => {
    const cart = (quantity: number): Cart => ({
      items: [{ listing: summary(LISTING), quantity }],
      totalMinor: 100 * quantity,
      currency: 'USD',
    });
    const calls = fakeApi({
      'GET /api/cart': [() => json(200, cart(1))],
      'POST /api/cart/checkout': [() => Promise.reject(new TypeError('offline')), () => json(201, { checkoutId: 'c', orders: [] })],
      'PUT /api/cart/items': [() => json(200, cart(2))],
    });
    const manager = new CartManager();
    await manager.load();
    expect(await manager.checkout()).toBeNull();
    await manager.setQuantity(LISTING, 2);
    expect(await manager.checkout()).toEqual({ checkoutId: 'c', orders: [] });
    const posts = calls.filter((c) => c.key === 'POST /api/cart/checkout');
    const [first, second] = posts.map((c) => c.headers['Idempotency-Key']);
    // Another cart: not the same purchase.
    expect(second).not.toBe(first);
    // The lines and prices the buyer was shown travel with the checkout.
    expect(posts[1]?.body).toMatchObject({ items: [{ listingId: LISTING, quantity: 2, unitPriceMinor: 100 }] });
  });

  it('a price that changed since the cart was shown: nothing charged, the cart reloads and says so', async () => {
    const cart = (priceMinor: number): Cart => ({
      items: [{ listing: { ...summary(LISTING), priceMinor }, quantity: 1 }],
      totalMinor: priceMinor,
      currency: 'USD',
    });
    fakeApi({
      'GET /api/cart': [() => json(200, cart(100)), () => json(200, cart(250))],
      'POST /api/cart/checkout': [
        () => json(409, { error: { type: 'conflict_error', code: 'price_changed', message: 'changed', prices: [] } }),
      ],
    });
    const manager = new CartManager();
    await manager.load();
    expect(await manager.checkout()).toBeNull();
    expect(manager.error).toMatch(/Nothing was charged/);
    expect(manager.cart?.items[0]?.listing.priceMinor).toBe(250);
  });
});

describe('ListingFeed', () => {
  it('appends the next page and drops repeats', async () => {
    const calls = fakeApi({
      'GET /api/listings?q=tea&limit=2': [() => json(200, { data: [summary('a'), summary('b')], nextCursor: 'Mg' })],
      'GET /api/listings?q=tea&limit=2&cursor=Mg': [() => json(200, { data: [summary('b'), summary('c')], nextCursor: null })],
    });
    const feed = new ListingFeed(2);
    await feed.load({ q: 'tea' });
    await feed.loadMore();
    expect(feed.items.map((l) => l.id)).toEqual(['a', 'b', 'c']);
    expect(feed.nextCursor).toBeNull();
    await feed.loadMore();
    expect(calls).toHaveLength(2);
  });
});

describe('AdminDesk', () => {
  const dispute: DisputeView = {
    id: 'd1',
    orderId: ORDER,
    status: 'open',
    reason: 'Arrived broken',
    sellerResponse: null,
    resolution: null,
    refundMinor: null,
    createdAt: '2026-01-02T00:00:00.000Z',
  };

  it('parses a partial refund in the order currency and checks it against escrow', async () => {
    const calls = fakeApi({
      'GET /api/disputes?status=open': [() => json(200, { data: [dispute] })],
      'GET /api/disputes?status=seller_responded': [() => json(200, { data: [] })],
      [`GET /api/orders/${ORDER}`]: [
        () => json(200, order('disputed', { currency: 'JPY', totalMinor: 4500, escrow: { status: 'held', heldMinor: 4500 } })),
      ],
      'POST /api/disputes/d1/resolve': [
        () => json(200, { ...dispute, status: 'resolved', resolution: 'refund_partial', refundMinor: 1500 }),
      ],
    });
    const desk = new AdminDesk();
    await desk.load();
    expect(desk.cases).toHaveLength(1);

    expect(await desk.resolve('d1', 'refund_partial', '15.5')).toBe(false);
    expect(desk.rowErrors.d1).toBe('JPY has no smaller unit: enter a whole amount.');
    expect(await desk.resolve('d1', 'refund_partial', '5000')).toBe(false);
    expect(desk.rowErrors.d1).toMatch(/cannot exceed/);
    expect(await desk.resolve('d1', 'refund_partial', '1500')).toBe(true);

    const post = calls.find((c) => c.key === 'POST /api/disputes/d1/resolve');
    expect(post?.body).toEqual({ resolution: 'refund_partial', refundMinor: 1500 });
    expect(post?.headers['Idempotency-Key']).toBeTruthy();
    expect(desk.cases).toHaveLength(0);
    expect(desk.resolved[0]?.resolution).toBe('refund_partial');
  });
});
