import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * A lean SQL path beside Prisma for the hottest money paths (ledger
 * transfers, payment capture). Measured on this code: one raw statement
 * through Prisma's client costs ~5× the Node CPU of the same statement through
 * node-postgres, and an interactive Prisma transaction ~3 more round trips'
 * worth; on a 2-core box that CPU is taken from PostgreSQL itself. Statements
 * that name themselves are prepared once per connection (node-postgres named
 * statements), so PostgreSQL parses and plans them once.
 */
export interface SqlExecutor {
  /** Rows as node-postgres returns them: bigint columns arrive as strings. */
  query<T>(statement: SqlStatement, values: unknown[]): Promise<T[]>;
}

export interface SqlDatabase extends SqlExecutor {
  /** BEGIN … COMMIT on one connection; ROLLBACK when fn throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * "Now" for `timestamp(3)` columns written on the lean path. Prisma stores
 * those as UTC wall time; `now()` alone is a timestamptz that PostgreSQL would
 * convert with the session's time zone when compared with or stored in them.
 */
export const SQL_UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

/** A named statement is prepared once per connection; the name must be unique to its text. */
export type SqlStatement = { name?: string; text: string };

/** Over a node-postgres pool (the same pool Prisma's adapter uses). */
export function poolSql(pool: pg.Pool): SqlDatabase {
  const on = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T>(statement: SqlStatement, values: unknown[]) {
      const result = await client.query({ ...statement, values });
      return result.rows as T[];
    },
  });
  return {
    ...on(pool),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Over embedded PGlite (one connection; PGlite queues callers, transactions hold it exclusively). */
export function pgliteSql(db: PGlite): SqlDatabase {
  const on = (client: PGlite | Transaction): SqlExecutor => ({
    async query<T>(statement: SqlStatement, values: unknown[]) {
      const result = await client.query<T>(statement.text, values);
      return result.rows.map((row) => stringifyBigints(row));
    },
  });
  return {
    ...on(db),
    transaction: (fn) => db.transaction((tx) => fn(on(tx))),
    close: () => Promise.resolve(),
  };
}

// PGlite parses int8 as bigint (node-postgres leaves it a string); callers see one shape.
function stringifyBigints<T>(row: T): T {
  if (row === null || typeof row !== 'object') return row;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? v.toString() : v;
  return out as T;
}
