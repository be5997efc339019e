import type { AckResponse, ClientToServerEvents, PurchaseResult, ServerToClientEvents } from '@hawker/shared';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, goLive, key } from '../../test/support/fixtures.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../src/server.js';

/**
 * Money paths (security findings 4, 5, 13 and 16): the buyer is charged the
 * price they saw or nothing; a sale counts for a stream only when it was made
 * in that live stream's room; a flash deal is below the list price; cancel,
 * ship and dispute cannot overwrite each other.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let api: RunningApi;
let creator: HttpClient;
let seller: HttpClient;
let buyer: HttpClient;
let streamId: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  creator = new HttpClient(api.url);
  await creator.login('creator@hawker.test');
  seller = new HttpClient(api.url);
  await seller.login('seller@hawker.test');
  buyer = new HttpClient(api.url);
  await buyer.login('buyer@hawker.test');
  streamId = (await creator.post('/api/streams', { title: 'Money show' })).body.id as string;
  await goLive(api, streamId);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  expect(await checkLedger(api.services.db.prisma)).toEqual([]);
  await api.close();
});

async function open(cookie: string, joinStream: string | null = streamId): Promise<ClientSocket> {
  const s: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  if (joinStream) await s.timeout(5000).emitWithAck('room:join', { streamId: joinStream });
  return s;
}
const idem = () => ({ 'idempotency-key': key() });
const buyInRoom = (s: ClientSocket, body: { listingId?: string; dealId?: string; unitPriceMinor: number }, stream = streamId) =>
  s.timeout(20_000).emitWithAck('purchase:create', { streamId: stream, quantity: 1, idempotencyKey: key(), ...body }) as Promise<
    AckResponse<PurchaseResult>
  >;
const ordersOf = (listingId: string) => api.services.db.prisma.order.count({ where: { items: { some: { listingId } } } });
const paymentsTotal = () => api.services.db.prisma.payment.count();

describe('the buyer is charged the price they saw', () => {
  it('buy-now at a price the seller has since raised is 409 price_changed with the new price; nothing is charged or taken', async () => {
    const listing = await createListing(api, { stock: 3, priceMinor: 4499 });
    expect((await seller.request('PATCH', `/api/listings/${listing.id}`, { priceMinor: 224_950 })).status).toBe(200);
    const payments = await paymentsTotal();
    const stale = await buyer.post('/api/orders', { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 4499 }] }, idem());
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'price_changed',
      prices: [{ listingId: listing.id, unitPriceMinor: 224_950, currency: 'USD' }],
    });
    expect(await ordersOf(listing.id)).toBe(0);
    expect(await paymentsTotal()).toBe(payments);
    expect((await api.services.db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).stock).toBe(3);
    // Confirmed at the new price, it goes through at that price.
    const confirmed = await buyer.post('/api/orders', { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 224_950 }] }, idem());
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.orders[0].totalMinor).toBe(224_950);
  });

  it('a cart whose price or lines changed since it was shown is refused (409) and left as it is', async () => {
    const listing = await createListing(api, { stock: 2, priceMinor: 1000 });
    const [shopper] = await createBuyers(api, 1, 'cart');
    await shopper!.client.request('PUT', '/api/cart/items', { listingId: listing.id, quantity: 2 });
    const seen = [{ listingId: listing.id, quantity: 2, unitPriceMinor: 1000 }];
    await seller.request('PATCH', `/api/listings/${listing.id}`, { priceMinor: 1900 });
    const stale = await shopper!.client.post('/api/cart/checkout', { items: seen }, idem());
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'price_changed', prices: [{ listingId: listing.id, unitPriceMinor: 1900 }] });
    expect((await shopper!.client.get('/api/cart')).body.items).toHaveLength(1);
    expect(await ordersOf(listing.id)).toBe(0);
    const otherLines = await shopper!.client.post(
      '/api/cart/checkout',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1900 }] },
      idem(),
    );
    expect(otherLines.body.error.code).toBe('cart_changed');
    const ok = await shopper!.client.post('/api/cart/checkout', { items: [{ ...seen[0]!, unitPriceMinor: 1900 }] }, idem());
    expect(ok.status).toBe(201);
    expect(ok.body.orders[0].totalMinor).toBe(3800);
  });

  it('editing a pinned listing updates every viewer (pin:changed), and a Buy at the old price is refused', async () => {
    const listing = await createListing(api, { stock: 5, priceMinor: 4499, owner: 'creator@hawker.test' });
    const host = await open(creator.cookieHeader);
    expect((await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [listing.id] })).ok).toBe(true);
    const [viewer] = await createBuyers(api, 1, 'watcher');
    const socket = await open(viewer!.client.cookieHeader);
    const changed = new Promise<unknown>((resolve) => socket.once('pin:changed', resolve));
    await creator.request('PATCH', `/api/listings/${listing.id}`, { priceMinor: 224_950 });
    expect(await changed).toMatchObject({ streamId, pins: [expect.objectContaining({ listingId: listing.id, priceMinor: 224_950 })] });
    const stale = await buyInRoom(socket, { listingId: listing.id, unitPriceMinor: 4499 });
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'price_changed', prices: [{ listingId: listing.id, unitPriceMinor: 224_950 }] },
    });
    expect(await ordersOf(listing.id)).toBe(0);
    expect(await buyInRoom(socket, { listingId: listing.id, unitPriceMinor: 224_950 })).toMatchObject({
      ok: true,
      data: { totalMinor: 224_950 },
    });
    expect((await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [] })).ok).toBe(true);
  });

  it('a deal press at another price than the deal price is refused before it takes a unit', async () => {
    const listing = await createListing(api, { stock: 2, priceMinor: 3000, owner: 'creator@hawker.test' });
    const host = await open(creator.cookieHeader);
    const deal = await host.timeout(5000).emitWithAck('deal:launch', {
      streamId,
      listingId: listing.id,
      dealPriceMinor: 1500,
      quantity: 2,
      perBuyerLimit: 1,
      durationSeconds: 60,
    });
    if (!deal.ok) throw new Error(deal.error.message);
    const [viewer] = await createBuyers(api, 1, 'dealer');
    const socket = await open(viewer!.client.cookieHeader);
    expect(await buyInRoom(socket, { dealId: deal.data.id, unitPriceMinor: 1 })).toMatchObject({
      ok: false,
      error: { code: 'price_changed', prices: [{ unitPriceMinor: 1500 }] },
    });
    expect((await buyInRoom(socket, { dealId: deal.data.id, unitPriceMinor: 1500 })).ok).toBe(true);
    await api.services.deals.endExpired(new Date(Date.now() + 3_600_000));
  });
});

describe('a sale counts for a stream only when it was made in its live room', () => {
  it('POST /orders takes no streamId (400 unknown field)', async () => {
    const listing = await createListing(api, { stock: 1 });
    const res = await buyer.post(
      '/api/orders',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1500 }], streamId },
      idem(),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'unknown_parameter' });
  });

  it("refuses another shop's unpinned listing, a connection that never joined the room, and an ended stream", async () => {
    const others = await createListing(api, { stock: 3, priceMinor: 2000 }); // Sam's shop, not pinned in Mia's show
    const [viewer] = await createBuyers(api, 1, 'forger');
    const inRoom = await open(viewer!.client.cookieHeader);
    expect(await buyInRoom(inRoom, { listingId: others.id, unitPriceMinor: 2000 })).toMatchObject({
      ok: false,
      error: { code: 'not_pinned' },
    });
    const pinned = await createListing(api, { stock: 3, priceMinor: 2500, owner: 'creator@hawker.test' });
    const host = await open(creator.cookieHeader);
    await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [pinned.id] });
    const outside = await open(viewer!.client.cookieHeader, null);
    expect(await buyInRoom(outside, { listingId: pinned.id, unitPriceMinor: 2500 })).toMatchObject({
      ok: false,
      error: { code: 'not_in_room' },
    });
    // Bought in the room: attributed, and counted in the stream's sales.
    const before = (await creator.get(`/api/streams/${streamId}/sales`)).body.orders as number;
    const bought = await buyInRoom(inRoom, { listingId: pinned.id, unitPriceMinor: 2500 });
    if (!bought.ok) throw new Error(bought.error.message);
    expect((await api.services.db.prisma.order.findUniqueOrThrow({ where: { id: bought.data.orderId } })).streamId).toBe(streamId);
    expect((await creator.get(`/api/streams/${streamId}/sales`)).body.orders).toBe(before + 1);
    // The show ends: nothing more is bought "in" it.
    const ended = (await creator.post('/api/streams', { title: 'Over already' })).body.id as string;
    await goLive(api, ended);
    await host.timeout(5000).emitWithAck('pin:set', { streamId: ended, listingIds: [pinned.id] });
    const late = await open(viewer!.client.cookieHeader, ended);
    await creator.post(`/api/streams/${ended}/end`);
    expect(await buyInRoom(late, { listingId: pinned.id, unitPriceMinor: 2500 }, ended)).toMatchObject({
      ok: false,
      error: { code: 'stream_not_live' },
    });
    expect(await api.services.db.prisma.order.count({ where: { streamId: ended } })).toBe(0);
    expect(await ordersOf(others.id)).toBe(0);
  });
});

describe('flash deal price', () => {
  it('must be below the list price (400), and nothing moves out of stock', async () => {
    const listing = await createListing(api, { stock: 4, priceMinor: 4499, owner: 'creator@hawker.test' });
    const host = await open(creator.cookieHeader);
    for (const dealPriceMinor of [4499, 224_950]) {
      const refused = await host.timeout(5000).emitWithAck('deal:launch', {
        streamId,
        listingId: listing.id,
        dealPriceMinor,
        quantity: 2,
        perBuyerLimit: 1,
        durationSeconds: 60,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'deal_price_not_below_list' } });
    }
    expect((await api.services.db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).stock).toBe(4);
  });
});

describe('cancel, ship and dispute races on PostgreSQL', () => {
  /**
   * Holds the order's row lock while `request` runs into it, then commits
   * `concurrent` first. It waits until the request is blocked on that very row
   * (a backend holding a tuple lock on it and waiting for this transaction),
   * and fails if the request never gets there: then there was no race.
   */
  async function race(orderId: string, request: () => Promise<{ status: number; body: unknown }>, concurrent: string) {
    const other = new pg.Client({ connectionString: inject('databaseUrl') });
    await other.connect();
    try {
      await other.query('BEGIN');
      const { rows: locked } = await other.query<{ page: number; tuple: number }>(
        `SELECT (ctid::text::point)[0]::int AS page, (ctid::text::point)[1]::int AS tuple FROM orders WHERE id = $1 FOR UPDATE`,
        [orderId],
      );
      const answer = request();
      let blocked = false;
      for (let i = 0; i < 400 && !blocked; i++) {
        const { rows } = await other.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks l
            WHERE l.locktype = 'tuple' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.relation = 'orders'::regclass AND l.page = $1 AND l.tuple = $2
              AND pg_backend_pid() = ANY (pg_blocking_pids(l.pid))`,
          [locked[0]!.page, locked[0]!.tuple],
        );
        blocked = rows[0]!.n > 0;
        if (!blocked) await new Promise((r) => setTimeout(r, 25));
      }
      if (!blocked) {
        await other.query('ROLLBACK');
        throw new Error(`the request never waited on order ${orderId}'s row lock: ${JSON.stringify(await answer)}`);
      }
      await other.query(concurrent, [orderId]);
      await other.query('COMMIT');
      return await answer;
    } finally {
      await other.end();
    }
  }

  const newOrder = async () => {
    const listing = await createListing(api, { stock: 2, priceMinor: 1200 });
    const res = await buyer.post('/api/orders', { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 1200 }] }, idem());
    return res.body.orders[0].id as string;
  };

  it('a ship that commits while a cancel is under way wins; the cancel is 409 and refunds nothing', async () => {
    const orderId = await newOrder();
    const cancel = await race(
      orderId,
      () => buyer.post(`/api/orders/${orderId}/cancel`, undefined, idem()),
      `UPDATE orders SET status = 'shipped', "shippedAt" = now(), "autoReleaseAt" = now() + interval '10 days' WHERE id = $1`,
    );
    expect(cancel.status).toBe(409);
    const order = await api.services.db.prisma.order.findUniqueOrThrow({
      where: { id: orderId },
      include: { escrow: true, refunds: true },
    });
    expect({ status: order.status, escrow: order.escrow?.status, refunds: order.refunds.length }).toEqual({
      status: 'shipped',
      escrow: 'held',
      refunds: 0,
    });
  });

  it('a dispute that commits while a ship is under way wins; the ship is 409', async () => {
    const orderId = await newOrder();
    const ship = await race(
      orderId,
      () => seller.post(`/api/orders/${orderId}/ship`, { carrier: 'UPS', tracking: 'RACE1' }, idem()),
      `UPDATE orders SET status = 'disputed' WHERE id = $1`,
    );
    expect(ship.status).toBe(409);
    const order = await api.services.db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, include: { shipment: true } });
    expect({ status: order.status, shipment: order.shipment }).toEqual({ status: 'disputed', shipment: null });
  });

  it('a dispute that commits while a cancel is under way wins; the cancel is 409 and refunds nothing', async () => {
    const orderId = await newOrder();
    const listingId = (await api.services.db.prisma.orderItem.findFirstOrThrow({ where: { orderId } })).listingId;
    const refundTransfers = () => api.services.db.prisma.ledgerTransfer.count({ where: { orderId, kind: 'refund' } });
    const cancel = await race(
      orderId,
      () => buyer.post(`/api/orders/${orderId}/cancel`, undefined, idem()),
      // What opening a dispute commits (settlement.repository openDispute): the order disputed, the dispute row.
      `WITH o AS (UPDATE orders SET status = 'disputed', "updatedAt" = now() WHERE id = $1 AND status = 'paid'
                  RETURNING id, "buyerId", "streamOffsetMs")
       INSERT INTO disputes (id, "orderId", "openedById", reason, "streamOffsetMs")
       SELECT gen_random_uuid(), id, "buyerId", 'Never arrived', "streamOffsetMs" FROM o`,
    );
    expect(cancel.status).toBe(409);
    expect(cancel.body).toMatchObject({ error: { code: 'invalid_order_state' } });
    const order = await api.services.db.prisma.order.findUniqueOrThrow({
      where: { id: orderId },
      include: { escrow: true, refunds: true, disputes: true },
    });
    expect({
      status: order.status,
      cancelledAt: order.cancelledAt,
      escrow: order.escrow?.status,
      refundedMinor: order.escrow?.refundedMinor,
      refunds: order.refunds.length,
      disputes: order.disputes.map((d) => d.status),
    }).toEqual({ status: 'disputed', cancelledAt: null, escrow: 'held', refundedMinor: 0, refunds: 0, disputes: ['open'] });
    // No refund posted, the unit not put back on sale, and the books still balance with the escrow held.
    expect(await refundTransfers()).toBe(0);
    expect((await api.services.db.prisma.listing.findUniqueOrThrow({ where: { id: listingId } })).stock).toBe(1);
    expect(await checkLedger(api.services.db.prisma)).toEqual([]);
  });
});
