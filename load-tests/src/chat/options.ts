import { parseArgs } from 'node:util';
import type { JoinMode } from './viewer-process.js';
import { defaultResultsDir } from '../report/results.js';

export interface ChatBenchOptions {
  /** Viewer sockets in the one room. */
  viewers: number;
  /** Smaller rooms run after the main rounds (batched and floor only, same rounds): p99 by audience. */
  audiences: number[];
  /** Processes the viewers are spread over (each holds viewers / this many). */
  viewerProcesses: number;
  /** Messages per second the senders offer (open loop), in both modes. */
  ratePerSecond: number;
  /** Logged-in users taking turns to send; each stays under the 1 message/s token bucket. */
  senders: number;
  /** How long the senders send, per mode. */
  seconds: number;
  /** The first part of the send time that is not measured (ramp-in: the first batch window, JIT). */
  warmupSeconds: number;
  /** At most this long after the senders stop for the last deliveries (a backlog past it is "undelivered"). */
  drainSeconds: number;
  /** CHAT_BATCH_MS of the batched mode (the naive baseline is always 0). */
  batchMs: number;
  join: JoinMode;
  /** Sockets connecting at once per process. */
  connectConcurrency: number;
  /** Each round runs every mode once, the order rotated round by round. */
  rounds: number;
  /** Run the raw ws floor (targets.ts) as a third mode. */
  floor: boolean;
  /** Admin connection: the bench creates (and drops) its own database. */
  adminUrl: string;
  redisUrl: string;
  /** Where chat-*.json/svg go; undefined: do not write files. */
  outDir: string | undefined;
}

/** Senders so that each user sends at most ~0.7 messages/s (the bucket refills 1/s). */
export const sendersFor = (ratePerSecond: number) => Math.max(2, Math.ceil(ratePerSecond * 1.5));

export function defaultOptions(): ChatBenchOptions {
  return {
    viewers: 10_000,
    audiences: [2_500, 5_000],
    viewerProcesses: 2,
    ratePerSecond: 20,
    senders: sendersFor(20),
    seconds: 12,
    warmupSeconds: 2,
    drainSeconds: 8,
    batchMs: 100,
    join: 'server',
    connectConcurrency: 50,
    rounds: 3,
    floor: true,
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    outDir: defaultResultsDir,
  };
}

export const USAGE = `usage: npm run bench -- chat [options]
  One room, N viewer sockets (lean Engine.IO clients in child processes), senders
  offering a fixed rate through chat:send; with chat batching (CHAT_BATCH_MS) and
  with the naive one-emit-per-message baseline (CHAT_BATCH_MS=0), and the raw floor
  (a plain ws server, the same frames), in rotated rounds (round 1 batched, naive,
  floor; round 2 naive, floor, batched; …), each run on a fresh server; medians
  with min/max over the rounds; then the same rounds with smaller rooms (batched
  and floor), for p99 by audience. ~40 s per run at the defaults (9 + 12 runs).
  --viewers N           viewer sockets in the room (default 10000)
  --audiences a,b|none  smaller rooms after the main rounds (default 2500,5000)
  --rate R              messages per second offered (default 20: within what the
                        batched mode carries at 10,000 viewers on 2 vCPUs, and ~5×
                        what the naive baseline does, so the ratio is a floor)
  --seconds S           send time per mode (default 12; the first 2 s are not measured)
  --warmup S            unmeasured ramp-in (default 2)
  --drain S             at most S s for the last deliveries (default 8)
  --batch-ms MS         CHAT_BATCH_MS of the batched mode (default 100)
  --senders N           users taking turns (default 1.5 × rate)
  --processes N         viewer processes (default 2)
  --rounds N            rounds, each running every mode once (default 3)
  --no-floor            skip the raw floor: a plain ws server writing the same frames
                        to the same sockets (Hawker's CPU per delivery ÷ its)
  --join server|event   server: the bench puts the viewers into the room itself (default);
                        event: every viewer sends room:join (the real join path:
                        presence, snapshot; ~80-90 s for 10,000 on 2 vCPUs per mode)
  --out DIR             results directory (default load-tests/results)
  --no-write            print only`;

function positive(name: string, value: string | undefined, integer: boolean, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got '${value}'`);
  return n;
}

/** Parses the scenario's flags; throws with a message fit for the terminal (USAGE itself for --help). */
export function parseChatArgs(argv: string[]): ChatBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      viewers: { type: 'string' },
      audiences: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      drain: { type: 'string' },
      'batch-ms': { type: 'string' },
      senders: { type: 'string' },
      processes: { type: 'string' },
      rounds: { type: 'string' },
      'no-floor': { type: 'boolean', default: false },
      join: { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const o = defaultOptions();
  o.viewers = positive('viewers', values.viewers, true) ?? o.viewers;
  if (values.audiences !== undefined)
    o.audiences = values.audiences === 'none' ? [] : values.audiences.split(',').map((a) => positive('audiences', a.trim(), true)!);
  o.audiences = [...new Set(o.audiences)].filter((a) => a !== o.viewers).sort((a, b) => a - b);
  o.ratePerSecond = positive('rate', values.rate, false) ?? o.ratePerSecond;
  o.senders = positive('senders', values.senders, true) ?? sendersFor(o.ratePerSecond);
  o.seconds = positive('seconds', values.seconds, false) ?? o.seconds;
  o.warmupSeconds = positive('warmup', values.warmup, false, 0) ?? Math.min(o.warmupSeconds, o.seconds / 4);
  o.drainSeconds = positive('drain', values.drain, false) ?? o.drainSeconds;
  o.batchMs = positive('batch-ms', values['batch-ms'], true) ?? o.batchMs;
  o.viewerProcesses = positive('processes', values.processes, true) ?? o.viewerProcesses;
  o.rounds = positive('rounds', values.rounds, true) ?? o.rounds;
  if (values['no-floor']) o.floor = false;
  if (values.join !== undefined) {
    if (values.join !== 'server' && values.join !== 'event') throw new Error(`--join must be server or event, got '${values.join}'`);
    o.join = values.join;
  }
  if (values.out !== undefined) o.outDir = values.out;
  if (values['no-write']) o.outDir = undefined;
  if (Math.max(o.viewers, ...o.audiences) > 20_000)
    throw new Error('--viewers, --audiences: at most 20000 (file descriptors, ephemeral ports)');
  if (o.rounds > 20) throw new Error('--rounds: at most 20');
  if (o.seconds > 120 || o.drainSeconds > 60) throw new Error('--seconds at most 120, --drain at most 60');
  if (o.warmupSeconds >= o.seconds) throw new Error('--warmup must be shorter than --seconds');
  if (o.senders < o.ratePerSecond) throw new Error(`--senders must be ≥ --rate (the token bucket allows each user 1 message/s)`);
  return o;
}
