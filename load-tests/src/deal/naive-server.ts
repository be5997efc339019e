import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { purchaseCreateSchema, roomJoinSchema } from '@hawker/shared';
import pg from 'pg';
import { Server } from 'socket.io';
import { readSessionToken } from '../../../api/src/http/session-cookie.js';
import { ChatRepository } from '../../../api/src/repositories/chat.repository.js';
import { openDatabase } from '../../../api/src/repositories/db/client.js';
import { DealRepository } from '../../../api/src/repositories/deal.repository.js';
import { PinRepository } from '../../../api/src/repositories/pin.repository.js';

/**
 * The baseline for `bench -- deal`: the textbook flash-deal purchase, with
 * no gate in front of PostgreSQL. Same wire (Socket.IO, the session cookie,
 * the zod-parsed `purchase:create`), but every attempt opens a transaction,
 * takes the deal's row lock (SELECT … FOR UPDATE), checks stock and the
 * buyer's limit, and writes a purchase. It writes a single row where Hawker
 * writes a whole order, payment and escrow — generous to the baseline.
 *
 * Its `room:join` is a real one: it reads the same room snapshot Hawker's
 * join sends (the stream and the viewer's role in it, recent chat, chat
 * settings, pins, the running deal) with Hawker's own repositories, once per
 * viewer (the naive way: no sharing between joins), counts the viewer and
 * puts the socket in the room. While units sell, the room gets the same
 * `deal:stock` broadcast as Hawker's, at most once a second and only when
 * the number changed.
 */
export type NaiveServer = {
  url: string;
  sold(dealId: string): Promise<{ units: number; overLimitBuyers: number }>;
  close(): Promise<void>;
};

const SCHEMA = `CREATE TABLE IF NOT EXISTS bench_naive_purchases (
  id BIGSERIAL PRIMARY KEY, "dealId" UUID NOT NULL, "buyerId" UUID NOT NULL, quantity INT NOT NULL, "createdAt" TIMESTAMPTZ NOT NULL DEFAULT now())`;

const STOCK_EVERY_MS = 1000;

export async function startNaiveServer(databaseUrl: string, poolSize: number): Promise<NaiveServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const reads = await openDatabase({ kind: 'postgres', url: databaseUrl }, poolSize);
  const chat = new ChatRepository(reads.prisma);
  const pins = new PinRepository(reads.prisma);
  const deals = new DealRepository(reads.prisma);
  const viewers = new Map<string, number>();
  const stockDue = new Map<string, NodeJS.Timeout>();
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
  const join = async (streamId: string, userId: string | null) => {
    const stream = await chat.streamOwner(streamId);
    if (!stream) return { ok: false, error: { code: 'resource_missing', message: 'No such stream.' } };
    const isCreator = stream.creatorId === userId;
    const [canModerate, recentChat, chatSettings, pinned, activeDeal] = await Promise.all([
      userId && !isCreator ? chat.isModerator(stream.creatorId, userId) : Promise.resolve(isCreator),
      chat.recent(streamId),
      chat.settings(streamId),
      pins.current(streamId),
      deals.active(streamId),
    ]);
    const viewerCount = (viewers.get(streamId) ?? 0) + 1;
    viewers.set(streamId, viewerCount);
    return {
      ok: true,
      data: {
        streamId,
        viewerCount,
        serverTime: new Date().toISOString(),
        recentChat,
        chatSettings,
        pins: pinned,
        activeDeal,
        viewer: { isCreator, canModerate },
      },
    };
  };
  // The first sale in a quiet second is told at once; the rest of that second's sales in one trailing broadcast.
  const told = new Map<string, number>();
  const stock = (streamId: string, dealId: string) => {
    if (stockDue.has(dealId)) return;
    // As Hawker: an unchanged number is not broadcast again.
    const tell = () =>
      void pool
        .query<{ remaining: number }>('SELECT quantity - "soldCount" AS remaining FROM flash_deals WHERE id = $1', [dealId])
        .then((r) => {
          const remaining = r.rows[0]?.remaining ?? 0;
          if (told.get(dealId) === remaining) return;
          told.set(dealId, remaining);
          io.to(`stream:${streamId}`).emit('deal:stock', { streamId, dealId, remaining });
        })
        .catch(() => undefined);
    tell();
    stockDue.set(
      dealId,
      setTimeout(() => {
        stockDue.delete(dealId);
        tell();
      }, STOCK_EVERY_MS),
    );
  };
  io.on('connection', (socket) => {
    socket.on('room:join', (payload: unknown, ack: (a: unknown) => void) => {
      const parsed = roomJoinSchema.safeParse(payload);
      if (!parsed.success) return ack({ ok: false, error: { code: 'invalid_payload', message: 'bad payload' } });
      const userId = (socket.data as { userId?: string | null }).userId ?? null;
      join(parsed.data.streamId, userId).then(
        async (answer) => {
          if (answer.ok) await socket.join(`stream:${parsed.data.streamId}`);
          ack(answer);
        },
        () => ack({ ok: false, error: { code: 'internal_error', message: 'internal error' } }),
      );
    });
    socket.on('purchase:create', (payload: unknown, ack: (a: unknown) => void) => {
      const parsed = purchaseCreateSchema.safeParse(payload);
      const userId = (socket.data as { userId?: string | null }).userId;
      if (!parsed.success || !parsed.data.dealId) return ack({ ok: false, error: { code: 'invalid_payload', message: 'bad payload' } });
      if (!userId) return ack({ ok: false, error: { code: 'unauthenticated', message: 'Log in to buy.' } });
      const { dealId, streamId } = parsed.data;
      purchase(pool, dealId, userId, parsed.data.quantity).then(
        (code) => {
          ack(code === 'ok' ? { ok: true, data: null } : { ok: false, error: { code, message: code } });
          if (code === 'ok') stock(streamId, dealId);
        },
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
      for (const t of stockDue.values()) clearTimeout(t);
      await io.close();
      await pool.end();
      await reads.close();
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
