import { jwtVerify } from 'jose';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@hawker/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi, TEST_MEDIA_SECRET } from '../../test/support/api.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
let creator: HttpClient;
let buyer: HttpClient;
const internal = { 'x-hawker-internal': TEST_MEDIA_SECRET };

beforeAll(async () => {
  api = await startTestApi();
  creator = new HttpClient(api.url);
  await creator.login('creator@hawker.test');
  buyer = new HttpClient(api.url);
  await buyer.login('buyer@hawker.test');
});
afterAll(async () => {
  await api.close();
});

async function claims(token: string) {
  return (await jwtVerify(token, new TextEncoder().encode(TEST_MEDIA_SECRET), { algorithms: ['HS256'] })).payload;
}

describe('streams', () => {
  it('lets only creators create streams', async () => {
    const denied = await buyer.post('/api/streams', { title: 'Not mine' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('creator_role_required');
    expect((await new HttpClient(api.url).post('/api/streams', { title: 'x' })).status).toBe(401);
    expect((await creator.post('/api/streams', { title: '' })).status).toBe(400);
    const created = await creator.post('/api/streams', { title: 'Spring haul' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Spring haul',
      status: 'scheduled',
      hlsUrl: null,
      replayUrl: null,
      creator: { displayName: 'Mia Live' },
    });
  });

  it('mints publish tokens for the owner and consume tokens for everyone else', async () => {
    const { body: stream } = await creator.post('/api/streams', { title: 'Tokens' });
    const owner = await creator.post(`/api/streams/${stream.id}/media-token`);
    expect(owner.status).toBe(200);
    expect(owner.body.role).toBe('publish');
    expect(await claims(owner.body.token)).toMatchObject({ streamId: stream.id, role: 'publish', sub: expect.any(String) });
    const viewer = await buyer.post(`/api/streams/${stream.id}/media-token`);
    expect(await claims(viewer.body.token)).toMatchObject({ streamId: stream.id, role: 'consume' });
    const guest = await new HttpClient(api.url).post(`/api/streams/${stream.id}/media-token`);
    expect(guest.body.role).toBe('consume');
    expect((await claims(guest.body.token)).sub).toMatch(/^guest:/);
    const forged = await jwtVerify(viewer.body.token, new TextEncoder().encode('another-secret-another-secret-1234'), {
      algorithms: ['HS256'],
    }).catch(() => 'rejected');
    expect(forged).toBe('rejected');
  });

  it('goes live when the media-server says so, tells the room, and lists it', async () => {
    const { body: stream } = await creator.post('/api/streams', { title: 'Going live' });
    const viewerSocket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(api.url, {
      transports: ['websocket'],
      forceNew: true,
    });
    try {
      await viewerSocket.timeout(3000).emitWithAck('room:join', { streamId: stream.id });
      const liveEvent = new Promise((resolve) => viewerSocket.once('stream:live', resolve));
      const at = new Date().toISOString();
      const event = { type: 'broadcast.live', streamId: stream.id, at, hlsPath: `/media/hls/${stream.id}/index.m3u8` };
      expect((await new HttpClient(api.url).post('/api/internal/media-events', event)).status).toBe(401);
      expect((await new HttpClient(api.url).post('/api/internal/media-events', event, { 'x-hawker-internal': 'wrong' })).status).toBe(401);
      expect((await new HttpClient(api.url).post('/api/internal/media-events', event, internal)).status).toBe(200);
      expect(await liveEvent).toEqual({ streamId: stream.id, startedAt: at, hlsUrl: `/media/hls/${stream.id}/index.m3u8` });
      const detail = await buyer.get(`/api/streams/${stream.id}`);
      expect(detail.body).toMatchObject({ status: 'live', startedAt: at, hlsUrl: `/media/hls/${stream.id}/index.m3u8`, viewerCount: 1 });
      const live = await buyer.get('/api/streams?status=live');
      expect(live.body.data).toContainEqual(expect.objectContaining({ id: stream.id, viewerCount: 1 }));
    } finally {
      viewerSocket.disconnect();
    }
  });

  it('ends only for the owner; the recording becomes the replay; no tokens after the end', async () => {
    const { body: stream } = await creator.post('/api/streams', { title: 'Ending' });
    await new HttpClient(api.url).post(
      '/api/internal/media-events',
      { type: 'broadcast.live', streamId: stream.id, at: new Date().toISOString(), hlsPath: `/media/hls/${stream.id}/index.m3u8` },
      internal,
    );
    expect((await buyer.post(`/api/streams/${stream.id}/end`)).status).toBe(403);
    const ended = await creator.post(`/api/streams/${stream.id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'ended', hlsUrl: null, endedAt: expect.any(String) });
    // The media-server's own close callback arrives afterwards and fills in the recording.
    const closed = {
      type: 'broadcast.closed',
      streamId: stream.id,
      at: new Date().toISOString(),
      reason: 'ended',
      recordingPath: `/media/hls/${stream.id}/index.m3u8`,
      durationMs: 4200,
    };
    expect((await new HttpClient(api.url).post('/api/internal/media-events', closed, internal)).status).toBe(200);
    const detail = await buyer.get(`/api/streams/${stream.id}`);
    expect(detail.body).toMatchObject({ status: 'ended', replayUrl: `/media/hls/${stream.id}/index.m3u8`, durationMs: 4200 });
    const token = await buyer.post(`/api/streams/${stream.id}/media-token`);
    expect(token.status).toBe(409);
    expect(token.body.error.code).toBe('stream_ended');
    expect((await creator.post(`/api/streams/${stream.id}/end`)).body.status).toBe('ended');
  });

  it('rejects malformed ids and unknown streams', async () => {
    expect((await buyer.get('/api/streams/not-a-uuid')).status).toBe(400);
    expect((await buyer.get('/api/streams/0190a0a0-0000-7000-8000-000000000000')).status).toBe(404);
    const badEvent = await new HttpClient(api.url).post('/api/internal/media-events', { type: 'broadcast.exploded' }, internal);
    expect(badEvent.status).toBe(400);
  });
});
