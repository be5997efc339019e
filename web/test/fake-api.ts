import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import {
  hlsPlaylistPath,
  MEDIA_SOCKET_PATH,
  type ListingSummary,
  type MediaClientToServerEvents,
  type MediaErrorCode,
  type MediaRole,
  type MediaServerToClientEvents,
  type PublicUser,
  type Role,
  type StreamDetail,
  type StreamSummary,
} from '@hawker/shared';
import { Server } from 'socket.io';

/** What a media token the fake api minted stands for (the real api signs these claims). */
export interface FakeMediaClaims {
  sub: string;
  streamId: string;
  role: MediaRole;
}

// SocketData: the claims of the token the socket connected with.
export type MediaIo = Server<MediaClientToServerEvents, MediaServerToClientEvents, Record<string, never>, FakeMediaClaims>;

/**
 * Stands in for the api in browser tests of the web: serves a built web/dist
 * with the same SPA fallback as production and answers the endpoints the web
 * calls, with real httpOnly cookies. It also stands where the api's /media/*
 * proxy would: HLS files from `hlsDir` at hlsPlaylistPath(), and a Socket.IO
 * server at MEDIA_SOCKET_PATH that refuses every handshake with
 * `mediaRefusal` unless a test attaches a stand-in SFU to `mediaIo`.
 */
export interface FakeApi {
  url: string;
  /** What GET /api/streams?status=live answers next: a list, or a server error. */
  liveStreams: StreamSummary[] | 'error';
  listings: ListingSummary[];
  /** Streams by id, for GET /api/streams/:id (a live stream in `liveStreams` is found too). */
  streams: Map<string, StreamDetail>;
  /** Served at /media/hls/<any stream id>/<file>: every stream plays the same fixture. */
  hlsDir: string | null;
  /** The handshake refusal of the media socket; null lets connections through to `mediaIo` handlers. */
  mediaRefusal: MediaErrorCode | null;
  mediaIo: MediaIo;
  /** Every media-token request, in order: what the player asked for and when. */
  mediaTokenRequests: string[];
  verifyMediaToken(token: string): FakeMediaClaims | undefined;
  /** What the real api does when the media-server reports video flowing. */
  markLive(streamId: string): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
};

function detailOf(summary: StreamSummary): StreamDetail {
  return { ...summary, description: '', replayUrl: null, endedAt: null, durationMs: null, featured: [], reminded: false };
}

export async function startFakeApi(distDir: string): Promise<FakeApi> {
  const accounts = new Map<string, { password: string; user: PublicUser }>();
  const sessions = new Map<string, PublicUser>();
  const state = {
    liveStreams: [] as StreamSummary[] | 'error',
    listings: [] as ListingSummary[],
    hlsDir: null as string | null,
    mediaRefusal: 'webrtc_capacity' as MediaErrorCode | null,
  };
  const streams = new Map<string, StreamDetail>();
  const mediaTokens = new Map<string, FakeMediaClaims>();
  const mediaTokenRequests: string[] = [];

  const addAccount = (email: string, password: string, displayName: string, roles: Role[] = ['buyer']): PublicUser => {
    const user: PublicUser = { id: randomUUID(), email, displayName, roles };
    accounts.set(email, { password, user });
    return user;
  };
  addAccount('ada@example.com', 'correct horse battery', 'Ada Lovelace');
  addAccount('mina@example.com', 'correct horse battery', 'Mina', ['buyer', 'seller', 'creator']);

  const findStream = (id: string): StreamDetail | undefined => {
    const live = Array.isArray(state.liveStreams) ? state.liveStreams.find((s) => s.id === id) : undefined;
    return streams.get(id) ?? (live ? detailOf(live) : undefined);
  };

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
      const streamRoute = /^\/api\/streams\/([^/]+)(\/media-token|\/end)?$/.exec(url.pathname);
      if (route === 'POST /api/streams') {
        if (!current) return fail(401, 'authentication_error', 'unauthenticated', 'Log in to continue.');
        if (!current.roles.includes('creator')) return fail(403, 'permission_error', 'forbidden', 'Only creators can go live.');
        const { title = '' } = await body();
        if (title.trim() === '') return fail(400, 'invalid_request_error', 'invalid_title', 'Give your show a title.');
        const stream: StreamDetail = {
          id: randomUUID(),
          title: title.trim(),
          status: 'scheduled',
          creator: { id: current.id, displayName: current.displayName, handle: null },
          viewerCount: 0,
          hlsUrl: null,
          startedAt: null,
          scheduledAt: null,
          cancelledAt: null,
          description: '',
          replayUrl: null,
          endedAt: null,
          durationMs: null,
          featured: [],
          reminded: false,
        };
        streams.set(stream.id, stream);
        return send(201, stream);
      }
      if (streamRoute) {
        const [, id = '', action] = streamRoute;
        const stream = findStream(id);
        if (!stream) return fail(404, 'not_found_error', 'not_found', 'No such stream.');
        if (req.method === 'GET' && !action) return send(200, stream);
        if (req.method === 'POST' && action === '/media-token') {
          mediaTokenRequests.push(id);
          const role: MediaRole = current?.id === stream.creator.id ? 'publish' : 'consume';
          const token = randomUUID();
          mediaTokens.set(token, { sub: current?.id ?? `guest:${token}`, streamId: id, role });
          return send(200, { token, role, expiresAt: new Date(Date.now() + 300_000).toISOString() });
        }
        if (req.method === 'POST' && action === '/end') {
          if (current?.id !== stream.creator.id) return fail(403, 'permission_error', 'forbidden', 'Not your stream.');
          const ended: StreamDetail = {
            ...stream,
            status: 'ended',
            endedAt: new Date().toISOString(),
            durationMs: stream.startedAt ? Date.now() - Date.parse(stream.startedAt) : 0,
            replayUrl: hlsPlaylistPath(id),
          };
          streams.set(id, ended);
          return send(200, ended);
        }
      }
      if (route === 'GET /api/listings') {
        const limit = Number(url.searchParams.get('limit') ?? 24);
        const q = url.searchParams.get('q')?.toLowerCase();
        const found = q ? state.listings.filter((l) => l.title.toLowerCase().includes(q)) : state.listings;
        return send(200, { data: found.slice(0, limit), nextCursor: null });
      }
      // A listing's page: its detail made from the summary, and no reviews yet.
      const listingRoute = /^\/api\/listings\/([^/]+)(\/reviews)?$/.exec(url.pathname);
      if (req.method === 'GET' && listingRoute) {
        const listing = state.listings.find((l) => l.id === listingRoute[1]);
        if (!listing) return fail(404, 'not_found_error', 'not_found', 'No such listing.');
        if (listingRoute[2]) return send(200, { data: [] });
        return send(200, { ...listing, description: '', status: 'active', images: [], rating: { average: null, count: 0 } });
      }
      if (url.pathname.startsWith('/api/')) return fail(404, 'not_found_error', 'not_found', 'No such endpoint.');

      // /media/hls/<stream id>/<file>: the fixture, whatever the stream.
      const hls = /^\/media\/hls\/[^/]+\/([\w.-]+)$/.exec(url.pathname);
      if (url.pathname.startsWith('/media/')) {
        const file = hls && state.hlsDir ? join(state.hlsDir, hls[1] ?? '') : null;
        if (!file || !existsSync(file)) return fail(404, 'not_found_error', 'not_found', 'No such media.');
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
        return res.end(readFileSync(file));
      }

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

  // The media socket, as the api's /media/* proxy would pass it to the media-server.
  const mediaIo: MediaIo = new Server(server, { path: MEDIA_SOCKET_PATH, transports: ['websocket'], serveClient: false });
  mediaIo.use((socket, next) => {
    if (state.mediaRefusal) return next(new Error(state.mediaRefusal));
    const token: unknown = socket.handshake.auth.token;
    const claims = typeof token === 'string' ? mediaTokens.get(token) : undefined;
    if (!claims) return next(new Error('invalid_token'));
    socket.data = claims;
    next();
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
    streams,
    get hlsDir() {
      return state.hlsDir;
    },
    set hlsDir(value) {
      state.hlsDir = value;
    },
    get mediaRefusal() {
      return state.mediaRefusal;
    },
    set mediaRefusal(value) {
      state.mediaRefusal = value;
    },
    mediaIo,
    mediaTokenRequests,
    verifyMediaToken: (token) => mediaTokens.get(token),
    markLive(streamId) {
      const stream = streams.get(streamId);
      if (!stream || stream.status !== 'scheduled') return;
      streams.set(streamId, { ...stream, status: 'live', startedAt: new Date().toISOString(), hlsUrl: hlsPlaylistPath(streamId) });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        // Closes every media socket, then the http server under it.
        void mediaIo.close(() => resolve());
      }),
  };
}
