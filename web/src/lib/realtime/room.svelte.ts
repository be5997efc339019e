import type { AckResponse, ClientToServerEvents, PurchaseState, ServerToClientEvents } from '@hawker/shared';
import { apiFetch } from '../api.js';
import { io, type Socket } from 'socket.io-client';
import { RoomChat } from './chat.svelte.js';
import { measureClockSkew } from './deal-clock.js';
import { RoomDeal } from './deal.svelte.js';
import { ChatModeration } from './moderation.svelte.js';
import { RoomPins } from './pins.svelte.js';
import { RoomPurchases } from './purchases.svelte.js';
import {
  NO_ANSWER,
  REQUEST_TIMEOUT_MS,
  type RoomRequest,
  type RoomRequestData,
  type RoomRequestName,
  type RoomRequestPayload,
} from './room-request.js';
import { PurchaseTicker } from './ticker.svelte.js';

export type RoomState = 'idle' | 'connecting' | 'connected' | 'closed';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Extra `time:sync` round trips after joining: the one with the shortest round trip gives the best skew estimate. */
const CLOCK_SAMPLES = 3;

export interface RoomHandlers {
  onEnded?: (replayUrl: string | null) => void;
  onLive?: () => void;
}

/**
 * This tab's place in one stream's room on the api (Socket.IO). Joining counts
 * the viewer (WebRTC and HLS alike); the join ack is the room's state, and
 * live events keep it current. The pieces of the room are small managers
 * (chat, moderation, pins, deal, purchases, ticker) that components read;
 * only this class touches the socket, and it re-joins after every reconnect
 * (a new api node has no memory of this socket). WebSocket transport only, so
 * any api node behind a plain load balancer can take the connection.
 */
export class RoomConnection {
  state = $state<RoomState>('idle');
  viewerCount = $state<number | null>(null);
  /** Server clock minus this device's clock (ms), for deal countdowns. */
  clockSkewMs = $state(0);
  /** The join was refused (e.g. no such stream). */
  error = $state<string | null>(null);
  /** The creator or a moderator they appointed (from the join ack): show the moderation tools. */
  canModerate = $state(false);

  readonly chat: RoomChat;
  readonly moderation: ChatModeration;
  readonly pins: RoomPins;
  readonly deal: RoomDeal;
  readonly purchases: RoomPurchases;
  readonly ticker = new PurchaseTicker();

  #socket: RoomSocket | null = null;
  /** Round trip of the sample clockSkewMs came from; a shorter one replaces it. */
  #skewRoundTripMs = Infinity;

  constructor(
    readonly streamId: string,
    private readonly handlers: RoomHandlers = {},
  ) {
    const request: RoomRequest = (event, payload) => this.#request(event, payload);
    this.chat = new RoomChat(streamId, request);
    this.moderation = new ChatModeration(streamId, request);
    this.pins = new RoomPins(streamId, request);
    this.deal = new RoomDeal(streamId, request);
    this.purchases = new RoomPurchases(streamId, request, undefined, (key) =>
      apiFetch<PurchaseState>(`/api/purchases/${encodeURIComponent(key)}`),
    );
  }

  join(): void {
    if (this.#socket || this.state === 'closed') return;
    const streamId = this.streamId;
    this.state = 'connecting';
    const socket: RoomSocket = io({ transports: ['websocket'], autoConnect: false });
    this.#socket = socket;
    socket.on('connect', () => {
      void this.#join(socket);
      // An outcome pushed while this socket was away is read back.
      this.purchases.recheck();
    });
    socket.on('disconnect', () => {
      if (this.state !== 'closed') this.state = 'connecting';
    });
    const mine = (p: { streamId: string }) => p.streamId === streamId;
    socket.on('viewers:count', (p) => {
      if (mine(p)) this.viewerCount = p.count;
    });
    socket.on('stream:ended', (p) => {
      if (mine(p)) this.handlers.onEnded?.(p.replayUrl);
    });
    socket.on('stream:live', (p) => {
      if (mine(p)) this.handlers.onLive?.();
    });
    socket.on('chat:message', (m) => this.chat.add([m]));
    socket.on('chat:batch', (p) => {
      if (mine(p)) this.chat.add(p.messages);
    });
    socket.on('chat:deleted', (p) => {
      if (mine(p)) this.chat.remove(p.messageId);
    });
    socket.on('chat:settings', (p) => {
      if (mine(p)) this.chat.applySettings(p);
    });
    socket.on('pin:changed', (p) => {
      if (mine(p)) this.pins.apply(p.pins);
    });
    socket.on('deal:started', (d) => this.deal.start(d));
    socket.on('deal:stock', (p) => {
      if (mine(p)) this.deal.stock(p);
    });
    socket.on('deal:ended', (p) => {
      if (mine(p)) this.deal.end(p);
    });
    socket.on('purchase:paid', (p) => this.purchases.settle(p));
    socket.on('purchase:failed', (p) => this.purchases.settle(p));
    socket.on('purchase:made', (p) => {
      if (mine(p)) this.ticker.push(p);
    });
    socket.connect();
  }

  /** Idempotent; the managers keep their last state for the page to show. */
  leave(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#socket?.disconnect();
    this.#socket = null;
    this.ticker.close();
    this.purchases.close();
  }

  async #join(socket: RoomSocket): Promise<void> {
    // A fresh estimate per connection: the device clock may have been adjusted meanwhile.
    this.#skewRoundTripMs = Infinity;
    const sentAt = Date.now();
    const ack = await this.#request('room:join', { streamId: this.streamId });
    if (socket !== this.#socket) return;
    if (!ack.ok) {
      // No answer: the next reconnect joins again. A refusal is final.
      if (ack.error.code !== NO_ANSWER.error.code) {
        this.error = ack.error.message;
        this.leave();
      }
      return;
    }
    const snapshot = ack.data;
    this.state = 'connected';
    this.error = null;
    this.viewerCount = snapshot.viewerCount;
    this.canModerate = snapshot.viewer.canModerate;
    this.#clockSample(sentAt, Date.now(), Date.parse(snapshot.serverTime));
    this.chat.reset(snapshot.recentChat, snapshot.chatSettings);
    this.pins.apply(snapshot.pins);
    this.deal.reset(snapshot.activeDeal);
    await this.#syncClock(socket);
  }

  /** A few `time:sync` round trips: the join ack's time was taken after database reads, so it is the noisiest sample. */
  async #syncClock(socket: RoomSocket): Promise<void> {
    for (let i = 0; i < CLOCK_SAMPLES && socket === this.#socket; i++) {
      const sentAt = Date.now();
      const ack = await this.#request('time:sync', { clientTime: sentAt });
      if (!ack.ok) return;
      this.#clockSample(sentAt, Date.now(), ack.data.serverTime);
    }
  }

  #clockSample(sentAt: number, receivedAt: number, serverTime: number): void {
    if (Number.isNaN(serverTime)) return;
    const roundTrip = receivedAt - sentAt;
    if (roundTrip > this.#skewRoundTripMs) return;
    this.#skewRoundTripMs = roundTrip;
    this.clockSkewMs = measureClockSkew(sentAt, receivedAt, serverTime);
  }

  /**
   * The managers' requests. Socket.IO buffers an emit while reconnecting; one
   * that gets no ack in time answers NO_ANSWER, which callers treat as "may
   * or may not have happened" (a purchase retries with the same key).
   */
  async #request<K extends RoomRequestName>(event: K, payload: RoomRequestPayload<K>): Promise<AckResponse<RoomRequestData<K>>> {
    const socket = this.#socket;
    if (!socket) return { ok: false, error: { code: 'not_connected', message: 'Not connected to the show. Reload the page.' } };
    const timed = socket.timeout(REQUEST_TIMEOUT_MS);
    // Socket.IO's typings cannot follow the event name through the type parameter.
    const emit = timed.emitWithAck.bind(timed) as unknown as (
      event: K,
      payload: RoomRequestPayload<K>,
    ) => Promise<AckResponse<RoomRequestData<K>>>;
    return emit(event, payload).catch(() => NO_ANSWER);
  }
}
