import type { AckResponse, ClientToServerEvents, RoomSnapshot, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, goLive } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

/**
 * Realtime connections (security findings 7 and 8): a logout ends the
 * session's sockets on every node; viewers are people, not sockets; sockets
 * per user and per IP are capped. Two api nodes share Redis; the per-IP caps
 * are set low here (every test client is 127.0.0.1).
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let a: RunningApi;
let b: RunningApi;
let streamId: string;
const sockets: ClientSocket[] = [];
const caps = { SOCKETS_PER_USER: '3', SOCKETS_PER_IP: '12', GUEST_VIEWERS_PER_IP: '2' };

beforeAll(async () => {
  a = await startTestApi({ redis: true, env: { NODE_ID: 'rt-a', ...caps } });
  b = await startTestApi({ redis: true, env: { NODE_ID: 'rt-b', ...caps } });
  const creator = new HttpClient(a.url);
  await creator.login('creator@hawker.test');
  streamId = (await creator.post('/api/streams', { title: 'Presence' })).body.id as string;
  await goLive(a, streamId);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([a.close(), b.close()]);
});

async function open(node: RunningApi, cookie = ''): Promise<ClientSocket> {
  const s: ClientSocket = connect(node.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: cookie ? { cookie } : {},
  });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  return s;
}
const join = (s: ClientSocket): Promise<AckResponse<RoomSnapshot>> => s.timeout(5000).emitWithAck('room:join', { streamId });
const count = () => a.services.rooms.viewerCount(streamId);
const closeAll = async (list: ClientSocket[]) => {
  for (const s of list) s.disconnect();
  await new Promise((r) => setTimeout(r, 300));
};

describe('logout', () => {
  it('disconnects every socket of the session, on both nodes, and they can no longer chat or buy', async () => {
    const viewer = new HttpClient(a.url);
    await viewer.login('buyer@hawker.test');
    const onA = await open(a, viewer.cookieHeader);
    const onB = await open(b, viewer.cookieHeader);
    await Promise.all([join(onA), join(onB)]);
    const gone = [onA, onB].map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve)));
    expect((await viewer.post('/api/auth/logout')).status).toBe(200);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    // The cookie is dead: a new socket with it is a guest, who cannot chat.
    const again = await open(b, viewer.cookieHeader);
    await join(again);
    expect(await again.timeout(5000).emitWithAck('chat:send', { streamId, text: 'still here?' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    again.disconnect();
  });

  it('a logout on one node is honoured at once by another that has the session cached for handshakes', async () => {
    const viewer = new HttpClient(a.url);
    await viewer.login('buyer@hawker.test');
    // Kept before the logout, which clears the client's own cookie: a thief's copy.
    const stolen = viewer.cookieHeader;
    // Node b resolves the cookie on this handshake and keeps it for up to 5 s.
    const first = await open(b, stolen);
    await join(first);
    expect(await first.timeout(5000).emitWithAck('chat:send', { streamId, text: 'hello' })).toMatchObject({ ok: true });
    const gone = new Promise<string>((resolve) => first.once('disconnect', resolve));
    expect((await viewer.post('/api/auth/logout')).status).toBe(200);
    await gone;
    // Within the cache's 5 s, on the node that cached it: the session is gone all the same.
    const again = await open(b, stolen);
    await join(again);
    expect(await again.timeout(5000).emitWithAck('chat:send', { streamId, text: 'still here?' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    again.disconnect();
  });

  it('a session that expires disconnects its socket at that moment', async () => {
    const [user] = await createBuyers(a, 1, 'expiring');
    // The session's 30 days are up in 1.5 s.
    await a.services.db.prisma.session.updateMany({ where: { userId: user!.id }, data: { expiresAt: new Date(Date.now() + 1500) } });
    const s = await open(a, user!.client.cookieHeader);
    const opened = Date.now();
    expect(await new Promise<string>((resolve) => s.once('disconnect', resolve))).toBe('io server disconnect');
    expect(Date.now() - opened).toBeGreaterThan(1000);
  });
});

describe('viewer counts are people', () => {
  it('one account with many sockets counts once; its last socket leaving takes it out', async () => {
    const [user] = await createBuyers(a, 1, 'tabs');
    const before = await count();
    const tabs = [
      await open(a, user!.client.cookieHeader),
      await open(b, user!.client.cookieHeader),
      await open(a, user!.client.cookieHeader),
    ];
    for (const t of tabs) expect((await join(t)).ok).toBe(true);
    expect(await count()).toBe(before + 1);
    await closeAll(tabs.slice(0, 2));
    expect(await count()).toBe(before + 1);
    await closeAll(tabs.slice(2));
    expect(await count()).toBe(before);
  });

  it('guests count per connection, but one address counts at most GUEST_VIEWERS_PER_IP', async () => {
    const before = await count();
    const guests = [await open(a), await open(b), await open(a), await open(b)];
    for (const g of guests) expect((await join(g)).ok).toBe(true);
    expect(await count()).toBe(before + 2);
    await closeAll(guests.slice(0, 3));
    expect(await count()).toBe(before + 1);
    await closeAll(guests.slice(3));
    expect(await count()).toBe(before);
  });
});

describe('connection caps', () => {
  it('one account holds at most SOCKETS_PER_USER sockets across both nodes; a closed one frees its place', async () => {
    const [user] = await createBuyers(a, 1, 'hoarder');
    const cookie = user!.client.cookieHeader;
    const held = [await open(a, cookie), await open(b, cookie), await open(a, cookie)];
    await expect(open(b, cookie)).rejects.toThrow('too_many_connections');
    await closeAll(held.slice(0, 1));
    held.push(await open(b, cookie));
    await closeAll(held);
  });

  it('counts left behind by a node that crashed (no heartbeat) lock nobody out', async () => {
    const [user] = await createBuyers(a, 1, 'orphaned');
    const key = `${inject('redisKeyPrefix')}conn:user:${user!.id}`;
    // A node that died holding three of this user's sockets never took them out.
    await a.services.redis!.hSet(key, 'crashed-node', '3');
    const s = await open(b, user!.client.cookieHeader);
    expect(await a.services.redis!.hGet(key, 'crashed-node')).toBeNull();
    await closeAll([s]);
  });

  it('one address holds at most SOCKETS_PER_IP sockets, guests and users together', async () => {
    const guests: ClientSocket[] = [];
    for (let i = 0; i < 12; i++) guests.push(await open(i % 2 ? a : b));
    await expect(open(a)).rejects.toThrow('too_many_connections');
    const [user] = await createBuyers(a, 1, 'crowded');
    await expect(open(b, user!.client.cookieHeader)).rejects.toThrow('too_many_connections');
    await closeAll(guests);
    (await open(a)).disconnect();
  });
});

describe('media tokens', () => {
  it('are rate-limited per guest address and per user, and each carries its own id (the media-server admits it once)', async () => {
    const limited = await startTestApi({ env: { MEDIA_TOKEN_RATE_LIMIT: '3' } });
    try {
      const mint = (client: HttpClient) => client.post(`/api/streams/${streamId}/media-token`);
      const guest = new HttpClient(limited.url);
      const tokens: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await mint(guest);
        expect(res.status).toBe(200);
        tokens.push(res.body.token as string);
      }
      const refused = await mint(guest);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      const ids = tokens.map((t) => (JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti);
      expect(new Set(ids).size).toBe(3);
      // A logged-in viewer on the same address has their own allowance.
      const viewer = new HttpClient(limited.url);
      await viewer.login('buyer@hawker.test');
      expect((await mint(viewer)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
