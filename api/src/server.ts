import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiConfig } from './config.js';
import { createServices, type Services } from './container.js';
import { createApp } from './http/app.js';
import { createLogger } from './logger.js';
import { createRealtimeServer, type HawkerServer } from './realtime/io.js';
import { connectRedis } from './repositories/redis.js';
import { TaskTracker } from './realtime/task-tracker.js';
import { forwardRealtimeEvents } from './realtime/fanout.js';
import { roomName } from './realtime/room.handlers.js';
import { ViewerCountFanout } from './realtime/viewer-count-fanout.js';
import { createMediaProxy, forwardMediaUpgrades } from './http/media-proxy.js';
import { createMetrics, metricsApp } from './http/metrics.js';
import { OriginPolicy } from './http/origin-guard.js';
import { trustFunction } from './http/client-address.js';

export type RunningApi = { url: string; metricsUrl: string | undefined; io: HawkerServer; services: Services; close(): Promise<void> };

/** Starts one api node (HTTP + Socket.IO) and returns a handle whose close() is idempotent. */
export async function startApiServer(config: ApiConfig): Promise<RunningApi> {
  const logger = createLogger(config.logLevel, { node: config.nodeId });
  const services = await createServices(config, logger);
  const mediaProxy = config.mediaUrl ? createMediaProxy(config.mediaUrl) : undefined;
  const metrics = createMetrics(config.nodeId);
  const trustProxy = trustFunction(config.trustProxy);
  const origins = new OriginPolicy(config.publicOrigins);
  const app = createApp(services, {
    mediaProxy,
    logger,
    metrics,
    metricsToken: config.metricsToken,
    cookieSecure: config.cookieSecure,
    trustProxy,
    origins,
    webDist: config.webDist,
    mediaTokenSecret: config.mediaTokenSecret,
  });
  const metricsServer = config.metricsListener ? await listen(createServer(metricsApp(metrics)), config.metricsListener) : undefined;
  const http = createServer(app);
  forwardMediaUpgrades(http, mediaProxy);
  const adapterRedis = config.redisUrl
    ? { pub: await connectRedis(config.redisUrl), sub: await connectRedis(config.redisUrl), keyPrefix: config.redisKeyPrefix }
    : undefined;
  const tasks = new TaskTracker();
  const viewerCounts = new ViewerCountFanout(
    (streamId, count) => io.to(roomName(streamId)).emit('viewers:count', { streamId, count }),
    (streamId) => services.rooms.viewerCount(streamId),
  );
  const io = createRealtimeServer(http, {
    tasks,
    viewerCounts,
    auth: services.auth,
    rooms: services.rooms,
    chat: services.chat,
    pins: services.pins,
    deals: services.deals,
    logger: logger.child({ component: 'realtime' }),
    nodeId: config.nodeId,
    origins,
    trustProxy,
    connections: services.connections,
    personalRooms: (userId) => services.personalRooms(userId),
    limits: config.limits,
    ...(adapterRedis ? { redis: adapterRedis } : {}),
  });
  const fanout = forwardRealtimeEvents(services.events, io, { chatBatchMs: config.chatBatchMs });
  services.start();
  const { port } = await listen(http, config);
  const url = `http://${config.host}:${port}`;
  logger.info({ url, db: services.db.kind, redis: Boolean(config.redisUrl) }, 'api listening');
  if (metricsServer) logger.info({ address: metricsServer.address }, 'metrics listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    metricsUrl: metricsServer ? `http://${metricsServer.address.address}:${metricsServer.address.port}/metrics` : undefined,
    io,
    services,
    close() {
      closed ??= (async () => {
        // Chat still waiting in a coalescing window goes out before the sockets close.
        fanout.close();
        viewerCounts.close();
        // Nothing reaches the sockets (or the Redis adapter, closed below) after this.
        services.events.close();
        await new Promise<void>((resolve) => {
          void io.close(() => resolve());
        });
        await tasks.drain();
        if (metricsServer) await new Promise((resolve) => metricsServer.server.close(resolve));
        if (adapterRedis) await Promise.all([adapterRedis.pub.quit(), adapterRedis.sub.quit()]).catch(() => undefined);
        await services.close();
        logger.info('api stopped');
      })();
      return closed;
    },
  };
}

async function listen<S extends Server>(
  server: S,
  at: { port: number; host: string },
): Promise<{ server: S; address: AddressInfo; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, address, port: address.port };
}
