import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import type { RunningApi } from '../src/server.js';

let api: RunningApi;
beforeAll(async () => {
  api = await startTestApi({ env: { LOGIN_RATE_LIMIT: '3', LOGIN_RATE_WINDOW_SECONDS: '60' } });
});
afterAll(async () => {
  await api.close();
});

describe('auth', () => {
  it('logs the demo creator in with an httpOnly session cookie, and /me knows them', async () => {
    const client = new HttpClient(api.url);
    const login = await client.post('/api/auth/login', { email: 'creator@hawker.test', password: 'hawker-demo' });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: 'creator@hawker.test', roles: expect.arrayContaining(['creator', 'seller']) });
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/hawker_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.displayName).toBe('Mia Live');
    expect(me.body.shops).toHaveLength(1);
    expect(me.body.shops[0]).toMatchObject({ slug: 'mia-live-closet', followerCount: 0 });
    expect(me.body.user).not.toHaveProperty('passwordHash');
  });

  it('answers a wrong password with 401 and a Stripe-style error', async () => {
    const res = await new HttpClient(api.url).post('/api/auth/login', { email: 'buyer@hawker.test', password: 'nope-nope' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { type: 'authentication_error', code: 'invalid_credentials', message: expect.any(String) } });
  });

  it('answers malformed JSON with 400 invalid_json, not a crash', async () => {
    const res = await new HttpClient(api.url).post('/api/auth/login', '{"email": "x@y.z", "password": ');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
  });

  it('names the bad field when the body fails validation', async () => {
    const client = new HttpClient(api.url);
    const res = await client.post('/api/auth/register', { email: 'not-an-email', password: 'longenough', displayName: 'X' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_body', param: 'email' });
    const extra = await client.post('/api/auth/login', { email: 'a@b.co', password: 'x', admin: true });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('unknown_parameter');
  });

  it('registers a new account once; the email is then taken (409)', async () => {
    const client = new HttpClient(api.url);
    const email = `new-${Date.now()}@example.com`;
    const first = await client.post('/api/auth/register', { email, password: 'correct-horse', displayName: 'Newbie' });
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({ email, roles: ['buyer'] });
    expect((await client.get('/api/me')).status).toBe(200);
    const again = await new HttpClient(api.url).post('/api/auth/register', {
      email: email.toUpperCase(),
      password: 'correct-horse',
      displayName: 'Dup',
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ type: 'conflict_error', code: 'email_taken', param: 'email' });
  });

  it('logout ends the session server-side, not only the cookie', async () => {
    const client = new HttpClient(api.url);
    await client.login('seller@hawker.test');
    const stolenCookie = client.cookieHeader;
    expect((await client.post('/api/auth/logout')).status).toBe(200);
    expect((await client.get('/api/me')).status).toBe(401);
    const replay = await fetch(`${api.url}/api/me`, { headers: { cookie: stolenCookie } });
    expect(replay.status).toBe(401);
  });

  it('rate-limits repeated login attempts for the same account (429)', async () => {
    const client = new HttpClient(api.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await client.post('/api/auth/login', { email: 'admin@hawker.test', password: 'wrong-guess' })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await client.post('/api/auth/login', { email: 'admin@hawker.test', password: 'hawker-demo' });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
  });

  it('with Redis, api nodes share login counters, and only within their key prefix', async () => {
    const env = { LOGIN_RATE_LIMIT: '2', LOGIN_RATE_WINDOW_SECONDS: '60' };
    const nodeA = await startTestApi({ redis: true, env });
    const nodeB = await startTestApi({ redis: true, env });
    const otherDeployment = await startTestApi({ redis: true, env: { ...env, REDIS_KEY_PREFIX: `${inject('redisKeyPrefix')}other:` } });
    try {
      const email = `nobody-${Date.now()}@hawker.test`; // an account no other test logs in as
      const attempt = (node: RunningApi) => new HttpClient(node.url).post('/api/auth/login', { email, password: 'wrong-guess' });
      expect((await attempt(nodeA)).status).toBe(401);
      expect((await attempt(nodeB)).status).toBe(401);
      expect((await attempt(nodeA)).status).toBe(429);
      expect((await attempt(nodeB)).status).toBe(429);
      expect((await attempt(otherDeployment)).status).toBe(401);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close(), otherDeployment.close()]);
    }
  });

  it('rejects /me without a session (401)', async () => {
    const res = await new HttpClient(api.url).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});
