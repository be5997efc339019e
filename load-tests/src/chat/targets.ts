import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChatMessageView } from '@hawker/shared';
import { WebSocketServer, type WebSocket } from 'ws';
import { ChatFanout } from '../../../api/src/realtime/chat-fanout.js';
import type { HawkerServer } from '../../../api/src/realtime/io.js';
import { roomName } from '../../../api/src/realtime/room.handlers.js';
import { createChatters, createLiveStream, startRoomBenchApi, type BenchDatabase } from './fixtures.js';
import type { ChatBenchOptions } from './options.js';

/**
 * What one run measures, in this process (its CPU is the bench's): Hawker's
 * api node, or the raw floor. The viewer and sender processes talk to either
 * the same way (lean Engine.IO clients).
 */
export interface ChatTarget {
  url: string;
  streamId: string;
  /** Session cookies for the senders, one each. */
  cookies: string[];
  /** --join server: puts every connected viewer (guest) socket into the room. */
  joinViewers(): void;
  roomSize(): number;
  /** One small frame to the whole room (the broadcast probe). */
  broadcast(count: number): void;
  perMessageDeflate: boolean;
  close(): Promise<void>;
}

/** A fresh api node on the bench's database and Redis, with a live stream and `o.senders` logged-in users. */
export async function hawkerTarget(nodeId: string, chatBatchMs: number, db: BenchDatabase, o: ChatBenchOptions): Promise<ChatTarget> {
  const api = await startRoomBenchApi({ DATABASE_URL: db.url, REDIS_URL: o.redisUrl, NODE_ID: nodeId, CHAT_BATCH_MS: String(chatBatchMs) });
  try {
    const streamId = await createLiveStream(api, `Chat bench (${nodeId})`);
    const cookies = await createChatters(api, o.senders);
    const room = roomName(streamId);
    const sockets = () => api.io.of('/').sockets.values();
    return {
      url: api.url,
      streamId,
      cookies,
      joinViewers: () => {
        // The viewers are the guests; the senders (logged in) stay out of the room.
        for (const socket of sockets()) if (!socket.data.userId) void socket.join(room);
      },
      roomSize: () => api.io.of('/').adapter.rooms.get(room)?.size ?? 0,
      broadcast: (count) => api.io.to(room).emit('viewers:count', { streamId, count }),
      perMessageDeflate: Boolean(api.io.engine.opts.perMessageDeflate),
      close: () => api.close(),
    };
  } catch (err) {
    await api.close();
    throw err;
  }
}

/**
 * The floor: a plain `ws` server, no Socket.IO, no database. It speaks just
 * enough Engine.IO for the bench's clients (open, connect, acks), answers
 * chat:send at once, and hands the message to Hawker's own ChatFanout (the
 * same windows, so the same `chat:message`/`chat:batch` frames at the same
 * times), whose room emit here encodes the frame once and writes it to each
 * viewer's socket as one buffer (all in one turn, with no per-socket work
 * but the write): what Hawker's broadcast path ends with, and all it cannot
 * avoid.
 */
export async function floorTarget(chatBatchMs: number, o: ChatBenchOptions): Promise<ChatTarget> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const streamId = randomUUID();
  const guests = new Map<WebSocket, Socket>();
  const room = new Set<Socket>();
  const write = (event: string, payload: unknown) => {
    const frame = textFrame(`42${JSON.stringify([event, payload])}`);
    // On the next turn, as Hawker writes a big room's broadcast (broadcast-turns.ts): the
    // fan-out re-arms its window when the flush returns, so writing here would stretch the
    // windows by the writes' time and send fewer, fuller frames than Hawker does.
    setImmediate(() => {
      for (const socket of room) socket.write(frame);
    });
  };
  const io = { to: () => ({ emit: write }) } as unknown as HawkerServer;
  const fanout = new ChatFanout(io, chatBatchMs);
  let seq = 0;
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const user = req.headers.cookie ? { id: randomUUID(), displayName: `floor chatter ${seq++}` } : null;
    if (!user) guests.set(ws, req.socket);
    ws.on('error', () => undefined);
    ws.on('close', () => {
      room.delete(req.socket);
      guests.delete(ws);
    });
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text === '40') ws.send(`40{"sid":"${randomBytes(8).toString('hex')}"}`);
      if (!text.startsWith('42')) return;
      const bracket = text.indexOf('[');
      const id = text.slice(2, bracket);
      const [event, payload] = JSON.parse(text.slice(bracket)) as [string, { text?: string }];
      let answer: unknown = { ok: true };
      if (event === 'room:join' && !user) room.add(req.socket);
      else if (event === 'chat:send' && user) {
        const message: ChatMessageView = {
          id: randomUUID(),
          streamId,
          user,
          text: payload.text ?? '',
          createdAt: new Date().toISOString(),
        };
        answer = { ok: true, data: message };
        fanout.publish(message);
      }
      if (id) ws.send(`43${id}${JSON.stringify([answer])}`);
    });
    ws.send(`0{"sid":"${randomBytes(8).toString('hex')}","upgrades":[],"pingInterval":600000,"pingTimeout":600000,"maxPayload":65536}`);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    streamId,
    cookies: Array.from({ length: o.senders }, (_, i) => `floor=${i}`),
    joinViewers: () => guests.forEach((socket) => room.add(socket)),
    roomSize: () => room.size,
    broadcast: (count) => write('viewers:count', { streamId, count }),
    perMessageDeflate: false,
    close: async () => {
      fanout.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A server's unmasked, final WebSocket text frame (RFC 6455 §5.2), as one buffer. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const header = n < 126 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.from([0x81, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65536) {
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([header, payload]);
}
