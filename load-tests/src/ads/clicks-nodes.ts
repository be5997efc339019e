import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../../api/src/repositories/db/client.js';
import { ChildHandle, cpuFraction, cpuSample, type CpuSample } from '../sfu/ipc.js';
import type { ClicksApiApi, ClicksApiConfig, ClicksApiReady } from './clicks-api-process.js';
import type { AdClicksOptions, Cpu } from './clicks-report.js';

// The ad-clicks bench's two api nodes (child processes) and what it samples around each step: CPU and PostgreSQL's waits.

export type ApiNode = ChildHandle<ClicksApiApi, ClicksApiReady>;
const NODES = 2;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Busy and total jiffies of all cores (Linux /proc/stat), or null. */
async function machineJiffies(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const totalJ = v.reduce((a, b) => a + b, 0);
    return { busy: totalJ - v[3]! - v[4]!, total: totalJ };
  } catch {
    return null;
  }
}

export type CpuNow = { client: CpuSample; api: CpuSample[]; machine: { busy: number; total: number } | null };

export async function cpuNow(nodes: ApiNode[]): Promise<CpuNow> {
  const [api, machine] = await Promise.all([Promise.all(nodes.map((n) => n.request('cpu', {}))), machineJiffies()]);
  return { client: cpuSample(), api, machine };
}

export function cpuOver(a: CpuNow, b: CpuNow, seconds: number, answered: number): Cpu {
  const apiCores = a.api.map((s, i) => round2(cpuFraction(s, b.api[i]!)));
  const machineCores =
    a.machine && b.machine && b.machine.total > a.machine.total
      ? round2(((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * os.cpus().length)
      : null;
  const per = (cores: number) => (answered > 0 ? round2((cores * seconds * 1000) / answered) : 0);
  return {
    clientCores: round2(cpuFraction(a.client, b.client)),
    apiCores,
    machineCores,
    apiMsPerClick: per(apiCores.reduce((x, y) => x + y, 0)),
    machineMsPerClick: machineCores === null ? null : per(machineCores),
  };
}

/** Samples pg_stat_activity for the bench database every 50 ms until stopped: where the backends wait. */
export function sampleWaits(db: Database): () => Promise<Record<string, number>> {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await db.sql.query<{ w: string; n: number }>(
        {
          name: 'bench_adclicks_waits',
          text: `SELECT state || '/' || coalesce(wait_event_type || ':' || wait_event, 'cpu') AS w, count(*)::int AS n
                   FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' GROUP BY 1`,
        },
        [],
      );
      samples++;
      for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + r.n);
      await sleep(50);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([w, n]) => [w, round2(n / Math.max(1, samples))]));
  };
}

export async function startNodes(
  o: AdClicksOptions,
  databaseUrl: string,
  appSecret: string,
  prefix: string,
  log: (line: string) => void,
): Promise<{ nodes: ApiNode[]; urls: string[] }> {
  const nodes: ApiNode[] = [];
  const urls: string[] = [];
  try {
    for (let i = 0; i < NODES; i++) {
      const config: ClicksApiConfig = {
        databaseUrl,
        redisUrl: o.redisUrl,
        redisKeyPrefix: prefix,
        appSecret,
        nodeId: `bench-adclicks-${i + 1}`,
      };
      nodes.push(await ChildHandle.spawn<ClicksApiApi, ClicksApiReady>(new URL('./clicks-api-process.ts', import.meta.url), config));
    }
    const until = Date.now() + 180_000;
    for (const n of nodes) {
      for (;;) {
        const s = await n.request('status', {});
        if (s.error) throw new Error(`api node (pid ${n.ready.pid}) did not start: ${s.error}`);
        if (s.url) {
          urls.push(s.url);
          break;
        }
        if (Date.now() > until) throw new Error(`api node (pid ${n.ready.pid}) did not start within 180 s`);
        await sleep(200);
      }
    }
    log(`api nodes: ${urls.map((u, i) => `${u} (pid ${nodes[i]!.ready.pid})`).join(', ')}`);
    return { nodes, urls };
  } catch (err) {
    await stopNodes(nodes);
    throw err;
  }
}

export async function stopNodes(nodes: ApiNode[]): Promise<void> {
  for (const n of nodes) {
    await n.request('stop', {}).catch(() => undefined);
    await n.close();
  }
}
