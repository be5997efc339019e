import { createHash } from 'node:crypto';
import { createClient } from 'redis';

function newClient(url: string) {
  return createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => Math.min(retries * 100, 2000) },
    // node-redis 5+ gives every command a 5 s timeout made of an AbortSignal.timeout: a timer and an
    // event target per command, each firing 5 s later even when the command took 0.1 ms. A 10,000-viewer
    // join storm is ~40,000 of them (~0.2 s of a core). A lost connection still fails commands (reconnect);
    // the health check bounds its own ping.
    commandOptions: { timeout: 0 },
  });
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

const PING_TIMEOUT_MS = 2000;

export class RedisHealth {
  constructor(private readonly client: RedisClient | undefined) {}

  async status(): Promise<'ok' | 'down' | 'disabled'> {
    if (!this.client) return 'disabled';
    let timer: NodeJS.Timeout | undefined;
    const tooSlow = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), PING_TIMEOUT_MS);
    });
    try {
      return (await Promise.race([this.client.ping(), tooSlow])) === 'PONG' ? 'ok' : 'down';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
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
