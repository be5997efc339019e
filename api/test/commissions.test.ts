import type { AckResponse, ClientToServerEvents, PurchaseResult, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, goLive, key } from '../../test/support/fixtures.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../src/server.js';

/**
 * Commissions (issue 10): attribution decided by the server, the three-way
 * split at release, pro-rata commissions after a partial refund, refunds
 * after release clawed back from creator earnings, creator payouts, and
 * refunds that reach (or are refused by) the payment provider.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let api: RunningApi;
let seller: HttpClient;
let admin: HttpClient;
let creator: { id: string; client: HttpClient };
let streamId: string;
let listing: { id: string; priceMinor: number };
const sockets: ClientSocket[] = [];

const idem = () => ({ 'idempotency-key': key() });
const balance = async (code: string) => Number((await api.services.db.prisma.ledgerAccount.findUnique({ where: { code } }))?.balance ?? 0n);
const sellerId = async () => (await api.services.db.prisma.user.findUniqueOrThrow({ where: { email: 'seller@hawker.test' } })).id;

async function open(cookie: string, join = true): Promise<ClientSocket> {
  const s: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  if (join) await s.timeout(5000).emitWithAck('room:join', { streamId });
  return s;
}
const lineOf = (orderId: string) => api.services.db.prisma.orderItem.findFirstOrThrow({ where: { orderId } });

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  seller = new HttpClient(api.url);
  await seller.login('seller@hawker.test');
  admin = new HttpClient(api.url);
  await admin.login('admin@hawker.test');
  const [c] = await createBuyers(api, 1, 'affiliate-creator');
  await c!.client.post('/api/creator', { handle: `aff_${Date.now().toString(36)}`, displayName: 'Affiliate Ava', acceptTerms: true });
  creator = { id: c!.id, client: c!.client };
  // Sam's shop offers this listing to creators at 10 %.
  const l = await createListing(api, { stock: 50, priceMinor: 5000 });
  expect((await seller.request('PATCH', `/api/listings/${l.id}`, { affiliateRateBps: 1000 })).status).toBe(200);
  listing = l;
  streamId = (await creator.client.post('/api/streams', { title: 'Gadgets I love' })).body.id as string;
  await goLive(api, streamId);
  const host = await open(creator.client.cookieHeader);
  expect(await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [l.id] })).toMatchObject({ ok: true });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  expect(await checkLedger(api.services.db.prisma)).toEqual([]);
  await api.close();
});

describe('attribution', () => {
  it('in the room: attributed; after leaving the room, within 30 minutes: attributed; elsewhere: not', async () => {
    const [inRoom, afterRoom, stranger] = await createBuyers(api, 3, 'attribution');
    const socket = await open(inRoom!.client.cookieHeader);
    const bought = (await socket.timeout(20_000).emitWithAck('purchase:create', {
      streamId,
      listingId: listing.id,
      quantity: 1,
      unitPriceMinor: 5000,
      idempotencyKey: key(),
    })) as AckResponse<PurchaseResult>;
    if (!bought.ok) throw new Error(bought.error.message);
    expect(await lineOf(bought.data.orderId)).toMatchObject({ attributedStreamId: streamId, creatorId: creator.id, commissionBps: 1000 });

    const visitor = await open(afterRoom!.client.cookieHeader);
    visitor.disconnect();
    await new Promise((r) => setTimeout(r, 1500)); // room visits are written once a second
    const later = await afterRoom!.client.post(
      '/api/orders',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 5000 }] },
      idem(),
    );
    expect(await lineOf(later.body.orders[0].id as string)).toMatchObject({
      attributedStreamId: streamId,
      creatorId: creator.id,
      commissionBps: 1000,
    });

    const elsewhere = await stranger!.client.post(
      '/api/orders',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 5000 }] },
      idem(),
    );
    expect(await lineOf(elsewhere.body.orders[0].id as string)).toMatchObject({
      attributedStreamId: null,
      creatorId: null,
      commissionBps: 0,
    });

    // Thirty minutes later the room no longer counts.
    await api.services.db.prisma.roomVisit.update({
      where: { userId: afterRoom!.id },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    const tooLate = await afterRoom!.client.post(
      '/api/orders',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: 5000 }] },
      idem(),
    );
    expect((await lineOf(tooLate.body.orders[0].id as string)).creatorId).toBeNull();
  });
});

describe('the split at release', () => {
  async function attributedOrder(paymentMethod = 'pm_card_visa') {
    const [buyer] = await createBuyers(api, 1, 'split');
    const s = await open(buyer!.client.cookieHeader);
    const ack = (await s.timeout(20_000).emitWithAck('purchase:create', {
      streamId,
      listingId: listing.id,
      quantity: 1,
      unitPriceMinor: 5000,
      idempotencyKey: key(),
      paymentMethod,
    })) as AckResponse<PurchaseResult>;
    if (!ack.ok) throw new Error(ack.error.message);
    return { buyer: buyer!, orderId: ack.data.orderId };
  }

  it('pays the seller the price minus the commission and the creator the commission, in one transfer', async () => {
    const { buyer, orderId } = await attributedOrder();
    const [sellerBefore, creatorBefore] = [
      await balance(`seller_available:${await sellerId()}:USD`),
      await balance(`creator_earnings:${creator.id}:USD`),
    ];
    await seller.post(`/api/orders/${orderId}/ship`, { carrier: 'UPS', tracking: 'C1' }, idem());
    expect((await buyer.client.post(`/api/orders/${orderId}/confirm`, undefined, idem())).status).toBe(200);
    expect(await balance(`seller_available:${await sellerId()}:USD`)).toBe(sellerBefore + 4500);
    expect(await balance(`creator_earnings:${creator.id}:USD`)).toBe(creatorBefore + 500);
    expect(await api.services.db.prisma.ledgerTransfer.count({ where: { orderId, kind: 'escrow_release' } })).toBe(1);
    const earnings = await creator.client.get('/api/earnings');
    expect(earnings.body.balances[0]).toMatchObject({ currency: 'USD', availableMinor: creatorBefore + 500 });
    expect(earnings.body.shows[0]).toMatchObject({ streamId, earnedMinor: expect.any(Number) });
  });

  it('a partial refund before release pays a pro-rata commission on the rest', async () => {
    const { buyer, orderId } = await attributedOrder();
    const creatorBefore = await balance(`creator_earnings:${creator.id}:USD`);
    const dispute = await buyer.client.post(`/api/orders/${orderId}/dispute`, { reason: 'One part missing' }, idem());
    const resolved = await admin.post(
      `/api/disputes/${dispute.body.id as string}/resolve`,
      { resolution: 'refund_partial', refundMinor: 2000 },
      idem(),
    );
    expect(resolved.status).toBe(200);
    // 10 % of the 3000 released.
    expect(await balance(`creator_earnings:${creator.id}:USD`)).toBe(creatorBefore + 300);
    const refund = await api.services.db.prisma.refund.findFirstOrThrow({ where: { orderId } });
    expect(refund).toMatchObject({ amountMinor: 2000, status: 'succeeded', providerRef: expect.stringMatching(/^sb_re_/) });
  });

  it('a refund after release claws the commission back from creator earnings, even below zero', async () => {
    const { buyer, orderId } = await attributedOrder();
    await seller.post(`/api/orders/${orderId}/ship`, { carrier: 'UPS', tracking: 'C2' }, idem());
    await buyer.client.post(`/api/orders/${orderId}/confirm`, undefined, idem());
    // The creator cashes everything out first.
    const available = await balance(`creator_earnings:${creator.id}:USD`);
    const paid = await creator.client.post('/api/payouts', { amountMinor: available, currency: 'USD', source: 'creator' }, idem());
    expect(paid.status).toBe(201);
    expect((await creator.client.post('/api/payouts', { amountMinor: 1, currency: 'USD', source: 'creator' }, idem())).status).toBe(409);
    const sellerBefore = await balance(`seller_available:${await sellerId()}:USD`);
    const dispute = await buyer.client.post(`/api/orders/${orderId}/dispute`, { reason: 'Stopped working' }, idem());
    expect(dispute.status).toBe(201);
    const resolved = await admin.post(`/api/disputes/${dispute.body.id as string}/resolve`, { resolution: 'refund_full' }, idem());
    expect(resolved.status).toBe(200);
    expect(await balance(`creator_earnings:${creator.id}:USD`)).toBe(-500);
    expect(await balance(`seller_available:${await sellerId()}:USD`)).toBe(sellerBefore - 4500);
    expect(await api.services.db.prisma.refund.findFirstOrThrow({ where: { orderId } })).toMatchObject({
      amountMinor: 5000,
      afterRelease: true,
      status: 'succeeded',
    });
    // Recovered from later earnings: the next commission first fills the hole.
    const next = await attributedOrder();
    await seller.post(`/api/orders/${next.orderId}/ship`, { carrier: 'UPS', tracking: 'C3' }, idem());
    await next.buyer.client.post(`/api/orders/${next.orderId}/confirm`, undefined, idem());
    expect(await balance(`creator_earnings:${creator.id}:USD`)).toBe(0);
  });

  it('a refund the provider refuses is not booked as done: it waits in clearing and the buyer is not credited', async () => {
    const { buyer, orderId } = await attributedOrder('pm_card_refundRefused');
    const funding = `buyer_funding:${buyer.id}:USD`;
    const before = await balance(funding);
    expect((await buyer.client.post(`/api/orders/${orderId}/cancel`, undefined, idem())).status).toBe(200);
    expect(await api.services.db.prisma.refund.findFirstOrThrow({ where: { orderId } })).toMatchObject({
      status: 'failed',
      providerRef: null,
    });
    expect(await balance(funding)).toBe(before);
    expect(await balance('refunds_clearing:USD')).toBeGreaterThanOrEqual(5000);
  });
});
