/**
 * Applies the committed migrations (api/prisma/migrations) offline.
 *
 *   DATABASE_URL=postgres://... npx tsx api/scripts/migrate.ts   # PostgreSQL
 *   npx tsx api/scripts/migrate.ts                               # PGlite in $PGLITE_DIR
 *
 * PGLITE_DIR defaults to <repo root>/data/pglite.
 */
import { fileURLToPath } from 'node:url';
import { applyMigrations, type MigrationTarget } from '../src/repositories/db/migrator.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function targetFromEnv(): MigrationTarget {
  const url = process.env['DATABASE_URL'];
  if (url) return { kind: 'postgres', url };
  return { kind: 'pglite', dataDir: process.env['PGLITE_DIR'] ?? `${repoRoot}data/pglite` };
}

try {
  const target = targetFromEnv();
  const { applied } = await applyMigrations(target);
  const where = target.kind === 'postgres' ? 'PostgreSQL' : `PGlite at ${target.dataDir}`;
  for (const name of applied) console.log(`applied ${name}`);
  console.log(applied.length === 0 ? `${where}: already up to date` : `${where}: ${applied.length} migration(s) applied`);
  // The engine may keep handles (timers, sockets) alive; do not wait for them.
  process.exit(0);
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
