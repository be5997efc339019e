import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_UP_TO_BYTES, writeAllFramesWhole } from '../src/realtime/single-write-frames.js';

/**
 * A socket's own frames (acks, emits) leave in one write each when small
 * (single-write-frames.ts), and arrive exactly as sent; big ones keep ws's
 * header + payload writes.
 */
let io: Server;
let client: ClientSocket;
let server: ServerSocket;

beforeAll(async () => {
  const http = createServer();
  io = new Server(http);
  writeAllFramesWhole(io);
  const connected = new Promise<ServerSocket>((resolve) => io.on('connection', resolve));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  server = await connected;
});
afterAll(async () => {
  client.disconnect();
  await io.close();
});

/** The server socket's TCP writes while `send` runs: how many, and the first bytes of each. */
function writesDuring(send: () => void): { count: number; firstBytes: number[] } {
  const raw = (server.conn.transport as unknown as { socket: { _socket: { write: (...a: unknown[]) => boolean } } }).socket._socket;
  const write = raw.write;
  const firstBytes: number[] = [];
  raw.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    firstBytes.push(Buffer.isBuffer(chunk) ? chunk[0]! : -1);
    return write.call(this, chunk, ...rest);
  };
  try {
    send();
  } finally {
    raw.write = write;
  }
  return { count: firstBytes.length, firstBytes };
}

describe('single-write frames', () => {
  it('writes a small frame (UTF-8 included) as one buffer holding header and payload, and it arrives intact', async () => {
    const text = 'Grüße, 你好 — flash deal 🚀';
    const heard = new Promise((resolve) => client.once('small', resolve));
    const { count, firstBytes } = writesDuring(() => server.emit('small', text));
    // 0x81: a final text frame's first header byte, so the one write starts with the header.
    expect({ count, firstBytes }).toEqual({ count: 1, firstBytes: [0x81] });
    expect(await heard).toBe(text);
  });

  it('answers acks in one write each', async () => {
    server.on('ask', (n: number, ack: (m: number) => void) => ack(n * 2));
    const raw = (server.conn.transport as unknown as { socket: { _socket: { writev?: unknown; _writev?: unknown } } }).socket._socket;
    const writev = raw._writev as (...a: unknown[]) => void;
    let batched = 0;
    raw._writev = function (this: unknown, ...args: unknown[]) {
      batched += 1;
      return writev.apply(this, args);
    };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => client.emitWithAck('ask', i)));
    raw._writev = writev;
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(batched).toBe(0);
  });

  it('leaves a frame over the limit as header + payload, and it arrives intact', async () => {
    const big = 'x'.repeat(JOIN_UP_TO_BYTES + 1000);
    const heard = new Promise((resolve) => client.once('big', resolve));
    const { count } = writesDuring(() => server.emit('big', big));
    expect(count).toBe(2);
    expect(await heard).toBe(big);
  });
});
