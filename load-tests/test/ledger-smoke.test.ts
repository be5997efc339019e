import { mkdir, mkdtemp, readdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerScript, parsePgbench, shownScript } from '../src/ledger/pgbench.js';
import { runLedgerBench, SEGMENTS } from '../src/ledger/run.js';
import { renderBenchTable } from '../src/report/readme-tables.js';
import { writeResults } from '../src/report/results.js';
import { chart } from '../src/scenarios/ledger.js';

/**
 * Keeps `npm run bench -- ledger` from rotting: the real scenario (migrations,
 * pgbench tpcb-like, pgbench running `ledger_post`, Hawker's three transfer
 * modes) at a tiny size. Not a performance test: it checks that every segment
 * ran in rotated order, both baselines booked, the ledger is clean, the
 * database is gone and the README block renders the new columns.
 */
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const outDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-ledger-smoke-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('ledger bench (tiny)', () => {
  it('runs both pgbench baselines and every mode in rotated rounds, and drops its database', { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    const report = await runLedgerBench({ clients: [2], seconds: 1, rounds: 2, accounts: 50, pgbenchScale: 1, adminUrl }, (line) =>
      lines.push(line),
    );
    expect(report.full).toBe(false);
    expect(report.machine.postgres).toMatch(/^\d+\.\d+/);
    expect(report.pgbench).toMatch(/^pgbench \(PostgreSQL\) \d+/);
    expect(report.pgbenchLedgerScript).toContain(`'{…50 account ids…}'::uuid[]`);
    const [point] = report.points;
    expect(point!.rounds.map((r) => r.order)).toEqual([[...SEGMENTS], [...SEGMENTS.slice(1), SEGMENTS[0]]]);
    for (const r of point!.rounds) for (const seg of SEGMENTS) expect(r.tps[seg]).toBeGreaterThan(0);
    expect(point!.pgbenchLedgerRuns).toHaveLength(2);
    expect(point!.ratioToLedger.statement).toBeCloseTo(
      (point!.rounds[0]!.tps.statement / point!.rounds[0]!.tps['pgbench-ledger'] +
        point!.rounds[1]!.tps.statement / point!.rounds[1]!.tps['pgbench-ledger']) /
        2,
    );
    expect(point!.met).toBe(point!.ratioToLedger.statement >= 0.9);
    expect(report.summary).toMatchObject({ selfCheckProblems: 0, targets: { statementVsPgbenchLedger: 0.9 } });
    expect(report.summary.transfers).toBeGreaterThan(0);
    expect(report.summary.pgbenchLedgerTransfers).toBeGreaterThan(0);

    const name = /database (hawker_bench_\d+)/.exec(lines.join('\n'))?.[1];
    expect(name).toBeDefined();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname = $1', [name]);
    await admin.end();
    expect(left.rows).toEqual([]);

    const files = await writeResults(outDir, 'ledger', report, chart(report), { latest: false });
    expect(files).toHaveLength(1);
    expect(await readdir(outDir)).toHaveLength(1);
    expect(chart(report)).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline/);

    // The README block for a file in this format (the bench only writes -latest on a full run).
    const tables = path.join(outDir, 'tables');
    await mkdir(tables);
    await writeFile(path.join(tables, 'ledger-latest.json'), JSON.stringify(report));
    await writeFile(path.join(tables, 'ledger-2026-11-22T09-53-44-905Z.json'), JSON.stringify(report));
    await writeFile(path.join(tables, 'ledger-2026-12-01T10-51-05-935Z.json'), JSON.stringify(report));
    const block = renderBenchTable('ledger', tables);
    expect(block).toContain(`PostgreSQL ${report.machine.postgres}`);
    expect(block).toContain('**Not a full run.**');
    expect(block).toContain('| clients | pgbench tpcb-like | pgbench ledger | batched (`transfer`) |');
    expect(block).toContain('`post` ÷ pgbench ledger (target ≥ 0.9×) |');
    expect(block).toMatch(/\n\| 2 \| [\d,]+\/s \| [\d,]+\/s \| /);
    expect(block).toContain(`at every client count: ${report.summary.met ? '**met**' : '**not met**'}`);
    expect(block).toMatch(/`post` ÷ pgbench ledger [\d.]+× at 2 clients/);
  });
});

describe('pgbench ledger script', () => {
  const buyers = ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002'];
  const escrows = ['00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000b'];

  it('calls ledger_post as post does: payer first, a random account of each list, 1 to 10,000 minor units', () => {
    const script = ledgerScript(buyers, escrows);
    expect(script).toContain('\\set from random(1, 2)\n\\set to random(1, 2)\n\\set amount random(1, 10000)\n\\set paid -1 * :amount\n');
    expect(script).toContain(
      `SELECT ledger_post('payment_capture'::"LedgerTransferKind", NULL::uuid, NULL::uuid, NULL::text, ''::text, ` +
        `ARRAY[('{${buyers.join(',')}}'::uuid[])[:from], ('{${escrows.join(',')}}'::uuid[])[:to]], ARRAY[:paid::bigint, :amount::bigint])`,
    );
    expect(shownScript(script)).toContain(`ARRAY[('{…2 account ids…}'::uuid[])[:from], ('{…2 account ids…}'::uuid[])[:to]]`);
  });

  it('reads tps without connection time and refuses a run with failed transactions', () => {
    const out = (failed: number) =>
      `number of transactions actually processed: 1234\nnumber of failed transactions: ${failed} (0.000%)\ntps = 617.123456 (without initial connection time)\n`;
    expect(parsePgbench(out(0))).toEqual({ tps: 617.123456, transactions: 1234 });
    expect(() => parsePgbench(out(3))).toThrow(/3 transactions failed/);
    expect(() => parsePgbench('nothing')).toThrow(/could not read pgbench output/);
  });
});
