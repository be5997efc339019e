import type { ClientToServerEvents, NotificationPush, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, createListing, goLive } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

/**
 * Creators (issue 10): anyone becomes one; profiles; follows counted right
 * under concurrency; scheduled shows with reminders; and who hears what when
 * a creator goes live — on two api nodes sharing Redis.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let a: RunningApi;
let b: RunningApi;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  a = await startTestApi({ redis: true, env: { NODE_ID: 'creators-a' } });
  b = await startTestApi({ redis: true, env: { NODE_ID: 'creators-b' } });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([a.close(), b.close()]);
});

async function newCreator(handle: string) {
  const [user] = await createBuyers(a, 1, `creator-${handle}`);
  const res = await user!.client.post('/api/creator', {
    handle,
    displayName: `Creator ${handle}`,
    bio: 'Live from the kiln',
    acceptTerms: true,
  });
  expect(res.status, res.text).toBe(201);
  return { id: user!.id, client: user!.client, handle };
}

async function socketOf(node: RunningApi, cookie: string): Promise<{ socket: ClientSocket; pushes: NotificationPush[] }> {
  const socket: ClientSocket = connect(node.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
  sockets.push(socket);
  const pushes: NotificationPush[] = [];
  socket.on('notification:new', (p) => pushes.push(p));
  await new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(undefined));
    socket.once('connect_error', reject);
  });
  return { socket, pushes };
}

const until = async <T>(read: () => Promise<T> | T, ok: (v: T) => boolean, ms = 10_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('becoming a creator', () => {
  it('any user becomes a creator with a unique handle (case ignored); the profile is public', async () => {
    const stamp = Date.now().toString(36);
    const [user, rival] = await createBuyers(a, 2, 'wannabe');
    const c = user!.client;
    expect((await c.post('/api/creator', { handle: 'ab', displayName: 'X', acceptTerms: true })).body.error).toMatchObject({
      param: 'handle',
    });
    expect((await c.post('/api/creator', { handle: 'has space', displayName: 'X', acceptTerms: true })).status).toBe(400);
    expect((await c.post('/api/creator', { handle: `kiln_${stamp}`, displayName: 'X', acceptTerms: false })).status).toBe(400);
    const made = await c.post('/api/creator', { handle: `Kiln_${stamp}`, displayName: 'Kiln Kate', bio: 'Pots, live', acceptTerms: true });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      handle: `kiln_${stamp}`,
      displayName: 'Kiln Kate',
      followerCount: 0,
      live: null,
      upcoming: [],
      past: [],
    });
    expect((await c.get('/api/me')).body.user.roles).toEqual(expect.arrayContaining(['buyer', 'creator']));
    const taken = await rival!.client.post('/api/creator', { handle: `KILN_${stamp}`, displayName: 'Copycat', acceptTerms: true });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('handle_taken');
    const profile = await new HttpClient(a.url).get(`/api/creators/kiln_${stamp.toUpperCase()}`);
    expect(profile.body).toMatchObject({ handle: `kiln_${stamp}`, bio: 'Pots, live', following: false });
    // A new creator can go live straight away.
    expect((await c.post('/api/streams', { title: 'First show' })).status).toBe(201);
  });

  it('follower counts stay right under concurrent follows, repeats and unfollows', async () => {
    const creator = await newCreator(`count_${Date.now().toString(36)}`);
    const fans = await createBuyers(a, 30, 'fan');
    // Everyone follows twice at once, on both nodes.
    const answers = await Promise.all(
      fans.flatMap((f, i) =>
        [0, 1].map(() =>
          new HttpClient((i % 2 ? b : a).url).request('POST', `/api/creators/${creator.id}/follow`, undefined, {
            cookie: f.client.cookieHeader,
          }),
        ),
      ),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const count = async () => (await new HttpClient(a.url).get(`/api/creators/${creator.handle}`)).body.followerCount as number;
    expect(await count()).toBe(30);
    await Promise.all(fans.slice(0, 10).map((f) => f.client.request('DELETE', `/api/creators/${creator.id}/follow`)));
    expect(await count()).toBe(20);
    expect(await a.services.db.prisma.userFollow.count({ where: { followeeId: creator.id } })).toBe(20);
    expect((await creator.client.post(`/api/creators/${creator.id}/follow`)).status).toBe(400);
  });
});

describe('scheduled shows', () => {
  it('upcoming means a future start time: a created-but-never-live stream is not upcoming, a cancelled show neither', async () => {
    const creator = await newCreator(`sched_${Date.now().toString(36)}`);
    const listing = await createListing(a, { stock: 3, owner: 'creator@hawker.test' });
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const abandoned = (await creator.client.post('/api/streams', { title: 'Abandoned go-live' })).body.id as string;
    // Only the creator's own listings can be featured.
    expect(
      (await creator.client.post('/api/streams', { title: 'Show', scheduledAt: inTwoDays, featuredListingIds: [listing.id] })).status,
    ).toBe(403);
    const show = await creator.client.post('/api/streams', {
      title: 'Friday pottery drop',
      scheduledAt: inTwoDays,
      description: 'New glazes',
    });
    expect(show.status).toBe(201);
    expect(show.body).toMatchObject({ status: 'scheduled', scheduledAt: inTwoDays, description: 'New glazes', reminded: false });
    expect(
      (await creator.client.post('/api/streams', { title: 'Past', scheduledAt: new Date(Date.now() - 3_600_000).toISOString() })).status,
    ).toBe(400);
    const upcoming = (await new HttpClient(a.url).get('/api/streams?upcoming=true')).body.data as { id: string }[];
    expect(upcoming.map((s) => s.id)).toContain(show.body.id);
    expect(upcoming.map((s) => s.id)).not.toContain(abandoned);
    expect((await new HttpClient(a.url).get(`/api/creators/${creator.handle}`)).body.upcoming).toEqual([
      expect.objectContaining({ id: show.body.id }),
    ]);
    expect((await creator.client.post(`/api/streams/${show.body.id as string}/cancel`)).body.cancelledAt).toEqual(expect.any(String));
    expect(((await new HttpClient(a.url).get('/api/streams?upcoming=true')).body.data as { id: string }[]).map((s) => s.id)).not.toContain(
      show.body.id,
    );
    expect((await creator.client.request('PATCH', `/api/streams/${show.body.id as string}`, { title: 'Back on' })).status).toBe(409);
  });

  it('people who asked to be reminded hear of a new time and of the start, on their own channel and in the pull endpoint', async () => {
    const creator = await newCreator(`remind_${Date.now().toString(36)}`);
    const [fan] = await createBuyers(a, 1, 'reminded');
    const show = (
      await creator.client.post('/api/streams', { title: 'Glaze night', scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })
    ).body.id as string;
    expect((await fan!.client.post(`/api/streams/${show}/remind`)).body.reminded).toBe(true);
    const { pushes } = await socketOf(b, fan!.client.cookieHeader);
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await creator.client.request('PATCH', `/api/streams/${show}`, { scheduledAt: later });
    await a.services.notifications.drained();
    await goLive(a, show);
    await a.services.notifications.drained();
    const kinds = await until(
      () => pushes.map((p) => p.kind),
      (k) => k.length >= 2,
    );
    expect(kinds).toEqual(['show.rescheduled', 'show.starting']);
    const pulled = await fan!.client.get('/api/notifications');
    expect(pulled.body.data.map((n: { kind: string }) => n.kind)).toEqual(['show.starting', 'show.rescheduled']);
    expect(pulled.body.unread).toBe(2);
    expect((await fan!.client.post('/api/notifications/read', { all: true })).body.unread).toBe(0);
  });
});

describe('going live', () => {
  it('followers hear it on whichever node they are, muted and opted-out followers do not; rows are written too', async () => {
    const creator = await newCreator(`live_${Date.now().toString(36)}`);
    const [onA, onB, muted, optedOut, stranger] = await createBuyers(a, 5, 'listener');
    for (const f of [onA, onB, muted, optedOut]) expect((await f!.client.post(`/api/creators/${creator.id}/follow`)).status).toBe(200);
    await muted!.client.post(`/api/creators/${creator.id}/mute`);
    await optedOut!.client.request('PUT', '/api/notifications/preferences', { kind: 'creator.live', inApp: false });
    const listeners = {
      onA: await socketOf(a, onA!.client.cookieHeader),
      onB: await socketOf(b, onB!.client.cookieHeader),
      muted: await socketOf(b, muted!.client.cookieHeader),
      optedOut: await socketOf(a, optedOut!.client.cookieHeader),
      stranger: await socketOf(b, stranger!.client.cookieHeader),
    };
    const stream = (await creator.client.post('/api/streams', { title: 'Surprise sale' })).body.id as string;
    const t0 = Date.now();
    await goLive(a, stream);
    await until(
      () => listeners.onA.pushes.length + listeners.onB.pushes.length,
      (n) => n >= 2,
      5000,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(listeners.onA.pushes[0]).toMatchObject({ kind: 'creator.live', payload: { url: `/live/${stream}`, creatorId: creator.id } });
    expect(listeners.onB.pushes[0]?.kind).toBe('creator.live');
    await a.services.notifications.drained();
    await new Promise((r) => setTimeout(r, 300));
    expect([listeners.muted.pushes, listeners.optedOut.pushes, listeners.stranger.pushes]).toEqual([[], [], []]);
    const rows = await a.services.db.prisma.notification.findMany({
      where: { kind: 'creator.live', payload: { path: ['url'], equals: `/live/${stream}` } },
    });
    expect(rows.map((r) => r.userId).sort()).toEqual([onA!.id, onB!.id].sort());
    // Unmuting puts the follower's open socket back in the creator's room at once.
    await muted!.client.request('DELETE', `/api/creators/${creator.id}/mute`);
    const second = (await creator.client.post('/api/streams', { title: 'Encore' })).body.id as string;
    await goLive(a, second);
    await until(
      () => listeners.muted.pushes.length,
      (n) => n >= 1,
      5000,
    );
    expect(listeners.muted.pushes[0]?.payload.url).toBe(`/live/${second}`);
  });
});
