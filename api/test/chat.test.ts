import type { AckResponse, ClientToServerEvents, RoomSnapshot, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, goLive } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let node1: RunningApi;
let node2: RunningApi;
let streamId: string;
let creator: HttpClient;
const sockets: ClientSocket[] = [];

async function open(api: RunningApi, cookie = ''): Promise<ClientSocket> {
  const s: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  const joined = await s.timeout(5000).emitWithAck('room:join', { streamId });
  if (!joined.ok) throw new Error(joined.error.message);
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
const send = (s: ClientSocket, text: string) => s.timeout(5000).emitWithAck('chat:send', { streamId, text });
const viewer = async (api: RunningApi = node1) => {
  const [b] = await createBuyers(api, 1, 'chatter');
  return { id: b!.id, cookie: b!.client.cookieHeader, socket: await open(api, b!.client.cookieHeader) };
};

beforeAll(async () => {
  node1 = await startTestApi({ redis: true, env: { NODE_ID: 'chat-1' } });
  node2 = await startTestApi({ redis: true, env: { NODE_ID: 'chat-2' } });
  creator = new HttpClient(node1.url);
  await creator.login('creator@hawker.test');
  streamId = (await creator.post('/api/streams', { title: 'Chat show' })).body.id as string;
  await goLive(node1, streamId);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await node1.close();
  await node2.close();
});

describe('chat', () => {
  it('guests read but cannot send; users chat across nodes; messages persist and come back on join', async () => {
    const guest = await open(node2);
    expect(await send(guest, 'hi')).toEqual({ ok: false, error: { code: 'unauthenticated', message: 'Log in to chat.' } });
    const alice = await viewer(node1);
    const received = next(guest, 'chat:message');
    const xss = '<img src=x onerror="alert(1)"> <script>alert(2)</script>';
    const ack = await send(alice.socket, xss);
    expect(ack).toMatchObject({ ok: true, data: { streamId, text: xss, user: { id: alice.id } } });
    // Sent on node 1, received by a guest on node 2 through Redis, byte for byte (clients render text as text).
    expect((await received).text).toBe(xss);
    const late = connect(node2.url, { transports: ['websocket'], forceNew: true });
    sockets.push(late);
    const snap: AckResponse<RoomSnapshot> = await late.timeout(5000).emitWithAck('room:join', { streamId });
    expect(snap.ok && snap.data.recentChat.map((m) => m.text)).toContain(xss);
    expect(await node1.services.db.prisma.chatMessage.count({ where: { streamId, text: xss } })).toBe(1);
  });

  it('enforces the length limit and a per-user rate limit', async () => {
    const bob = await viewer();
    expect(await send(bob.socket, 'x'.repeat(501))).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const acks = [];
    for (let i = 0; i < 7; i++) acks.push(await send(bob.socket, `msg ${i}`));
    expect(acks.slice(0, 5).every((a) => a.ok)).toBe(true);
    expect(acks[6]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('lets the creator delete messages; viewers cannot', async () => {
    const carol = await viewer();
    const dave = await viewer();
    const sent = await send(carol.socket, 'delete me');
    if (!sent.ok) throw new Error('send failed');
    expect(await dave.socket.timeout(5000).emitWithAck('chat:delete', { streamId, messageId: sent.data.id })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    const host = await open(node2, creator.cookieHeader);
    const deleted = next(dave.socket, 'chat:deleted');
    expect(await host.timeout(5000).emitWithAck('chat:delete', { streamId, messageId: sent.data.id })).toEqual({ ok: true, data: null });
    expect(await deleted).toEqual({ streamId, messageId: sent.data.id });
  });

  it('bans hold across nodes and reconnects until unbanned; timeouts expire; moderators can act', async () => {
    const erin = await viewer(node1);
    const host = await open(node1, creator.cookieHeader);
    expect(await host.timeout(5000).emitWithAck('mod:ban', { streamId, userId: erin.id })).toEqual({ ok: true, data: null });
    expect(await send(erin.socket, 'let me in')).toMatchObject({ ok: false, error: { code: 'banned' } });
    // Reconnect on the other node: still banned (the ban lives in PostgreSQL, not in a node).
    erin.socket.disconnect();
    const again = await open(node2, erin.cookie);
    expect(await send(again, 'other node')).toMatchObject({ ok: false, error: { code: 'banned' } });
    await host.timeout(5000).emitWithAck('mod:unban', { streamId, userId: erin.id });
    expect((await send(again, 'thanks')).ok).toBe(true);

    const frank = await viewer();
    const admin = new HttpClient(node1.url);
    const adminId = (await admin.login('admin@hawker.test')).user.id;
    const mod = await open(node1, admin.cookieHeader);
    expect(await mod.timeout(5000).emitWithAck('mod:timeout', { streamId, userId: frank.id, seconds: 60 })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    expect(await host.timeout(5000).emitWithAck('mod:appoint', { streamId, userId: adminId })).toEqual({ ok: true, data: null });
    expect(await mod.timeout(5000).emitWithAck('mod:timeout', { streamId, userId: frank.id, seconds: 60 })).toEqual({
      ok: true,
      data: null,
    });
    expect(await send(frank.socket, 'hello?')).toMatchObject({ ok: false, error: { code: 'timed_out' } });
    // The join ack tells each user what the room lets them do (the UI shows the tools to match).
    const role = async (s: ClientSocket) => {
      const ack: AckResponse<RoomSnapshot> = await s.timeout(5000).emitWithAck('room:join', { streamId });
      return ack.ok ? ack.data.viewer : null;
    };
    expect(await role(mod)).toEqual({ isCreator: false, canModerate: true });
    expect(await role(host)).toEqual({ isCreator: true, canModerate: true });
    expect(await role(frank.socket)).toEqual({ isCreator: false, canModerate: false });
    expect(
      await mod.timeout(5000).emitWithAck('mod:ban', {
        streamId,
        userId: (await node1.services.db.prisma.stream.findUniqueOrThrow({ where: { id: streamId } })).creatorId,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_target' },
    });
  });

  it('the creator in their own room is not counted as a viewer', async () => {
    const own = (await creator.post('/api/streams', { title: 'Counting' })).body.id as string;
    const join = async (cookie: string) => {
      const s: ClientSocket = connect(node1.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
      sockets.push(s);
      await new Promise((resolve) => s.once('connect', () => resolve(undefined)));
      const ack = await s.timeout(5000).emitWithAck('room:join', { streamId: own });
      return { s, count: ack.ok ? ack.data.viewerCount : -1 };
    };
    const host = await join(creator.cookieHeader);
    expect(host.count).toBe(0);
    const [b] = await createBuyers(node1, 1, 'counted');
    expect((await join(b!.client.cookieHeader)).count).toBe(1);
    host.s.disconnect();
    await expect.poll(() => node1.services.rooms.viewerCount(own)).toBe(1);
    expect((await node1.services.db.prisma.stream.findUniqueOrThrow({ where: { id: own } })).peakViewers).toBe(1);
    // A storm of joins: the peak is written once a second per node, and ends at the highest count.
    const storm = await createBuyers(node1, 12, 'storm');
    await Promise.all(storm.map((u) => join(u.client.cookieHeader)));
    await expect
      .poll(async () => (await node1.services.db.prisma.stream.findUniqueOrThrow({ where: { id: own } })).peakViewers, { timeout: 5000 })
      .toBe(13);
  });

  it('slow mode and blocked words apply to viewers, not to the creator', async () => {
    const gina = await viewer();
    const host = await open(node1, creator.cookieHeader);
    const announced = next(gina.socket, 'chat:settings');
    expect(await host.timeout(5000).emitWithAck('mod:blockedWords', { streamId, words: ['Spoiler'] })).toMatchObject({
      ok: true,
      data: { blockedWords: ['spoiler'] },
    });
    expect((await announced).blockedWords).toEqual(['spoiler']);
    expect(await send(gina.socket, 'big SPOILER ahead')).toMatchObject({ ok: false, error: { code: 'blocked_word' } });
    await host.timeout(5000).emitWithAck('mod:slowMode', { streamId, seconds: 30 });
    expect((await send(gina.socket, 'first')).ok).toBe(true);
    expect(await send(gina.socket, 'second')).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', message: expect.stringContaining('Slow mode') },
    });
    expect((await send(host, 'host talks freely about the spoiler')).ok).toBe(true);
    await host.timeout(5000).emitWithAck('mod:slowMode', { streamId, seconds: 0 });
    await host.timeout(5000).emitWithAck('mod:blockedWords', { streamId, words: [] });
  });
});

describe('pins', () => {
  it('the creator pins own listings; viewers see them live and late joiners in the join ack', async () => {
    const prisma = node1.services.db.prisma;
    const mine = await prisma.listing.findMany({
      where: { shop: { slug: 'mia-live-closet' } },
      take: 2,
      select: { id: true, title: true },
    });
    const theirs = await prisma.listing.findFirstOrThrow({ where: { shop: { slug: 'sams-gadget-stall' } } });
    const host = await open(node1, creator.cookieHeader);
    const watcher = await viewer(node2);
    expect(await watcher.socket.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [mine[0]!.id] })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [theirs.id] })).toMatchObject({
      ok: false,
      error: { code: 'not_your_listing' },
    });
    const changed = next(watcher.socket, 'pin:changed');
    const ack = await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: mine.map((l) => l.id) });
    expect(ack.ok && ack.data.map((p: { title: string }) => p.title)).toEqual(mine.map((l) => l.title));
    expect((await changed).pins.map((p) => p.listingId)).toEqual(mine.map((l) => l.id));
    await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [mine[1]!.id] });
    const late = connect(node2.url, { transports: ['websocket'], forceNew: true });
    sockets.push(late);
    const snap: AckResponse<RoomSnapshot> = await late.timeout(5000).emitWithAck('room:join', { streamId });
    expect(snap.ok && snap.data.pins.map((p) => p.listingId)).toEqual([mine[1]!.id]);
    // The unpinned product stays in the history for the replay's timeline.
    const history = await prisma.streamPin.findMany({ where: { streamId }, orderBy: { pinnedAt: 'asc' } });
    expect(history.filter((p) => p.listingId === mine[0]!.id && p.unpinnedAt !== null)).toHaveLength(1);
  });
});

describe('two nodes', () => {
  it('clients on both nodes see the same deal, purchases and stock', async () => {
    const prisma = node1.services.db.prisma;
    const listing = await prisma.listing.create({
      data: {
        shopId: (await prisma.shop.findFirstOrThrow({ where: { slug: 'mia-live-closet' } })).id,
        title: 'Two-node mug',
        priceMinor: 1200,
        currency: 'USD',
        stock: 5,
        category: 'home',
      },
    });
    const host = await open(node1, creator.cookieHeader);
    const buyerOn1 = await viewer(node1);
    const watcherOn2 = await viewer(node2);
    const started = next(watcherOn2.socket, 'deal:started');
    const launched = await host.timeout(5000).emitWithAck('deal:launch', {
      streamId,
      listingId: listing.id,
      dealPriceMinor: 800,
      quantity: 3,
      perBuyerLimit: 1,
      durationSeconds: 60,
    });
    if (!launched.ok) throw new Error(launched.error.message);
    expect((await started).id).toBe(launched.data.id);
    const ticker = next(watcherOn2.socket, 'purchase:made');
    const stock = next(watcherOn2.socket, 'deal:stock');
    const bought = await buyerOn1.socket.timeout(20_000).emitWithAck('purchase:create', {
      streamId,
      dealId: launched.data.id,
      quantity: 1,
      unitPriceMinor: 800,
      idempotencyKey: `two-node-${launched.data.id}`,
    });
    expect(bought.ok).toBe(true);
    expect(await ticker).toMatchObject({ quantity: 1, title: 'Two-node mug' });
    expect(await stock).toEqual({ streamId, dealId: launched.data.id, remaining: 2 });
    const late: AckResponse<RoomSnapshot> = await watcherOn2.socket.timeout(5000).emitWithAck('room:join', { streamId });
    expect(late.ok && late.data.activeDeal).toMatchObject({ id: launched.data.id, remaining: 2 });
    await node2.services.deals.endExpired(new Date(Date.now() + 3_600_000));
  });
});
