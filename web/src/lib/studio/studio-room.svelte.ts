import type { ShowableListing, StreamSales } from '@hawker/shared';
import { ApiError, errorMessage } from '../api.js';
import { poll } from '../poll.js';
import { RoomConnection } from '../realtime/room.svelte.js';
import { Resource } from '../resource.svelte.js';
import { fetchShowableListings, fetchStreamSales } from '../streams.js';

/** Sales figures refresh this often while the show runs: fresh enough to react to a deal, cheap for the api. */
const SALES_POLL_MS = 5_000;

/**
 * The creator's side of their live room: the same RoomConnection viewers use
 * (chat, pins, the running deal, moderation) plus what only the creator
 * needs: the listings they may pin or put on a deal (their own, the sponsor's
 * in a sponsored show, ones shops offer to creators), and the show's
 * sales figures. The server checks ownership of every action.
 */
export class StudioRoom {
  readonly room: RoomConnection;
  readonly listings: Resource<ShowableListing[]>;
  sales = $state.raw<StreamSales | null>(null);
  salesError = $state<string | null>(null);

  #stopSales: (() => void) | null = null;

  constructor(readonly streamId: string) {
    this.room = new RoomConnection(streamId);
    this.listings = new Resource((signal) => fetchShowableListings(streamId, signal));
  }

  listing(id: string): ShowableListing | undefined {
    return this.listings.data?.find((l) => l.id === id);
  }

  start(): void {
    this.room.join();
    void this.listings.load();
    this.#stopSales?.();
    this.#stopSales = poll(async (signal) => {
      try {
        this.sales = await fetchStreamSales(this.streamId, signal);
        this.salesError = null;
      } catch (err) {
        if (signal.aborted) return;
        // A 403 will not change on the next poll; anything else may.
        this.salesError = errorMessage(err);
        if (err instanceof ApiError && err.status === 403) this.#stopSales?.();
      }
    }, SALES_POLL_MS);
  }

  /** Idempotent. */
  close(): void {
    this.#stopSales?.();
    this.#stopSales = null;
    this.listings.abort();
    this.room.leave();
  }
}
