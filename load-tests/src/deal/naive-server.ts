import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { purchaseCreateSchema } from '@hawker/shared';
import pg from 'pg';
import { Server } from 'socket.io';
import { readSessionToken } from '../../../api/src/http/session-cookie.js';

/**
 * The baseline for `bench -- deal`: the textbook flash-deal purchase, with
 * no gate in front of PostgreSQL. Same wire (Socket.IO, the session cookie,
 * the zod-parsed `purchase:create`), but every attempt opens a transaction,
 * takes the deal's row lock (SELECT … FOR UPDATE), checks stock and the
 * buyer's limit, and writes a purchase. It writes a single row where Hawker
 * writes a whole order, payment and escrow — generous to the baseline.
 */
export type NaiveServer = {
  url: string;
  sold(dealId: string): Promise<{ units: number; overLimitBuyers: number }>;
  close(): Promise<void>;
};

const SCHEMA = `CREATE TABLE IF NOT EXISTS bench_naive_purchases (
  id BIGSERIAL PRIMARY KEY, "dealId" UUID NOT NULL, "buyerId" UUID NOT NULL, quantity INT NOT NULL, "createdAt" TIMESTAMPTZ NOT NULL DEFAULT now())`;

export async function startNaiveServer(databaseUrl: string, poolSize: number): Promise<NaiveServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', () => undefined);
  await pool.query(SCHEMA);
  await pool.query('CREATE INDEX IF NOT EXISTS bench_naive_purchases_deal_buyer ON bench_naive_purchases ("dealId", "buyerId")');
  const http = createServer();
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024 });
  io.use((socket, next) => {
    const token = readSessionToken(socket.handshake.headers.cookie);
    if (!token) return next();
    pool
      .query<{ userId: string }>('SELECT "userId"::text AS "userId" FROM sessions WHERE "tokenHash" = $1 AND "expiresAt" > now()', [
        createHash('sha256').update(token).digest('hex'),
      ])
      .then((r) => {
        socket.data = { userId: r.rows[0]?.userId ?? null };
        next();
      })
      .catch((err: Error) => next(err));
  });
  io.on('connection', (socket) => {
    socket.on('room:join', (_p: unknown, ack: (a: unknown) => void) => ack({ ok: true, data: null }));
    socket.on('purchase:create', (payload: unknown, ack: (a: unknown) => void) => {
      const parsed = purchaseCreateSchema.safeParse(payload);
      const userId = (socket.data as { userId?: string | null }).userId;
      if (!parsed.success || !parsed.data.dealId) return ack({ ok: false, error: { code: 'invalid_payload', message: 'bad payload' } });
      if (!userId) return ack({ ok: false, error: { code: 'unauthenticated', message: 'Log in to buy.' } });
      purchase(pool, parsed.data.dealId, userId, parsed.data.quantity).then(
        (code) => ack(code === 'ok' ? { ok: true, data: null } : { ok: false, error: { code, message: code } }),
        () => ack({ ok: false, error: { code: 'internal_error', message: 'internal error' } }),
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async sold(dealId) {
      const r = await pool.query<{ units: string; over: string }>(
        `SELECT coalesce(sum(q), 0) AS units, count(*) FILTER (WHERE q > d."perBuyerLimit") AS over
           FROM (SELECT "buyerId", sum(quantity) AS q FROM bench_naive_purchases WHERE "dealId" = $1 GROUP BY 1) b, flash_deals d
          WHERE d.id = $1`,
        [dealId],
      );
      return { units: Number(r.rows[0]?.units ?? 0), overLimitBuyers: Number(r.rows[0]?.over ?? 0) };
    },
    async close() {
      await io.close();
      await pool.end();
    },
  };
}

async function purchase(pool: pg.Pool, dealId: string, buyerId: string, quantity: number): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const deal = await client.query<{ quantity: number; soldCount: number; perBuyerLimit: number; open: boolean }>(
      `SELECT quantity, "soldCount", "perBuyerLimit", now() <= "endsAt" + "graceMs" * interval '1 millisecond' AS open
         FROM flash_deals WHERE id = $1 FOR UPDATE`,
      [dealId],
    );
    const d = deal.rows[0];
    if (!d || !d.open || d.soldCount + quantity > d.quantity) {
      await client.query('ROLLBACK');
      return 'deal_sold_out';
    }
    const mine = await client.query<{ units: string }>(
      'SELECT coalesce(sum(quantity), 0) AS units FROM bench_naive_purchases WHERE "dealId" = $1 AND "buyerId" = $2',
      [dealId, buyerId],
    );
    if (Number(mine.rows[0]?.units ?? 0) + quantity > d.perBuyerLimit) {
      await client.query('ROLLBACK');
      return 'deal_limit_reached';
    }
    await client.query('UPDATE flash_deals SET "soldCount" = "soldCount" + $2 WHERE id = $1', [dealId, quantity]);
    await client.query('INSERT INTO bench_naive_purchases ("dealId", "buyerId", quantity) VALUES ($1, $2, $3)', [
      dealId,
      buyerId,
      quantity,
    ]);
    await client.query('COMMIT');
    return 'ok';
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
