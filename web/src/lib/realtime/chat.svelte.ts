import type { CHAT_MAX_LENGTH, ChatMessageView, ChatSettings } from '@hawker/shared';
import type { RoomRequest } from './room-request.js';

/**
 * The chat's limit, typed against shared's constant (a change there fails to
 * compile here) without a value import: shared/src/chat.ts builds zod schemas
 * at load time, which would put all of zod into the live page's bundle.
 */
export const CHAT_LIMIT: typeof CHAT_MAX_LENGTH = 500;

/** Enough scrollback for a busy show; older messages are dropped from memory (the server keeps them). */
export const MAX_MESSAGES = 200;

const NO_SETTINGS: ChatSettings = { slowModeSeconds: 0, blockedWords: [] };

/**
 * One stream's chat as this tab sees it: the messages in order, the room's
 * settings (slow mode, blocked words) and sending. Messages arrive from the
 * join ack, one by one (`chat:message`) or in coalesced batches
 * (`chat:batch`); they are merged by id, so a message seen twice (our own ack
 * and its broadcast, or a reconnect's snapshot) shows once. Text stays plain
 * text: components render it as text, never as HTML.
 */
export class RoomChat {
  messages = $state.raw<ChatMessageView[]>([]);
  settings = $state.raw<ChatSettings>(NO_SETTINGS);
  sending = $state(false);
  /** Why the last message was refused (rate limit, slow mode, ban…), shown next to the input. */
  error = $state<string | null>(null);
  errorCode = $state<string | null>(null);

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- private de-duplication of message ids that nothing renders; `messages` is the state
  readonly #ids = new Set<string>();

  constructor(
    private readonly streamId: string,
    private readonly request: RoomRequest,
  ) {}

  /** The join ack's recent chat and settings, after every (re)join. */
  reset(recent: ChatMessageView[], settings: ChatSettings): void {
    this.settings = settings;
    this.add(recent);
  }

  /** New messages, oldest first; ones already shown are skipped. */
  add(incoming: ChatMessageView[]): void {
    const fresh = incoming.filter((m) => m.streamId === this.streamId && !this.#ids.has(m.id));
    if (fresh.length === 0) return;
    for (const m of fresh) this.#ids.add(m.id);
    let next = [...this.messages, ...fresh];
    // A reconnect's snapshot can hold messages older than ones already shown.
    // ISO times from the server compare correctly as strings.
    const last = this.messages.at(-1);
    if (last && fresh.some((m) => m.createdAt < last.createdAt)) next.sort(byTime);
    if (next.length > MAX_MESSAGES) {
      for (const dropped of next.slice(0, next.length - MAX_MESSAGES)) this.#ids.delete(dropped.id);
      next = next.slice(-MAX_MESSAGES);
    }
    this.messages = next;
  }

  /** A moderator deleted a message: it disappears for everyone. */
  remove(messageId: string): void {
    if (!this.#ids.has(messageId)) return;
    this.#ids.delete(messageId);
    this.messages = this.messages.filter((m) => m.id !== messageId);
  }

  applySettings(settings: ChatSettings): void {
    this.settings = { slowModeSeconds: settings.slowModeSeconds, blockedWords: settings.blockedWords };
  }

  /**
   * Sends one message. True when the server took it; on false `error` says why
   * and the caller keeps the typed text, so nothing is lost to a refusal.
   */
  async send(text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (trimmed === '' || this.sending) return false;
    if (trimmed.length > CHAT_LIMIT) {
      this.#fail('too_long', `Messages can be up to ${CHAT_LIMIT} characters.`);
      return false;
    }
    this.sending = true;
    try {
      const ack = await this.request('chat:send', { streamId: this.streamId, text: trimmed });
      if (!ack.ok) {
        this.#fail(ack.error.code, ack.error.message);
        return false;
      }
      this.error = null;
      this.errorCode = null;
      this.add([ack.data]);
      return true;
    } finally {
      this.sending = false;
    }
  }

  clearError(): void {
    this.error = null;
    this.errorCode = null;
  }

  #fail(code: string, message: string): void {
    this.errorCode = code;
    this.error = message;
  }
}

function byTime(a: ChatMessageView, b: ChatMessageView): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

/** "Slow mode: one message every 30 s"; null when off. */
export function slowModeLabel(settings: ChatSettings): string | null {
  const s = settings.slowModeSeconds;
  if (s <= 0) return null;
  if (s < 60) return `Slow mode: one message every ${s} s`;
  const minutes = s / 60;
  return `Slow mode: one message every ${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`;
}
