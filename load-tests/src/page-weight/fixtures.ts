import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { RunningApi } from '../../../api/src/server.js';
import { SESSION_COOKIE } from '../../../api/src/http/session-cookie.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

export type BenchDatabase = { url: string; name: string; drop(): Promise<void> };

/** A fresh, migrated database of its own (a run never touches real data), dropped by drop(). */
export async function createPageWeightDatabase(adminUrl: string): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `hawker_bench_page_weight_${Date.now()}_${process.pid}`;
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
 * A creator account with a session, written directly (no argon2, no login
 * page): returns the session token for the studio's browser context.
 */
export async function createCreatorSession(api: RunningApi): Promise<{ userId: string; token: string }> {
  const prisma = api.services.db.prisma;
  const tag = randomBytes(4).toString('hex');
  const user = await prisma.user.create({
    data: { email: `bench-creator-${tag}@bench.hawker`, passwordHash: 'not-used', displayName: `Bench creator ${tag}`, roles: ['creator'] },
  });
  const token = randomBytes(32).toString('base64url');
  await prisma.session.create({
    data: { userId: user.id, tokenHash: createHash('sha256').update(token).digest('hex'), expiresAt: new Date(Date.now() + 3_600_000) },
  });
  return { userId: user.id, token };
}

export { SESSION_COOKIE };
