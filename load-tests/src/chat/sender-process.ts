import { childConfig, cpuSample, serveParent, type CpuSample } from '../sfu/ipc.js';
import { LeanSocket } from './lean-socket.js';
import { stampedText } from './stamp.js';

/**
 * The chatters, in their own process so that a saturated viewer process
 * cannot delay the sends (the offered rate stays fixed, open loop: a send
 * never waits for the previous ack). Every message goes through the real
 * `chat:send` path: auth from the session cookie, checks, the per-user token
 * bucket, the insert, then the fan-out. Users take turns, so each sends well
 * under the bucket's 1 message per second.
 */

export interface SenderStatus {
  sent: number;
  accepted: number;
  /** Refusals by error code (e.g. rate_limited). */
  refused: Record<string, number>;
  /** Sent and not yet acknowledged. */
  awaiting: number;
  sending: boolean;
  startedAtMs: number | null;
  stoppedAtMs: number | null;
  /** Ack round trip (send → accepted), the sender's view of the server's queue. */
  ackMsMax: number;
  ackMsSum: number;
  cpu: CpuSample;
}
export type SenderApi = {
  connect: { args: { url: string; cookies: string[]; concurrency: number }; result: null };
  progress: { args: Record<string, never>; result: { connected: number; failed: number; done: boolean; firstError: string | null } };
  start: { args: { streamId: string; ratePerSecond: number; seconds: number }; result: null };
  status: { args: Record<string, never>; result: SenderStatus };
  disconnect: { args: Record<string, never>; result: { closed: number } };
};

const TICK_MS = 5;

childConfig<Record<string, never>>();
let sockets: LeanSocket[] = [];
let progress = { connected: 0, failed: 0, done: true, firstError: null as string | null };
let status = fresh();
let ticker: NodeJS.Timeout | undefined;

function fresh(): Omit<SenderStatus, 'cpu'> {
  return {
    sent: 0,
    accepted: 0,
    refused: {},
    awaiting: 0,
    sending: false,
    startedAtMs: null,
    stoppedAtMs: null,
    ackMsMax: 0,
    ackMsSum: 0,
  };
}

function sendOne(streamId: string): void {
  const socket = sockets[status.sent % sockets.length]!;
  const sentAt = Date.now();
  status.sent++;
  status.awaiting++;
  void socket.request('chat:send', { streamId, text: stampedText(status.sent, sentAt) }).then((ack) => {
    status.awaiting--;
    const a = ack as { ok: boolean; error?: { code: string } };
    if (a.ok) {
      status.accepted++;
      const ms = Date.now() - sentAt;
      status.ackMsSum += ms;
      if (ms > status.ackMsMax) status.ackMsMax = ms;
    } else {
      const code = a.error?.code ?? 'unknown';
      status.refused[code] = (status.refused[code] ?? 0) + 1;
    }
  });
}

serveParent<SenderApi, Record<string, never>>(
  {},
  {
    connect({ url, cookies, concurrency }) {
      progress = { connected: 0, failed: 0, done: false, firstError: null };
      let next = 0;
      const one = async () => {
        while (next < cookies.length) {
          const cookie = cookies[next++]!;
          try {
            sockets.push(await LeanSocket.connect(url, { cookie }));
            progress.connected++;
          } catch (err) {
            progress.failed++;
            progress.firstError ??= err instanceof Error ? err.message : String(err);
          }
        }
      };
      void Promise.all(Array.from({ length: concurrency }, one)).then(() => (progress.done = true));
      return null;
    },
    progress: () => ({ ...progress }),
    start({ streamId, ratePerSecond, seconds }) {
      if (sockets.length === 0) throw new Error('no sender is connected');
      status = fresh();
      const started = Date.now();
      status.startedAtMs = started;
      status.sending = true;
      const stop = () => {
        clearInterval(ticker);
        status.sending = false;
        status.stoppedAtMs = Date.now();
      };
      ticker = setInterval(() => {
        const elapsed = Math.min(Date.now() - started, seconds * 1000);
        const due = Math.floor((elapsed / 1000) * ratePerSecond);
        while (status.sent < due) sendOne(streamId);
        if (elapsed >= seconds * 1000) stop();
      }, TICK_MS);
      return null;
    },
    status: () => ({ ...status, refused: { ...status.refused }, cpu: cpuSample() }),
    async disconnect() {
      clearInterval(ticker);
      const closing = sockets;
      sockets = [];
      await Promise.all(closing.map((s) => s.close()));
      return { closed: closing.length };
    },
  },
  () => {
    clearInterval(ticker);
    sockets.forEach((s) => void s.close());
  },
);
