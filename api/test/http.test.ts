import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
let client: HttpClient;
const METRICS_TOKEN = 'metrics-token-for-this-test-0123';
beforeAll(async () => {
  api = await startTestApi({ redis: true, env: { METRICS_TOKEN: METRICS_TOKEN, METRICS_PORT: '0' } });
  client = new HttpClient(api.url);
});
afterAll(async () => {
  await api.close();
});

describe('http surface', () => {
  it('GET /api/health reports db and redis ok', async () => {
    const res = await client.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      checks: { db: { status: 'ok', kind: 'postgres' }, redis: { status: 'ok' }, media: { status: 'disabled' } },
    });
  });

  it('reports degraded (503) when the media server is unreachable', async () => {
    const other = await startTestApi({ mediaUrl: 'http://127.0.0.1:9' });
    try {
      const res = await new HttpClient(other.url).get('/api/health');
      expect(res.status).toBe(503);
      expect(res.body.checks.media.status).toBe('down');
    } finally {
      await other.close();
    }
  });

  it('serves an OpenAPI 3 document covering every route, generated from the zod schemas', async () => {
    const res = await client.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining(['/health', '/auth/login', '/auth/register', '/auth/logout', '/me', '/listings', '/streams']),
    );
    const login = res.body.paths['/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
  });

  it('lists the 50 seeded listings with integer prices, paginated by cursor', async () => {
    const first = await client.get('/api/listings?limit=30');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(30);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await client.get(`/api/listings?limit=30&cursor=${first.body.nextCursor as string}`);
    expect(second.body.data.length).toBeGreaterThanOrEqual(20);
    const ids = new Set([...first.body.data, ...second.body.data].map((l: { id: string }) => l.id));
    expect(ids.size).toBe(first.body.data.length + second.body.data.length);
    for (const l of first.body.data as { priceMinor: number; currency: string }[]) {
      expect(Number.isInteger(l.priceMinor)).toBe(true);
      expect(l.currency).toBe('USD');
    }
  });

  it('rejects bad query parameters with 400 naming the parameter', async () => {
    const res = await client.get('/api/listings?limit=1000');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_query', param: 'limit' });
    const cursor = await client.get('/api/listings?cursor=bm9wZQ');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe('invalid_cursor');
  });

  it('filters streams by status and validates the filter', async () => {
    const prisma = api.services.db.prisma;
    const creator = await prisma.user.findUniqueOrThrow({ where: { email: 'creator@hawker.test' } });
    const ended = await prisma.stream.create({
      data: {
        creatorId: creator.id,
        title: 'Yesterday',
        status: 'ended',
        startedAt: new Date(Date.now() - 86_400_000),
        endedAt: new Date(),
      },
    });
    const live = await client.get('/api/streams?status=live');
    expect(live.status).toBe(200);
    expect((live.body.data as { id: string }[]).map((s) => s.id)).not.toContain(ended.id);
    for (const s of live.body.data as { status: string }[]) expect(s.status).toBe('live');
    const past = await client.get('/api/streams?status=ended');
    expect(past.body.data).toContainEqual(expect.objectContaining({ id: ended.id, title: 'Yesterday', viewerCount: 0, hlsUrl: null }));
    expect((await client.get('/api/streams?status=nope')).status).toBe(400);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await client.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.type).toBe('not_found_error');
  });

  it('exposes Prometheus metrics including request durations by route, to the scraper only', async () => {
    // The public port answers /metrics only with the bearer token; anyone else sees no such route.
    expect((await client.get('/metrics')).status).toBe(404);
    expect((await client.request('GET', '/metrics', undefined, { authorization: 'Bearer wrong-token-wrong-token-0' })).status).toBe(404);
    const res = await client.request('GET', '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/hawker_http_request_duration_seconds_count\{[^}]*method="GET",route="\/api\/listings",status="200"\} [1-9]/);
    expect(res.text).toContain('process_cpu_seconds_total');
    // The internal listener serves them without a token (it is bound to 127.0.0.1, never published).
    const internal = await fetch(api.metricsUrl!);
    expect(internal.status).toBe(200);
    expect(await internal.text()).toContain('process_cpu_seconds_total');
  });

  it('serves no metrics at all on the app port when no token is configured', async () => {
    const other = await startTestApi();
    try {
      expect((await new HttpClient(other.url).get('/metrics')).status).toBe(404);
      expect(other.metricsUrl).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('sets security headers with helmet', async () => {
    const res = await client.get('/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
