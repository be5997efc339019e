import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  COOKIE_SECURE: booleanFlag.default(false),
  TRUST_PROXY: booleanFlag.default(false),
  AUTO_RELEASE_DAYS: z.coerce.number().min(0).max(365).default(10),
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  LOGIN_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  // Chat fan-out coalescing window per room; 0 sends one chat:message per message.
  CHAT_BATCH_MS: z.coerce.number().int().min(0).max(2000).default(100),
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
  cookieSecure: boolean;
  trustProxy: boolean;
  loginRateLimit: { limit: number; windowMs: number };
  autoReleaseMs: number;
  schedulerIntervalMs: number;
  /** Window in which a busy room's chat messages are coalesced into one chat:batch; 0 = off. */
  chatBatchMs: number;
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
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    loginRateLimit: { limit: e.LOGIN_RATE_LIMIT, windowMs: e.LOGIN_RATE_WINDOW_SECONDS * 1000 },
    autoReleaseMs: e.AUTO_RELEASE_DAYS * 86_400_000,
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_SECONDS * 1000,
    chatBatchMs: e.CHAT_BATCH_MS,
  };
}
