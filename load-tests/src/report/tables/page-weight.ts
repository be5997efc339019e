import path from 'node:path';
import type { PageWeightReport } from '../../page-weight/report.js';
import { int, kb, met, range, spread, table } from './format.js';

// The README's `bench-table:page-weight` block, from `page-weight-*.json` (see ../readme-tables.ts).

const unhashed = (p: string) => path.basename(p).replace(/-[A-Za-z0-9_-]{8}\.js$/, '-*.js');

export function renderPageWeight(r: PageWeightReport): string {
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

export function earlierPageWeight(r: PageWeightReport): string {
  const s = r.summary;
  const w = s.modes.webrtc;
  const session = r.files.webrtc?.find((f) => unhashed(f.path) === 'session-*.js');
  return `webrtc ${w?.compressedBytes == null ? '–' : kb(w.compressedBytes)} on the wire${s.marginBytes !== null ? ` (${s.marginBytes >= 0 ? `${kb(s.marginBytes)} to spare` : `${kb(-s.marginBytes)} over the target`})` : ''}${session ? `, \`session-*.js\` ${kb(session.wireBytes.compressed ?? 0)}` : ''}`;
}
