import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import type { ApiConfig } from '../../config.js';
import { pgliteSql, poolSql, type SqlDatabase } from './sql.js';

/**
 * Under a burst (a flash-deal rush) transactions queue for a pooled
 * connection; Prisma's defaults (2 s to start, 5 s to run) would fail them.
 */
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

export type Database = {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** The lean path for hot money statements (ledger, capture), on the same connections as Prisma. */
  sql: SqlDatabase;
  /** Round-trips a trivial query; used by the health check. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Opens Prisma on the configured database: real PostgreSQL through
 * @prisma/adapter-pg when DATABASE_URL is set, otherwise embedded PGlite in a
 * data folder (single process only, which is why `npm run start:cluster`
 * requires DATABASE_URL).
 */
export async function openDatabase(target: ApiConfig['database'], poolSize = 10): Promise<Database> {
  if (target.kind === 'postgres') {
    // One pool for Prisma and the lean path, so both count against the same connection budget.
    const pool = new pg.Pool({ connectionString: target.url, max: poolSize });
    // An idle connection that dies (a PostgreSQL restart) must not crash the node: the pool
    // drops it, and the next query opens a new one or fails on its own.
    pool.on('error', () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TX_OPTIONS });
    await prisma.$connect();
    const sql = poolSql(pool);
    return wrap(prisma, 'postgres', sql, async () => {
      await prisma.$disconnect();
      await sql.close();
    });
  }
  const pglite = new PGlite(target.dataDir);
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TX_OPTIONS });
  return wrap(prisma, 'pglite', pgliteSql(pglite), async () => {
    await prisma.$disconnect();
    await pglite.close();
  });
}

function wrap(prisma: PrismaClient, kind: Database['kind'], sql: SqlDatabase, close: () => Promise<void>): Database {
  let closed: Promise<void> | undefined;
  return {
    prisma,
    kind,
    sql,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close() {
      closed ??= close();
      return closed;
    },
  };
}
