import { lineChart } from '../report/svg-chart.js';
import { machineLine } from '../report/machine.js';
import { TARGET, type PageWeightReport, type Spread } from './report.js';
import { VIEWER_MODES, type ViewerMode } from './viewer.js';

const COLORS: Record<ViewerMode, string> = { webrtc: '#16a34a', hls: '#2563eb', fallback: '#d97706' };

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
const range = (s: Spread, f: (n: number) => string) => (s.min === s.max ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`);
const col = (text: string, width: number) => `${text.padEnd(width - 1)} `;

/** The file's name: /assets/hls.light-B5YW9Yff.js → hls.light-B5YW9Yff.js (several chunks share a name, e.g. api-*.js). */
export function fileName(p: string): string {
  return p.split('?')[0]!.split('/').pop()!;
}

/** The CLI summary: per mode and encoding the medians [min–max], then each mode's files, then the target. */
export function formatPageWeightReport(r: PageWeightReport): string {
  const m = r.machine;
  const lines = [
    `machine: ${machineLine(m)}; Chromium ${m.chromium}`,
    `code: ${r.code.commit.slice(0, 10)}${r.code.webModified.map((f) => ` + uncommitted ${f}`).join('')}; build: ${r.build.jsFiles} JS files, ${kb(r.build.jsBrBytes)} brotli in all`,
    '',
    `JavaScript before the first video frame, median [min–max] over ${r.options.rounds} round${r.options.rounds === 1 ? '' : 's'} (body bytes; kB = 1,000 bytes):`,
    `  ${col('mode', 10)}${col('encoding', 12)}${col('on the wire', 24)}${col('decoded', 12)}${col('requests', 10)}${col('first frame', 30)}all responses on the wire`,
  ];
  for (const c of r.cells)
    lines.push(
      `  ${col(c.mode, 10)}${col(c.encoding, 12)}${col(range(c.jsWireBytes, kb), 24)}${col(kb(c.jsDecodedBytes.median), 12)}${col(String(c.jsRequests.median), 10)}${col(range(c.firstFrameMs, ms), 30)}${kb(c.allWireBytes.median)}${c.sameScriptsEveryRound ? '' : ' (scripts differed between rounds)'}`,
    );
  for (const mode of VIEWER_MODES) {
    const rows = r.files[mode];
    if (!rows) continue;
    lines.push('', `${mode}: scripts before the first frame, biggest first (on the wire compressed / identity, decoded; done at):`);
    for (const f of rows) {
      const w = f.wireBytes;
      lines.push(
        `  ${col(fileName(f.path), 34)}${col(`${w.compressed === undefined ? '-' : kb(w.compressed)} ${f.contentEncoding ?? ''}`.trim(), 16)}${col(w.identity === undefined ? '-' : kb(w.identity), 11)}${col(kb(f.decodedBytes), 11)}${ms(f.finishedMs)}`,
      );
    }
  }
  const s = r.summary;
  const w = s.modes.webrtc;
  lines.push('');
  if (s.met === null || !w || w.compressedBytes === null) lines.push('target: judged on webrtc, compressed: not in this run');
  else
    lines.push(
      `target ≤ ${kb(TARGET.maxWireBytes)} of JavaScript on the wire before the first WebRTC frame: ${kb(w.compressedBytes)} — ${s.met ? 'MET' : 'NOT met'}${s.met && !s.metEveryRound ? ' (not in every round)' : ''} (${s.marginBytes! >= 0 ? `${kb(s.marginBytes!)} to spare` : `${kb(-s.marginBytes!)} over`})${w.identityBytes !== null ? `; ${kb(w.identityBytes)} uncompressed (${w.compressionRatio}×)` : ''}`,
    );
  if (s.webrtcWithHeadersBytes !== null)
    lines.push(`  with the HTTP response headers of those requests (not in the target): ${kb(s.webrtcWithHeadersBytes)}`);
  lines.push(
    `checks: every script ${s.checks.matchesBuild ? 'was' : 'was NOT'} byte for byte the build's file for its encoding; Resource Timing ${s.checks.resourceTimingAgrees ? 'agreed' : 'did NOT agree'} with DevTools; the page (index.html for /live/:id) came ${s.checks.documentContentEncoding.map((e) => e ?? 'uncompressed').join(' / ')}`,
  );
  if (r.machine.disturbed)
    lines.push('the run started on a busy machine (disturbed): the bytes hold, the times to first frame are slower than on a quiet one');
  return lines.join('\n');
}

const label = (mode: ViewerMode, n: number | null | undefined, f: (n: number) => string) => (n == null ? mode : `${mode} ${f(n)}`);

/** Round by round: JS on the wire per mode (compressed, with the target), uncompressed, and time to first frame. */
export function pageWeightChart(r: PageWeightReport): string {
  const per = (mode: ViewerMode, encoding: string, pick: (s: PageWeightReport['samples'][number]) => number) =>
    r.samples.filter((s) => s.mode === mode && s.encoding === encoding).map((s) => [s.round, pick(s)] as const);
  const modes = VIEWER_MODES.filter((mode) => r.samples.some((s) => s.mode === mode));
  const series = (encoding: string, pick: (s: PageWeightReport['samples'][number]) => number, label: (mode: ViewerMode) => string) =>
    modes.map((mode) => ({ name: label(mode), color: COLORS[mode], points: per(mode, encoding, pick) })).filter((x) => x.points.length > 0);
  const sm = r.summary.modes;
  return lineChart({
    title: `JavaScript before the first live video frame (${r.startedAt.slice(0, 16)}Z${r.machine.disturbed ? ', DISTURBED' : ''})`,
    xLabel: 'round (each loads every mode × encoding once, in rotated order, fresh context)',
    panels: [
      {
        title: 'On the wire, compressed (br)',
        yLabel: 'kB',
        series: series(
          'compressed',
          (s) => s.js.wireBodyBytes / 1000,
          (mode) => label(mode, sm[mode]?.compressedBytes, kb),
        ),
        thresholds: [{ y: TARGET.maxWireBytes / 1000, label: `target ${kb(TARGET.maxWireBytes)} (webrtc)` }],
      },
      {
        title: 'On the wire, uncompressed (Accept-Encoding: identity)',
        yLabel: 'kB',
        series: series(
          'identity',
          (s) => s.js.wireBodyBytes / 1000,
          (mode) => label(mode, sm[mode]?.identityBytes, kb),
        ),
      },
      {
        title: 'Time to first frame, compressed',
        yLabel: 'ms',
        series: series(
          'compressed',
          (s) => s.firstFrameMs,
          (mode) => label(mode, sm[mode]?.firstFrameMs, ms),
        ),
      },
    ],
  });
}
