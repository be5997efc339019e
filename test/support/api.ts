import { inject } from 'vitest';
import { loadApiConfig } from '../../api/src/config.js';
import { startApiServer, type RunningApi } from '../../api/src/server.js';

/** Shared by test api nodes and test media-servers (signs media tokens, guards internal routes). */
export const TEST_MEDIA_SECRET = 'test-media-secret-0123456789abcdef0123456789';

export type TestApiOptions = { redis?: boolean; mediaUrl?: string; env?: Record<string, string> };

/** Starts a real api node (HTTP + Socket.IO) on a free port against the run's test database. */
export async function startTestApi(opts: TestApiOptions = {}): Promise<RunningApi> {
  const config = loadApiConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: inject('databaseUrl'),
    LOG_LEVEL: 'silent',
    MEDIA_TOKEN_SECRET: TEST_MEDIA_SECRET,
    // Every test client connects from 127.0.0.1, where a real deployment sees many addresses: the
    // per-IP limits are lifted here, and the tests of those limits set them low again.
    SOCKETS_PER_IP: '100000',
    GUEST_VIEWERS_PER_IP: '100000',
    REGISTER_RATE_LIMIT: '100000',
    MEDIA_TOKEN_RATE_LIMIT: '100000',
    ACCOUNT_MAIL_IP_LIMIT: '100000',
    ...(opts.redis ? { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: inject('redisKeyPrefix') } : {}),
    ...(opts.mediaUrl ? { MEDIA_URL: opts.mediaUrl } : {}),
    ...opts.env,
  });
  return startApiServer(config);
}

/** A cookie-keeping JSON client, like a browser tab. */
export class HttpClient {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const pair = c.split(';')[0] ?? '';
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // Tests assert on the shape; `any` keeps them readable.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, headers: res.headers, body: json as any, text };
  }

  useCookie(cookie: string): void {
    this.cookie = cookie;
  }

  get cookieHeader(): string {
    return this.cookie;
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', path, body, headers);

  async login(email: string, password = 'hawker-demo') {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${res.text}`);
    return res.body as { user: { id: string; email: string } };
  }
}
