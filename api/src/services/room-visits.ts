import type { Logger } from 'pino';
import type { RoomVisitRepository } from '../repositories/room-visit.repository.js';

const FLUSH_MS = 1000;
/** People still in a room are seen again this often, so "last in the room" stays fresh while they watch. */
const REFRESH_MS = 5 * 60_000;

/**
 * Remembers, for attribution, the latest room each logged-in person was in
 * and when they were last there. Joins and leaves are buffered per node and
 * written once a second in one statement; people still in a room are written
 * again every five minutes.
 */
export class RoomVisits {
  readonly #pending = new Map<string, { streamId: string; at: Date }>();
  readonly #present = new Map<string, string>();
  readonly #flushTimer: NodeJS.Timeout;
  readonly #refreshTimer: NodeJS.Timeout;

  constructor(
    private readonly repo: RoomVisitRepository,
    private readonly logger: Logger,
  ) {
    this.#flushTimer = setInterval(() => void this.flush(), FLUSH_MS);
    this.#flushTimer.unref();
    this.#refreshTimer = setInterval(() => this.#refresh(), REFRESH_MS);
    this.#refreshTimer.unref();
  }

  joined(userId: string, streamId: string): void {
    this.#present.set(userId, streamId);
    this.#pending.set(userId, { streamId, at: new Date() });
  }

  left(userId: string, streamId: string): void {
    if (this.#present.get(userId) === streamId) this.#present.delete(userId);
    // Leaving an older room does not replace the latest one.
    const latest = this.#pending.get(userId)?.streamId ?? streamId;
    if (latest === streamId) this.#pending.set(userId, { streamId, at: new Date() });
  }

  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending].map(([userId, v]) => ({ userId, ...v }));
    this.#pending.clear();
    await this.repo.record(batch).catch((err: unknown) => this.logger.warn({ err, visits: batch.length }, 'room visits not recorded'));
  }

  async close(): Promise<void> {
    clearInterval(this.#flushTimer);
    clearInterval(this.#refreshTimer);
    await this.flush();
  }

  #refresh(): void {
    const now = new Date();
    for (const [userId, streamId] of this.#present) if (!this.#pending.has(userId)) this.#pending.set(userId, { streamId, at: now });
  }
}
