import type { NotificationPush, NotificationsPage, NotificationView } from '@hawker/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MarkReadTarget, NotificationsQuery } from '../src/lib/notifications/api.js';
import { kindLabel, KIND_LABELS, notificationHref, timeAgo } from '../src/lib/notifications/labels.js';
import {
  MAX_ITEMS,
  NotificationCenter,
  PAGE_SIZE,
  RETRY_MS,
  SYNC_LIMIT,
  SYNC_OVERLAP_MS,
  type NotificationSocket,
} from '../src/lib/notifications/notification-center.svelte.js';
import { NotificationSettings } from '../src/lib/notifications/preferences.svelte.js';
import { ApiError } from '../src/lib/api.js';

// The notification centre against a fake socket (the test plays the server:
// connect, drop, push) and a scripted api: each list or mark-read call takes
// the next queued answer, and every call is recorded.

type Listener = (...args: never[]) => void;

class FakeSocket implements NotificationSocket {
  active = false;
  connects = 0;
  disconnects = 0;
  readonly #listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  connect(): this {
    this.connects += 1;
    this.active = true;
    return this;
  }

  disconnect(): this {
    this.disconnects += 1;
    this.active = false;
    return this;
  }

  /** What the server does to this socket. */
  emit(event: 'connect'): void;
  emit(event: 'disconnect', reason: string): void;
  emit(event: 'connect_error', err: Error): void;
  emit(event: 'notification:new', push: NotificationPush): void;
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args);
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Answer<T> = T | Error | Deferred<T>;

function answer<T>(next: Answer<T> | undefined, what: string): Promise<T> {
  if (next === undefined) return Promise.reject(new Error(`unexpected ${what}`));
  if (next instanceof Error) return Promise.reject(next);
  if (typeof next === 'object' && next !== null && 'promise' in next) return next.promise;
  return Promise.resolve(next);
}

function setup(script: { pages?: Answer<NotificationsPage>[]; reads?: Answer<{ unread: number }>[] } = {}) {
  const sockets: FakeSocket[] = [];
  const queries: NotificationsQuery[] = [];
  const reads: MarkReadTarget[] = [];
  const pages = script.pages ?? [];
  const readAnswers = script.reads ?? [];
  const checkSession = vi.fn(() => Promise.resolve(true));
  const center = new NotificationCenter({
    socket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    list: (query) => {
      queries.push(query);
      return answer(pages.shift(), `GET /api/notifications ${JSON.stringify(query)}`);
    },
    markRead: (target) => {
      reads.push(target);
      return answer(readAnswers.shift(), `POST /api/notifications/read ${JSON.stringify(target)}`);
    },
    checkSession,
  });
  const socket = (): FakeSocket => {
    const last = sockets.at(-1);
    if (!last) throw new Error('no socket yet');
    return last;
  };
  return { center, sockets, socket, queries, reads, pages, readAnswers, checkSession };
}

/** Lets every pending promise callback run. */
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const USER = '0190c3b0-0000-7000-8000-0000000000a1';
const CREATOR = '0190c3b0-0000-7000-8000-0000000000c1';
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

let seq = 0;
function row(seconds: number, title: string, extra: Partial<NotificationView> = {}): NotificationView {
  seq += 1;
  return {
    id: `0190c3b0-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    kind: 'order.shipped',
    payload: { title, body: 'Tea bowl', url: '/orders' },
    readAt: null,
    createdAt: at(seconds),
    ...extra,
  };
}

const goLive = (seconds: number): NotificationPush => ({
  kind: 'creator.live',
  payload: { title: 'Mina is live', body: 'Spring pottery drop', url: '/live/s-1', creatorId: CREATOR },
  createdAt: at(seconds),
});

/** The row the fan-out writes for a push, a little after it. */
const rowOf = (push: NotificationPush, seconds: number, extra: Partial<NotificationView> = {}): NotificationView =>
  row(seconds, push.payload.title, { kind: push.kind, payload: push.payload, ...extra });

const page = (data: NotificationView[], unread: number): NotificationsPage => ({ data, unread });
const titles = (center: NotificationCenter) => center.items.map((n) => n.payload.title);

afterEach(() => {
  vi.useRealTimers();
});

describe('NotificationCenter', () => {
  it('opens one websocket for the person, loads the latest page on connect, and prepends and counts pushes', async () => {
    const read = row(10, 'Delivered', { readAt: at(20) });
    const unread = row(30, 'Shipped');
    const t = setup({ pages: [page([unread, read], 1)] });
    t.center.setUser(USER);
    expect(t.sockets).toHaveLength(1);
    expect(t.socket().connects).toBe(1);
    expect(t.queries).toEqual([]); // nothing before the socket is there to hear what comes next

    t.socket().emit('connect');
    await flush();
    expect(t.queries).toEqual([{ limit: PAGE_SIZE }]);
    expect(t.center).toMatchObject({ loaded: true, connected: true, unread: 1 });
    expect(titles(t.center)).toEqual(['Shipped', 'Delivered']);
    expect(t.center.items.map((n) => n.read)).toEqual([false, true]);

    t.socket().emit('notification:new', goLive(60));
    expect(titles(t.center)).toEqual(['Mina is live', 'Shipped', 'Delivered']);
    expect(t.center.items[0]).toMatchObject({ id: null, read: false, kind: 'creator.live' });
    expect(t.center.unread).toBe(2);
    expect(t.center.announcement).toBe('New notification: Mina is live');

    // The same id again changes nothing: still one socket.
    t.center.setUser(USER);
    expect(t.sockets).toHaveLength(1);
  });

  it('on a reconnect pulls what came since the newest it has, and de-duplicates pushes, overlap and rows seen before', async () => {
    const shipped = row(30, 'Shipped');
    const t = setup({ pages: [page([shipped], 1)] });
    t.center.setUser(USER);
    t.socket().emit('connect');
    await flush();
    const live = goLive(60);
    t.socket().emit('notification:new', live);
    expect(t.center.unread).toBe(2);

    // The connection drops; Socket.IO reconnects by itself.
    t.socket().emit('disconnect', 'transport close');
    expect(t.center.connected).toBe(false);
    // While away: the go-live's row was written (a little after its push), and
    // an order shipped. The catch-up overlaps a little and so brings "Shipped" again.
    const liveRow = rowOf(live, 62);
    const missed = row(90, 'Shipped again');
    t.pages.push(page([missed, liveRow, shipped], 3));
    t.socket().emit('connect');
    await flush();

    expect(t.queries.at(-1)).toEqual({ since: new Date(Date.parse(live.createdAt) - SYNC_OVERLAP_MS).toISOString(), limit: SYNC_LIMIT });
    expect(titles(t.center)).toEqual(['Shipped again', 'Mina is live', 'Shipped']);
    // The pushed item now has its row's id and keeps its key (the list does not re-render it).
    expect(t.center.items[1]).toMatchObject({ id: liveRow.id, key: 'push:1', pushed: true });
    expect(t.center.unread).toBe(3);
    expect(t.reads).toEqual([]);

    // Nothing new the next time: the list stays as it is.
    t.pages.push(page([missed], 3));
    t.socket().emit('disconnect', 'ping timeout');
    t.socket().emit('connect');
    await flush();
    expect(t.queries.at(-1)?.since).toBe(new Date(Date.parse(missed.createdAt) - SYNC_OVERLAP_MS).toISOString());
    expect(titles(t.center)).toEqual(['Shipped again', 'Mina is live', 'Shipped']);
    expect(t.center.unread).toBe(3);
  });

  it('counts a push whose row is not written yet on top of the server count, and a push of a row already pulled once', async () => {
    // Heard before the first page came back: the fan-out has not written its row yet.
    const first = deferred<NotificationsPage>();
    const t = setup({ pages: [first] });
    t.center.setUser(USER);
    const live = goLive(60);
    t.socket().emit('connect');
    t.socket().emit('notification:new', live);
    first.resolve(page([], 0));
    await flush();
    expect(titles(t.center)).toEqual(['Mina is live']);
    expect(t.center.unread).toBe(1);

    // A row pulled before its push arrived (written, pulled, then pushed): shown once, counted once.
    const shipped = row(120, 'Shipped');
    t.pages.push(page([shipped], 1));
    t.socket().emit('disconnect', 'transport close');
    t.socket().emit('connect');
    await flush();
    expect(t.center.unread).toBe(2);
    t.socket().emit('notification:new', { kind: shipped.kind, payload: shipped.payload, createdAt: shipped.createdAt });
    expect(titles(t.center)).toEqual(['Shipped', 'Mina is live']);
    expect(t.center.unread).toBe(2);
  });

  it('folds calls made while a pull runs into one more pull after it', async () => {
    const slow = deferred<NotificationsPage>();
    const t = setup({ pages: [slow, page([], 0)] });
    t.center.setUser(USER);
    t.socket().emit('connect');
    void t.center.sync();
    void t.center.sync();
    expect(t.queries).toHaveLength(1);
    slow.resolve(page([row(10, 'Shipped')], 1));
    await flush();
    expect(t.queries).toHaveLength(2);
    expect(t.queries[1]?.since).toBeDefined();
  });

  it('marks one read, and puts it back with the reason when the api refuses', async () => {
    const a = row(10, 'A');
    const b = row(20, 'B');
    const t = setup({
      pages: [page([b, a], 2)],
      reads: [{ unread: 1 }, new ApiError(0, { type: 'api_error', code: 'network_error', message: "Can't reach Hawker right now." })],
    });
    t.center.setUser(USER);
    t.socket().emit('connect');
    await flush();

    await t.center.markRead(b.id);
    expect(t.reads).toEqual([{ ids: [b.id] }]);
    expect(t.center.items.find((n) => n.id === b.id)?.read).toBe(true);
    expect(t.center.unread).toBe(1);
    // Already read: no request.
    await t.center.markRead(b.id);
    expect(t.reads).toHaveLength(1);

    const pending = t.center.markRead(a.id);
    expect(t.center.unread).toBe(0); // at once
    await pending;
    expect(t.center.items.find((n) => n.id === a.id)?.read).toBe(false);
    expect(t.center.unread).toBe(1);
    expect(t.center.error).toBe("Can't reach Hawker right now.");
  });

  it('marks all read; one read before its row existed is marked on the server once the row is pulled', async () => {
    const a = row(10, 'A');
    // The second page: the pull that settles the count after "Mark all read" (the row is not written yet).
    const t = setup({ pages: [page([a], 1), page([], 0)], reads: [{ unread: 0 }] });
    t.center.setUser(USER);
    t.socket().emit('connect');
    await flush();
    const live = goLive(60);
    t.socket().emit('notification:new', live);
    expect(t.center.unread).toBe(2);

    await t.center.markAllRead();
    expect(t.reads).toEqual([{ all: true }]);
    expect(t.center.items.every((n) => n.read)).toBe(true);
    expect(t.center.unread).toBe(0);
    // Still waiting for its row, so a pull was started to settle the count.
    await flush();
    expect(t.queries).toHaveLength(2);
    expect(t.center.unread).toBe(0);

    // The fan-out wrote the go-live's row after "Mark all read": unread there.
    const liveRow = rowOf(live, 63);
    t.pages.push(page([liveRow], 1));
    t.readAnswers.push({ unread: 0 });
    t.socket().emit('disconnect', 'transport close');
    t.socket().emit('connect');
    await flush();
    expect(t.reads.at(-1)).toEqual({ ids: [liveRow.id] });
    expect(t.center.unread).toBe(0);
    expect(t.center.items[0]).toMatchObject({ id: liveRow.id, read: true });
  });

  it('puts every item back when mark-all fails, counting pushes that came meanwhile', async () => {
    const a = row(10, 'A');
    const refusal = deferred<{ unread: number }>();
    const t = setup({ pages: [page([a], 1)], reads: [refusal] });
    t.center.setUser(USER);
    t.socket().emit('connect');
    await flush();
    const marking = t.center.markAllRead();
    expect(t.center.unread).toBe(0);
    t.socket().emit('notification:new', goLive(60));
    refusal.reject(new ApiError(429, { type: 'rate_limit_error', code: 'rate_limited', message: 'Too many attempts.' }));
    await marking;
    expect(t.center.unread).toBe(2);
    expect(t.center.items.map((n) => n.read)).toEqual([false, false]);
    expect(t.center.error).toBe('Too many attempts.');
  });

  it('marking a pushed item read before its row is known sends the read once a pull finds the row', async () => {
    const t = setup({ pages: [page([], 0)] });
    t.center.setUser(USER);
    t.socket().emit('connect');
    await flush();
    const live = goLive(60);
    t.socket().emit('notification:new', live);
    const key = t.center.items[0]?.key ?? '';
    const liveRow = rowOf(live, 61);
    t.pages.push(page([liveRow], 1));
    t.readAnswers.push({ unread: 0 });
    await t.center.markRead(key);
    await flush();
    expect(t.reads).toEqual([{ ids: [liveRow.id] }]);
    expect(t.center.unread).toBe(0);
    expect(t.center.items).toHaveLength(1);
  });

  it('keeps a bounded list', async () => {
    const t = setup({ pages: [page([], 0)] });
    t.center.setUser(USER);
    t.socket().emit('connect');
    await flush();
    for (let i = 0; i < MAX_ITEMS + 5; i++)
      t.socket().emit('notification:new', { ...goLive(i), payload: { ...goLive(i).payload, title: `n${i}` } });
    expect(t.center.items).toHaveLength(MAX_ITEMS);
    expect(t.center.items[0]?.payload.title).toBe(`n${MAX_ITEMS + 4}`);
    expect(t.center.unread).toBe(MAX_ITEMS + 5); // the count is not capped with the list
  });

  it('disconnects and forgets on logout, and ignores what the old connection still delivers', async () => {
    // In the app the bell calls followSession(center, session), which sets the
    // user from the session (its effect runs in the browser: account.browser.test.ts).
    const slow = deferred<NotificationsPage>();
    const t = setup({ pages: [slow] });
    t.center.setUser(USER);
    const first = t.socket();
    first.emit('connect');
    first.emit('notification:new', goLive(60));
    expect(t.center.unread).toBe(1);

    t.center.setUser(null);
    expect(first.disconnects).toBe(1);
    expect(t.center).toMatchObject({ items: [], unread: 0, loaded: false, connected: false, error: null });
    expect(t.center.userId).toBeNull();

    // Late arrivals from the closed connection are dropped.
    slow.resolve(page([row(10, 'Late')], 1));
    first.emit('notification:new', goLive(70));
    first.emit('connect');
    await flush();
    expect(t.center.items).toEqual([]);
    expect(t.queries).toHaveLength(1);
    // Nothing to mark for nobody.
    await t.center.markAllRead();
    expect(t.reads).toEqual([]);

    // Someone else logs in: a new connection, for them; switching people closes the old one first.
    t.center.setUser('0190c3b0-0000-7000-8000-0000000000a2');
    expect(t.sockets).toHaveLength(2);
    expect(t.socket().connects).toBe(1);
    t.center.setUser(USER);
    expect(t.sockets[1]?.disconnects).toBe(1);
    expect(t.sockets).toHaveLength(3);
  });

  it('waits for a socket factory that loads the client lazily; a logout meanwhile closes it on arrival', async () => {
    const late = deferred<NotificationSocket>();
    const failed = deferred<NotificationSocket>();
    const factories = [late.promise, failed.promise];
    const queries: NotificationsQuery[] = [];
    const center = new NotificationCenter({
      socket: () => factories.shift() ?? Promise.reject(new Error('no more')),
      list: (query) => {
        queries.push(query);
        return Promise.resolve(page([row(10, 'Shipped')], 1));
      },
      markRead: () => Promise.reject(new Error('unexpected')),
      checkSession: () => Promise.resolve(true),
    });
    center.setUser(USER);
    center.setUser(null);
    const socket = new FakeSocket();
    late.resolve(socket);
    await flush();
    expect(socket.connects).toBe(0);
    expect(socket.disconnects).toBe(1);

    // The client failed to load: the bell still fills over HTTP.
    center.setUser(USER);
    failed.reject(new Error('Failed to fetch dynamically imported module'));
    await flush();
    expect(queries).toEqual([{ limit: PAGE_SIZE }]);
    expect(titles(center)).toEqual(['Shipped']);
  });

  it('loads over HTTP when the socket cannot connect, and retries a refused socket later', async () => {
    vi.useFakeTimers();
    const t = setup({ pages: [page([row(10, 'Shipped')], 1)] });
    t.center.setUser(USER);
    const socket = t.socket();
    socket.active = false; // refused by the server's middleware: Socket.IO gives up
    socket.emit('connect_error', new Error('too_many_connections'));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.queries).toEqual([{ limit: PAGE_SIZE }]);
    expect(titles(t.center)).toEqual(['Shipped']);
    expect(socket.connects).toBe(1);
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(socket.connects).toBe(2);
  });

  it('after the server ends the connection, asks whether the session still stands before reconnecting', async () => {
    vi.useFakeTimers();
    const t = setup({ pages: [page([], 0)] });
    t.center.setUser(USER);
    const socket = t.socket();
    socket.emit('connect');
    await vi.advanceTimersByTimeAsync(0);
    socket.active = false;
    socket.emit('disconnect', 'io server disconnect');
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(t.checkSession).toHaveBeenCalledTimes(1);
    expect(socket.connects).toBe(2);

    t.checkSession.mockResolvedValueOnce(false);
    socket.active = false;
    socket.emit('disconnect', 'io server disconnect');
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(socket.connects).toBe(2);
  });
});

describe('NotificationSettings', () => {
  const prefs = (inApp = true, email = true) => ({
    kinds: [
      { kind: 'creator.live' as const, inApp, email },
      { kind: 'order.shipped' as const, inApp: true, email: true },
    ],
    muted: [{ id: CREATOR, displayName: 'Mina', handle: 'mina' }],
  });

  it('saves a switch at once and says so; puts it back with the reason on failure', async () => {
    const refused = deferred<ReturnType<typeof prefs>>();
    const set = vi.fn().mockResolvedValueOnce(prefs(true, false)).mockReturnValueOnce(refused.promise);
    const settings = new NotificationSettings({ load: () => Promise.resolve(prefs()), set, unmute: vi.fn() });
    await settings.load();
    expect(settings.kinds).toHaveLength(2);

    await settings.set('creator.live', 'email', false);
    expect(set).toHaveBeenCalledWith('creator.live', { email: false });
    expect(settings.kinds[0]).toEqual({ kind: 'creator.live', inApp: true, email: false });
    expect(settings.save).toEqual({ state: 'saved', message: 'Saved: A creator you follow goes live, by email off.' });

    const saving = settings.set('creator.live', 'inApp', false);
    expect(settings.kinds[0]?.inApp).toBe(false);
    expect(settings.save?.state).toBe('saving');
    refused.reject(new ApiError(500, { type: 'api_error', code: 'internal', message: 'Something went wrong on our side.' }));
    await saving;
    expect(settings.kinds[0]?.inApp).toBe(true);
    expect(settings.save).toEqual({
      state: 'error',
      message: 'Not saved (A creator you follow goes live, in the app): Something went wrong on our side.',
    });
  });

  it('ignores an older answer that arrives after a newer change of the same kind', async () => {
    const first = deferred<ReturnType<typeof prefs>>();
    const set = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValueOnce(prefs(true, true));
    const settings = new NotificationSettings({ load: () => Promise.resolve(prefs()), set, unmute: vi.fn() });
    await settings.load();
    const older = settings.set('creator.live', 'email', false);
    await settings.set('creator.live', 'email', true);
    first.resolve(prefs(true, false));
    await older;
    expect(settings.kinds[0]?.email).toBe(true);
  });

  it('unmutes a creator', async () => {
    const unmute = vi.fn().mockResolvedValueOnce({ following: true, muted: false, followerCount: 3 });
    const settings = new NotificationSettings({ load: () => Promise.resolve(prefs()), set: vi.fn(), unmute });
    await settings.load();
    const pending = settings.unmute(settings.muted[0]!);
    expect(settings.unmuting).toEqual([CREATOR]);
    await pending;
    expect(unmute).toHaveBeenCalledWith(CREATOR);
    expect(settings.muted).toEqual([]);
    expect(settings.unmuting).toEqual([]);
  });
});

describe('notification labels', () => {
  it('labels every kind and keeps links on this site', () => {
    expect(KIND_LABELS['creator.live']).toBe('A creator you follow goes live');
    expect(kindLabel('something.new')).toBe('something.new');
    expect(notificationHref('/live/s-1', 'https://hawker.example')).toBe('/live/s-1');
    expect(notificationHref('javascript:alert(1)', 'https://hawker.example')).toBeNull();
    expect(notificationHref('https://evil.example/x', 'https://hawker.example')).toBeNull();
    expect(notificationHref('//evil.example/x', 'https://hawker.example')).toBeNull();
  });

  it('says how long ago', () => {
    const now = T0 + 3 * 86_400_000;
    expect(timeAgo(new Date(now - 20_000).toISOString(), now)).toBe('just now');
    expect(timeAgo(new Date(now - 5 * 60_000).toISOString(), now)).toBe('5 min ago');
    expect(timeAgo(new Date(now - 3 * 3_600_000).toISOString(), now)).toBe('3 h ago');
    expect(timeAgo(at(0), now)).toBe('3 d ago');
    expect(timeAgo(at(0), T0 + 30 * 86_400_000)).toBe('Jan 1');
  });
});
