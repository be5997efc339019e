import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkLedger } from '../../../api/src/repositories/ledger-check.repository.js';
import type { RunningApi } from '../../../api/src/server.js';
import { createBenchDatabase, createChatters, startRoomBenchApi } from '../chat/fixtures.js';
import { measuredCode } from '../report/code.js';
import { machineAtStart } from '../report/machine.js';
import { ChildHandle } from '../sfu/ipc.js';
import type { BuyerApi, BuyerProgress, RushResult } from './buyer-process.js';
import { startNaiveServer } from './naive-server.js';
import { line, modeResult, summarize, type DealMode, type DealModeResult, type DealReport } from './results.js';

export { TARGETS, type DealReport } from './results.js';

export type DealBenchOptions = {
  buyers: number;
  units: number;
  perBuyerLimit: number;
  /** The presses are spread evenly over this window ("10,000 buyers in one second"). */
  spreadMs: number;
  buyerProcesses: number;
  /** Each round runs both modes, the order rotated round by round. */
  rounds: number;
  adminUrl: string;
  redisUrl: string;
};

type Buyers = ChildHandle<BuyerApi, Record<string, never>>;
type Log = (line: string) => void;
const CONNECT_BUDGET_MS = 300_000;
const ACK_TIMEOUT_MS = 120_000;
const MEASURED_FILES = [
  'api/src/services/deal.service.ts',
  'api/src/services/deal-reservations.ts',
  'api/src/repositories/deal-gate.repository.ts',
  'api/src/realtime/admission.ts',
  'api/src/services/room.service.ts',
  'load-tests/src/deal/naive-server.ts',
];

/**
 * `npm run bench -- deal`: N logged-in buyers in one live room press Buy on a
 * flash deal within one second. Hawker (a real api node with Redis: the gate
 * answers, the checkout into escrow runs behind) against the naive row-lock
 * purchase (naive-server.ts), on the same fresh database, in rotated rounds.
 */
export async function runDealBench(o: DealBenchOptions, log: Log): Promise<DealReport> {
  const startedAt = new Date().toISOString();
  const machine = await machineAtStart({ postgresUrl: o.adminUrl, redisUrl: o.redisUrl });
  if (machine.record.disturbed) log(`load average ${machine.record.loadAvgBefore.join(' ')} at the start: this run is marked disturbed`);
  const code = await measuredCode(MEASURED_FILES);
  const db = await createBenchDatabase(o.adminUrl, 'deal');
  const children: Buyers[] = [];
  let api: RunningApi | undefined;
  try {
    for (let i = 0; i < o.buyerProcesses; i++)
      children.push(await ChildHandle.spawn<BuyerApi, Record<string, never>>(new URL('./buyer-process.ts', import.meta.url), {}));
    api = await startRoomBenchApi({ DATABASE_URL: db.url, REDIS_URL: o.redisUrl, NODE_ID: 'bench-deal' });

    const cookies = await createChatters(api, o.buyers);
    const show = await createShow(api, o.units * 2 * o.rounds);
    log(
      `database ${db.name}; ${o.buyers} buyers in ${o.buyerProcesses} processes; ${o.units} units, ${o.perBuyerLimit} per buyer, presses over ${o.spreadMs} ms; ${o.rounds} rounds`,
    );
    const runs: DealModeResult[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      const order: DealMode[] = round % 2 === 1 ? ['hawker', 'naive'] : ['naive', 'hawker'];
      for (const mode of order) {
        const result = await runMode(mode, round, api, db.url, children, cookies, show, o, log);
        runs.push(result);
        log(`round ${round} ${line(result)}`);
      }
    }
    return summarize(startedAt, machine.finish(), code, o, runs);
  } finally {
    for (const c of children) await c.close();
    await api?.close();
    await db.drop();
  }
}

async function runMode(
  mode: DealMode,
  round: number,
  api: RunningApi,
  dbUrl: string,
  children: Buyers[],
  cookies: string[],
  show: Show,
  o: DealBenchOptions,
  log: Log,
): Promise<DealModeResult> {
  const dealId = await launch(api, show, o);
  const naive = mode === 'naive' ? await startNaiveServer(dbUrl, 10) : null;
  try {
    const joinStarted = Date.now();
    const stopJoinProfile = await profileIf(mode === 'hawker' && round === 1 ? process.env.DEAL_PROFILE_JOIN : undefined);
    await connect(children, naive?.url ?? api.url, cookies, show.streamId, log);
    await stopJoinProfile();
    const joinSeconds = (Date.now() - joinStarted) / 1000;
    const stopProfile = await profileIf(mode === 'hawker' && round === 1 ? process.env.DEAL_PROFILE : undefined);
    const rushed = await rushOnce(children, show.streamId, dealId, o, `${mode}-${round}`);
    await stopProfile();
    const prisma = api.services.db.prisma;
    if (naive) {
      const n = await naive.sold(dealId);
      return modeResult(mode, round, joinSeconds, rushed, n.units, o.units, n.overLimitBuyers, null);
    }
    const sold = (await prisma.flashDeal.findUniqueOrThrow({ where: { id: dealId } })).soldCount;
    const overLimit = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM (SELECT o."buyerId" FROM orders o JOIN order_items i ON i."orderId" = o.id
         WHERE i."flashDealId" = $1::uuid AND o.status <> 'cancelled' GROUP BY 1 HAVING sum(i.quantity) > $2) x`,
      dealId,
      o.perBuyerLimit,
    );
    const ledgerProblems = (await checkLedger(prisma)).length;
    return modeResult(mode, round, joinSeconds, rushed, sold, o.units, Number(overLimit[0]?.n ?? 0), ledgerProblems);
  } finally {
    await Promise.all(children.map((c) => c.request('disconnect', {})));
    await naive?.close();
    await api.services.deals.endExpired(new Date(Date.now() + 86_400_000));
    // A moment for presence and the sockets' last frames to settle before the next run.
    await sleep(2000);
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
        outcomeTimeoutMs: 60_000,
      }),
    ),
  );
  return Promise.all(
    children.map((c) =>
      waitFor(
        () => c.request('result', {}),
        (r: RushResult | null) => r !== null,
        ACK_TIMEOUT_MS + 90_000,
      ),
    ),
  ) as Promise<RushResult[]>;
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
