import type { Logger } from 'pino';

/**
 * Runs periodic jobs (escrow auto-release) on every api node. Jobs must be
 * safe to run concurrently on several nodes (they claim rows with
 * FOR UPDATE SKIP LOCKED); the timer never overlaps a run with itself.
 */
export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly jobs: { name: string; run: () => Promise<unknown> }[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    const tick = () => {
      this.#running = this.runOnce().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.#timer = setTimeout(tick, this.intervalMs);
  }

  async runOnce(): Promise<void> {
    for (const job of this.jobs) {
      try {
        const result = await job.run();
        if (Array.isArray(result) && result.length > 0) this.logger.info({ job: job.name, count: result.length }, 'scheduled job did work');
      } catch (err) {
        this.logger.error({ err, job: job.name }, 'scheduled job failed');
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
