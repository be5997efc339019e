import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { MEDIA_INTERNAL_HEADER, mediaErrorCodes } from '@hawker/shared';
import { loadMediaConfig } from '../src/config.js';
import { startMediaServer, type MediaServer } from '../src/server.js';
import { startFakeApi, type FakeApi } from './support/fake-api.js';
import { captureLogs, LEVEL } from './support/logs.js';
import { connectMedia, nextEvent, refusalOf, type ConnectedClient } from './support/media-client.js';
import { mintMediaToken, testSecret, unsignedToken } from './support/tokens.js';
import { waitFor } from './support/wait.js';

/**
 * The media signaling contract from a socket.io-client's point of view: who
 * gets in, what a viewer may not do, what garbage gets back, and how the
 * broadcast's lifecycle reaches its clients and the api.
 */

/** What mediasoup-client sends for a 3-layer VP8 simulcast camera. */
const simulcastVideo = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'transport-cc' }],
    },
  ],
  headerExtensions: [
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 10 },
  ],
  encodings: [
    { rid: 'r0', scalabilityMode: 'L1T3', maxBitrate: 150_000 },
    { rid: 'r1', scalabilityMode: 'L1T3', maxBitrate: 500_000 },
    { rid: 'r2', scalabilityMode: 'L1T3', maxBitrate: 1_500_000 },
  ],
  rtcp: { cname: 'seller-cam', reducedSize: true },
};
const opusAudio = {
  mid: '1',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
  encodings: [{ ssrc: 1234567 }],
  rtcp: { cname: 'seller-cam', reducedSize: true },
};

describe('media signaling', () => {
  const { logger, lines } = captureLogs('info');
  const secret = testSecret();
  const streamId = randomUUID();
  let hlsDir: string;
  let api: FakeApi;
  let server: MediaServer;
  const clients: ConnectedClient[] = [];

  const token = (role: 'publish' | 'consume', extra: Parameters<typeof mintMediaToken>[1] extends infer O ? Partial<O> : never = {}) =>
    mintMediaToken(secret, { streamId, role, sub: `${role}-${clients.length}`, ...extra });
  const connect = async (role: 'publish' | 'consume') => {
    const client = await connectMedia(server.url, await token(role));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    [hlsDir, api] = await Promise.all([mkdtemp(path.join(os.tmpdir(), 'hawker-signaling-hls-')), startFakeApi(secret)]);
    const config = loadMediaConfig({
      MEDIA_PORT: '0',
      MEDIA_WORKERS: '2',
      RTC_MIN_PORT: '43300',
      RTC_MAX_PORT: '43399',
      RTC_LISTEN_IP: '127.0.0.1',
      MEDIA_TOKEN_SECRET: secret,
      API_INTERNAL_URL: api.url,
      HLS_DIR: hlsDir,
      MAX_WEBRTC_VIEWERS_PER_STREAM: '2',
      PUBLISHER_GRACE_MS: '1500',
    });
    server = await startMediaServer(config, { logger });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await api?.close();
    if (hlsDir) await rm(hlsDir, { recursive: true, force: true });
  });

  it('refuses missing, forged, expired, unsigned and malformed tokens', async () => {
    const forged = await mintMediaToken(testSecret(), { streamId, role: 'publish' });
    const expired = await mintMediaToken(secret, { streamId, role: 'publish', expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const noExpiry = await mintMediaToken(secret, { streamId, role: 'publish', expiresAt: null });
    const badStream = await mintMediaToken(secret, { streamId: 'not-a-uuid', role: 'publish' });
    const badRole = await mintMediaToken(secret, { streamId, role: 'publish', claims: { role: 'admin' } });
    const cases: [string, unknown][] = [
      ['missing', undefined],
      ['empty', ''],
      ['a number', 42],
      ['garbage', 'not.a.jwt'],
      ['signed with another secret', forged],
      ['expired', expired],
      ['without exp', noExpiry],
      ['alg none', unsignedToken({ sub: 'u', streamId, role: 'publish' })],
      ['streamId not a uuid', badStream],
      ['unknown role', badRole],
    ];
    const refusals = await Promise.all(cases.map(async ([name, t]) => [name, await refusalOf(server.url, t)]));
    expect(refusals).toEqual(cases.map(([name]) => [name, 'invalid_token']));
    expect(server.registry.size).toBe(0);
  });

  it('refuses a viewer while the stream is not live', async () => {
    expect(await refusalOf(server.url, await token('consume'))).toBe('not_live');
  });

  it('welcomes the publisher and then viewers with the router capabilities', async () => {
    const publisher = await connect('publish');
    expect(publisher.welcome).toMatchObject({ streamId, role: 'publish' });
    const mimeTypes = (publisher.welcome.routerRtpCapabilities.codecs as { mimeType: string }[]).map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    const viewer = await connect('consume');
    expect(viewer.welcome).toMatchObject({ streamId, role: 'consume' });
    expect(viewer.welcome.routerRtpCapabilities).toEqual(publisher.welcome.routerRtpCapabilities);
  });

  it('never lets a viewer send', async () => {
    const viewer = clients[1]!;
    expect(await viewer.request('media:createTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const recv = await viewer.request('media:createTransport', { direction: 'recv' });
    if (!recv.ok) throw new Error(recv.error.message);
    const produce = await viewer.request('media:produce', { transportId: recv.data.id, kind: 'video', rtpParameters: simulcastVideo });
    expect(produce).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(server.registry.get(streamId)?.producerCount).toBe(0);
  });

  it('answers garbage with invalid_payload or transport_missing and keeps serving', async () => {
    const [publisher, viewer] = clients as [ConnectedClient, ConnectedClient];
    const send = await publisher.request('media:createTransport', { direction: 'send' });
    const recv = await viewer.request('media:createTransport', { direction: 'recv' });
    if (!send.ok || !recv.ok) throw new Error('transport creation failed');
    const cases: [string, ConnectedClient, string, unknown[]][] = [
      ['bad enum', publisher, 'media:createTransport', [{ direction: 'sideways' }]],
      ['extra key', publisher, 'media:createTransport', [{ direction: 'send', admin: true }]],
      ['string payload', publisher, 'media:createTransport', ['send']],
      ['null payload', publisher, 'media:connectTransport', [null]],
      ['no payload, only a callback', publisher, 'media:stats', []],
      ['array payload', viewer, 'media:consume', [[1, 2, 3]]],
      ['oversized id', viewer, 'media:resumeConsumer', [{ consumerId: 'x'.repeat(101) }]],
      ['layer out of range', viewer, 'media:setPreferredLayers', [{ consumerId: 'c', spatialLayer: 9 }]],
      ['garbage DTLS', publisher, 'media:connectTransport', [{ transportId: send.data.id, dtlsParameters: { fingerprints: 'nope' } }]],
      ['garbage RTP parameters', publisher, 'media:produce', [{ transportId: send.data.id, kind: 'video', rtpParameters: { codecs: 7 } }]],
      ['garbage capabilities', viewer, 'media:consume', [{ transportId: recv.data.id, rtpCapabilities: { codecs: [{ mimeType: 5 }] } }]],
      ['unknown consumer', viewer, 'media:resumeConsumer', [{ consumerId: 'nope' }]],
      ['unknown transport', publisher, 'media:connectTransport', [{ transportId: 'nope', dtlsParameters: {} }]],
      ['unknown transport (ICE)', viewer, 'media:restartIce', [{ transportId: 'nope' }]],
      ["someone else's transport", viewer, 'media:connectTransport', [{ transportId: send.data.id, dtlsParameters: {} }]],
    ];
    const codes: [string, unknown][] = [];
    for (const [name, client, event, args] of cases) {
      const res = await client.raw(event, ...args);
      codes.push([name, res.ok ? 'ok' : res.error.code]);
    }
    expect(codes).toEqual([
      ['bad enum', 'invalid_payload'],
      ['extra key', 'invalid_payload'],
      ['string payload', 'invalid_payload'],
      ['null payload', 'invalid_payload'],
      ['no payload, only a callback', 'invalid_payload'],
      ['array payload', 'invalid_payload'],
      ['oversized id', 'invalid_payload'],
      ['layer out of range', 'invalid_payload'],
      ['garbage DTLS', 'invalid_payload'],
      ['garbage RTP parameters', 'invalid_payload'],
      ['garbage capabilities', 'invalid_payload'],
      ['unknown consumer', 'invalid_payload'],
      ['unknown transport', 'transport_missing'],
      ['unknown transport (ICE)', 'transport_missing'],
      ["someone else's transport", 'transport_missing'],
    ]);

    // No ack callback at all, and an event nobody handles: ignored, not fatal.
    publisher.socket.emit('media:createTransport', { direction: 'send' } as never, undefined as never);
    (viewer.socket as unknown as { emit(e: string, p: unknown): void }).emit('media:launchMissiles', { now: true });
    expect(await viewer.request('media:stats', {})).toEqual({ ok: true, data: { viewers: 1, producers: 0, live: false } });
    expect(lines.some((l) => l.level >= LEVEL.error)).toBe(false);
  });

  it('fans a simulcast publish out to viewers on another worker, who consume both kinds and pick layers', async () => {
    const [publisher, viewer] = clients as [ConnectedClient, ConnectedClient];
    const broadcast = server.registry.get(streamId)!;
    const send = await publisher.request('media:createTransport', { direction: 'send' });
    if (!send.ok) throw new Error(send.error.message);
    const added = new Promise<unknown[]>((resolve) => {
      const seen: unknown[] = [];
      viewer.socket.on('media:producerAdded', (p) => {
        seen.push(p);
        if (seen.length === 2) resolve(seen);
      });
    });
    const video = await publisher.request('media:produce', { transportId: send.data.id, kind: 'video', rtpParameters: simulcastVideo });
    const audio = await publisher.request('media:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opusAudio });
    if (!video.ok || !audio.ok) throw new Error('produce failed');
    expect(await added).toEqual([
      { producerId: video.data.producerId, kind: 'video' },
      { producerId: audio.data.producerId, kind: 'audio' },
    ]);

    const recv = await viewer.request('media:createTransport', { direction: 'recv' });
    if (!recv.ok) throw new Error(recv.error.message);
    const consumed = await viewer.request('media:consume', {
      transportId: recv.data.id,
      rtpCapabilities: viewer.welcome.routerRtpCapabilities,
    });
    if (!consumed.ok) throw new Error(consumed.error.message);
    expect(consumed.data.consumers.map((c) => [c.kind, c.producerId]).sort()).toEqual(
      [
        ['audio', audio.data.producerId],
        ['video', video.data.producerId],
      ].sort(),
    );

    const peer = broadcast.getPeer(viewer.socket.id!)!;
    expect(peer.workerIndex).not.toBe(broadcast.producerWorkerIndex);
    const videoConsumer = peer.consumers.find((c) => c.kind === 'video')!;
    expect(videoConsumer.type).toBe('simulcast');
    expect(videoConsumer.paused).toBe(true);
    expect(videoConsumer.preferredLayers).toEqual({ spatialLayer: 2, temporalLayer: 2 });

    const id = consumed.data.consumers.find((c) => c.kind === 'video')!.id;
    expect(await viewer.request('media:setPreferredLayers', { consumerId: id, spatialLayer: 0, temporalLayer: 1 })).toEqual({
      ok: true,
      data: null,
    });
    expect(videoConsumer.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 1 });
    expect(await viewer.request('media:resumeConsumer', { consumerId: id })).toEqual({ ok: true, data: null });
    expect(videoConsumer.paused).toBe(false);
    const restarted = await viewer.request('media:restartIce', { transportId: recv.data.id });
    expect(restarted.ok && typeof restarted.data.iceParameters.usernameFragment).toBe('string');

    expect(await viewer.request('media:stats', {})).toEqual({ ok: true, data: { viewers: 1, producers: 2, live: true } });
    expect(await api.waitForEvent('broadcast.live')).toMatchObject({ streamId, hlsPath: `/media/hls/${streamId}/index.m3u8` });
  });

  it('caps WebRTC viewers per stream with webrtc_capacity, and frees the place when one leaves', async () => {
    await connect('consume'); // the second of two places
    expect(await refusalOf(server.url, await token('consume'))).toBe('webrtc_capacity');
    const leaving = clients.pop()!;
    leaving.close();
    await waitFor(() => server.registry.get(streamId)!.viewerCount === 1, { description: 'viewer count back to 1' });
    expect(await refusalOf(server.url, await token('consume'))).toBe('connected');
  });

  it('keeps the broadcast through a publisher reconnect, and the newest publisher connection wins', async () => {
    const [first, viewer] = clients as [ConnectedClient, ConnectedClient];
    const broadcast = server.registry.get(streamId)!;
    const closedConsumers = new Set<string>();
    viewer.socket.on('media:consumerClosed', ({ consumerId }) => closedConsumers.add(consumerId));

    first.close();
    await waitFor(() => lines.some((l) => l.msg === 'publisher disconnected; waiting for it to come back'));
    const second = await connect('publish');
    expect(server.registry.get(streamId)).toBe(broadcast);
    // The old connection's producers are gone; the viewer was told about each consumer.
    await waitFor(() => closedConsumers.size === 2, { description: 'two media:consumerClosed' });
    expect(broadcast.producerCount).toBe(0);

    // A second tab takes over: the older publisher connection is disconnected by the server.
    const kicked = new Promise<string>((resolve) => second.socket.once('disconnect', resolve));
    const third = await connect('publish');
    expect(await kicked).toBe('io server disconnect');
    expect(server.registry.get(streamId)).toBe(broadcast);
    expect(broadcast.publisher?.id).toBe(third.socket.id);
    expect(viewer.socket.connected).toBe(true);
  });

  it('closes the broadcast when the publisher stays away past the grace period', async () => {
    const publisher = clients.at(-1)!;
    const viewer = clients[1]!;
    const closed = nextEvent(viewer.socket, 'media:broadcastClosed', 5_000);
    const disconnected = new Promise<string>((resolve) => viewer.socket.once('disconnect', resolve));
    const t0 = performance.now();
    publisher.close();
    expect(await closed).toEqual({ streamId, reason: 'publisher_left' });
    const graceMs = performance.now() - t0;
    expect(await disconnected).toBe('io server disconnect');
    expect(graceMs).toBeGreaterThanOrEqual(1_400);
    expect(server.registry.get(streamId)).toBeUndefined();

    const event = await api.waitForEvent('broadcast.closed');
    expect(event).toMatchObject({ streamId, reason: 'publisher_left', recordingPath: null });
    expect(event.durationMs).toBeGreaterThan(0);
    // The api ends a stream whose broadcast closed: neither viewers nor a publisher token minted before
    // that can open it again (a second broadcast would write over the replay).
    expect(await refusalOf(server.url, await token('consume'))).toBe('stream_ended');
    expect(await refusalOf(server.url, await token('publish'))).toBe('stream_ended');
    expect(server.registry.get(streamId)).toBeUndefined();
  });

  it('admits each token once: a copied token cannot seat a second viewer or publisher', async () => {
    const other = randomUUID();
    const publish = await mintMediaToken(secret, { streamId: other, role: 'publish', sub: 'copied' });
    const first = await connectMedia(server.url, publish);
    clients.push(first);
    expect(await refusalOf(server.url, publish)).toBe('invalid_token');
    const consume = await mintMediaToken(secret, { streamId: other, role: 'consume', sub: 'viewer' });
    const viewer = await connectMedia(server.url, consume);
    clients.push(viewer);
    expect(await refusalOf(server.url, consume)).toBe('invalid_token');
    // A publish token minted before the show was ended by the api (POST /internal/.../close) is refused.
    const spare = await mintMediaToken(secret, { streamId: other, role: 'publish', sub: 'spare' });
    const closed = await fetch(`${server.url}/internal/broadcasts/${other}/close`, {
      method: 'POST',
      headers: { [MEDIA_INTERNAL_HEADER]: secret },
    });
    expect(closed.status).toBe(200);
    expect(await refusalOf(server.url, spare)).toBe('stream_ended');
    // Also a stream that was ended before it ever went live here.
    const neverLive = randomUUID();
    const early = await mintMediaToken(secret, { streamId: neverLive, role: 'publish' });
    await fetch(`${server.url}/internal/broadcasts/${neverLive}/close`, { method: 'POST', headers: { [MEDIA_INTERNAL_HEADER]: secret } });
    expect(await refusalOf(server.url, early)).toBe('stream_ended');
  });

  it('refuses tokens that live longer than the verifier remembers used ones (10 minutes)', async () => {
    const longLived = await mintMediaToken(secret, { streamId: randomUUID(), role: 'publish', expiresAt: '2h' });
    expect(await refusalOf(server.url, longLived)).toBe('invalid_token');
  });

  it('stayed up and healthy throughout, with every ack code from the contract', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const codes = new Set(lines.filter((l) => l.msg === 'media request failed').map((l) => l.code as string));
    for (const code of codes) expect(mediaErrorCodes).toContain(code);
    expect(codes.has('internal_error')).toBe(false);
    expect(lines.filter((l) => l.level >= LEVEL.error)).toEqual([]);
    expect(api.rejected).toBe(0);
  });
});
