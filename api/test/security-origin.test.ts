import type { ClientToServerEvents, ServerToClientEvents } from '@hawker/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import type { RunningApi } from '../src/server.js';

/**
 * Cross-site request forgery (security finding 3): a page on another port or
 * subdomain of the same site gets the SameSite=Lax cookie sent along, so the
 * api itself must refuse state-changing requests and socket handshakes that
 * do not come from its own origin. (test/e2e/cross-origin.test.ts does the
 * same attack from a real second origin in Chromium.)
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let api: RunningApi;
let creator: HttpClient;
let ownOrigin: string;
beforeAll(async () => {
  api = await startTestApi();
  ownOrigin = api.url;
  creator = new HttpClient(api.url);
  await creator.login('creator@hawker.test');
});
afterAll(async () => {
  await api.close();
});

const newStream = async () => (await creator.post('/api/streams', { title: 'Origin probe' })).body.id as string;

/** 'connected', or the refusal's message. */
function handshake(url: string, headers: Record<string, string>): Promise<string> {
  const s: ClientSocket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: headers });
  return new Promise((resolve) => {
    s.once('connect', () => {
      s.disconnect();
      resolve('connected');
    });
    s.once('connect_error', (err) => {
      s.disconnect();
      resolve(err.message);
    });
  });
}

describe('state-changing requests from another origin', () => {
  it('refuses a POST whose Origin is another port of the same host (403), and nothing happens', async () => {
    const streamId = await newStream();
    const sibling = new URL(api.url);
    sibling.port = String(Number(sibling.port) + 1);
    const forged = await creator.post(`/api/streams/${streamId}/end`, undefined, { origin: sibling.origin });
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatchObject({ type: 'permission_error', code: 'cross_origin_request' });
    expect((await creator.get(`/api/streams/${streamId}`)).body.status).toBe('scheduled');
    // The same request from our own pages goes through.
    const own = await creator.post(`/api/streams/${streamId}/end`, undefined, { origin: ownOrigin });
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('ended');
  });

  it('refuses other sites, sandboxed "null" origins, and requests the browser marks cross-site', async () => {
    const forged: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of forged) {
      const res = await creator.post('/api/streams', { title: 'Forged' }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect((await creator.post('/api/streams', { title: 'Mine' }, { 'sec-fetch-site': 'same-origin' })).status).toBe(201);
  });

  it('lets reads through from anywhere, and clients without browser headers (curl, servers) as before', async () => {
    expect((await creator.request('GET', '/api/me', undefined, { origin: 'https://evil.example' })).status).toBe(200);
    expect((await creator.post('/api/streams', { title: 'From a script' })).status).toBe(201);
  });
});

describe('socket handshakes from another origin', () => {
  it('refuses a handshake from another origin, with or without a session cookie', async () => {
    expect(await handshake(api.url, { origin: 'https://evil.example', cookie: creator.cookieHeader })).not.toBe('connected');
    const sibling = new URL(api.url);
    sibling.port = String(Number(sibling.port) + 1);
    expect(await handshake(api.url, { origin: sibling.origin, cookie: creator.cookieHeader })).not.toBe('connected');
    expect(await handshake(api.url, { origin: ownOrigin, cookie: creator.cookieHeader })).toBe('connected');
  });
});

describe('configured public origins', () => {
  it('accepts exactly PUBLIC_ORIGINS, and an https origin makes the session cookie Secure', async () => {
    const behindTls = await startTestApi({ env: { PUBLIC_ORIGINS: 'https://hawker.example,https://www.hawker.example' } });
    try {
      const client = new HttpClient(behindTls.url);
      const login = await client.post(
        '/api/auth/login',
        { email: 'buyer@hawker.test', password: 'hawker-demo' },
        { origin: 'https://hawker.example' },
      );
      expect(login.status).toBe(200);
      expect(login.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
      // The address the api happens to listen on is not a public origin.
      expect((await client.post('/api/auth/logout', undefined, { origin: behindTls.url })).status).toBe(403);
      expect((await client.post('/api/auth/logout', undefined, { origin: 'https://www.hawker.example' })).status).toBe(200);
      expect(await handshake(behindTls.url, { origin: 'https://hawker.example' })).toBe('connected');
      expect(await handshake(behindTls.url, { origin: behindTls.url })).not.toBe('connected');
    } finally {
      await behindTls.close();
    }
  });

  it('without an https origin the cookie is not Secure (a local http demo must still log in)', async () => {
    const login = await new HttpClient(api.url).post('/api/auth/login', { email: 'buyer@hawker.test', password: 'hawker-demo' });
    expect(login.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });
});
