import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AdClicksReport } from '../ads/clicks-run.js';
import type { AdsPoint, AdsReport, ModeSummary as AdsModeSummary } from '../ads/run.js';
import { defaultOptions as chatDefaults } from '../chat/options.js';
import type { ChatReport, ChatReportV1 } from '../chat/report.js';
import { TARGETS as DEAL_TARGETS, type DealModeSummary, type DealReport } from '../deal/results.js';
import type { LedgerReport } from '../ledger/run.js';
import type { PageWeightReport } from '../page-weight/run.js';
import { defaultOptions as sfuDefaults } from '../sfu/options.js';
import type { SfuReport, TargetSummary } from '../sfu/report.js';
import { DISTURBED_LOADAVG, type MachineRecord } from './machine.js';
import { defaultResultsDir } from './results.js';
import type { Spread } from './stats.js';

/**
 * The README's benchmark tables, rendered from `load-tests/results/<name>-latest.json`.
 * README.md holds each between `<!-- bench-table:<name> -->` and
 * `<!-- /bench-table:<name> -->`; `npm run bench:tables` rewrites them and
 * test/quality/readme-bench-tables.test.ts fails when they differ, so every
 * figure in those tables is one a results file holds.
 */
export const BENCH_TABLES = ['sfu', 'ledger', 'chat', 'deal', 'ads', 'ad-clicks', 'page-weight'] as const;
export type BenchTable = (typeof BENCH_TABLES)[number];

/**
 * Earlier runs the README's prose compares with (before a change, or another day): one
 * generated line each, from their own files, so the comparison is not hand-typed either.
 */
export const EARLIER_RUNS: Record<BenchTable, string[]> = {
  sfu: ['sfu-2026-11-22T08-49-28.345Z.json'],
  ledger: ['ledger-2026-11-22T09-53-44-905Z.json', 'ledger-2026-12-01T10-51-05-935Z.json'],
  chat: [
    'chat-2026-12-01T09-34-04.216Z.json',
    'chat-2026-12-01T09-36-01.319Z.json',
    'chat-2026-12-01T09-37-24.361Z.json',
    'chat-2026-12-01T11-05-44.993Z.json',
  ],
  deal: [],
  ads: ['ads-2026-12-06T15-52-06.423Z.json', 'ads-2026-12-06T15-56-54.137Z.json'],
  'ad-clicks': ['ad-clicks-2026-12-06T16-53-08.875Z.json'],
  'page-weight': ['page-weight-2026-12-06T17-17-19.799Z.json'],
};

/** What ledger files from before the like-for-like baseline were judged by (they do not hold it; newer files record their own target). */
export const LEDGER_TARGET_RATIO = 1;

export const DEAL_NO_RESULTS = 'No results file in the current format yet: run `npm run bench -- deal`.';

// ---------------------------------------------------------------- formatting

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const kilo = (n: number) => `~${Math.round(n / 1000)}k`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const pct = (n: number) => `${Math.round(n)} %`;
const met = (ok: boolean | null | undefined) => (ok ? '**met**' : '**not met**');

/** Milliseconds: 86 ms, 6.8 s. */
function ms(n: number): string {
  if (n >= 1000) return `${(n / 1000).toFixed(1)} s`;
  if (n >= 10) return `${Math.round(n)} ms`;
  return `${n.toFixed(1)} ms`;
}

/** Microseconds: 13.0 µs, 371 µs, 1.50 ms, 11.3 ms. */
function us(n: number): string {
  if (n < 100) return `${n.toFixed(1)} µs`;
  if (n < 1000) return `${Math.round(n)} µs`;
  if (n < 10_000) return `${(n / 1000).toFixed(2)} ms`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} ms`;
  return `${(n / 1_000_000).toFixed(2)} s`;
}

/** A ratio: 0.89×, 4.12×, 28.7×, 562×. */
function times(n: number): string {
  if (n >= 100) return `${int(n)}×`;
  if (n >= 10) return `${n.toFixed(1)}×`;
  return `${n.toFixed(2)}×`;
}

/** A target as the issue states it: 3×, 10×. */
const targetTimes = (n: number) => `${n}×`;

const UNIT = /^(.*?)(\s?(?:µs|ms|s|kB|×))$/;

/** `median [min–max]` (one unit after the range when both ends share it), or the median alone when every round gave the same. */
function spread(s: Spread, f: (n: number) => string, bold = false): string {
  const m = bold ? `**${f(s.median)}**` : f(s.median);
  if (s.min === s.max) return m;
  const [lo, hi] = [f(s.min), f(s.max)];
  const a = UNIT.exec(lo);
  const b = UNIT.exec(hi);
  return a && b && a[2] === b[2] ? `${m} [${a[1]}–${b[1]}${b[2]}]` : `${m} [${lo}–${hi}]`;
}

function range(xs: number[], f: (n: number) => string = int): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

// ------------------------------------------------------------------ machine

/** Every machine record the results files hold, old and new (older files lack fields; sfu says loadAvgAtStart). */
export type AnyMachine = Partial<MachineRecord> & {
  cpus: number;
  node: string;
  loadAvgAtStart?: number[];
  mediasoup?: string;
  chromium?: string;
};

function loadAtStart(m: AnyMachine): number | undefined {
  return (m.loadAvgBefore ?? m.loadAvgAtStart)?.[0];
}

/** A run is disturbed when its file says so; a file from before the flag, when its load says so. */
function disturbed(m: AnyMachine): boolean {
  const load = loadAtStart(m);
  return m.disturbed ?? (load !== undefined && load > DISTURBED_LOADAVG);
}

/** Where and when a run ran: the line every block starts with. */
export function machineLine(file: string, report: { startedAt: string; full?: boolean; machine: AnyMachine }): string {
  const m = report.machine;
  const parts = [`${m.cpus} cores${m.cpuModel ? ` (${m.cpuModel})` : ''}`];
  if (m.totalMemMb) parts.push(`${int(m.totalMemMb)} MB`);
  parts.push(`Node ${m.node}`);
  if (m.postgres !== undefined && m.postgres !== null)
    parts.push(m.postgres === '?' ? 'PostgreSQL (version not recorded)' : `PostgreSQL ${m.postgres}`);
  if (m.redis) parts.push(`Redis ${m.redis}`);
  if (m.mediasoup) parts.push(`mediasoup ${m.mediasoup}`);
  if (m.chromium) parts.push(`Chromium ${m.chromium}`);
  const load = loadAtStart(m);
  const loadText = load === undefined ? 'load average not recorded' : `1-minute load ${load} at the start`;
  const flag = disturbed(m)
    ? ` **Disturbed**: the load was above ${DISTURBED_LOADAVG} at the start${m.disturbed === undefined ? ' (the file predates the flag)' : ''}; read the ratios rather than the absolute figures.`
    : '';
  const partial = report.full === false ? ' **Not a full run.**' : '';
  return `\`load-tests/results/${file}\`, run of ${report.startedAt}: ${parts.join(', ')}; ${loadText}.${flag}${partial}`;
}

/** Options that differ from the scenario's defaults (only a full run should be `*-latest`). */
function differing<T extends object>(options: T, defaults: T, keys: (keyof T)[]): string[] {
  return keys.filter((k) => JSON.stringify(options[k]) !== JSON.stringify(defaults[k])).map(String);
}

function notFull(diff: string[]): string {
  return diff.length === 0 ? '' : ` **Not a full run**: ${diff.join(', ')} differ from the defaults.`;
}

// ---------------------------------------------------------------------- sfu

type AnySfuReport = Omit<SfuReport, 'machine'> & { machine: AnyMachine };

function sfuRow(label: string, t: TargetSummary, targets: SfuReport['summary']['targets'] | null, m: SfuReport['summary']['met'] | null) {
  const perCore = t.forwardedPerCoreAtCarries === null ? '–' : kilo(t.forwardedPerCoreAtCarries);
  const p95 = t.latencyP95MsAtCarries === null ? '–' : ms(t.latencyP95MsAtCarries);
  return [
    label,
    targets && m ? `**${int(t.carries)}** (target ${int(targets.viewersPerWorker)}: ${met(m.viewersPerWorker)})` : int(t.carries),
    targets && m ? `**${perCore}** (target ${targets.packetsPerSecPerCore / 1000}k: ${met(m.packetsPerSecPerCore)})` : perCore,
    targets && m ? `${p95} (target ${ms(targets.latencyP95Ms)}: ${met(m.latencyP95Ms)})` : p95,
    `${int(t.highestStepRun)}, ${t.stoppedBecause}`,
  ];
}

function renderSfu(r: AnySfuReport): string {
  const s = r.summary;
  const o = r.options;
  const diff = differing(o, sfuDefaults(false), ['steps', 'stepSeconds', 'settleSeconds', 'plain', 'baseline', 'quick']);
  const rows = [sfuRow('one worker, SRTP viewers', s.mediasoup, s.targets, s.met)];
  if (s.mediasoupPlain) rows.push(sfuRow('same worker, no SRTP', s.mediasoupPlain, null, null));
  if (s.baseline) rows.push(sfuRow('plain Node UDP relay (baseline)', s.baseline, null, null));
  const ratio = (name: string, x: { viewers: number; ratio: number } | null) =>
    x ? `${name} ${times(x.ratio)} (at ${int(x.viewers)} viewers)` : `${name}: not measured`;
  return [
    `Steps ${o.steps.map(int).join(', ')} viewers, ${o.stepSeconds} s holds after ${o.settleSeconds} s to settle; relay baseline ${o.baseline ? 'in the same run' : 'not run'}.${notFull(diff)}`,
    '',
    table(['forwarder', 'carried', 'packets/s per core', 'p95 latency', 'highest step run, stopped because'], rows),
    '',
    `Packets/s per core at the highest step both carried: ${[
      ratio('SRTP ÷ no SRTP', s.ratios.mediasoupVsMediasoupPlain),
      ratio('SRTP ÷ relay', s.ratios.mediasoupVsRelay),
      ratio('no SRTP ÷ relay', s.ratios.mediasoupPlainVsRelay),
    ].join('; ')}.`,
  ].join('\n');
}

function earlierSfu(r: AnySfuReport): string {
  const s = r.summary;
  const one = (name: string, t: TargetSummary | null) =>
    t
      ? `${name} ${int(t.carries)} viewers, ${t.forwardedPerCoreAtCarries === null ? '–' : kilo(t.forwardedPerCoreAtCarries)} packets/s per core`
      : null;
  return [one('SRTP', s.mediasoup), one('no SRTP', s.mediasoupPlain), one('relay', s.baseline)].filter(Boolean).join('; ');
}

// ------------------------------------------------------------------- ledger

type LedgerPoint = LedgerReport['points'][number];
type NewLedgerPointKeys = 'pgbenchLedgerTps' | 'pgbenchLedgerRuns' | 'rounds' | 'ratioToLedger' | 'met';
type NewLedgerSummaryKeys =
  'worstToLedgerBatched' | 'worstToLedgerStatement' | 'worstToLedgerInTx' | 'targets' | 'met' | 'pgbenchLedgerTransfers';
/** A file from before the like-for-like baseline (pgbench running `ledger_post`, issue 12): judged by tpcb-like alone. */
type OldLedgerReport = Omit<LedgerReport, 'machine' | 'full' | 'pgbench' | 'pgbenchLedgerScript' | 'points' | 'summary'> & {
  machine: AnyMachine;
  points: Omit<LedgerPoint, NewLedgerPointKeys>[];
  summary: Omit<LedgerReport['summary'], NewLedgerSummaryKeys>;
};
type NewLedgerReport = Omit<LedgerReport, 'machine'> & { machine: AnyMachine };
type AnyLedgerReport = OldLedgerReport | NewLedgerReport;

const hasLedgerBaseline = (r: AnyLedgerReport): r is NewLedgerReport => 'targets' in r.summary;

function renderLedger(r: AnyLedgerReport): string {
  return hasLedgerBaseline(r) ? renderLedgerLikeForLike(r) : renderLedgerTpcbOnly(r);
}

function renderLedgerLikeForLike(r: NewLedgerReport): string {
  const o = r.options;
  const s = r.summary;
  const target = s.targets.statementVsPgbenchLedger;
  const client = /\d+(\.\d+)+/.exec(r.pgbench)?.[0];
  const cell = (tps: number, toTpcb: number, toLedger: number) => `${int(tps)}/s (${times(toTpcb)} / ${times(toLedger)})`;
  return [
    `${o.rounds} rounds of ${o.seconds} s per segment at ${o.clients.join(', ')} clients; ${int(o.accounts)} funding and ${int(o.accounts)} escrow accounts, a transfer pays a random escrow from a random funding account; pgbench scale ${o.pgbenchScale}. Two baselines in the same rounds, all segments in rotated order: \`pgbench -b tpcb-like\`, and **pgbench ledger**, \`pgbench -M prepared\`${client ? ` ${client}` : ''} running the very \`ledger_post\` call \`post\` makes on the same accounts drawn the same way (its ratio is Hawker's own overhead). Medians over rounds; a mode's cell is its rate (its rate ÷ tpcb-like's / ÷ pgbench ledger's in the same round).`,
    '',
    table(
      [
        'clients',
        'pgbench tpcb-like',
        'pgbench ledger',
        'batched (`transfer`)',
        'one statement (`post`)',
        'in a transaction',
        `\`post\` ÷ pgbench ledger (target ≥ ${target}×)`,
      ],
      r.points.map((p) => [
        String(p.clients),
        `${int(p.pgbenchTps)}/s`,
        `${int(p.pgbenchLedgerTps)}/s`,
        cell(p.batchedTps, p.ratio.batched, p.ratioToLedger.batched),
        cell(p.transferTps, p.ratio.statement, p.ratioToLedger.statement),
        cell(p.transferInTxTps, p.ratio.transaction, p.ratioToLedger.transaction),
        `**${times(p.ratioToLedger.statement)}** (${met(p.met)})`,
      ]),
    ),
    '',
    `\`post\` ÷ pgbench ledger ≥ ${target}× at every client count: ${met(s.met)} (worst ${times(s.worstToLedgerStatement)}). Worst over the client counts ÷ pgbench ledger: batched ${times(s.worstToLedgerBatched)}, in a transaction ${times(s.worstToLedgerInTx)}; ÷ tpcb-like: batched ${times(s.worstRatioBatched)}, one statement ${times(s.worstRatioStatement)}, in a transaction ${times(s.worstRatioInTx)}. ${int(s.transfers)} transfers by Hawker and ${int(s.pgbenchLedgerTransfers)} by pgbench ledger; ledger self-check after the run: ${s.selfCheckProblems === 0 ? 'no problems' : `**${s.selfCheckProblems} problems**`}.`,
  ].join('\n');
}

function renderLedgerTpcbOnly(r: OldLedgerReport): string {
  const o = r.options;
  const s = r.summary;
  const cell = (tps: number, ratio: number) => `${int(tps)}/s (${times(ratio)})`;
  const worst = (name: string, ratio: number) =>
    `${name} ${times(ratio)} (target ≥ ${LEDGER_TARGET_RATIO.toFixed(1)}×: ${met(ratio >= LEDGER_TARGET_RATIO)})`;
  return [
    `${o.rounds} rounds of ${o.seconds} s per segment at ${o.clients.join(', ')} clients, ${int(o.accounts)} accounts, pgbench scale ${o.pgbenchScale}; medians over rounds, a ratio is a mode's rate over pgbench's in the same round.`,
    '',
    table(
      ['clients', 'pgbench tps', 'batched (`transfer`)', 'one statement (`post`)', 'in a transaction'],
      r.points.map((p) => [
        String(p.clients),
        int(p.pgbenchTps),
        cell(p.batchedTps, p.ratio.batched),
        cell(p.transferTps, p.ratio.statement),
        cell(p.transferInTxTps, p.ratio.transaction),
      ]),
    ),
    '',
    `Worst ratio over the client counts: ${worst('batched', s.worstRatioBatched)}; ${worst('one statement', s.worstRatioStatement)}; in a transaction ${times(s.worstRatioInTx)}. ${int(s.transfers)} transfers; ledger self-check after the run: ${s.selfCheckProblems === 0 ? 'no problems' : `**${s.selfCheckProblems} problems**`}.`,
  ].join('\n');
}

/** The first ledger files (before the batched mode and rotated rounds) hold rates only: their ratios are taken here. */
type AnyLedgerPoint = Pick<LedgerPoint, 'clients' | 'pgbenchTps' | 'transferTps' | 'transferInTxTps'> &
  Partial<Pick<LedgerPoint, 'batchedTps' | 'ratio' | 'ratioToLedger'>>;

function earlierLedger(r: { points: AnyLedgerPoint[] }): string {
  const ratio = (p: AnyLedgerPoint, k: 'batched' | 'statement' | 'transaction') => {
    const tps = { batched: p.batchedTps, statement: p.transferTps, transaction: p.transferInTxTps }[k];
    const x = p.ratio?.[k] ?? (tps === undefined ? undefined : tps / p.pgbenchTps);
    return x === undefined ? undefined : times(x);
  };
  const modes = (['batched', 'statement', 'transaction'] as const).flatMap((k) => {
    const xs = r.points.map((p) => ratio(p, k));
    if (xs.some((x) => x === undefined)) return [];
    return [`${{ batched: 'batched', statement: 'one statement', transaction: 'in a transaction' }[k]} ${xs.join(' / ')}`];
  });
  const toLedger = r.points.every((p) => p.ratioToLedger)
    ? `; \`post\` ÷ pgbench ledger ${r.points.map((p) => times(p.ratioToLedger!.statement)).join(' / ')}`
    : '';
  const first = r.points[0];
  return `${first ? `pgbench ${int(first.pgbenchTps)} tps at ${first.clients} client${first.clients === 1 ? '' : 's'}; ` : ''}${modes.join(', ')}${toLedger} at ${r.points.map((p) => p.clients).join(' / ')} clients`;
}

// --------------------------------------------------------------------- chat

type ChatV1 = Omit<ChatReportV1, 'machine'> & { machine: AnyMachine };
type ChatV2 = Omit<ChatReport, 'machine'> & { machine: AnyMachine };
type AnyChatReport = ChatV1 | ChatV2;
type ChatMode = ChatV1['modes'][number];

const CHAT_OPTIONS = [
  'viewers',
  'viewerProcesses',
  'ratePerSecond',
  'senders',
  'seconds',
  'warmupSeconds',
  'drainSeconds',
  'batchMs',
  'join',
] as const;
const chatLabel = (m: { mode: string; chatBatchMs: number }) =>
  m.mode === 'batched'
    ? `coalesced (\`chat:batch\`, ${m.chatBatchMs} ms)`
    : m.mode === 'floor'
      ? 'raw `ws` floor (the same frames, no Socket.IO)'
      : 'naive (one emit per message)';

function renderChat(r: AnyChatReport): string {
  return 'runs' in r ? renderChatRounds(r) : renderChatV1(r);
}

/** Since issue 12: rotated rounds, medians [min–max] per mode, the verdicts on the medians. */
function renderChatRounds(r: ChatV2): string {
  const o = r.options;
  const s = r.summary;
  const diff = differing(o, chatDefaults(), [...CHAT_OPTIONS, 'rounds', 'floor']);
  const sp = (x: Spread | null, f: (n: number) => string, bold = false) => (x ? spread(x, f, bold) : '–');
  const rows = r.modes.map((m) => [
    chatLabel(m),
    sp(m.deliveriesPerSec, (n) => `${Math.round(n / 1000)}k`, m.mode === 'batched'),
    sp(m.p50Ms, ms),
    sp(m.p99Ms, ms, m.mode === 'batched'),
    sp(m.ackMsMean, ms),
    sp(m.apiCpuMicrosPerDelivery, (n) => `${n.toFixed(1)} µs`),
    sp(m.completePct, (n) => `${n} %`),
  ]);
  const every = (ok: boolean, all: boolean) => `${met(ok)}${ok && !all ? ', not in every round' : ''}`;
  const lines = [
    `${int(o.viewers)} viewers in one room (${o.viewerProcesses} viewer processes), ${o.ratePerSecond} msg/s offered by ${o.senders} senders for ${o.seconds} s per run (the first ${o.warmupSeconds} s not measured); ${o.rounds} rounds, modes in rotated order, a fresh server per run; medians [min–max] over rounds.${notFull(diff)}`,
    '',
    table(['mode', 'deliveries/s', 'p50', 'p99', 'send → ack (mean)', 'server CPU per delivery', 'delivered'], rows),
    '',
    `Coalesced ÷ naive deliveries/s (medians) **${s.ratio === null ? '–' : times(s.ratio)}**, by round ${sp(s.ratioByRound, times)} (target ${targetTimes(s.targets.ratioVsNaive)}: ${every(s.met.ratio, s.metEveryRound.ratio)}); coalesced p99 ${s.p99Ms.batched === null ? '–' : ms(s.p99Ms.batched)} (target ${ms(s.targets.p99Ms)}: ${every(s.met.p99, s.metEveryRound.p99)}); ${
      s.met.floor === null
        ? 'raw floor not run'
        : `coalesced CPU per delivery ÷ the raw floor's **${s.vsFloor === null ? '–' : times(s.vsFloor)}**, by round ${sp(s.vsFloorByRound, times)} (target ≤ ${targetTimes(s.targets.perDeliveryVsFloor)}: ${every(s.met.floor, s.metEveryRound.floor ?? false)})`
    }.`,
  ];
  const b = r.modes.find((m) => m.mode === 'batched');
  const f = r.modes.find((m) => m.mode === 'floor');
  if (b) {
    const floorEmit = f
      ? `, the raw floor's ${ms(f.broadcastCpuMs.median)} (${f.broadcastCpuMicrosPerViewer.median.toFixed(1)} µs per viewer)`
      : '';
    const flags = [
      b.drainTimedOutRuns ? `the drain timed out in ${b.drainTimedOutRuns} of ${b.runs} runs` : '',
      b.viewerSaturatedRuns
        ? `a viewer process was saturated in ${b.viewerSaturatedRuns} of ${b.runs} runs (its figures are lower bounds)`
        : '',
    ].filter(Boolean);
    lines.push(
      '',
      `Where the coalesced runs' time goes (medians): one emit to the ${int(b.viewers.median)}-viewer room costs ${ms(b.broadcastCpuMs.median)} of CPU (${b.broadcastCpuMicrosPerViewer.median.toFixed(1)} µs per viewer)${floorEmit}; the api uses ${pct(b.apiCpuPct.median)} of a core, ${pct((100 * b.apiKernelCpuPct.median) / b.apiCpuPct.median)} of it in the kernel; ${b.framesPerViewerPerSec.median} frames per viewer per second${b.messagesPerFrame === null ? '' : `, ${b.messagesPerFrame.median} messages per frame`}; the viewer processes use ${pct(b.viewerCpuPct.median)} of a core${flags.length ? `; ${flags.join('; ')}` : ''}.`,
    );
  }
  return lines.join('\n');
}

/** The format before rotated rounds: one run per mode, batched first. */
function renderChatV1(r: ChatV1): string {
  const o = r.options;
  const s = r.summary;
  const diff = differing(o, chatDefaults(), [...CHAT_OPTIONS]);
  const rows = r.modes.map((m: ChatMode) => [
    chatLabel(m),
    `${Math.round(m.window.deliveriesPerSec / 1000)}k`,
    m.latencyMs.p50 === null ? '–' : ms(m.latencyMs.p50),
    m.latencyMs.p99 === null ? '–' : ms(m.latencyMs.p99),
    m.ackMsMean === null ? '–' : ms(m.ackMsMean),
    m.window.apiCpuMicrosPerDelivery === null ? '–' : `${m.window.apiCpuMicrosPerDelivery.toFixed(1)} µs`,
    `${m.totals.completePct} %`,
  ]);
  const lines = [
    `${int(o.viewers)} viewers in one room (${o.viewerProcesses} viewer processes), ${o.ratePerSecond} msg/s offered by ${o.senders} senders for ${o.seconds} s per mode (the first ${o.warmupSeconds} s not measured), batched then naive.${notFull(diff)}`,
    '',
    table(['mode', 'deliveries/s', 'p50', 'p99', 'send → ack (mean)', 'api CPU per delivery', 'delivered'], rows),
    '',
    `Coalesced ÷ naive deliveries/s **${s.ratio === null ? '–' : times(s.ratio)}** (target ${targetTimes(s.targets.ratioVsNaive)}: ${met(s.met.ratio)}); coalesced p99 ${s.p99Ms.batched === null ? '–' : ms(s.p99Ms.batched)} (target ${ms(s.targets.p99Ms)}: ${met(s.met.p99)}).`,
  ];
  const b = r.modes.find((m) => m.mode === 'batched');
  if (b)
    lines.push(
      '',
      `Where the coalesced run's time goes: one emit to the ${int(b.viewers)}-viewer room costs ${ms(b.broadcast.cpuMs)} of CPU (${b.broadcast.cpuMicrosPerViewer.toFixed(1)} µs per viewer); the api uses ${pct(b.window.apiCpuPct)} of a core, ${pct((100 * b.window.apiKernelCpuPct) / b.window.apiCpuPct)} of it in the kernel; ${b.window.framesPerViewerPerSec} frames per viewer per second${b.window.messagesPerFrame === null ? '' : `, ${b.window.messagesPerFrame} messages per frame`}; the viewer processes use ${pct(b.window.viewerCpuPct)} of a core.`,
    );
  return lines.join('\n');
}

function earlierChat(r: AnyChatReport): string {
  const s = r.summary;
  return `coalesced ÷ naive ${s.ratio === null ? '–' : times(s.ratio)}, coalesced p99 ${s.p99Ms.batched === null ? '–' : ms(s.p99Ms.batched)}`;
}

// --------------------------------------------------------------------- deal

/** The format `bench -- deal` writes since issue 12: rotated rounds (`runs`) and medians with spread per mode. */
function isDealReport(r: unknown): r is DealReport {
  const x = r as Partial<DealReport> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray(x.runs) &&
    Array.isArray(x.modes) &&
    x.modes.every((m: Partial<DealModeSummary>) => typeof m.attemptsPerSecond === 'object' && typeof m.joinSeconds === 'object') &&
    typeof x.summary?.targets?.settled === 'boolean'
  );
}

function renderDeal(r: DealReport): string {
  const o = r.options;
  const s = r.summary;
  const t = s.targets;
  const label = { hawker: 'Hawker (the gate answers, checkout behind)', naive: 'naive row-lock purchase' } as const;
  const rows = r.modes.map((m) => {
    const runs = r.runs.filter((x) => x.mode === m.mode);
    return [
      label[m.mode],
      spread(m.attemptsPerSecond, int, m.mode === 'hawker'),
      spread(m.ackP50Ms, ms),
      spread(m.ackP99Ms, ms, m.mode === 'hawker'),
      spread(m.joinSeconds, (n) => `${n.toFixed(1)} s`),
      m.outcomeMaxMs ? spread(m.outcomeMaxMs, ms) : '–',
      range(runs.map((x) => x.sold)),
      range(runs.map((x) => x.oversold)),
    ];
  });
  const hawker = r.modes.find((m) => m.mode === 'hawker');
  const naive = r.modes.find((m) => m.mode === 'naive');
  const paid = r.runs.flatMap((x) => (x.outcomes ? [x.outcomes] : []));
  return [
    `${int(o.buyers)} buyers, ${int(o.units)} units, ${o.perBuyerLimit} per buyer, presses spread over ${int(o.spreadMs)} ms; ${o.rounds} rounds, modes in rotated order; medians [min–max] over rounds.`,
    '',
    table(
      [
        `${int(o.buyers)} buyers, ${int(o.units)} units`,
        'attempts/s',
        'ack p50',
        'ack p99',
        `${int(o.buyers)} joins`,
        'press → paid/failed (max)',
        'sold',
        'oversold',
      ],
      rows,
    ),
    '',
    [
      `Press → answer p99 ${ms(s.hawkerAckP99Ms)} (target ≤ ${ms(DEAL_TARGETS.ackP99Ms)}: ${met(t.ackP99)})`,
      `Hawker ÷ naive attempts/s **${times(s.ratio)}** (target ≥ ${targetTimes(DEAL_TARGETS.ratio)}: ${met(t.ratio)})`,
      `joins ${hawker ? `${hawker.joinSeconds.median.toFixed(1)} s` : '–'} against the naive server's ${naive ? `${naive.joinSeconds.median.toFixed(1)} s` : '–'} (target ≤ ${DEAL_TARGETS.joinSeconds} s and no slower: ${met(t.joins)})`,
      `every reservation paid or back on sale within ${DEAL_TARGETS.settledWithinMs / 1000} s (${int(paid.reduce((n, p) => n + p.paid, 0))} paid, ${int(paid.reduce((n, p) => n + p.failed, 0))} failed over the rounds): ${met(t.settled)}`,
      `oversold ${s.oversold}, no buyer over the limit, ledger clean: ${met(t.oversold)}.`,
    ].join('; '),
  ].join('\n');
}

// ---------------------------------------------------------------------- ads

function adsPointLabel(p: AdsPoint): string {
  return p.placement === 'search' ? `${int(p.ads)} search bids (${p.queries} queries)` : `${int(p.ads)} ${p.placement} bids`;
}

function renderAds(r: AdsReport): string {
  const o = r.options;
  const s = r.summary;
  const target = (p: AdsPoint) => p.placement === 'home' && p.ads === s.targets.ads;
  const rows: string[][] = [];
  for (const p of r.points)
    for (const mode of ['hawker', 'sql', 'linear'] as const) {
      const m: AdsModeSummary = p.modes[mode];
      const bold = mode === 'hawker' && target(p);
      rows.push([adsPointLabel(p), mode, spread(m.decisionsPerSecond, int, bold), spread(m.p50Us, us), spread(m.p99Us, us, bold)]);
    }
  const ratios = r.points.map((p) => [
    adsPointLabel(p),
    spread(p.ratios.hawkerVsSql, times, target(p)),
    spread(p.ratios.hawkerVsSqlPerCpu, times),
    spread(p.ratios.hawkerVsLinear, times),
    p.hawkerReplaceMs.map((x) => ms(x)).join(', '),
  ]);
  const lines = [
    `Home ${o.sizes.map(int).join(' / ') || 'none'} bids, search ${o.searchSizes.map(int).join(' / ') || 'none'} keyword bids; ${o.rounds} rounds, modes rotated, each segment up to ${int(o.maxDecisions)} decisions or ${o.maxSeconds} s; medians [min–max] over rounds.`,
    '',
    table(['bids', 'mode', 'decisions/s', 'p50', 'p99'], rows),
    '',
    table(['bids', 'hawker ÷ sql', 'per CPU-second (with the PostgreSQL backend)', 'hawker ÷ linear', '`replace` (three reloads)'], ratios),
  ];
  if (s.hawker && s.met && s.metEveryRound && s.ratioVsSql !== null)
    lines.push(
      '',
      `At ${int(s.targets.ads)} home bids: p99 ${us(s.hawker.p99Us)} (target ≤ ${s.targets.p99Ms} ms: ${met(s.met.p99)}), ${int(s.hawker.decisionsPerSecond)} decisions/s (target ≥ ${int(s.targets.decisionsPerSecond)}: ${met(s.met.decisionsPerSecond)}), ${times(s.ratioVsSql)} the SQL baseline (target ≥ ${targetTimes(s.targets.ratioVsSql)}: ${met(s.met.ratioVsSql)}); in every round: ${[s.metEveryRound.p99, s.metEveryRound.decisionsPerSecond, s.metEveryRound.ratioVsSql].every(Boolean) ? 'all three met' : 'not all three met'}.`,
    );
  return lines.join('\n');
}

function earlierAds(r: AdsReport): string {
  const s = r.summary;
  if (!s.hawker || !s.sql || s.ratioVsSql === null) return 'no point at the targets';
  const hits = s.met ? Object.values(s.met).filter(Boolean).length : 0;
  const of = s.met ? Object.values(s.met).length : 0;
  return `hawker at ${int(s.ads ?? 0)} home bids p50 ${us(s.hawker.p50Us)}, p99 ${us(s.hawker.p99Us)}, ${int(s.hawker.decisionsPerSecond)} decisions/s, ${times(s.ratioVsSql)} the SQL query; targets met: ${hits} of ${of}`;
}

// ---------------------------------------------------------------- ad-clicks

function renderAdClicks(r: AdClicksReport): string {
  const o = r.options;
  const s = r.summary;
  const f = r.final;
  const c = f.check;
  const sp = (x: Spread | null, fmt: (n: number) => string, bold = false) => (x ? spread(x, fmt, bold) : '–');
  const msPerClick = (n: number) => `${n.toFixed(2)} ms`;
  const lines = [
    `2 api nodes, ${int(o.campaigns)} campaigns (${int(o.cappedCampaigns)} with small daily budgets, ${Math.round(o.cappedShare * 100)} % of the clicks); ${o.rounds} rounds, order alternating; each mode ramps from ${o.startConcurrency} in flight, doubling, up to ${o.maxSteps} steps of ${o.maxSeconds} s; medians [min–max] of each round's peak.`,
    '',
    table(
      ['mode', 'per second (peak)', 'at (in flight)', 'p50', 'p99', 'machine CPU per click', 'api CPU per click'],
      [
        [
          'billed clicks',
          sp(s.billedPerSecond, int, true),
          range(s.billedPeakConcurrency),
          sp(s.billedP50Ms, ms),
          sp(s.billedP99Ms, ms),
          sp(s.billedMachineMsPerClick, msPerClick),
          sp(s.billedApiMsPerClick, msPerClick),
        ],
        [
          'redirects (baseline)',
          sp(s.redirectsPerSecond, int),
          range(s.redirectPeakConcurrency),
          sp(s.redirectP50Ms, ms),
          sp(s.redirectP99Ms, ms),
          sp(s.redirectMachineMsPerClick, msPerClick),
          sp(s.redirectApiMsPerClick, msPerClick),
        ],
      ],
    ),
    '',
    `Billed ÷ redirect ${sp(s.ratio, times, true)}; PostgreSQL backends waiting on a row lock at the billed peak: ${sp(s.billedRowLockWaiters, (n) => n.toFixed(1))}. ${int(f.outcomes.billed ?? 0)} clicks billed, ${int(f.outcomes.budget ?? 0)} refused for budget; ${f.cappedExhausted} of the ${int(o.cappedCampaigns)} small campaigns exhausted their daily budget, passing it by at most ${int(c.maxOverBudgetMinor)} minor units${c.maxOverBudgetMinor <= o.maxCpcMinor ? ' (less than one click)' : ''}, so overspend ${int(s.overspendMinor)}: ${met(s.met?.overspend)}; ad revenue ${int(c.adRevenueMinor)} minor units against ${int(c.billedMinor)} billed, ledger self-check ${f.ledgerProblemCount === 0 ? 'clean' : `**${f.ledgerProblemCount} problems**`}, every check ${s.correct ? 'passed' : '**failed**'}. ≥ ${int(s.targets.billedClicksPerSecond)} billed clicks/s across ${s.targets.nodes} nodes: ${met(s.met?.billedPerSecond)}.`,
  ];
  return lines.join('\n');
}

function earlierAdClicks(r: AdClicksReport): string {
  const s = r.summary;
  const sp = (x: Spread | null, fmt: (n: number) => string) => (x ? spread(x, fmt) : '–');
  return `billed ${sp(s.billedPerSecond, int)}/s, redirects ${sp(s.redirectsPerSecond, int)}/s, billed ÷ redirect ${sp(s.ratio, times)}; per billed click ${sp(s.billedMachineMsPerClick, (n) => `${n.toFixed(2)} ms`)} of machine CPU, row-lock waiters at the billed peak ${sp(s.billedRowLockWaiters, (n) => n.toFixed(1))}`;
}

// -------------------------------------------------------------- page-weight

const unhashed = (p: string) => path.basename(p).replace(/-[A-Za-z0-9_-]{8}\.js$/, '-*.js');

function renderPageWeight(r: PageWeightReport): string {
  const o = r.options;
  const s = r.summary;
  const cell = (mode: string, encoding: string) => r.cells.find((c) => c.mode === mode && c.encoding === encoding);
  const label = { webrtc: 'webrtc', hls: 'hls', fallback: 'fallback (webrtc refused → hls)' } as const;
  const rows = o.modes.map((mode) => {
    const br = cell(mode, 'compressed');
    const id = cell(mode, 'identity');
    const isTarget = mode === s.target.mode;
    return [
      label[mode],
      br ? (isTarget ? `**${kb(br.jsWireBytes.median)}**` : kb(br.jsWireBytes.median)) : '–',
      id ? kb(id.jsWireBytes.median) : '–',
      br ? int(br.jsRequests.median) : id ? int(id.jsRequests.median) : '–',
      br ? spread(br.firstFrameMs, (n) => `${int(n)} ms`) : '–',
    ];
  });
  const w = s.modes[s.target.mode];
  const webrtcFiles = r.files.webrtc ?? [];
  const onWebrtc = new Set(webrtcFiles.map((f) => f.path));
  const biggest = (files: typeof webrtcFiles, n: number) =>
    files
      .slice(0, n)
      .map((f) => `\`${unhashed(f.path)}\` ${kb(f.wireBytes.compressed ?? 0)}`)
      .join(', ');
  const hlsAdds = (r.files.hls ?? []).filter((f) => !onWebrtc.has(f.path));
  const doc = r.samples.filter((x) => x.encoding === 'compressed').map((x) => x.allBeforeFrame.Document?.wireBodyBytes ?? 0);
  const lines = [
    `${o.rounds} rounds${o.warmup ? ' after a warm-up load per mode' : ''}, every path × encoding once per round in rotated order; medians. kB = 1,000 bytes of response body, without HTTP headers.`,
    '',
    table(
      ['before the first frame', 'JS on the wire, compressed (br)', 'uncompressed (identity)', 'requests', 'first frame, median [min–max]'],
      rows,
    ),
    '',
  ];
  if (w?.compressedBytes != null && s.marginBytes !== null)
    lines.push(
      `Target ≤ ${kb(s.target.maxWireBytes)} on the wire before the first WebRTC frame: ${met(s.met)}${s.met && !s.metEveryRound ? ' (not in every round)' : ''}, ${kb(w.compressedBytes)} (${s.marginBytes >= 0 ? `${kb(s.marginBytes)} to spare` : `${kb(-s.marginBytes)} over`}); with the responses' HTTP/1.1 headers (not in the target) ${s.webrtcWithHeadersBytes === null ? '–' : kb(s.webrtcWithHeadersBytes)}. Every script equal to the build's file: ${s.checks.matchesBuild ? 'yes' : '**no**'}; Resource Timing agrees with DevTools: ${s.checks.resourceTimingAgrees ? 'yes' : '**no**'}; the same scripts in every round: ${r.cells.every((c) => c.sameScriptsEveryRound) ? 'yes' : '**no**'}. Scripts finished after the first frame: ${r.samples.some((x) => x.jsAfter.requests > 0) ? '**some**' : 'none'}. The page itself (not counted): ${range(doc, kb)}, Content-Encoding ${[...new Set(s.checks.documentContentEncoding.map((e) => e ?? 'none'))].join(', ')}.`,
      '',
    );
  lines.push(
    `Biggest scripts before the first WebRTC frame (compressed): ${biggest(webrtcFiles, 6)}.${hlsAdds.length ? ` The hls path adds ${biggest(hlsAdds, 3)}.` : ''}`,
  );
  return lines.join('\n');
}

function earlierPageWeight(r: PageWeightReport): string {
  const s = r.summary;
  const w = s.modes.webrtc;
  const session = r.files.webrtc?.find((f) => unhashed(f.path) === 'session-*.js');
  return `webrtc ${w?.compressedBytes == null ? '–' : kb(w.compressedBytes)} on the wire${s.marginBytes !== null ? ` (${s.marginBytes >= 0 ? `${kb(s.marginBytes)} to spare` : `${kb(-s.marginBytes)} over the target`})` : ''}${session ? `, \`session-*.js\` ${kb(session.wireBytes.compressed ?? 0)}` : ''}`;
}

// -------------------------------------------------------------------- blocks

type Renderer = { render: (r: never) => string; earlier?: (r: never) => string; accepts?: (r: unknown) => boolean };

const RENDERERS: Record<BenchTable, Renderer> = {
  sfu: { render: renderSfu, earlier: earlierSfu },
  ledger: { render: renderLedger, earlier: earlierLedger },
  chat: { render: renderChat, earlier: earlierChat },
  deal: { render: renderDeal, accepts: isDealReport },
  ads: { render: renderAds, earlier: earlierAds },
  'ad-clicks': { render: renderAdClicks, earlier: earlierAdClicks },
  'page-weight': { render: renderPageWeight, earlier: earlierPageWeight },
};

type AnyReport = { startedAt: string; full?: boolean; machine: AnyMachine };

function read(dir: string, file: string): AnyReport | undefined {
  const p = path.join(dir, file);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as AnyReport) : undefined;
}

/** One block's markdown (without its markers), from `<name>-latest.json` in `dir` and its earlier runs. */
export function renderBenchTable(name: BenchTable, dir: string = defaultResultsDir): string {
  const r = RENDERERS[name];
  const file = `${name}-latest.json`;
  const latest = read(dir, file);
  if (!latest || (r.accepts && !r.accepts(latest))) {
    if (name === 'deal') return DEAL_NO_RESULTS;
    return `No results file yet: run \`npm run bench -- ${name}\`.`;
  }
  const parts = [machineLine(file, latest), '', r.render(latest as never)];
  const earlier = r.earlier;
  const runs = earlier ? EARLIER_RUNS[name].map((f) => [f, read(dir, f)] as const) : [];
  if (earlier && runs.length > 0) {
    parts.push('', 'Earlier runs:', '');
    for (const [f, report] of runs) {
      if (!report) throw new Error(`${f}: named in EARLIER_RUNS but not in ${dir}`);
      const load = loadAtStart(report.machine);
      parts.push(`- \`${f}\`${load === undefined ? '' : ` (load ${load} at the start)`}: ${earlier(report as never)}.`);
    }
  }
  return parts.join('\n');
}

export function renderBenchTables(dir: string = defaultResultsDir): Record<BenchTable, string> {
  return Object.fromEntries(BENCH_TABLES.map((name) => [name, renderBenchTable(name, dir)])) as Record<BenchTable, string>;
}

const open = (name: string) => `<!-- bench-table:${name} -->`;
const close = (name: string) => `<!-- /bench-table:${name} -->`;

/** Exactly what README.md holds between a block's two markers: the block with a blank line either side. */
export const blockText = (block: string) => `\n${block}\n\n`;

/** What README.md holds between each pair of markers (compare with blockText of the rendered block). */
export function readBenchTables(readme: string): Map<string, string> {
  const found = new Map<string, string>();
  const re = /<!-- bench-table:([a-z-]+) -->\n([\s\S]*?)<!-- \/bench-table:\1 -->/g;
  for (const m of readme.matchAll(re)) {
    if (found.has(m[1]!)) throw new Error(`README.md: bench-table:${m[1]} appears twice`);
    found.set(m[1]!, m[2]!);
  }
  return found;
}

/** `readme` with every block replaced by `blocks`; throws when a block's markers are missing. */
export function writeBenchTables(readme: string, blocks: Record<BenchTable, string>): string {
  let out = readme;
  for (const name of BENCH_TABLES) {
    const start = out.indexOf(open(name));
    const end = out.indexOf(close(name));
    if (start < 0 || end < start) throw new Error(`README.md: no ${open(name)} … ${close(name)} block`);
    out = `${out.slice(0, start)}${open(name)}\n${blockText(blocks[name])}${out.slice(end)}`;
  }
  return out;
}

/** A line diff of two texts (longest common subsequence): `-` lines only in `a`, `+` only in `b`. */
export function lineDiff(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${x[i++]}`);
    else out.push(`+ ${y[j++]}`);
  }
  return out;
}
