import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Services } from '../container.js';
import type { Principal } from '../services/auth.service.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { metricsHandler, metricsMiddleware, type Metrics } from './metrics.js';
import { buildOpenApiDocument, createOpenApiRegistry } from './openapi.js';
import type { OriginPolicy } from './origin-guard.js';
import type { TrustFunction } from './client-address.js';
import { mountRoutes } from './route.js';
import { authRoutes } from './routes/auth.routes.js';
import { creatorRoutes } from './routes/creators.routes.js';
import { notificationRoutes } from './routes/notifications.routes.js';
import { sponsorshipRoutes } from './routes/sponsorships.routes.js';
import { adRoutes } from './routes/ads.routes.js';
import { catalogRoutes } from './routes/catalog.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { streamRoutes } from './routes/streams.routes.js';
import { orderRoutes } from './routes/orders.routes.js';
import { adminRoutes } from './routes/admin.routes.js';
import { shopRoutes } from './routes/shop.routes.js';
import { settlementRoutes } from './routes/settlement.routes.js';
import { sessionTokenOf } from './session-cookie.js';
import { webAppRouter } from './static.js';
import type { MediaProxy } from './media-proxy.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal | null;
  }
}

export type AppOptions = {
  logger: Logger;
  metrics: Metrics;
  /** /metrics on this app needs `Authorization: Bearer <token>`; undefined = not served here. */
  metricsToken: string | undefined;
  cookieSecure: boolean;
  trustProxy: TrustFunction;
  origins: OriginPolicy;
  webDist: string | undefined;
  mediaProxy: MediaProxy | undefined;
  mediaTokenSecret: string;
};

export function createApp(services: Services, opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy);
  // Before anything acts on a request: a state-changing request from another origin never reaches a handler.
  app.use(opts.origins.middleware());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // hls.js plays through MediaSource blobs; listing images may be data URLs in previews.
          'media-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
        },
      },
    }),
  );
  app.use(pinoHttp({ logger: opts.logger, autoLogging: { ignore: (req) => req.url === '/api/health' || req.url === '/metrics' } }));

  app.use(metricsMiddleware(opts.metrics));
  if (opts.metricsToken) app.get('/metrics', metricsHandler(opts.metrics, opts.metricsToken));

  const api = express.Router();
  api.use(express.json({ limit: '256kb' }));
  api.use((req, _res, next) => {
    services.auth.authenticate(sessionTokenOf(req)).then((user) => {
      req.principal = user ? { userId: user.id, roles: user.roles } : null;
      next();
    }, next);
  });

  // Binary responses stay outside the JSON route helper; keys are content-addressed by upload, so cache forever.
  api.get('/media/images/:key', (req, res, next) => {
    services.images.read(req.params.key).then(({ bytes, contentType }) => {
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.type(contentType).send(bytes);
    }, next);
  });

  api.get('/media/avatars/:key', (req, res, next) => {
    services.images.readAvatar(req.params.key).then((bytes) => {
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.type('image/webp').send(bytes);
    }, next);
  });

  const registry = createOpenApiRegistry();
  mountRoutes(
    api,
    registry,
    [
      ...healthRoutes(services.health),
      ...authRoutes(services.auth, services.accounts, opts.cookieSecure),
      ...creatorRoutes(services.creators, services.images),
      ...notificationRoutes(services.notifications, services.mailer),
      ...sponsorshipRoutes(services.brands, services.sponsorships),
      ...adRoutes(services.ads.campaigns, services.ads.account, services.ads.server, services.metrics, opts.cookieSecure),
      ...catalogRoutes(services.catalog, services.images, services.reviews, services.discovery),
      ...shopRoutes(services.catalog, services.carts, services.reviews),
      ...streamRoutes(services.streams, opts.mediaTokenSecret, services.discovery, services.pins),
      ...orderRoutes(services.orders, services.deals),
      ...settlementRoutes(services.settlement, services.earnings),
      ...adminRoutes(services.ledger),
    ],
    services.idempotency,
  );
  const openApiDocument = buildOpenApiDocument(registry);
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  api.use(notFoundHandler);
  app.use('/api', api);

  if (opts.mediaProxy) app.use('/media', opts.mediaProxy);
  const web = opts.webDist ? webAppRouter(opts.webDist) : undefined;
  if (web) app.use(web);
  app.use(notFoundHandler);
  app.use(errorHandler(opts.logger));
  return app;
}
