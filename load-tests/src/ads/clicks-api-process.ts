import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import type { RunningApi } from '../../../api/src/server.js';
import { childConfig, cpuSample, serveParent, type CpuSample } from '../sfu/ipc.js';

/**
 * One api node of the ad-clicks bench, in a process of its own (the bench
 * runs two): a real `startApiServer(loadApiConfig(…))` on the bench
 * database and Redis, behind one trusted proxy hop, so each click's
 * X-Forwarded-For is its address. Its CPU is read on its own (`cpu`).
 *
 * The api is imported after the Ready message: loading it (tsx compiling the
 * whole api) can outlast the helper's 10 s start-up budget on a busy machine,
 * so the parent polls `status` until the url is there.
 *
 * With AD_CLICKS_PROFILE=<dir> each node writes a CPU profile of its run
 * (from listening to `stop`) to <dir>/ad-clicks-<node>.cpuprofile.
 */
export type ClicksApiConfig = {
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  appSecret: string;
  nodeId: string;
};

export type ClicksApiStatus = { url: string | null; error: string | null };

export type ClicksApiApi = {
  status: { args: Record<string, never>; result: ClicksApiStatus };
  cpu: { args: Record<string, never>; result: CpuSample };
  /** Closes the api (its pool, Redis, buffered ad logs); the parent then disconnects. */
  stop: { args: Record<string, never>; result: null };
};

export type ClicksApiReady = { pid: number };

const config = childConfig<ClicksApiConfig>();
let api: RunningApi | undefined;
const status: ClicksApiStatus = { url: null, error: null };
const profileDir = process.env.AD_CLICKS_PROFILE;
let profiler: Session | undefined;

async function start(): Promise<void> {
  const [{ loadApiConfig }, { startApiServer }] = await Promise.all([
    import('../../../api/src/config.js'),
    import('../../../api/src/server.js'),
  ]);
  api = await startApiServer(
    loadApiConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      REDIS_KEY_PREFIX: config.redisKeyPrefix,
      APP_SECRET: config.appSecret,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      SCHEDULER_INTERVAL_SECONDS: '0',
      NODE_ID: config.nodeId,
    }),
  );
  if (profileDir) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  status.url = api.url;
}

serveParent<ClicksApiApi, ClicksApiReady>(
  { pid: process.pid },
  {
    status: () => status,
    cpu: () => cpuSample(),
    stop: async () => {
      if (profiler && profileDir) {
        const { profile } = await profiler.post('Profiler.stop');
        await writeFile(path.join(profileDir, `ad-clicks-${config.nodeId}.cpuprofile`), JSON.stringify(profile));
        profiler.disconnect();
        profiler = undefined;
      }
      await api?.close();
      api = undefined;
      return null;
    },
  },
  () => undefined,
);

start().catch((err: unknown) => {
  status.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
});
