import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadApiConfig } from '../../../api/src/config.js';
import { startApiServer, type RunningApi } from '../../../api/src/server.js';
import { SESSION_COOKIE } from '../../../api/src/http/session-cookie.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type BenchDatabase = { url: string; name: string; drop(): Promise<void> };

/** A fresh, migrated database of its own (so a run never touches real data), named for its bench, dropped by drop(). */
export async function createBenchDatabase(adminUrl: string, bench = 'chat'): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `hawker_bench_${bench.replace(/\W/g, '_')}_${Date.now()}_${process.pid}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
  try {
    await run(path.join(root, 'node_modules/.bin/tsx'), ['api/scripts/migrate.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url.toString(), PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' },
      timeout: 120_000,
    });
  } catch (err) {
    await drop();
    throw err;
  }
  return { url: url.toString(), name, drop };
}

/**
 * An api node in this process for a bench with thousands of sockets: on the
 * bench's database and Redis, quiet logs, no background jobs inside the
 * measurement, and no per-IP socket caps (every bench socket comes from
 * 127.0.0.1, so the caps would refuse all but the first few hundred).
 */
export function startRoomBenchApi(
  env: { DATABASE_URL: string; REDIS_URL: string; NODE_ID: string } & Record<string, string>,
): Promise<RunningApi> {
  return startApiServer(
    loadApiConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SCHEDULER_INTERVAL_SECONDS: '0',
      SOCKETS_PER_IP: '1000000',
      GUEST_VIEWERS_PER_IP: '1000000',
      ...env,
    }),
  );
}

/** A creator and a live stream: the room. */
export async function createLiveStream(api: RunningApi, title: string): Promise<string> {
  const prisma = api.services.db.prisma;
  const tag = randomBytes(4).toString('hex');
  const creator = await prisma.user.create({
    data: { email: `bench-creator-${tag}@bench.hawker`, passwordHash: 'not-used', displayName: `Bench creator ${tag}`, roles: ['creator'] },
  });
  const stream = await prisma.stream.create({ data: { creatorId: creator.id, title, status: 'live', startedAt: new Date() } });
  return stream.id;
}

/**
 * Logged-in users for the senders: rows and sessions written directly (no
 * argon2 per user), returned as session cookies for the WebSocket upgrade.
 */
export async function createChatters(api: RunningApi, count: number): Promise<string[]> {
  const prisma = api.services.db.prisma;
  const tag = randomBytes(4).toString('hex');
  const users = await prisma.user.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => ({
      email: `bench-chatter-${tag}-${i}@bench.hawker`,
      passwordHash: 'not-used',
      displayName: `chatter ${i}`,
      roles: ['buyer' as const],
    })),
    select: { id: true },
  });
  const tokens = users.map(() => randomBytes(32).toString('base64url'));
  await prisma.session.createMany({
    data: users.map((u, i) => ({
      userId: u.id,
      tokenHash: createHash('sha256').update(tokens[i]!).digest('hex'),
      expiresAt: new Date(Date.now() + 3_600_000),
    })),
  });
  return tokens.map((t) => `${SESSION_COOKIE}=${t}`);
}
