import type { AckResponse, ClientToServerEvents, PurchaseResult, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { pressUntilPaid } from '../../test/support/deals.js';
import { createBuyers, createListing, goLive } from '../../test/support/fixtures.js';
import { checkLedger } from '../src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../src/server.js';

// 2,000 concurrent socket clients, spread over two api nodes sharing Redis and
// PostgreSQL, press Buy on a 50-unit flash deal with a per-buyer limit of 1.
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const CLIENTS = 2000;
const UNITS = 50;
let nodes: RunningApi[];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  nodes = [
    await startTestApi({ redis: true, env: { NODE_ID: 'rush-1', SCHEDULER_INTERVAL_SECONDS: '0' } }),
    await startTestApi({ redis: true, env: { NODE_ID: 'rush-2', SCHEDULER_INTERVAL_SECONDS: '0' } }),
  ];
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const n of nodes) await n.close();
});

describe('flash-deal rush', () => {
  it(
    `${CLIENTS} concurrent buyers over two nodes for ${UNITS} units: exactly ${UNITS} sold, one each, ledger intact`,
    { timeout: 240_000 },
    async () => {
      const [a, b] = nodes as [RunningApi, RunningApi];
      const creator = new HttpClient(a.url);
      await creator.login('creator@hawker.test');
      const streamId = (await creator.post('/api/streams', { title: 'Rush hour' })).body.id as string;
      await goLive(a, streamId);
      const listing = await createListing(a, { stock: UNITS, owner: 'creator@hawker.test' });
      const hostSocket: ClientSocket = connect(a.url, {
        transports: ['websocket'],
        forceNew: true,
        extraHeaders: { cookie: creator.cookieHeader },
      });
      sockets.push(hostSocket);
      const launched = await hostSocket.timeout(10_000).emitWithAck('deal:launch', {
        streamId,
        listingId: listing.id,
        dealPriceMinor: 500,
        quantity: UNITS,
        perBuyerLimit: 1,
        durationSeconds: 120,
      });
      if (!launched.ok) throw new Error(launched.error.message);

      const crowd = await createBuyers(a, CLIENTS, 'rush');
      const connected = await Promise.all(
        crowd.map(async (buyer, i) => {
          const s: ClientSocket = connect((i % 2 ? b : a).url, {
            transports: ['websocket'],
            forceNew: true,
            extraHeaders: { cookie: buyer.client.cookieHeader },
          });
          sockets.push(s);
          await new Promise((resolve, reject) => {
            s.once('connect', () => resolve(undefined));
            s.once('connect_error', reject);
          });
          // Buying counts for a stream only from its room.
          await s.timeout(60_000).emitWithAck('room:join', { streamId });
          return s;
        }),
      );
      // Every buyer presses Buy twice (a double-click with two keys), all at once; reservations are followed to their payment.
      const acks: AckResponse<PurchaseResult>[] = await Promise.all(
        connected.flatMap((s, i) =>
          [0, 1].map((n) =>
            pressUntilPaid(s, {
              streamId,
              dealId: launched.data.id,
              quantity: 1,
              unitPriceMinor: 500,
              idempotencyKey: `rush-${i}-${n}-${launched.data.id}`,
            }),
          ),
        ),
      );
      const ok = acks.filter((x) => x.ok);
      expect(ok).toHaveLength(UNITS);
      const codes = new Set(acks.filter((x) => !x.ok).map((x) => (x.ok ? '' : x.error.code)));
      expect([...codes].every((c) => c === 'deal_sold_out' || c === 'deal_limit_reached')).toBe(true);
      const prisma = a.services.db.prisma;
      expect((await prisma.flashDeal.findUniqueOrThrow({ where: { id: launched.data.id } })).soldCount).toBe(UNITS);
      const perBuyer = await prisma.orderItem.groupBy({
        by: ['orderId'],
        where: { flashDealId: launched.data.id, order: { status: 'paid' } },
        _sum: { quantity: true },
      });
      expect(perBuyer).toHaveLength(UNITS);
      const buyersWithOrders = await prisma.order.groupBy({
        by: ['buyerId'],
        where: { flashDealId: launched.data.id, status: 'paid' },
        _count: true,
      });
      expect(buyersWithOrders.every((g) => g._count === 1)).toBe(true);
      expect(await checkLedger(prisma)).toEqual([]);
    },
  );

  it('a gate that lost its deal (Redis flushed) is rebuilt from PostgreSQL: limits and stock still hold', { timeout: 60_000 }, async () => {
    const [a, b] = nodes as [RunningApi, RunningApi];
    const creator = new HttpClient(a.url);
    await creator.login('creator@hawker.test');
    const streamId = (await creator.post('/api/streams', { title: 'Gate lost' })).body.id as string;
    await goLive(a, streamId);
    const listing = await createListing(a, { stock: 3, owner: 'creator@hawker.test' });
    const host: ClientSocket = connect(a.url, {
      transports: ['websocket'],
      forceNew: true,
      extraHeaders: { cookie: creator.cookieHeader },
    });
    sockets.push(host);
    const launched = await host.timeout(10_000).emitWithAck('deal:launch', {
      streamId,
      listingId: listing.id,
      dealPriceMinor: 700,
      quantity: 3,
      perBuyerLimit: 1,
      durationSeconds: 60,
    });
    if (!launched.ok) throw new Error(launched.error.message);
    const buyers = await createBuyers(a, 4, 'lost');
    const socketOn = async (node: RunningApi, cookie: string) => {
      const s: ClientSocket = connect(node.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
      sockets.push(s);
      await new Promise((resolve) => s.once('connect', () => resolve(undefined)));
      await s.timeout(5000).emitWithAck('room:join', { streamId });
      return s;
    };
    const buy = (s: ClientSocket, idempotencyKey: string): Promise<AckResponse<PurchaseResult>> =>
      pressUntilPaid(s, { streamId, dealId: launched.data.id, quantity: 1, unitPriceMinor: 700, idempotencyKey });
    const first = await socketOn(a, buyers[0]!.client.cookieHeader);
    const bought = await buy(first, 'lost-key-1');
    expect(bought, JSON.stringify(bought)).toMatchObject({ ok: true });
    await a.services.redis!.del(await a.services.redis!.keys(`${inject('redisKeyPrefix')}deal:{${launched.data.id}}*`));
    // Node b meets an unknown deal, rebuilds the gate from the orders: the first buyer is at their limit.
    expect(await buy(await socketOn(b, buyers[0]!.client.cookieHeader), 'lost-key-2')).toMatchObject({
      ok: false,
      error: { code: 'deal_limit_reached' },
    });
    const rest = await Promise.all(
      buyers.slice(1).map(async (u, i) => buy(await socketOn(i % 2 ? a : b, u.client.cookieHeader), `lost-${u.id}`)),
    );
    expect(rest.filter((r) => r.ok)).toHaveLength(2);
    expect((await a.services.db.prisma.flashDeal.findUniqueOrThrow({ where: { id: launched.data.id } })).soldCount).toBe(3);
    await a.services.deals.endExpired(new Date(Date.now() + 3_600_000));
  });
});
