import { defaultOptions as sfuDefaults } from '../../sfu/options.js';
import type { SfuReport, TargetSummary } from '../../sfu/report.js';
import { differing, int, kilo, met, ms, notFull, table, times } from './format.js';
import type { AnyMachine } from './machine.js';

// The README's `bench-table:sfu` block, from `sfu-*.json` (see ../readme-tables.ts).

type AnySfuReport = Omit<SfuReport, 'machine'> & { machine: AnyMachine };

function sfuRow(label: string, t: TargetSummary, targets: SfuReport['summary']['targets'] | null, m: SfuReport['summary']['met'] | null) {
  const perCore = t.forwardedPerCoreAtCarries === null ? '–' : kilo(t.forwardedPerCoreAtCarries);
  const p95 = t.latencyP95MsAtCarries === null ? '–' : ms(t.latencyP95MsAtCarries);
  const cpu =
    t.cpuPctAtCarries === null
      ? '–'
      : `${Math.round(t.cpuPctAtCarries)} %${t.kernelCpuPctAtCarries == null ? '' : ` (kernel ${Math.round(t.kernelCpuPctAtCarries)} %)`}`;
  return [
    label,
    targets && m ? `**${int(t.carries)}** (target ${int(targets.viewersPerWorker)}: ${met(m.viewersPerWorker)})` : int(t.carries),
    targets && m ? `**${perCore}** (target ${targets.packetsPerSecPerCore / 1000}k: ${met(m.packetsPerSecPerCore)})` : perCore,
    cpu,
    targets && m ? `${p95} (target ${ms(targets.latencyP95Ms)}: ${met(m.latencyP95Ms)})` : p95,
    `${int(t.highestStepRun)}, ${t.stoppedBecause}`,
  ];
}

export function renderSfu(r: AnySfuReport): string {
  const s = r.summary;
  const o = r.options;
  const diff = differing(o, sfuDefaults(false), ['steps', 'stepSeconds', 'settleSeconds', 'plain', 'libuv', 'baseline', 'quick']);
  const twoBuilds = s.mediasoupLibuv !== undefined;
  const rows = [
    sfuRow(twoBuilds ? 'one worker (io_uring build), SRTP viewers' : 'one worker, SRTP viewers', s.mediasoup, s.targets, s.met),
  ];
  if (s.mediasoupLibuv) rows.push(sfuRow('same, libuv-only build (no io_uring)', s.mediasoupLibuv, null, null));
  if (s.mediasoupPlain) rows.push(sfuRow('same worker, no SRTP', s.mediasoupPlain, null, null));
  if (s.baseline) rows.push(sfuRow('plain Node UDP relay (baseline)', s.baseline, null, null));
  const ratio = (name: string, x: { viewers: number; ratio: number } | null) =>
    x ? `${name} ${times(x.ratio)} (at ${int(x.viewers)} viewers)` : `${name}: not measured`;
  return [
    `Steps ${o.steps.map(int).join(', ')} viewers, ${o.stepSeconds} s holds after ${o.settleSeconds} s to settle; relay baseline ${o.baseline ? 'in the same run' : 'not run'}.${notFull(diff)}`,
    '',
    table(['forwarder', 'carried', 'packets/s per core', 'CPU there', 'p95 latency', 'highest step run, stopped because'], rows),
    '',
    `Packets/s per core at the highest step both carried: ${[
      ...(twoBuilds
        ? [
            `${ratio('io_uring ÷ libuv build', s.ratios.mediasoupVsLibuv ?? null)} (target ${times(s.targets.ioUringVsLibuv ?? 0)}: ${met(s.met.ioUringGain ?? false)})`,
          ]
        : []),
      ratio('SRTP ÷ no SRTP', s.ratios.mediasoupVsMediasoupPlain),
      ratio('SRTP ÷ relay', s.ratios.mediasoupVsRelay),
      ratio('no SRTP ÷ relay', s.ratios.mediasoupPlainVsRelay),
    ].join('; ')}.`,
  ].join('\n');
}

export function earlierSfu(r: AnySfuReport): string {
  const s = r.summary;
  const one = (name: string, t: TargetSummary | null) =>
    t
      ? `${name} ${int(t.carries)} viewers, ${t.forwardedPerCoreAtCarries === null ? '–' : kilo(t.forwardedPerCoreAtCarries)} packets/s per core`
      : null;
  return [
    one('SRTP', s.mediasoup),
    one('SRTP, libuv build', s.mediasoupLibuv ?? null),
    one('no SRTP', s.mediasoupPlain),
    one('relay', s.baseline),
  ]
    .filter(Boolean)
    .join('; ');
}
