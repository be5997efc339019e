import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import type { TestProject } from 'vitest/node';

/**
 * One fresh PostgreSQL database per test run (runs never collide), migrated
 * with the committed migrations and seeded with the demo data, then dropped.
 * TEST_DATABASE_URL is the admin connection (default: local postgres, trust
 * auth); TEST_REDIS_URL defaults to the local Redis, where the run's keys and
 * channels carry their own prefix (deleted at the end), so counters such as
 * login attempts never leak from one run into the next.
 */
const root = path.resolve(import.meta.dirname, '..');

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisKeyPrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = `hawker_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${name}`;
  const databaseUrl = dbUrl.toString();
  const env = { ...process.env, DATABASE_URL: databaseUrl, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', LOG_LEVEL: 'warn' };
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  execFileSync(tsx, ['api/scripts/migrate.ts'], { cwd: root, env, stdio: 'pipe' });
  execFileSync(tsx, ['api/scripts/seed.ts'], { cwd: root, env, stdio: 'pipe' });
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  const redisKeyPrefix = `${name}:`;
  project.provide('redisKeyPrefix', redisKeyPrefix);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await deleteRedisKeys(redisUrl, redisKeyPrefix);
  };
}

async function deleteRedisKeys(url: string, prefix: string) {
  const redis = createClient({ url, socket: { reconnectStrategy: false } });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    return; // no Redis this run: nothing was written
  }
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await redis.del(keys);
  await redis.quit();
}
