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
  [seller, creator, admin] = (await Promise.all(
    ['seller', 'creator', 'admin'].map(async (who) => {
      const c = new HttpClient(api.url);
      await c.login(`${who}@hawker.test`);
      return c;
    }),
  )) as [HttpClient, HttpClient, HttpClient];
  // A buyer of its own: the fuzz fills and checks out carts, and other test files use the demo buyer's cart.
  buyer = (await createBuyers(api, 1, 'fuzz-buyer'))[0]!.client;
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
  fc.constantFrom(
    0,
    1,
    1500,
    2_000_000_000,
    MAX_INT32 - 1,
    MAX_INT32,
    MAX_INT32 + 1,
    2 ** 32,
    99_999_999_999,
    Number.MAX_SAFE_INTEGER,
    -1,
    1.5,
  ),
);
/** Fits the 32-bit column it lands in (and is a whole, non-negative number). */
const fits = (n: number) => Number.isInteger(n) && n >= 0 && n <= MAX_INT32;
type Answer = { status: number; body: { error?: { code?: string; param?: string } } | undefined; text: string };
/** Refused at the edge: a 400 with the exact code (and the field it names), never a 500 from the database. */
function expectRefused(r: Answer, code: string, param: string, what: string) {
  expect({ status: r.status, code: r.body?.error?.code, param: r.body?.error?.param }, `${what} → ${r.text.slice(0, 200)}`).toEqual({
    status: 400,
    code,
    param,
  });
}
function expectStatus(r: Answer, status: number, code: string | undefined, what: string) {
  expect({ status: r.status, code: r.body?.error?.code }, `${what} → ${r.text.slice(0, 200)}`).toEqual({ status, code });
}

describe('amounts at the limits of the 32-bit columns (property test)', () => {
  it(
    'amounts past the columns are a 400 at the edge; amounts that fit are accepted or refused for a business reason',
    { timeout: 120_000 },
    async () => {
      const expensive = await createListing(api, { stock: 1000, priceMinor: 2_000_000_000 });
      const cheap = await createListing(api, { stock: 1000, priceMinor: 1500 });
      const dealt = await createListing(api, { stock: 1000, priceMinor: 2_000_000_000, owner: 'creator@hawker.test' });
      const listing = (fields: Record<string, unknown>) =>
        shopOwner.post('/api/listings', { title: 'Edge case', priceMinor: 100, currency: 'USD', stock: 1, category: 'test', ...fields });
      await fc.assert(
        fc.asyncProperty(amount, amount, fc.integer({ min: 1, max: 100 }), async (a, b, quantity) => {
          const [priced, stocked, , bigOrder, seenPrice, filter, payout] = await Promise.all([
            listing({ priceMinor: a }),
            listing({ stock: b }),
            seller.request('PATCH', `/api/listings/${expensive.id}`, { stock: 1000 }),
            buyer.post('/api/orders', { items: [{ listingId: expensive.id, quantity, unitPriceMinor: 2_000_000_000 }] }, idem()),
            buyer.post('/api/orders', { items: [{ listingId: cheap.id, quantity: 1, unitPriceMinor: a }] }, idem()),
            buyer.get(`/api/listings?minPrice=${a}&maxPrice=${b}`),
            shopOwner.post('/api/payouts', { amountMinor: a, currency: 'USD' }, idem()),
          ]);
          // A listing's price is 1..2,000,000,000 and its stock 0..1,000,000 (limits below the column's).
          if (fits(a) && a >= 1 && a <= 2_000_000_000) expectStatus(priced, 201, undefined, `listing price ${a}`);
          else expectRefused(priced, 'invalid_body', 'priceMinor', `listing price ${a}`);
          if (fits(b) && b <= 1_000_000) expectStatus(stocked, 201, undefined, `listing stock ${b}`);
          else expectRefused(stocked, 'invalid_body', 'stock', `listing stock ${b}`);
          // One $20M item fits one payment; two or more are past what one payment can hold.
          if (quantity === 1) expectStatus(bigOrder, 201, undefined, 'one $20M item');
          else expectStatus(bigOrder, 400, 'amount_too_large', `${quantity} × $20M`);
          // The price the buyer saw: past the column, a 400; otherwise the buyer pays it or is told the real one.
          if (!fits(a)) expectRefused(seenPrice, 'invalid_body', 'items.0.unitPriceMinor', `seen price ${a}`);
          else if (a === 1500) expectStatus(seenPrice, 201, undefined, 'seen price 1500');
          else expectStatus(seenPrice, 409, 'price_changed', `seen price ${a}`);
          if (fits(a) && fits(b)) expectStatus(filter, 200, undefined, `price filter ${a}..${b}`);
          else expectRefused(filter, 'invalid_query', fits(a) ? 'maxPrice' : 'minPrice', `price filter ${a}..${b}`);
          // This shop has sold nothing: any payout that fits is more than it has.
          if (fits(a) && a >= 1) expectStatus(payout, 409, 'insufficient_funds', `payout ${a}`);
          else expectRefused(payout, 'invalid_body', 'amountMinor', `payout ${a}`);
          const deal = await ack(host, 'deal:launch', {
            streamId,
            listingId: dealt.id,
            dealPriceMinor: a,
            quantity: 1,
            perBuyerLimit: 1,
            durationSeconds: 5,
          });
          const dealCode = deal.ok ? 'ok' : deal.error.code;
          if (!fits(a) || a === 0) expect(dealCode, `deal price ${a}`).toBe('invalid_payload');
          else if (a >= 2_000_000_000) expect(dealCode, `deal price ${a}`).toBe('deal_price_not_below_list');
          else expect(dealCode, `deal price ${a}`).toBe('ok');
          if (deal.ok) await api.services.deals.endExpired(new Date(Date.now() + 3_600_000));
        }),
        { numRuns: 100 },
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
    },
  );
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

/** Every way of replacing one field (and, for a body with `items`, one field of its first item) with a hostile value. */
type Mutation = { label: string; apply: (body: Record<string, unknown>) => Record<string, unknown> };
function mutations(base: Record<string, unknown>): Mutation[] {
  const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 60);
  const out: Mutation[] = [];
  for (const field of Object.keys(base))
    for (const value of hostile) out.push({ label: `${field}=${show(value)}`, apply: (body) => ({ ...body, [field]: value }) });
  const items = base.items as Record<string, unknown>[] | undefined;
  if (items)
    for (const field of Object.keys(items[0]!))
      for (const value of hostile)
        out.push({
          label: `items[0].${field}=${show(value)}`,
          apply: (body) => ({ ...body, items: [{ ...(body.items as Record<string, unknown>[])[0], [field]: value }] }),
        });
  return out;
}

/** A paid order from the demo buyer, of a fresh listing in `owner`'s shop. */
async function paidOrder(owner = 'seller@hawker.test', priceMinor = 1500) {
  const listing = await createListing(api, { stock: 1, priceMinor, owner });
  const res = await buyer.post('/api/orders', { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: priceMinor }] }, idem());
  expect(res.status, res.text).toBe(201);
  return res.body.orders[0] as { id: string; items: { id: string }[] };
}

describe('bodies valid except for one field', () => {
  /**
   * Each route's base request is valid and succeeds (asserted first), so a
   * body that differs in one field gets as deep as that field lets it: past
   * validation, prices, stock, balances and order states. `prepare` makes what
   * one request needs afresh — a new order to ship, a new dispute to resolve,
   * a refilled cart, a new email — so an earlier success never turns the next
   * request into a shallow refusal.
   */
  type Prepared = { client: HttpClient; path: string; body: Record<string, unknown> };
  type Fuzzed = { method: string; ok: number; idempotent?: boolean; prepare: () => Promise<Prepared> };

  it('every route answers each one with a 4xx (or success), never a 5xx', { timeout: 180_000 }, async () => {
    const listing = await createListing(api, { stock: 1000, priceMinor: 1500 });
    // A shop that has sold something and been paid for it: the payout fuzz gets past the balance check.
    const [payee] = await createBuyers(api, 1, 'fuzz-payee');
    expect((await payee!.client.post('/api/shops', { name: 'Fuzz payee shop', description: '' })).status).toBe(201);
    const payeeEmail = (await api.services.db.prisma.user.findUniqueOrThrow({ where: { id: payee!.id } })).email;
    const sold = await paidOrder(payeeEmail, 50_000);
    expect((await payee!.client.post(`/api/orders/${sold.id}/ship`, { carrier: 'UPS', tracking: 'PAYEE' }, idem())).status).toBe(200);
    expect((await buyer.post(`/api/orders/${sold.id}/confirm`, undefined, idem())).status).toBe(200);
    // An account of this file's own to sign in as: failed sign-ins must not slow down the demo accounts.
    const password = 'violet-harbor-tundra-81';
    const signIn = { email: `fuzz-login-${key()}@example.com`, password, displayName: 'Fuzz login' };
    expect((await new HttpClient(api.url).post('/api/auth/register', signIn)).status).toBe(201);
    const shipped = async () => {
      const order = await paidOrder();
      expect((await seller.post(`/api/orders/${order.id}/ship`, { carrier: 'UPS', tracking: 'Z' }, idem())).status).toBe(200);
      return order;
    };
    const fixed = (client: HttpClient, path: string, body: Record<string, unknown>) => () => Promise.resolve({ client, path, body });

    const routes: Fuzzed[] = [
      {
        method: 'POST',
        ok: 201,
        prepare: () =>
          Promise.resolve({
            client: new HttpClient(api.url),
            path: '/api/auth/register',
            body: { email: `fuzz-${key()}@example.com`, password, displayName: 'F' },
          }),
      },
      {
        method: 'POST',
        ok: 200,
        prepare: () =>
          Promise.resolve({ client: new HttpClient(api.url), path: '/api/auth/login', body: { email: signIn.email, password } }),
      },
      {
        method: 'POST',
        ok: 201,
        prepare: fixed(shopOwner, '/api/listings', {
          title: 'Fuzzed',
          description: '',
          priceMinor: 100,
          currency: 'USD',
          stock: 1,
          category: 'test',
        }),
      },
      {
        method: 'PATCH',
        ok: 200,
        prepare: fixed(seller, `/api/listings/${listing.id}`, { priceMinor: 1500, stock: 1000, status: 'active', title: 'Fuzzed item' }),
      },
      {
        method: 'POST',
        ok: 201,
        prepare: async () => ({
          client: (await createBuyers(api, 1, 'fuzz-shop'))[0]!.client,
          path: '/api/shops',
          body: { name: 'Fuzz shop', description: '' },
        }),
      },
      { method: 'PUT', ok: 200, prepare: fixed(buyer, '/api/cart/items', { listingId: listing.id, quantity: 1 }) },
      {
        method: 'POST',
        ok: 201,
        idempotent: true,
        prepare: async () => {
          // The cart holds exactly the line the body confirms (a checkout empties it).
          expect((await buyer.request('PUT', '/api/cart/items', { listingId: listing.id, quantity: 1 })).status).toBe(200);
          return {
            client: buyer,
            path: '/api/cart/checkout',
            body: { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1500 }], paymentMethod: 'pm_card_visa' },
          };
        },
      },
      {
        method: 'POST',
        ok: 201,
        idempotent: true,
        prepare: fixed(buyer, '/api/orders', {
          items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1500 }],
          paymentMethod: 'pm_card_visa',
        }),
      },
      {
        method: 'POST',
        ok: 200,
        idempotent: true,
        prepare: async () => ({
          client: seller,
          path: `/api/orders/${(await paidOrder()).id}/ship`,
          body: { carrier: 'UPS', tracking: 'Z' },
        }),
      },
      {
        method: 'POST',
        ok: 201,
        idempotent: true,
        prepare: async () => ({ client: buyer, path: `/api/orders/${(await shipped()).id}/dispute`, body: { reason: 'Never arrived' } }),
      },
      {
        method: 'POST',
        ok: 200,
        idempotent: true,
        prepare: async () => {
          const order = await shipped();
          const dispute = await buyer.post(`/api/orders/${order.id}/dispute`, { reason: 'Arrived broken' }, idem());
          expect(dispute.status, dispute.text).toBe(201);
          return {
            client: admin,
            path: `/api/disputes/${dispute.body.id as string}/resolve`,
            body: { resolution: 'refund_partial', refundMinor: 1 },
          };
        },
      },
      { method: 'POST', ok: 201, idempotent: true, prepare: fixed(payee!.client, '/api/payouts', { amountMinor: 1, currency: 'USD' }) },
      { method: 'POST', ok: 201, prepare: fixed(creator, '/api/streams', { title: 'Fuzz stream' }) },
      {
        method: 'POST',
        ok: 201,
        prepare: async () => {
          const order = await shipped();
          expect((await buyer.post(`/api/orders/${order.id}/confirm`, undefined, idem())).status).toBe(200);
          return {
            client: buyer,
            path: `/api/orders/${order.id}/reviews`,
            body: { orderItemId: order.items[0]!.id, rating: 5, text: 'ok' },
          };
        },
      },
    ];
    const failures: string[] = [];
    for (const route of routes) {
      const send = async (mutate: (body: Record<string, unknown>) => Record<string, unknown>) => {
        const { client, path, body } = await route.prepare();
        // A fresh Idempotency-Key each time: a replay of an earlier answer would not reach anything.
        const res = await client.request(route.method, path, mutate(body), route.idempotent ? idem() : {});
        return { path, body, res };
      };
      const base = await send((body) => body);
      expect(base.res.status, `${route.method} ${base.path} (unmutated) → ${base.res.text.slice(0, 300)}`).toBe(route.ok);
      for (const mutation of mutations(base.body)) {
        const { path, res } = await send(mutation.apply);
        if (res.status >= 500) failures.push(`${route.method} ${path} ${mutation.label} → ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('socket requests valid except for one field get an error ack, never internal_error', { timeout: 120_000 }, async () => {
    const listing = await createListing(api, { stock: 50, priceMinor: 1500, owner: 'creator@hawker.test' });
    const pin = { streamId, listingIds: [listing.id] };
    /** Pinned again before each purchase (a fuzzed pin:set may have cleared the pins), and no deal left running before a launch. */
    const requests: {
      socket: ClientSocket;
      event: keyof ClientToServerEvents;
      payload: Record<string, unknown>;
      before?: () => Promise<void>;
    }[] = [
      { socket: host, event: 'pin:set', payload: pin },
      {
        socket: viewer,
        event: 'purchase:create',
        payload: {
          streamId,
          listingId: listing.id,
          quantity: 1,
          unitPriceMinor: 1500,
          idempotencyKey: key(),
          paymentMethod: 'pm_card_visa',
        },
        before: async () => expect(await ack(host, 'pin:set', pin)).toMatchObject({ ok: true }),
      },
      {
        socket: host,
        event: 'deal:launch',
        payload: { streamId, listingId: listing.id, dealPriceMinor: 100, quantity: 1, perBuyerLimit: 1, durationSeconds: 5 },
        before: () => api.services.deals.endExpired(new Date(Date.now() + 3_600_000)).then(() => undefined),
      },
      { socket: viewer, event: 'chat:send', payload: { streamId, text: 'hello' } },
      { socket: viewer, event: 'room:join', payload: { streamId } },
    ];
    const failures: string[] = [];
    for (const { socket, event, payload, before } of requests) {
      const send = async (body: Record<string, unknown>) => {
        await before?.();
        // A fresh idempotency key unless it is the field under test: a replay would not reach anything.
        return ack(
          socket,
          event,
          'idempotencyKey' in payload && body.idempotencyKey === payload.idempotencyKey ? { ...body, idempotencyKey: key() } : body,
        );
      };
      expect(await send(payload), `${event} (unmutated)`).toMatchObject({ ok: true });
      for (const { label, apply } of mutations(payload)) {
        const answer = await send(apply(payload));
        if (!answer.ok && answer.error.code === 'internal_error') failures.push(`${event} ${label}`);
      }
    }
    await api.services.deals.endExpired(new Date(Date.now() + 3_600_000));
    expect(failures).toEqual([]);
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

  it('an unknown stream or deal on a purchase is a 4xx with its exact code, over the socket and REST', async () => {
    const unknown = '0190a0a0-0000-7000-8000-000000000000';
    const purchase = (body: Record<string, unknown>) =>
      ack(viewer, 'purchase:create', { streamId, quantity: 1, unitPriceMinor: 1, idempotencyKey: key(), ...body });
    // No one can be in the room of a stream that does not exist...
    expect(await ack(viewer, 'room:join', { streamId: unknown })).toMatchObject({ ok: false, error: { code: 'resource_missing' } });
    // ...so a purchase "in" it is refused as not from its room, before anything is looked up or reserved.
    expect(await purchase({ streamId: unknown, listingId: unknown })).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    // An unknown deal in a stream the buyer is in is a 404.
    expect(await purchase({ dealId: unknown })).toMatchObject({ ok: false, error: { code: 'resource_missing' } });
    // REST orders take no stream at all: an unknown one is refused as an unknown field, not looked up.
    const listing = await createListing(api, { stock: 1, priceMinor: 900 });
    const rest = await buyer.post(
      '/api/orders',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 900 }], streamId: unknown },
      idem(),
    );
    expect({ status: rest.status, code: rest.body.error?.code, param: rest.body.error?.param }).toEqual({
      status: 400,
      code: 'unknown_parameter',
      param: undefined,
    });
    expect(await api.services.db.prisma.order.count({ where: { items: { some: { listingId: listing.id } } } })).toBe(0);
  });
});
