import { createHash, randomBytes } from 'node:crypto';
import type { RunningApi } from '../../api/src/server.js';
import { HttpClient, TEST_MEDIA_SECRET } from './api.js';

/**
 * Fast fixtures for tests that need many users: rows and sessions written
 * directly (no argon2 per user), yielding logged-in HTTP clients.
 */
export async function createBuyers(api: RunningApi, count: number, prefix = 'buyer'): Promise<{ id: string; client: HttpClient }[]> {
  const prisma = api.services.db.prisma;
  const run = randomBytes(4).toString('hex');
  const out: { id: string; client: HttpClient }[] = [];
  const users = await prisma.user.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => ({
      email: `${prefix}-${run}-${i}@test.hawker`,
      passwordHash: 'not-used',
      displayName: `${prefix} ${i}`,
      roles: ['buyer' as const],
    })),
    select: { id: true },
  });
  const sessions = users.map((u) => ({ userId: u.id, token: randomBytes(32).toString('base64url') }));
  await prisma.session.createMany({
    data: sessions.map((s) => ({
      userId: s.userId,
      tokenHash: createHash('sha256').update(s.token).digest('hex'),
      expiresAt: new Date(Date.now() + 3_600_000),
    })),
  });
  for (const s of sessions) {
    const client = new HttpClient(api.url);
    client.useCookie(`hawker_session=${s.token}`);
    out.push({ id: s.userId, client });
  }
  return out;
}

/** A fresh listing in the demo seller's shop with the given stock and price. */
export async function createListing(api: RunningApi, opts: { stock: number; priceMinor?: number; owner?: string }) {
  const prisma = api.services.db.prisma;
  const shop = await prisma.shop.findFirstOrThrow({ where: { owner: { email: opts.owner ?? 'seller@hawker.test' } } });
  return prisma.listing.create({
    data: {
      shopId: shop.id,
      title: `Test item ${randomBytes(3).toString('hex')}`,
      priceMinor: opts.priceMinor ?? 1500,
      currency: 'USD',
      stock: opts.stock,
      category: 'test',
    },
    select: { id: true, shopId: true, priceMinor: true },
  });
}

export function key(): string {
  return `test-${randomBytes(12).toString('hex')}`;
}

/** The stream goes live the way it does in production: the media-server tells the api that video is flowing. */
export async function goLive(api: RunningApi, streamId: string): Promise<void> {
  const res = await fetch(`${api.url}/api/internal/media-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hawker-internal': TEST_MEDIA_SECRET },
    body: JSON.stringify({ type: 'broadcast.live', streamId, at: new Date().toISOString(), hlsPath: `/media/hls/${streamId}/index.m3u8` }),
  });
  if (!res.ok) throw new Error(`going live failed: ${res.status} ${await res.text()}`);
}
