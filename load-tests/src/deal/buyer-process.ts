import { LatencyHistogram, type SparseHistogram } from '../chat/histogram.js';
import { LeanSocket } from '../chat/lean-socket.js';
import { childConfig, cpuSample, serveParent, type CpuSample } from '../sfu/ipc.js';

/**
 * Thousands of logged-in buyer sockets in one process (the bench runs two).
 * On `rush` every socket presses Buy once, the presses spread evenly over the
 * rush window, and the process records each ack: its code and how long it
 * took. Frames pushed by the room (deal:stock, purchase:made) are only
 * counted, so a buyer costs the machine as little as Node allows.
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
}
export interface RushResult {
  attempts: number;
  acked: number;
  lost: number;
  codes: Record<string, number>;
  latency: SparseHistogram;
  firstSendAt: number;
  lastAckAt: number;
  /** Room frames pushed to these sockets during the rush (stock updates, ticker). */
  pushedFrames: number;
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
let lastRush: RushResult | null = null;

async function connectAll(a: BuyerConnectArgs): Promise<void> {
  progress = { connected: 0, failed: 0, done: false, firstError: null };
  let next = 0;
  const worker = async () => {
    while (next < a.cookies.length) {
      const cookie = a.cookies[next++]!;
      try {
        const s = await LeanSocket.connect(a.url, { cookie, onEvent: () => void pushed++ });
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
  const cpuBefore = cpuSample();
  const n = sockets.length;
  const attempts = sockets.map(
    (s, i) =>
      new Promise<void>((resolve) => {
        const due = a.t0 + (a.spreadMs * i) / n;
        setTimeout(
          () => {
            const sentAt = Date.now();
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
                idempotencyKey: `${a.keyPrefix}-${i}`,
              })
              .then((ack) => {
                clearTimeout(timeout);
                const at = Date.now();
                histogram.add(at - sentAt);
                lastAckAt = Math.max(lastAckAt, at);
                acked++;
                const r = ack as { ok: boolean; error?: { code: string } };
                const code = r.ok ? 'ok' : (r.error?.code ?? 'error');
                codes[code] = (codes[code] ?? 0) + 1;
                resolve();
              });
          },
          Math.max(0, due - Date.now()),
        );
      }),
  );
  await Promise.all(attempts);
  return {
    attempts: n,
    acked,
    lost: codes.lost ?? 0,
    codes,
    latency: histogram.toSparse(),
    firstSendAt,
    lastAckAt,
    pushedFrames: pushed,
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
