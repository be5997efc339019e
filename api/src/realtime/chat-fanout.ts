import type { ChatMessageView } from '@hawker/shared';
import { afterQueuedWrites } from './broadcast-turns.js';
import type { HawkerServer } from './io.js';
import { roomName } from './room.handlers.js';

/**
 * Most messages one `chat:batch` carries. A full batch goes out at once, so a
 * flood never builds one huge frame (100 × a 500-character message ≈ 70 KB).
 */
export const CHAT_BATCH_MAX = 100;

/** The next window lasts at least this × the last flush's duration (see #windowEnded). */
const FLUSH_STRETCH = 0.5;

/** A room whose window is open: messages wait here until the timer fires. */
type OpenWindow = { pending: ChatMessageView[]; timer: NodeJS.Timeout };

/**
 * Chat fan-out for one api node, coalesced per room. Socket.IO encodes a
 * broadcast once, but still writes one WebSocket frame per viewer per emit,
 * so in a busy room of 10,000 viewers the per-frame cost (a syscall each),
 * not the bytes, is what limits delivery. Here:
 *
 * - a quiet room's first message goes out at once as `chat:message`, and opens
 *   a window of `windowMs`;
 * - messages that arrive while the window is open are flushed together, in
 *   order, as one `chat:batch` when it ends (or as soon as CHAT_BATCH_MAX
 *   wait), and the window stays open while messages keep coming;
 * - a window that ends with nothing waiting closes: the room is quiet again.
 *
 * So a viewer gets at most about 1000 / windowMs chat frames per second per
 * node, whatever the message rate, and a message waits at most `windowMs`
 * (longer only in a room so big that one flush outlasts the window, below).
 * `windowMs` 0 turns coalescing off (one `chat:message` per message).
 * Each node batches the messages it accepted; the Redis adapter carries the
 * batch to the viewers on every node.
 */
export class ChatFanout {
  readonly #windows = new Map<string, OpenWindow>();
  #closed = false;

  constructor(
    private readonly io: HawkerServer,
    private readonly windowMs: number,
    private readonly maxBatch = CHAT_BATCH_MAX,
  ) {}

  publish(message: ChatMessageView): void {
    const open = this.#windows.get(message.streamId);
    if (!open) {
      this.#emit(message.streamId, [message]);
      if (this.windowMs > 0 && !this.#closed) this.#windows.set(message.streamId, { pending: [], timer: this.#arm(message.streamId) });
      return;
    }
    open.pending.push(message);
    if (open.pending.length >= this.maxBatch) this.#flush(message.streamId, open);
  }

  /**
   * A deleted message that is still waiting is dropped, so viewers never see
   * it arrive after its `chat:deleted`.
   */
  forget(streamId: string, messageId: string): void {
    const open = this.#windows.get(streamId);
    if (open) open.pending = open.pending.filter((m) => m.id !== messageId);
  }

  /** Sends what a room has waiting now (before `stream:ended`, so the last messages come before the end). */
  flushRoom(streamId: string): void {
    const open = this.#windows.get(streamId);
    if (open) this.#flush(streamId, open);
  }

  /**
   * Sends everything still waiting and stops the timers. Idempotent. Later
   * messages (requests still in flight at shutdown) go out one by one.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [streamId, open] of this.#windows) {
      clearTimeout(open.timer);
      this.#flush(streamId, open);
    }
    this.#windows.clear();
  }

  #arm(streamId: string, delayMs = this.windowMs): NodeJS.Timeout {
    const timer = setTimeout(() => this.#windowEnded(streamId), delayMs);
    // A pending window must never keep a stopping process alive.
    timer.unref();
    return timer;
  }

  #windowEnded(streamId: string): void {
    const open = this.#windows.get(streamId);
    if (!open) return;
    if (open.pending.length === 0) {
      this.#windows.delete(streamId);
      return;
    }
    const started = performance.now();
    this.#flush(streamId, open);
    // A flush writes one frame per viewer on this node: in a room of 10,000
    // that takes longer than the window (written in turns, broadcast-turns.ts,
    // so the flush is timed until its last batch is out). The next window
    // lasts at least half as long as this flush took, so fan-out keeps at
    // most about two thirds of the node's time and accepting messages is
    // never starved; meanwhile new messages wait in the open window.
    afterQueuedWrites(() => {
      if (this.#closed || this.#windows.get(streamId) !== open) return;
      open.timer = this.#arm(streamId, Math.max(this.windowMs, (performance.now() - started) * FLUSH_STRETCH));
    });
  }

  #flush(streamId: string, open: OpenWindow): void {
    if (open.pending.length === 0) return;
    const messages = open.pending;
    open.pending = [];
    this.#emit(streamId, messages);
  }

  #emit(streamId: string, messages: ChatMessageView[]): void {
    const room = this.io.to(roomName(streamId));
    // A batch of one is just a message: the cheaper, older event.
    if (messages.length === 1) room.emit('chat:message', messages[0]!);
    else room.emit('chat:batch', { streamId, messages });
  }
}
