import { createHash } from 'node:crypto';
import { createClient } from 'redis';

function newClient(url: string) {
  return createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(retries * 100, 2000) } });
}

export type RedisClient = ReturnType<typeof newClient>;

/** Connects a node-redis client; callers own it and must quit() it. */
export async function connectRedis(url: string): Promise<RedisClient> {
  const client = newClient(url);
  // Errors surface through the health check and failed commands; the listener
  // keeps node-redis from throwing an unhandled 'error' event on reconnects.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export class RedisHealth {
  constructor(private readonly client: RedisClient | undefined) {}

  async status(): Promise<'ok' | 'down' | 'disabled'> {
    if (!this.client) return 'disabled';
    try {
      return (await this.client.ping()) === 'PONG' ? 'ok' : 'down';
    } catch {
      return 'down';
    }
  }
}

type ScriptOptions = { keys: string[]; arguments: string[] };

/**
 * A Lua script called by its SHA1 (EVALSHA: the body is not resent on every
 * call — it matters when a flash deal sends thousands a second), loaded on the
 * first NOSCRIPT (a fresh or restarted Redis).
 */
export function luaScript(source: string): (redis: RedisClient, options: ScriptOptions) => Promise<unknown> {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis, options) => {
    try {
      return await redis.evalSha(sha, options);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(source, options);
    }
  };
}
