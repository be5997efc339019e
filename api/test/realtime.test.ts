import type { AckResponse, ClientToServerEvents, RoomSnapshot, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import type { RunningApi } from '../src/server.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let node1: RunningApi;
let node2: RunningApi;
let streamId: string;
const sockets: ClientSocket[] = [];

function open(api: RunningApi, cookie = ''): Promise<ClientSocket> {
  const socket: ClientSocket = connect(api.url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function waitFor<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean,
) {
  return new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), 5000);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

beforeAll(async () => {
  node1 = await startTestApi({ redis: true, env: { NODE_ID: 'test-node-1' } });
  node2 = await startTestApi({ redis: true, env: { NODE_ID: 'test-node-2' } });
  const creator = await node1.services.db.prisma.user.findUniqueOrThrow({ where: { email: 'creator@hawker.test' } });
  const stream = await node1.services.db.prisma.stream.create({
    data: { creatorId: creator.id, title: 'Realtime test', status: 'live', startedAt: new Date() },
  });
  streamId = stream.id;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await node1.close();
  await node2.close();
});

describe('realtime (Socket.IO)', () => {
  it('answers a malformed room:join with an error ack, and the node keeps serving', async () => {
    const socket = await open(node1);
    const bad = await socket.timeout(3000).emitWithAck('room:join', { streamId: 'not-a-uuid' });
    expect(bad).toEqual({ ok: false, error: { code: 'invalid_payload', message: expect.stringContaining('streamId') } });
    const garbage = await socket.timeout(3000).emitWithAck('room:join', 'hello' as never);
    expect(garbage.ok).toBe(false);
    // An event with no ack callback and an unknown event must not crash the node either.
    const untyped = socket as unknown as { emit(event: string, ...args: unknown[]): void };
    untyped.emit('room:join', 42);
    untyped.emit('no:such:event');
    const sync = await socket.timeout(3000).emitWithAck('time:sync', { clientTime: 123 });
    expect(sync).toMatchObject({ ok: true, data: { clientTime: 123, serverTime: expect.any(Number) } });
  });

  it('answers not-found for a stream that does not exist', async () => {
    const socket = await open(node1);
    const res = await socket.timeout(3000).emitWithAck('room:join', { streamId: '0190a0a0-0000-7000-8000-000000000000' });
    expect(res).toEqual({ ok: false, error: { code: 'resource_missing', message: 'Stream not found.' } });
  });

  it('identifies logged-in users from the session cookie on the handshake', async () => {
    const http = new HttpClient(node1.url);
    const { user } = await http.login('buyer@hawker.test');
    await open(node1, http.cookieHeader);
    const [serverSocket] = await node1.io.fetchSockets().then((all) => all.filter((s) => s.data.userId === user.id));
    expect(serverSocket?.data).toMatchObject({ userId: user.id, roles: ['buyer'] });
  });

  it('carries room events across two api nodes through Redis', async () => {
    const a = await open(node1);
    const b = await open(node2);
    const joinA: AckResponse<RoomSnapshot> = await a.timeout(3000).emitWithAck('room:join', { streamId });
    expect(joinA).toMatchObject({ ok: true, data: { streamId, viewerCount: 1 } });
    const seenByA = waitFor(a, 'viewers:count', (p) => p.streamId === streamId && p.count === 2);
    const joinB = await b.timeout(3000).emitWithAck('room:join', { streamId });
    expect(joinB).toMatchObject({ ok: true, data: { viewerCount: 2 } });
    // A is connected to node 1, B joined on node 2: the count reached A through the adapter.
    expect(await seenByA).toEqual({ streamId, count: 2 });
    const live = await new HttpClient(node2.url).get('/api/streams?status=live');
    // Other test files share the database and may have live streams of their own.
    expect(live.body.data).toContainEqual(
      expect.objectContaining({ id: streamId, viewerCount: 2, creator: expect.objectContaining({ displayName: 'Mia Live' }) }),
    );

    const dropped = waitFor(a, 'viewers:count', (p) => p.streamId === streamId && p.count === 1);
    b.disconnect();
    expect(await dropped).toEqual({ streamId, count: 1 });
  });
});
