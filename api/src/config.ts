import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adPlacementSchema, adPlacements, currencySchema, type AdPlacement } from '@hawker/shared';
import { z } from 'zod';

/** Repository root, for defaults such as ./data and web/dist. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const DEFAULT_AD_RESERVES: Record<AdPlacement, number> = { search: 20, home: 15, live_now: 25, related: 10 };

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: optionalUrl,
  PGLITE_DIR: z.string().default(path.join(repoRoot, 'data', 'pglite')),
  UPLOAD_DIR: z.string().default(path.join(repoRoot, 'data', 'uploads')),
  REDIS_URL: optionalUrl,
  // Every Redis key and pub/sub channel starts with this, so deployments (or test runs) can share one Redis.
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, at most 64')
    .default('hawker:'),
  MEDIA_URL: optionalUrl,
  // Shared with the media-server: signs media tokens and authenticates internal calls.
  MEDIA_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  WEB_DIST: z.string().optional(),
  NODE_ID: z.string().min(1).max(64).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  // Where browsers load the app from, comma-separated (e.g. https://hawker.example). State-changing
  // requests and socket handshakes must come from one of them; unset = the origin the request was sent to.
  PUBLIC_ORIGINS: z
    .string()
    .trim()
    .transform((v, ctx) => parseOrigins(v, ctx))
    .optional(),
  // Also forced on whenever a public origin is https.
  COOKIE_SECURE: booleanFlag.default(false),
  // The proxies in front of the api: a hop count (1 = one reverse proxy) or their addresses/subnets.
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((v, ctx) => parseTrustProxy(v, ctx))
    .default(false),
  // Mail (notifications, password reset, verification) goes through an outbox when this is set.
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().min(3).max(200).default('Hawker <no-reply@hawker.local>'),
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  MAIL_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  // Password-reset and verification mails per IP per hour (per email: 5).
  ACCOUNT_MAIL_IP_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
  // The platform's fee on each order's release, basis points (0: listings are free; ads pay).
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(3000).default(0),
  // Signs links in mail (unsubscribe). Every node of a deployment needs the same one.
  APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // /metrics: on the app port only with `Authorization: Bearer <token>`; or on its own listener.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  AUTO_RELEASE_DAYS: z.coerce.number().min(0).max(365).default(10),
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
  // Failed logins per (account, IP) within the window before 429.
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  LOGIN_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  // Failed logins per IP across all emails within the login window before 429.
  LOGIN_IP_FAILURE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(50),
  // Accounts created per IP per hour.
  REGISTER_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  // Password hashes run at once (argon2 takes a core each) and how many may wait; the rest get 429.
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  // Password checks one IP may have running or waiting at once.
  PASSWORD_HASH_PER_IP: z.coerce.number().int().min(1).max(10_000).default(4),
  // Realtime connections: sockets per logged-in user and per IP (across nodes with Redis), guests counted as viewers per IP.
  SOCKETS_PER_USER: z.coerce.number().int().min(1).max(1_000_000).default(20),
  SOCKETS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(200),
  GUEST_VIEWERS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(20),
  // Media tokens minted per IP per minute.
  MEDIA_TOKEN_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
  // Image uploads: per listing, and bytes stored per user.
  MAX_IMAGES_PER_LISTING: z.coerce.number().int().min(1).max(1000).default(10),
  IMAGE_QUOTA_BYTES_PER_USER: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000_000_000)
    .default(200 * 1024 * 1024),
  // Chat fan-out coalescing window per room; 0 sends one chat:message per message.
  CHAT_BATCH_MS: z.coerce.number().int().min(0).max(2000).default(100),
  // Ads: the one currency bids, budgets and ad balances are in; the least a click may cost per placement
  // (minor units, e.g. "search=20,home=15,live_now=25,related=10"); the trust score a shop needs to advertise.
  AD_CURRENCY: currencySchema.default('USD'),
  AD_RESERVES: z
    .string()
    .trim()
    .transform((v, ctx) => parseReserves(v, ctx))
    .default(DEFAULT_AD_RESERVES),
  AD_MIN_TRUST: z.coerce.number().min(0).max(100).default(60),
});

export type ApiConfig = {
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  uploadDir: string;
  redisUrl: string | undefined;
  /** Starts every Redis key and channel this node uses. */
  redisKeyPrefix: string;
  mediaUrl: string | undefined;
  mediaTokenSecret: string;
  webDist: string | undefined;
  nodeId: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  sessionTtlMs: number;
  /** Origins allowed to make state-changing requests and open sockets; null = the request's own origin. */
  publicOrigins: string[] | null;
  cookieSecure: boolean;
  trustProxy: TrustProxy;
  /** Where the app is, for absolute links in mail: the first public origin, or localhost. */
  publicUrl: string;
  mail: { smtpUrl: string | undefined; from: string; retryBaseMs: number; pollMs: number };
  appSecret: string;
  platformFeeBps: number;
  /** /metrics on the app port needs this bearer token; undefined = not served there. */
  metricsToken: string | undefined;
  /** A separate listener for /metrics (e.g. on 127.0.0.1 for the scraper). */
  metricsListener: { port: number; host: string } | undefined;
  loginRateLimit: { limit: number; windowMs: number };
  limits: AbuseLimits;
  autoReleaseMs: number;
  schedulerIntervalMs: number;
  /** Window in which a busy room's chat messages are coalesced into one chat:batch; 0 = off. */
  chatBatchMs: number;
  ads: AdsConfig;
};

export type AdsConfig = { currency: string; reserves: Record<AdPlacement, number>; minTrust: number };

/** false (trust nothing), a number of proxy hops, or the proxies' addresses and subnets (proxy-addr syntax). */
export type TrustProxy = false | number | string[];

export type AbuseLimits = {
  loginIpFailures: number;
  registerPerIpPerHour: number;
  passwordHash: { concurrency: number; queue: number; perIp: number };
  socketsPerUser: number;
  socketsPerIp: number;
  guestViewersPerIp: number;
  mediaTokensPerIpPerMinute: number;
  imagesPerListing: number;
  imageBytesPerUser: number;
  accountMailsPerIpPerHour: number;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the api's environment once at start-up. A bad value
 * stops the process with a message naming the variable. Nothing else in the
 * api reads process.env.
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid api configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.MEDIA_URL && !e.MEDIA_TOKEN_SECRET)
    throw new ConfigError('invalid api configuration: MEDIA_TOKEN_SECRET: required when MEDIA_URL is set');
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: e.PGLITE_DIR },
    uploadDir: e.UPLOAD_DIR,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    mediaUrl: e.MEDIA_URL,
    // Without a media-server nothing verifies tokens; a per-process random secret keeps minting working.
    mediaTokenSecret: e.MEDIA_TOKEN_SECRET ?? randomBytes(32).toString('hex'),
    webDist: e.WEB_DIST,
    nodeId: e.NODE_ID ?? `api-${process.pid}`,
    logLevel: e.LOG_LEVEL,
    sessionTtlMs: e.SESSION_TTL_DAYS * 86_400_000,
    publicOrigins: e.PUBLIC_ORIGINS ?? null,
    publicUrl: e.PUBLIC_ORIGINS?.[0] ?? `http://localhost:${e.PORT || 8080}`,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, retryBaseMs: e.MAIL_RETRY_BASE_MS, pollMs: e.MAIL_POLL_MS },
    // Without one, a per-process secret: links still work while this process runs (fine for one local node).
    appSecret: e.APP_SECRET ?? randomBytes(32).toString('hex'),
    platformFeeBps: e.PLATFORM_FEE_BPS,
    cookieSecure: e.COOKIE_SECURE || (e.PUBLIC_ORIGINS ?? []).some((o) => o.startsWith('https:')),
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    metricsListener: e.METRICS_PORT === undefined ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    loginRateLimit: { limit: e.LOGIN_RATE_LIMIT, windowMs: e.LOGIN_RATE_WINDOW_SECONDS * 1000 },
    limits: {
      loginIpFailures: e.LOGIN_IP_FAILURE_LIMIT,
      registerPerIpPerHour: e.REGISTER_RATE_LIMIT,
      // Half the cores: the other half keeps answering everything else while logins are checked.
      passwordHash: {
        concurrency: e.PASSWORD_HASH_CONCURRENCY ?? Math.max(1, Math.floor(availableParallelism() / 2)),
        queue: e.PASSWORD_HASH_QUEUE,
        perIp: e.PASSWORD_HASH_PER_IP,
      },
      socketsPerUser: e.SOCKETS_PER_USER,
      socketsPerIp: e.SOCKETS_PER_IP,
      guestViewersPerIp: e.GUEST_VIEWERS_PER_IP,
      mediaTokensPerIpPerMinute: e.MEDIA_TOKEN_RATE_LIMIT,
      imagesPerListing: e.MAX_IMAGES_PER_LISTING,
      imageBytesPerUser: e.IMAGE_QUOTA_BYTES_PER_USER,
      accountMailsPerIpPerHour: e.ACCOUNT_MAIL_IP_LIMIT,
    },
    autoReleaseMs: e.AUTO_RELEASE_DAYS * 86_400_000,
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_SECONDS * 1000,
    chatBatchMs: e.CHAT_BATCH_MS,
    ads: { currency: e.AD_CURRENCY, reserves: e.AD_RESERVES, minTrust: e.AD_MIN_TRUST },
  };
}

function parseOrigins(value: string, ctx: z.RefinementCtx): string[] | undefined {
  if (value === '') return undefined;
  const origins: string[] = [];
  for (const raw of value.split(',').map((v) => v.trim())) {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw.replace(/\/$/, '')) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not an origin such as https://hawker.example` });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
}

/** "search=20,home=15": placements not named keep their default reserve. */
function parseReserves(value: string | Record<AdPlacement, number>, ctx: z.RefinementCtx): Record<AdPlacement, number> {
  if (typeof value !== 'string') return value;
  const reserves = { ...DEFAULT_AD_RESERVES };
  for (const part of value.split(',').filter((p) => p.trim() !== '')) {
    const [name, amount] = part.split('=').map((v) => v.trim());
    const placement = adPlacementSchema.safeParse(name);
    const minor = Number(amount);
    if (!placement.success || !Number.isInteger(minor) || minor < 1 || minor > 1_000_000) {
      ctx.addIssue({ code: 'custom', message: `"${part}": use placement=minor units, placements ${adPlacements.join(', ')}` });
      return z.NEVER;
    }
    reserves[placement.data] = minor;
  }
  return reserves;
}

const namedSubnets = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `true` is refused: trusting every hop lets any client write its own
 * X-Forwarded-For and pick the address rate limits count against.
 */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  if (value === '' || value === 'false' || value === '0') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((v) => v.trim());
  const valid = entries.every((v) => namedSubnets.has(v) || isIP(v.split('/')[0] ?? '') !== 0);
  if (!valid || value === 'true') {
    ctx.addIssue({
      code: 'custom',
      message: 'give the number of proxy hops in front of the api (e.g. 1) or their addresses/subnets; "true" would trust any client',
    });
    return z.NEVER;
  }
  return entries;
}
