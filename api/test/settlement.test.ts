import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createListing, key } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
let buyer: HttpClient;
let seller: HttpClient;
let admin: HttpClient;
let sellerId: string;

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  [buyer, seller, admin] = [new HttpClient(api.url), new HttpClient(api.url), new HttpClient(api.url)];
  await buyer.login('buyer@hawker.test');
  sellerId = (await seller.login('seller@hawker.test')).user.id;
  await admin.login('admin@hawker.test');
});
afterAll(async () => {
  expect((await admin.get('/api/admin/ledger/check')).body).toEqual({ ok: true, problems: [] });
  await api.close();
});

const idem = () => ({ 'idempotency-key': key() });
async function paidOrder(priceMinor: number, ship = false): Promise<string> {
  const listing = await createListing(api, { stock: 1, priceMinor });
  const res = await buyer.post(
    '/api/orders',
    { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] },
    idem(),
  );
  const id = res.body.orders[0].id as string;
  if (ship) await seller.post(`/api/orders/${id}/ship`, { carrier: 'UPS', tracking: 'T' }, idem());
  return id;
}

describe('disputes', () => {
  it('buyer disputes, seller responds, admin refunds part; the rest goes to the seller', async () => {
    const orderId = await paidOrder(5000, true);
    expect((await seller.post(`/api/orders/${orderId}/dispute`, { reason: 'not mine' }, idem())).status).toBe(409);
    const opened = await buyer.post(`/api/orders/${orderId}/dispute`, { reason: 'Arrived broken' }, idem());
    expect(opened.status).toBe(201);
    expect((await buyer.get(`/api/orders/${orderId}`)).body.status).toBe('disputed');
    // A disputed order is not auto-released.
    expect(await api.services.orders.releaseDue(new Date(Date.now() + 30 * 86_400_000))).not.toContain(orderId);
    const disputeId = opened.body.id as string;
    expect((await buyer.post(`/api/disputes/${disputeId}/respond`, { response: 'hm' })).status).toBe(403);
    expect((await seller.post(`/api/disputes/${disputeId}/respond`, { response: 'Packed with care' })).body.status).toBe(
      'seller_responded',
    );
    expect((await seller.post(`/api/disputes/${disputeId}/resolve`, { resolution: 'release' }, idem())).status).toBe(403);
    const tooMuch = await admin.post(`/api/disputes/${disputeId}/resolve`, { resolution: 'refund_partial', refundMinor: 9000 }, idem());
    expect(tooMuch.body.error.code).toBe('refund_too_large');
    const before =
      (await seller.get('/api/wallet')).body.balances.find((b: { currency: string }) => b.currency === 'USD')?.availableMinor ?? 0;
    const resolved = await admin.post(`/api/disputes/${disputeId}/resolve`, { resolution: 'refund_partial', refundMinor: 2000 }, idem());
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'refund_partial', refundMinor: 2000 });
    const order = (await buyer.get(`/api/orders/${orderId}`)).body;
    expect(order).toMatchObject({ status: 'completed', escrow: { status: 'partially_refunded', heldMinor: 0 } });
    const after = (await seller.get('/api/wallet')).body.balances.find((b: { currency: string }) => b.currency === 'USD').availableMinor;
    expect(after - before).toBe(3000);
    expect((await admin.post(`/api/disputes/${disputeId}/resolve`, { resolution: 'release' }, idem())).status).toBe(409);
  });

  it('a full refund returns everything to the buyer', async () => {
    const orderId = await paidOrder(1200);
    const { body } = await buyer.post(`/api/orders/${orderId}/dispute`, { reason: 'Never shipped' }, idem());
    const list = await admin.get('/api/disputes?status=open');
    expect(list.body.data.map((d: { id: string }) => d.id)).toContain(body.id);
    await admin.post(`/api/disputes/${body.id as string}/resolve`, { resolution: 'refund_full' }, idem());
    expect((await buyer.get(`/api/orders/${orderId}`)).body).toMatchObject({ status: 'refunded', escrow: { status: 'refunded' } });
    const buyerId = (await buyer.get('/api/me')).body.user.id as string;
    const refunds = await api.services.db.prisma.refund.findMany({ where: { orderId } });
    expect(refunds).toEqual([expect.objectContaining({ amountMinor: 1200, status: 'succeeded' })]);
    expect(buyerId).toBeTruthy();
  });

  it('validates resolution bodies', async () => {
    const orderId = await paidOrder(900);
    const { body } = await buyer.post(`/api/orders/${orderId}/dispute`, { reason: 'Wrong colour' }, idem());
    const bad = await admin.post(`/api/disputes/${body.id as string}/resolve`, { resolution: 'refund_partial' }, idem());
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('refundMinor');
  });
});

describe('wallet and payouts', () => {
  it('shows escrow and available money, pays out at most what is available', async () => {
    const orderId = await paidOrder(10_000, true);
    const wallet = (await seller.get('/api/wallet')).body;
    expect(wallet.balances.find((b: { currency: string }) => b.currency === 'USD').inEscrowMinor).toBeGreaterThanOrEqual(10_000);
    await buyer.post(`/api/orders/${orderId}/confirm`, undefined, idem());
    const available = (await seller.get('/api/wallet')).body.balances.find((b: { currency: string }) => b.currency === 'USD')
      .availableMinor as number;
    expect(available).toBeGreaterThanOrEqual(10_000);
    const over = await seller.post('/api/payouts', { amountMinor: available + 1, currency: 'USD' }, idem());
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('insufficient_funds');
    const k = idem();
    const paid = await seller.post('/api/payouts', { amountMinor: available, currency: 'USD' }, k);
    expect(paid.status).toBe(201);
    expect(paid.body.balances.find((b: { currency: string }) => b.currency === 'USD').availableMinor).toBe(0);
    expect(paid.body.payouts[0]).toMatchObject({ amountMinor: available, status: 'paid' });
    // Retrying the same payout request replays it instead of paying twice.
    const again = await seller.post('/api/payouts', { amountMinor: available, currency: 'USD' }, k);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await api.services.db.prisma.payout.count({ where: { sellerId, amountMinor: available } })).toBe(1);
    expect((await buyer.post('/api/payouts', { amountMinor: 1, currency: 'USD' }, idem())).status).toBe(403);
  });
});
