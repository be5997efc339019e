import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDealGate, type DealGate } from '../src/repositories/deal-gate.repository.js';
import { connectRedis, type RedisClient } from '../src/repositories/redis.js';

// The flash-deal gate's rules, on real Redis (the Lua scripts) and on the
// single-process map used without Redis: both must agree.
let redis: RedisClient;
beforeAll(async () => {
  redis = await connectRedis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

const STREAM = randomUUID();
const TTL_MS = 300;

async function openDeal(gate: DealGate, remaining: number, limit: number, bought = new Map<string, number>(), closesInMs = 60_000) {
  const id = randomUUID();
  await gate.open({ id, streamId: STREAM, remaining, perBuyerLimit: limit, closesAt: new Date(Date.now() + closesInMs) }, bought);
  return id;
}

describe.each([
  ['Redis', () => createDealGate(redis, { keyPrefix: inject('redisKeyPrefix'), reservationTtlMs: TTL_MS })],
  ['memory', () => createDealGate(undefined, { keyPrefix: inject('redisKeyPrefix'), reservationTtlMs: TTL_MS })],
])('deal gate (%s)', (_name, make) => {
  let gate: DealGate;
  beforeAll(() => {
    gate = make();
  });

  it('reserves until the units run out, then says sold out', async () => {
    const deal = await openDeal(gate, 3, 5);
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await gate.reserve(deal, STREAM, `buyer-${i}`, `k-${i}`, 1));
    expect(verdicts).toEqual(['reserved', 'reserved', 'reserved', 'sold_out', 'sold_out']);
    expect(await gate.remaining(deal)).toBe(0);
  });

  it('holds the per-buyer limit, counting what PostgreSQL says they already bought', async () => {
    const deal = await openDeal(gate, 10, 2, new Map([['returning', 1]]));
    expect(await gate.reserve(deal, STREAM, 'returning', 'a', 1)).toBe('reserved');
    expect(await gate.reserve(deal, STREAM, 'returning', 'b', 1)).toBe('buyer_limit');
    expect(await gate.reserve(deal, STREAM, 'new', 'c', 3)).toBe('buyer_limit');
    expect(await gate.reserve(deal, STREAM, 'new', 'd', 2)).toBe('reserved');
    expect(await gate.remaining(deal)).toBe(7);
  });

  it('answers a retried key with its reservation state instead of reserving again', async () => {
    const deal = await openDeal(gate, 10, 5);
    expect(await gate.reserve(deal, STREAM, 'u', 'same', 1)).toBe('reserved');
    expect(await gate.reserve(deal, STREAM, 'u', 'same', 1)).toBe('pending');
    await gate.confirm(deal, 'same');
    expect(await gate.reserve(deal, STREAM, 'u', 'same', 1)).toBe('done');
    // A confirmed reservation keeps its units: failing it is a no-op.
    expect(await gate.fail(deal, 'same')).toBe(false);
    expect(await gate.remaining(deal)).toBe(9);
  });

  it('returns a failed reservation to the deal and to the buyer, and its key stays failed', async () => {
    const deal = await openDeal(gate, 1, 1);
    expect(await gate.reserve(deal, STREAM, 'u', 'first', 1)).toBe('reserved');
    expect(await gate.reserve(deal, STREAM, 'v', 'other', 1)).toBe('sold_out');
    expect(await gate.fail(deal, 'first')).toBe(true);
    expect(await gate.fail(deal, 'first')).toBe(false);
    expect(await gate.remaining(deal)).toBe(1);
    expect(await gate.reserve(deal, STREAM, 'u', 'first', 1)).toBe('failed');
    expect(await gate.reserve(deal, STREAM, 'u', 'again', 1)).toBe('reserved');
  });

  it('expires reservations whose checkout never finished', async () => {
    const deal = await openDeal(gate, 2, 2);
    await gate.reserve(deal, STREAM, 'u', 'stale', 1);
    await gate.reserve(deal, STREAM, 'u', 'fresh', 1);
    await gate.confirm(deal, 'fresh');
    expect(await gate.expire(deal)).toEqual([]);
    await new Promise((r) => setTimeout(r, TTL_MS + 50));
    expect(await gate.expire(deal)).toEqual(['stale']);
    expect(await gate.remaining(deal)).toBe(1);
    expect(await gate.reserve(deal, STREAM, 'w', 'later', 1)).toBe('reserved');
  });

  it('syncs to the database’s remaining minus reservations still in flight, never above it', async () => {
    const deal = await openDeal(gate, 10, 10);
    await gate.reserve(deal, STREAM, 'u', 'in-flight', 3);
    await gate.reserve(deal, STREAM, 'u', 'committed', 2);
    await gate.confirm(deal, 'committed');
    // PostgreSQL: 2 sold (the committed one) → 8 remaining, of which 3 are reserved.
    expect(await gate.sync(deal, 8)).toBe(5);
    expect(await gate.sync(deal, 1)).toBe(0);
    expect(await gate.sync(randomUUID(), 5)).toBeNull();
  });

  it('refuses after the window closes, in another stream, and for deals it does not know', async () => {
    const closed = await openDeal(gate, 5, 5, new Map(), -1);
    expect(await gate.reserve(closed, STREAM, 'u', 'late', 1)).toBe('closed');
    const open = await openDeal(gate, 5, 5);
    expect(await gate.reserve(open, randomUUID(), 'u', 'elsewhere', 1)).toBe('wrong_stream');
    expect(await gate.reserve(randomUUID(), STREAM, 'u', 'ghost', 1)).toBe('unknown');
    await gate.close(open);
    expect(await gate.reserve(open, STREAM, 'u', 'after-close', 1)).toBe('unknown');
  });

  it('never admits more than the units under a burst of concurrent reservations', async () => {
    const deal = await openDeal(gate, 25, 1);
    const verdicts = await Promise.all(Array.from({ length: 400 }, (_, i) => gate.reserve(deal, STREAM, `b${i % 300}`, `k${i}`, 1)));
    expect(verdicts.filter((v) => v === 'reserved')).toHaveLength(25);
    expect(await gate.remaining(deal)).toBe(0);
  });
});
