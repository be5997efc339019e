import type { AckResponse, ChatMessageView, ClientToServerEvents, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApi, type HttpClient } from '../../test/support/api.js';
import { createBuyers } from '../../test/support/fixtures.js';
import { eventually } from '../../test/support/process.js';
import { ConfigError, loadApiConfig } from '../src/config.js';
import { CHAT_BATCH_MAX } from '../src/realtime/chat-fanout.js';
import type { RunningApi } from '../src/server.js';

/**
 * Chat fan-out coalescing, as viewers see it: every message arrives, once, in
 * the order its node published it, whether as `chat:message` or inside a
 * `chat:batch`. Real api nodes, PostgreSQL and Redis. No timings are asserted
 * beyond "within the window" (speed is the chat benchmark's job).
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Frame = { event: 'chat:message' | 'chat:batch'; ids: string[] };

const sockets: ClientSocket[] = [];
const nodes: RunningApi[] = [];
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const n of nodes) await n.close();
});

async function node(env: Record<string, string>): Promise<RunningApi> {
  const api = await startTestApi({ redis: true, env });
  nodes.push(api);
  return api;
}

/**
 * A fresh creator (written directly, no login: the login rate limit is shared
 * through Redis with every other test run) and their stream.
 */
async function newStream(api: RunningApi): Promise<{ streamId: string; creator: HttpClient }> {
  const [user] = await createBuyers(api, 1, 'host');
  await api.services.db.prisma.user.update({ where: { id: user!.id }, data: { roles: ['creator', 'buyer'] } });
  const res = await user!.client.post('/api/streams', { title: 'Busy chat' });
  if (res.status !== 201) throw new Error(`stream not created: ${res.status} ${res.text}`);
  return { streamId: res.body.id as string, creator: user!.client };
}

/** A joined socket that records every chat frame it receives, in arrival order. */
async function viewer(api: RunningApi, streamId: string, cookie = '') {
  const socket: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  sockets.push(socket);
  const frames: Frame[] = [];
  socket.on('chat:message', (m) => frames.push({ event: 'chat:message', ids: [m.id] }));
  socket.on('chat:batch', (b) => frames.push({ event: 'chat:batch', ids: b.messages.map((m) => m.id) }));
  await new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(undefined));
    socket.once('connect_error', reject);
  });
  const joined = await socket.timeout(5000).emitWithAck('room:join', { streamId });
  if (!joined.ok) throw new Error(joined.error.message);
  return { socket, frames, ids: () => frames.flatMap((f) => f.ids) };
}

/** Logged-in sockets for `count` fresh users (each has the 5-message burst of the rate limit). */
async function senders(api: RunningApi, streamId: string, count: number) {
  const users = await createBuyers(api, count, 'talker');
  return Promise.all(users.map((u) => viewer(api, streamId, u.client.cookieHeader)));
}

const send = (s: ClientSocket, streamId: string, text: string): Promise<AckResponse<ChatMessageView>> =>
  s.timeout(10_000).emitWithAck('chat:send', { streamId, text });

/** The order in which a node published chat messages (its domain events), i.e. the order viewers must see. */
function publishedOn(api: RunningApi): string[] {
  const order: string[] = [];
  api.services.events.on('chat.message', (m) => order.push(m.id));
  return order;
}

/** Fires `perSender` messages from every sender at once; returns the ids of the accepted ones. */
async function burst(from: { socket: ClientSocket }[], streamId: string, perSender: number, tag: string): Promise<string[]> {
  const acks = await Promise.all(
    from.flatMap((s, i) => Array.from({ length: perSender }, (_, j) => send(s.socket, streamId, `${tag} ${i}.${j}`))),
  );
  return acks.map((a) => {
    if (!a.ok) throw new Error(`send refused: ${a.error.code}`);
    return a.data.id;
  });
}

const waitFor = (what: string, done: () => boolean) => eventually(() => Promise.resolve(done() ? true : undefined), 10_000, what);

describe('chat fan-out coalescing', () => {
  it('reads CHAT_BATCH_MS: 100 ms by default, 0 turns coalescing off, garbage stops start-up', () => {
    expect(loadApiConfig({}).chatBatchMs).toBe(100);
    expect(loadApiConfig({ CHAT_BATCH_MS: '0' }).chatBatchMs).toBe(0);
    expect(() => loadApiConfig({ CHAT_BATCH_MS: 'soon' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ CHAT_BATCH_MS: '-5' })).toThrow(/CHAT_BATCH_MS/);
  });

  it('delivers a burst to every viewer complete and in publish order, a quiet room first message at once, the rest in batches', async () => {
    const api = await node({ NODE_ID: 'fanout-1', CHAT_BATCH_MS: '100' });
    const { streamId } = await newStream(api);
    const published = publishedOn(api);
    const watchers = await Promise.all([viewer(api, streamId), viewer(api, streamId), viewer(api, streamId)]);
    const talkers = await senders(api, streamId, 6);

    const accepted = await burst(talkers, streamId, 5, 'burst');
    expect(accepted).toHaveLength(30);
    for (const w of [...watchers, ...talkers]) await waitFor('the whole burst', () => w.ids().length >= accepted.length);

    expect(new Set(published)).toEqual(new Set(accepted));
    for (const w of watchers) {
      expect(w.ids()).toEqual(published);
      expect(w.frames[0]?.event).toBe('chat:message');
      expect(w.frames.some((f) => f.event === 'chat:batch' && f.ids.length > 1)).toBe(true);
      // Coalesced: far fewer frames than messages.
      expect(w.frames.length).toBeLessThan(accepted.length);
    }
  });

  it('sends a single message in a quiet room as chat:message and nothing after it', async () => {
    const api = nodes[0]!;
    const { streamId } = await newStream(api);
    const watcher = await viewer(api, streamId);
    const [talker] = await senders(api, streamId, 1);
    const ack = await send(talker!.socket, streamId, 'just me');
    if (!ack.ok) throw new Error(ack.error.code);
    await waitFor('the message', () => watcher.frames.length > 0);
    // Past the window: the window closes with nothing waiting, no batch follows.
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.frames).toEqual([{ event: 'chat:message', ids: [ack.data.id] }]);
  });

  it('with CHAT_BATCH_MS=0 sends every message as its own chat:message', async () => {
    const api = await node({ NODE_ID: 'fanout-off', CHAT_BATCH_MS: '0' });
    const { streamId } = await newStream(api);
    const published = publishedOn(api);
    const watcher = await viewer(api, streamId);
    const accepted = await burst(await senders(api, streamId, 4), streamId, 5, 'plain');
    await waitFor('every message', () => watcher.ids().length >= accepted.length);
    expect(watcher.frames.every((f) => f.event === 'chat:message')).toBe(true);
    expect(watcher.ids()).toEqual(published);
  });

  it('caps a batch at CHAT_BATCH_MAX messages and sends a full batch before the window ends', async () => {
    const api = await node({ NODE_ID: 'fanout-cap', CHAT_BATCH_MS: '2000' });
    const { streamId } = await newStream(api);
    const watcher = await viewer(api, streamId);
    const talkers = await senders(api, streamId, 25);
    const accepted = await burst(talkers, streamId, 5, 'flood');
    expect(accepted.length).toBeGreaterThan(CHAT_BATCH_MAX + 1);
    // The first message went out at once and the next CHAT_BATCH_MAX filled a batch, long before the 2 s window ends.
    await waitFor('a full batch', () => watcher.frames.some((f) => f.ids.length === CHAT_BATCH_MAX));
    await waitFor('the rest, when the window ends', () => watcher.ids().length >= accepted.length);
    expect(Math.max(...watcher.frames.map((f) => f.ids.length))).toBe(CHAT_BATCH_MAX);
    expect(new Set(watcher.ids())).toEqual(new Set(accepted));
  });

  it('never delivers a waiting message after its deletion; a stream end flushes the window first', async () => {
    const api = await node({ NODE_ID: 'fanout-slow', CHAT_BATCH_MS: '2000' });
    const { streamId, creator } = await newStream(api);
    const watcher = await viewer(api, streamId);
    const deleted: string[] = [];
    watcher.socket.on('chat:deleted', (e) => deleted.push(e.messageId));
    const ended: number[] = [];
    watcher.socket.on('stream:ended', () => ended.push(watcher.ids().length));
    const [talker] = await senders(api, streamId, 1);
    const host = await viewer(api, streamId, creator.cookieHeader);

    const ids: string[] = [];
    for (const text of ['opens the window', 'deleted while waiting', 'kept']) {
      const ack = await send(talker!.socket, streamId, text);
      if (!ack.ok) throw new Error(ack.error.code);
      ids.push(ack.data.id);
    }
    expect(await host.socket.timeout(5000).emitWithAck('chat:delete', { streamId, messageId: ids[1]! })).toEqual({ ok: true, data: null });
    await waitFor('the deletion', () => deleted.length > 0);
    expect(watcher.ids()).toEqual([ids[0]]);

    expect((await creator.post(`/api/streams/${streamId}/end`)).status).toBe(200);
    await waitFor('the end of the stream', () => ended.length > 0);
    // "kept" came before stream:ended, though its window had not ended; the deleted one never came.
    expect(ended[0]).toBe(2);
    expect(watcher.ids()).toEqual([ids[0], ids[2]]);
  });

  it('delivers messages accepted on two nodes to viewers on both, each node in its own publish order', async () => {
    const a = await node({ NODE_ID: 'fanout-a', CHAT_BATCH_MS: '100' });
    const b = await node({ NODE_ID: 'fanout-b', CHAT_BATCH_MS: '100' });
    const { streamId } = await newStream(a);
    const [onA, onB] = [publishedOn(a), publishedOn(b)];
    const watchers = await Promise.all([viewer(a, streamId), viewer(b, streamId)]);
    const [talkersA, talkersB] = await Promise.all([senders(a, streamId, 3), senders(b, streamId, 3)]);
    const accepted = (await Promise.all([burst(talkersA, streamId, 5, 'from a'), burst(talkersB, streamId, 5, 'from b')])).flat();

    for (const w of watchers) {
      await waitFor('both nodes’ messages', () => w.ids().length >= accepted.length);
      expect(new Set(w.ids())).toEqual(new Set(accepted));
      expect(w.ids()).toHaveLength(accepted.length);
      // Between nodes there is no global order; each node's own stream is in order.
      expect(w.ids().filter((id) => onA.includes(id))).toEqual(onA);
      expect(w.ids().filter((id) => onB.includes(id))).toEqual(onB);
    }
  });

  it('sends what is waiting when a node shuts down, to the viewers on the other node', async () => {
    const leaving = await node({ NODE_ID: 'fanout-leaving', CHAT_BATCH_MS: '2000' });
    const staying = await node({ NODE_ID: 'fanout-staying', CHAT_BATCH_MS: '2000' });
    const { streamId } = await newStream(staying);
    const watcher = await viewer(staying, streamId);
    const accepted = await burst(await senders(leaving, streamId, 1), streamId, 3, 'last words');
    await waitFor('the first message', () => watcher.ids().length > 0);
    expect(watcher.ids().length).toBeLessThan(accepted.length);
    await leaving.close();
    await waitFor('the waiting messages', () => watcher.ids().length >= accepted.length);
    expect(new Set(watcher.ids())).toEqual(new Set(accepted));
  });
});
