import path from 'node:path';
import type { ClientToServerEvents, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HttpClient } from '../support/api.js';
import { eventually, freePort, spawnCollecting, type Spawned } from '../support/process.js';

// `npm run start:cluster` without Docker: two api processes on PostgreSQL and
// Redis behind the round-robin proxy. Consecutive connections land on
// different nodes, and room events still reach everyone through Redis.
const root = path.resolve(import.meta.dirname, '../..');
let cluster: Spawned | undefined;
const sockets: Socket[] = [];

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  if (cluster?.child.exitCode === null && cluster.child.pid) {
    process.kill(cluster.child.pid, 'SIGINT');
    await Promise.race([cluster.exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (cluster.child.exitCode === null) process.kill(-cluster.child.pid, 'SIGKILL');
  }
});

describe('npm run start:cluster', () => {
  it('serves one app from two api nodes sharing PostgreSQL and Redis', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      MEDIA_PORT: String(await freePort()),
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: inject('redisKeyPrefix'),
      LOG_LEVEL: 'warn',
    };
    cluster = spawnCollecting('node', ['scripts/start.mjs', '--cluster'], { cwd: root, env });
    const base = `http://127.0.0.1:${port}`;
    const nodes = new Set<string>();
    await eventually(
      async () => {
        const res = await fetch(`${base}/api/health`);
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { node: string; checks: { redis: { status: string }; db: { kind: string } } };
        expect(body.checks.redis.status).toBe('ok');
        expect(body.checks.db.kind).toBe('postgres');
        nodes.add(body.node);
        return nodes.size === 2 ? true : undefined;
      },
      150_000,
      'both api nodes to answer through the proxy',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- output ---\n${cluster?.output().slice(-4000)}`);
    });
    expect([...nodes].sort()).toEqual(['api-1', 'api-2']);

    const http = new HttpClient(base);
    await http.login('creator@hawker.test');
    const { body: stream } = await http.post('/api/streams', { title: 'Cluster show' });
    const open = async () => {
      const s: Socket<ServerToClientEvents, ClientToServerEvents> = connect(base, { transports: ['websocket'], forceNew: true });
      sockets.push(s);
      await new Promise((resolve, reject) => {
        s.once('connect', () => resolve(undefined));
        s.once('connect_error', reject);
      });
      return s;
    };
    const a = await open();
    const b = await open();
    expect((await a.timeout(5000).emitWithAck('room:join', { streamId: stream.id })).ok).toBe(true);
    const seen = new Promise((resolve) => a.on('viewers:count', (p) => p.count === 2 && resolve(p)));
    expect(await b.timeout(5000).emitWithAck('room:join', { streamId: stream.id })).toMatchObject({ ok: true, data: { viewerCount: 2 } });
    expect(await seen).toEqual({ streamId: stream.id, count: 2 });
  });
});
