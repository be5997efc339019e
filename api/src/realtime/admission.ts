import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { AbuseLimits } from '../config.js';
import { clientAddress, type TrustFunction } from '../http/client-address.js';
import type { OriginPolicy } from '../http/origin-guard.js';
import { readSessionToken } from '../http/session-cookie.js';
import type { ConnectionQuota } from '../repositories/connection-quota.repository.js';
import type { AuthService } from '../services/auth.service.js';
import type { HawkerServer, HawkerSocket } from './io.js';

export type AdmissionDeps = {
  auth: AuthService;
  connections: ConnectionQuota;
  origins: OriginPolicy;
  trustProxy: TrustFunction;
  limits: Pick<AbuseLimits, 'socketsPerUser' | 'socketsPerIp'>;
  logger: Logger;
  nodeId: string;
  /** The rooms a logged-in person's sockets join besides their own: followed creators, opted-out kinds. */
  personalRooms: (userId: string) => Promise<string[]>;
};

/** The room of every socket a session opened: logging out disconnects it on every node. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Every socket of one person, on whichever node: their own notification channel. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Sockets of people who follow a creator (and did not mute them): one emit tells them all. */
export const followsRoom = (creatorId: string) => `follows:${creatorId}`;
/** Sockets of people who switched a kind of notification off: left out of its pushes. */
export const optoutRoom = (kind: string) => `optout:${kind}`;

// Sessions last weeks; a socket re-checks its own at least daily (a timer cannot wait longer than ~24 days).
const MAX_CHECK_MS = 86_400_000;

/** Engine.IO's allowRequest: the handshake (polling or WebSocket) must come from our own origin. */
export function originCheck(origins: OriginPolicy) {
  return (req: { headers: IncomingHttpHeaders }, callback: (err: string | null | undefined, ok: boolean) => void) => {
    const ok = origins.allows(req.headers);
    callback(ok ? null : 'cross-origin handshake', ok);
  };
}

/**
 * Who may hold a realtime connection: the session cookie says who the user
 * is (guests may watch), and connections are capped per user and per IP
 * across nodes, so one account or one script cannot hold thousands of
 * sockets. A logged-in socket lives only as long as its session.
 */
export function admitConnections(io: HawkerServer, deps: AdmissionDeps): void {
  io.use((socket, next) => {
    admit(socket, deps).then(
      () => next(),
      (err: unknown) => {
        if (err instanceof Refusal) {
          next(Object.assign(new Error(err.code), { data: { code: err.code, message: err.message } }));
          return;
        }
        deps.logger.error({ err }, 'socket handshake failed');
        next(new Error('internal_error'));
      },
    );
  });
  io.on('connection', (socket) => watchSession(socket, deps));
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function admit(socket: HawkerSocket, deps: AdmissionDeps): Promise<void> {
  const ip = clientAddress(socket.request, deps.trustProxy);
  const session = await deps.auth.cachedSession(readSessionToken(socket.handshake.headers.cookie));
  const subjects = [`ip:${ip}`, ...(session ? [`user:${session.user.id}`] : [])];
  const caps = [deps.limits.socketsPerIp, deps.limits.socketsPerUser];
  const taken: string[] = [];
  const releaseAll = () => {
    for (const s of taken.splice(0)) void deps.connections.release(s).catch(() => undefined);
  };
  for (const [i, subject] of subjects.entries()) {
    if (!(await deps.connections.acquire(subject, caps[i]!))) {
      releaseAll();
      throw new Refusal('too_many_connections', 'Too many open connections; close some tabs and try again.');
    }
    taken.push(subject);
  }
  // Released once, when the connection closes, however far the handshake got.
  socket.conn.once('close', releaseAll);
  if (socket.conn.readyState === 'closed') releaseAll();
  socket.data = {
    userId: session?.user.id ?? null,
    roles: session?.user.roles ?? [],
    nodeId: deps.nodeId,
    sessionId: session?.sessionId ?? null,
    ip,
  };
  if (session) {
    await socket.join([sessionRoom(session.sessionId), userRoom(session.user.id), ...(await deps.personalRooms(session.user.id))]);
    // Read from the cache, the session may have ended since; once in its room, a later end disconnects it anyway.
    if (deps.auth.sessionCache.wasEnded(session.sessionId)) throw new Refusal('session_ended', 'This session has ended; log in again.');
    socket.data.sessionExpiresAt = session.expiresAt.getTime();
  }
}

/** Disconnects a logged-in socket when its session expires (or was revoked without a logout event). */
function watchSession(socket: HawkerSocket, deps: AdmissionDeps): void {
  const token = readSessionToken(socket.handshake.headers.cookie);
  if (!socket.data.sessionId || !token) return;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (expiresAt: number) => {
    timer = setTimeout(check, Math.max(0, Math.min(expiresAt - Date.now(), MAX_CHECK_MS)));
    timer.unref();
  };
  const check = () => {
    deps.auth.session(token).then(
      (session) => {
        if (socket.disconnected) return;
        if (!session || session.sessionId !== socket.data.sessionId) socket.disconnect(true);
        else schedule(session.expiresAt.getTime());
      },
      (err: unknown) => {
        deps.logger.warn({ err }, 'session re-check failed; trying again in a minute');
        schedule(Date.now() + 60_000);
      },
    );
  };
  schedule(socket.data.sessionExpiresAt ?? Date.now());
  socket.once('disconnect', () => clearTimeout(timer));
}
