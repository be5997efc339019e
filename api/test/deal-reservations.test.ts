import type { AckResponse, ClientToServerEvents, PurchaseAnswer, PurchaseState, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { outcomeOf, pressAndSettle } from '../../test/support/deals.js';
import { createBuyers, createListing, goLive, key } from '../../test/support/fixtures.js';
import { createDealGate } from '../src/repositories/deal-gate.repository.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import { createPurchaseStates } from '../src/repositories/purchase-state.repository.js';
import type { RunningApi } from '../src/server.js';

/**
 * The rush's contract (issue 12): a deal press is answered as soon as the
 * gate decides, the payment follows on the buyer's own channel and by key
 * over HTTP, failures and expired reservations put the unit back, and after
 * the sell-out the nodes refuse presses from memory. Two api nodes share
 * PostgreSQL and Redis.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let a: RunningApi;
let b: RunningApi;
let streamId: string;
let creatorId: string;
const sockets: ClientSocket[] = [];
const PRICE = 900;

beforeAll(async () => {
  a = await startTestApi({ redis: true, env: { NODE_ID: 'res-a', SCHEDULER_INTERVAL_SECONDS: '0' } });
  b = await startTestApi({ redis: true, env: { NODE_ID: 'res-b', SCHEDULER_INTERVAL_SECONDS: '0' } });
  const creator = new HttpClient(a.url);
  await creator.login('creator@hawker.test');
  streamId = (await creator.post('/api/streams', { title: 'Reservations' })).body.id as string;
  creatorId = (await a.services.db.prisma.stream.findUniqueOrThrow({ where: { id: streamId } })).creatorId;
  await goLive(a, streamId);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  expect(await checkLedger(a.services.db.prisma)).toEqual([]);
  await Promise.all([a.close(), b.close()]);
});

async function open(node: RunningApi, cookie: string, inRoom = true): Promise<ClientSocket> {
  const s: ClientSocket = connect(node.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  if (inRoom) await s.timeout(5000).emitWithAck('room:join', { streamId });
  return s;
}

async function launch(quantity: number): Promise<string> {
  await endDeals();
  const listing = await createListing(a, { stock: quantity, priceMinor: 2000, owner: 'creator@hawker.test' });
  const deal = await a.services.deals.launch(
    { userId: creatorId, roles: ['creator', 'seller'] },
    { streamId, listingId: listing.id, dealPriceMinor: PRICE, quantity, perBuyerLimit: 1, durationSeconds: 120 },
  );
  return deal.id;
}
const endDeals = () => a.services.deals.endExpired(new Date(Date.now() + 3_600_000));
const press = (dealId: string, idempotencyKey = key(), paymentMethod = 'pm_card_visa') => ({
  streamId,
  dealId,
  quantity: 1,
  unitPriceMinor: PRICE,
  idempotencyKey,
  paymentMethod,
});

describe('a deal press', () => {
  it('is answered with a reservation at once; the payment follows on every socket of the buyer and by key', async () => {
    const dealId = await launch(2);
    const [buyer] = await createBuyers(a, 1, 'reserve');
    const inRoom = await open(a, buyer!.client.cookieHeader);
    // Another tab of the same person, on the other node and not in the show: their own channel reaches it too.
    const elsewhere = await open(b, buyer!.client.cookieHeader, false);
    const k = key();
    const heardElsewhere = outcomeOf(elsewhere, k);
    const pressedAt = Date.now();
    const { answer, outcome } = await pressAndSettle(inRoom, press(dealId, k));
    if (!answer.ok || answer.data.status !== 'reserved') throw new Error(JSON.stringify(answer));
    expect(answer.data).toMatchObject({ dealId, idempotencyKey: k, reservationId: expect.any(String) });
    const payIn = Date.parse(answer.data.payBy) - pressedAt;
    expect(payIn).toBeGreaterThan(15_000);
    expect(payIn).toBeLessThanOrEqual(21_000);
    expect(outcome).toMatchObject({
      status: 'paid',
      reservationId: answer.data.reservationId,
      order: { status: 'paid', totalMinor: PRICE },
    });
    expect(await heardElsewhere).toEqual(outcome);
    const orderId = outcome!.status === 'paid' ? outcome!.order.orderId : '';
    expect(await a.services.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).toMatchObject({ status: 'paid', streamId });

    // A buyer who reconnects reads it by key, on either node; a retry of the press returns the order, not a second unit.
    const onB = new HttpClient(b.url);
    onB.useCookie(buyer!.client.cookieHeader);
    const pulled = await onB.get(`/api/purchases/${k}`);
    expect(pulled.status).toBe(200);
    expect(pulled.body as PurchaseState).toEqual(outcome);
    expect(await inRoom.timeout(5000).emitWithAck('purchase:create', press(dealId, k))).toEqual({
      ok: true,
      data: outcome!.status === 'paid' && outcome!.order,
    });
    // Keys are the buyer's own: someone else's key reads as unknown.
    const [other] = await createBuyers(a, 1, 'reserve-other');
    expect((await other!.client.get(`/api/purchases/${k}`)).status).toBe(404);
    expect((await new HttpClient(a.url).get(`/api/purchases/${k}`)).status).toBe(401);
    await endDeals();
  });

  it('whose card is declined fails on the buyer channel, puts the unit back, and keeps failing under its key', async () => {
    const dealId = await launch(1);
    const [declined, next] = await createBuyers(a, 2, 'declined');
    const s = await open(a, declined!.client.cookieHeader);
    const k = key();
    const { answer, outcome } = await pressAndSettle(s, press(dealId, k, 'pm_card_chargeDeclined'));
    expect(answer).toMatchObject({ ok: true, data: { status: 'reserved' } });
    expect(outcome).toMatchObject({ status: 'failed', idempotencyKey: k, error: { code: 'card_declined' } });
    expect(await s.timeout(5000).emitWithAck('purchase:create', press(dealId, k, 'pm_card_chargeDeclined'))).toMatchObject({
      ok: false,
      error: { code: 'card_declined' },
    });
    expect((await declined!.client.get(`/api/purchases/${k}`)).body).toMatchObject({ status: 'failed', error: { code: 'card_declined' } });
    // The unit is on sale again, for the next buyer on the other node.
    const other = await pressAndSettle(await open(b, next!.client.cookieHeader), press(dealId));
    expect(other.outcome).toMatchObject({ status: 'paid' });
    await endDeals();
  });

  it('whose payment never completes (its node died) goes back on sale at the sweep, and the buyer is told', async () => {
    const dealId = await launch(1);
    const [buyer, later] = await createBuyers(a, 2, 'expiring');
    const s = await open(b, buyer!.client.cookieHeader);
    // What a node that answered "reserved" and then died leaves in Redis: the reservation and its state, nothing paid.
    const prefix = inject('redisKeyPrefix');
    const k = key();
    const buyerKey = `${buyer!.id}:${k}`;
    const dead = createDealGate(a.services.redis, { keyPrefix: prefix, reservationTtlMs: 300 });
    expect(await dead.reserve(dealId, streamId, buyer!.id, buyerKey, 1)).toBe('reserved');
    await createPurchaseStates(a.services.redis, prefix).put(buyerKey, {
      status: 'reserved',
      reservationId: 'from-a-dead-node',
      dealId,
      idempotencyKey: k,
      payBy: new Date(Date.now() + 300).toISOString(),
    });
    expect(await pressAndSettle(await open(a, later!.client.cookieHeader), press(dealId))).toMatchObject({
      answer: { ok: false, error: { code: 'deal_sold_out' } },
    });
    const told = outcomeOf(s, k);
    await new Promise((r) => setTimeout(r, 400));
    await a.services.deals.reconcileGates();
    expect(await told).toMatchObject({ status: 'failed', reservationId: 'from-a-dead-node', error: { code: 'reservation_expired' } });
    expect((await buyer!.client.get(`/api/purchases/${k}`)).body).toMatchObject({ status: 'failed' });
    expect((await pressAndSettle(await open(a, later!.client.cookieHeader), press(dealId))).outcome).toMatchObject({ status: 'paid' });
    await endDeals();
  });
});

describe('after the sell-out', () => {
  it('every node refuses presses from memory, without asking the gate, but a retry of a reserved key still gets its order', async () => {
    const dealId = await launch(1);
    const [winner, loser, late] = await createBuyers(a, 3, 'soldout');
    const onA = await open(a, winner!.client.cookieHeader);
    const k = key();
    const won = await pressAndSettle(onA, press(dealId, k));
    expect(won.outcome).toMatchObject({ status: 'paid' });
    // The gate says sold out once; node a remembers it and tells node b.
    expect(await pressAndSettle(await open(a, loser!.client.cookieHeader), press(dealId))).toMatchObject({
      answer: { ok: false, error: { code: 'deal_sold_out' } },
    });
    await new Promise((r) => setTimeout(r, 100));
    // Take the gate away: a press that reached it would rebuild it from PostgreSQL (its keys would come back).
    const redis = a.services.redis!;
    const gateKeys = `${String(inject('redisKeyPrefix'))}deal:{${dealId}}*`;
    await redis.del(await redis.keys(gateKeys));
    const lateOnA = await open(a, late!.client.cookieHeader);
    const lateOnB = await open(b, late!.client.cookieHeader);
    const refusals: AckResponse<PurchaseAnswer>[] = await Promise.all(
      [lateOnA, lateOnB, lateOnA, lateOnB].map((s) => s.timeout(5000).emitWithAck('purchase:create', press(dealId))),
    );
    expect(refusals.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['deal_sold_out', 'deal_sold_out', 'deal_sold_out', 'deal_sold_out']);
    expect(await redis.keys(gateKeys)).toEqual([]);
    // The winner's retry (a lost ack) goes past the flag, on either node, and gets the order back.
    const retried = await (await open(b, winner!.client.cookieHeader)).timeout(5000).emitWithAck('purchase:create', press(dealId, k));
    expect(retried).toEqual({ ok: true, data: won.outcome!.status === 'paid' && won.outcome!.order });
    await endDeals();
  });
});
