import { describe, it, expect, afterEach } from 'vitest';
import { loadMediaConfig } from '../src/config.js';
import { mediaCodecs } from '../src/codecs.js';
import { NoWorkerAvailableError } from '../src/errors.js';
import { mediaHealthResponseSchema, type MediaHealthResponse } from '../src/health.js';
import { startMediaServer, type MediaServer } from '../src/server.js';
import { WorkerPool } from '../src/WorkerPool.js';
import { captureLogs, LEVEL } from './support/logs.js';
import { testSecret } from './support/tokens.js';
import { waitForEvent } from './support/wait.js';

/** Whether a process with this pid exists (signal 0 only checks). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function getHealth(server: MediaServer): Promise<{ status: number; body: MediaHealthResponse }> {
  const res = await fetch(`${server.url}/health`);
  return { status: res.status, body: mediaHealthResponseSchema.parse(await res.json()) };
}

// Ports distinct from the dev default (40000-49999 is shared with a running
// server) and from webrtc-dtls.test.ts.
const env = { MEDIA_PORT: '0', MEDIA_WORKERS: '2', RTC_MIN_PORT: '43000', RTC_MAX_PORT: '43099', MEDIA_TOKEN_SECRET: testSecret() };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ server: MediaServer; lines: ReturnType<typeof captureLogs>['lines'] }> {
  const { logger, lines } = captureLogs('info');
  const server = await startMediaServer(loadMediaConfig(env), { logger });
  cleanups.push(() => server.close());
  return { server, lines };
}

describe('WorkerPool behind the media server', () => {
  it('starts real workers and reports them on /health', async () => {
    const { server } = await start();
    const { status, body } = await getHealth(server);

    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.workers).toHaveLength(2);
    const [a, b] = body.workers;
    expect(a).toMatchObject({ index: 0, alive: true, routers: 0, consumers: 0, restarts: 0 });
    expect(b).toMatchObject({ index: 1, alive: true, restarts: 0 });
    // Real, distinct child processes with disjoint port slices.
    expect(a!.pid).not.toBe(b!.pid);
    expect(processExists(a!.pid) && processExists(b!.pid)).toBe(true);
    expect([a!.rtcMinPort, a!.rtcMaxPort, b!.rtcMinPort, b!.rtcMaxPort]).toEqual([43000, 43049, 43050, 43099]);
  });

  it('counts routers and sends new work to the least loaded worker', async () => {
    const { server } = await start();
    const first = server.pool.leastLoaded();
    const router = await first.createRouter({ mediaCodecs });

    const second = server.pool.leastLoaded();
    expect(second).not.toBe(first);
    expect(server.pool.stats()[first.appData.index]?.routers).toBe(1);
    expect((await getHealth(server)).body.workers.map((w) => w.routers).sort()).toEqual([0, 1]);

    router.close();
    expect(server.pool.stats()[first.appData.index]?.routers).toBe(0);
  });

  it('restarts a worker killed with SIGKILL under a new pid and logs the death', async () => {
    const { server, lines } = await start();
    const before = await getHealth(server);
    const victim = before.body.workers[0]!.pid;
    const survivor = before.body.workers[1]!.pid;

    const died = waitForEvent(server.pool, 'workerdied');
    const restarted = waitForEvent(server.pool, 'workerrestarted');
    // A buggy observer (say, the api notifier) must not stop the restart.
    server.pool.on('workerdied', () => {
      throw new Error('observer bug');
    });
    const t0 = performance.now();
    process.kill(victim, 'SIGKILL');

    const [death] = await died;
    expect(death).toMatchObject({ index: 0, pid: victim });
    expect(String(death.error)).toContain('SIGKILL');
    const [restart] = await restarted;
    const restartMs = performance.now() - t0;
    expect(restart.index).toBe(0);
    expect(restart.previousPid).toBe(victim);
    expect(restart.pid).not.toBe(victim);
    expect(restart.worker.pid).toBe(restart.pid);

    const after = await getHealth(server);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ok');
    expect(after.body.workers[0]).toMatchObject({ pid: restart.pid, alive: true, restarts: 1 });
    expect(after.body.workers[1]).toMatchObject({ pid: survivor, alive: true, restarts: 0 });
    expect(processExists(restart.pid)).toBe(true);

    expect(lines.some((l) => l.level === LEVEL.error && l.msg === 'event listener threw' && l.event === 'workerdied')).toBe(true);
    const errorLine = lines.find((l) => l.level === LEVEL.error && l.workerPid === victim);
    expect(errorLine?.msg).toMatch(/worker died/);
    expect(lines.some((l) => l.level === LEVEL.info && l.workerPid === restart.pid && /restarted/.test(l.msg))).toBe(true);
    // Measured, not asserted tightly: a restart is one process spawn.
    expect(restartMs).toBeLessThan(5_000);
  });

  it('backs off a crash-looping worker, reports degraded meanwhile, and close() cancels the wait', async () => {
    const { logger } = captureLogs('silent');
    // One worker and a long back-off, so the second quick death leaves the
    // pool with no live worker for long enough to observe.
    const pool = await WorkerPool.create({
      numWorkers: 1,
      rtcMinPort: 43000,
      rtcMaxPort: 43099,
      logger,
      restartBackoffMs: 60_000,
    });
    cleanups.push(() => pool.close());

    const firstPid = pool.stats()[0]!.pid;
    const restarted = waitForEvent(pool, 'workerrestarted');
    process.kill(firstPid, 'SIGKILL');
    const [{ pid: secondPid }] = await restarted;

    const died = waitForEvent(pool, 'workerdied');
    process.kill(secondPid, 'SIGKILL');
    await died;

    expect(pool.stats()[0]).toMatchObject({ pid: secondPid, alive: false, restarts: 1 });
    expect(pool.workers).toEqual([]);
    expect(() => pool.leastLoaded()).toThrow(NoWorkerAvailableError);

    const t0 = performance.now();
    await pool.close();
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(processExists(firstPid) || processExists(secondPid)).toBe(false);
  });

  it('closes idempotently and leaves no worker process behind', async () => {
    const { server, lines } = await start();
    const pids = server.pool.stats().map((s) => s.pid);
    const router = await server.pool.leastLoaded().createRouter({ mediaCodecs });

    await Promise.all([server.close(), server.close()]);
    await server.close();
    await server.pool.close();

    expect(server.pool.closed).toBe(true);
    expect(router.closed).toBe(true);
    expect(pids.map(processExists)).toEqual([false, false]);
    expect(lines.filter((l) => l.msg === 'worker pool closed')).toHaveLength(1);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
