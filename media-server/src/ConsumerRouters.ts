import type { types } from 'mediasoup';
import { mediaCodecs } from './codecs.js';
import { MediaRequestError } from './errors.js';
import { childLogger, type Logger } from './logger.js';
import type { Worker, WorkerPool } from './WorkerPool.js';

export interface ConsumerRoutersOptions {
  streamId: string;
  pool: WorkerPool;
  producerRouter: types.Router;
  producerWorkerIndex: number;
  /** The broadcast's producers right now, piped into each new router. */
  producers: () => Iterable<types.Producer>;
  logger: Logger;
}

/** A router on another worker fed by pipeToRouter(), shared by many viewers. */
interface ConsumerRouter {
  workerIndex: number;
  router: types.Router;
  /** Each producer's pipe into this router; resolves true once consumable. */
  pipes: Map<string, Promise<boolean>>;
}

export interface ViewerPlacement {
  router: types.Router;
  workerIndex: number;
}

/**
 * A broadcast's viewer side (mediasoup-demo's Room across workers): at most
 * one consumer router per worker other than the producer's, created when the
 * first viewer lands there, and fed every producer through `pipeToRouter()`.
 * mediasoup reuses one PipeTransport pair per router pair, so a new producer
 * costs a pipe consumer/producer, not a new connection.
 */
export class ConsumerRouters {
  readonly #options: ConsumerRoutersOptions;
  readonly #logger: Logger;
  readonly #routers = new Map<number, Promise<ConsumerRouter>>();
  #closed = false;

  static create(options: ConsumerRoutersOptions): ConsumerRouters {
    return new ConsumerRouters(options);
  }

  private constructor(options: ConsumerRoutersOptions) {
    this.#options = options;
    this.#logger = childLogger(options.logger, 'ConsumerRouters');
  }

  /**
   * Where a new viewer goes: the least loaded worker (fewest consumers) other
   * than the producer's, its router created and fed on first use. With a
   * single live worker, viewers share the producer router.
   */
  async place(): Promise<ViewerPlacement> {
    const { pool, producerRouter, producerWorkerIndex } = this.#options;
    const stats = pool.stats();
    const candidates = pool.workers.filter((w) => w.appData.index !== producerWorkerIndex);
    if (candidates.length === 0) return { router: producerRouter, workerIndex: producerWorkerIndex };
    const load = (w: Worker) => stats[w.appData.index]?.consumers ?? 0;
    const worker = candidates.reduce((best, w) => (load(w) < load(best) ? w : best));
    const index = worker.appData.index;
    let entry = this.#routers.get(index);
    if (!entry) {
      const created = this.#create(worker);
      entry = created;
      this.#routers.set(index, created);
      // A failed creation must not stick: the next viewer tries again.
      created.catch(() => {
        if (this.#routers.get(index) === created) this.#routers.delete(index);
      });
    }
    const cr = await entry;
    return { router: cr.router, workerIndex: cr.workerIndex };
  }

  /** Pipes a new producer into every consumer router; resolves when all are done or failed. */
  async pipeEverywhere(producer: types.Producer): Promise<void> {
    const routers = await this.#settled();
    await Promise.all(routers.map((cr) => this.#pipe(producer, cr)));
  }

  /** Of `producers`, those already piped into `router` (all of them on the producer router). */
  async consumable(router: types.Router, producers: readonly types.Producer[]): Promise<types.Producer[]> {
    if (router === this.#options.producerRouter) return producers.filter((p) => !p.closed);
    const cr = (await this.#settled()).find((r) => r.router === router);
    if (!cr) return [];
    const piped = await Promise.all(producers.map(async (p) => ((await cr.pipes.get(p.id)) ? p : undefined)));
    return piped.filter((p): p is types.Producer => p !== undefined && !p.closed);
  }

  /** Forgets the router on a dead worker; true if there was one. */
  drop(workerIndex: number): boolean {
    return this.#routers.delete(workerIndex);
  }

  /** Closes every consumer router (and with them the pipes and viewers' transports). */
  async close(): Promise<void> {
    this.#closed = true;
    const routers = await this.#settled();
    for (const cr of routers) cr.router.close();
    this.#routers.clear();
  }

  async #settled(): Promise<ConsumerRouter[]> {
    const routers = await Promise.all([...this.#routers.values()].map((p) => p.catch(() => undefined)));
    return routers.filter((r): r is ConsumerRouter => r !== undefined && !r.router.closed);
  }

  async #create(worker: Worker): Promise<ConsumerRouter> {
    const startedAt = performance.now();
    const router = await worker.createRouter({ mediaCodecs, appData: { streamId: this.#options.streamId, role: 'consumer' } });
    if (this.#closed) {
      router.close();
      throw new MediaRequestError('not_live', 'the broadcast has ended');
    }
    const cr: ConsumerRouter = { workerIndex: worker.appData.index, router, pipes: new Map() };
    await Promise.all([...this.#options.producers()].map((p) => this.#pipe(p, cr)));
    this.#logger.info(
      { workerIndex: cr.workerIndex, producers: cr.pipes.size, pipeSetupMs: Math.round(performance.now() - startedAt) },
      'consumer router ready',
    );
    return cr;
  }

  /** Pipes one producer into one consumer router, once; resolves false if it could not. */
  #pipe(producer: types.Producer, cr: ConsumerRouter): Promise<boolean> {
    let pipe = cr.pipes.get(producer.id);
    if (!pipe) {
      pipe = this.#options.producerRouter
        .pipeToRouter({ producerId: producer.id, router: cr.router, enableSctp: false })
        .then(({ pipeProducer }) => {
          pipeProducer?.observer.once('close', () => cr.pipes.delete(producer.id));
          return true;
        })
        .catch((error: unknown) => {
          cr.pipes.delete(producer.id);
          // Expected while closing (router or producer gone); otherwise worth a look.
          if (!this.#closed && !producer.closed && !cr.router.closed) {
            this.#logger.error({ err: error, producerId: producer.id, workerIndex: cr.workerIndex }, 'pipeToRouter failed');
          }
          return false;
        });
      cr.pipes.set(producer.id, pipe);
    }
    return pipe;
  }
}
