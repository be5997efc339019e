import type { PinnedProduct } from '@hawker/shared';
import type { RoomRequest } from './room-request.js';

/** The server's cap on products pinned at once (shared's pinSetSchema). */
export const MAX_PINS = 10;

/**
 * The products the creator pinned over the video: from the join ack, then
 * every `pin:changed` (which always carries the whole list, so the last one
 * wins). The creator changes them with `set`.
 */
export class RoomPins {
  pins = $state.raw<PinnedProduct[]>([]);
  saving = $state(false);
  error = $state<string | null>(null);

  constructor(
    private readonly streamId: string,
    private readonly request: RoomRequest,
  ) {}

  apply(pins: PinnedProduct[]): void {
    this.pins = pins;
  }

  isPinned(listingId: string): boolean {
    return this.pins.some((p) => p.listingId === listingId);
  }

  /** Creator only: pins exactly these listings (their own, active), in this order. */
  async set(listingIds: string[]): Promise<boolean> {
    if (this.saving) return false;
    this.saving = true;
    this.error = null;
    try {
      const ack = await this.request('pin:set', { streamId: this.streamId, listingIds });
      if (!ack.ok) {
        this.error = ack.error.message;
        return false;
      }
      this.apply(ack.data);
      return true;
    } finally {
      this.saving = false;
    }
  }

  pin(listingId: string): Promise<boolean> {
    if (this.isPinned(listingId)) return Promise.resolve(true);
    if (this.pins.length >= MAX_PINS) {
      this.error = `Up to ${MAX_PINS} products can be pinned at once.`;
      return Promise.resolve(false);
    }
    return this.set([...this.pins.map((p) => p.listingId), listingId]);
  }

  unpin(listingId: string): Promise<boolean> {
    return this.set(this.pins.map((p) => p.listingId).filter((id) => id !== listingId));
  }
}
