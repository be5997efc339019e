import { TARGETS as DEAL_TARGETS, type DealModeSummary, type DealReport } from '../../deal/results.js';
import { int, met, ms, range, spread, table, targetTimes, times } from './format.js';

// The README's `bench-table:deal` block, from `deal-*.json` (see ../readme-tables.ts).

/** The format `bench -- deal` writes since issue 12: rotated rounds (`runs`) and medians with spread per mode. */
export function isDealReport(r: unknown): r is DealReport {
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

export function renderDeal(r: DealReport): string {
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

/** One line for an earlier run: the three timed figures against their targets. */
export function earlierDeal(r: DealReport): string {
  const s = r.summary;
  const join = (mode: 'hawker' | 'naive') => r.modes.find((m) => m.mode === mode)?.joinSeconds.median;
  const seconds = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(1)} s`);
  return `press → answer p99 ${ms(s.hawkerAckP99Ms)}, Hawker ÷ naive attempts/s ${times(s.ratio)}, joins ${seconds(join('hawker'))} (naive ${seconds(join('naive'))})`;
}
