import type { AckResponse, MediaRequest, MediaRequestName, MediaResponses } from '@hawker/shared';
import { createWorker, type types } from 'mediasoup';
import type { FakeApi, MediaIo } from '../fake-api.js';

type MediaSocket = Parameters<Parameters<MediaIo['on']>[1]>[0];

/** Opus and VP8: what the real routers offer first (media-server/src/codecs.ts). */
const mediaCodecs: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];

interface Broadcast {
  producers: Map<string, types.Producer>;
  viewers: Set<MediaSocket>;
}

export interface StandInSfu {
  /** The producers of a stream's current broadcast, for assertions on what the studio sends. */
  producers(streamId: string): types.Producer[];
  /** Drops the creator's media socket, as a network failure would. */
  dropPublisher(streamId: string): void;
  close(): Promise<void>;
}

/**
 * Just enough of the media-server for the web's WebRTC tests: a real mediasoup
 * worker behind the signaling contract of shared/src/media.ts, on the fake
 * api's media socket. One router, no pipes, no HLS; it marks the stream live
 * on the first video producer (as the real api does on the media-server's
 * report) and keeps the stream's viewerCount.
 */
export async function startStandInSfu(api: FakeApi, ports: { min: number; max: number }): Promise<StandInSfu> {
  const worker = await createWorker({ logLevel: 'warn', rtcMinPort: ports.min, rtcMaxPort: ports.max });
  const router = await worker.createRouter({ mediaCodecs });
  const broadcasts = new Map<string, Broadcast>();
  const publishers = new Map<string, MediaSocket>();
  const broadcastOf = (streamId: string): Broadcast => {
    let broadcast = broadcasts.get(streamId);
    if (!broadcast) {
      broadcast = { producers: new Map(), viewers: new Set() };
      broadcasts.set(streamId, broadcast);
    }
    return broadcast;
  };
  const setViewerCount = (streamId: string) => {
    const stream = api.streams.get(streamId);
    if (stream) api.streams.set(streamId, { ...stream, viewerCount: broadcastOf(streamId).viewers.size });
  };

  api.mediaRefusal = null;
  // After the fake api's token check: viewers are refused until there is video to watch.
  api.mediaIo.use((socket, next) => {
    const claims = socket.data;
    const hasVideo = [...broadcastOf(claims.streamId).producers.values()].some((p) => p.kind === 'video');
    if (claims.role === 'consume' && !hasVideo) return next(new Error('not_live'));
    next();
  });

  api.mediaIo.on('connection', (socket) => {
    const { streamId, role } = socket.data;
    const broadcast = broadcastOf(streamId);
    const transports = new Map<string, types.WebRtcTransport>();
    const consumed = new Map<string, types.Consumer>();
    const transport = (id: string) => {
      const found = transports.get(id);
      if (!found) throw new Error('transport_missing');
      return found;
    };

    if (role === 'publish') publishers.set(streamId, socket);
    else {
      broadcast.viewers.add(socket);
      setViewerCount(streamId);
    }
    socket.emit('media:welcome', { streamId, role, routerRtpCapabilities: { ...router.rtpCapabilities } });

    handle(socket, 'media:createTransport', async () => {
      const created = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
      transports.set(created.id, created);
      return {
        id: created.id,
        iceParameters: { ...created.iceParameters },
        iceCandidates: created.iceCandidates.map((c) => ({ ...c })),
        dtlsParameters: { ...created.dtlsParameters },
      };
    });
    handle(socket, 'media:connectTransport', async ({ transportId, dtlsParameters }) => {
      await transport(transportId).connect({ dtlsParameters: dtlsParameters as unknown as types.DtlsParameters });
      return null;
    });
    handle(socket, 'media:produce', async ({ transportId, kind, rtpParameters }) => {
      if (role !== 'publish') throw new Error('forbidden');
      const producer = await transport(transportId).produce({ kind, rtpParameters: rtpParameters as unknown as types.RtpParameters });
      broadcast.producers.set(producer.id, producer);
      for (const viewer of broadcast.viewers) viewer.emit('media:producerAdded', { producerId: producer.id, kind });
      if (kind === 'video') api.markLive(streamId);
      return { producerId: producer.id };
    });
    handle(socket, 'media:consume', async ({ transportId, rtpCapabilities }) => {
      const caps = rtpCapabilities as unknown as types.RtpCapabilities;
      const consumers = [];
      for (const producer of broadcast.producers.values()) {
        const already = [...consumed.values()].some((c) => c.producerId === producer.id);
        if (already || producer.closed || !router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) continue;
        const consumer = await transport(transportId).consume({ producerId: producer.id, rtpCapabilities: caps, paused: true });
        consumed.set(consumer.id, consumer);
        consumer.on('producerclose', () => {
          consumed.delete(consumer.id);
          socket.emit('media:consumerClosed', { consumerId: consumer.id });
        });
        consumers.push({ id: consumer.id, producerId: producer.id, kind: consumer.kind, rtpParameters: { ...consumer.rtpParameters } });
      }
      return { consumers };
    });
    handle(socket, 'media:resumeConsumer', async ({ consumerId }) => {
      await consumed.get(consumerId)?.resume();
      return null;
    });
    handle(socket, 'media:restartIce', async ({ transportId }) => ({ iceParameters: { ...(await transport(transportId).restartIce()) } }));

    socket.on('disconnect', () => {
      for (const t of transports.values()) t.close();
      if (role === 'consume') {
        broadcast.viewers.delete(socket);
        setViewerCount(streamId);
        return;
      }
      if (publishers.get(streamId) !== socket) return;
      publishers.delete(streamId);
      broadcast.producers.clear();
      const reason = api.streams.get(streamId)?.status === 'ended' ? 'ended' : 'publisher_left';
      for (const viewer of broadcast.viewers) viewer.emit('media:broadcastClosed', { streamId, reason });
    });
  });

  return {
    producers: (streamId) => [...(broadcasts.get(streamId)?.producers.values() ?? [])],
    dropPublisher: (streamId) => {
      publishers.get(streamId)?.disconnect(true);
    },
    close: async () => {
      worker.close();
      if (!worker.subprocessClosed) await new Promise<void>((resolve) => worker.once('subprocessclose', () => resolve()));
    },
  };
}

/** Registers one request handler with the contract's ack shape: `{ ok, data }` or `{ ok: false, error }`. */
function handle<K extends MediaRequestName>(
  socket: MediaSocket,
  name: K,
  run: (payload: MediaRequest<K>) => Promise<MediaResponses[K]>,
): void {
  // Socket.IO's typings cannot follow the event name through the type parameter.
  const on = socket.on.bind(socket) as unknown as (
    event: K,
    listener: (payload: MediaRequest<K>, ack: (response: AckResponse<MediaResponses[K]>) => void) => void,
  ) => void;
  on(name, (payload, ack) => {
    run(payload).then(
      (data) => ack({ ok: true, data }),
      (err: unknown) => ack({ ok: false, error: { code: 'internal_error', message: String(err) } }),
    );
  });
}
