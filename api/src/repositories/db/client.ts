import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.js';
import type { ApiConfig } from '../../config.js';

/**
 * Under a burst (a flash-deal rush) transactions queue for a pooled
 * connection; Prisma's defaults (2 s to start, 5 s to run) would fail them.
 */
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

export type Database = {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
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
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: target.url, max: poolSize }),
      transactionOptions: TX_OPTIONS,
    });
    await prisma.$connect();
    return wrap(prisma, 'postgres', async () => prisma.$disconnect());
  }
  const pglite = new PGlite(target.dataDir);
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TX_OPTIONS });
  return wrap(prisma, 'pglite', async () => {
    await prisma.$disconnect();
    await pglite.close();
  });
}

function wrap(prisma: PrismaClient, kind: Database['kind'], close: () => Promise<void>): Database {
  let closed: Promise<void> | undefined;
  return {
    prisma,
    kind,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close() {
      closed ??= close();
      return closed;
    },
  };
}
