import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { ListingSummary, PublicUser, StreamSummary } from '@hawker/shared';

/**
 * Stands in for the api in browser tests of the web shell: serves a built
 * web/dist with the same SPA fallback as production and answers the handful of
 * endpoints the shell calls, with real httpOnly cookies.
 */
export interface FakeApi {
  url: string;
  /** What GET /api/streams?status=live answers next: a list, or a server error. */
  liveStreams: StreamSummary[] | 'error';
  listings: ListingSummary[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export async function startFakeApi(distDir: string): Promise<FakeApi> {
  const accounts = new Map<string, { password: string; user: PublicUser }>();
  const sessions = new Map<string, PublicUser>();
  const state = { liveStreams: [] as StreamSummary[] | 'error', listings: [] as ListingSummary[] };

  const addAccount = (email: string, password: string, displayName: string): PublicUser => {
    const user: PublicUser = { id: randomUUID(), email, displayName, roles: ['buyer'] };
    accounts.set(email, { password, user });
    return user;
  };
  addAccount('ada@example.com', 'correct horse battery', 'Ada Lovelace');

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, body === undefined ? headers : { 'Content-Type': 'application/json', ...headers });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      const fail = (status: number, type: string, code: string, message: string) => send(status, { error: { type, code, message } });
      const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const current = sid ? sessions.get(sid) : undefined;
      const startSession = (user: PublicUser) => {
        const token = randomUUID();
        sessions.set(token, user);
        return { 'Set-Cookie': `sid=${token}; HttpOnly; Path=/; SameSite=Lax` };
      };
      const body = async (): Promise<Record<string, string>> => {
        let text = '';
        for await (const chunk of req) text += String(chunk);
        return JSON.parse(text || '{}') as Record<string, string>;
      };
      const route = `${req.method} ${url.pathname}`;

      if (route === 'GET /api/me') {
        if (!current) return fail(401, 'authentication_error', 'unauthenticated', 'Log in to continue.');
        return send(200, { user: current, shops: [] });
      }
      if (route === 'POST /api/auth/login') {
        const { email = '', password = '' } = await body();
        const account = accounts.get(email.toLowerCase());
        if (!account || account.password !== password) {
          return fail(401, 'authentication_error', 'invalid_credentials', 'That email and password do not match.');
        }
        return send(200, { user: account.user }, startSession(account.user));
      }
      if (route === 'POST /api/auth/register') {
        const { email = '', password = '', displayName = '' } = await body();
        if (accounts.has(email.toLowerCase())) {
          return fail(409, 'conflict_error', 'email_taken', 'An account with that email already exists.');
        }
        const user = addAccount(email.toLowerCase(), password, displayName);
        return send(201, { user }, startSession(user));
      }
      if (route === 'POST /api/auth/logout') {
        if (sid) sessions.delete(sid);
        return send(204, undefined, { 'Set-Cookie': 'sid=; HttpOnly; Path=/; Max-Age=0' });
      }
      if (route === 'GET /api/streams') {
        if (state.liveStreams === 'error') return fail(500, 'api_error', 'internal', 'Internal error.');
        return send(200, { data: state.liveStreams });
      }
      if (route === 'GET /api/listings') {
        const limit = Number(url.searchParams.get('limit') ?? 24);
        return send(200, { data: state.listings.slice(0, limit), nextCursor: null });
      }
      if (url.pathname.startsWith('/api/')) return fail(404, 'not_found_error', 'not_found', 'No such endpoint.');

      // Static files, else index.html: the production SPA fallback.
      const file = normalize(join(distDir, url.pathname));
      const isFile = file.startsWith(distDir) && existsSync(file) && statSync(file).isFile();
      const path = isFile ? file : join(distDir, 'index.html');
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(readFileSync(path));
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get liveStreams() {
      return state.liveStreams;
    },
    set liveStreams(value) {
      state.liveStreams = value;
    },
    get listings() {
      return state.listings;
    },
    set listings(value) {
      state.listings = value;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
