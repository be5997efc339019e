import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MediaConfigError, type ConfigIssue } from './errors.js';
import { logLevels } from './logger.js';

/**
 * The media server's whole configuration, read from the environment exactly
 * once at start-up (immich / mediasoup-demo style). Nothing else in the
 * service reads process.env: everything downstream receives a MediaConfig.
 */

const variables = [
  'MEDIA_PORT',
  'MEDIA_HOST',
  'MEDIA_WORKERS',
  'RTC_MIN_PORT',
  'RTC_MAX_PORT',
  'RTC_LISTEN_IP',
  'MEDIA_ANNOUNCED_IP',
  'LOG_LEVEL',
  'MEDIA_TOKEN_SECRET',
  'API_INTERNAL_URL',
  'HLS_DIR',
  'MAX_WEBRTC_VIEWERS_PER_STREAM',
  'PUBLISHER_GRACE_MS',
  'MEDIA_SEND_PATH',
] as const;
type Variable = (typeof variables)[number];

/** Never echoed back in error messages: config errors end up in logs. */
const secretVariables: ReadonlySet<Variable> = new Set(['MEDIA_TOKEN_SECRET']);

/**
 * A base-10 integer in [min, max]. Stricter than z.coerce.number(), which
 * would accept "1e3", "0x10" or " " (→ 0) and start the server on a port
 * nobody asked for.
 */
function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    )
    .optional()
    .transform((v) => v ?? fallback);
}

const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

/** The repository root (media-server/src/ → ../..), so data/ is the same folder the api uses. */
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The shared HS256 secret: short secrets can be brute-forced offline from one captured token. */
const secret = z
  .string({ error: 'is required (the HS256 secret shared with the api)' })
  .min(32, { error: 'must be at least 32 characters' });

function schema(defaultWorkers: number) {
  return z
    .object({
      MEDIA_PORT: integer(0, 65535, 4000),
      MEDIA_HOST: z.string().min(1).default('127.0.0.1'),
      MEDIA_WORKERS: integer(1, 1024, defaultWorkers),
      RTC_MIN_PORT: integer(1, 65535, 40000),
      RTC_MAX_PORT: integer(1, 65535, 49999),
      // Where WebRTC and plain-RTP sockets bind; the announced IP is what browsers are told.
      RTC_LISTEN_IP: ip.default('0.0.0.0'),
      MEDIA_ANNOUNCED_IP: ip.default('127.0.0.1'),
      LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
      MEDIA_TOKEN_SECRET: secret,
      API_INTERNAL_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      HLS_DIR: z
        .string()
        .min(1)
        .default(path.join(repoRoot, 'data', 'hls')),
      // 0 = "not set": the default depends on MEDIA_WORKERS and is filled in below.
      MAX_WEBRTC_VIEWERS_PER_STREAM: integer(1, 1_000_000, 0),
      PUBLISHER_GRACE_MS: integer(0, 600_000, 15_000),
      // auto: the io_uring worker build where io_uring works, else the libuv one (worker-binary.ts).
      MEDIA_SEND_PATH: z.enum(['auto', 'io_uring', 'libuv'], { error: 'must be auto, io_uring or libuv' }).default('auto'),
    })
    .superRefine((env, ctx) => {
      if (env.RTC_MIN_PORT > env.RTC_MAX_PORT) {
        ctx.addIssue({
          code: 'custom',
          path: ['RTC_MAX_PORT'],
          message: `must be >= RTC_MIN_PORT (${env.RTC_MIN_PORT})`,
        });
        return;
      }
      // Each worker gets its own slice of the range; an empty slice would
      // make that worker fail its first createWebRtcTransport() at show time.
      const size = env.RTC_MAX_PORT - env.RTC_MIN_PORT + 1;
      if (size < env.MEDIA_WORKERS) {
        ctx.addIssue({
          code: 'custom',
          path: ['MEDIA_WORKERS'],
          message: `${env.MEDIA_WORKERS} workers cannot share ${size} RTC ports (RTC_MIN_PORT..RTC_MAX_PORT)`,
        });
      }
    })
    .transform((env) => ({
      port: env.MEDIA_PORT,
      host: env.MEDIA_HOST,
      numWorkers: env.MEDIA_WORKERS,
      rtcMinPort: env.RTC_MIN_PORT,
      rtcMaxPort: env.RTC_MAX_PORT,
      rtcListenIp: env.RTC_LISTEN_IP,
      announcedIp: env.MEDIA_ANNOUNCED_IP,
      logLevel: env.LOG_LEVEL,
      mediaTokenSecret: env.MEDIA_TOKEN_SECRET,
      apiInternalUrl: env.API_INTERNAL_URL,
      hlsDir: path.resolve(env.HLS_DIR),
      // About 500 viewers per worker is where one core saturates forwarding
      // ~1.5 Mbit/s simulcast video; beyond that the web falls back to HLS.
      maxWebrtcViewersPerStream: env.MAX_WEBRTC_VIEWERS_PER_STREAM || 500 * env.MEDIA_WORKERS,
      publisherGraceMs: env.PUBLISHER_GRACE_MS,
      sendPath: env.MEDIA_SEND_PATH,
    }));
}

export type MediaConfig = Readonly<z.output<ReturnType<typeof schema>>>;

/**
 * Validates the environment and returns a frozen config, or throws a
 * MediaConfigError naming every bad variable. Empty strings count as unset,
 * because `MEDIA_PORT=` in a .env file means "use the default", not port 0.
 */
export function loadMediaConfig(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  const raw: Partial<Record<Variable, string>> = {};
  for (const name of variables) {
    const value = env[name]?.trim();
    if (value) raw[name] = value;
  }
  const result = schema(os.availableParallelism()).safeParse(raw);
  if (!result.success) {
    const issues: ConfigIssue[] = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const got = raw[variable as Variable];
      const shown = got === undefined || secretVariables.has(variable as Variable) ? undefined : got;
      return { variable, message: shown === undefined ? issue.message : `${issue.message} (got "${shown}")` };
    });
    throw new MediaConfigError(issues);
  }
  return Object.freeze(result.data);
}
