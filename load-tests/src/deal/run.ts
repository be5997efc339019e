import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadApiConfig } from '../../../api/src/config.js';
import { checkLedger } from '../../../api/src/repositories/ledger-check.repository.js';
import { startApiServer, type RunningApi } from '../../../api/src/server.js';
import { LatencyHistogram, summarizeHistogram, type LatencySummary, type SparseHistogram } from '../chat/histogram.js';
import { createBenchDatabase, createChatters } from '../chat/fixtures.js';
import { machineAtStart, type MachineRecord } from '../report/machine.js';
import { ChildHandle, cpuFraction } from '../sfu/ipc.js';
import type { BuyerApi, BuyerProgress, RushResult } from './buyer-process.js';
import { startNaiveServer } from './naive-server.js';

export type DealBenchOptions = {
  buyers: number;
  units: number;
  perBuyerLimit: number;
  /** The presses are spread evenly over this window ("10,000 buyers in one second"). */
  spreadMs: number;
  buyerProcesses: number;
  adminUrl: string;
  redisUrl: string;
};

export type DealModeResult = {
  mode: 'hawker' | 'naive';
  attempts: number;
  acked: number;
  lost: number;
  codes: Record<string, number>;
  /** Attempts answered per second: attempts / (last ack − first press). */
  attemptsPerSecond: number;
  /** Seconds from the first press to the last ack. */
  seconds: number;
  ackLatencyMs: LatencySummary;
  /** [percentile, ms]: the whole ack-latency distribution, for the chart. */
  ackLatencyCdf: [number, number][];
  sold: number;
  oversold: number;
  overLimitBuyers: number;
  ledgerProblems: number | null;
  pushedFrames: number;
  buyerCpuCores: number;
};

export type DealReport = {
  scenario: 'deal';
  startedAt: string;
  machine: MachineRecord;
  options: Omit<DealBenchOptions, 'adminUrl' | 'redisUrl'>;
  modes: DealModeResult[];
  summary: {
    ratio: number;
    hawkerAttemptsPerSecond: number;
    oversold: number;
    targets: { attemptsPerSecond: boolean; ratio: boolean; oversold: boolean };
  };
};

type Buyers = ChildHandle<BuyerApi, Record<string, never>>;
type Log = (line: string) => void;
const CONNECT_BUDGET_MS = 300_000;
const ACK_TIMEOUT_MS = 120_000;

/**
 * `npm run bench -- deal`: N logged-in buyers in one live room press Buy on a
 * flash deal within one second. Hawker (a real api node with Redis: the gate,
 * then the marketplace checkout into escrow) against the naive row-lock
 * purchase (naive-server.ts), on the same fresh database, in the same run.
 */
export async function runDealBench(o: DealBenchOptions, log: Log): Promise<DealReport> {
  const startedAt = new Date().toISOString();
  const machine = await machineAtStart({ postgresUrl: o.adminUrl, redisUrl: o.redisUrl });
  if (machine.record.disturbed) log(`load average ${machine.record.loadAvgBefore.join(' ')} at the start: this run is marked disturbed`);
  const db = await createBenchDatabase(o.adminUrl);
  const children: Buyers[] = [];
  let api: RunningApi | undefined;
  try {
    for (let i = 0; i < o.buyerProcesses; i++)
      children.push(await ChildHandle.spawn<BuyerApi, Record<string, never>>(new URL('./buyer-process.ts', import.meta.url), {}));
    api = await startApiServer(
      loadApiConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        REDIS_URL: o.redisUrl,
        LOG_LEVEL: 'warn',
        NODE_ID: 'bench-deal',
        SCHEDULER_INTERVAL_SECONDS: '0',
        // Every bench socket comes from 127.0.0.1: the per-IP caps would refuse all but the first few hundred.
        SOCKETS_PER_IP: '1000000',
        GUEST_VIEWERS_PER_IP: '1000000',
      }),
    );
    const cookies = await createChatters(api, o.buyers);
    const show = await createShow(api, o.units * 2);
    log(
      `database ${db.name}; ${o.buyers} buyers in ${o.buyerProcesses} processes; ${o.units} units, ${o.perBuyerLimit} per buyer, presses over ${o.spreadMs} ms`,
    );

    const hawkerDeal = await launch(api, show, o);
    const stopJoinProfile = await profileIf(process.env.DEAL_PROFILE_JOIN);
    await connect(children, api.url, cookies, show.streamId, log);
    await stopJoinProfile();
    const stopProfile = await profileIf(process.env.DEAL_PROFILE);
    const hawker = await rushOnce(children, show.streamId, hawkerDeal, o, 'hawker');
    await stopProfile();
    const prisma = api.services.db.prisma;
    const sold = (await prisma.flashDeal.findUniqueOrThrow({ where: { id: hawkerDeal } })).soldCount;
    const overLimit = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM (SELECT o."buyerId" FROM orders o JOIN order_items i ON i."orderId" = o.id
         WHERE i."flashDealId" = $1::uuid AND o.status <> 'cancelled' GROUP BY 1 HAVING sum(i.quantity) > $2) x`,
      hawkerDeal,
      o.perBuyerLimit,
    );
    const ledgerProblems = (await checkLedger(prisma)).length;
    const hawkerResult = modeResult('hawker', hawker, sold, o.units, Number(overLimit[0]?.n ?? 0), ledgerProblems);
    log(line(hawkerResult));
    await Promise.all(children.map((c) => c.request('disconnect', {})));
    await api.services.deals.endExpired(new Date(Date.now() + 86_400_000));

    const naiveDeal = await launch(api, show, o);
    const naive = await startNaiveServer(db.url, 10);
    try {
      await connect(children, naive.url, cookies, show.streamId, log);
      const rushed = await rushOnce(children, show.streamId, naiveDeal, o, 'naive');
      const n = await naive.sold(naiveDeal);
      const naiveResult = modeResult('naive', rushed, n.units, o.units, n.overLimitBuyers, null);
      log(line(naiveResult));
      await Promise.all(children.map((c) => c.request('disconnect', {})));
      const ratio = hawkerResult.attemptsPerSecond / naiveResult.attemptsPerSecond;
      return {
        scenario: 'deal',
        startedAt,
        machine: machine.finish(),
        options: {
          buyers: o.buyers,
          units: o.units,
          perBuyerLimit: o.perBuyerLimit,
          spreadMs: o.spreadMs,
          buyerProcesses: o.buyerProcesses,
        },
        modes: [hawkerResult, naiveResult],
        summary: {
          ratio,
          hawkerAttemptsPerSecond: hawkerResult.attemptsPerSecond,
          oversold: hawkerResult.oversold,
          targets: {
            attemptsPerSecond: hawkerResult.attemptsPerSecond >= 5000,
            ratio: ratio >= 5,
            oversold: hawkerResult.oversold === 0 && hawkerResult.overLimitBuyers === 0,
          },
        },
      };
    } finally {
      await naive.close();
    }
  } finally {
    for (const c of children) await c.close();
    await api?.close();
    await db.drop();
  }
}

type Show = { streamId: string; listingId: string; creatorId: string };

/** A creator's live stream and a listing with stock for two deals (one per mode). */
async function createShow(api: RunningApi, stock: number): Promise<Show> {
  const prisma = api.services.db.prisma;
  const tag = randomBytes(4).toString('hex');
  const creator = await prisma.user.create({
    data: { email: `bench-host-${tag}@bench.hawker`, passwordHash: 'not-used', displayName: `Host ${tag}`, roles: ['creator', 'seller'] },
  });
  const shop = await prisma.shop.create({ data: { ownerId: creator.id, name: `Bench shop ${tag}`, slug: `bench-${tag}` } });
  const listing = await prisma.listing.create({
    data: {
      shopId: shop.id,
      title: 'Flash deal sneakers',
      description: 'Bench listing',
      category: 'shoes',
      priceMinor: 5000,
      currency: 'USD',
      stock,
      status: 'active',
    },
  });
  const stream = await prisma.stream.create({ data: { creatorId: creator.id, title: 'Deal rush', status: 'live', startedAt: new Date() } });
  return { streamId: stream.id, listingId: listing.id, creatorId: creator.id };
}

const DEAL_PRICE_MINOR = 1999;

async function launch(api: RunningApi, show: Show, o: DealBenchOptions): Promise<string> {
  const deal = await api.services.deals.launch(
    { userId: show.creatorId, roles: ['creator', 'seller'] },
    {
      streamId: show.streamId,
      listingId: show.listingId,
      dealPriceMinor: DEAL_PRICE_MINOR,
      quantity: o.units,
      perBuyerLimit: o.perBuyerLimit,
      durationSeconds: 600,
    },
  );
  return deal.id;
}

async function connect(children: Buyers[], url: string, cookies: string[], streamId: string, log: Log): Promise<void> {
  const share = Math.ceil(cookies.length / children.length);
  const started = Date.now();
  await Promise.all(
    children.map((c, i) => c.request('connect', { url, cookies: cookies.slice(i * share, (i + 1) * share), streamId, concurrency: 100 })),
  );
  const done = await Promise.all(
    children.map((c) =>
      waitFor(
        () => c.request('progress', {}),
        (p: BuyerProgress) => p.done,
        CONNECT_BUDGET_MS,
      ),
    ),
  );
  const failed = done.reduce((n, p) => n + p.failed, 0);
  if (failed > 0) throw new Error(`${failed} buyers could not connect: ${done.find((p) => p.firstError)?.firstError}`);
  log(`${cookies.length} buyers connected and in the room (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function rushOnce(children: Buyers[], streamId: string, dealId: string, o: DealBenchOptions, mode: string): Promise<RushResult[]> {
  // A moment for the room to settle after the joins; every process starts on the same clock.
  const t0 = Date.now() + 1000;
  const keyPrefix = `bench-${mode}-${dealId}`;
  await Promise.all(
    children.map((c, i) =>
      c.request('rush', {
        streamId,
        dealId,
        unitPriceMinor: DEAL_PRICE_MINOR,
        t0,
        spreadMs: o.spreadMs,
        keyPrefix: `${keyPrefix}-${i}`,
        ackTimeoutMs: ACK_TIMEOUT_MS,
      }),
    ),
  );
  return Promise.all(
    children.map((c) =>
      waitFor(
        () => c.request('result', {}),
        (r: RushResult | null) => r !== null,
        ACK_TIMEOUT_MS + 30_000,
      ),
    ),
  ) as Promise<RushResult[]>;
}

function modeResult(
  mode: 'hawker' | 'naive',
  parts: RushResult[],
  sold: number,
  units: number,
  overLimitBuyers: number,
  ledgerProblems: number | null,
): DealModeResult {
  const codes: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.codes)) codes[k] = (codes[k] ?? 0) + v;
  const first = Math.min(...parts.map((p) => p.firstSendAt));
  const last = Math.max(...parts.map((p) => p.lastAckAt));
  const attempts = parts.reduce((n, p) => n + p.attempts, 0);
  const seconds = Math.max(0.001, (last - first) / 1000);
  const merged = LatencyHistogram.merge(parts.map((p) => p.latency));
  return {
    mode,
    attempts,
    acked: parts.reduce((n, p) => n + p.acked, 0),
    lost: parts.reduce((n, p) => n + p.lost, 0),
    codes,
    attemptsPerSecond: Math.round(attempts / seconds),
    seconds: Math.round(seconds * 1000) / 1000,
    ackLatencyMs: summarizeHistogram(merged),
    ackLatencyCdf: cdf(merged),
    sold,
    oversold: Math.max(0, sold - units) + Math.max(0, (codes.ok ?? 0) - units),
    overLimitBuyers,
    ledgerProblems,
    pushedFrames: parts.reduce((n, p) => n + p.pushedFrames, 0),
    buyerCpuCores: Math.round(parts.reduce((s, p) => s + cpuFraction(p.cpuBefore, p.cpuAfter), 0) * 100) / 100,
  };
}

function line(r: DealModeResult): string {
  const l = r.ackLatencyMs;
  return `${r.mode}: ${r.attempts} attempts in ${r.seconds} s = ${r.attemptsPerSecond}/s; ack p50 ${l.p50} ms, p99 ${l.p99} ms; sold ${r.sold}, oversold ${r.oversold}, over-limit buyers ${r.overLimitBuyers}; codes ${JSON.stringify(r.codes)}${r.ledgerProblems === null ? '' : `; ledger problems ${r.ledgerProblems}`}`;
}

function cdf(h: SparseHistogram): [number, number][] {
  const total = h.reduce((n, [, c]) => n + c, 0);
  const out: [number, number][] = [];
  let seen = 0;
  let next = 0;
  for (const [ms, c] of h) {
    seen += c;
    while (next <= 100 && seen >= (next / 100) * total) {
      out.push([next, ms]);
      next += 2;
    }
  }
  return out;
}

/** DEAL_PROFILE=<file.cpuprofile>: a CPU profile of this process (the api) during the Hawker rush only. */
async function profileIf(file: string | undefined): Promise<() => Promise<void>> {
  if (!file) return () => Promise.resolve();
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error('the bench waited too long for its buyers');
    await sleep(250);
  }
}
