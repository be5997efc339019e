import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultResultsDir } from './results.js';
import { earlierAdClicks, renderAdClicks } from './tables/ad-clicks.js';
import { earlierAds, renderAds } from './tables/ads.js';
import { earlierChat, renderChat } from './tables/chat.js';
import { earlierDeal, isDealReport, renderDeal } from './tables/deal.js';
import { earlierLedger, renderLedger } from './tables/ledger.js';
import { type AnyMachine, loadAtStart, machineLine } from './tables/machine.js';
import { earlierPageWeight, renderPageWeight } from './tables/page-weight.js';
import { earlierSfu, renderSfu } from './tables/sfu.js';

export { LEDGER_TARGET_RATIO } from './tables/ledger.js';
export { type AnyMachine, machineLine } from './tables/machine.js';

/**
 * The README's benchmark tables, rendered from `load-tests/results/<name>-latest.json`.
 * README.md holds each between `<!-- bench-table:<name> -->` and
 * `<!-- /bench-table:<name> -->`; `npm run bench:tables` rewrites them and
 * test/quality/readme-bench-tables.test.ts fails when they differ, so every
 * figure in those tables is one a results file holds. Each bench's renderer is in
 * tables/<name>.ts, the shared number formatting in tables/format.ts.
 */
export const BENCH_TABLES = ['sfu', 'ledger', 'chat', 'deal', 'ads', 'ad-clicks', 'page-weight'] as const;
export type BenchTable = (typeof BENCH_TABLES)[number];

/**
 * Earlier runs the README's prose compares with (before a change, or another day): one
 * generated line each, from their own files, so the comparison is not hand-typed either.
 */
export const EARLIER_RUNS: Record<BenchTable, string[]> = {
  sfu: ['sfu-2026-11-22T08-49-28.345Z.json', 'sfu-2026-12-06T19-58-33.518Z.json', 'sfu-2026-12-06T21-34-54.625Z.json'],
  ledger: ['ledger-2026-11-22T09-53-44-905Z.json', 'ledger-2026-12-01T10-51-05-935Z.json'],
  chat: [
    'chat-2026-12-01T09-34-04.216Z.json',
    'chat-2026-12-01T09-36-01.319Z.json',
    'chat-2026-12-01T09-37-24.361Z.json',
    'chat-2026-12-01T11-05-44.993Z.json',
    'chat-2026-12-06T20-04-07.491Z.json',
    'chat-2026-12-06T21-38-38.850Z.json',
    'chat-2026-12-06T22-06-30.688Z.json',
  ],
  deal: ['deal-2026-12-06T19-29-22.148Z.json', 'deal-2026-12-06T22-33-30.403Z.json'],
  ads: ['ads-2026-12-06T15-52-06.423Z.json', 'ads-2026-12-06T15-56-54.137Z.json'],
  'ad-clicks': ['ad-clicks-2026-12-06T16-53-08.875Z.json'],
  'page-weight': ['page-weight-2026-12-06T17-17-19.799Z.json'],
};

export const DEAL_NO_RESULTS = 'No results file in the current format yet: run `npm run bench -- deal`.';

type Renderer = { render: (r: never) => string; earlier?: (r: never) => string; accepts?: (r: unknown) => boolean };

const RENDERERS: Record<BenchTable, Renderer> = {
  sfu: { render: renderSfu, earlier: earlierSfu },
  ledger: { render: renderLedger, earlier: earlierLedger },
  chat: { render: renderChat, earlier: earlierChat },
  deal: { render: renderDeal, earlier: earlierDeal, accepts: isDealReport },
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
