import { hlsPlaylistPath } from '@hawker/shared';
import type { ApiNotifier } from './ApiNotifier.js';
import { Broadcast, type BroadcastOptions, type BroadcastSummary, type CloseReason } from './Broadcast.js';
import { EnhancedEventEmitter } from './EnhancedEventEmitter.js';
import { childLogger, type Logger } from './logger.js';
import type { WorkerPool } from './WorkerPool.js';
import { MAX_TOKEN_LIFETIME_S } from './tokens.js';

/** How long a closed broadcast's summary is kept, so a retried close still gets its answer. */
const RECENTLY_CLOSED_MS = 10 * 60_000;
/** Longer than any media token may live (tokens.ts), so no token outlives the memory of its stream's end. */
const ENDED_MEMORY_MS = 2 * MAX_TOKEN_LIFETIME_S * 1000;

export interface BroadcastRegistryOptions extends Omit<BroadcastOptions, 'streamId' | 'logger'> {
  pool: WorkerPool;
  notifier: ApiNotifier;
  logger: Logger;
}

export type BroadcastRegistryEvents = {
  /** A broadcast was created; subscribe to its events here. */
  broadcast: [Broadcast];
};

/**
 * The node's live broadcasts by stream id. Creates them (one at a time per
 * stream, however many publisher connections race), turns their lifecycle into api callbacks, and closes them all on
 * shutdown.
 */
export class BroadcastRegistry extends EnhancedEventEmitter<BroadcastRegistryEvents> {
  readonly #options: BroadcastRegistryOptions;
  readonly #logger: Logger;
  readonly #broadcasts = new Map<string, Broadcast>();
  readonly #creating = new Map<string, Promise<Broadcast>>();
  readonly #recentlyClosed = new Map<string, { summary: BroadcastSummary; at: number }>();
  /**
   * Streams the api ended (or that closed here), remembered longer than any
   * media token lives: signaling refuses a publish token minted before the
   * end, which would start a second broadcast continuing the replay. (The
   * registry itself can still continue a replay, for the server's own use.)
   */
  readonly #ended = new Map<string, number>();
  /** Broadcasts still finishing their playlist; a new one for the stream waits for it. */
  readonly #finishing = new Map<string, Promise<BroadcastSummary>>();
  #closed = false;

  static create(options: BroadcastRegistryOptions): BroadcastRegistry {
    return new BroadcastRegistry(options);
  }

  private constructor(options: BroadcastRegistryOptions) {
    const logger = childLogger(options.logger, 'BroadcastRegistry');
    super(logger);
    this.#options = options;
    this.#logger = logger;
  }

  get size(): number {
    return this.#broadcasts.size;
  }

  get(streamId: string): Broadcast | undefined {
    return this.#broadcasts.get(streamId);
  }

  /** Whether the stream ended within the last ENDED_MEMORY_MS (no new broadcast for it). */
  hasEnded(streamId: string): boolean {
    this.#prune();
    return this.#ended.has(streamId);
  }

  /** The stream's broadcast, created on the least loaded worker if there is none. */
  async getOrCreate(streamId: string): Promise<Broadcast> {
    const existing = this.#broadcasts.get(streamId);
    if (existing) return existing;
    let creating = this.#creating.get(streamId);
    if (!creating) {
      if (this.#closed) throw new Error('registry closed');
      const { notifier: _notifier, ...rest } = this.#options;
      // Two ffmpeg runs must never write one playlist: let the last broadcast finish first.
      const previous = this.#finishing.get(streamId) ?? Promise.resolve();
      creating = previous
        .then(() => Broadcast.create({ ...rest, streamId, logger: this.#options.logger }))
        .then((broadcast) => {
          this.#register(broadcast);
          return broadcast;
        })
        .finally(() => this.#creating.delete(streamId));
      this.#creating.set(streamId, creating);
    }
    return creating;
  }

  /**
   * Closes the stream's broadcast. A stream closed in the last few minutes
   * returns its earlier summary, so the api can retry "end show" safely.
   */
  async close(streamId: string, reason: CloseReason): Promise<BroadcastSummary | undefined> {
    // Ended even if it never went live here: its tokens must not start it now.
    this.#ended.set(streamId, Date.now());
    const broadcast = this.#broadcasts.get(streamId);
    if (broadcast) return broadcast.close(reason);
    this.#prune();
    return this.#recentlyClosed.get(streamId)?.summary;
  }

  /** Shutdown: closes every broadcast and waits for ffmpeg to finish each playlist. */
  async closeAll(reason: CloseReason): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#creating.values()]);
    await Promise.all([...this.#broadcasts.values()].map((b) => b.close(reason)));
    await Promise.allSettled([...this.#finishing.values()]);
  }

  #register(broadcast: Broadcast): void {
    const { streamId } = broadcast;
    this.#broadcasts.set(streamId, broadcast);
    this.#logger.debug({ streamId, broadcasts: this.#broadcasts.size }, 'broadcast registered');
    broadcast.once('live', () =>
      this.#options.notifier.notify({ type: 'broadcast.live', streamId, at: new Date().toISOString(), hlsPath: hlsPlaylistPath(streamId) }),
    );
    broadcast.once('close', (reason) => {
      // Gone from the map at once. The api ends the stream on any close, so it is ended here too.
      if (this.#broadcasts.get(streamId) === broadcast) this.#broadcasts.delete(streamId);
      this.#ended.set(streamId, Date.now());
      this.#logger.debug({ streamId, reason, broadcasts: this.#broadcasts.size }, 'broadcast unregistered');
      const finishing = broadcast.close(reason);
      this.#finishing.set(streamId, finishing);
      void finishing.then((summary) => {
        if (this.#finishing.get(streamId) === finishing) this.#finishing.delete(streamId);
        this.#recentlyClosed.set(streamId, { summary, at: Date.now() });
        this.#options.notifier.notify({
          type: 'broadcast.closed',
          streamId,
          at: new Date().toISOString(),
          reason: summary.reason,
          recordingPath: summary.recordingPath,
          durationMs: summary.durationMs,
        });
      });
    });
    this.safeEmit('broadcast', broadcast);
    // A shutdown that raced this creation: close it like the others.
    if (this.#closed) void broadcast.close('worker_died');
  }

  #prune(): void {
    const cutoff = Date.now() - RECENTLY_CLOSED_MS;
    for (const [id, entry] of this.#recentlyClosed) if (entry.at < cutoff) this.#recentlyClosed.delete(id);
    const endedCutoff = Date.now() - ENDED_MEMORY_MS;
    for (const [id, at] of this.#ended) if (at < endedCutoff) this.#ended.delete(id);
  }
}
