import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import {
  hlsPlaylistPath,
  notificationKinds,
  type BrandSummary,
  type ClientToServerEvents,
  type CreatorCard,
  type CreatorProfile,
  type Earnings,
  MEDIA_SOCKET_PATH,
  type ListingSummary,
  type MediaClientToServerEvents,
  type MediaErrorCode,
  type MediaRole,
  type MediaServerToClientEvents,
  type NotificationKind,
  type NotificationPayload,
  type NotificationPreferences,
  type NotificationView,
  type PublicUser,
  type Role,
  type ServerToClientEvents,
  type SponsorshipReport,
  type SponsorshipView,
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
  /**
   * What the api's notifyUser does: writes a notification for the account
   * with this email and pushes it (`notification:new`) to that person's sockets;
   * `push: false` only writes it, as if it came while they were away.
   */
  notify(email: string, kind: NotificationKind, payload: NotificationPayload, options?: { push?: boolean }): NotificationView;
  /** That account's notifications, newest first. */
  notificationsOf(email: string): NotificationView[];
  /** Sockets connected to the api's own Socket.IO path (the notification channel). */
  notificationSockets(): number;
  /** Mutes a creator for that account (listed in the notification settings). */
  mute(email: string, creator: NotificationPreferences['muted'][number]): void;
  /** A password-reset link's token for the account, as the reset mail would carry. */
  resetToken(email: string): string;
  /** An email-verification link's token for the account. */
  verifyToken(email: string): string;
  /** Every email a password reset was asked for, in order (account or not). */
  passwordResetRequests: string[];
  /** An account's user id (to make it a stream's creator, say). */
  userId(email: string): string;
  /** Every POST /api/brand/funding, in order: its Idempotency-Key header (null without one) and body. */
  fundingRequests: { key: string | null; amountMinor: number; currency: string; paymentMethod: string }[];
  /** Sponsorships by id, as the api keeps them (offers, answers, measurements). */
  sponsorships: Map<string, SponsorshipView>;
  /** A sponsorship's per-minute metrics, by sponsorship id; its report's totals are made from them. */
  reportMinutes: Map<string, SponsorshipReport['minutes']>;
  /** Every `product.open` event (POST /api/events), in order. */
  productOpens: { streamId: string; listingId: string }[];
  /** What GET /api/earnings answers a creator; a creator payout moves money from available to paid out. */
  earnings: Earnings;
  /** Every POST /api/payouts body with its Idempotency-Key, in order. */
  payoutRequests: { key: string | null; amountMinor: number; currency: string; source: string }[];
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
  return { ...summary, description: '', replayUrl: null, endedAt: null, durationMs: null, featured: [], reminded: false, sponsor: null };
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
  // The notification centre and the account mail, per user id.
  const notifications = new Map<string, NotificationView[]>();
  const preferences = new Map<string, NotificationPreferences['kinds']>();
  const muted = new Map<string, NotificationPreferences['muted']>();
  const resetTokens = new Map<string, string>();
  const verifyTokens = new Map<string, string>();
  const passwordResetRequests: string[] = [];
  // Brands and sponsorships, per user id and per sponsorship id; a top-up's answer per Idempotency-Key.
  const brands = new Map<string, BrandSummary>();
  const fundingRequests: FakeApi['fundingRequests'] = [];
  const fundingAnswers = new Map<string, { status: number; body: unknown }>();
  const sponsorships = new Map<string, SponsorshipView>();
  const reportMinutes = new Map<string, SponsorshipReport['minutes']>();
  const productOpens: FakeApi['productOpens'] = [];
  const money = { earnings: { balances: [], shows: [], daily: [], payouts: [] } as Earnings };
  const payoutRequests: FakeApi['payoutRequests'] = [];
  const notificationsFor = (userId: string) => notifications.get(userId) ?? [];
  const preferencesOf = (userId: string): NotificationPreferences => ({
    kinds: preferences.get(userId) ?? notificationKinds.map((kind) => ({ kind, inApp: true, email: true })),
    muted: muted.get(userId) ?? [],
  });
  const unreadOf = (userId: string) => notificationsFor(userId).filter((n) => n.readAt === null).length;
  const accountOf = (email: string) => {
    const account = accounts.get(email.toLowerCase());
    if (!account) throw new Error(`no account ${email}`);
    return account;
  };
  const issue = (tokens: Map<string, string>, email: string) => {
    const token = `${randomUUID()}${randomUUID()}`.replaceAll('-', '');
    tokens.set(token, accountOf(email).user.email);
    return token;
  };
  // A stand-in for the api's password policy (zxcvbn): a few of the passwords an attacker tries first.
  const guessable = (password: string, email: string) =>
    ['password', 'password1', '12345678', 'qwertyuiop', 'iloveyou'].includes(password.toLowerCase()) ||
    password.toLowerCase().includes(email.split('@')[0] ?? email);

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
          sponsor: null,
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
      // The bell, the notification settings and unmuting.
      const notificationRoute = /^\/api\/(notifications|creators\/[^/]+\/mute)/.test(url.pathname);
      if (notificationRoute && !current) return fail(401, 'authentication_error', 'unauthenticated', 'Log in to continue.');
      if (route === 'GET /api/notifications' && current) {
        const since = url.searchParams.get('since');
        const before = url.searchParams.get('before');
        const limit = Number(url.searchParams.get('limit') ?? 30);
        const data = notificationsFor(current.id)
          .filter((n) => (!since || n.createdAt > since) && (!before || n.createdAt < before))
          .slice(0, limit);
        return send(200, { data, unread: unreadOf(current.id) });
      }
      if (route === 'POST /api/notifications/read' && current) {
        const { ids, all } = (await body()) as { ids?: string[]; all?: true };
        const now = new Date().toISOString();
        const list = notificationsFor(current.id).map((n) =>
          n.readAt === null && (all || ids?.includes(n.id)) ? { ...n, readAt: now } : n,
        );
        notifications.set(current.id, list);
        return send(200, { unread: unreadOf(current.id) });
      }
      if (route === 'GET /api/notifications/preferences' && current) return send(200, preferencesOf(current.id));
      if (route === 'PUT /api/notifications/preferences' && current) {
        const { kind, inApp, email } = (await body()) as { kind?: NotificationKind; inApp?: boolean; email?: boolean };
        const kinds = preferencesOf(current.id).kinds.map((k) =>
          k.kind === kind ? { kind, inApp: inApp ?? k.inApp, email: email ?? k.email } : k,
        );
        preferences.set(current.id, kinds);
        return send(200, preferencesOf(current.id));
      }
      const unmute = /^\/api\/creators\/([^/]+)\/mute$/.exec(url.pathname);
      if (req.method === 'DELETE' && unmute && current) {
        muted.set(
          current.id,
          preferencesOf(current.id).muted.filter((m) => m.id !== unmute[1]),
        );
        return send(200, { following: true, muted: false, followerCount: 1 });
      }
      // Password reset and email verification: the same answer whether or not the account exists.
      if (route === 'POST /api/auth/password-reset') {
        const { email = '' } = await body();
        passwordResetRequests.push(email);
        return send(202, { ok: true });
      }
      if (route === 'POST /api/auth/password-reset/confirm') {
        const { token = '', password = '' } = await body();
        const email = resetTokens.get(token);
        // Single use, as in the api: a refused password uses the link up too.
        resetTokens.delete(token);
        if (!email)
          return fail(400, 'invalid_request_error', 'invalid_token', 'This reset link is invalid, used or expired; ask for a new one.');
        if (guessable(password, email)) {
          return fail(400, 'invalid_request_error', 'weak_password', 'This password is too easy to guess. Add another word or two.');
        }
        const account = accountOf(email);
        account.password = password;
        for (const [id, user] of sessions) if (user.id === account.user.id) sessions.delete(id);
        return send(200, { ok: true });
      }
      if (route === 'POST /api/auth/verify-email') {
        const { token = '' } = await body();
        if (!verifyTokens.delete(token)) {
          return fail(400, 'invalid_request_error', 'invalid_token', 'This link is invalid, used or expired; ask for a new one.');
        }
        return send(200, { ok: true });
      }
      if (route === 'POST /api/auth/verify-email/resend') {
        if (!current) return fail(401, 'authentication_error', 'unauthenticated', 'Log in to continue.');
        return send(202, { ok: true });
      }
      // Brands, creator discovery and sponsorships (api/src/http/routes/sponsorships.routes.ts).
      const handleOf = (user: PublicUser) => user.email.split('@')[0] ?? user.id;
      const creators = () => [...accounts.values()].map((a) => a.user).filter((u) => u.roles.includes('creator'));
      const sponsorshipRoute = /^\/api\/sponsorships\/([^/]+)(\/accept|\/decline|\/dispute|\/report)?$/.exec(url.pathname);
      const creatorRoute = /^\/api\/creators\/([^/]+)$/.exec(url.pathname);
      if (route === 'POST /api/events') {
        const { streamId = '', listingId = '' } = await body();
        productOpens.push({ streamId, listingId });
        return send(202, { ok: true });
      }
      if (req.method === 'GET' && creatorRoute) {
        const user = creators().find((u) => handleOf(u) === creatorRoute[1]);
        if (!user) return fail(404, 'not_found_error', 'not_found', 'No such creator.');
        const summaryOf = (d: StreamDetail) => ({
          id: d.id,
          title: d.title,
          status: d.status,
          creator: d.creator,
          viewerCount: d.viewerCount,
          hlsUrl: d.hlsUrl,
          startedAt: d.startedAt,
          scheduledAt: d.scheduledAt,
          cancelledAt: d.cancelledAt,
        });
        const upcoming = [...streams.values()].filter(
          (d) => d.creator.id === user.id && d.status === 'scheduled' && d.scheduledAt !== null && d.scheduledAt > new Date().toISOString(),
        );
        const profile: CreatorProfile = {
          id: user.id,
          handle: handleOf(user),
          displayName: user.displayName,
          bio: '',
          avatarUrl: null,
          followerCount: 0,
          following: false,
          muted: false,
          live: null,
          upcoming: upcoming.map(summaryOf),
          past: [],
          shop: null,
          trust: null,
        };
        return send(200, profile);
      }
      const brandArea = url.pathname.startsWith('/api/brand') || url.pathname.startsWith('/api/sponsorships');
      if (brandArea && !current) return fail(401, 'authentication_error', 'unauthenticated', 'Log in to continue.');
      const brand = current ? brands.get(current.id) : undefined;
      const notBrand = () => fail(403, 'permission_error', 'not_a_brand', 'Set up a brand account first.');
      if (route === 'POST /api/brand' && current) {
        const { companyName = '', website } = await body();
        if (companyName.trim().length < 2) return fail(400, 'invalid_request_error', 'invalid_body', 'companyName: too short.');
        const summary: BrandSummary = brand ?? {
          id: current.id,
          companyName: companyName.trim(),
          website: website ?? null,
          logoUrl: null,
          balances: [],
          topUps: [],
        };
        brands.set(current.id, summary);
        // The session's user is the account's own object: /api/me now answers with the role.
        if (!current.roles.includes('brand')) current.roles.push('brand');
        return send(201, summary);
      }
      if (route === 'GET /api/brand' && current) return brand ? send(200, brand) : notBrand();
      if (route === 'POST /api/brand/funding' && current) {
        if (!brand) return notBrand();
        const header = req.headers['idempotency-key'];
        const key = typeof header === 'string' ? header : null;
        const { amountMinor, currency, paymentMethod } = (await body()) as unknown as {
          amountMinor: number;
          currency: string;
          paymentMethod: string;
        };
        fundingRequests.push({ key, amountMinor, currency, paymentMethod });
        if (!key) return fail(400, 'invalid_request_error', 'idempotency_key_required', 'Send an Idempotency-Key header.');
        const replay = fundingAnswers.get(key);
        if (replay) return send(replay.status, replay.body);
        if (paymentMethod === 'pm_card_chargeDeclined') {
          const declined = {
            error: { type: 'invalid_request_error', code: 'card_declined', message: 'Your card was declined.', param: 'paymentMethod' },
          };
          fundingAnswers.set(key, { status: 402, body: declined });
          return send(402, declined);
        }
        const balance = brand.balances.find((b) => b.currency === currency);
        if (balance) balance.availableMinor += amountMinor;
        else brand.balances.push({ currency, availableMinor: amountMinor, heldMinor: 0 });
        brand.topUps.unshift({ id: randomUUID(), amountMinor, currency, createdAt: new Date().toISOString() });
        fundingAnswers.set(key, { status: 201, body: brand });
        return send(201, brand);
      }
      if (route === 'GET /api/brand/creators' && current) {
        if (!brand) return notBrand();
        const q = url.searchParams.get('q')?.toLowerCase() ?? '';
        const data: CreatorCard[] = creators()
          .filter((u) => !q || u.displayName.toLowerCase().includes(q) || handleOf(u).includes(q))
          .map((u) => ({
            id: u.id,
            handle: handleOf(u),
            displayName: u.displayName,
            avatarUrl: null,
            followerCount: 1520,
            shows: 12,
            averageViewers: 340,
            peakViewers: 1210,
            categories: ['home', 'ceramics'],
            trustScore: 92,
            gmvMinor: null,
            currency: null,
          }));
        return send(200, { data });
      }
      if (route === 'POST /api/sponsorships' && current) {
        if (!brand) return notBrand();
        const offer = (await body()) as unknown as {
          creatorId: string;
          flatFeeMinor: number;
          currency: string;
          commissionBps?: number;
          minLiveMinutes?: number;
          minPinnedMinutes?: number;
          minFlashDeals?: number;
          coverage: { streamId: string } | { nextShows: number };
          expiresAt: string;
          message?: string;
        };
        const creator = creators().find((u) => u.id === offer.creatorId);
        if (!creator) return fail(404, 'not_found_error', 'not_found', 'Creator not found.');
        const view: SponsorshipView = {
          id: randomUUID(),
          status: 'proposed',
          brand: { id: current.id, companyName: brand.companyName },
          creator: { id: creator.id, displayName: creator.displayName, handle: handleOf(creator) },
          flatFeeMinor: offer.flatFeeMinor,
          currency: offer.currency,
          commissionBps: offer.commissionBps ?? 0,
          minLiveMinutes: offer.minLiveMinutes ?? 0,
          minPinnedMinutes: offer.minPinnedMinutes ?? 0,
          minFlashDeals: offer.minFlashDeals ?? 0,
          coverage:
            'streamId' in offer.coverage
              ? { streamId: offer.coverage.streamId, shows: 1 }
              : { streamId: null, shows: offer.coverage.nextShows },
          coveredStreamIds: [],
          message: offer.message ?? '',
          expiresAt: offer.expiresAt,
          createdAt: new Date().toISOString(),
          releaseAt: null,
          delivery: null,
          releasedMinor: 0,
          returnedMinor: 0,
        };
        sponsorships.set(view.id, view);
        return send(201, view);
      }
      if (route === 'GET /api/sponsorships' && current) {
        const as = url.searchParams.get('as') ?? 'creator';
        const data = [...sponsorships.values()]
          .filter((v) => (as === 'brand' ? v.brand.id : v.creator.id) === current.id)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        return send(200, { data });
      }
      if (sponsorshipRoute && current) {
        const [, id = '', action] = sponsorshipRoute;
        const view = sponsorships.get(id);
        if (!view || (view.brand.id !== current.id && view.creator.id !== current.id)) {
          return fail(404, 'not_found_error', 'not_found', 'Sponsorship not found.');
        }
        const update = (changes: Partial<SponsorshipView>) => {
          const next = { ...view, ...changes };
          sponsorships.set(id, next);
          return send(200, next);
        };
        if (req.method === 'GET' && !action) return send(200, view);
        if (req.method === 'GET' && action === '/report') {
          const minutes = reportMinutes.get(id) ?? [];
          const orders = minutes.reduce((sum, m) => sum + m.orders, 0);
          const gmvMinor = minutes.reduce((sum, m) => sum + m.gmvMinor, 0);
          const commissionMinor = Math.floor((gmvMinor * view.commissionBps) / 10_000);
          const report: SponsorshipReport = {
            sponsorship: view,
            minutes,
            totals: {
              peakViewers: Math.max(0, ...minutes.map((m) => m.viewers)),
              watchMinutes: minutes.reduce((sum, m) => sum + m.viewers, 0),
              pinnedMinutes: view.delivery?.pinnedMinutes ?? 0,
              productClicks: productOpens.filter((o) => view.coveredStreamIds.includes(o.streamId)).length,
              orders,
              gmvMinor,
              commissionMinor,
              costPerOrderMinor: orders > 0 ? Math.round((view.releasedMinor + commissionMinor) / orders) : null,
            },
          };
          return send(200, report);
        }
        const creatorOnly = () => fail(403, 'permission_error', 'forbidden', 'Only the creator answers this offer.');
        if (req.method === 'POST' && (action === '/accept' || action === '/decline')) {
          if (view.creator.id !== current.id) return creatorOnly();
          if (view.status !== 'proposed')
            return fail(409, 'conflict_error', 'offer_not_open', 'This offer was answered already or has expired.');
          if (action === '/decline') return update({ status: 'declined' });
          const payer = brands.get(view.brand.id);
          const balance = payer?.balances.find((b) => b.currency === view.currency);
          if (!balance || balance.availableMinor < view.flatFeeMinor) {
            return fail(
              402,
              'invalid_request_error',
              'brand_insufficient_funds',
              `${view.brand.companyName} cannot pay the fee right now; they have been told. The offer stays open.`,
            );
          }
          balance.availableMinor -= view.flatFeeMinor;
          balance.heldMinor += view.flatFeeMinor;
          return update({ status: 'accepted', coveredStreamIds: view.coverage.streamId ? [view.coverage.streamId] : [] });
        }
        if (req.method === 'POST' && action === '/dispute') {
          if (view.status !== 'measured')
            return fail(409, 'conflict_error', 'not_disputable', 'Only a measured sponsorship can be disputed.');
          return update({ status: 'disputed' });
        }
        if (req.method === 'PATCH' && !action) {
          if (view.brand.id !== current.id) return fail(403, 'permission_error', 'forbidden', 'Only the brand raises its offer.');
          const { flatFeeMinor, commissionBps } = (await body()) as unknown as { flatFeeMinor?: number; commissionBps?: number };
          if ((flatFeeMinor ?? view.flatFeeMinor) < view.flatFeeMinor || (commissionBps ?? view.commissionBps) < view.commissionBps) {
            return fail(400, 'invalid_request_error', 'rates_only_rise', 'Once accepted, the fee and the commission can only be raised.');
          }
          return update({ flatFeeMinor: flatFeeMinor ?? view.flatFeeMinor, commissionBps: commissionBps ?? view.commissionBps });
        }
      }
      // A creator's earnings and payouts (api/src/http/routes/settlement.routes.ts).
      if ((route === 'GET /api/earnings' || route === 'POST /api/payouts') && !current) {
        return fail(401, 'authentication_error', 'unauthenticated', 'Log in to continue.');
      }
      if (route === 'GET /api/earnings' && current) {
        if (!current.roles.includes('creator')) return fail(403, 'permission_error', 'forbidden', 'Only creators have earnings.');
        return send(200, money.earnings);
      }
      if (route === 'POST /api/payouts' && current) {
        const header = req.headers['idempotency-key'];
        const {
          amountMinor,
          currency,
          source = 'seller',
        } = (await body()) as unknown as { amountMinor: number; currency: string; source?: string };
        payoutRequests.push({ key: typeof header === 'string' ? header : null, amountMinor, currency, source });
        const balance = money.earnings.balances.find((b) => b.currency === currency);
        if (source !== 'creator' || !balance || balance.availableMinor < amountMinor) {
          return fail(409, 'conflict_error', 'insufficient_funds', 'The available balance is lower than the payout.');
        }
        balance.availableMinor -= amountMinor;
        balance.paidOutMinor += amountMinor;
        const payout = { id: randomUUID(), amountMinor, currency, status: 'paid', createdAt: new Date().toISOString() };
        money.earnings = { ...money.earnings, payouts: [payout, ...money.earnings.payouts] };
        return send(201, { balances: [], payouts: [] });
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

  // The api's own socket (the default path). The fake carries only each
  // person's notifications, so a guest has nothing to connect for.
  const notificationIo = new Server<ClientToServerEvents, ServerToClientEvents>(server, { transports: ['websocket'], serveClient: false });
  notificationIo.use((socket, next) => {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(socket.handshake.headers.cookie ?? '')?.[1];
    const user = sid ? sessions.get(sid) : undefined;
    if (!user) return next(new Error('unauthenticated'));
    void socket.join(`user:${user.id}`);
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
    notify(email, kind, payload, options = {}) {
      const { user } = accountOf(email);
      const view: NotificationView = { id: randomUUID(), kind, payload, readAt: null, createdAt: new Date().toISOString() };
      notifications.set(user.id, [view, ...notificationsFor(user.id)]);
      if (options.push !== false) {
        notificationIo.to(`user:${user.id}`).emit('notification:new', { kind, payload, createdAt: view.createdAt });
      }
      return view;
    },
    notificationsOf: (email) => notificationsFor(accountOf(email).user.id),
    notificationSockets: () => notificationIo.of('/').sockets.size,
    mute(email, creator) {
      const { user } = accountOf(email);
      muted.set(user.id, [...preferencesOf(user.id).muted, creator]);
    },
    resetToken: (email) => issue(resetTokens, email),
    verifyToken: (email) => issue(verifyTokens, email),
    passwordResetRequests,
    userId: (email) => accountOf(email).user.id,
    fundingRequests,
    sponsorships,
    reportMinutes,
    productOpens,
    get earnings() {
      return money.earnings;
    },
    set earnings(value) {
      money.earnings = value;
    },
    payoutRequests,
    verifyMediaToken: (token) => mediaTokens.get(token),
    markLive(streamId) {
      const stream = streams.get(streamId);
      if (!stream || stream.status !== 'scheduled') return;
      streams.set(streamId, { ...stream, status: 'live', startedAt: new Date().toISOString(), hlsUrl: hlsPlaylistPath(streamId) });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        notificationIo.disconnectSockets(true);
        notificationIo.engine.close();
        // Closes every media socket, then the http server under it.
        void mediaIo.close(() => resolve());
      }),
  };
}
