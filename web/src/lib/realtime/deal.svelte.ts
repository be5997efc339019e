import type { DealView } from '@hawker/shared';
import type { RoomRequest, RoomRequestPayload } from './room-request.js';

export type DealLaunch = Omit<RoomRequestPayload<'deal:launch'>, 'streamId'>;
export type LaunchOutcome = { ok: true; deal: DealView } | { ok: false; message: string };

/**
 * The stream's flash deal: the one running (from the join ack or
 * `deal:started`), its live remaining stock (`deal:stock`) and its end
 * (`deal:ended`, with the units sold). Buying goes through RoomPurchases; the
 * countdown is deal-clock.ts's. The creator also launches deals from here.
 */
export class RoomDeal {
  deal = $state.raw<DealView | null>(null);
  remaining = $state(0);
  /** Units sold, once the deal is over; null while it runs. */
  sold = $state<number | null>(null);
  launching = $state(false);

  constructor(
    private readonly streamId: string,
    private readonly request: RoomRequest,
  ) {}

  /** After every (re)join: the deal running now, if any. */
  reset(active: DealView | null): void {
    if (active) {
      if (active.id === this.deal?.id) this.stock({ dealId: active.id, remaining: active.remaining });
      else this.start(active);
      return;
    }
    // The deal ended while this tab was disconnected.
    const shown = this.deal;
    if (shown && this.sold === null) this.sold = shown.quantity - this.remaining;
  }

  start(deal: DealView): void {
    if (deal.streamId !== this.streamId) return;
    this.deal = deal;
    this.remaining = deal.remaining;
    this.sold = null;
  }

  /**
   * Remaining stock only goes down while a deal runs; updates from two api
   * nodes can arrive out of order, so an older, higher count never wins.
   */
  stock(update: { dealId: string; remaining: number }): void {
    if (update.dealId !== this.deal?.id) return;
    this.remaining = Math.max(0, Math.min(this.remaining, update.remaining));
  }

  end(update: { dealId: string; sold: number }): void {
    if (update.dealId !== this.deal?.id) return;
    this.sold = update.sold;
    this.remaining = Math.max(0, (this.deal?.quantity ?? 0) - update.sold);
  }

  /** Creator only (the server checks): moves the units out of the listing's stock into the deal. */
  async launch(input: DealLaunch): Promise<LaunchOutcome> {
    if (this.launching) return { ok: false, message: 'A launch is already on its way.' };
    this.launching = true;
    try {
      const ack = await this.request('deal:launch', { streamId: this.streamId, ...input });
      if (!ack.ok) return { ok: false, message: ack.error.message };
      this.start(ack.data);
      return { ok: true, deal: ack.data };
    } finally {
      this.launching = false;
    }
  }
}
