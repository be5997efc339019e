import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TURN_SOCKETS } from '../src/realtime/broadcast-turns.js';
import { directFrameWrites } from '../src/realtime/direct-frames.js';
import { SingleBufferFramesAdapter } from '../src/realtime/single-buffer-frames.js';

/**
 * A broadcast to a big room is written a batch of sockets per event-loop
 * turn (broadcast-turns.ts): the node answers requests between batches, and
 * every socket still gets the room's events in the order they were sent.
 */
const VIEWERS = TURN_SOCKETS * 2 + 100;
let io: Server;
let url: string;
const clients: ClientSocket[] = [];

beforeAll(async () => {
  const http = createServer();
  io = new Server(http, { adapter: SingleBufferFramesAdapter });
  io.on('connection', (s) => {
    void s.join('room');
    s.on('ping:me', (ack: (n: number) => void) => ack(1));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  for (let i = 0; i < VIEWERS; i += 100)
    clients.push(
      ...(await Promise.all(
        Array.from(
          { length: Math.min(100, VIEWERS - i) },
          () =>
            new Promise<ClientSocket>((resolve) => {
              const c = connect(url, { transports: ['websocket'], forceNew: true });
              c.once('connect', () => resolve(c));
            }),
        ),
      )),
    );
  await new Promise((r) => setTimeout(r, 200));
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await io.close();
});

/** Counts what the server has written for the sockets since: through Engine.IO, and straight to the socket (direct-frames.ts). */
function countWrites(): { written: () => number; direct: () => number } {
  let viaEngine = 0;
  const direct0 = directFrameWrites();
  for (const s of io.of('/').sockets.values()) {
    const client = s.client as unknown as { writeToEngine: (...args: unknown[]) => void };
    const write = client.writeToEngine.bind(client);
    client.writeToEngine = (...args: unknown[]) => {
      viaEngine += 1;
      write(...args);
    };
  }
  const direct = () => directFrameWrites() - direct0;
  return { written: () => viaEngine + direct(), direct };
}

describe('broadcasts to a big room, written in turns', () => {
  it('writes a batch per event-loop turn, so other work runs between batches; every socket gets it in the end', async () => {
    const { written } = countWrites();
    const heard = Promise.all(clients.map((c) => new Promise((resolve) => c.once('big', resolve))));
    io.to('room').emit('big', { n: 1 });
    // Nothing was written inside the emit call itself, and after one turn only the first batch.
    expect(written()).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(written()).toBe(TURN_SOCKETS);
    await heard;
    expect(written()).toBe(VIEWERS);
  });

  it("writes an idle viewer's copy straight to its socket, and a busy one's behind what Engine.IO still holds for it", async () => {
    const { direct } = countWrites();
    const heard = Promise.all(clients.map((c) => new Promise((resolve) => c.once('idle', resolve))));
    io.to('room').emit('idle', { n: 1 });
    await heard;
    // Every connection was idle: no packet objects, events or send callbacks per viewer.
    expect(direct()).toBe(VIEWERS);

    // Busy: '1' waits in Engine.IO's buffer behind '0' (whose send has not called back yet),
    // so the broadcast '2' must queue behind it too, not overtake it on the wire.
    const busy = clients.slice(20, 30);
    const got = busy.map(() => [] as string[]);
    busy.forEach((c, i) => c.on('order', (x: string) => got[i]!.push(x)));
    const before = direct();
    for (const c of busy) {
      const s = io.of('/').sockets.get(c.id!)!;
      void s.join('busy');
      s.emit('order', '0');
      s.emit('order', '1');
    }
    io.to('busy').emit('order', '2');
    expect(direct() - before).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    got.forEach((seen) => expect(seen).toEqual(['0', '1', '2']));
  });

  it('keeps room events in the order they were sent, a small broadcast behind a big one included', async () => {
    const got = clients.map(() => [] as string[]);
    clients.forEach((c, i) => c.on('seq', (s: string) => got[i]!.push(s)));
    const first = clients.slice(0, 10).map((c) => c.id);
    for (const id of first) void io.of('/').sockets.get(id!)?.join('few');
    io.to('room').emit('seq', 'a');
    io.to('few').emit('seq', 'b');
    io.to('room').emit('seq', 'c');
    await new Promise((r) => setTimeout(r, 2000));
    got.forEach((seen, i) => expect(seen).toEqual(i < 10 ? ['a', 'b', 'c'] : ['a', 'c']));
  });
});
