import type { Spread } from '../stats.js';

// Number and markdown formatting shared by the README's benchmark tables (see ../readme-tables.ts).

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const kilo = (n: number) => `~${Math.round(n / 1000)}k`;
export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
export const pct = (n: number) => `${Math.round(n)} %`;
export const met = (ok: boolean | null | undefined) => (ok ? '**met**' : '**not met**');

/** Milliseconds: 86 ms, 6.8 s. */
export function ms(n: number): string {
  if (n >= 1000) return `${(n / 1000).toFixed(1)} s`;
  if (n >= 10) return `${Math.round(n)} ms`;
  return `${n.toFixed(1)} ms`;
}

/** Microseconds: 13.0 µs, 371 µs, 1.50 ms, 11.3 ms. */
export function us(n: number): string {
  if (n < 100) return `${n.toFixed(1)} µs`;
  if (n < 1000) return `${Math.round(n)} µs`;
  if (n < 10_000) return `${(n / 1000).toFixed(2)} ms`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} ms`;
  return `${(n / 1_000_000).toFixed(2)} s`;
}

/** A ratio: 0.89×, 4.12×, 28.7×, 562×. */
export function times(n: number): string {
  if (n >= 100) return `${int(n)}×`;
  if (n >= 10) return `${n.toFixed(1)}×`;
  return `${n.toFixed(2)}×`;
}

/** A target as the issue states it: 3×, 10×. */
export const targetTimes = (n: number) => `${n}×`;

const UNIT = /^(.*?)(\s?(?:µs|ms|s|kB|×))$/;

/** `median [min–max]` (one unit after the range when both ends share it), or the median alone when every round gave the same. */
export function spread(s: Spread, f: (n: number) => string, bold = false): string {
  const m = bold ? `**${f(s.median)}**` : f(s.median);
  if (s.min === s.max) return m;
  const [lo, hi] = [f(s.min), f(s.max)];
  const a = UNIT.exec(lo);
  const b = UNIT.exec(hi);
  return a && b && a[2] === b[2] ? `${m} [${a[1]}–${b[1]}${b[2]}]` : `${m} [${lo}–${hi}]`;
}

export function range(xs: number[], f: (n: number) => string = int): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
}

export function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** `spread`, or – when the file has no figure. */
export const spreadOr = (s: Spread | null, f: (n: number) => string, bold = false) => (s ? spread(s, f, bold) : '–');

/** Options that differ from the scenario's defaults (only a full run should be `*-latest`). */
export function differing<T extends object>(options: T, defaults: T, keys: (keyof T)[]): string[] {
  return keys.filter((k) => JSON.stringify(options[k]) !== JSON.stringify(defaults[k])).map(String);
}

export function notFull(diff: string[]): string {
  return diff.length === 0 ? '' : ` **Not a full run**: ${diff.join(', ')} differ from the defaults.`;
}
