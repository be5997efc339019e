import { describe, expect, it } from 'vitest';
import { ConfigError, loadApiConfig } from '../src/config.js';

describe('api config', () => {
  it('uses embedded defaults: PGlite and no Redis', () => {
    const c = loadApiConfig({});
    expect(c.port).toBe(8080);
    expect(c.database.kind).toBe('pglite');
    expect(c.redisUrl).toBeUndefined();
  });

  it('uses PostgreSQL and Redis when their URLs are set', () => {
    const c = loadApiConfig({ DATABASE_URL: 'postgresql://u@h:5432/db', REDIS_URL: 'redis://h:6379' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgresql://u@h:5432/db' });
    expect(c.redisUrl).toBe('redis://h:6379');
    expect(c.redisKeyPrefix).toBe('hawker:');
    expect(loadApiConfig({ REDIS_KEY_PREFIX: 'shop-eu:' }).redisKeyPrefix).toBe('shop-eu:');
  });

  it('fails fast naming the bad variable', () => {
    expect(() => loadApiConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadApiConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
    expect(() => loadApiConfig({ COOKIE_SECURE: 'maybe' })).toThrow(/COOKIE_SECURE/);
    expect(() => loadApiConfig({ REDIS_KEY_PREFIX: 'has space' })).toThrow(/REDIS_KEY_PREFIX/);
  });
});
