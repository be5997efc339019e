import type { AckResponse, ChatSettings } from '@hawker/shared';
import { SvelteSet } from 'svelte/reactivity';
import type { RoomRequest, RoomRequestData, RoomRequestName, RoomRequestPayload } from './room-request.js';

/** A time-out long enough to cool a heated chat, short enough not to need an undo. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** Blocked words as the creator types them: one per line or comma-separated, trimmed, no duplicates. */
export function parseBlockedWords(text: string): string[] {
  const words = text
    .split(/[\n,]/)
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Set to de-duplicate an array; never stored
  return [...new Set(words)];
}

/**
 * The creator's (and their moderators') tools over one stream's chat. The
 * server decides who may do what (`not_moderator`, `invalid_target`); this
 * class sends the requests and keeps what the page shows: a short notice after
 * each action, the server's refusal otherwise, and the people banned or made
 * moderators during this visit (so the button can offer the way back).
 */
export class ChatModeration {
  pending = $state(false);
  notice = $state<string | null>(null);
  error = $state<string | null>(null);
  readonly #banned = new SvelteSet<string>();
  readonly #moderators = new SvelteSet<string>();

  constructor(
    private readonly streamId: string,
    private readonly request: RoomRequest,
  ) {}

  /** People banned during this visit. */
  get banned(): ReadonlySet<string> {
    return this.#banned;
  }

  /** People made moderators during this visit. */
  get moderators(): ReadonlySet<string> {
    return this.#moderators;
  }

  async deleteMessage(messageId: string): Promise<boolean> {
    return (await this.#act('chat:delete', { streamId: this.streamId, messageId }, 'Message deleted.'))?.ok === true;
  }

  async timeout(userId: string, name: string, seconds = DEFAULT_TIMEOUT_SECONDS): Promise<boolean> {
    const done = `${name} is timed out for ${Math.round(seconds / 60)} min.`;
    return (await this.#act('mod:timeout', { streamId: this.streamId, userId, seconds }, done))?.ok === true;
  }

  async ban(userId: string, name: string): Promise<boolean> {
    const ok = (await this.#act('mod:ban', { streamId: this.streamId, userId }, `${name} is banned from your chats.`))?.ok === true;
    if (ok) this.#banned.add(userId);
    return ok;
  }

  async unban(userId: string, name: string): Promise<boolean> {
    const ok = (await this.#act('mod:unban', { streamId: this.streamId, userId }, `${name} may chat again.`))?.ok === true;
    if (ok) this.#banned.delete(userId);
    return ok;
  }

  /** Creator only (the server refuses moderators): the person may moderate all the creator's streams. */
  async appoint(userId: string, name: string): Promise<boolean> {
    const ok = (await this.#act('mod:appoint', { streamId: this.streamId, userId }, `${name} is now a moderator.`))?.ok === true;
    if (ok) this.#moderators.add(userId);
    return ok;
  }

  /** 0 turns slow mode off. The whole room hears the new settings through `chat:settings`. */
  async setSlowMode(seconds: number): Promise<ChatSettings | null> {
    const done = seconds > 0 ? `Slow mode: one message every ${seconds} s.` : 'Slow mode is off.';
    const ack = await this.#act('mod:slowMode', { streamId: this.streamId, seconds }, done);
    return ack?.ok ? ack.data : null;
  }

  async setBlockedWords(words: string[]): Promise<ChatSettings | null> {
    const done = words.length === 1 ? '1 blocked word.' : `${words.length} blocked words.`;
    const ack = await this.#act('mod:blockedWords', { streamId: this.streamId, words }, done);
    return ack?.ok ? ack.data : null;
  }

  /** One action at a time; null when another is still running. */
  async #act<K extends RoomRequestName>(
    event: K,
    payload: RoomRequestPayload<K>,
    done: string,
  ): Promise<AckResponse<RoomRequestData<K>> | null> {
    if (this.pending) return null;
    this.#begin();
    try {
      const ack = await this.request(event, payload);
      if (ack.ok) this.notice = done;
      else this.error = ack.error.message;
      return ack;
    } finally {
      this.pending = false;
    }
  }

  #begin(): void {
    this.pending = true;
    this.notice = null;
    this.error = null;
  }
}
