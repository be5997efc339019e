import { luaScript, type RedisClient } from './redis.js';

/**
 * The admission gate in front of a flash deal's checkout. Thousands of buyers
 * press Buy in the same second for a few hundred units; the gate answers each
 * attempt with one atomic Redis script (reserve a unit, or say why not), so
 * only the attempts that hold a reservation reach PostgreSQL. PostgreSQL stays
 * the source of truth — its conditional UPDATE and per-buyer check still run
 * for every order — so a gate that drifts (a node died holding a reservation,
 * Redis restarted) can only make a deal sell slower, never oversell.
 *
 * A reservation is keyed by the buyer's idempotency key. It is `pending`
 * while its checkout runs, `done` once the order committed (a retry with the
 * same key then replays the order instead of reserving again), and `failed`
 * with its units returned to the deal when the checkout fails or the
 * reservation outlives its TTL (a retry with that key is told so; a new
 * press needs a new key).
 */
export type GateVerdict =
  | 'reserved'
  /** The same idempotency key already holds a reservation (in flight or done): replay, don't reserve. */
  | 'pending'
  | 'done'
  | 'failed'
  | 'sold_out'
  | 'buyer_limit'
  | 'closed'
  /** Not in this stream. */
  | 'wrong_stream'
  /** The gate does not know the deal (never opened here, or Redis lost it): ask PostgreSQL. */
  | 'unknown';

export type GateDeal = { id: string; streamId: string; remaining: number; perBuyerLimit: number; closesAt: Date };

export interface DealGate {
  /** Opens (or re-opens after a loss) the gate with PostgreSQL's view: units left and what each buyer already has. */
  open(deal: GateDeal, bought: Map<string, number>): Promise<void>;
  reserve(dealId: string, streamId: string, buyerId: string, key: string, quantity: number): Promise<GateVerdict>;
  /** The checkout started: the sweep leaves the reservation alone while it runs (PostgreSQL decides it). */
  paying(dealId: string, key: string): Promise<void>;
  /** The order committed: the units stay taken, the key now replays. */
  confirm(dealId: string, key: string): Promise<void>;
  /** The checkout failed: the units go back to the deal and the buyer's count; the key stays failed. Whether it was pending. */
  fail(dealId: string, key: string): Promise<boolean>;
  /** Sets the units left to PostgreSQL's remaining minus reservations still in flight (never above the truth). */
  sync(dealId: string, remainingInDb: number): Promise<number | null>;
  /** Fails reservations older than the TTL (their units go back); returns their keys. */
  expire(dealId: string): Promise<string[]>;
  remaining(dealId: string): Promise<number | null>;
  close(dealId: string): Promise<void>;
}

/** The buyer is told to expect the payment within this; a reservation whose checkout has not started by then is given back. */
export const RESERVATION_TTL_MS = 20_000;
// A checkout that started is given this long before a sweep may take its units back (its node died mid-payment).
const PAYING_TTL_MS = 300_000;
const keysOf = (prefix: string, dealId: string) => {
  const base = `${prefix}deal:{${dealId}}`; // one hash slot per deal, should Redis be clustered
  return [base, `${base}:buyers`, `${base}:res`, `${base}:exp`];
};

// KEYS: deal, buyers, res, exp. ARGV: streamId, buyer, key, qty, now, ttl.
// res values: "pending:<buyer>:<qty>", "done:<buyer>:<qty>" or "failed:<buyer>:<qty>".
const RESERVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
local prior = redis.call('HGET', KEYS[3], ARGV[3])
if prior then return string.match(prior, '^(%a+)') end
local d = redis.call('HMGET', KEYS[1], 'left', 'limit', 'closesAt', 'streamId')
if d[4] ~= ARGV[1] then return 'wrong_stream' end
local now, qty = tonumber(ARGV[5]), tonumber(ARGV[4])
if now > tonumber(d[3]) then return 'closed' end
if tonumber(d[1]) < qty then return 'sold_out' end
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
if mine + qty > tonumber(d[2]) then return 'buyer_limit' end
redis.call('HINCRBY', KEYS[1], 'left', -qty)
redis.call('HINCRBY', KEYS[2], ARGV[2], qty)
redis.call('HSET', KEYS[3], ARGV[3], 'pending:' .. ARGV[2] .. ':' .. ARGV[4])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[6]), ARGV[3])
return 'reserved'`;

// KEYS: deal, buyers, res, exp. ARGV: key.
const RELEASE_FN = `
local function release(key)
  local v = redis.call('HGET', KEYS[3], key)
  if not v then return 0 end
  local state, buyer, qty = string.match(v, '^(%a+):([^:]+):(%d+)$')
  if state ~= 'pending' then return 0 end
  redis.call('HSET', KEYS[3], key, 'failed:' .. buyer .. ':' .. qty)
  redis.call('ZREM', KEYS[4], key)
  if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'left', tonumber(qty)) end
  redis.call('HINCRBY', KEYS[2], buyer, -tonumber(qty))
  return 1
end`;
const FAIL = `${RELEASE_FN}
return release(ARGV[1])`;
// ARGV: now.
const EXPIRE = `${RELEASE_FN}
local expired = {}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1])) do
  if release(key) == 1 then table.insert(expired, key) end
end
return expired`;
// ARGV: key.
const CONFIRM = `
local v = redis.call('HGET', KEYS[3], ARGV[1])
if not v then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], (string.gsub(v, '^pending', 'done', 1)))
redis.call('ZREM', KEYS[4], ARGV[1])
return 1`;
// ARGV: remaining in the database.
const SYNC = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local pending = 0
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do
  local state, _, qty = string.match(v, '^(%a+):([^:]+):(%d+)$')
  if state == 'pending' then pending = pending + tonumber(qty) end
end
local left = math.max(0, tonumber(ARGV[1]) - pending)
redis.call('HSET', KEYS[1], 'left', left)
return left`;

const scripts = {
  reserve: luaScript(RESERVE),
  fail: luaScript(FAIL),
  expire: luaScript(EXPIRE),
  confirm: luaScript(CONFIRM),
  sync: luaScript(SYNC),
};

export function createDealGate(
  redis: RedisClient | undefined,
  { keyPrefix, reservationTtlMs = RESERVATION_TTL_MS }: { keyPrefix: string; reservationTtlMs?: number },
): DealGate {
  return redis ? new RedisDealGate(redis, keyPrefix, reservationTtlMs) : new MemoryDealGate(reservationTtlMs);
}

class RedisDealGate implements DealGate {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly ttlMs: number,
  ) {}

  private keys(dealId: string) {
    return keysOf(this.keyPrefix, dealId);
  }

  async open(deal: GateDeal, bought: Map<string, number>): Promise<void> {
    const [d, buyers, res, exp] = this.keys(deal.id);
    // Keys outlive the deal's window by a day, so a finished deal's gate cleans itself up.
    const ttlMs = Math.max(0, deal.closesAt.getTime() - Date.now()) + 86_400_000;
    const m = this.redis.multi().del([d!, buyers!, res!, exp!]);
    m.hSet(d!, {
      left: String(deal.remaining),
      limit: String(deal.perBuyerLimit),
      closesAt: String(deal.closesAt.getTime()),
      streamId: deal.streamId,
    });
    if (bought.size > 0) m.hSet(buyers!, Object.fromEntries([...bought].map(([u, q]) => [u, String(q)])));
    for (const k of [d!, buyers!, res!, exp!]) m.pExpire(k, ttlMs);
    await m.exec();
  }

  async reserve(dealId: string, streamId: string, buyerId: string, key: string, quantity: number): Promise<GateVerdict> {
    const verdict = await scripts.reserve(this.redis, {
      keys: this.keys(dealId),
      arguments: [streamId, buyerId, key, String(quantity), String(Date.now()), String(this.ttlMs)],
    });
    return verdict as GateVerdict;
  }

  async paying(dealId: string, key: string): Promise<void> {
    await this.redis.zAdd(this.keys(dealId)[3]!, { score: Date.now() + PAYING_TTL_MS, value: key }, { XX: true });
  }

  async confirm(dealId: string, key: string): Promise<void> {
    await scripts.confirm(this.redis, { keys: this.keys(dealId), arguments: [key] });
  }

  async fail(dealId: string, key: string): Promise<boolean> {
    return (await scripts.fail(this.redis, { keys: this.keys(dealId), arguments: [key] })) === 1;
  }

  async sync(dealId: string, remainingInDb: number): Promise<number | null> {
    const left = (await scripts.sync(this.redis, { keys: this.keys(dealId), arguments: [String(remainingInDb)] })) as number;
    return left < 0 ? null : left;
  }

  async expire(dealId: string): Promise<string[]> {
    return (await scripts.expire(this.redis, { keys: this.keys(dealId), arguments: [String(Date.now())] })) as string[];
  }

  async remaining(dealId: string): Promise<number | null> {
    const left = await this.redis.hGet(this.keys(dealId)[0]!, 'left');
    return left === null || left === undefined ? null : Number(left);
  }

  async close(dealId: string): Promise<void> {
    await this.redis.del(this.keys(dealId));
  }
}

type MemoryReservation = { state: 'pending' | 'done' | 'failed'; buyer: string; qty: number; expiresAt: number };
type MemoryDeal = GateDeal & { left: number; buyers: Map<string, number>; res: Map<string, MemoryReservation> };

/** One process without Redis (`npm start` on embedded defaults): the same rules in a map. */
class MemoryDealGate implements DealGate {
  readonly #deals = new Map<string, MemoryDeal>();

  constructor(private readonly ttlMs: number) {}

  open(deal: GateDeal, bought: Map<string, number>): Promise<void> {
    this.#deals.set(deal.id, { ...deal, left: deal.remaining, buyers: new Map(bought), res: new Map() });
    return Promise.resolve();
  }

  reserve(dealId: string, streamId: string, buyerId: string, key: string, quantity: number): Promise<GateVerdict> {
    const d = this.#deals.get(dealId);
    const verdict = ((): GateVerdict => {
      if (!d) return 'unknown';
      const prior = d.res.get(key);
      if (prior) return prior.state;
      if (d.streamId !== streamId) return 'wrong_stream';
      if (Date.now() > d.closesAt.getTime()) return 'closed';
      if (d.left < quantity) return 'sold_out';
      if ((d.buyers.get(buyerId) ?? 0) + quantity > d.perBuyerLimit) return 'buyer_limit';
      d.left -= quantity;
      d.buyers.set(buyerId, (d.buyers.get(buyerId) ?? 0) + quantity);
      d.res.set(key, { state: 'pending', buyer: buyerId, qty: quantity, expiresAt: Date.now() + this.ttlMs });
      return 'reserved';
    })();
    return Promise.resolve(verdict);
  }

  paying(dealId: string, key: string): Promise<void> {
    const r = this.#deals.get(dealId)?.res.get(key);
    if (r?.state === 'pending') r.expiresAt = Date.now() + PAYING_TTL_MS;
    return Promise.resolve();
  }

  confirm(dealId: string, key: string): Promise<void> {
    const r = this.#deals.get(dealId)?.res.get(key);
    if (r) r.state = 'done';
    return Promise.resolve();
  }

  fail(dealId: string, key: string): Promise<boolean> {
    const d = this.#deals.get(dealId);
    const r = d?.res.get(key);
    if (!d || r?.state !== 'pending') return Promise.resolve(false);
    r.state = 'failed';
    d.left += r.qty;
    d.buyers.set(r.buyer, (d.buyers.get(r.buyer) ?? 0) - r.qty);
    return Promise.resolve(true);
  }

  sync(dealId: string, remainingInDb: number): Promise<number | null> {
    const d = this.#deals.get(dealId);
    if (!d) return Promise.resolve(null);
    const pending = [...d.res.values()].filter((r) => r.state === 'pending').reduce((s, r) => s + r.qty, 0);
    d.left = Math.max(0, remainingInDb - pending);
    return Promise.resolve(d.left);
  }

  async expire(dealId: string): Promise<string[]> {
    const d = this.#deals.get(dealId);
    const stale = d ? [...d.res].filter(([, r]) => r.state === 'pending' && r.expiresAt <= Date.now()) : [];
    for (const [key] of stale) await this.fail(dealId, key);
    return stale.map(([key]) => key);
  }

  remaining(dealId: string): Promise<number | null> {
    return Promise.resolve(this.#deals.get(dealId)?.left ?? null);
  }

  close(dealId: string): Promise<void> {
    this.#deals.delete(dealId);
    return Promise.resolve();
  }
}
