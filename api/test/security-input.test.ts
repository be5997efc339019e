import path from 'node:path';
import { MAX_INT32, type AckResponse, type ClientToServerEvents, type ServerToClientEvents } from '@hawker/shared';
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, goLive, key } from '../../test/support/fixtures.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../src/server.js';

/**
 * Hostile input (security findings 10 and 11): amounts past PostgreSQL's
 * 32-bit columns, deeply nested JSON, bad static paths, and bodies that are
 * valid except for one field — each is a clean 4xx, never a 500.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let api: RunningApi;
let seller: HttpClient;
let buyer: HttpClient;
let creator: HttpClient;
let admin: HttpClient;
/** A new account of this file's own: opening a shop or paying out must not change the demo accounts other files rely on. */
let shopOwner: HttpClient;
let streamId: string;
let host: ClientSocket;
let viewer: ClientSocket;

beforeAll(async () => {
  api = await startTestApi({ env: { WEB_DIST: path.resolve(import.meta.dirname, '../../web/dist'), SCHEDULER_INTERVAL_SECONDS: '0' } });
  [seller, buyer, creator, admin] = (await Promise.all(
    ['seller', 'buyer', 'creator', 'admin'].map(async (who) => {
      const c = new HttpClient(api.url);
      await c.login(`${who}@hawker.test`);
      return c;
    }),
  )) as [HttpClient, HttpClient, HttpClient, HttpClient];
  shopOwner = (await createBuyers(api, 1, 'fuzz-owner'))[0]!.client;
  expect((await shopOwner.post('/api/shops', { name: 'Fuzz owner shop', description: '' })).status).toBe(201);
  streamId = (await creator.post('/api/streams', { title: 'Fuzz show' })).body.id as string;
  await goLive(api, streamId);
  host = await open(creator.cookieHeader);
  viewer = await open((await createBuyers(api, 1, 'fuzz'))[0]!.client.cookieHeader);
});
afterAll(async () => {
  host.disconnect();
  viewer.disconnect();
  expect(await checkLedger(api.services.db.prisma)).toEqual([]);
  await api.close();
});

async function open(cookie: string): Promise<ClientSocket> {
  const s: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  await s.timeout(5000).emitWithAck('room:join', { streamId });
  return s;
}
const idem = () => ({ 'idempotency-key': key() });
const ack = (s: ClientSocket, event: keyof ClientToServerEvents, payload: unknown) =>
  (s.timeout(20_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<AckResponse<unknown>> }).emitWithAck(event, payload);

/** Amounts around every limit that matters: 0, the 32-bit edge, the safe-integer edge, negatives and fractions. */
const amount = fc.oneof(
  fc.integer({ min: 0, max: 3_000_000_000 }),
  fc.constantFrom(0, 1, MAX_INT32 - 1, MAX_INT32, MAX_INT32 + 1, 2 ** 32, 99_999_999_999, Number.MAX_SAFE_INTEGER, -1, 1.5),
);

describe('amounts at the limits of the 32-bit columns (property test)', () => {
  it('listings, buy-now, carts, payouts, deal prices and price filters answer 2xx or 4xx, never 5xx', { timeout: 120_000 }, async () => {
    const expensive = await createListing(api, { stock: 1000, priceMinor: 2_000_000_000 });
    await fc.assert(
      fc.asyncProperty(amount, amount, fc.integer({ min: 1, max: 100 }), async (a, b, quantity) => {
        const responses = await Promise.all([
          shopOwner.post('/api/listings', {
            title: 'Edge case',
            priceMinor: a,
            currency: 'USD',
            stock: Math.min(b, 2 ** 40),
            category: 'test',
          }),
          seller.request('PATCH', `/api/listings/${expensive.id}`, { stock: 1000 }),
          buyer.post('/api/orders', { items: [{ listingId: expensive.id, quantity, unitPriceMinor: 2_000_000_000 }] }, idem()),
          buyer.get(`/api/listings?minPrice=${a}&maxPrice=${b}`),
          shopOwner.post('/api/payouts', { amountMinor: a, currency: 'USD' }, idem()),
        ]);
        for (const r of responses) expect(r.status, r.text).toBeLessThan(500);
        // Two of a $20M item is past what one payment can hold: refused up front, never a 500.
        if (quantity >= 2) expect(responses[2].body.error?.code).toBe('amount_too_large');
        const deal = await ack(host, 'deal:launch', {
          streamId,
          listingId: expensive.id,
          dealPriceMinor: a,
          quantity: 1,
          perBuyerLimit: 1,
          durationSeconds: 5,
        });
        expect(deal.ok || deal.error.code !== 'internal_error', JSON.stringify(deal)).toBe(true);
        if (deal.ok) await api.services.deals.endExpired(new Date(Date.now() + 3_600_000));
      }),
      { numRuns: 25 },
    );
    // A 100-unit cart of the $20M item checks out as a clean 400.
    await buyer.request('PUT', '/api/cart/items', { listingId: expensive.id, quantity: 100 });
    const cart = await buyer.post(
      '/api/cart/checkout',
      { items: [{ listingId: expensive.id, quantity: 100, unitPriceMinor: 2_000_000_000 }] },
      idem(),
    );
    expect(cart.status).toBe(400);
    expect(cart.body.error.code).toBe('amount_too_large');
    await buyer.request('PUT', '/api/cart/items', { listingId: expensive.id, quantity: 0 });
  });
});

/** What a field is replaced with, one field at a time. */
const hostile: unknown[] = [
  null,
  -1,
  1.5,
  MAX_INT32 + 1,
  Number.MAX_SAFE_INTEGER,
  1e308,
  '',
  'x'.repeat(20_000),
  [],
  {},
  true,
  '0190a0a0-0000-7000-8000-000000000000',
  'not-a-uuid',
  nested(200),
  [{ listingId: '0190a0a0-0000-7000-8000-000000000000', quantity: 1, unitPriceMinor: 1 }],
];

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('bodies valid except for one field', () => {
  it('every route answers each one with a 4xx (or success), never a 5xx', { timeout: 180_000 }, async () => {
    const listing = await createListing(api, { stock: 50, priceMinor: 1500 });
    const order = (await buyer.post('/api/orders', { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1500 }] }, idem())).body
      .orders[0] as { id: string; items: { id: string }[] };
    const routes: { client: HttpClient; method: string; path: string; body: Record<string, unknown>; idempotent?: boolean }[] = [
      {
        client: new HttpClient(api.url),
        method: 'POST',
        path: '/api/auth/register',
        body: { email: 'f@example.com', password: 'violet-harbor-tundra-81', displayName: 'F' },
      },
      { client: new HttpClient(api.url), method: 'POST', path: '/api/auth/login', body: { email: 'buyer@hawker.test', password: 'x' } },
      {
        client: shopOwner,
        method: 'POST',
        path: '/api/listings',
        body: { title: 'Fuzzed', description: '', priceMinor: 100, currency: 'USD', stock: 1, category: 'test' },
      },
      {
        client: seller,
        method: 'PATCH',
        path: `/api/listings/${listing.id}`,
        body: { priceMinor: 1500, stock: 50, status: 'active', title: 'Fuzzed item' },
      },
      {
        client: (await createBuyers(api, 1, 'fuzz-shop'))[0]!.client,
        method: 'POST',
        path: '/api/shops',
        body: { name: 'Fuzz shop', description: '' },
      },
      { client: buyer, method: 'PUT', path: '/api/cart/items', body: { listingId: listing.id, quantity: 0 } },
      {
        client: buyer,
        method: 'POST',
        path: '/api/cart/checkout',
        body: { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1500 }], paymentMethod: 'pm_card_visa' },
        idempotent: true,
      },
      {
        client: buyer,
        method: 'POST',
        path: '/api/orders',
        body: { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1 }], paymentMethod: 'pm_card_visa' },
        idempotent: true,
      },
      { client: seller, method: 'POST', path: `/api/orders/${order.id}/ship`, body: { carrier: 'UPS', tracking: 'Z' }, idempotent: true },
      { client: buyer, method: 'POST', path: `/api/orders/${order.id}/dispute`, body: { reason: 'Never arrived' }, idempotent: true },
      {
        client: admin,
        method: 'POST',
        path: '/api/disputes/0190a0a0-0000-7000-8000-000000000000/resolve',
        body: { resolution: 'refund_partial', refundMinor: 1 },
        idempotent: true,
      },
      { client: shopOwner, method: 'POST', path: '/api/payouts', body: { amountMinor: 1, currency: 'USD' }, idempotent: true },
      { client: creator, method: 'POST', path: '/api/streams', body: { title: 'Fuzz stream' } },
      {
        client: buyer,
        method: 'POST',
        path: `/api/orders/${order.id}/reviews`,
        body: { orderItemId: order.items[0]!.id, rating: 5, text: 'ok' },
      },
    ];
    for (const route of routes) {
      const variants: Record<string, unknown>[] = [];
      for (const field of Object.keys(route.body)) for (const value of hostile) variants.push({ ...route.body, [field]: value });
      const itemsField = route.body.items as Record<string, unknown>[] | undefined;
      if (itemsField) {
        for (const field of Object.keys(itemsField[0]!))
          for (const value of hostile) variants.push({ ...route.body, items: [{ ...itemsField[0], [field]: value }] });
      }
      for (const body of variants) {
        const res = await route.client.request(route.method, route.path, body, route.idempotent ? idem() : {});
        expect(res.status, `${route.method} ${route.path} ${JSON.stringify(body).slice(0, 200)} → ${res.text.slice(0, 200)}`).toBeLessThan(
          500,
        );
      }
    }
  });

  it('socket requests valid except for one field get an error ack, never internal_error', { timeout: 120_000 }, async () => {
    const listing = await createListing(api, { stock: 5, priceMinor: 1500, owner: 'creator@hawker.test' });
    const requests: [ClientSocket, keyof ClientToServerEvents, Record<string, unknown>][] = [
      [viewer, 'purchase:create', { streamId, listingId: listing.id, quantity: 1, unitPriceMinor: 1500, idempotencyKey: key() }],
      [host, 'deal:launch', { streamId, listingId: listing.id, dealPriceMinor: 100, quantity: 1, perBuyerLimit: 1, durationSeconds: 5 }],
      [viewer, 'chat:send', { streamId, text: 'hello' }],
      [host, 'pin:set', { streamId, listingIds: [listing.id] }],
      [viewer, 'room:join', { streamId }],
    ];
    for (const [socket, event, payload] of requests) {
      for (const field of Object.keys(payload)) {
        for (const value of hostile) {
          const answer = await ack(socket, event, {
            ...payload,
            [field]: value,
            ...(field === 'idempotencyKey' ? {} : { idempotencyKey: key() }),
          });
          expect(answer.ok || answer.error.code !== 'internal_error', `${event} ${field}=${JSON.stringify(value).slice(0, 80)}`).toBe(true);
        }
      }
      await api.services.deals.endExpired(new Date(Date.now() + 3_600_000));
    }
  });
});

describe('other inputs that used to be 500s', () => {
  it('deeply nested JSON on a route with an Idempotency-Key is a 400, with or without a body schema', async () => {
    // Built as text: JSON.stringify itself would run out of stack on it.
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const withSchema = await buyer.request('POST', '/api/orders', deep, { ...idem(), 'content-type': 'application/json' });
    expect(withSchema.status).toBe(400);
    const listing = await createListing(api, { stock: 1, priceMinor: 900 });
    const order = (await buyer.post('/api/orders', { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 900 }] }, idem())).body
      .orders[0];
    const bodyless = await buyer.request('POST', `/api/orders/${order.id as string}/confirm`, deep, {
      ...idem(),
      'content-type': 'application/json',
    });
    expect(bodyless.status).toBeLessThan(500);
  });

  it('missing and malformed /assets paths are 404 and 400', async () => {
    expect((await fetch(`${api.url}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${api.url}/assets/%E0%A4%A.js`)).status).toBe(400);
    expect((await fetch(`${api.url}/assets/`)).status).toBeLessThan(500);
    expect((await fetch(`${api.url}/assets/..%2f..%2fpackage.json`)).status).toBeLessThan(500);
  });

  it('an unknown stream on a purchase is a 404 ack', async () => {
    const unknown = '0190a0a0-0000-7000-8000-000000000000';
    const answer = await ack(viewer, 'purchase:create', {
      streamId: unknown,
      listingId: unknown,
      quantity: 1,
      unitPriceMinor: 1,
      idempotencyKey: key(),
    });
    expect(answer).toMatchObject({ ok: false });
    expect((answer as { error: { code: string } }).error.code).not.toBe('internal_error');
  });
});
