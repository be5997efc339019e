import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/api.js';
import { eventually, freePort, spawnCollecting, type Spawned } from '../support/process.js';

// Runs the README's `npm start` path for real (scripts/start.mjs): set-up,
// migrations into an embedded PGlite, demo seed, media-server and api serving
// the web build; then Ctrl-C (SIGINT) must stop every child.
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'hawker-start-'));
let started: Spawned | undefined;

afterAll(() => {
  if (started?.child.exitCode === null && started.child.pid) process.kill(-started.child.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start (embedded defaults)', () => {
  it('serves the app with PGlite and no Redis, lets the demo creator log in, and stops on Ctrl-C', { timeout: 240_000 }, async () => {
    const port = await freePort();
    const mediaPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      MEDIA_PORT: String(mediaPort),
      PGLITE_DIR: path.join(dataDir, 'pglite'),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    started = spawnCollecting('node', ['scripts/start.mjs'], { cwd: root, env });
    const base = `http://127.0.0.1:${port}`;

    const health = await eventually(
      async () => {
        const res = await fetch(`${base}/api/health`);
        return res.status === 200
          ? ((await res.json()) as { checks: Record<string, { status: string; kind?: string; workers?: number }> })
          : undefined;
      },
      180_000,
      'GET /api/health to be ok',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- output ---\n${started?.output().slice(-4000)}`);
    });
    expect(health.checks.db).toEqual({ status: 'ok', kind: 'pglite' });
    expect(health.checks.redis).toEqual({ status: 'disabled' });
    expect(health.checks.media?.status).toBe('ok');
    expect(health.checks.media?.workers).toBeGreaterThanOrEqual(1);

    const client = new HttpClient(base);
    const { user } = await client.login('creator@hawker.test');
    expect(user.email).toBe('creator@hawker.test');
    const listings = await client.get('/api/listings?limit=100');
    // 50 in the two demo shops, 2 in the demo brand's (demo-partnerships.ts).
    expect(listings.body.data).toHaveLength(52);

    // Buying on the embedded database: checkout, the lean-SQL payment capture and escrow on PGlite.
    const buyer = new HttpClient(base);
    await buyer.login('buyer@hawker.test');
    const listing = (listings.body.data as { id: string; priceMinor: number; stock: number }[]).find((l) => l.stock > 0)!;
    const bought = await buyer.post(
      '/api/orders',
      { items: [{ listingId: listing.id, quantity: 1, unitPriceMinor: listing.priceMinor }] },
      { 'idempotency-key': 'start-test-buy-1' },
    );
    expect(bought.status).toBe(201);
    expect(bought.body.orders[0]).toMatchObject({
      status: 'paid',
      totalMinor: listing.priceMinor,
      escrow: { status: 'held', heldMinor: listing.priceMinor },
    });
    const admin = new HttpClient(base);
    await admin.login('admin@hawker.test');
    expect((await admin.get('/api/admin/ledger/check')).body).toEqual({ ok: true, problems: [] });

    const page = await fetch(`${base}/live/some-stream`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"');

    process.kill(started.child.pid!, 'SIGINT');
    expect(await started.exited).toBe(0);
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${mediaPort}/health`)).rejects.toThrow();
  });
});
