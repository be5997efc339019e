import { EventEmitter } from 'node:events';
import type {
  ChatMessageView,
  ChatSettings,
  DealView,
  NotificationKind,
  NotificationPush,
  PinnedProduct,
  PurchaseFailed,
  PurchasePaid,
} from '@hawker/shared';
import type { Logger } from 'pino';

/**
 * Domain events raised by services after their transaction commits. Dotted
 * names inside the api (`stream.live`); the realtime fan-out turns them into
 * `noun:verb` socket events for rooms, and the Redis adapter carries those to
 * every node.
 */
export interface DomainEventMap {
  'stream.live': { streamId: string; startedAt: Date; hlsUrl: string };
  'stream.ended': { streamId: string; endedAt: Date; replayUrl: string | null };
  'chat.message': ChatMessageView;
  'deal.started': DealView;
  'deal.stock': { streamId: string; dealId: string; remaining: number };
  'deal.ended': { streamId: string; dealId: string; sold: number };
  'purchase.made': { streamId: string; buyer: string; title: string; quantity: number; alsoBought: number };
  /** A deal reservation was paid, or failed: for the buyer's own channel. */
  'purchase.outcome': { buyerId: string; outcome: PurchasePaid | PurchaseFailed };
  'pin.changed': { streamId: string; pins: PinnedProduct[] };
  'chat.deleted': { streamId: string; messageId: string };
  'chat.settings': { streamId: string } & ChatSettings;
  /** Logged out (or revoked): the session's sockets are disconnected on every node. */
  'session.ended': { sessionId: string };
  /** A notification for these people, pushed on their own channels. */
  'notification.user': { userIds: string[]; push: NotificationPush };
  /** A notification for a creator's followers who are online (the rows are written in the background). */
  'notification.followers': { creatorId: string; push: NotificationPush };
  /** A person started or stopped hearing a creator's go-lives (follow, unfollow, mute, unmute). */
  'user.follows': { userId: string; creatorId: string; listening: boolean };
  /** A person switched a kind of notification off (or on) in the app. */
  'user.optout': { userId: string; kind: NotificationKind; optedOut: boolean };
}

export class DomainEvents {
  readonly #emitter = new EventEmitter();

  constructor(private readonly logger: Logger) {}

  on<K extends keyof DomainEventMap>(name: K, listener: (event: DomainEventMap[K]) => void): void {
    this.#emitter.on(name, listener);
  }

  #closed = false;

  /** Shutdown: late work (a timer, a query that was in flight) can no longer reach sockets or Redis. */
  close(): void {
    this.#closed = true;
  }

  /** A throwing listener is logged and does not stop the others or the caller. */
  emit<K extends keyof DomainEventMap>(name: K, event: DomainEventMap[K]): void {
    if (this.#closed) return;
    for (const listener of this.#emitter.listeners(name)) {
      try {
        (listener as (e: DomainEventMap[K]) => void)(event);
      } catch (err) {
        this.logger.error({ err, event: name }, 'domain event listener failed');
      }
    }
  }
}
