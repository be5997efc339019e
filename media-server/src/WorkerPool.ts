import { setTimeout as sleep } from 'node:timers/promises';
import { createWorker, type types } from 'mediasoup';
import { EnhancedEventEmitter } from './EnhancedEventEmitter.js';
import { NoWorkerAvailableError } from './errors.js';
import { childLogger, type Logger } from './logger.js';
import { useWorkerSendPath, type WorkerSendPath, type WorkerSendPathSetting } from './worker-binary.js';

export type Worker = types.Worker<WorkerAppData>;
export type WorkerAppData = { index: number };

export interface WorkerPoolOptions {
  numWorkers: number;
  /** The whole RTC port range; each worker gets its own contiguous slice. */
  rtcMinPort: number;
  rtcMaxPort: number;
  logger: Logger;
  /** The C++ worker's own log level (its lines reach Node via `debug`). */
  workerLogLevel?: types.WorkerLogLevel;
  /** First back-off after a worker that died young, doubled up to 30 s. */
  restartBackoffMs?: number;
  /** MEDIA_SEND_PATH: which worker build to spawn (worker-binary.ts); default auto. */
  sendPath?: WorkerSendPathSetting;
}

/** What /health and operators see for one worker slot. */
export interface WorkerStats {
  index: number;
  /** Pid of the current process; while restarting, the pid that died. */
  pid: number;
  alive: boolean;
  routers: number;
  consumers: number;
  restarts: number;
  rtcMinPort: number;
  rtcMaxPort: number;
}

export interface WorkerDiedEvent {
  index: number;
  pid: number;
  error: Error;
}

export interface WorkerRestartedEvent {
  index: number;
  previousPid: number;
  pid: number;
  worker: Worker;
}

export type WorkerPoolEvents = {
  /** Routers on this worker are already closed: owners must re-create them and reconnect peers. */
  workerdied: [WorkerDiedEvent];
  /** The slot is usable again with a fresh process. */
  workerrestarted: [WorkerRestartedEvent];
  close: [];
};

/** Live counts for one worker process, replaced together with the process. */
interface Load {
  routers: number;
  consumers: number;
}

interface Slot {
  readonly index: number;
  readonly rtcMinPort: number;
  readonly rtcMaxPort: number;
  worker: Worker;
  load: Load;
  restarts: number;
  startedAt: number;
  /** Deaths in a row where the worker lived less than CRASH_LOOP_WINDOW_MS. */
  quickDeaths: number;
}

/** A worker that dies sooner than this after starting counts as crash-looping. */
const CRASH_LOOP_WINDOW_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * N mediasoup workers (one per core), each restarted when its process dies.
 *
 * Mirrors mediasoup's object model: the pool owns its workers the way a Worker
 * owns its routers, is built by a static async factory, and close() cascades.
 */
export class WorkerPool extends EnhancedEventEmitter<WorkerPoolEvents> {
  readonly #slots: Slot[];
  readonly #logger: Logger;
  readonly #workerLogLevel: types.WorkerLogLevel;
  readonly #restartBackoffMs: number;
  /** Aborts back-off sleeps so close() never waits for a pending restart timer. */
  readonly #abort = new AbortController();
  readonly #restarting = new Set<Promise<void>>();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** Starts every worker; if one fails to start, the others are closed and the error is rethrown. */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { numWorkers, rtcMinPort, rtcMaxPort } = options;
    const logger = childLogger(options.logger, 'WorkerPool');
    const ranges = splitPortRange(rtcMinPort, rtcMaxPort, numWorkers);
    const workerLogLevel = options.workerLogLevel ?? 'warn';
    const { sendPath } = await useWorkerSendPath(options.sendPath ?? 'auto', logger);

    const started = await Promise.allSettled(ranges.map((range, index) => spawnWorker(index, range, workerLogLevel)));
    const failure = started.find((r) => r.status === 'rejected');
    if (failure) {
      for (const r of started) if (r.status === 'fulfilled') r.value.close();
      logger.error({ err: failure.reason }, 'could not start mediasoup workers');
      throw failure.reason;
    }

    const now = Date.now();
    const slots = started.map((r, index): Slot => {
      const range = ranges[index]!;
      return {
        index,
        rtcMinPort: range.min,
        rtcMaxPort: range.max,
        worker: (r as PromiseFulfilledResult<Worker>).value,
        load: { routers: 0, consumers: 0 },
        restarts: 0,
        startedAt: now,
        quickDeaths: 0,
      };
    });
    const pool = new WorkerPool(slots, logger, workerLogLevel, options.restartBackoffMs ?? 1000, sendPath);
    for (const slot of slots) {
      logger.info({ index: slot.index, workerPid: slot.worker.pid, sendPath }, 'mediasoup worker started');
    }
    return pool;
  }

  /** How this pool's workers send (io_uring or libuv), as their binary's probe showed. */
  readonly sendPath: WorkerSendPath;

  private constructor(slots: Slot[], logger: Logger, workerLogLevel: types.WorkerLogLevel, backoffMs: number, sendPath: WorkerSendPath) {
    super(logger);
    this.sendPath = sendPath;
    this.#slots = slots;
    this.#logger = logger;
    this.#workerLogLevel = workerLogLevel;
    this.#restartBackoffMs = backoffMs;
    for (const slot of slots) this.#attach(slot, slot.worker);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The workers that are alive right now (a dead one is absent until restarted). */
  get workers(): Worker[] {
    return this.#slots.filter((s) => isAlive(s.worker)).map((s) => s.worker);
  }

  stats(): WorkerStats[] {
    return this.#slots.map((s) => ({
      index: s.index,
      pid: s.worker.pid,
      alive: isAlive(s.worker),
      routers: s.load.routers,
      consumers: s.load.consumers,
      restarts: s.restarts,
      rtcMinPort: s.rtcMinPort,
      rtcMaxPort: s.rtcMaxPort,
    }));
  }

  /**
   * The alive worker with the fewest consumers, then the fewest routers.
   * Consumers come first because each one is a stream the worker encrypts and
   * sends, which is where a live show spends its CPU; routers break ties so
   * new shows spread over idle workers.
   */
  leastLoaded(): Worker {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (!isAlive(slot.worker)) continue;
      if (
        !best ||
        slot.load.consumers < best.load.consumers ||
        (slot.load.consumers === best.load.consumers && slot.load.routers < best.load.routers)
      ) {
        best = slot;
      }
    }
    if (!best) throw new NoWorkerAvailableError();
    return best.worker;
  }

  /**
   * Closes every worker (and so every router, transport, producer and consumer
   * under it) and resolves once each worker process has exited. Idempotent:
   * later calls return the same promise.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closing ?? Promise.resolve();
    this.#closed = true;
    this.#abort.abort();
    this.#closing = (async () => {
      // A restart in flight closes its own fresh worker once it sees #closed.
      await Promise.allSettled([...this.#restarting]);
      const exits = this.#slots.map((s) => waitForExit(s.worker));
      for (const slot of this.#slots) slot.worker.close();
      await Promise.all(exits);
      this.#logger.info({ workers: this.#slots.length }, 'worker pool closed');
      this.safeEmit('close');
    })();
    return this.#closing;
  }

  /** Counts routers and consumers from the worker's observers, and watches for its death. */
  #attach(slot: Slot, worker: Worker): void {
    const load = slot.load;
    worker.observer.on('newrouter', (router) => {
      load.routers += 1;
      router.observer.once('close', () => (load.routers -= 1));
      router.observer.on('newtransport', (transport) => {
        transport.observer.on('newconsumer', (consumer) => {
          load.consumers += 1;
          consumer.observer.once('close', () => (load.consumers -= 1));
        });
      });
    });
    worker.once('died', (error) => this.#onDied(slot, worker, error));
  }

  #onDied(slot: Slot, worker: Worker, error: Error): void {
    if (this.#closed) return;
    const lived = Date.now() - slot.startedAt;
    slot.quickDeaths = lived < CRASH_LOOP_WINDOW_MS ? slot.quickDeaths + 1 : 0;
    this.#logger.error({ index: slot.index, workerPid: worker.pid, livedMs: lived, err: error }, 'mediasoup worker died; restarting it');
    this.safeEmit('workerdied', { index: slot.index, pid: worker.pid, error });

    const restart = this.#restart(slot, worker.pid).finally(() => this.#restarting.delete(restart));
    this.#restarting.add(restart);
  }

  /**
   * Spawns a replacement into the same slot and port range. The first death
   * restarts at once (peers are waiting); a crash loop backs off so a worker
   * that cannot live does not eat a core. Spawn failures retry with the same
   * back-off until the pool closes.
   */
  async #restart(slot: Slot, previousPid: number): Promise<void> {
    let attempt = slot.quickDeaths > 1 ? slot.quickDeaths - 1 : 0;
    for (;;) {
      if (attempt > 0) {
        const delay = Math.min(this.#restartBackoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
        this.#logger.warn({ index: slot.index, delayMs: delay, attempt }, 'delaying worker restart');
        try {
          await sleep(delay, undefined, { signal: this.#abort.signal });
        } catch {
          return; // aborted by close()
        }
      }
      if (this.#closed) return;

      let worker: Worker;
      try {
        worker = await spawnWorker(slot.index, { min: slot.rtcMinPort, max: slot.rtcMaxPort }, this.#workerLogLevel);
      } catch (error) {
        attempt += 1;
        this.#logger.error({ index: slot.index, err: error, attempt }, 'mediasoup worker restart failed');
        continue;
      }
      if (this.#closed) {
        worker.close();
        await waitForExit(worker);
        return;
      }

      slot.worker = worker;
      slot.load = { routers: 0, consumers: 0 };
      slot.restarts += 1;
      slot.startedAt = Date.now();
      this.#attach(slot, worker);
      this.#logger.info({ index: slot.index, previousWorkerPid: previousPid, workerPid: worker.pid }, 'mediasoup worker restarted');
      this.safeEmit('workerrestarted', { index: slot.index, previousPid, pid: worker.pid, worker });
      return;
    }
  }
}

function isAlive(worker: Worker): boolean {
  return !worker.closed && !worker.died;
}

function spawnWorker(index: number, range: { min: number; max: number }, logLevel: types.WorkerLogLevel): Promise<Worker> {
  return createWorker<WorkerAppData>({
    logLevel,
    rtcMinPort: range.min,
    rtcMaxPort: range.max,
    appData: { index },
  });
}

/** Resolves when the worker's subprocess has exited, so close() leaves no child behind. */
function waitForExit(worker: Worker): Promise<void> {
  if (worker.subprocessClosed) return Promise.resolve();
  return new Promise((resolve) => worker.once('subprocessclose', () => resolve()));
}

/**
 * Splits [min, max] into `count` contiguous slices; the last one takes the
 * remainder. Workers must not share ports: each binds its own sockets.
 */
export function splitPortRange(min: number, max: number, count: number): { min: number; max: number }[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`numWorkers must be >= 1, got ${count}`);
  const size = max - min + 1;
  if (size < count) throw new RangeError(`RTC port range ${min}-${max} is too small for ${count} workers`);
  const per = Math.floor(size / count);
  return Array.from({ length: count }, (_, i) => ({
    min: min + i * per,
    max: i === count - 1 ? max : min + (i + 1) * per - 1,
  }));
}
