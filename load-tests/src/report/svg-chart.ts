/**
 * A tiny, dependency-free SVG line chart for bench results: panels stacked
 * over one shared x axis, each with its own y scale (loss %, CPU % and
 * milliseconds do not share a unit, so one y axis would flatten two of them).
 * Output is a self-contained SVG string: no scripts, fonts or external refs.
 */

export interface Series {
  name: string;
  color: string;
  /** [x, y] pairs; y null leaves a gap (no measurement). */
  points: readonly (readonly [number, number | null])[];
}

export interface Panel {
  title: string;
  yLabel: string;
  series: readonly Series[];
  /** Dashed horizontal reference lines (targets, limits). */
  thresholds?: readonly { y: number; label: string }[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  panels: readonly Panel[];
  width?: number;
  panelHeight?: number;
}

const M = { left: 64, right: 150, top: 28, bottom: 34 };

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** About five round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if (ticks.at(-1)! < max) ticks.push(ticks.at(-1)! + step);
  return ticks;
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n));

function panel(p: Panel, xTicks: number[], width: number, height: number, top: number): string {
  const xs = (x: number) => M.left + ((x - xTicks[0]!) / (xTicks.at(-1)! - xTicks[0]!)) * (width - M.left - M.right);
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y)).filter((y): y is number => y !== null);
  const yTicks = niceTicks(0, Math.max(...ys, ...(p.thresholds ?? []).map((t) => t.y), 1e-9));
  const plotH = height - M.top - M.bottom;
  const yOf = (y: number) => top + M.top + plotH - (y / yTicks.at(-1)!) * plotH;
  const out: string[] = [
    `<text x="${M.left}" y="${top + 18}" font-weight="bold">${escapeXml(p.title)}</text>`,
    `<text transform="translate(14 ${top + M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(p.yLabel)}</text>`,
  ];
  for (const t of yTicks) {
    out.push(
      `<line x1="${M.left}" x2="${width - M.right}" y1="${yOf(t)}" y2="${yOf(t)}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 6}" y="${yOf(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    out.push(`<text x="${xs(t)}" y="${top + height - M.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const th of p.thresholds ?? []) {
    out.push(
      `<line x1="${M.left}" x2="${width - M.right}" y1="${yOf(th.y)}" y2="${yOf(th.y)}" stroke="#b00" stroke-dasharray="5 4"/>`,
      // Inside the plot, above the line: the legend owns the right margin.
      `<text x="${width - M.right - 4}" y="${yOf(th.y) - 4}" text-anchor="end" fill="#b00">${escapeXml(th.label)}</text>`,
    );
  }
  p.series.forEach((s, i) => {
    // Split at null y so a missing measurement is a gap, not a false line.
    const runs: string[][] = [[]];
    for (const [x, y] of s.points) {
      if (y === null) runs.push([]);
      else runs.at(-1)!.push(`${xs(x).toFixed(1)},${yOf(y).toFixed(1)}`);
    }
    for (const run of runs.filter((r) => r.length > 0)) {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${run.join(' ')}"/>`);
      for (const pt of run) {
        const [cx, cy] = pt.split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
      }
    }
    const ly = top + M.top + 14 + i * 18;
    out.push(
      `<line x1="${width - M.right + 6}" x2="${width - M.right + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${width - M.right + 28}" y="${ly}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push(`<rect x="${M.left}" y="${top + M.top}" width="${width - M.left - M.right}" height="${plotH}" fill="none" stroke="#999"/>`);
  return out.join('\n');
}

export function lineChart({ title, xLabel, panels, width = 760, panelHeight = 210 }: ChartOptions): string {
  const xsAll = panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xTicks = niceTicks(Math.min(0, ...xsAll), Math.max(...xsAll, 1));
  const height = 36 + panels.length * panelHeight + 20;
  const body = panels.map((p, i) => panel(p, xTicks, width, panelHeight, 36 + i * panelHeight));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    `<text x="${(M.left + width - M.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
