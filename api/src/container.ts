import { formatMoney } from '@hawker/shared';
import type { ApiConfig } from './config.js';
import { openDatabase, type Database } from './repositories/db/client.js';
import { createDealGate } from './repositories/deal-gate.repository.js';
import { createPurchaseStates } from './repositories/purchase-state.repository.js';
import { createSignalBus } from './repositories/signal-bus.js';
import type { DealSignal } from './services/deal-reservations.js';
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
import { CreatorRepository } from './repositories/creator.repository.js';
import { NotificationRepository } from './repositories/notification.repository.js';
import { MailOutboxRepository } from './repositories/mail-outbox.repository.js';
import { AccountTokenRepository } from './repositories/account-token.repository.js';
import { CreatorService } from './services/creator.service.js';
import { NotificationService } from './services/notification.service.js';
import { Mailer } from './services/mailer.js';
import { AccountService } from './services/account.service.js';
import { OrderNotices } from './services/order-notices.js';
import { Refunds } from './services/refunds.js';
import { EarningsService } from './services/earnings.service.js';
import { EarningsRepository } from './repositories/earnings.repository.js';
import { RoomVisits } from './services/room-visits.js';
import { StreamMetrics } from './services/stream-metrics.js';
import { StreamMetricsRepository } from './repositories/stream-metrics.repository.js';
import { BrandService } from './services/brand.service.js';
import { DiscoveryService } from './services/discovery.service.js';
import { DiscoveryRepository } from './repositories/discovery.repository.js';
import { BrandRepository } from './repositories/brand.repository.js';
import { SponsorshipService } from './services/sponsorship.service.js';
import { SponsorshipRepository } from './repositories/sponsorship.repository.js';
import { SponsorshipReportRepository } from './repositories/sponsorship-report.repository.js';
import { RoomVisitRepository } from './repositories/room-visit.repository.js';
import { followsRoom, optoutRoom } from './realtime/admission.js';
import { createAds, type Ads } from './ads-wiring.js';

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
  creators: CreatorService;
  metrics: StreamMetrics;
  brands: BrandService;
  sponsorships: SponsorshipService;
  discovery: DiscoveryService;
  earnings: EarningsService;
  notifications: NotificationService;
  mailer: Mailer;
  accounts: AccountService;
  ads: Ads;
  /** Rooms a logged-in person's sockets join besides their own (followed creators, opted-out kinds). */
  personalRooms(userId: string): Promise<string[]>;
  /** Background work (fan-out, mail) starts here, after the node is up. */
  start(): void;
  close(): Promise<void>;
};

/** Messages between api nodes (Redis pub/sub; a local emitter without Redis). */
type NodeSignal = DealSignal | { type: 'session.ended'; sessionId: string };

export async function createServices(config: ApiConfig, logger: Logger): Promise<Services> {
  const db = await openDatabase(config.database);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  const presence = createPresenceRepository(redis, config.nodeId, config.redisKeyPrefix, config.limits.guestViewersPerIp);
  const connections = createConnectionQuota(redis, config.nodeId, config.redisKeyPrefix);
  const users = new UserRepository(db.prisma);
  const streamRepo = new StreamRepository(db.prisma);
  const events = new DomainEvents(logger.child({ component: 'events' }));
  const sessions = new SessionRepository(db.prisma, db.sql);
  const { auth, hasher, passwords } = createAuth(config, redis, users, sessions, events);
  // What every node must hear at once: an ended session leaves every node's session cache; a deal's gate refuses or sells again.
  const nodeSignals = await createSignalBus<NodeSignal>(redis, `${config.redisKeyPrefix}nodes`, logger);
  events.on('session.ended', ({ sessionId }) => {
    auth.sessionCache.ended(sessionId);
    nodeSignals.publish({ type: 'session.ended', sessionId });
  });
  nodeSignals.subscribe((s) => {
    if (s.type === 'session.ended') auth.sessionCache.ended(s.sessionId);
  });
  const mailer = new Mailer(
    new MailOutboxRepository(db.prisma, new URL(config.publicUrl).hostname),
    { ...config.mail, publicUrl: config.publicUrl, secret: config.appSecret },
    logger.child({ component: 'mail' }),
  );
  const notifications = new NotificationService(
    new NotificationRepository(db.prisma),
    events,
    mailer,
    logger.child({ component: 'notifications' }),
  );
  const accounts = new AccountService(
    users,
    new AccountTokenRepository(db.prisma),
    sessions,
    hasher,
    passwords,
    mailer,
    events,
    createWindowCounter(redis, config.redisKeyPrefix, 'account-mail', 3_600_000),
    config.limits.accountMailsPerIpPerHour,
  );
  const creatorRepo = new CreatorRepository(db.prisma);
  const sponsorshipRepo = new SponsorshipRepository(db.prisma, new LedgerRepository(db.prisma, db.sql));
  const sponsorships = new SponsorshipService(
    sponsorshipRepo,
    new SponsorshipReportRepository(db.prisma),
    creatorRepo,
    streamRepo,
    notifications,
    logger.child({ component: 'sponsorships' }),
  );
  const pinRepo = new PinRepository(db.prisma);
  const streamStats = new StreamStatsRepository(db.prisma);
  // 5 messages of burst, then one per second per user, across all nodes when Redis is configured.
  const chatRepo = new ChatRepository(db.prisma);
  const chat = new ChatService(chatRepo, new ChatPostRepository(db.sql), createTokenBucket(redis, 5, 1, config.redisKeyPrefix), events);
  const pins = new PinService(pinRepo, chatRepo, events, (key) => `/api/media/images/${encodeURIComponent(key)}`);
  const media = new MediaServerClient(config.mediaUrl, config.mediaTokenSecret);
  const imageUrl = (key: string) => `/api/media/images/${encodeURIComponent(key)}`;
  const listingRepo = new ListingRepository(db.prisma);
  const catalog = new CatalogService(listingRepo, new ShopRepository(db.prisma), imageUrl, (id) => pins.listingChanged(id));
  const ledgerRepo = new LedgerRepository(db.prisma, db.sql);
  const payments = new SandboxPaymentProvider();
  const orderRepo = new OrderRepository(db.prisma, ledgerRepo, db.sql, config.platformFeeBps);
  const notices = new OrderNotices(notifications, (id) => orderRepo.noticeFacts(id), logger.child({ component: 'order-notices' }));
  const settlementRepo = new SettlementRepository(db.prisma, ledgerRepo, orderRepo, config.platformFeeBps);
  const refunds = new Refunds(settlementRepo, payments);
  const metrics = new StreamMetrics(
    new StreamMetricsRepository(db.prisma),
    (id) => presence.count(id),
    logger.child({ component: 'metrics' }),
  );
  events.on('chat.message', (m) => metrics.chat(m.streamId));
  events.on('stream.ended', (e) => metrics.ended(e.streamId));
  const orders = new OrderService(orderRepo, new CheckoutRepository(db.sql), payments, config.autoReleaseMs, notices, refunds, metrics);
  const idempotency = new IdempotencyService(new IdempotencyRepository(db.sql));
  const deals = new DealService(
    new DealRepository(db.prisma),
    chatRepo,
    orders,
    idempotency,
    events,
    async (id) => (await users.findById(id))?.displayName ?? 'Someone',
    createDealGate(redis, { keyPrefix: config.redisKeyPrefix }),
    {
      states: createPurchaseStates(redis, config.redisKeyPrefix),
      signals: {
        publish: (s) => nodeSignals.publish(s),
        subscribe: (listener) => nodeSignals.subscribe((s) => s.type !== 'session.ended' && listener(s)),
      },
      logger: logger.child({ component: 'deals' }),
    },
    (deal, creatorId) =>
      notifications.notifyMany(
        'followers',
        { creatorId, streamId: deal.streamId },
        'deal.started',
        {
          title: 'A flash deal just started',
          body: `${deal.title} for ${formatMoney(deal.dealPriceMinor, deal.currency)} (was ${formatMoney(deal.listPriceMinor, deal.currency)})`,
          url: `/live/${deal.streamId}`,
          creatorId,
        },
        `deal:${deal.id}`,
      ),
  );
  const rooms = new RoomService(
    streamRepo,
    presence,
    chat,
    pins,
    deals,
    streamStats,
    new RoomVisits(new RoomVisitRepository(db.prisma), logger.child({ component: 'room-visits' })),
    metrics,
  );
  // What a join's snapshot shows changed here: the next join reads it fresh (the room hears the change itself).
  for (const name of ['pin.changed', 'deal.started', 'deal.ended', 'chat.settings', 'chat.deleted', 'stream.live', 'stream.ended'] as const)
    events.on(name, (e: { streamId: string }) => rooms.changed(e.streamId));
  const ads = await createAds(config, db, redis, ledgerRepo, payments, notifications, imageUrl, logger.child({ component: 'ads' }));
  const scheduler = new Scheduler(
    config.schedulerIntervalMs,
    [
      { name: 'escrow.autoRelease', run: () => orders.releaseDue() },
      { name: 'deals.endExpired', run: () => deals.endExpired() },
      { name: 'deals.reconcileGates', run: () => deals.reconcileGates() },
      { name: 'refunds.retry', run: () => refunds.retry() },
      { name: 'sponsorships.release', run: () => sponsorships.releaseDue() },
      { name: 'ads.purgeAuctionLog', run: () => ads.server.purgeAuctionLog() },
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
    streams: new StreamService(
      streamRepo,
      presence,
      media,
      new MediaTokenService(config.mediaTokenSecret),
      events,
      streamStats,
      {
        counter: createWindowCounter(redis, config.redisKeyPrefix, 'media-token', 60_000),
        perMinute: config.limits.mediaTokensPerIpPerMinute,
      },
      notifications,
      async (creatorId, ids) => (await pinRepo.pinnable(creatorId, ids)).length === ids.length,
      {
        live: (creatorId, streamId) => sponsorships.streamLive(creatorId, streamId),
        ended: (streamId) => sponsorships.streamEnded(streamId),
        sponsorOf: (streamId) => sponsorshipRepo.sponsorOf(streamId),
      },
    ),
    brands: new BrandService(new BrandRepository(db.prisma, ledgerRepo), new ShopRepository(db.prisma), payments),
    sponsorships,
    discovery: new DiscoveryService(new DiscoveryRepository(db.prisma), streamRepo, presence, imageUrl),
    metrics,
    earnings: new EarningsService(new EarningsRepository(db.prisma)),
    creators: new CreatorService(creatorRepo, streamRepo, new ShopRepository(db.prisma), events, presence),
    notifications,
    mailer,
    accounts,
    async personalRooms(userId) {
      const { follows, optedOut } = await sessions.personalRooms(userId);
      return [...follows.map(followsRoom), ...optedOut.map(optoutRoom)];
    },
    ads,
    start() {
      scheduler.start();
      void ads.server.start();
      notifications.start();
      mailer.start();
    },
    events,
    orders,
    images: new ImageService(
      listingRepo,
      new LocalDiskImageStorage(config.uploadDir),
      imageUrl,
      { perListing: config.limits.imagesPerListing, bytesPerUser: config.limits.imageBytesPerUser },
      (userId, url) => creatorRepo.setAvatar(userId, url),
    ),
    reviews: new ReviewService(new ReviewRepository(db.prisma)),
    carts: new CartService(new CartRepository(db.prisma), orders, imageUrl),
    settlement: new SettlementService(settlementRepo, payments, refunds, notices),
    ledger: new LedgerService(async () => [...(await checkLedger(db.prisma)), ...(await ads.check())]),
    idempotency,
    scheduler,
    rooms,
    chat,
    pins,
    deals,
    close() {
      closed ??= (async () => {
        await scheduler.stop();
        await ads.close();
        await notifications.close();
        await mailer.close();
        deals.close();
        await nodeSignals.close();
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
): { auth: AuthService; hasher: PasswordHasher; passwords: PasswordPolicy } {
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
  const passwords = new PasswordPolicy();
  return { auth: new AuthService(users, sessions, config.sessionTtlMs, hasher, guard, passwords, events), hasher, passwords };
}
