import { createHash, randomBytes } from 'node:crypto';
import type { ClientToServerEvents, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, TEST_MEDIA_SECRET } from '../../test/support/api.js';
import { createBuyers } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';

/**
 * A creator with 100,000 followers goes live (issue 10). Going live must not
 * write 100,000 rows in the request path: its p95 stays within +20 % of a
 * creator with no followers; all 100,000 notifications are written within
 * 60 s; followers who are online see the bell within 5 s.
 */
const FOLLOWERS = 100_000;
const ONLINE = 20;
const SAMPLES = 60;
const ROUNDS = 5;
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let api: RunningApi;
let famous: { id: string };
let onlineRun = '';
let unknown: { id: string };
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  api = await startTestApi({ redis: true, env: { NODE_ID: 'fanout-scale' } });
  const prisma = api.services.db.prisma;
  [famous, unknown] = (await createBuyers(api, 2, 'scale-creator')).map((c) => ({ id: c.id })) as [{ id: string }, { id: string }];
  await prisma.user.updateMany({ where: { id: { in: [famous.id, unknown.id] } }, data: { roles: ['buyer', 'creator'] } });
  const run = randomBytes(4).toString('hex');
  await prisma.$executeRawUnsafe(`
    INSERT INTO users (id, email, "passwordHash", "displayName", roles, "updatedAt")
    SELECT ledger_uuid_v7(), 'fan-${run}-' || g || '@scale.test', 'x', 'Fan ' || g, '{buyer}', now() FROM generate_series(1, ${FOLLOWERS}) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO user_follows ("followerId", "followeeId")
    SELECT id, '${famous.id}'::uuid FROM users WHERE email LIKE 'fan-${run}-%'`);
  await prisma.user.update({ where: { id: famous.id }, data: { followerCount: FOLLOWERS } });
  onlineRun = run;
}, 300_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await api.close();
});

async function goLive(creatorId: string): Promise<{ streamId: string; ms: number }> {
  const stream = await api.services.db.prisma.stream.create({ data: { creatorId, title: 'Scale show' }, select: { id: true } });
  const t = performance.now();
  const res = await fetch(`${api.url}/api/internal/media-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hawker-internal': TEST_MEDIA_SECRET },
    body: JSON.stringify({
      type: 'broadcast.live',
      streamId: stream.id,
      at: new Date().toISOString(),
      hlsPath: `/media/hls/${stream.id}/index.m3u8`,
    }),
  });
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`go-live failed: ${res.status}`);
  return { streamId: stream.id, ms };
}
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;

describe('a creator with 100,000 followers goes live', () => {
  it('costs the go-live request what it costs a creator with none (p95 within +20 %)', { timeout: 120_000 }, async () => {
    // The request path alone: fan-out jobs queue up meanwhile and are dropped after.
    api.services.notifications.pause();
    try {
      for (let i = 0; i < 5; i++) await goLive(i % 2 ? famous.id : unknown.id); // warm-up
      // Rounds of alternating pairs (so neither side always runs on a warmer process); a p95 of a
      // ~12 ms request on a shared 2-core machine moves ±25 % from run to run, so the ratio that
      // counts is the median over the rounds.
      const ratios: number[] = [];
      const lines: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const times = { famous: [] as number[], unknown: [] as number[] };
        for (let i = 0; i < SAMPLES; i++) {
          const order = (i + round) % 2 ? (['famous', 'unknown'] as const) : (['unknown', 'famous'] as const);
          for (const who of order) times[who].push((await goLive(who === 'famous' ? famous.id : unknown.id)).ms);
        }
        const [withFollowers, without] = [p95(times.famous), p95(times.unknown)];
        ratios.push(withFollowers / without);
        lines.push(`${withFollowers.toFixed(1)}/${without.toFixed(1)} ms`);
      }
      const ratio = [...ratios].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
      process.stdout.write(
        `go-live p95 with ${FOLLOWERS} followers / with none, per round: ${lines.join(', ')}; median ratio ${ratio.toFixed(2)}\n`,
      );
      expect(ratio, lines.join(', ')).toBeLessThanOrEqual(1.2);
    } finally {
      await api.services.db.prisma.fanoutJob.deleteMany({});
      api.services.notifications.resume();
    }
  });

  it('writes all 100,000 notifications within 60 s, and followers online see the bell within 5 s', { timeout: 120_000 }, async () => {
    // Some followers are online: a session each, and a socket (connected only now: sockets in this test
    // process would add their own frame parsing to the go-live times measured above).
    const prisma = api.services.db.prisma;
    const online = await prisma.user.findMany({
      where: { email: { startsWith: `fan-${onlineRun}-` } },
      take: ONLINE,
      select: { id: true },
    });
    for (const u of online) {
      const token = randomBytes(32).toString('base64url');
      await prisma.session.create({
        data: { userId: u.id, tokenHash: createHash('sha256').update(token).digest('hex'), expiresAt: new Date(Date.now() + 3_600_000) },
      });
      const s: ClientSocket = connect(api.url, {
        transports: ['websocket'],
        forceNew: true,
        extraHeaders: { cookie: `hawker_session=${token}` },
      });
      sockets.push(s);
      await new Promise((resolve, reject) => {
        s.once('connect', () => resolve(undefined));
        s.once('connect_error', reject);
      });
    }
    const seen: number[] = [];
    const t0 = performance.now();
    for (const s of sockets) s.once('notification:new', () => seen.push(performance.now() - t0));
    const { streamId } = await goLive(famous.id);
    await api.services.notifications.drained();
    const writtenMs = performance.now() - t0;
    const rows = await api.services.db.prisma.notification.count({
      where: { kind: 'creator.live', dedupeKey: { startsWith: `live:${streamId}:` } },
    });
    expect(rows).toBe(FOLLOWERS);
    expect(writtenMs, `all ${FOLLOWERS} written in ${(writtenMs / 1000).toFixed(1)} s`).toBeLessThan(60_000);
    expect(seen).toHaveLength(ONLINE);
    expect(Math.max(...seen)).toBeLessThan(5000);
    process.stdout.write(
      `fan-out: ${FOLLOWERS} notifications in ${(writtenMs / 1000).toFixed(1)} s; online followers told in ≤ ${Math.max(...seen).toFixed(0)} ms\n`,
    );
  });
});
