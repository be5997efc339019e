import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createWorker, workerBin } from 'mediasoup';
import type { Logger } from './logger.js';

/**
 * Which mediasoup worker binary this process spawns.
 *
 * A worker built with liburing batches the sends of one packet to many
 * consumers through io_uring (on Linux ≥ 6): the very cost of a big audience.
 * But such a worker exits at start where io_uring is refused at run time
 * (Docker's default seccomp profile, `kernel.io_uring_disabled`), and
 * mediasoup 3.13 has no setting to turn it off. So set-up builds two binaries
 * (scripts/mediasoup/build-worker.sh) and the first pool of a process probes:
 * the io_uring build if it starts, else the libuv-only one.
 */

/** How the worker sends: `io_uring` when its dump shows the ring, else `libuv`. */
export type WorkerSendPath = 'io_uring' | 'libuv';
/** MEDIA_SEND_PATH: auto = io_uring where it works, else libuv; the others insist. */
export type WorkerSendPathSetting = 'auto' | WorkerSendPath;

const require = createRequire(import.meta.url);
/**
 * mediasoup's own Worker module. Its `workerBin` is read each time a worker
 * is spawned (3.13: `let spawnBin = exports.workerBin` in the constructor),
 * so setting it here chooses the binary for every later createWorker().
 */
const workerModule = require('mediasoup/node/lib/Worker.js') as { workerBin: string };

/** mediasoup's choice at import: MEDIASOUP_WORKER_BIN, else its out/Release build (ours with io_uring). */
const defaultBinary = workerBin;
/** The libuv-only build, beside mediasoup's own out/ folder. */
export const libuvWorkerBinary = path.join(
  path.dirname(require.resolve('mediasoup/package.json')),
  'worker',
  'out-libuv',
  'Release',
  'mediasoup-worker',
);

export interface WorkerBinaryChoice {
  binary: string;
  sendPath: WorkerSendPath;
}

/** Starts a worker from `binary`, reads how it sends, closes it. Rejects if it cannot start. */
async function probe(binary: string): Promise<WorkerBinaryChoice> {
  workerModule.workerBin = binary;
  const worker = await createWorker({ logLevel: 'error' });
  try {
    const dump = await worker.dump();
    return { binary, sendPath: dump.liburing ? 'io_uring' : 'libuv' };
  } finally {
    worker.close();
  }
}

function candidates(setting: WorkerSendPathSetting): string[] {
  const libuv = existsSync(libuvWorkerBinary) ? [libuvWorkerBinary] : [];
  // An operator's MEDIASOUP_WORKER_BIN is used as it is: only the probe says how it sends.
  if (process.env.MEDIASOUP_WORKER_BIN) return [defaultBinary];
  if (setting === 'libuv') return libuv;
  if (setting === 'io_uring') return [defaultBinary];
  return [defaultBinary, ...libuv.filter((b) => b !== defaultBinary)];
}

/** Picks the binary for `setting`, trying `binaries` in order (exported for the fallback test). */
export async function chooseWorkerBinary(
  setting: WorkerSendPathSetting,
  logger?: Logger,
  binaries: readonly string[] = candidates(setting),
): Promise<WorkerBinaryChoice> {
  const previous = workerModule.workerBin;
  const failures: string[] = [];
  for (const binary of binaries) {
    try {
      const choice = await probe(binary);
      if (setting !== 'auto' && choice.sendPath !== setting) {
        failures.push(`${binary} sends through ${choice.sendPath}`);
        continue;
      }
      if (failures.length > 0) logger?.warn({ failures, binary, sendPath: choice.sendPath }, 'mediasoup worker falls back');
      return choice;
    } catch (error) {
      failures.push(`${binary}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  workerModule.workerBin = previous;
  const why = binaries.length === 0 ? 'no such worker build (npm run setup builds both)' : failures.join('; ');
  throw new Error(`no mediasoup worker can send through ${setting === 'auto' ? 'io_uring or libuv' : setting}: ${why}`);
}

const chosen = new Map<WorkerSendPathSetting, Promise<WorkerBinaryChoice>>();

/**
 * Makes every later createWorker() in this process spawn the binary for
 * `setting`, probing once per setting. A process uses one setting at a time
 * (the SFU bench switches between its targets, never while one spawns).
 */
export async function useWorkerSendPath(setting: WorkerSendPathSetting, logger?: Logger): Promise<WorkerBinaryChoice> {
  let choice = chosen.get(setting);
  if (!choice) {
    choice = chooseWorkerBinary(setting, logger);
    chosen.set(setting, choice);
    choice.catch(() => chosen.delete(setting));
  }
  const result = await choice;
  workerModule.workerBin = result.binary;
  return result;
}
