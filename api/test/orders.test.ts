import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, key } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
let buyer: HttpClient;
let seller: HttpClient;
let admin: HttpClient;

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  buyer = new HttpClient(api.url);
  await buyer.login('buyer@hawker.test');
  seller = new HttpClient(api.url);
  await seller.login('seller@hawker.test');
  admin = new HttpClient(api.url);
  await admin.login('admin@hawker.test');
});
afterAll(async () => {
  const check = await admin.get('/api/admin/ledger/check');
  expect(check.body).toEqual({ ok: true, problems: [] });
  await api.close();
});

const buy = (client: HttpClient, body: unknown, idem = key()) => client.post('/api/orders', body, { 'idempotency-key': idem });
const stockOf = async (id: string) => (await api.services.db.prisma.listing.findUniqueOrThrow({ where: { id } })).stock;
const balance = async (code: string) => (await api.services.db.prisma.ledgerAccount.findUnique({ where: { code } }))?.balance ?? 0n;

describe('checkout and escrow', () => {
  it('buys now: stock taken, order paid, money held in escrow', async () => {
    const listing = await createListing(api, { stock: 5, priceMinor: 1299 });
    const res = await buy(buyer, { items: [{ listingId: listing.id, quantity: 2, unitPriceMinor: listing.priceMinor }] });
    expect(res.status).toBe(201);
    const [order] = res.body.orders;
    expect(order).toMatchObject({ status: 'paid', totalMinor: 2598, currency: 'USD', escrow: { status: 'held', heldMinor: 2598 } });
    expect(order.items).toEqual([expect.objectContaining({ listingId: listing.id, quantity: 2, unitPriceMinor: 1299 })]);
    expect(await stockOf(listing.id)).toBe(3);
    expect(await balance(`escrow:order:${order.id}:USD`)).toBe(2598n);
  });

  it('splits a multi-shop checkout into one order per shop', async () => {
    const a = await createListing(api, { stock: 3, priceMinor: 1000 });
    const b = await createListing(api, { stock: 3, priceMinor: 500, owner: 'creator@hawker.test' });
    const res = await buy(buyer, {
      items: [
        { listingId: a.id, quantity: 1, unitPriceMinor: a.priceMinor },
        { listingId: b.id, quantity: 2, unitPriceMinor: b.priceMinor },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.orders).toHaveLength(2);
    expect(res.body.orders.map((o: { totalMinor: number }) => o.totalMinor).sort()).toEqual([1000, 1000]);
    // The capture paid each order, booked one capture transfer per order and held each total in its own escrow.
    const prisma = api.services.db.prisma;
    for (const o of res.body.orders as { id: string }[]) {
      expect(await balance(`escrow:order:${o.id}:USD`)).toBe(1000n);
      expect(await prisma.escrowHold.findMany({ where: { orderId: o.id }, select: { amountMinor: true, status: true } })).toEqual([
        { amountMinor: 1000, status: 'held' },
      ]);
      expect(await prisma.ledgerTransfer.count({ where: { orderId: o.id, kind: 'payment_capture' } })).toBe(1);
    }
    const payment = await prisma.payment.findFirstOrThrow({ where: { checkoutId: res.body.checkoutId } });
    expect(payment).toMatchObject({ status: 'succeeded', amountMinor: 2000, providerRef: expect.any(String) });
  });

  it('requires an Idempotency-Key, replays the first response, and rejects reuse with another body', async () => {
    const listing = await createListing(api, { stock: 5 });
    const body = { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] };
    const missing = await buyer.post('/api/orders', body);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('idempotency_key_required');
    const k = key();
    const first = await buy(buyer, body, k);
    const again = await buy(buyer, body, k);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await stockOf(listing.id)).toBe(4);
    const other = await buy(buyer, { items: [{ listingId: listing.id, quantity: 2, unitPriceMinor: listing.priceMinor }] }, k);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    // Keys are scoped to the user: the same key from someone else is a new request.
    const [someoneElse] = await createBuyers(api, 1);
    expect((await buy(someoneElse!.client, body, k)).status).toBe(201);
  });

  it('declines a card with 402, cancels and restocks; the retry replays the decline', async () => {
    const listing = await createListing(api, { stock: 2 });
    const k = key();
    const body = {
      items: [{ listingId: listing.id, quantity: 2, unitPriceMinor: listing.priceMinor }],
      paymentMethod: 'pm_card_chargeDeclined',
    };
    const res = await buy(buyer, body, k);
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ code: 'card_declined', param: 'paymentMethod' });
    expect(await stockOf(listing.id)).toBe(2);
    const orders = await api.services.db.prisma.order.findMany({ where: { items: { some: { listingId: listing.id } } } });
    expect(orders.map((o) => o.status)).toEqual(['cancelled']);
    const replay = await buy(buyer, body, k);
    expect(replay.status).toBe(402);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses out-of-stock, unknown and own listings', async () => {
    const listing = await createListing(api, { stock: 1 });
    expect(
      (await buy(buyer, { items: [{ listingId: listing.id, quantity: 2, unitPriceMinor: listing.priceMinor }] })).body.error.code,
    ).toBe('out_of_stock');
    expect(
      (await buy(buyer, { items: [{ listingId: '0190a0a0-0000-7000-8000-000000000000', quantity: 1, unitPriceMinor: 100 }] })).status,
    ).toBe(404);
    const own = await buy(seller, { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] });
    expect(own.status).toBe(400);
    expect(own.body.error.code).toBe('own_listing');
    expect((await buy(buyer, { items: [{ listingId: listing.id, quantity: 0, unitPriceMinor: listing.priceMinor }] })).status).toBe(400);
    expect(await stockOf(listing.id)).toBe(1);
  });

  it('ship → confirm releases escrow to the seller; only the right party may act', async () => {
    const listing = await createListing(api, { stock: 1, priceMinor: 4000 });
    const { body } = await buy(buyer, { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] });
    const id = body.orders[0].id as string;
    const sellerId = (await api.services.db.prisma.user.findUniqueOrThrow({ where: { email: 'seller@hawker.test' } })).id;
    const before = await balance(`seller_available:${sellerId}:USD`);
    const shipBody = { carrier: 'UPS', tracking: '1Z999' };
    expect((await buyer.post(`/api/orders/${id}/ship`, shipBody, { 'idempotency-key': key() })).status).toBe(403);
    expect((await buyer.post(`/api/orders/${id}/confirm`, undefined, { 'idempotency-key': key() })).status).toBe(409);
    const shipped = await seller.post(`/api/orders/${id}/ship`, shipBody, { 'idempotency-key': key() });
    expect(shipped.body).toMatchObject({
      status: 'shipped',
      shipment: { carrier: 'UPS', tracking: '1Z999' },
      autoReleaseAt: expect.any(String),
    });
    expect((await seller.post(`/api/orders/${id}/confirm`, undefined, { 'idempotency-key': key() })).status).toBe(403);
    const confirmed = await buyer.post(`/api/orders/${id}/confirm`, undefined, { 'idempotency-key': key() });
    expect(confirmed.body).toMatchObject({ status: 'completed', escrow: { status: 'released', heldMinor: 0 } });
    expect((await balance(`seller_available:${sellerId}:USD`)) - before).toBe(4000n);
    expect(await balance(`escrow:order:${id}:USD`)).toBe(0n);
    const stranger = (await createBuyers(api, 1))[0]!.client;
    expect((await stranger.get(`/api/orders/${id}`)).status).toBe(404);
  });

  it('auto-releases shipped orders after the window, once, even with concurrent schedulers', async () => {
    const listing = await createListing(api, { stock: 1, priceMinor: 700 });
    const { body } = await buy(buyer, { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] });
    const id = body.orders[0].id as string;
    await seller.post(`/api/orders/${id}/ship`, { carrier: 'DHL', tracking: 'X1' }, { 'idempotency-key': key() });
    expect(await api.services.orders.releaseDue(new Date())).not.toContain(id);
    const later = new Date(Date.now() + 11 * 86_400_000);
    const runs = await Promise.all([
      api.services.orders.releaseDue(later),
      api.services.orders.releaseDue(later),
      api.services.orders.releaseDue(later),
    ]);
    expect(runs.flat().filter((o) => o === id)).toHaveLength(1);
    expect((await buyer.get(`/api/orders/${id}`)).body.status).toBe('completed');
  });

  it('cancels an unshipped order with a full refund and restock', async () => {
    const listing = await createListing(api, { stock: 3, priceMinor: 2500 });
    const { body } = await buy(buyer, { items: [{ listingId: listing.id, quantity: 3, unitPriceMinor: listing.priceMinor }] });
    const id = body.orders[0].id as string;
    const cancelled = await buyer.post(`/api/orders/${id}/cancel`, undefined, { 'idempotency-key': key() });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', escrow: { status: 'refunded', heldMinor: 0 } });
    expect(await stockOf(listing.id)).toBe(3);
    expect((await buyer.post(`/api/orders/${id}/cancel`, undefined, { 'idempotency-key': key() })).status).toBe(409);
  });

  it('200 concurrent buyers for 20 units sell exactly 20', { timeout: 120_000 }, async () => {
    const listing = await createListing(api, { stock: 20 });
    const buyers = await createBuyers(api, 200, 'rush');
    const results = await Promise.all(
      buyers.map((b) => buy(b.client, { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 409)).toHaveLength(180);
    expect(await stockOf(listing.id)).toBe(0);
    const paid = await api.services.db.prisma.orderItem.aggregate({
      where: { listingId: listing.id, order: { status: 'paid' } },
      _sum: { quantity: true },
    });
    expect(paid._sum.quantity).toBe(20);
  });

  it('the same idempotency key retried concurrently makes one order', async () => {
    const listing = await createListing(api, { stock: 10 });
    const k = key();
    const body = { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] };
    const results = await Promise.all(Array.from({ length: 10 }, () => buy(buyer, body, k)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.checkoutId as string)).size).toBe(1);
    expect(await stockOf(listing.id)).toBe(9);
  });

  it('the ledger self-check is admin-only', async () => {
    expect((await buyer.get('/api/admin/ledger/check')).status).toBe(403);
  });
});
