import type { ClientToServerEvents, NotificationPush, NotificationsPage, NotificationView, ServerToClientEvents } from '@hawker/shared';
import type { Socket } from 'socket.io-client';
import { errorMessage } from '../api.js';
import { session, type SessionStatus } from '../session.svelte.js';
import { listNotifications, markNotificationsRead, type MarkReadTarget, type NotificationsQuery } from './api.js';
import { closestPush, sameNotification, type BellNotification } from './bell-items.js';

export type { BellNotification } from './bell-items.js';

/** The part of a Socket.IO client socket the centre uses; tests pass a fake. */
export interface NotificationSocket {
  /** False after the server refused the handshake in a middleware: Socket.IO then stops retrying by itself. */
  readonly active: boolean;
  on(event: 'connect', listener: () => void): unknown;
  on(event: 'disconnect', listener: (reason: string) => void): unknown;
  on(event: 'connect_error', listener: (err: Error) => void): unknown;
  on(event: 'notification:new', listener: (push: NotificationPush) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

export interface NotificationCenterDeps {
  /** A new, not yet connected socket (autoConnect off) on the api's default namespace. */
  socket: () => NotificationSocket | Promise<NotificationSocket>;
  list: (query: NotificationsQuery) => Promise<NotificationsPage>;
  markRead: (target: MarkReadTarget) => Promise<{ unread: number }>;
  /** The server ended the connection (logout elsewhere, session expired): is this person still logged in? */
  checkSession: () => Promise<boolean>;
}

/** What the bell keeps in memory; older ones stay on the server. Below SYNC_LIMIT, so a full catch-up page replaces all of it. */
export const MAX_ITEMS = 50;
/** The first load. */
export const PAGE_SIZE = 30;
/** A catch-up after a reconnect (the api's maximum). */
export const SYNC_LIMIT = 100;
/**
 * How far before the newest notification a catch-up starts. Pushes are not
 * strictly in creation order (several api nodes, batched fan-out), so a
 * little overlap is pulled again and de-duplicated rather than missed.
 */
export const SYNC_OVERLAP_MS = 5_000;
/** After the server refused the socket outright, or ended it while the session is still good. */
export const RETRY_MS = 15_000;

const defaultDeps: NotificationCenterDeps = {
  socket: async () => {
    // Loaded on first login rather than with the first page: visitors who never
    // log in never download the Socket.IO client.
    const { io } = await import('socket.io-client');
    // Same origin, WebSocket only (any api node behind a plain load balancer can
    // take it); the handshake carries the session cookie.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket'], autoConnect: false });
    return socket;
  },
  list: (query) => listNotifications(query),
  markRead: (target) => markNotificationsRead(target),
  checkSession: async () => {
    await session.load();
    return session.status === 'authenticated';
  },
};

/**
 * The logged-in person's own channel in this tab: one Socket.IO connection
 * while someone is logged in, the bell's list and unread count. A push
 * (`notification:new`) is prepended and counted at once; every (re)connect
 * pulls what came since the newest one held (the first connect pulls the
 * latest page), merged by id, and pushed items are matched to their rows by
 * content and time, since pushes carry no id. `unread` is the server's count
 * plus pushes whose rows are not written yet. Only this class touches the
 * socket; the bell reads its state.
 */
export class NotificationCenter {
  items = $state.raw<BellNotification[]>([]);
  unread = $state(0);
  /** The socket is connected (pushes arrive as they happen). */
  connected = $state(false);
  /** The first page has arrived. */
  loaded = $state(false);
  /** The last pull or mark-read failed; shown in the bell with a retry. */
  error = $state<string | null>(null);
  /** The latest push in words, for a polite live region (screen readers hear it without opening the bell). */
  announcement = $state('');

  readonly #deps: NotificationCenterDeps;
  #userId: string | null = null;
  #socket: NotificationSocket | null = null;
  /** Bumped when the person changes: answers for an earlier one are dropped. */
  #generation = 0;
  #syncing: Promise<void> | null = null;
  #again = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #localKeys = 0;
  /** Pushes counted so far, so a failed mark-all can put back the ones that came meanwhile. */
  #pushCount = 0;

  constructor(deps: Partial<NotificationCenterDeps> = {}) {
    this.#deps = { ...defaultDeps, ...deps };
  }

  get userId(): string | null {
    return this.#userId;
  }

  /**
   * Whose channel to keep open: a user id while someone is logged in, null
   * after logout (disconnects and forgets). The same id again changes nothing.
   */
  setUser(userId: string | null): void {
    if (userId === this.#userId) return;
    this.#close();
    this.#userId = userId;
    if (userId !== null) this.#open();
  }

  /**
   * Pulls what came since the newest notification held (everything on the
   * first load). Calls while one runs are folded into one more pull after it.
   */
  sync(): Promise<void> {
    if (this.#userId === null) return Promise.resolve();
    if (this.#syncing) {
      this.#again = true;
      return this.#syncing;
    }
    const generation = this.#generation;
    const run = async () => {
      do {
        this.#again = false;
        await this.#pull(generation);
      } while (this.#again && generation === this.#generation);
    };
    const running = run().finally(() => {
      if (this.#syncing === running) this.#syncing = null;
    });
    this.#syncing = running;
    return running;
  }

  /** Marks one notification read (optimistically; put back if the api refuses). */
  async markRead(key: string): Promise<void> {
    const item = this.items.find((n) => n.key === key);
    if (!item || item.read || this.#userId === null) return;
    this.#setRead([key], true);
    this.unread = Math.max(0, this.unread - 1);
    if (item.id === null) {
      // Heard by push and not matched to its row yet: the pull finds the row,
      // and the read is sent for it then (see #pull).
      void this.sync();
      return;
    }
    const generation = this.#generation;
    try {
      const { unread } = await this.#deps.markRead({ ids: [item.id] });
      if (generation === this.#generation) this.#serverCount(unread, true);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#setRead([key], false);
      this.unread += 1;
      this.error = errorMessage(err);
    }
  }

  async markAllRead(): Promise<void> {
    if (this.#userId === null) return;
    const keys = this.items.filter((n) => !n.read).map((n) => n.key);
    if (keys.length === 0 && this.unread === 0) return;
    const before = this.unread;
    const pushesBefore = this.#pushCount;
    this.#setRead(keys, true);
    this.unread = 0;
    const generation = this.#generation;
    try {
      const { unread } = await this.#deps.markRead({ all: true });
      if (generation === this.#generation) this.#serverCount(unread, true);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#setRead(keys, false);
      this.unread = before + (this.#pushCount - pushesBefore);
      this.error = errorMessage(err);
    }
  }

  #open(): void {
    const generation = this.#generation;
    let made: NotificationSocket | Promise<NotificationSocket>;
    try {
      made = this.#deps.socket();
    } catch {
      made = Promise.reject(new Error('no socket'));
    }
    if (!(made instanceof Promise)) {
      this.#attach(made);
      return;
    }
    made.then(
      (socket) => {
        if (generation === this.#generation) this.#attach(socket);
        else socket.disconnect();
      },
      () => {
        // The client did not load (offline, or a deploy replaced the files):
        // the bell still fills over plain HTTP, without live pushes.
        if (generation === this.#generation) void this.sync();
      },
    );
  }

  #attach(socket: NotificationSocket): void {
    this.#socket = socket;
    const current = () => socket === this.#socket;
    socket.on('connect', () => {
      if (!current()) return;
      this.connected = true;
      void this.sync();
    });
    socket.on('disconnect', (reason) => {
      if (!current()) return;
      this.connected = false;
      // Socket.IO reconnects by itself except after the server's own disconnect.
      if (reason === 'io server disconnect') void this.#recheck(socket);
    });
    socket.on('connect_error', () => {
      if (!current()) return;
      // The bell still fills over plain HTTP while the socket cannot connect.
      if (!this.loaded && !this.#syncing) void this.sync();
      if (!socket.active) this.#retryLater(socket);
    });
    socket.on('notification:new', (push) => {
      if (current()) this.#push(push);
    });
    socket.connect();
  }

  #close(): void {
    this.#generation += 1;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#socket?.disconnect();
    this.#socket = null;
    this.#syncing = null;
    this.#again = false;
    this.items = [];
    this.unread = 0;
    this.connected = false;
    this.loaded = false;
    this.error = null;
    this.announcement = '';
  }

  async #recheck(socket: NotificationSocket): Promise<void> {
    const stillIn = await this.#deps.checkSession().catch(() => true);
    if (stillIn && socket === this.#socket) this.#retryLater(socket);
  }

  #retryLater(socket: NotificationSocket): void {
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      if (socket === this.#socket && !socket.active) socket.connect();
    }, RETRY_MS);
  }

  #push(push: NotificationPush): void {
    // A pull that ran between the row's insert and this push already brought it.
    const pulled = this.items.findIndex((n) => n.id !== null && !n.pushed && sameNotification(n, push, n.createdAt, push.createdAt));
    if (pulled >= 0) {
      this.items = this.items.map((n, i) => (i === pulled ? { ...n, pushed: true } : n));
      return;
    }
    const item: BellNotification = {
      key: `push:${++this.#localKeys}`,
      id: null,
      kind: push.kind,
      payload: push.payload,
      createdAt: push.createdAt,
      read: false,
      pushed: true,
    };
    this.items = [item, ...this.items].slice(0, MAX_ITEMS);
    this.unread += 1;
    this.announcement = `New notification: ${push.payload.title}`;
    this.#pushCount += 1;
  }

  async #pull(generation: number): Promise<void> {
    const since = this.loaded ? this.#since() : undefined;
    let page: NotificationsPage;
    try {
      page = await this.#deps.list(since === undefined ? { limit: PAGE_SIZE } : { since, limit: SYNC_LIMIT });
    } catch (err) {
      if (generation === this.#generation) this.error = errorMessage(err);
      return;
    }
    if (generation !== this.#generation) return;
    const toSend = this.#merge(page.data);
    this.loaded = true;
    this.error = null;
    this.#serverCount(page.unread - toSend.length, false);
    if (toSend.length === 0) return;
    // Read here before the server had the row (a push, then "Mark all read"): tell it now.
    try {
      const { unread } = await this.#deps.markRead({ ids: toSend.slice(0, SYNC_LIMIT) });
      if (generation === this.#generation) this.#serverCount(unread, false);
    } catch {
      // The next pull finds them unread on the server again and retries.
    }
  }

  /** Where a catch-up starts: before the newest held, and before any push still waiting for its row. */
  #since(): string | undefined {
    let from = Infinity;
    let newest = -Infinity;
    for (const n of this.items) {
      const at = Date.parse(n.createdAt);
      if (Number.isNaN(at)) continue;
      newest = Math.max(newest, at);
      if (n.id === null) from = Math.min(from, at);
    }
    if (newest === -Infinity) return undefined;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- formats a number as ISO and is dropped at once; never state
    return new Date(Math.min(from, newest) - SYNC_OVERLAP_MS).toISOString();
  }

  /** Folds pulled rows in (newest first); answers the ids read here but not on the server. */
  #merge(views: NotificationView[]): string[] {
    const next = [...this.items];
    const toSend: string[] = [];
    for (const view of views) {
      let at = next.findIndex((n) => n.id === view.id);
      if (at < 0) at = closestPush(next, view);
      const readThere = view.readAt !== null;
      const held = at >= 0 ? next[at] : undefined;
      if (held) {
        if (held.read && !readThere) toSend.push(view.id);
        next[at] = { ...held, id: view.id, createdAt: view.createdAt, read: held.read || readThere };
      } else {
        next.push({
          key: view.id,
          id: view.id,
          kind: view.kind,
          payload: view.payload,
          createdAt: view.createdAt,
          read: readThere,
          pushed: false,
        });
      }
    }
    next.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    this.items = next.slice(0, MAX_ITEMS);
    return toSend;
  }

  /**
   * The server's unread count plus pushes whose rows it does not have yet.
   * Right after a pull that is exact; after a mark-read, a push still
   * unmatched may already be counted there, so a pull settles it.
   */
  #serverCount(serverUnread: number, settle: boolean): void {
    const waiting = this.items.filter((n) => n.id === null);
    this.unread = Math.max(0, serverUnread) + waiting.filter((n) => !n.read).length;
    if (settle && waiting.length > 0) void this.sync();
  }

  #setRead(keys: string[], read: boolean): void {
    if (keys.length === 0) return;
    this.items = this.items.map((n) => (keys.includes(n.key) && n.read !== read ? { ...n, read } : n));
  }
}

/**
 * Keeps the centre on whoever is logged in: connects on login, disconnects
 * and forgets on logout or when the person changes. Returns a stop function
 * (which also disconnects); the bell calls this while it is mounted.
 */
export function followSession(center: NotificationCenter, source: { status: SessionStatus; user: { id: string } | null }): () => void {
  const stop = $effect.root(() => {
    $effect(() => {
      center.setUser(source.status === 'authenticated' ? (source.user?.id ?? null) : null);
    });
  });
  return () => {
    stop();
    center.setUser(null);
  };
}

/** The app's one notification centre. */
export const notificationCenter = new NotificationCenter();
