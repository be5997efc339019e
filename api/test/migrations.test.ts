import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, diffSchemaAgainstMigrations, isEmptyMigration, MIGRATIONS_DIR } from '../src/repositories/db/migrator.js';

const ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIGRATE_SCRIPT = fileURLToPath(new URL('../scripts/migrate.ts', import.meta.url));
// Each PGlite start costs seconds of WASM work; leave room on a busy 2-core machine.
const SLOW = { timeout: 120_000 };

/** What the committed migrations should leave behind, read from the files themselves. */
async function expectedState(): Promise<{ migrations: string[]; tables: string[] }> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const migrations = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const tables = new Set<string>(['_prisma_migrations']);
  for (const name of migrations) {
    const sql = await readFile(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8');
    for (const match of sql.matchAll(/CREATE TABLE "([^"]+)"/g)) tables.add(match[1] ?? '');
  }
  return { migrations, tables: [...tables].sort() };
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Checks _prisma_migrations and the public tables through any SQL client. */
async function expectMigrated(query: Query): Promise<void> {
  const expected = await expectedState();
  const rows = await query(
    'SELECT migration_name, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
  );
  expect(rows.map((r) => r['migration_name'])).toEqual(expected.migrations);
  for (const row of rows) {
    expect(row['finished_at']).not.toBeNull();
    expect(row['rolled_back_at']).toBeNull();
    expect(row['applied_steps_count']).toBe(1);
  }
  const tables = await query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  expect(tables.map((t) => t['tablename']).sort()).toEqual(expected.tables);
}

describe('prisma migrations', () => {
  it('match schema.prisma (run `npm run db:diff -- --name <change>` if this fails)', SLOW, async () => {
    const sql = await diffSchemaAgainstMigrations();
    expect(isEmptyMigration(sql), `schema.prisma differs from the migrations:\n${sql}`).toBe(true);
  });

  describe('on PostgreSQL', () => {
    const dbName = `hawker_migrations_test_${process.pid}_${Date.now()}`;
    const dbUrl = new URL(ADMIN_URL);
    dbUrl.pathname = `/${dbName}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE "${dbName}"`);
    });
    afterAll(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    });

    it('applies every migration once and records it', async () => {
      const { migrations } = await expectedState();
      const target = { kind: 'postgres', url: dbUrl.href } as const;
      expect((await applyMigrations(target)).applied).toEqual(migrations);
      expect((await applyMigrations(target)).applied).toEqual([]);

      const client = new pg.Client({ connectionString: dbUrl.href });
      await client.connect();
      try {
        await expectMigrated(async (sql) => (await client.query(sql)).rows as Record<string, unknown>[]);
      } finally {
        await client.end();
      }
    });
  });

  describe('on PGlite', () => {
    let tmp = '';
    beforeAll(async () => {
      tmp = await mkdtemp(path.join(tmpdir(), 'hawker-migrations-'));
    });
    afterAll(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    it('creates the data folder, applies every migration once and records it', SLOW, async () => {
      const { migrations } = await expectedState();
      const target = { kind: 'pglite', dataDir: path.join(tmp, 'not', 'yet', 'there') } as const;
      expect((await applyMigrations(target)).applied).toEqual(migrations);
      expect((await applyMigrations(target)).applied).toEqual([]);

      const db = new PGlite(target.dataDir);
      try {
        await expectMigrated(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows);
      } finally {
        await db.close();
      }
    });

    it('is what scripts/migrate.ts does when DATABASE_URL is unset', SLOW, async () => {
      const { migrations } = await expectedState();
      const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: path.join(tmp, 'cli') };
      delete env['DATABASE_URL'];
      const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', MIGRATE_SCRIPT], { env });

      const first = await run();
      expect(first.stdout).toContain(migrations.map((m) => `applied ${m}`).join('\n'));
      const second = await run();
      expect(second.stdout).not.toContain('applied ');
      expect(second.stdout).toContain('already up to date');
    });
  });
});
