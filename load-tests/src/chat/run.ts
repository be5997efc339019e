import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineAtStart } from '../report/machine.js';
import { ChildHandle } from '../sfu/ipc.js';
import { createBenchDatabase, type BenchDatabase } from './fixtures.js';
import type { ChatBenchOptions } from './options.js';
import { modesOf, round, type AudienceSweep, type ChatReport, type ModeName, type ModeResult } from './report.js';
import { METHOD, roundOrder, summarize, summarizeModes } from './summary.js';
import type { SenderApi } from './sender-process.js';
import { floorTarget, hawkerTarget, type ChatTarget } from './targets.js';
import { fillTotals, fillWindow, modeResult, type Mark } from './tally.js';
import type { ConnectProgress, ViewerApi } from './viewer-process.js';

/**
 * `npm run bench -- chat`: one room, N viewers, a fixed offered message rate.
 * The api runs in this process (its CPU and event loop are measured here);
 * viewers and senders are child processes. Each run gets a fresh api node on
 * the same fresh database and Redis, its own stream and its own senders (the
 * token buckets start full). Each round runs the batched mode and the naive
 * baseline (CHAT_BATCH_MS=0) once, in rotated order (round 1 batched first,
 * round 2 naive first, …): the api shares this process, so whichever runs
 * later runs warmer, and rotation spreads that over the modes. The raw floor
 * (targets.ts) is a third mode in the same rotation, in this process too.
 */

type Log = (line: string) => void;
type Viewers = ChildHandle<ViewerApi, Record<string, never>>;
type Sender = ChildHandle<SenderApi, Record<string, never>>;

const POLL_MS = 250;
const CONNECT_BUDGET_MS = 180_000;
/** Deliveries that did not grow for this long after the senders stopped: drained. */
const QUIET_MS = 1000;
const ACK_WAIT_MS = 15_000;
const ACCEPT_WARMUP_SECONDS = 1;

export async function runChatBench(o: ChatBenchOptions, log: Log): Promise<ChatReport> {
  const startedAt = new Date().toISOString();
  const machine = await machineAtStart({ postgresUrl: o.adminUrl, redisUrl: o.redisUrl });
  if (machine.record.disturbed) log(`load average ${machine.record.loadAvgBefore.join(' ')} at the start: this run is marked disturbed`);
  const db = await createBenchDatabase(o.adminUrl);
  const children: { viewers: Viewers[]; sender?: Sender } = { viewers: [] };
  try {
    log(`database ${db.name}; ${o.viewerProcesses} viewer processes, 1 sender process`);
    for (let i = 0; i < o.viewerProcesses; i++)
      children.viewers.push(await ChildHandle.spawn<ViewerApi, Record<string, never>>(new URL('./viewer-process.ts', import.meta.url), {}));
    children.sender = await ChildHandle.spawn<SenderApi, Record<string, never>>(new URL('./sender-process.ts', import.meta.url), {});
    const runs: ModeResult[] = [];
    let wire: ChatReport['wire'] = { perMessageDeflate: false, negotiatedExtensions: null };
    for (let n = 1; n <= o.rounds; n++)
      for (const mode of roundOrder(modesOf(o), n)) {
        const result = await runMode(mode, n, mode === 'naive' ? 0 : o.batchMs, db, children.viewers, children.sender, o, log);
        runs.push(result.mode);
        if (mode !== 'floor') wire = result.wire;
      }
    const audiences: AudienceSweep[] = [];
    for (const viewers of o.audiences) {
      const room = { ...o, viewers };
      const sweep: ModeResult[] = [];
      for (let n = 1; n <= o.rounds; n++)
        for (const mode of roundOrder(
          modesOf(o).filter((m) => m !== 'naive'),
          n,
        )) {
          const result = await runMode(mode, n, o.batchMs, db, children.viewers, children.sender, room, log);
          sweep.push(result.mode);
        }
      audiences.push({ viewers, runs: sweep, modes: summarizeModes(sweep) });
    }
    const { adminUrl: _a, redisUrl: _r, outDir: _d, ...options } = o;
    return {
      scenario: 'chat',
      schemaVersion: 2,
      startedAt,
      machine: machine.finish(),
      options,
      method: METHOD,
      wire,
      runs,
      ...summarize(runs, audiences, o.viewers),
      audiences,
    };
  } finally {
    await Promise.allSettled([...children.viewers.map((v) => v.close()), children.sender?.close()]);
    await db.drop();
  }
}

async function runMode(
  mode: ModeName,
  n: number,
  chatBatchMs: number,
  db: BenchDatabase,
  viewers: Viewers[],
  sender: Sender,
  o: ChatBenchOptions,
  log: Log,
): Promise<{ mode: ModeResult; wire: ChatReport['wire'] }> {
  const target = mode === 'floor' ? await floorTarget(chatBatchMs, o) : await hawkerTarget(`bench-chat-${mode}-${n}`, chatBatchMs, db, o);
  try {
    const { streamId, cookies } = target;
    const connectStarted = performance.now();
    await sender.request('connect', { url: target.url, cookies, concurrency: 10 });
    const senders = await poll(
      () => sender.request('progress', {}),
      (p) => p.done,
      CONNECT_BUDGET_MS,
      'senders to connect',
    );
    if (senders.failed > 0) throw new Error(`${senders.failed} senders could not connect: ${senders.firstError}`);
    // Warm the accept path (JIT, Prisma's query plans) while the room is still empty.
    await sender.request('start', { streamId, ratePerSecond: o.ratePerSecond, seconds: ACCEPT_WARMUP_SECONDS });
    await poll(
      () => sender.request('status', {}),
      (st) => !st.sending && st.awaiting === 0,
      ACK_WAIT_MS,
      'the warm-up acks',
    );
    const joined = await connectViewers(target, viewers, o, log);
    const broadcast = await probeBroadcast(target, joined.inRoom);
    const connectSeconds = round((performance.now() - connectStarted) / 1000);
    const tag = `round ${n} ${mode} (${o.viewers} viewers)`;
    log(
      `${tag}: ${joined.inRoom} viewers in the room, ${senders.connected} senders (${connectSeconds} s); sending ${o.ratePerSecond}/s for ${o.seconds} s`,
    );

    const t0 = Date.now();
    await Promise.all(viewers.map((v) => v.request('start', { t0 })));
    await sender.request('start', { streamId, ratePerSecond: o.ratePerSecond, seconds: o.seconds });
    await sleep(o.warmupSeconds * 1000);
    const a = await mark(viewers, sender);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await sleep((o.seconds - o.warmupSeconds) * 1000);
    const b = await mark(viewers, sender);
    loop.disable();

    const drainStarted = performance.now();
    const drained = await drain(viewers, sender, o.drainSeconds * 1000, joined.inRoom);
    const drainMs = Math.round(performance.now() - drainStarted);
    const finals = await Promise.all(viewers.map((v) => v.request('final', {})));
    const status = await sender.request('status', {});
    const result = modeResult(mode, n, chatBatchMs, o, {
      inRoom: joined.inRoom,
      failed: joined.failed,
      connectSeconds,
      senders: senders.connected,
      broadcast,
    });
    fillWindow(result, a, b, loop);
    fillTotals(result, finals, status, drainMs, drained.timedOut);
    log(
      `${tag}: ${Math.round(result.window.deliveriesPerSec)} deliveries/s, p99 ${result.latencyMs.p99} ms, ` +
        `one room broadcast ${broadcast.cpuMs} ms cpu (${broadcast.wallMs} ms wall), ` +
        `${result.totals.completePct}% delivered, api ${result.window.apiCpuPct}% cpu, viewers ${result.window.viewerCpuPct}% cpu`,
    );
    return {
      mode: result,
      wire: { perMessageDeflate: target.perMessageDeflate, negotiatedExtensions: joined.extensions },
    };
  } finally {
    // Viewers first: with the room empty a naive backlog drains in moments, then the last acks come in.
    await Promise.allSettled(viewers.map((v) => v.request('disconnect', {})));
    await poll(
      () => sender.request('status', {}),
      (s) => s.awaiting === 0,
      ACK_WAIT_MS,
      'the last acks',
    ).catch(() => undefined);
    await sender.request('disconnect', {}).catch(() => undefined);
    await target.close();
  }
}

async function connectViewers(target: ChatTarget, viewers: Viewers[], o: ChatBenchOptions, log: Log) {
  const streamId = target.streamId;
  const share = (i: number) => Math.floor(o.viewers / viewers.length) + (i < o.viewers % viewers.length ? 1 : 0);
  await Promise.all(
    viewers.map((v, i) =>
      v.request('connect', { url: target.url, count: share(i), streamId, join: o.join, concurrency: o.connectConcurrency }),
    ),
  );
  let lastLog = performance.now();
  const progress = await poll(
    () => Promise.all(viewers.map((v) => v.request('progress', {}))),
    (ps) => {
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        log(`  … ${ps.reduce((n, p) => n + p.connected, 0)} of ${o.viewers} viewers connected`);
      }
      return ps.every((p) => p.done);
    },
    CONNECT_BUDGET_MS,
    'viewers to connect',
  );
  const sum = (f: (p: ConnectProgress) => number) => progress.reduce((n, p) => n + f(p), 0);
  const connected = sum((p) => p.connected);
  if (connected === 0) throw new Error(`no viewer could connect: ${progress.find((p) => p.firstError)?.firstError}`);
  // One server-side join instead of N room:join requests (see --join in options.ts).
  if (o.join === 'server') target.joinViewers();
  const inRoom = await poll(
    () => Promise.resolve(target.roomSize()),
    (n) => n >= connected,
    10_000,
    'viewers in the room',
  ).catch(() => target.roomSize());
  return { inRoom, failed: sum((p) => p.failed), extensions: progress.find((p) => p.extensions !== null)?.extensions ?? null };
}

/**
 * What one emit to the whole room costs the node (median of 5 after 2 to
 * warm up, quiet room): CPU time, and wall time, which also counts the time
 * other processes on the machine took the core away. Hawker writes a big
 * room's broadcast 500 sockets per event-loop turn (broadcast-turns.ts), so
 * both run until a turn goes by with next to no CPU (every batch written).
 */
async function probeBroadcast(target: ChatTarget, inRoom: number): Promise<ModeResult['broadcast']> {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 7; i++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    target.broadcast(inRoom);
    await quietTurn();
    const used = process.cpuUsage(cpuBefore);
    if (i >= 2) {
      wall.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
    }
    await sleep(300);
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const cpuMs = median(cpu);
  return { cpuMs: round(cpuMs), wallMs: round(median(wall)), cpuMicrosPerViewer: inRoom ? round((cpuMs * 1000) / inRoom, 2) : 0 };
}

/** Resolves after the first event-loop turn that used under 0.3 ms of CPU (at most 1,000 turns). */
async function quietTurn(): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.cpuUsage(before);
    if (used.user + used.system < 300) return;
  }
}

async function mark(viewers: Viewers[], sender: Sender): Promise<Mark> {
  const [snaps, status] = await Promise.all([
    Promise.all(viewers.map((v) => v.request('snapshot', { latency: true }))),
    sender.request('status', {}),
  ]);
  return { viewers: snaps, sender: status, apiCpu: process.cpuUsage(), atNs: process.hrtime.bigint() };
}

/** Waits until every accepted message reached every viewer, deliveries stop growing, or the budget ends. */
async function drain(viewers: Viewers[], sender: Sender, budgetMs: number, inRoom: number): Promise<{ timedOut: boolean }> {
  const deadline = performance.now() + budgetMs;
  let last = -1;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    const [snaps, status] = await Promise.all([Promise.all(viewers.map((v) => v.request('snapshot', {}))), sender.request('status', {})]);
    const delivered = snaps.reduce((n, s) => n + s.deliveries, 0);
    if (!status.sending && status.awaiting === 0 && delivered >= status.accepted * inRoom) return { timedOut: false };
    if (delivered !== last) {
      last = delivered;
      quietSince = performance.now();
    } else if (!status.sending && status.awaiting === 0 && performance.now() - quietSince > QUIET_MS) return { timedOut: false };
    await sleep(POLL_MS);
  }
  return { timedOut: true };
}

/** Calls `probe` every POLL_MS until `done` holds; throws after `budgetMs`. */
async function poll<T>(probe: () => Promise<T>, done: (value: T) => boolean, budgetMs: number, what: string): Promise<T> {
  const deadline = performance.now() + budgetMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}
