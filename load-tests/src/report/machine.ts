import os from 'node:os';
import pg from 'pg';
import { createClient } from 'redis';

/** A run that starts with a higher 1-minute load average than this shared the machine: it is marked disturbed. */
export const DISTURBED_LOADAVG = 0.5;

/** What a results file records about where it ran, so a figure can be read against its machine. */
export type MachineRecord = {
  cpus: number;
  cpuModel: string;
  totalMemMb: number;
  node: string;
  /** `SHOW server_version`, or null when the bench uses no PostgreSQL. */
  postgres: string | null;
  /** INFO server's redis_version, or null when the bench uses no Redis. */
  redis: string | null;
  platform: string;
  kernel: string;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
  disturbed: boolean;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The machine and its load as a run starts; `finish` adds the load at the end. */
export async function machineAtStart(services: { postgresUrl?: string; redisUrl?: string } = {}): Promise<{
  record: Omit<MachineRecord, 'loadAvgAfter'>;
  finish: () => MachineRecord;
}> {
  const loadAvgBefore = os.loadavg().map(round2);
  const cpus = os.cpus();
  const record = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    postgres: services.postgresUrl ? await postgresVersion(services.postgresUrl) : null,
    redis: services.redisUrl ? await redisVersion(services.redisUrl) : null,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAvgBefore,
    disturbed: loadAvgBefore[0]! > DISTURBED_LOADAVG,
  };
  return { record, finish: () => ({ ...record, loadAvgAfter: os.loadavg().map(round2) }) };
}

/** One line for the report: where it ran, and a warning when the machine was busy at the start. */
export function machineLine(m: MachineRecord): string {
  const services = [m.postgres ? `PostgreSQL ${m.postgres}` : null, m.redis ? `Redis ${m.redis}` : null].filter(Boolean).join(', ');
  const load = `load ${m.loadAvgBefore.join(' ')} → ${m.loadAvgAfter.join(' ')}`;
  const warning = m.disturbed ? ` — DISTURBED: the 1-minute load was above ${DISTURBED_LOADAVG} at the start` : '';
  return `${m.cpus} × ${m.cpuModel}, ${m.totalMemMb} MB, Node ${m.node}${services ? `, ${services}` : ''}; ${load}${warning}`;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisVersion(url: string): Promise<string> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    await client.quit().catch(() => undefined);
  }
}
