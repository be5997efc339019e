import type { AckResponse, ClientToServerEvents, DealView, PurchaseResult, ServerToClientEvents } from '@hawker/shared';
import { pressUntilPaid } from '../../test/support/deals.js';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, key } from '../../test/support/fixtures.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../src/server.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let api: RunningApi;
let streamId: string;
let host: ClientSocket;
const sockets: ClientSocket[] = [];

async function open(cookie = ''): Promise<ClientSocket> {
  const s: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  await s.timeout(5000).emitWithAck('room:join', { streamId });
  return s;
}
const next = <E extends keyof ServerToClientEvents>(s: ClientSocket, event: E) =>
  new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event}`)), 5000);
    s.once(event, ((p: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(t);
      resolve(p);
    }) as never);
  });
const buyers = async (n: number) =>
  Promise.all((await createBuyers(api, n, 'dealer')).map(async (b) => ({ id: b.id, socket: await open(b.client.cookieHeader) })));
const launch = (listingId: string, quantity: number, perBuyerLimit = 1): Promise<AckResponse<DealView>> =>
  host.timeout(5000).emitWithAck('deal:launch', { streamId, listingId, dealPriceMinor: 999, quantity, perBuyerLimit, durationSeconds: 60 });
/** A press as the buyer finally sees it: the reservation's payment followed on their channel. */
const purchase = (s: ClientSocket, dealId: string, quantity = 1, idempotencyKey = key()): Promise<AckResponse<PurchaseResult>> =>
  pressUntilPaid(s, { streamId, dealId, quantity, unitPriceMinor: 999, idempotencyKey });
async function endDeals() {
  await api.services.deals.endExpired(new Date(Date.now() + 3_600_000));
}

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  const creator = new HttpClient(api.url);
  await creator.login('creator@hawker.test');
  streamId = (await creator.post('/api/streams', { title: 'Deal show' })).body.id as string;
  await api.services.db.prisma.stream.update({
    where: { id: streamId },
    data: { status: 'live', startedAt: new Date(Date.now() - 60_000) },
  });
  host = await open(creator.cookieHeader);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  expect(await checkLedger(api.services.db.prisma)).toEqual([]);
  await api.close();
});

describe('flash deals and buying in the stream', () => {
  it('launches a deal (creator only), moves its units out of stock, and sells at the deal price into escrow', async () => {
    const listing = await createListing(api, { stock: 30, priceMinor: 2500, owner: 'creator@hawker.test' });
    const [viewer] = await buyers(1);
    expect(
      await viewer!.socket.timeout(5000).emitWithAck('deal:launch', {
        streamId,
        listingId: listing.id,
        dealPriceMinor: 1,
        quantity: 1,
        perBuyerLimit: 1,
        durationSeconds: 60,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const started = next(viewer!.socket, 'deal:started');
    const launched = await launch(listing.id, 10, 2);
    if (!launched.ok) throw new Error(launched.error.message);
    expect(launched.data).toMatchObject({ remaining: 10, dealPriceMinor: 999, listPriceMinor: 2500, perBuyerLimit: 2, graceMs: 5000 });
    expect((await started).id).toBe(launched.data.id);
    expect((await api.services.db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).stock).toBe(20);
    expect(await launch(listing.id, 1)).toMatchObject({ ok: false, error: { code: 'deal_running' } });

    const ticker = next(host, 'purchase:made');
    const stock = next(host, 'deal:stock');
    const bought = await purchase(viewer!.socket, launched.data.id, 2);
    expect(bought).toMatchObject({ ok: true, data: { status: 'paid', totalMinor: 1998, currency: 'USD' } });
    expect(await ticker).toMatchObject({ streamId, quantity: 2, title: listing.id ? expect.any(String) : '' });
    expect(await stock).toEqual({ streamId, dealId: launched.data.id, remaining: 8 });
    const order = await api.services.db.prisma.order.findUniqueOrThrow({
      where: { id: bought.ok ? bought.data.orderId : '' },
      include: { escrow: true },
    });
    expect({
      streamId: order.streamId,
      flashDealId: order.flashDealId,
      escrow: order.escrow && { status: order.escrow.status, amountMinor: order.escrow.amountMinor },
    }).toEqual({ streamId, flashDealId: launched.data.id, escrow: { status: 'held', amountMinor: 1998 } });
    expect(order.streamOffsetMs).toBeGreaterThanOrEqual(60_000);
    expect(await purchase(viewer!.socket, launched.data.id, 1)).toMatchObject({ ok: false, error: { code: 'deal_limit_reached' } });

    const ended = next(host, 'deal:ended');
    await endDeals();
    expect(await ended).toEqual({ streamId, dealId: launched.data.id, sold: 2 });
    // The 8 unsold units went back to the listing.
    expect((await api.services.db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).stock).toBe(28);
  });

  it('replays a retried purchase (same idempotency key) instead of buying twice; guests cannot buy', async () => {
    const listing = await createListing(api, { stock: 5, owner: 'creator@hawker.test' });
    const launched = await launch(listing.id, 5, 3);
    if (!launched.ok) throw new Error('launch failed');
    const [viewer] = await buyers(1);
    const k = key();
    const first = await purchase(viewer!.socket, launched.data.id, 1, k);
    const again = await purchase(viewer!.socket, launched.data.id, 1, k);
    expect(again).toEqual(first);
    expect(await api.services.db.prisma.orderItem.count({ where: { flashDealId: launched.data.id } })).toBe(1);
    const guest = await open();
    expect(await purchase(guest, launched.data.id)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    await endDeals();
  });

  it('accepts purchases in the grace window after the countdown, and not after it', async () => {
    const listing = await createListing(api, { stock: 5, owner: 'creator@hawker.test' });
    const launched = await launch(listing.id, 5, 5);
    if (!launched.ok) throw new Error('launch failed');
    const [viewer] = await buyers(1);
    const prisma = api.services.db.prisma;
    await prisma.flashDeal.update({ where: { id: launched.data.id }, data: { endsAt: new Date(Date.now() - 2000) } });
    expect((await purchase(viewer!.socket, launched.data.id)).ok).toBe(true);
    await prisma.flashDeal.update({ where: { id: launched.data.id }, data: { endsAt: new Date(Date.now() - 6000) } });
    expect(await purchase(viewer!.socket, launched.data.id)).toMatchObject({ ok: false, error: { code: 'deal_sold_out' } });
    await endDeals();
  });

  it('never oversells: 120 concurrent buyers for 20 units sell exactly 20, one each', { timeout: 120_000 }, async () => {
    const listing = await createListing(api, { stock: 20, owner: 'creator@hawker.test' });
    const launched = await launch(listing.id, 20, 1);
    if (!launched.ok) throw new Error('launch failed');
    const crowd = await buyers(120);
    const acks = await Promise.all(crowd.map((b) => purchase(b.socket, launched.data.id)));
    expect(acks.filter((a) => a.ok)).toHaveLength(20);
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && a.error.code === 'deal_sold_out')).toBe(true);
    const deal = await api.services.db.prisma.flashDeal.findUniqueOrThrow({ where: { id: launched.data.id } });
    expect(deal.soldCount).toBe(20);
    const perBuyer = await api.services.db.prisma.order.groupBy({
      by: ['buyerId'],
      where: { flashDealId: launched.data.id, status: 'paid' },
      _count: true,
    });
    expect(perBuyer).toHaveLength(20);
    await endDeals();
  });
});

describe('stream sales and the replay timeline', () => {
  it('sums what sold in the stream for the creator and maps products to moments', async () => {
    const listing = await createListing(api, { stock: 4, owner: 'creator@hawker.test' });
    expect((await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [listing.id] })).ok).toBe(true);
    const launched = await launch(listing.id, 4, 2);
    if (!launched.ok) throw new Error('launch failed');
    const [a, b] = await buyers(2);
    await purchase(a!.socket, launched.data.id, 2);
    await purchase(b!.socket, launched.data.id, 1);
    await endDeals();
    const creator = new HttpClient(api.url);
    await creator.login('creator@hawker.test');
    const sales = await creator.get(`/api/streams/${streamId}/sales`);
    expect(sales.status).toBe(200);
    expect(sales.body).toMatchObject({ currency: 'USD', peakViewers: expect.any(Number) });
    expect(sales.body.units).toBeGreaterThanOrEqual(3);
    expect(sales.body.conversion).toBeGreaterThan(0);
    expect(sales.body.conversion).toBeLessThanOrEqual(1);
    const stranger = new HttpClient(api.url);
    await stranger.login('buyer@hawker.test');
    expect((await stranger.get(`/api/streams/${streamId}/sales`)).status).toBe(403);
    const timeline = await stranger.get(`/api/streams/${streamId}/timeline`);
    expect(timeline.body.data).toContainEqual(expect.objectContaining({ listingId: listing.id, sold: 3, shownAtMs: expect.any(Number) }));
  });

  it('a reserved unit whose card is declined goes back to the deal for the next buyer', async () => {
    const listing = await createListing(api, { stock: 1, owner: 'creator@hawker.test' });
    const launched = await launch(listing.id, 1);
    if (!launched.ok) throw new Error(launched.error.message);
    const [declined, next] = await buyers(2);
    const refused = await pressUntilPaid(declined!.socket, {
      streamId,
      dealId: launched.data.id,
      quantity: 1,
      unitPriceMinor: 999,
      idempotencyKey: key(),
      paymentMethod: 'pm_card_chargeDeclined',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'card_declined' } });
    expect(await purchase(next!.socket, launched.data.id)).toMatchObject({ ok: true });
    expect(await purchase(declined!.socket, launched.data.id)).toMatchObject({ ok: false, error: { code: 'deal_sold_out' } });
    await endDeals();
  });
});
