import { apiFetch } from '../api.js';

// What viewers do that the server cannot see: a product opened in a show. The
// api counts these per show, and they become the product clicks of a
// sponsorship's report.

export type SendProductOpen = (streamId: string, listingId: string) => Promise<unknown>;

export const sendProductOpen: SendProductOpen = (streamId, listingId) =>
  apiFetch<{ ok: true }>('/api/events', { body: { type: 'product.open', streamId, listingId } });

/**
 * One count per product per page view: opening, closing and opening a product
 * again is still one click. Fire and forget: a lost count is not worth a
 * message to the viewer, so failures are swallowed.
 */
export class ProductOpens {
  readonly #sent = new Set<string>();
  readonly #send: SendProductOpen;

  constructor(send: SendProductOpen = sendProductOpen) {
    this.#send = send;
  }

  opened(streamId: string, listingId: string): void {
    const key = `${streamId} ${listingId}`;
    if (this.#sent.has(key)) return;
    this.#sent.add(key);
    try {
      void this.#send(streamId, listingId).catch(() => undefined);
    } catch {
      // A synchronous failure (no fetch at all) is ignored the same way.
    }
  }
}
