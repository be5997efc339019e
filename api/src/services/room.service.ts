import type { DealView, RoomSnapshot } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { ChatService } from './chat.service.js';
import type { PinService } from './pin.service.js';
import type { PresenceRepository, ViewerIdentity } from '../repositories/presence.repository.js';
import type { StreamRepository } from '../repositories/stream.repository.js';
import type { StreamStatsRepository } from '../repositories/stream-stats.repository.js';
import { PeakViewers } from './peak-viewers.js';
import { ReadCoalescer } from './read-coalescer.js';
import type { RoomVisits } from './room-visits.js';
import type { StreamMetrics } from './stream-metrics.js';

/**
 * A join's snapshot may be this much older than the join: in a storm of 10,000 joins each part is read
 * about 4 times a second instead of once per join. Changes after it reach the viewer as room events.
 */
const SNAPSHOT_REUSE_MS = 250;

/** Joining and leaving a stream's room; the realtime layer does the socket work. */
export class RoomService {
  readonly #peaks: PeakViewers;
  // What every viewer of a room is sent on joining is the same for all of them: a burst of joins
  // (a big show going live) shares each query instead of running it once per viewer.
  readonly #chat: ReadCoalescer<Awaited<ReturnType<ChatService['snapshot']>>>;
  readonly #pins: ReadCoalescer<Awaited<ReturnType<PinService['current']>>>;
  readonly #deal: ReadCoalescer<DealView | null>;
  readonly #exists: ReadCoalescer<boolean>;

  constructor(
    private readonly streams: StreamRepository,
    private readonly presence: PresenceRepository,
    private readonly chat: ChatService,
    private readonly pins: PinService,
    private readonly deals: { active(streamId: string): Promise<DealView | null> },
    private readonly stats: StreamStatsRepository,
    private readonly visits: RoomVisits | null = null,
    private readonly metrics: StreamMetrics | null = null,
  ) {
    this.#peaks = new PeakViewers((id, n) => this.stats.bumpPeak(id, n));
    this.#chat = new ReadCoalescer((id) => this.chat.snapshot(id), SNAPSHOT_REUSE_MS);
    this.#pins = new ReadCoalescer((id) => this.pins.current(id), SNAPSHOT_REUSE_MS);
    this.#deal = new ReadCoalescer((id) => this.deals.active(id), SNAPSHOT_REUSE_MS);
    this.#exists = new ReadCoalescer((id) => this.streams.exists(id), SNAPSHOT_REUSE_MS);
  }

  /**
   * Joins the room. Every viewer counts (WebRTC and HLS alike) — except the
   * creator, whose own studio connection is not an audience (peak viewers and
   * conversion would be off by one). `counted` tells leave() what to undo.
   */
  async join(streamId: string, who: { userId: string | null; ip: string }): Promise<{ snapshot: RoomSnapshot; counted: boolean }> {
    const { userId } = who;
    // A user's role lookup finds the stream (or throws not found); a guest needs only the existence check.
    const viewer = userId ? await this.chat.roleIn(streamId, userId) : await this.guest(streamId);
    const counted = !viewer.isCreator;
    const [viewerCount, chat, pins, activeDeal] = await Promise.all([
      counted ? this.presence.add(streamId, identity(who), 1) : this.presence.count(streamId),
      this.#chat.get(streamId),
      this.#pins.get(streamId),
      this.#deal.get(streamId),
    ]);
    if (counted) await this.#peaks.seen(streamId, viewerCount);
    if (userId && counted) this.visits?.joined(userId, streamId);
    this.metrics?.watching(streamId);
    return { snapshot: { streamId, viewerCount, serverTime: new Date().toISOString(), ...chat, pins, activeDeal, viewer }, counted };
  }

  /** The snapshot for a socket that is already in the room (no second presence count). */
  async current(streamId: string, userId: string | null): Promise<RoomSnapshot> {
    const [viewerCount, chat, pins, activeDeal, viewer] = await Promise.all([
      this.presence.count(streamId),
      this.#chat.get(streamId),
      this.#pins.get(streamId),
      this.#deal.get(streamId),
      this.chat.roleIn(streamId, userId),
    ]);
    return { streamId, viewerCount, serverTime: new Date().toISOString(), ...chat, pins, activeDeal, viewer };
  }

  /** Something in the snapshot changed on this node (a pin, a deal, chat settings): the next join reads it fresh. */
  changed(streamId: string): void {
    for (const part of [this.#chat, this.#pins, this.#deal, this.#exists]) part.forget(streamId);
  }

  leave(streamId: string, who: { userId: string | null; ip: string }, counted: boolean): Promise<number> {
    if (who.userId && counted) this.visits?.left(who.userId, streamId);
    return counted ? this.presence.add(streamId, identity(who), -1) : this.presence.count(streamId);
  }

  viewerCount(streamId: string): Promise<number> {
    return this.presence.count(streamId);
  }

  async close(): Promise<void> {
    await this.#peaks.close();
    await this.visits?.close();
    await this.metrics?.close();
  }

  private async guest(streamId: string): Promise<{ isCreator: false; canModerate: false }> {
    if (!(await this.#exists.get(streamId))) throw AppError.notFound('Stream');
    return { isCreator: false, canModerate: false };
  }
}

function identity(who: { userId: string | null; ip: string }): ViewerIdentity {
  return who.userId ? { userId: who.userId } : { guestIp: who.ip };
}
