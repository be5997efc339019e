import { DISTURBED_LOADAVG, type MachineRecord } from '../machine.js';
import { int } from './format.js';

/** Every machine record the results files hold, old and new (older files lack fields; sfu says loadAvgAtStart). */
export type AnyMachine = Partial<MachineRecord> & {
  cpus: number;
  node: string;
  loadAvgAtStart?: number[];
  mediasoup?: string;
  chromium?: string;
};

export function loadAtStart(m: AnyMachine): number | undefined {
  return (m.loadAvgBefore ?? m.loadAvgAtStart)?.[0];
}

/** A run is disturbed when its file says so; a file from before the flag, when its load says so. */
function disturbed(m: AnyMachine): boolean {
  const load = loadAtStart(m);
  return m.disturbed ?? (load !== undefined && load > DISTURBED_LOADAVG);
}

/** Where and when a run ran: the line every block starts with. */
export function machineLine(file: string, report: { startedAt: string; full?: boolean; machine: AnyMachine }): string {
  const m = report.machine;
  const parts = [`${m.cpus} cores${m.cpuModel ? ` (${m.cpuModel})` : ''}`];
  if (m.totalMemMb) parts.push(`${int(m.totalMemMb)} MB`);
  parts.push(`Node ${m.node}`);
  if (m.postgres !== undefined && m.postgres !== null)
    parts.push(m.postgres === '?' ? 'PostgreSQL (version not recorded)' : `PostgreSQL ${m.postgres}`);
  if (m.redis) parts.push(`Redis ${m.redis}`);
  if (m.mediasoup) parts.push(`mediasoup ${m.mediasoup}`);
  if (m.chromium) parts.push(`Chromium ${m.chromium}`);
  const load = loadAtStart(m);
  const loadText = load === undefined ? 'load average not recorded' : `1-minute load ${load} at the start`;
  const flag = disturbed(m)
    ? ` **Disturbed**: the load was above ${DISTURBED_LOADAVG} at the start${m.disturbed === undefined ? ' (the file predates the flag)' : ''}; read the ratios rather than the absolute figures.`
    : '';
  const partial = report.full === false ? ' **Not a full run.**' : '';
  return `\`load-tests/results/${file}\`, run of ${report.startedAt}: ${parts.join(', ')}; ${loadText}.${flag}${partial}`;
}
