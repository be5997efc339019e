import type { AckResponse, ClientToServerEvents } from '@hawker/shared';

/**
 * The typed request side of the room socket, as the chat, deal and pin
 * managers see it: an event name and its payload in, the server's ack out.
 * They never hold the socket itself, so tests drive them with a plain function.
 */

export type RoomRequestName = keyof ClientToServerEvents;
export type RoomRequestPayload<K extends RoomRequestName> = Parameters<ClientToServerEvents[K]>[0];
export type RoomRequestData<K extends RoomRequestName> =
  Parameters<Parameters<ClientToServerEvents[K]>[1]>[0] extends AckResponse<infer T> ? T : never;

export type RoomRequest = <K extends RoomRequestName>(event: K, payload: RoomRequestPayload<K>) => Promise<AckResponse<RoomRequestData<K>>>;

/** How long a request waits for its ack before it counts as lost (the socket may be reconnecting). */
export const REQUEST_TIMEOUT_MS = 8_000;

/** The ack a request gets when the server never answered: the outcome is unknown, so a retry must reuse its key. */
export const NO_ANSWER = {
  ok: false,
  error: { code: 'timeout', message: "Hawker didn't answer in time. Check your connection and try again." },
} as const satisfies AckResponse<never>;

/**
 * Codes after which the same request may safely be sent again with the same
 * idempotency key: it may not have run at all, or ran and lost its answer. Any
 * other error is the server's final word on that attempt.
 */
export function isRetryableAck(code: string): boolean {
  return code === 'timeout' || code === 'internal_error' || code === 'idempotency_in_progress';
}
