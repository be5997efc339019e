import { defaultOptions as chatDefaults } from '../../chat/options.js';
import type { ChatReport, ChatReportV1 } from '../../chat/report.js';
import { differing, int, met, ms, notFull, pct, spreadOr, table, targetTimes, times } from './format.js';
import type { AnyMachine } from './machine.js';

// The README's `bench-table:chat` block, from `chat-*.json` (see ../readme-tables.ts).

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

export function renderChat(r: AnyChatReport): string {
  return 'runs' in r ? renderChatRounds(r) : renderChatV1(r);
}

/** Since issue 12: rotated rounds, medians [min–max] per mode, the verdicts on the medians. */
function renderChatRounds(r: ChatV2): string {
  const o = r.options;
  const s = r.summary;
  // Runs before the smaller rooms have no `audiences`: not a difference of theirs.
  const diff = differing(o, chatDefaults(), [...CHAT_OPTIONS, 'rounds', 'floor', ...('audiences' in o ? (['audiences'] as const) : [])]);
  const rows = r.modes.map((m) => [
    chatLabel(m),
    spreadOr(m.deliveriesPerSec, (n) => `${Math.round(n / 1000)}k`, m.mode === 'batched'),
    spreadOr(m.p50Ms, ms),
    spreadOr(m.p99Ms, ms, m.mode === 'batched'),
    spreadOr(m.ackMsMean, ms),
    spreadOr(m.apiCpuMicrosPerDelivery, (n) => `${n.toFixed(1)} µs`),
    spreadOr(m.completePct, (n) => `${n} %`),
  ]);
  const every = (ok: boolean, all: boolean) => `${met(ok)}${ok && !all ? ', not in every round' : ''}`;
  const judged = s.p99ByAudience?.find((a) => a.viewers === s.targets.p99AtViewers);
  const judgedP99 = judged ? (judged.batched?.median ?? null) : s.p99Ms.batched;
  const p99Where = judged ? ` at ${int(judged.viewers)} viewers` : '';
  const lines = [
    `${int(o.viewers)} viewers in one room (${o.viewerProcesses} viewer processes), ${o.ratePerSecond} msg/s offered by ${o.senders} senders for ${o.seconds} s per run (the first ${o.warmupSeconds} s not measured); ${o.rounds} rounds, modes in rotated order, a fresh server per run; medians [min–max] over rounds.${notFull(diff)}`,
    '',
    table(['mode', 'deliveries/s', 'p50', 'p99', 'send → ack (mean)', 'server CPU per delivery', 'delivered'], rows),
    '',
    `Coalesced ÷ naive deliveries/s (medians) **${s.ratio === null ? '–' : times(s.ratio)}**, by round ${spreadOr(s.ratioByRound, times)} (target ${targetTimes(s.targets.ratioVsNaive)}: ${every(s.met.ratio, s.metEveryRound.ratio)}); coalesced p99${p99Where} ${judgedP99 === null ? '–' : ms(judgedP99)} (target ${ms(s.targets.p99Ms)}: ${every(s.met.p99, s.metEveryRound.p99)}); ${
      s.met.floor === null
        ? 'raw floor not run'
        : `coalesced CPU per delivery ÷ the raw floor's **${s.vsFloor === null ? '–' : times(s.vsFloor)}**, by round ${spreadOr(s.vsFloorByRound, times)} (target ≤ ${targetTimes(s.targets.perDeliveryVsFloor)}: ${every(s.met.floor, s.metEveryRound.floor ?? false)})`
    }.`,
  ];
  if (s.p99ByAudience && s.p99ByAudience.length > 1) {
    lines.push(
      '',
      table(
        ['room size', 'coalesced p99', 'raw floor p99'],
        s.p99ByAudience.map((a) => [
          `${int(a.viewers)} viewers`,
          spreadOr(a.batched, ms, a.viewers === s.targets.p99AtViewers),
          spreadOr(a.floor, ms),
        ]),
      ),
    );
  }
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

export function earlierChat(r: AnyChatReport): string {
  const s = r.summary;
  const o = r.options;
  const rounds = 'rounds' in o ? ` (${o.rounds} rounds)` : '';
  const diff =
    'runs' in r ? differing(o, chatDefaults(), [...CHAT_OPTIONS, 'floor', ...('audiences' in o ? (['audiences'] as const) : [])]) : [];
  const notFullRun = diff.length ? `; not a full run: ${diff.map((k) => `${k} ${JSON.stringify(o[k as keyof typeof o])}`).join(', ')}` : '';
  const at5000 = s.p99ByAudience?.find((a) => a.viewers === 5_000)?.batched;
  return `coalesced ÷ naive ${s.ratio === null ? '–' : times(s.ratio)}${rounds}, coalesced p99 ${s.p99Ms.batched === null ? '–' : ms(s.p99Ms.batched)}${at5000 ? ` (at 5,000 viewers ${ms(at5000.median)})` : ''}${notFullRun}`;
}
