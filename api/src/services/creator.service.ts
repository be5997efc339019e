import type { CreatorProfile, FollowState } from '@hawker/shared';
import { trustScore } from '../domain/trust.js';
import { AppError } from '../errors.js';
import type { CreatorRepository } from '../repositories/creator.repository.js';
import type { ShopRepository } from '../repositories/shop.repository.js';
import type { StreamRepository, StreamRow } from '../repositories/stream.repository.js';
import type { Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import { toStreamSummary } from './stream-views.js';

/**
 * Anyone can become a creator: accept the terms, pick a handle. Creators have
 * a public profile (live now, upcoming and past shows, followers, shop, trust)
 * and followers, who hear when they go live unless they muted them.
 */
export class CreatorService {
  constructor(
    private readonly creators: CreatorRepository,
    private readonly streams: StreamRepository,
    private readonly shops: ShopRepository,
    private readonly events: DomainEvents,
    private readonly viewers: { count(streamId: string): Promise<number> },
  ) {}

  async become(
    principal: Principal | null,
    input: { handle: string; displayName: string; bio: string; showGmvToBrands: boolean },
  ): Promise<CreatorProfile> {
    if (!principal) throw AppError.unauthenticated();
    const { handle, displayName, bio, showGmvToBrands } = input;
    const row = await this.creators.become(principal.userId, { handle, displayName, bio, showGmvToBrands });
    if (!row) throw AppError.conflict('handle_taken', `The handle @${input.handle} is taken; pick another.`, 'handle');
    return this.profile(row.handle!, principal);
  }

  async update(
    principal: Principal | null,
    changes: { displayName?: string; bio?: string; showGmvToBrands?: boolean },
  ): Promise<CreatorProfile> {
    if (!principal) throw AppError.unauthenticated();
    const me = await this.creators.byId(principal.userId);
    if (!me?.handle) throw AppError.forbidden('Become a creator first.', 'creator_role_required');
    await this.creators.update(principal.userId, changes);
    return this.profile(me.handle, principal);
  }

  async profile(handle: string, principal: Principal | null): Promise<CreatorProfile> {
    const c = await this.creators.byHandle(handle);
    if (!c?.handle) throw AppError.notFound('Creator');
    const now = new Date();
    const [live, upcoming, past, shop, relation] = await Promise.all([
      this.streams.liveOf(c.id),
      this.streams.upcoming(now, c.id, 20),
      this.streams.pastOf(c.id, 24),
      this.creators.firstShopOf(c.id),
      principal ? this.creators.relation(principal.userId, c.id) : Promise.resolve({ following: false, muted: false }),
    ]);
    const trust = shop ? trustScore(await this.shops.trustInputs(shop.id)) : null;
    const summary = async (s: StreamRow) => toStreamSummary(s, s.status === 'live' ? await this.viewers.count(s.id) : 0);
    return {
      id: c.id,
      handle: c.handle,
      displayName: c.displayName,
      bio: c.bio,
      avatarUrl: c.avatarUrl,
      followerCount: c.followerCount,
      ...relation,
      live: live ? await summary(live) : null,
      upcoming: await Promise.all(upcoming.map(summary)),
      past: await Promise.all(
        past.map(async (s) => ({ ...(await summary(s)), replayUrl: s.recordingPath, endedAt: s.endedAt?.toISOString() ?? null })),
      ),
      shop,
      trust: trust ? { score: trust.score } : null,
    };
  }

  async follow(principal: Principal | null, creatorId: string, on: boolean): Promise<FollowState> {
    if (!principal) throw AppError.unauthenticated();
    if (!(await this.creators.byId(creatorId))) throw AppError.notFound('Creator');
    if (creatorId === principal.userId) throw AppError.badRequest('own_profile', 'You cannot follow yourself.');
    const followerCount = await this.creators.setFollowing(principal.userId, creatorId, on);
    const relation = await this.creators.relation(principal.userId, creatorId);
    // The person's sockets start (or stop) hearing this creator's go-lives, on every node.
    this.events.emit('user.follows', { userId: principal.userId, creatorId, listening: relation.following && !relation.muted });
    return { ...relation, followerCount };
  }

  async mute(principal: Principal | null, creatorId: string, on: boolean): Promise<FollowState> {
    if (!principal) throw AppError.unauthenticated();
    const creator = await this.creators.byId(creatorId);
    if (!creator) throw AppError.notFound('Creator');
    await this.creators.setMuted(principal.userId, creatorId, on);
    const relation = await this.creators.relation(principal.userId, creatorId);
    this.events.emit('user.follows', { userId: principal.userId, creatorId, listening: relation.following && !relation.muted });
    return { ...relation, followerCount: creator.followerCount };
  }

  /** Creators whose go-lives this person's sockets hear (followed, not muted). */
  listeningTo(userId: string): Promise<string[]> {
    return this.creators.followedUnmuted(userId);
  }
}
