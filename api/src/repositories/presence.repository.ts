import { luaScript, type RedisClient } from './redis.js';

/** Who a viewer is for counting: a logged-in user counts once however many tabs; guests count per connection, up to a cap per IP. */
export type ViewerIdentity = { userId: string } | { guestIp: string };

/**
 * Viewer counts per stream: distinct people, not sockets (one account with
 * 150 sockets used to count as 150 viewers, and peak viewers and conversion
 * with it). A stream's members are users (`u:<id>`) and guest IPs (`g:<ip>`),
 * each with its number of open connections; the count is the users plus, per
 * guest IP, its connections up to the cap (a family behind one router are
 * several viewers; one script opening hundreds of tabs is not).
 */
export interface PresenceRepository {
  /** A connection of this viewer joins (+1) or leaves (-1) the room; returns the room's count. */
  add(streamId: string, viewer: ViewerIdentity, delta: 1 | -1): Promise<number>;
  count(streamId: string): Promise<number>;
  /** Drops this node's connections from every stream (on shutdown). */
  clearNode(): Promise<void>;
}

export function createPresenceRepository(
  redis: RedisClient | undefined,
  nodeId: string,
  keyPrefix: string,
  guestsPerIp: number,
): PresenceRepository {
  return redis ? new RedisPresence(redis, nodeId, keyPrefix, guestsPerIp) : new MemoryPresence(guestsPerIp);
}

function memberOf(viewer: ViewerIdentity): string {
  return 'userId' in viewer ? `u:${viewer.userId}` : `g:${viewer.guestIp}`;
}

/** How much a member with n connections adds to the count. */
function weight(member: string, connections: number, guestsPerIp: number): number {
  return member.startsWith('u:') ? Math.min(connections, 1) : Math.min(connections, guestsPerIp);
}

// KEYS: the stream's hash (members → connections across nodes, and '#total'), this node's hash
// (members → its own connections, for shutdown). ARGV: member, delta, guest cap.
const ADD = luaScript(`
local member, delta, cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local function weight(n)
  if string.sub(member, 1, 2) == 'u:' then return math.min(n, 1) end
  return math.min(n, cap)
end
local old = tonumber(redis.call('HGET', KEYS[1], member) or '0')
local new = math.max(0, old + delta)
if new == 0 then redis.call('HDEL', KEYS[1], member) else redis.call('HSET', KEYS[1], member, new) end
local total = math.max(0, tonumber(redis.call('HGET', KEYS[1], '#total') or '0') + weight(new) - weight(old))
redis.call('HSET', KEYS[1], '#total', total)
if redis.call('HINCRBY', KEYS[2], member, delta) <= 0 then redis.call('HDEL', KEYS[2], member) end
return total`);

class RedisPresence implements PresenceRepository {
  private readonly touched = new Set<string>();
  constructor(
    private readonly redis: RedisClient,
    private readonly nodeId: string,
    private readonly keyPrefix: string,
    private readonly guestsPerIp: number,
  ) {}

  private keys(streamId: string): string[] {
    const room = `${this.keyPrefix}viewers:${streamId}`;
    return [room, `${room}:node:${this.nodeId}`];
  }

  add(streamId: string, viewer: ViewerIdentity, delta: 1 | -1): Promise<number> {
    this.touched.add(streamId);
    return this.#add(streamId, memberOf(viewer), delta);
  }

  async #add(streamId: string, member: string, delta: number): Promise<number> {
    const total = await ADD(this.redis, { keys: this.keys(streamId), arguments: [member, String(delta), String(this.guestsPerIp)] });
    return Number(total);
  }

  async count(streamId: string): Promise<number> {
    return Number((await this.redis.hGet(this.keys(streamId)[0]!, '#total')) ?? 0);
  }

  async clearNode(): Promise<void> {
    for (const streamId of this.touched) {
      const mine = await this.redis.hGetAll(this.keys(streamId)[1]!);
      for (const [member, connections] of Object.entries(mine)) await this.#add(streamId, member, -Number(connections));
    }
    this.touched.clear();
  }
}

class MemoryPresence implements PresenceRepository {
  private readonly rooms = new Map<string, { members: Map<string, number>; total: number }>();

  constructor(private readonly guestsPerIp: number) {}

  add(streamId: string, viewer: ViewerIdentity, delta: 1 | -1): Promise<number> {
    const room = this.rooms.get(streamId) ?? { members: new Map<string, number>(), total: 0 };
    this.rooms.set(streamId, room);
    const member = memberOf(viewer);
    const old = room.members.get(member) ?? 0;
    const now = Math.max(0, old + delta);
    if (now === 0) room.members.delete(member);
    else room.members.set(member, now);
    room.total = Math.max(0, room.total + weight(member, now, this.guestsPerIp) - weight(member, old, this.guestsPerIp));
    return Promise.resolve(room.total);
  }

  count(streamId: string): Promise<number> {
    return Promise.resolve(this.rooms.get(streamId)?.total ?? 0);
  }

  clearNode(): Promise<void> {
    this.rooms.clear();
    return Promise.resolve();
  }
}
