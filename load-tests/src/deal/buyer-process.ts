import { LatencyHistogram, type SparseHistogram } from '../chat/histogram.js';
import { LeanSocket } from '../chat/lean-socket.js';
import { childConfig, cpuSample, serveParent, type CpuSample } from '../sfu/ipc.js';

/**
 * Thousands of logged-in buyer sockets in one process (the bench runs two).
 * On `rush` every socket presses Buy once, the presses spread evenly over the
 * rush window, and the process records each ack: its code and how long it
 * took. Frames pushed by the room (deal:stock, purchase:made) are only
 * counted, so a buyer costs the machine as little as Node allows; a
 * reservation's outcome on the buyer's own channel is read and timed.
 */

export interface BuyerConnectArgs {
  url: string;
  cookies: string[];
  streamId: string;
  concurrency: number;
}
export interface BuyerProgress {
  connected: number;
  failed: number;
  done: boolean;
  firstError: string | null;
}
export interface RushArgs {
  streamId: string;
  dealId: string;
  /** The deal's price, as a viewer's Buy button sends it. */
  unitPriceMinor: number;
  /** Wall-clock ms (same machine) of the first press. */
  t0: number;
  spreadMs: number;
  keyPrefix: string;
  /** An attempt without an ack after this long counts as lost. */
  ackTimeoutMs: number;
  /** How long to wait after the last ack for reservations' outcomes. */
  outcomeTimeoutMs: number;
}
export interface RushResult {
  /** Hawker's reservations followed to their payment on the buyer channel: paid, failed, and press → outcome. */
  outcomes: { paid: number; failed: number; latency: SparseHistogram };
  attempts: number;
  acked: number;
  lost: number;
  codes: Record<string, number>;
  latency: SparseHistogram;
  firstSendAt: number;
  lastAckAt: number;
  /** Room frames pushed to these sockets during the rush (stock updates, ticker), in all and by event. */
  pushedFrames: number;
  pushedByEvent: Record<string, number>;
  cpuBefore: CpuSample;
  cpuAfter: CpuSample;
}
export type BuyerApi = {
  connect: { args: BuyerConnectArgs; result: null };
  progress: { args: Record<string, never>; result: BuyerProgress };
  /** Starts the rush; poll `result` (a slow baseline outlasts one IPC request). */
  rush: { args: RushArgs; result: null };
  result: { args: Record<string, never>; result: RushResult | null };
  disconnect: { args: Record<string, never>; result: { closed: number } };
};

childConfig<Record<string, never>>();
let sockets: LeanSocket[] = [];
let progress: BuyerProgress = { connected: 0, failed: 0, done: true, firstError: null };
let pushed = 0;
let pushedByEvent: Record<string, number> = {};
let lastRush: RushResult | null = null;
// Per rush: idempotency key → when it was pressed, and what its outcome frame said.
let pressedAt = new Map<string, number>();
let outcomes = { paid: 0, failed: 0, latency: new LatencyHistogram() };
const OUTCOME = /^\["purchase:(paid|failed)",.*"idempotencyKey":"([^"]+)"/;

/** Room frames are only counted (by event name); the buyer's own outcome frames are read. */
function onFrame(frame: Buffer): void {
  pushed++;
  const name = frame.toString('latin1', 4, Math.max(4, frame.indexOf(0x22, 4)));
  pushedByEvent[name] = (pushedByEvent[name] ?? 0) + 1;
  if (frame[2] !== 0x5b || frame[4] !== 0x70 || frame[5] !== 0x75) return; // `["pu…`
  const m = OUTCOME.exec(frame.toString('utf8', 2));
  if (!m) return;
  const at = pressedAt.get(m[2]!);
  if (at === undefined) return;
  pressedAt.delete(m[2]!);
  if (m[1] === 'paid') outcomes.paid++;
  else outcomes.failed++;
  outcomes.latency.add(Date.now() - at);
}

async function connectAll(a: BuyerConnectArgs): Promise<void> {
  progress = { connected: 0, failed: 0, done: false, firstError: null };
  let next = 0;
  const worker = async () => {
    while (next < a.cookies.length) {
      const cookie = a.cookies[next++]!;
      try {
        const s = await LeanSocket.connect(a.url, { cookie, onEvent: onFrame });
        // In the room like a real viewer, so the room's pushes are part of the load.
        await s.request('room:join', { streamId: a.streamId });
        sockets.push(s);
        progress.connected++;
      } catch (err) {
        progress.failed++;
        progress.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: a.concurrency }, worker));
  progress.done = true;
}

async function rush(a: RushArgs): Promise<RushResult> {
  const histogram = new LatencyHistogram();
  const codes: Record<string, number> = {};
  let acked = 0;
  let firstSendAt = Infinity;
  let lastAckAt = 0;
  pushed = 0;
  pushedByEvent = {};
  pressedAt = new Map();
  outcomes = { paid: 0, failed: 0, latency: new LatencyHistogram() };
  const cpuBefore = cpuSample();
  const n = sockets.length;
  const attempts = sockets.map(
    (s, i) =>
      new Promise<void>((resolve) => {
        const due = a.t0 + (a.spreadMs * i) / n;
        setTimeout(
          () => {
            const sentAt = Date.now();
            const idempotencyKey = `${a.keyPrefix}-${i}`;
            pressedAt.set(idempotencyKey, sentAt);
            firstSendAt = Math.min(firstSendAt, sentAt);
            const timeout = setTimeout(() => {
              codes.lost = (codes.lost ?? 0) + 1;
              resolve();
            }, a.ackTimeoutMs);
            void s
              .request('purchase:create', {
                streamId: a.streamId,
                dealId: a.dealId,
                quantity: 1,
                unitPriceMinor: a.unitPriceMinor,
                idempotencyKey,
              })
              .then((ack) => {
                clearTimeout(timeout);
                const at = Date.now();
                histogram.add(at - sentAt);
                lastAckAt = Math.max(lastAckAt, at);
                acked++;
                const r = ack as { ok: boolean; data?: { status?: string } | null; error?: { code: string } };
                // Hawker answers `reserved` (paid behind the answer); the naive server answers once paid.
                const code = r.ok ? (r.data?.status ?? 'ok') : (r.error?.code ?? 'error');
                codes[code] = (codes[code] ?? 0) + 1;
                resolve();
              });
          },
          Math.max(0, due - Date.now()),
        );
      }),
  );
  await Promise.all(attempts);
  // Reservations are paid behind the answer: wait (bounded) for their outcomes before reporting.
  const reserved = () => Object.entries(codes).reduce((n, [c, k]) => n + (c === 'reserved' ? k : 0), 0);
  const waitUntil = Date.now() + a.outcomeTimeoutMs;
  while (outcomes.paid + outcomes.failed < reserved() && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 100));
  return {
    outcomes: { paid: outcomes.paid, failed: outcomes.failed, latency: outcomes.latency.toSparse() },
    attempts: n,
    acked,
    lost: codes.lost ?? 0,
    codes,
    latency: histogram.toSparse(),
    firstSendAt,
    lastAckAt,
    pushedFrames: pushed,
    pushedByEvent,
    cpuBefore,
    cpuAfter: cpuSample(),
  };
}

async function disconnectAll(): Promise<{ closed: number }> {
  const closing = sockets;
  sockets = [];
  await Promise.all(closing.map((s) => s.close()));
  return { closed: closing.length };
}

serveParent<BuyerApi, Record<string, never>>(
  {},
  {
    connect: (a) => {
      void connectAll(a);
      return null;
    },
    progress: () => progress,
    rush: (a) => {
      lastRush = null;
      void rush(a).then((r) => {
        lastRush = r;
      });
      return null;
    },
    result: () => lastRush,
    disconnect: disconnectAll,
  },
  () => {
    for (const s of sockets) void s.close();
  },
);
