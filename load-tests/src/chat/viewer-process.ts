import { childConfig, cpuSample, serveParent, type CpuSample } from '../sfu/ipc.js';
import { LatencyHistogram, type SparseHistogram } from './histogram.js';
import { LeanSocket } from './lean-socket.js';
import { forEachStamp, isBatchFrame, isChatFrame, msSinceOfDay } from './stamp.js';

/**
 * Thousands of viewer sockets in one process (the bench runs one or two of
 * these). The frame handler only counts stamps and latencies, so a viewer
 * costs as little CPU as Node allows: it shares the machine with the api it
 * measures, and its own CPU is reported next to the api's.
 */

export type JoinMode = 'event' | 'server';
export interface ConnectArgs {
  url: string;
  count: number;
  streamId: string;
  /** 'event': each socket sends room:join; 'server': the bench puts the sockets into the room itself. */
  join: JoinMode;
  concurrency: number;
}
export interface ConnectProgress {
  connected: number;
  joined: number;
  failed: number;
  done: boolean;
  firstError: string | null;
  /** Negotiated WebSocket extensions of the first socket ('' = no per-message deflate). */
  extensions: string | null;
}
export interface ViewerCounts {
  /** Messages received (a batch counts each message it carries). */
  deliveries: number;
  messageFrames: number;
  batchFrames: number;
  /** Other events (viewers:count, …): skipped after two byte compares. */
  otherFrames: number;
}
export interface ViewerSnapshot extends ViewerCounts {
  atMs: number;
  cpu: CpuSample;
  open: number;
  /** Every latency since `start`, when asked for (window marks): send → received, and createdAt → received. */
  latency?: SparseHistogram;
  fanout?: SparseHistogram;
}
export interface TimelineSecond {
  second: number;
  deliveries: number;
  frames: number;
  latencySumMs: number;
  latencyMaxMs: number;
}
export interface ViewerFinal extends ViewerSnapshot {
  latency: SparseHistogram;
  fanout: SparseHistogram;
  /** Fewest and most messages one socket received since `start`. */
  perSocket: { min: number; max: number };
  timeline: TimelineSecond[];
}
export type ViewerApi = {
  connect: { args: ConnectArgs; result: null };
  progress: { args: Record<string, never>; result: ConnectProgress };
  start: { args: { t0: number }; result: null };
  snapshot: { args: { latency?: boolean }; result: ViewerSnapshot };
  final: { args: Record<string, never>; result: ViewerFinal };
  disconnect: { args: Record<string, never>; result: { closed: number } };
};

type Viewer = { socket: LeanSocket; received: number };

childConfig<Record<string, never>>();
let viewers: Viewer[] = [];
let progress: ConnectProgress = { connected: 0, joined: 0, failed: 0, done: true, firstError: null, extensions: null };
const counts: ViewerCounts = { deliveries: 0, messageFrames: 0, batchFrames: 0, otherFrames: 0 };
const histogram = new LatencyHistogram();
const fanoutHistogram = new LatencyHistogram();
let timeline: TimelineSecond[] = [];
let t0 = Date.now();
let now = 0;
/** The timeline entry being counted into (always an element of `timeline`). */
let second = secondAt(0);

/** One function for every stamp (no closure per frame on the hot path). */
function record(sentAtMs: number, createdMsOfDay: number): void {
  const ms = now - sentAtMs;
  histogram.add(ms);
  if (createdMsOfDay >= 0) fanoutHistogram.add(msSinceOfDay(now, createdMsOfDay));
  second.latencySumMs += ms;
  if (ms > second.latencyMaxMs) second.latencyMaxMs = ms;
}

function secondAt(index: number): TimelineSecond {
  let s = timeline.find((x) => x.second === index);
  if (!s) {
    s = { second: index, deliveries: 0, frames: 0, latencySumMs: 0, latencyMaxMs: 0 };
    timeline.push(s);
  }
  return s;
}

function secondOf(at: number): TimelineSecond {
  const index = Math.floor((at - t0) / 1000);
  return index === second.second ? second : secondAt(index);
}

function onFrame(viewer: Viewer, frame: Buffer): void {
  if (!isChatFrame(frame)) {
    counts.otherFrames++;
    return;
  }
  now = Date.now();
  second = secondOf(now);
  if (isBatchFrame(frame)) counts.batchFrames++;
  else counts.messageFrames++;
  const n = forEachStamp(frame, record);
  viewer.received += n;
  counts.deliveries += n;
  second.deliveries += n;
  second.frames++;
}

async function connectAll(args: ConnectArgs): Promise<void> {
  let next = 0;
  const one = async () => {
    while (next < args.count) {
      next++;
      const viewer: Viewer = { socket: undefined as unknown as LeanSocket, received: 0 };
      try {
        viewer.socket = await LeanSocket.connect(args.url, { onEvent: (frame) => onFrame(viewer, frame) });
        viewers.push(viewer);
        progress.connected++;
        progress.extensions ??= viewer.socket.extensions;
        if (args.join === 'event') {
          const ack = (await viewer.socket.request('room:join', { streamId: args.streamId })) as { ok: boolean };
          if (!ack.ok) throw new Error(`room:join refused: ${JSON.stringify(ack)}`);
          progress.joined++;
        }
      } catch (err) {
        progress.failed++;
        progress.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, one));
}

function snapshot(args: { latency?: boolean } = {}): ViewerSnapshot {
  return {
    ...counts,
    atMs: Date.now(),
    cpu: cpuSample(),
    open: viewers.filter((v) => v.socket.open).length,
    ...(args.latency ? { latency: histogram.toSparse(), fanout: fanoutHistogram.toSparse() } : {}),
  };
}

serveParent<ViewerApi, Record<string, never>>(
  {},
  {
    connect(args) {
      progress = { connected: 0, joined: 0, failed: 0, done: false, firstError: null, extensions: null };
      void connectAll(args).then(() => (progress.done = true));
      return null;
    },
    progress: () => ({ ...progress }),
    start({ t0: at }) {
      t0 = at;
      Object.assign(counts, { deliveries: 0, messageFrames: 0, batchFrames: 0, otherFrames: 0 });
      histogram.reset();
      fanoutHistogram.reset();
      timeline = [];
      second = secondAt(Math.floor((Date.now() - t0) / 1000));
      for (const v of viewers) v.received = 0;
      return null;
    },
    snapshot,
    final() {
      const received = viewers.map((v) => v.received);
      return {
        ...snapshot(),
        latency: histogram.toSparse(),
        fanout: fanoutHistogram.toSparse(),
        perSocket: received.length ? { min: Math.min(...received), max: Math.max(...received) } : { min: 0, max: 0 },
        timeline: [...timeline].sort((a, b) => a.second - b.second),
      };
    },
    async disconnect() {
      const closing = viewers;
      viewers = [];
      await Promise.all(closing.map((v) => v.socket.close()));
      return { closed: closing.length };
    },
  },
  () => viewers.forEach((v) => void v.socket.close()),
);
