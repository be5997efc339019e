import type { PublicUser } from '@hawker/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Session } from '../src/lib/session.svelte.js';

const ada: PublicUser = {
  id: '0190c3b0-0000-7000-8000-000000000001',
  email: 'ada@example.com',
  displayName: 'Ada',
  roles: ['buyer'],
};
const shop = { id: '0190c3b0-0000-7000-8000-000000000002', name: 'Ada Goods', slug: 'ada-goods', followerCount: 3 };

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const unauthenticated = () => json(401, { error: { type: 'authentication_error', code: 'unauthenticated', message: 'Log in first.' } });

/** A fake api: each route answers with the next queued response, in order. */
function fakeApi(routes: Record<string, (() => Response | Promise<Response>)[]>) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const key = `${init.method ?? 'GET'} ${url}`;
    calls.push(key);
    const next = routes[key]?.shift();
    if (!next) throw new Error(`unexpected request ${key}`);
    return Promise.resolve(next());
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Session', () => {
  it('starts loading, then knows the user and their shops', async () => {
    fakeApi({ 'GET /api/me': [() => json(200, { user: ada, shops: [shop] })] });
    const session = new Session();
    expect(session.status).toBe('loading');
    await session.load();
    expect(session.status).toBe('authenticated');
    expect(session.user?.displayName).toBe('Ada');
    expect(session.shops).toEqual([shop]);
    expect(session.hasRole('buyer')).toBe(true);
    expect(session.hasRole('admin')).toBe(false);
  });

  it('treats 401 from /api/me as logged out, without an error', async () => {
    fakeApi({ 'GET /api/me': [unauthenticated] });
    const session = new Session();
    await session.load();
    expect(session.status).toBe('anonymous');
    expect(session.user).toBeNull();
    expect(session.error).toBeNull();
  });

  it('logs in, then refreshes /api/me for the shops', async () => {
    const calls = fakeApi({
      'POST /api/auth/login': [() => json(200, { user: ada })],
      'GET /api/me': [() => json(200, { user: ada, shops: [shop] })],
    });
    const session = new Session();
    await session.login('ada@example.com', 'correct horse');
    // The name is known as soon as login resolves; the shops follow.
    expect(session.status).toBe('authenticated');
    expect(session.user?.displayName).toBe('Ada');
    await vi.waitFor(() => expect(session.shops).toEqual([shop]));
    expect(calls).toEqual(['POST /api/auth/login', 'GET /api/me']);
  });

  it('rejects a failed login with the api message and stays logged out', async () => {
    fakeApi({
      'GET /api/me': [unauthenticated],
      'POST /api/auth/login': [
        () =>
          json(401, {
            error: { type: 'authentication_error', code: 'invalid_credentials', message: 'Wrong email or password.' },
          }),
      ],
    });
    const session = new Session();
    await session.load();
    await expect(session.login('ada@example.com', 'nope')).rejects.toMatchObject({
      status: 401,
      message: 'Wrong email or password.',
    });
    expect(session.status).toBe('anonymous');
  });

  it('ignores a slow /api/me from page load that answers after a login', async () => {
    let answerStale: (r: Response) => void = () => {};
    fakeApi({
      'GET /api/me': [() => new Promise<Response>((resolve) => (answerStale = resolve)), () => json(200, { user: ada, shops: [] })],
      'POST /api/auth/login': [() => json(200, { user: ada })],
    });
    const session = new Session();
    const boot = session.load();
    await session.login('ada@example.com', 'correct horse');
    answerStale(unauthenticated());
    await boot;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(session.status).toBe('authenticated');
  });

  it('stays logged in when logout fails, and says why', async () => {
    fakeApi({
      'GET /api/me': [() => json(200, { user: ada, shops: [] })],
      'POST /api/auth/logout': [() => Promise.reject(new TypeError('Failed to fetch'))],
    });
    const session = new Session();
    await session.load();
    await expect(session.logout()).rejects.toMatchObject({ code: 'network_error' });
    expect(session.status).toBe('authenticated');
    expect(session.error).toMatch(/reach Hawker/);
  });

  it('logs out', async () => {
    fakeApi({
      'GET /api/me': [() => json(200, { user: ada, shops: [shop] })],
      'POST /api/auth/logout': [() => new Response(null, { status: 204 })],
    });
    const session = new Session();
    await session.load();
    await session.logout();
    expect(session.status).toBe('anonymous');
    expect(session.shops).toEqual([]);
  });
});
