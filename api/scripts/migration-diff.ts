/**
 * Writes the next migration when api/prisma/schema.prisma has changed:
 *
 *   npx tsx api/scripts/migration-diff.ts --name add_refunds
 *
 * The committed migrations are replayed into an in-memory PGlite and diffed
 * against the schema; a non-empty diff becomes
 * api/prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { diffSchemaAgainstMigrations, isEmptyMigration, LOCKFILE_CONTENT, MIGRATIONS_DIR } from '../src/repositories/db/migrator.js';

/** UTC, like the Prisma CLI, so names sort the same on every machine. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

function migrationName(raw: string | undefined): string {
  const name = (raw ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) throw new Error('usage: migration-diff.ts --name <name>  (letters, digits, _)');
  return name;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { name: { type: 'string', short: 'n' } } });
  const name = migrationName(values.name);
  const sql = await diffSchemaAgainstMigrations();
  if (isEmptyMigration(sql)) {
    console.log('no changes');
    return;
  }
  const dir = path.join(MIGRATIONS_DIR, `${timestamp(new Date())}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  const lockfile = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  if (!existsSync(lockfile)) await writeFile(lockfile, LOCKFILE_CONTENT);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'migration.sql'))}`);
}

try {
  await main();
  // Exit explicitly: the engine may keep handles alive after its work is done.
  process.exit(0);
} catch (error) {
  console.error(`migration-diff failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
