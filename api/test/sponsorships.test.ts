import type { AckResponse, ClientToServerEvents, PurchaseResult, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, goLive, key } from '../../test/support/fixtures.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../src/server.js';

/**
 * Sponsorships (issue 10): a brand's offer, acceptance paid from the brand's
 * balance into escrow (or refused with the offer kept open), rates that only
 * rise, the sponsor's rate on its products sold in the show, the disclosure
 * label, measurement of the deliverables, release 72 hours later, disputes,
 * and the brand's report.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let api: RunningApi;
let brand: { id: string; client: HttpClient };
let creator: { id: string; client: HttpClient };
let admin: HttpClient;
let brandListing: string;
const sockets: ClientSocket[] = [];
const idem = () => ({ 'idempotency-key': key() });
const balance = async (code: string) => Number((await api.services.db.prisma.ledgerAccount.findUnique({ where: { code } }))?.balance ?? 0n);

async function socketIn(cookie: string, streamId: string): Promise<ClientSocket> {
  const s: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  await s.timeout(5000).emitWithAck('room:join', { streamId });
  return s;
}

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  admin = new HttpClient(api.url);
  await admin.login('admin@hawker.test');
  const [b, c] = await createBuyers(api, 2, 'sponsor');
  brand = { id: b!.id, client: b!.client };
  creator = { id: c!.id, client: c!.client };
  expect((await brand.client.post('/api/brand', { companyName: 'Glow Labs', website: 'https://glow.example' })).status).toBe(201);
  await brand.client.post('/api/shops', { name: 'Glow Labs store' });
  brandListing = (
    await brand.client.post('/api/listings', { title: 'Glow serum', priceMinor: 4000, currency: 'USD', stock: 20, category: 'beauty' })
  ).body.id as string;
  await creator.client.post('/api/creator', {
    handle: `glowing_${Date.now().toString(36)}`,
    displayName: 'Glowing Gia',
    acceptTerms: true,
  });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  expect(await checkLedger(api.services.db.prisma)).toEqual([]);
  await api.close();
});

async function scheduledShow(): Promise<string> {
  return (await creator.client.post('/api/streams', { title: 'Glow with me', scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }))
    .body.id as string;
}
const offer = (streamId: string, fee = 10_000) =>
  brand.client.post('/api/sponsorships', {
    creatorId: creator.id,
    flatFeeMinor: fee,
    currency: 'USD',
    commissionBps: 1500,
    minLiveMinutes: 30,
    minPinnedMinutes: 10,
    minFlashDeals: 1,
    coverage: { streamId },
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    message: 'Show our serum!',
  });

describe('a sponsorship from offer to release', () => {
  it('is accepted only when the brand can pay; rates only rise; the sponsor is disclosed; its products earn its rate', async () => {
    const streamId = await scheduledShow();
    const offered = await offer(streamId);
    expect(offered.status, offered.text).toBe(201);
    const id = offered.body.id as string;
    expect((await creator.client.get('/api/notifications')).body.data[0]).toMatchObject({ kind: 'sponsorship.offer' });

    const broke = await creator.client.post(`/api/sponsorships/${id}/accept`);
    expect(broke.status).toBe(402);
    expect(broke.body.error.code).toBe('brand_insufficient_funds');
    expect((await creator.client.get(`/api/sponsorships/${id}`)).body.status).toBe('proposed');
    expect((await brand.client.get('/api/notifications')).body.data[0]).toMatchObject({ kind: 'sponsorship.answer' });

    const declined = await brand.client.post(
      '/api/brand/funding',
      { amountMinor: 25_000, currency: 'USD', paymentMethod: 'pm_card_chargeDeclined' },
      idem(),
    );
    expect(declined.status).toBe(402);
    const topped = await brand.client.post('/api/brand/funding', { amountMinor: 25_000, currency: 'USD' }, idem());
    expect(topped.body.balances).toEqual([{ currency: 'USD', availableMinor: 25_000, heldMinor: 0 }]);

    expect((await creator.client.post(`/api/sponsorships/${id}/accept`)).body.status).toBe('accepted');
    expect(await balance(`brand_funding:${brand.id}:USD`)).toBe(15_000);
    expect(await balance(`escrow:sponsorship:${id}:USD`)).toBe(10_000);
    expect((await brand.client.request('PATCH', `/api/sponsorships/${id}`, { commissionBps: 1000 })).body.error.code).toBe(
      'rates_only_rise',
    );
    expect((await brand.client.request('PATCH', `/api/sponsorships/${id}`, { commissionBps: 2000, flatFeeMinor: 12_000 })).status).toBe(
      200,
    );
    expect(await balance(`escrow:sponsorship:${id}:USD`)).toBe(12_000);

    await goLive(api, streamId);
    expect((await new HttpClient(api.url).get(`/api/streams/${streamId}`)).body.sponsor).toEqual({ companyName: 'Glow Labs' });
    // The studio offers the sponsor's products at the sponsorship's rate; only to the creator.
    const showable = (await creator.client.get(`/api/streams/${streamId}/showable`)).body.data as { id: string }[];
    expect(showable.find((l) => l.id === brandListing)).toMatchObject({
      source: 'sponsor',
      commissionBps: 2000,
      shop: { name: 'Glow Labs store' },
    });
    expect((await brand.client.get(`/api/streams/${streamId}/showable`)).status).toBe(403);
    const host = await socketIn(creator.client.cookieHeader, streamId);
    expect((await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [brandListing] })).ok).toBe(true);
    const [viewer] = await createBuyers(api, 1, 'glow-fan');
    const s = await socketIn(viewer!.client.cookieHeader, streamId);
    const bought = (await s.timeout(20_000).emitWithAck('purchase:create', {
      streamId,
      listingId: brandListing,
      quantity: 1,
      unitPriceMinor: 4000,
      idempotencyKey: key(),
    })) as AckResponse<PurchaseResult>;
    if (!bought.ok) throw new Error(bought.error.message);
    expect(await api.services.db.prisma.orderItem.findFirstOrThrow({ where: { orderId: bought.data.orderId } })).toMatchObject({
      creatorId: creator.id,
      commissionBps: 2000,
      sponsorshipId: id,
    });

    // 40 minutes live, the serum pinned for 5 of them, no flash deal: (1 + 0.5 + 0) / 3 of the fee.
    const prisma = api.services.db.prisma;
    await prisma.stream.update({ where: { id: streamId }, data: { startedAt: new Date(Date.now() - 40 * 60_000) } });
    await prisma.streamPin.updateMany({ where: { streamId }, data: { pinnedAt: new Date(Date.now() - 5 * 60_000) } });
    expect((await creator.client.post(`/api/streams/${streamId}/end`)).status).toBe(200);
    const measured = (await brand.client.get(`/api/sponsorships/${id}`)).body;
    expect(measured).toMatchObject({ status: 'measured', delivery: { flashDeals: 0, deliveredBps: expect.any(Number) } });
    expect(measured.delivery.deliveredBps).toBeGreaterThanOrEqual(4900);
    expect(measured.delivery.deliveredBps).toBeLessThanOrEqual(5100);

    // Not before 72 hours; then the delivered share to the creator, the rest back to the brand.
    expect(await api.services.sponsorships.releaseDue(new Date())).toEqual([]);
    const creatorBefore = await balance(`creator_earnings:${creator.id}:USD`);
    expect(await api.services.sponsorships.releaseDue(new Date(Date.now() + 73 * 3_600_000))).toEqual([id]);
    const released = (await brand.client.get(`/api/sponsorships/${id}`)).body;
    expect(released.status).toBe('released');
    expect(released.releasedMinor + released.returnedMinor).toBe(12_000);
    expect(await balance(`creator_earnings:${creator.id}:USD`)).toBe(creatorBefore + released.releasedMinor);
    expect(await balance(`brand_funding:${brand.id}:USD`)).toBe(13_000 + released.returnedMinor);

    const report = (await brand.client.get(`/api/sponsorships/${id}/report`)).body;
    expect(report.totals).toMatchObject({ orders: 1, gmvMinor: 4000 });
    expect(report.totals.pinnedMinutes).toBeGreaterThanOrEqual(4.9);
    expect((await new HttpClient(api.url).get(`/api/streams/${streamId}`)).body.sponsor).toEqual({ companyName: 'Glow Labs' });
  });

  it('either side can dispute the measurement before release; an admin settles it', async () => {
    const streamId = await scheduledShow();
    const id = (await offer(streamId, 2000)).body.id as string;
    expect((await creator.client.post(`/api/sponsorships/${id}/accept`)).status).toBe(200);
    await goLive(api, streamId);
    await creator.client.post(`/api/streams/${streamId}/end`);
    expect((await brand.client.get(`/api/sponsorships/${id}`)).body.status).toBe('measured');
    expect(
      (await creator.client.post(`/api/sponsorships/${id}/dispute`, { reason: 'The stream crashed for ten minutes' })).body.status,
    ).toBe('disputed');
    expect(await api.services.sponsorships.releaseDue(new Date(Date.now() + 100 * 3_600_000))).toEqual([]);
    expect((await brand.client.post(`/api/sponsorships/${id}/resolve`, { releaseBps: 10_000 })).status).toBe(403);
    const resolved = await admin.post(`/api/sponsorships/${id}/resolve`, { releaseBps: 7500 });
    expect(resolved.body).toMatchObject({ status: 'resolved', releasedMinor: 1500, returnedMinor: 500 });
  });

  it('brands find creators; an offer that is not answered in time expires', async () => {
    const found = await brand.client.get('/api/brand/creators?q=glowing');
    expect(found.body.data).toEqual([expect.objectContaining({ id: creator.id, displayName: 'Glowing Gia', gmvMinor: null })]);
    const streamId = await scheduledShow();
    const id = (await offer(streamId)).body.id as string;
    await api.services.db.prisma.sponsorship.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await creator.client.post(`/api/sponsorships/${id}/accept`)).body.error.code).toBe('offer_not_open');
    expect((await creator.client.get('/api/sponsorships?as=creator')).body.data.find((s: { id: string }) => s.id === id).status).toBe(
      'expired',
    );
  });
});
