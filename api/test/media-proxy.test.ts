import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, RoomSnapshot, ServerToClientEvents, AckResponse } from '@hawker/shared';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import type { RunningApi } from '../src/server.js';

// The api puts the media-server behind its own origin (/media/*) while its
// own Socket.IO server (/socket.io) carries the room. Both must keep working
// whichever is used first.
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let media: HttpServer;
let mediaIo: Server;
let mediaConnections = 0;
let api: RunningApi;
const sockets: Socket[] = [];

beforeAll(async () => {
  // A stand-in media-server: an HLS playlist and its signaling socket at /media/socket.io.
  media = createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/media/hls/') ? 200 : 404, { 'content-type': 'application/vnd.apple.mpegurl' });
    res.end('#EXTM3U\n');
  });
  mediaIo = new Server(media, { path: '/media/socket.io' });
  mediaIo.on('connection', () => {
    mediaConnections += 1;
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  api = await startTestApi({ mediaUrl: `http://127.0.0.1:${(media.address() as AddressInfo).port}` });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await api.close();
  await mediaIo.close();
});

async function connected(url: string, path: string): Promise<Socket> {
  const s = connect(url, { path, transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  return s;
}

describe('media proxy beside the room socket', () => {
  it('after HLS went through the proxy, room sockets still reach the api and /media sockets the media-server', async () => {
    const playlist = await fetch(`${api.url}/media/hls/some-stream/index.m3u8`);
    expect(playlist.status).toBe(200);
    expect(await playlist.text()).toContain('#EXTM3U');

    const creator = new HttpClient(api.url);
    await creator.login('creator@hawker.test');
    const streamId = (await creator.post('/api/streams', { title: 'Proxy and room' })).body.id as string;
    const room = (await connected(api.url, '/socket.io')) as ClientSocket;
    const joined: AckResponse<RoomSnapshot> = await room.timeout(5000).emitWithAck('room:join', { streamId });
    expect(joined).toMatchObject({ ok: true, data: { streamId } });

    const before = mediaConnections;
    await connected(api.url, '/media/socket.io');
    expect(mediaConnections).toBe(before + 1);
  });

  it('without a media-server, /media upgrades are refused at once and the api still closes', async () => {
    const bare = await startTestApi();
    await expect(connected(bare.url, '/media/socket.io')).rejects.toThrow();
    await bare.close();
  });
});
