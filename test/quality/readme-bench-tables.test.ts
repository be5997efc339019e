import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DealModeResult, DealModeSummary, DealReport } from '../../load-tests/src/deal/results.js';
import {
  BENCH_TABLES,
  blockText,
  DEAL_NO_RESULTS,
  EARLIER_RUNS,
  readBenchTables,
  renderBenchTable,
  renderBenchTables,
  writeBenchTables,
} from '../../load-tests/src/report/readme-tables.js';
import { defaultResultsDir, isDefaultRun, isFullRun, writeResults } from '../../load-tests/src/report/results.js';

const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const benchmarks = readme.slice(readme.indexOf('\n## Benchmarks\n'), readme.indexOf('\n## Multi-node\n'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hawker-bench-tables-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every figure in the README's benchmark tables is one a results file holds: `npm run bench:tables` writes them. */
describe("the README's benchmark tables are the results files'", () => {
  const blocks = renderBenchTables();
  const inReadme = readBenchTables(readme);

  it('has one block per bench, in the Benchmarks section', () => {
    expect([...inReadme.keys()].sort()).toEqual([...BENCH_TABLES].sort());
    expect([...readBenchTables(benchmarks).keys()].sort()).toEqual([...BENCH_TABLES].sort());
  });

  it.each(BENCH_TABLES)('%s: README.md holds exactly what load-tests/results renders (else run `npm run bench:tables`)', (name) => {
    expect(inReadme.get(name)).toBe(blockText(blocks[name]));
  });

  it('rewriting the blocks changes nothing else', () => {
    expect(writeBenchTables(readme, blocks)).toBe(readme);
  });

  it('every *-latest.json that records whether it was a full run was one', () => {
    const latest = readdirSync(defaultResultsDir).filter((f) => f.endsWith('-latest.json'));
    expect(latest.length).toBeGreaterThanOrEqual(BENCH_TABLES.length);
    for (const f of latest) {
      const report = JSON.parse(readFileSync(path.join(defaultResultsDir, f), 'utf8')) as { full?: boolean };
      expect(report.full, f).not.toBe(false);
    }
  });
});

describe('the deal block', () => {
  it('says there is no results file when deal-latest.json is in the format before rotated rounds', () => {
    const dir = path.join(tmp, 'old');
    writeResultsFile(dir, 'deal-latest.json', {
      scenario: 'deal',
      startedAt: '2026-12-01T13:07:11.216Z',
      machine: { cpus: 2, node: 'v20' },
      modes: [],
    });
    expect(renderBenchTable('deal', dir)).toBe(DEAL_NO_RESULTS);
  });

  it('renders medians, spreads and the targets from the current format', () => {
    const dir = path.join(tmp, 'new');
    writeResultsFile(dir, 'deal-latest.json', dealReport());
    // The earlier runs the README lists, from the results (one line each under the table).
    for (const f of EARLIER_RUNS.deal) copyFileSync(path.join(defaultResultsDir, f), path.join(dir, f));
    const block = renderBenchTable('deal', dir);
    expect(block).toContain('`load-tests/results/deal-latest.json`, run of 2026-12-07T10:00:00.000Z: 2 cores');
    expect(block).toContain('PostgreSQL 15.20, Redis 7.0.15');
    expect(block).toContain(
      '| Hawker (the gate answers, checkout behind) | **4,500** [4,200–4,800] | 120 ms [110–130 ms] | **380 ms** [350–420 ms] | 8.0 s [7.5–8.5 s] | 2.4 s [2.2–2.6 s] | 500 | 0 |',
    );
    expect(block).toContain(
      '| naive row-lock purchase | 1,400 [1,300–1,500] | 3.9 s [3.8–4.0 s] | 6.1 s [6.0–6.2 s] | 9.0 s [8.8–9.2 s] | – | 500 | 0 |',
    );
    expect(block).toContain('Hawker ÷ naive attempts/s **3.21×** (target ≥ 3×: **met**)');
    expect(block).toContain('(target ≤ 10 s and no slower: **met**)');
    expect(block).toContain('1,000 paid, 0 failed over the rounds): **met**');
    expect(block).toContain(
      '- `deal-2026-12-06T22-33-30.403Z.json` (load 0.33 at the start): press → answer p99 490 ms, Hawker ÷ naive attempts/s 4.79×, joins 13.1 s (naive 47.8 s).',
    );
  });
});

describe('only full runs rewrite *-latest', () => {
  it('isFullRun: no --quick and no measuring option', () => {
    const flags = (quick: boolean, given: Record<string, string>) => ({ quick, value: (k: string) => given[k] });
    expect(isFullRun(flags(false, {}), ['rounds'])).toBe(true);
    expect(isFullRun(flags(true, {}), ['rounds'])).toBe(false);
    expect(isFullRun(flags(false, { rounds: '5' }), ['rounds'])).toBe(false);
  });

  it('isDefaultRun: every option but the ignored ones at its default', () => {
    const defaults = { steps: [50, 100], baseline: true, outDir: 'a' };
    expect(isDefaultRun({ ...defaults, outDir: 'b' }, defaults, ['outDir'])).toBe(true);
    expect(isDefaultRun({ ...defaults, steps: [50] }, defaults, ['outDir'])).toBe(false);
    expect(isDefaultRun({ ...defaults, baseline: false }, defaults, ['outDir'])).toBe(false);
  });

  it('writeResults writes only the timestamped file for a run that is not full', async () => {
    const dir = path.join(tmp, 'write');
    const startedAt = '2026-12-07T10:00:00.000Z';
    expect(await writeResults(dir, 'x', { startedAt }, '<svg/>', { latest: false })).toHaveLength(1);
    expect(await writeResults(dir, 'y', { startedAt, full: false }, '<svg/>')).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(['x-2026-12-07T10-00-00.000Z.json', 'y-2026-12-07T10-00-00.000Z.json']);
    expect(await writeResults(dir, 'z', { startedAt, full: true }, '<svg/>')).toHaveLength(3);
  });
});

function writeResultsFile(dir: string, file: string, report: object) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), JSON.stringify(report));
}

const s = (median: number, min: number, max: number) => ({ median, min, max, rounds: [min, median, max] });

/** The fields the deal block reads (the rest of the format is the bench's business, and changes with it). */
type RunFields = Pick<DealModeResult, 'mode' | 'round' | 'sold' | 'oversold' | 'outcomes'>;
type ReportFields = Pick<DealReport, 'scenario' | 'startedAt' | 'machine' | 'options' | 'summary'> & {
  runs: RunFields[];
  modes: DealModeSummary[];
};

function run(mode: 'hawker' | 'naive', round: number): RunFields {
  const latency = { samples: 10_000, p50: 100, p95: 200, p99: 300, max: 400, mean: 120 };
  return {
    mode,
    round,
    outcomes: mode === 'hawker' ? { paid: 500, failed: 0, latencyMs: latency } : null,
    sold: 500,
    oversold: 0,
  };
}

function dealReport(): ReportFields {
  const modes: DealModeSummary[] = [
    {
      mode: 'hawker',
      attemptsPerSecond: s(4_500, 4_200, 4_800),
      ackP50Ms: s(120, 110, 130),
      ackP99Ms: s(380, 350, 420),
      joinSeconds: s(8, 7.5, 8.5),
      outcomeMaxMs: s(2_400, 2_200, 2_600),
      ackLatencyCdf: [],
    },
    {
      mode: 'naive',
      attemptsPerSecond: s(1_400, 1_300, 1_500),
      ackP50Ms: s(3_900, 3_800, 4_000),
      ackP99Ms: s(6_100, 6_000, 6_200),
      joinSeconds: s(9, 8.8, 9.2),
      outcomeMaxMs: null,
      ackLatencyCdf: [],
    },
  ];
  return {
    scenario: 'deal',
    startedAt: '2026-12-07T10:00:00.000Z',
    machine: {
      cpus: 2,
      cpuModel: 'test',
      totalMemMb: 1024,
      node: 'v20.20.2',
      postgres: '15.20',
      redis: '7.0.15',
      platform: 'linux x64',
      kernel: '6',
      loadAvgBefore: [0.2, 0.2, 0.2],
      loadAvgAfter: [1, 1, 1],
      disturbed: false,
    },
    options: { buyers: 10_000, units: 500, perBuyerLimit: 1, spreadMs: 1000, buyerProcesses: 2, rounds: 2 },
    runs: [run('hawker', 1), run('naive', 1), run('naive', 2), run('hawker', 2)],
    modes,
    summary: {
      ratio: 3.21,
      hawkerAttemptsPerSecond: 4_500,
      hawkerAckP99Ms: 380,
      joinRatio: 0.89,
      oversold: 0,
      targets: { ackP99: true, ratio: true, joins: true, settled: true, oversold: true },
    },
  };
}
