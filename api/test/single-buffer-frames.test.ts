import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { joinPreEncodedFrames, SingleBufferFramesAdapter } from '../src/realtime/single-buffer-frames.js';

describe('room broadcasts written as one buffer per socket', () => {
  it('joins the pre-encoded frame the adapter computes into one buffer, and leaves other shapes alone', () => {
    const adapter = {
      _encode(_packet: unknown, options: { wsPreEncodedFrame?: unknown }) {
        options.wsPreEncodedFrame = [Buffer.from('\x81\x05'), Buffer.from('42[1]')];
        return ['2[1]'];
      },
    };
    joinPreEncodedFrames(adapter);
    const options: { wsPreEncodedFrame?: unknown } = {};
    expect(adapter._encode({}, options)).toEqual(['2[1]']);
    expect(options.wsPreEncodedFrame).toEqual([Buffer.from('\x81\x0542[1]')]);
    const none = { other: true };
    expect(joinPreEncodedFrames(none)).toBe(none);
  });

  it('a real room broadcast through the adapter arrives whole and in order', async () => {
    const http = createServer();
    const io = new Server(http, { adapter: SingleBufferFramesAdapter });
    io.on('connection', (s) => void s.join('room'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const clients = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<ReturnType<typeof connect>>((resolve) => {
            const c = connect(url, { transports: ['websocket'], forceNew: true });
            c.once('connect', () => resolve(c));
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    const texts = Array.from({ length: 50 }, (_, i) => `message ${i} ${'é'.repeat(i * 7)}`);
    const received = clients.map((c) => {
      const got: string[] = [];
      c.on('m', (t: string) => got.push(t));
      return got;
    });
    for (const t of texts) io.to('room').emit('m', t);
    await expect.poll(() => received.map((r) => r.length)).toEqual([50, 50, 50]);
    for (const r of received) expect(r).toEqual(texts);
    for (const c of clients) c.disconnect();
    await io.close();
  });
});
