import type { ApiConfig } from './config.js';
import { openDatabase, type Database } from './repositories/db/client.js';
import { createDealGate } from './repositories/deal-gate.repository.js';
import { CheckoutRepository } from './repositories/checkout.repository.js';
import { ChatPostRepository } from './repositories/chat-post.repository.js';
import { ListingRepository } from './repositories/listing.repository.js';
import { MediaServerClient } from './repositories/media.client.js';
import { createPresenceRepository, type PresenceRepository } from './repositories/presence.repository.js';
import { createConnectionQuota, type ConnectionQuota } from './repositories/connection-quota.repository.js';
import { connectRedis, RedisHealth, type RedisClient } from './repositories/redis.js';
import { SessionRepository } from './repositories/session.repository.js';
import { StreamRepository } from './repositories/stream.repository.js';
import { UserRepository } from './repositories/user.repository.js';
import { AuthService } from './services/auth.service.js';
import { createWindowCounter } from './repositories/window-counter.js';
import { PasswordHasher } from './services/password-hasher.js';
import { PasswordPolicy } from './services/password-policy.js';
import { SignInGuard } from './services/sign-in-guard.js';
import { CatalogService } from './services/catalog.service.js';
import { HealthService } from './services/health.service.js';
import { RoomService } from './services/room.service.js';
import { StreamService } from './services/stream.service.js';
import { DomainEvents } from './services/domain-events.js';
import { MediaTokenService } from './services/media-token.service.js';
import type { Logger } from 'pino';
import { IdempotencyRepository } from './repositories/idempotency.repository.js';
import { checkLedger } from './repositories/ledger-check.repository.js';
import { LedgerRepository } from './repositories/ledger.repository.js';
import { OrderRepository } from './repositories/order.repository.js';
import { IdempotencyService } from './services/idempotency.service.js';
import { LedgerService } from './services/ledger.service.js';
import { OrderService } from './services/order.service.js';
import { SandboxPaymentProvider } from './services/payments/sandbox.provider.js';
import { Scheduler } from './services/scheduler.js';
import { ChatRepository } from './repositories/chat.repository.js';
import { createTokenBucket } from './repositories/token-bucket.js';
import { ChatService } from './services/chat.service.js';
import { PinRepository } from './repositories/pin.repository.js';
import { PinService } from './services/pin.service.js';
import { StreamStatsRepository } from './repositories/stream-stats.repository.js';
import { DealRepository } from './repositories/deal.repository.js';
import { DealService } from './services/deal.service.js';
import { ShopRepository } from './repositories/shop.repository.js';
import { LocalDiskImageStorage } from './repositories/image.storage.js';
import { ReviewRepository } from './repositories/review.repository.js';
import { CartRepository } from './repositories/cart.repository.js';
import { ImageService } from './services/image.service.js';
import { ReviewService } from './services/review.service.js';
import { CartService } from './services/cart.service.js';
import { SettlementRepository } from './repositories/settlement.repository.js';
import { SettlementService } from './services/settlement.service.js';

/** Everything the http and realtime layers may call, built once per process. */
export type Services = {
  db: Database;
  redis: RedisClient | undefined;
  presence: PresenceRepository;
  /** Open realtime connections per user and per IP, capped. */
  connections: ConnectionQuota;
  auth: AuthService;
  health: HealthService;
  catalog: CatalogService;
  streams: StreamService;
  rooms: RoomService;
  chat: ChatService;
  pins: PinService;
  deals: DealService;
  events: DomainEvents;
  orders: OrderService;
  images: ImageService;
  reviews: ReviewService;
  carts: CartService;
  settlement: SettlementService;
  ledger: LedgerService;
  idempotency: IdempotencyService;
  scheduler: Scheduler;
  close(): Promise<void>;
};

export async function createServices(config: ApiConfig, logger: Logger): Promise<Services> {
  const db = await openDatabase(config.database);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  const presence = createPresenceRepository(redis, config.nodeId, config.redisKeyPrefix, config.limits.guestViewersPerIp);
  const connections = createConnectionQuota(redis, config.nodeId, config.redisKeyPrefix);
  const users = new UserRepository(db.prisma);
  const streamRepo = new StreamRepository(db.prisma);
  const events = new DomainEvents(logger.child({ component: 'events' }));
  const auth = createAuth(config, redis, users, new SessionRepository(db.prisma), events);
  const streamStats = new StreamStatsRepository(db.prisma);
  // 5 messages of burst, then one per second per user, across all nodes when Redis is configured.
  const chatRepo = new ChatRepository(db.prisma);
  const chat = new ChatService(chatRepo, new ChatPostRepository(db.sql), createTokenBucket(redis, 5, 1, config.redisKeyPrefix), events);
  const pins = new PinService(new PinRepository(db.prisma), chatRepo, events, (key) => `/api/media/images/${encodeURIComponent(key)}`);
  const media = new MediaServerClient(config.mediaUrl, config.mediaTokenSecret);
  const imageUrl = (key: string) => `/api/media/images/${encodeURIComponent(key)}`;
  const listingRepo = new ListingRepository(db.prisma);
  const catalog = new CatalogService(listingRepo, new ShopRepository(db.prisma), imageUrl, (id) => pins.listingChanged(id));
  const ledgerRepo = new LedgerRepository(db.prisma, db.sql);
  const payments = new SandboxPaymentProvider();
  const orders = new OrderService(
    new OrderRepository(db.prisma, ledgerRepo, db.sql),
    new CheckoutRepository(db.sql),
    payments,
    config.autoReleaseMs,
  );
  const idempotency = new IdempotencyService(new IdempotencyRepository(db.sql));
  const deals = new DealService(
    new DealRepository(db.prisma),
    chatRepo,
    orders,
    idempotency,
    events,
    async (id) => (await users.findById(id))?.displayName ?? 'Someone',
    createDealGate(redis, { keyPrefix: config.redisKeyPrefix }),
  );
  const rooms = new RoomService(streamRepo, presence, chat, pins, deals, streamStats);
  const scheduler = new Scheduler(
    config.schedulerIntervalMs,
    [
      { name: 'escrow.autoRelease', run: () => orders.releaseDue() },
      { name: 'deals.endExpired', run: () => deals.endExpired() },
      { name: 'deals.reconcileGates', run: () => deals.reconcileGates() },
    ],
    logger.child({ component: 'scheduler' }),
  );
  let closed: Promise<void> | undefined;
  return {
    db,
    redis,
    presence,
    connections,
    auth,
    health: new HealthService(db, new RedisHealth(redis), media, config.nodeId),
    catalog,
    streams: new StreamService(streamRepo, presence, media, new MediaTokenService(config.mediaTokenSecret), events, streamStats, {
      counter: createWindowCounter(redis, config.redisKeyPrefix, 'media-token', 60_000),
      perMinute: config.limits.mediaTokensPerIpPerMinute,
    }),
    events,
    orders,
    images: new ImageService(listingRepo, new LocalDiskImageStorage(config.uploadDir), imageUrl, {
      perListing: config.limits.imagesPerListing,
      bytesPerUser: config.limits.imageBytesPerUser,
    }),
    reviews: new ReviewService(new ReviewRepository(db.prisma)),
    carts: new CartService(new CartRepository(db.prisma), orders, imageUrl),
    settlement: new SettlementService(new SettlementRepository(db.prisma, ledgerRepo), payments),
    ledger: new LedgerService(() => checkLedger(db.prisma)),
    idempotency,
    scheduler,
    rooms,
    chat,
    pins,
    deals,
    close() {
      closed ??= (async () => {
        await scheduler.stop();
        deals.close();
        await rooms.close().catch(() => undefined);
        await presence.clearNode().catch(() => undefined);
        await connections.clearNode().catch(() => undefined);
        if (redis) await redis.quit().catch(() => undefined);
        await db.close();
      })();
      return closed;
    },
  };
}

function createAuth(
  config: ApiConfig,
  redis: RedisClient | undefined,
  users: UserRepository,
  sessions: SessionRepository,
  events: DomainEvents,
): AuthService {
  const { limits, loginRateLimit } = config;
  const counter = (name: string, windowMs: number) => createWindowCounter(redis, config.redisKeyPrefix, name, windowMs);
  const guard = new SignInGuard(
    {
      registrations: counter('register-ip', 3_600_000),
      ipFailures: counter('login-fail-ip', loginRateLimit.windowMs),
      accountIpFailures: counter('login-fail-account-ip', loginRateLimit.windowMs),
      accountFailures: counter('login-fail-account', loginRateLimit.windowMs),
    },
    { registrationsPerIp: limits.registerPerIpPerHour, ipFailures: limits.loginIpFailures, accountIpFailures: loginRateLimit.limit },
  );
  const hasher = new PasswordHasher({
    concurrency: limits.passwordHash.concurrency,
    queue: limits.passwordHash.queue,
    perClient: limits.passwordHash.perIp,
  });
  return new AuthService(users, sessions, config.sessionTtlMs, hasher, guard, new PasswordPolicy(), events);
}
