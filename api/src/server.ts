import { createServer } from 'node:http';
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

export type RunningApi = { url: string; io: HawkerServer; services: Services; close(): Promise<void> };

/** Starts one api node (HTTP + Socket.IO) and returns a handle whose close() is idempotent. */
export async function startApiServer(config: ApiConfig): Promise<RunningApi> {
  const logger = createLogger(config.logLevel, { node: config.nodeId });
  const services = await createServices(config, logger);
  const mediaProxy = config.mediaUrl ? createMediaProxy(config.mediaUrl) : undefined;
  const app = createApp(services, {
    mediaProxy,
    logger,
    nodeId: config.nodeId,
    cookieSecure: config.cookieSecure,
    trustProxy: config.trustProxy,
    webDist: config.webDist,
    loginRateLimit: config.loginRateLimit,
    redisKeyPrefix: config.redisKeyPrefix,
    mediaTokenSecret: config.mediaTokenSecret,
  });
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
    ...(adapterRedis ? { redis: adapterRedis } : {}),
  });
  const fanout = forwardRealtimeEvents(services.events, io, { chatBatchMs: config.chatBatchMs });
  services.scheduler.start();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, db: services.db.kind, redis: Boolean(config.redisUrl) }, 'api listening');

  let closed: Promise<void> | undefined;
  return {
    url,
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
        if (adapterRedis) await Promise.all([adapterRedis.pub.quit(), adapterRedis.sub.quit()]).catch(() => undefined);
        await services.close();
        logger.info('api stopped');
      })();
      return closed;
    },
  };
}
