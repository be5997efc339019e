import type { ChatMessageView, ChatSettings } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { ChatRepository } from '../repositories/chat.repository.js';
import type { ChatPostRepository, ChatPostVerdict } from '../repositories/chat-post.repository.js';
import type { TokenBucket } from '../repositories/token-bucket.js';
import type { Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import { ReadCoalescer } from './read-coalescer.js';

// A stream's owner and status and a creator's moderators may be this much older than the request.
const ROLE_REUSE_MS = 250;

type Row = { id: string; streamId: string; text: string; createdAt: Date; user: { id: string; displayName: string } };

/**
 * Live chat and its moderation. The creator and the moderators they appoint
 * can delete messages, time out or ban users (across all the creator's
 * streams), turn on slow mode and keep a blocked-words list. Everything is
 * checked here, on the server, whatever the client shows.
 */
export class ChatService {
  constructor(
    private readonly chat: ChatRepository,
    private readonly posts: ChatPostRepository,
    private readonly bucket: TokenBucket,
    private readonly events: DomainEvents,
  ) {}

  // A stream's owner and status, read once for a burst of joins or moderation checks (never older than the request).
  readonly #streams = new ReadCoalescer((streamId: string) => this.chat.streamOwner(streamId), ROLE_REUSE_MS);
  // The creator's moderators, the same way: 10,000 joins share a read or two instead of a query each.
  readonly #moderators = new ReadCoalescer((creatorId: string) => this.chat.moderatorsOf(creatorId), ROLE_REUSE_MS);

  async send(principal: Principal | null, streamId: string, text: string): Promise<ChatMessageView> {
    if (!principal) throw AppError.unauthenticated('Log in to chat.');
    // The bucket first (Redis), then every rule and the insert in one statement: a refused
    // message still spends a token, which only slows down someone already refused.
    if (!(await this.bucket.take(`chat:${principal.userId}`))) throw AppError.rateLimited('You are sending messages too fast.');
    const posted = await this.posts.post(streamId, principal.userId, text);
    if (!posted.ok) throw refusal(posted);
    const message = toView(posted.message);
    this.events.emit('chat.message', message);
    return message;
  }

  async delete(principal: Principal | null, streamId: string, messageId: string): Promise<null> {
    await this.requireStaff(principal, streamId);
    if (!(await this.chat.deleteMessage(streamId, messageId, principal!.userId))) throw AppError.notFound('Message');
    this.events.emit('chat.deleted', { streamId, messageId });
    return null;
  }

  async timeout(principal: Principal | null, streamId: string, userId: string, seconds: number): Promise<null> {
    await this.requireStaffOver(principal, streamId, userId);
    await this.chat.record({
      streamId,
      actorId: principal!.userId,
      targetUserId: userId,
      kind: 'timeout',
      expiresAt: new Date(Date.now() + seconds * 1000),
    });
    return null;
  }

  async ban(principal: Principal | null, streamId: string, userId: string, on: boolean): Promise<null> {
    await this.requireStaffOver(principal, streamId, userId);
    await this.chat.record({ streamId, actorId: principal!.userId, targetUserId: userId, kind: on ? 'ban' : 'unban' });
    return null;
  }

  async appoint(principal: Principal | null, streamId: string, userId: string): Promise<null> {
    const stream = await this.stream(streamId);
    if (stream.creatorId !== principal?.userId) throw AppError.forbidden('Only the creator appoints moderators.');
    await this.chat.appointModerator(stream.creatorId, userId, streamId);
    this.#moderators.forget(stream.creatorId);
    return null;
  }

  async setSlowMode(principal: Principal | null, streamId: string, seconds: number): Promise<ChatSettings> {
    await this.requireStaff(principal, streamId);
    await this.chat.record({ streamId, actorId: principal!.userId, kind: 'slow_mode', detail: { seconds } });
    return this.announceSettings(streamId);
  }

  async setBlockedWords(principal: Principal | null, streamId: string, words: string[]): Promise<ChatSettings> {
    await this.requireStaff(principal, streamId);
    await this.chat.record({
      streamId,
      actorId: principal!.userId,
      kind: 'blocked_words',
      detail: { words: [...new Set(words.map((w) => w.toLowerCase()))] },
    });
    return this.announceSettings(streamId);
  }

  async snapshot(streamId: string): Promise<{ recentChat: ChatMessageView[]; chatSettings: ChatSettings }> {
    const [recent, chatSettings] = await Promise.all([this.chat.recent(streamId), this.chat.settings(streamId)]);
    return { recentChat: recent.map(toView), chatSettings };
  }

  private async announceSettings(streamId: string): Promise<ChatSettings> {
    const settings = await this.chat.settings(streamId);
    this.events.emit('chat.settings', { streamId, ...settings });
    return settings;
  }

  private async stream(streamId: string) {
    const stream = await this.#streams.get(streamId);
    if (!stream) throw AppError.notFound('Stream');
    return stream;
  }

  /** The user's standing in a stream's room (guests: none). */
  async roleIn(streamId: string, userId: string | null): Promise<{ isCreator: boolean; canModerate: boolean }> {
    if (!userId) return { isCreator: false, canModerate: false };
    const stream = await this.stream(streamId);
    const isCreator = stream.creatorId === userId;
    return { isCreator, canModerate: isCreator || (await this.#moderators.get(stream.creatorId)).has(userId) };
  }

  private async isStaff(creatorId: string, userId: string): Promise<boolean> {
    return creatorId === userId || (await this.chat.isModerator(creatorId, userId));
  }

  private async requireStaff(principal: Principal | null, streamId: string) {
    if (!principal) throw AppError.unauthenticated();
    const stream = await this.stream(streamId);
    if (!(await this.isStaff(stream.creatorId, principal.userId)))
      throw AppError.forbidden('Only the creator and their moderators can do that.', 'not_moderator');
    return stream;
  }

  /** Staff act on viewers, never on the creator (or on themselves). */
  private async requireStaffOver(principal: Principal | null, streamId: string, target: string) {
    const stream = await this.requireStaff(principal, streamId);
    if (target === stream.creatorId || target === principal!.userId)
      throw AppError.forbidden('You cannot moderate the creator or yourself.', 'invalid_target');
  }
}

function toView(r: Row): ChatMessageView {
  return { id: r.id, streamId: r.streamId, user: r.user, text: r.text, createdAt: r.createdAt.toISOString() };
}

function refusal(v: ChatPostVerdict & { ok: false }): AppError {
  switch (v.reason) {
    case 'not_found':
      return AppError.notFound('Stream');
    case 'stream_ended':
      return AppError.conflict('stream_ended', 'This stream has ended; chat is closed.');
    case 'banned':
      return AppError.forbidden('You are banned from this chat.', 'banned');
    case 'timed_out':
      return AppError.forbidden('You are timed out; try again later.', 'timed_out');
    case 'blocked_word':
      return AppError.badRequest('blocked_word', 'Your message contains a word the creator has blocked.', 'text');
    case 'slow_mode':
      return AppError.rateLimited(`Slow mode is on: wait ${v.waitSeconds} s.`);
  }
}
